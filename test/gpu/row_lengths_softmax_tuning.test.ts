// The softmax cases of row_lengths.ts under the one-pass kernel's other
// tuning (rows.ts, SoftmaxTuning; WEBMX_GPU_SOFTMAX is read once, so this
// file sets it before the GPU opens): exp kept in registers, one reduction of
// (max, exp-sum) pairs, rows that fill every vector without bounds checks,
// with subgroup operations where the device has them.
process.env.WEBMX_GPU_SOFTMAX = "fused,expOnce,exact";
const { softmaxLengthSuites } = await import("./row_lengths.js");

softmaxLengthSuites(`WEBMX_GPU_SOFTMAX=${process.env.WEBMX_GPU_SOFTMAX}`);

export {}; // a module: top-level await

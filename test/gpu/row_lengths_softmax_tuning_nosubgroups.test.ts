// row_lengths_softmax_tuning.test.ts's cases on a device opened without
// subgroup operations (WEBMX_GPU_SUBGROUPS=0): the pair reduction through a
// workgroup-memory tree.
process.env.WEBMX_GPU_SOFTMAX = "fused,expOnce,exact";
process.env.WEBMX_GPU_SUBGROUPS = "0";
const { softmaxLengthSuites } = await import("./row_lengths.js");

softmaxLengthSuites(`WEBMX_GPU_SOFTMAX=${process.env.WEBMX_GPU_SOFTMAX}, no subgroups`);

export {}; // a module: top-level await

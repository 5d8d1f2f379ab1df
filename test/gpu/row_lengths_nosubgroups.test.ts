// The row kernels at lengths around their reduction sizes on a device opened
// without subgroup operations (WEBMX_GPU_SUBGROUPS=0, read when the GPU
// opens): the workgroup-memory trees that devices without them run.
process.env.WEBMX_GPU_SUBGROUPS = "0";
const { rowLengthSuites } = await import("./row_lengths.js");

rowLengthSuites("no subgroups");

export {}; // a module: top-level await

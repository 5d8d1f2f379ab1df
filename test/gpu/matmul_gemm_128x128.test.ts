// The GEMM cases with the 128x128 configuration (see matmul_gemm_cases.ts).
process.env.WEBMX_GPU_GEMM = "128x128";
const { gemmSuite } = await import("./matmul_gemm_cases.js");

gemmSuite("128x128");

export {}; // a module: top-level await

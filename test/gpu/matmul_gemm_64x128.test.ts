// The GEMM cases with the 64x128 configuration (see matmul_gemm_cases.ts).
process.env.WEBMX_GPU_GEMM = "64x128";
const { gemmSuite } = await import("./matmul_gemm_cases.js");

gemmSuite("64x128");

export {}; // a module: top-level await

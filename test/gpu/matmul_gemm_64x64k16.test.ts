// The GEMM cases with the 64x64k16 configuration (see matmul_gemm_cases.ts).
process.env.WEBMX_GPU_GEMM = "64x64k16";
const { gemmSuite } = await import("./matmul_gemm_cases.js");

gemmSuite("64x64k16");

export {}; // a module: top-level await

// What runs on the CPU while the GPU is the default device: the (primitive,
// dtype) pairs the WebGPU backend has no kernel for. Placement finds these
// by asking the backend (kernels/index.ts); this list says the same in
// words for backendInfo() and the README, and test/gpu/coverage.test.ts
// holds the two to each other over every op of API.md.
//
// A fallback node reads its GPU inputs through ToDevice copies, so a graph
// with one must be read with `await mx.asyncEval` (mx.eval can't wait for
// the GPU).

export interface GpuFallback {
  /** A primitive's name (as exportToDot shows it), or "*" for every primitive. */
  op: string;
  /** The dtypes it falls back for (of its inputs or outputs), or "all". */
  dtypes: readonly string[] | "all";
  reason: string;
}

const WIDE = ["int64", "uint64", "float64"];

export const GPU_FALLBACKS: readonly GpuFallback[] = [
  { op: "*", dtypes: WIDE, reason: "WGSL has no 64-bit types" },
  { op: "*", dtypes: ["complex64"], reason: "WGSL has no complex type (mx.fft and complex arithmetic run on the CPU)" },
  // mx.linalg's factorizations run on the CPU in MLX too (its linalg ops take the CPU stream).
  ...["Inverse", "Cholesky", "QRF", "SVD", "Eigh", "LUF"].map((op) => ({ op, dtypes: "all" as const, reason: "mx.linalg runs on the CPU, as in MLX" })),
  // MLX's floating-point microscaling modes (mxfp4, mxfp8, nvfp4)
  ...["FpQuantize", "FpDequantize", "QQMatmul"].map((op) => ({ op, dtypes: "all" as const, reason: "no GPU kernel yet" })),
];

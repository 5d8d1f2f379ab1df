// The ops sweep's rows for mx.linalg (the ops with gradients), in the format
// of reference_sweep_rows.ts, which adds them to its table and master list.
// (MLX has no gradient for inv, cholesky, eigh or svd; webmx has, beyond it.)
// Inputs are generated well conditioned: diagonally dominant for inverses and
// solves, symmetric positive definite with spread eigenvalues for Cholesky
// and eigh. (Factorizations without a gradient in MLX are checked in
// test/linalg_decomp.test.ts.)
import { mx } from "./setup.js";
import * as ref from "./reference.js";
import type { Row } from "./reference_sweep.js";

const L = mx.linalg;
const N = 3; // the matrices are N x N
const rnd = (i: number, b: number, k: number) => ref.rand(1, 11 + i * 131 + b * 17 + k * 7919)[0]!;
/** A matrix with 3 added on its diagonal. */
const dominant = (i: number, b: number, k: number) => rnd(i, b, k) * 0.5 + (i % (N + 1) === 0 ? 3 : 0);
/** A symmetric matrix with diagonal 2, 4, 6 and small off-diagonal entries (distinct eigenvalues). */
const symmetric = (i: number, b: number) => {
  const r = Math.floor(i / N), c = i % N;
  return r === c ? 2 * (r + 1) : rnd(Math.min(r, c) * N + Math.max(r, c), b, 0) * 0.5;
};

/** A non-symmetric matrix with diagonal 2, 4, 6 (distinct singular values). */
const spread = (i: number, b: number, k: number) => rnd(i, b, k) * 0.5 + (i % (N + 1) === 0 ? 2 * (i / (N + 1) + 1) : 0);

export const mxLinalgRows: Row[] = [
  { op: "linalg.norm", inputs: [[2, 3]], fn: (x) => L.norm(x) },
  { op: "linalg.norm", label: "ord 3 along axis 1", inputs: [[2, 3]], fn: (x) => L.norm(x, 3, 1) },
  { op: "linalg.norm", label: "fro, keepdims", inputs: [[2, 3, 2]], fn: (x) => L.norm(x, "fro", [0, 2], true) },
  { op: "linalg.norm", label: "matrix inf", inputs: [[3, 2]], fn: (x) => L.norm(x, Infinity) },
  { op: "linalg.inv", inputs: [[N, N]], gen: dominant, fn: (x) => L.inv(x) },
  { op: "linalg.inv", label: "batched", inputs: [[2, N, N]], gen: (i, b, k) => dominant(i % (N * N), b, k + Math.floor(i / 9)), fn: (x) => L.inv(x) },
  { op: "linalg.triInv", inputs: [[N, N]], gen: dominant, fn: (x) => L.triInv(x, true) },
  { op: "linalg.cholesky", inputs: [[N, N]], gen: symmetric, fn: (x) => L.cholesky(x) },
  { op: "linalg.cholesky", label: "upper", inputs: [[N, N]], gen: symmetric, fn: (x) => L.cholesky(x, true) },
  { op: "linalg.choleskyInv", inputs: [[N, N]], gen: dominant, fn: (x) => L.choleskyInv(x) },
  { op: "linalg.solve", inputs: [[N, N], [N, 2]], gen: (i, b, k) => (k === 0 ? dominant(i, b, k) : rnd(i, b, k)), fn: (a, c) => L.solve(a, c) },
  { op: "linalg.solve", label: "vector", inputs: [[N, N], [N]], gen: (i, b, k) => (k === 0 ? dominant(i, b, k) : rnd(i, b, k)), fn: (a, c) => L.solve(a, c) },
  {
    op: "linalg.solveTriangular",
    inputs: [[N, N], [N, 2]],
    gen: (i, b, k) => (k === 0 ? dominant(i, b, k) : rnd(i, b, k)),
    fn: (a, c) => L.solveTriangular(a, c, { upper: true }),
  },
  { op: "linalg.eigvalsh", inputs: [[N, N]], gen: symmetric, fn: (x) => L.eigvalsh(x) },
  { op: "linalg.eigh", inputs: [[N, N]], gen: symmetric, fn: (x) => L.eigh(x) },
  { op: "linalg.eigh", label: "upper", inputs: [[N, N]], gen: symmetric, fn: (x) => L.eigh(x, "U") },
  { op: "linalg.cross", inputs: [[2, 3], [3]], fn: (a, c) => L.cross(a, c) },
  // SVD: every output of a square matrix; S alone of rectangular ones (the
  // columns of U or V past min(m, n) only complete a basis).
  { op: "linalg.svd", inputs: [[N, N]], gen: spread, fn: (x) => L.svd(x) },
  { op: "linalg.svd", label: "S, tall", inputs: [[3, 2]], fn: (x) => L.svd(x, false) },
  { op: "linalg.svd", label: "S, wide", inputs: [[2, 3]], fn: (x) => L.svd(x, false) },
  { op: "linalg.pinv", inputs: [[3, 2]], fn: (x) => L.pinv(x) },
  { op: "linalg.pinv", label: "wide", inputs: [[2, 3]], fn: (x) => L.pinv(x) },
  { op: "linalg.norm", label: "matrix 2-norm", inputs: [[3, 2]], fn: (x) => L.norm(x, 2) },
  { op: "linalg.norm", label: "nuclear", inputs: [[2, 3]], fn: (x) => L.norm(x, "nuc") },
  { op: "linalg.det", inputs: [[N, N]], fn: (x) => L.det(x) },
  { op: "linalg.det", label: "2 x 2", inputs: [[2, 2]], fn: (x) => L.det(x) },
  { op: "linalg.slogdet", inputs: [[N, N]], gen: dominant, fn: (x) => L.slogdet(x) },
];

export const MX_LINALG_OPS = (
  "norm qr svd inv triInv pinv cholesky choleskyInv lu luFactor solve solveTriangular eigh eigvalsh eig eigvals cross det slogdet"
).split(" ").map((n) => `linalg.${n}`);

/** Operations without a sweep row, and why (the coverage suite tells these from the no-array-argument ones). */
export const MX_LINALG_NOT_SWEPT: Record<string, string> = {
  "linalg.qr": "no gradient (as MLX): reconstruction tests in linalg_decomp.test.ts",
  "linalg.lu": "no gradient (as MLX): reconstruction tests in linalg_decomp.test.ts",
  "linalg.luFactor": "no gradient (as MLX): tests in linalg_decomp.test.ts",
  "linalg.eig": "no gradient (as MLX): tests in linalg_eig.test.ts",
  "linalg.eigvals": "no gradient (as MLX): tests in linalg_eig.test.ts",
};

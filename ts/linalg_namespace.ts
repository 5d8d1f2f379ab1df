// mx.linalg (wasm/api_linalg_decomp.cpp, core/linalg.h): MLX's linear-algebra
// namespace. Matrices are the last two axes, batched over the leading ones;
// float32 and float64; the factorizations run on the CPU, as in MLX. JS
// argument checks here; semantics, dtypes and shapes are checked in the core
// ("[linalg.op] ..." messages: MLX's, tagged as webmx tags namespaces).

import { core } from "./runtime.js";
import { MxArray, type Axis } from "./array.js";
import { describe } from "./describe.js";
import { arrayArg, axesArg, boolArg, intArg, optionsArg, requireArray } from "./args.js";
import { takeResults, wrap } from "./operands.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;

const tag = (op: string) => `linalg.${op}`;
const handleOf = (a: unknown, op: string) => requireArray(a, tag(op)).handle;
const flag = (v: unknown, name: string, op: string) => (boolArg(v, name, tag(op)) ? 1 : 0);

/** A norm order: a number (Infinity included), "fro"/"f", "nuc", or null for the default. */
export type NormOrder = number | "fro" | "f" | "nuc" | null;

/**
 * MLX's linalg.norm. Without `ord`: the 2-norm of the flattened array (no
 * axis) or along `axis`, the Frobenius norm over two axes. With a numeric
 * `ord`: a vector norm over one axis (0, 1, 2, ±Infinity, any p) or a matrix
 * norm over two (±1, ±2, ±Infinity); without `axis` the array must then be
 * 1-D or 2-D. "fro" and "nuc" are matrix norms.
 */
export const norm = streamed("norm", function norm(a: MxArray, ord: NormOrder = null, axis: Axis | null = null, keepdims = false): MxArray {
  const op = "norm";
  const h = handleOf(a, op);
  const ax = axesArg(axis, tag(op));
  const keep = flag(keepdims, "keepdims", op);
  const hasAxis = ax === null ? 0 : 1;
  const c = core();
  return c.withInts(ax ?? [], (p, n) => {
    if (typeof ord === "string") return c.withString(ord, (s) => wrap(m()._wmx_linalg_norm_str(h, s, p, n, hasAxis, keep)));
    if (ord !== null && ord !== undefined && (typeof ord !== "number" || Number.isNaN(ord)))
      throw new Error(`[${tag(op)}] ord must be a number, "fro", "nuc" or null, got ${describe(ord)}.`);
    const hasOrd = typeof ord === "number" ? 1 : 0;
    return wrap(m()._wmx_linalg_norm(h, hasOrd, hasOrd ? (ord as number) : 0, p, n, hasAxis, keep));
  });
});

/** QR factorization: [Q, R] with A = Q R, Q's k = min(m, n) columns orthonormal and R upper triangular. */
export const qr = streamed("qr", function qr(a: MxArray): [MxArray, MxArray] {
  return takeResults(m()._wmx_linalg_qr(handleOf(a, "qr"))) as [MxArray, MxArray];
});

/** Singular value decomposition: [U, S, Vt] with A = U diag(S) Vt (S descending), or S alone. */
export const svd = streamed("svd", function svd(a: MxArray, computeUv = true): MxArray | [MxArray, MxArray, MxArray] {
  const h = handleOf(a, "svd");
  const uv = flag(computeUv, "computeUv", "svd");
  const out = takeResults(m()._wmx_linalg_svd(h, uv));
  return uv ? (out as [MxArray, MxArray, MxArray]) : out[0]!;
}) as {
  (a: MxArray, computeUv?: true, options?: StreamOptions): [MxArray, MxArray, MxArray];
  (a: MxArray, options: StreamOptions): [MxArray, MxArray, MxArray];
  (a: MxArray, computeUv: false, options?: StreamOptions): MxArray;
  (a: MxArray, computeUv: boolean, options?: StreamOptions): MxArray | [MxArray, MxArray, MxArray];
};

/** Inverse of a square matrix; a singular one fails when evaluated. */
export const inv = streamed("inv", function inv(a: MxArray): MxArray {
  return wrap(m()._wmx_linalg_inv(handleOf(a, "inv")));
});

/** Inverse of the lower (or, with `upper`, upper) triangle of a square matrix. */
export const triInv = streamed("triInv", function triInv(a: MxArray, upper = false): MxArray {
  return wrap(m()._wmx_linalg_tri_inv(handleOf(a, "tri_inv"), flag(upper, "upper", "tri_inv")));
});

/** Moore-Penrose pseudo-inverse, from the SVD. */
export const pinv = streamed("pinv", function pinv(a: MxArray): MxArray {
  return wrap(m()._wmx_linalg_pinv(handleOf(a, "pinv")));
});

/**
 * Cholesky factor of a symmetric positive-definite matrix: lower L with
 * A = L Lᵀ (reading A's lower triangle), or upper U with A = Uᵀ U.
 */
export const cholesky = streamed("cholesky", function cholesky(a: MxArray, upper = false): MxArray {
  return wrap(m()._wmx_linalg_cholesky(handleOf(a, "cholesky"), flag(upper, "upper", "cholesky")));
});

/** Inverse of A = L Lᵀ (or Uᵀ U) given its Cholesky factor. */
export const choleskyInv = streamed("choleskyInv", function choleskyInv(l: MxArray, upper = false): MxArray {
  return wrap(m()._wmx_linalg_cholesky_inv(handleOf(l, "cholesky_inv"), flag(upper, "upper", "cholesky_inv")));
});

/** LU factorization with partial pivoting: [P, L, U] with P uint32 row indices and A = L[P] U. */
export const lu = streamed("lu", function lu(a: MxArray): [MxArray, MxArray, MxArray] {
  return takeResults(m()._wmx_linalg_lu(handleOf(a, "lu"))) as [MxArray, MxArray, MxArray];
});

/** LAPACK-style packed LU: [LU, pivots], pivots uint32 (0-based row swaps). */
export const luFactor = streamed("luFactor", function luFactor(a: MxArray): [MxArray, MxArray] {
  return takeResults(m()._wmx_linalg_lu_factor(handleOf(a, "lu_factor"))) as [MxArray, MxArray];
});

/** x with A x = b (b a vector or a matrix of right-hand sides), batched. */
export const solve = streamed("solve", function solve(a: MxArray, b: MxArray): MxArray {
  const op = tag("solve");
  return wrap(m()._wmx_linalg_solve(arrayArg(a, "a", op).handle, arrayArg(b, "b", op).handle));
});

export interface SolveTriangularOptions extends StreamOptions {
  upper?: boolean;
}

/** x with A x = b for A's lower (or, with `{upper: true}`, upper) triangle. */
export const solveTriangular = streamed("solveTriangular", function solveTriangular(a: MxArray, b: MxArray, options: SolveTriangularOptions = {}): MxArray {
  const op = tag("solve_triangular");
  const o = optionsArg<SolveTriangularOptions>(options, op, ["upper"]);
  return wrap(m()._wmx_linalg_solve_triangular(arrayArg(a, "a", op).handle, arrayArg(b, "b", op).handle,
    flag(o.upper, "upper", "solve_triangular")));
}, true);

function uploArg(v: unknown, op: string): string {
  if (v !== "L" && v !== "U") throw new Error(`[${tag(op)}] UPLO must be "L" or "U", got ${describe(v)}.`);
  return v;
}

/**
 * Eigenvalues (ascending) and eigenvectors (columns) of a symmetric matrix,
 * reading its lower ("L") or upper ("U") triangle.
 */
export const eigh = streamed("eigh", function eigh(a: MxArray, UPLO: "L" | "U" = "L"): [MxArray, MxArray] {
  const h = handleOf(a, "eigh");
  const uplo = uploArg(UPLO, "eigh");
  return core().withString(uplo, (s) => takeResults(m()._wmx_linalg_eigh(h, s))) as [MxArray, MxArray];
});

/** Eigenvalues (ascending) of a symmetric matrix. */
export const eigvalsh = streamed("eigvalsh", function eigvalsh(a: MxArray, UPLO: "L" | "U" = "L"): MxArray {
  const h = handleOf(a, "eigvalsh");
  const uplo = uploArg(UPLO, "eigvalsh");
  return core().withString(uplo, (s) => wrap(m()._wmx_linalg_eigvalsh(h, s)));
});

/**
 * Eigenvalues and eigenvectors (columns, unit 2-norm) of a general square
 * matrix, complex64, in no particular order; no gradient, as in MLX.
 */
export const eig = streamed("eig", function eig(a: MxArray): [MxArray, MxArray] {
  return takeResults(m()._wmx_linalg_eig(handleOf(a, "eig"))) as [MxArray, MxArray];
});

/** Eigenvalues of a general square matrix, complex64. */
export const eigvals = streamed("eigvals", function eigvals(a: MxArray): MxArray {
  return wrap(m()._wmx_linalg_eigvals(handleOf(a, "eigvals")));
});

/** Cross product of 2- or 3-vectors along `axis` (2-vectors have a zero third component). */
export const cross = streamed("cross", function cross(a: MxArray, b: MxArray, axis = -1): MxArray {
  const op = tag("cross");
  return wrap(m()._wmx_linalg_cross(arrayArg(a, "a", op).handle, arrayArg(b, "b", op).handle, intArg(axis, "axis", op)));
});

/** Determinant (integer inputs promoted to float32); differentiable up to 3 x 3, as MLX's closed forms. */
export const det = streamed("det", function det(a: MxArray): MxArray {
  return wrap(m()._wmx_linalg_det(handleOf(a, "det")));
});

/** [sign, log|det|] of the determinant; a singular matrix gives [0, -Infinity]. */
export const slogdet = streamed("slogdet", function slogdet(a: MxArray): [MxArray, MxArray] {
  return takeResults(m()._wmx_linalg_slogdet(handleOf(a, "slogdet"))) as [MxArray, MxArray];
});

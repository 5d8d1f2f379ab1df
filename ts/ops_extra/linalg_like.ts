// Matrix-shaped ops MLX composes from gathers, reshapes and products
// (mlx/ops.cpp), built here from the core's ops: diagonal, diag, trace, kron
// and vecdot.

import { MxArray } from "../array.js";
import { type Dtype, int32, toDtype } from "../dtype.js";
import { arrayArg, intArg, optionsArg, requireArray } from "../args.js";
import { array, eye, zeros } from "../creation.js";
import { astype, multiply, where } from "../elementwise.js";
import { sum } from "../reduce_ops.js";
import { expandDims, pad, reshape, take, transpose } from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { castOperand } from "../operands.js";
import { shapeText } from "./common.js";
import { type StreamOptions, streamed } from "../stream.js";

/** The two axes of diagonal/trace, checked with MLX's messages. */
function axisPair(op: string, ndim: number, axis1: unknown, axis2: unknown): [number, number] {
  if (ndim < 2) throw new Error(`[${op}] Array must have at least two dimensions, but got ${ndim} dimensions.`);
  const norm = (v: unknown, name: string) => {
    const a = intArg(v, name, op);
    const n = a < 0 ? a + ndim : a;
    if (n < 0 || n >= ndim) throw new Error(`[${op}] Invalid ${name} ${a} for array with ${ndim} dimensions.`);
    return n;
  };
  const ax1 = norm(axis1, "axis1"), ax2 = norm(axis2, "axis2");
  if (ax1 === ax2) throw new Error(`[${op}] axis1 and axis2 cannot be the same axis`);
  return [ax1, ax2];
}

/**
 * The diagonal at `offset` (above the main one when positive) of the 2-D
 * sub-arrays spanned by axis1 and axis2: those axes are removed and the
 * diagonal becomes the last axis.
 */
export const diagonal = streamed("diagonal", function diagonal(a: MxArray, offset = 0, axis1 = 0, axis2 = 1): MxArray {
  const op = "diagonal";
  const x = requireArray(a, op);
  const k = intArg(offset, "offset", op);
  const [ax1, ax2] = axisPair(op, x.ndim, axis1, axis2);
  return diagonalOf(x, k, ax1, ax2);
});

function diagonalOf(x: MxArray, k: number, ax1: number, ax2: number): MxArray {
  const s = x.shape;
  const rest = s.map((_, i) => i).filter((i) => i !== ax1 && i !== ax2);
  const n1 = s[ax1]!, n2 = s[ax2]!;
  const off1 = Math.max(-k, 0), off2 = Math.max(k, 0);
  const len = Math.max(Math.min(n1 - off1, n2 - off2), 0);
  // Flat positions of the diagonal's elements in the (n1 * n2) plane.
  const flat = Int32Array.from({ length: len }, (_, i) => (off1 + i) * n2 + off2 + i);
  return tidy(() => {
    const planes = reshape(transpose(x, [...rest, ax1, ax2]), [...rest.map((i) => s[i]!), n1 * n2]);
    return take(planes, array(flat, int32), -1);
  });
}

/**
 * diag(v, k) of a 1-D array: the square matrix with v on its k-th diagonal
 * (zeros elsewhere); of a 2-D array: its k-th diagonal.
 */
export const diag = streamed("diag", function diag(a: MxArray, k = 0): MxArray {
  const op = "diag";
  const x = requireArray(a, op);
  const kk = intArg(k, "k", op);
  if (x.ndim === 2) return diagonalOf(x, kk, 0, 1);
  if (x.ndim !== 1) throw new Error(`[${op}] array must be 1-D or 2-D, got array with ${x.ndim} dimensions.`);
  const size = x.shape[0]!;
  const n = size + Math.abs(kk);
  if (n === 0) return zeros([0, 0], x.dtype);
  return tidy(() => {
    // Row i holds v[i] at column i + k (k >= 0); column j holds v[j] at row j - k (k < 0).
    const v = pad(x, [[0, Math.abs(kk)]]);
    const placed = kk >= 0 ? expandDims(v, 1) : expandDims(v, 0);
    // where, not a product with eye: inf or NaN in v must not leak off the diagonal
    return where(eye(n, n, kk, "bool"), placed, castOperand(0, op, x));
  });
});

/**
 * Sum of the diagonal at `offset` of the sub-arrays spanned by axis1 and
 * axis2, accumulated in `dtype` (default a's).
 */
export const trace = streamed("trace", function trace(a: MxArray, offset = 0, axis1 = 0, axis2 = 1, dtype?: Dtype | string | null): MxArray {
  const op = "trace";
  const x = requireArray(a, op);
  const k = intArg(offset, "offset", op);
  const [ax1, ax2] = axisPair(op, x.ndim, axis1, axis2);
  const dt = dtype === undefined || dtype === null ? x.dtype : toDtype(dtype, op);
  return tidy(() => sum(astype(diagonalOf(x, k, ax1, ax2), dt), -1));
});

/** The Kronecker product: blocks a[i, j] * b, for inputs of any (possibly different) ranks. */
export const kron = streamed("kron", function kron(a: MxArray, b: MxArray): MxArray {
  const op = "kron";
  const x = arrayArg(a, "a", op), y = arrayArg(b, "b", op);
  if (x.size === 0 || y.size === 0) throw new Error(`[${op}] Input arrays cannot be empty.`);
  const nd = Math.max(x.ndim, y.ndim);
  const sa = x.shape, sb = y.shape;
  // a's axes at the even positions, b's at the odd ones; their products interleave into the blocks.
  const aShape = new Array<number>(2 * nd).fill(1), bShape = new Array<number>(2 * nd).fill(1);
  const out = new Array<number>(nd).fill(1);
  for (let i = nd - 1, j = sa.length - 1; j >= 0; --i, --j) {
    aShape[2 * i] = sa[j]!;
    out[i]! *= sa[j]!;
  }
  for (let i = nd - 1, j = sb.length - 1; j >= 0; --i, --j) {
    bShape[2 * i + 1] = sb[j]!;
    out[i]! *= sb[j]!;
  }
  return tidy(() => reshape(multiply(reshape(x, aShape), reshape(y, bShape)), out));
});

export interface VecdotOptions extends StreamOptions {
  /** The axis to contract (default -1). */
  axis?: number;
}

/** Dot products of a and b along `axis` (other axes broadcast). */
export const vecdot = streamed("vecdot", function vecdot(a: MxArray, b: MxArray, options?: VecdotOptions): MxArray {
  const op = "vecdot";
  const x = arrayArg(a, "a", op), y = arrayArg(b, "b", op);
  const axis = intArg(optionsArg<VecdotOptions>(options, op, ["axis"]).axis ?? -1, "axis", op);
  if (x.ndim === 0 || y.ndim === 0) throw new Error(`[${op}] inputs must be at least 1D.`);
  const ax = axis < 0 ? axis + x.ndim : axis;
  if (ax < 0 || ax >= x.ndim) throw new Error(`[${op}] axis is out of bounds.`);
  if (axis < 0 ? axis + y.ndim !== ax : axis >= y.ndim) throw new Error(`[${op}] axis is out of bounds.`);
  if (x.shape[ax] !== y.shape[ax])
    throw new Error(`[${op}] a and b must have the same size along axis (shapes ${shapeText(x.shape)} and ${shapeText(y.shape)}).`);
  return tidy(() => sum(multiply(x, y), ax));
}, true);

// Unary math and creation ops on `mx` (wasm/api_math.cpp): JS argument
// checking, JS scalars turned into arrays, one call into the core each.

import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar } from "./array.js";
import { Dtype, toDtype, float32 } from "./dtype.js";
import { describe, isInt32, operand, withOperands, wrap } from "./ops.js";

/** The exports of wasm/api_math.cpp. */
interface MathExports {
  _wmx_scalar(v: number, dtype: number): number;
  _wmx_unary(op: number, h: number): number;
  _wmx_round(h: number, decimals: number): number;
  _wmx_arange(start: number, stop: number, step: number, dtype: number): number;
  _wmx_linspace(start: number, stop: number, num: number, dtype: number): number;
  _wmx_eye(n: number, m: number, k: number, dtype: number): number;
  _wmx_tri(n: number, m: number, k: number, dtype: number): number;
  _wmx_tril(h: number, k: number, upper: number): number;
  _wmx_where(cond: number, x: number, y: number): number;
}
const m = () => core().m as unknown as MathExports;

/** An mx.Array for `x` (JS scalars are weakly typed against `like`, see ops.operand). */
const toArray = (x: ArrayOrScalar, op: string, like: MxArray | null = null): MxArray => operand(x, like, op);

function intArg(v: unknown, name: string, op: string): number {
  if (!isInt32(v))
    throw new Error(`[${op}] ${name} must be an integer, got ${describe(v)}.`);
  return v;
}

function numArg(v: unknown, name: string, op: string): number {
  if (typeof v !== "number") throw new Error(`[${op}] ${name} must be a number, got ${describe(v)}.`);
  return v;
}

// ---- unary ----

function unary(code: number, op: string, a: ArrayOrScalar): MxArray {
  const x = toArray(a, op);
  try {
    return wrap(m()._wmx_unary(code, x.handle));
  } finally {
    if (x !== a) x.dispose();
  }
}

// Codes of wasm/api_math.cpp's UnaryOp.
export const abs = (a: ArrayOrScalar) => unary(0, "abs", a);
export const negative = (a: ArrayOrScalar) => unary(1, "negative", a);
export const sign = (a: ArrayOrScalar) => unary(2, "sign", a);
export const exp = (a: ArrayOrScalar) => unary(3, "exp", a);
export const expm1 = (a: ArrayOrScalar) => unary(4, "expm1", a);
export const log = (a: ArrayOrScalar) => unary(5, "log", a);
export const log1p = (a: ArrayOrScalar) => unary(6, "log1p", a);
export const log2 = (a: ArrayOrScalar) => unary(7, "log2", a);
export const log10 = (a: ArrayOrScalar) => unary(8, "log10", a);
export const sqrt = (a: ArrayOrScalar) => unary(9, "sqrt", a);
export const rsqrt = (a: ArrayOrScalar) => unary(10, "rsqrt", a);
export const square = (a: ArrayOrScalar) => unary(11, "square", a);
export const reciprocal = (a: ArrayOrScalar) => unary(12, "reciprocal", a);
export const sin = (a: ArrayOrScalar) => unary(13, "sin", a);
export const cos = (a: ArrayOrScalar) => unary(14, "cos", a);
export const tan = (a: ArrayOrScalar) => unary(15, "tan", a);
export const arcsin = (a: ArrayOrScalar) => unary(16, "arcsin", a);
export const arccos = (a: ArrayOrScalar) => unary(17, "arccos", a);
export const arctan = (a: ArrayOrScalar) => unary(18, "arctan", a);
export const sinh = (a: ArrayOrScalar) => unary(19, "sinh", a);
export const cosh = (a: ArrayOrScalar) => unary(20, "cosh", a);
export const tanh = (a: ArrayOrScalar) => unary(21, "tanh", a);
export const arcsinh = (a: ArrayOrScalar) => unary(22, "arcsinh", a);
export const arccosh = (a: ArrayOrScalar) => unary(23, "arccosh", a);
export const arctanh = (a: ArrayOrScalar) => unary(24, "arctanh", a);
export const sigmoid = (a: ArrayOrScalar) => unary(25, "sigmoid", a);
export const erf = (a: ArrayOrScalar) => unary(26, "erf", a);
export const erfinv = (a: ArrayOrScalar) => unary(27, "erfinv", a);
export const floor = (a: ArrayOrScalar) => unary(28, "floor", a);
export const ceil = (a: ArrayOrScalar) => unary(29, "ceil", a);
export const isnan = (a: ArrayOrScalar) => unary(30, "isnan", a);
export const isinf = (a: ArrayOrScalar) => unary(31, "isinf", a);
export const isfinite = (a: ArrayOrScalar) => unary(32, "isfinite", a);
export const logicalNot = (a: ArrayOrScalar) => unary(33, "logical_not", a);
export const stopGradient = (a: ArrayOrScalar) => unary(34, "stop_gradient", a);
export const zerosLike = (a: ArrayOrScalar) => unary(35, "zeros_like", a);
export const onesLike = (a: ArrayOrScalar) => unary(36, "ones_like", a);

/** Rounds half to even (as MLX and numpy); `decimals` may be negative. */
export function round(a: ArrayOrScalar, decimals = 0): MxArray {
  const d = intArg(decimals, "decimals", "round");
  const x = toArray(a, "round");
  try {
    return wrap(m()._wmx_round(x.handle, d));
  } finally {
    if (x !== a) x.dispose();
  }
}

// ---- creation ----

type DtypeArg = Dtype | string;

function isDtypeArg(v: unknown): v is DtypeArg | { dtype?: DtypeArg } {
  return v instanceof Dtype || typeof v === "string" || (typeof v === "object" && v !== null);
}

function dtypeFrom(v: unknown, op: string): Dtype {
  if (v === undefined || v === null) return float32;
  if (typeof v === "object" && !(v instanceof Dtype)) {
    const d = (v as { dtype?: unknown }).dtype;
    return d === undefined ? float32 : toDtype(d, op);
  }
  return toDtype(v, op);
}

/**
 * MLX's arange: `arange(stop)`, `arange(start, stop)`, `arange(start, stop,
 * step)`, each optionally followed by a dtype (or `{dtype}`). JS numbers give
 * float32 unless a dtype is passed.
 */
export function arange(stop: number, dtype?: DtypeArg | { dtype?: DtypeArg }): MxArray;
export function arange(start: number, stop: number, dtype?: DtypeArg | { dtype?: DtypeArg }): MxArray;
export function arange(
  start: number, stop: number, step: number | undefined, dtype?: DtypeArg | { dtype?: DtypeArg },
): MxArray;
export function arange(...args: unknown[]): MxArray {
  const nums: (number | undefined)[] = [];
  let i = 0;
  for (; i < args.length && i < 3 && !isDtypeArg(args[i]); ++i) {
    const v = args[i];
    if (v !== undefined && typeof v !== "number")
      throw new Error(`[arange] start, stop and step must be numbers, got ${describe(v)}.`);
    nums.push(v as number | undefined);
  }
  if (i < args.length - 1) throw new Error("[arange] Too many arguments: expected (start, stop, step, dtype).");
  const dtype = dtypeFrom(args[i], "arange");
  let start: number, stop: number;
  if (nums.length <= 1 || nums[1] === undefined) {
    if (nums[0] === undefined) throw new Error("[arange] The stop value is required.");
    start = 0;
    stop = nums[0];
  } else {
    start = nums[0] ?? 0;
    stop = nums[1];
  }
  const step = nums[2] ?? 1;
  return wrap(m()._wmx_arange(start, stop, step, dtype.code));
}

/** `num` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, num = 50, dtype?: DtypeArg): MxArray {
  numArg(start, "start", "linspace");
  numArg(stop, "stop", "linspace");
  intArg(num, "num", "linspace");
  return wrap(m()._wmx_linspace(start, stop, num, dtypeFrom(dtype, "linspace").code));
}

/** An n x m matrix with ones on the k-th diagonal. */
export function eye(n: number, m_?: number | null, k = 0, dtype?: DtypeArg): MxArray {
  const rows = intArg(n, "n", "eye");
  const cols = m_ === undefined || m_ === null ? rows : intArg(m_, "m", "eye");
  return wrap(m()._wmx_eye(rows, cols, intArg(k, "k", "eye"), dtypeFrom(dtype, "eye").code));
}

export function identity(n: number, dtype?: DtypeArg): MxArray {
  const rows = intArg(n, "n", "identity");
  if (rows <= 0) throw new Error("[identity] N must be a positive integer.");
  return wrap(m()._wmx_eye(rows, rows, 0, dtypeFrom(dtype, "identity").code));
}

/** tri(n, m, k)[i, j] = 1 where j <= i + k. */
export function tri(n: number, m_?: number | null, k = 0, dtype?: DtypeArg): MxArray {
  const rows = intArg(n, "n", "tri");
  const cols = m_ === undefined || m_ === null ? rows : intArg(m_, "m", "tri");
  return wrap(m()._wmx_tri(rows, cols, intArg(k, "k", "tri"), dtypeFrom(dtype, "tri").code));
}

function triPart(x: MxArray, k: number, upper: boolean): MxArray {
  const op = upper ? "triu" : "tril";
  if (!(x instanceof MxArray)) throw new Error(`[${op}] Expected an mx.Array, got ${describe(x)}.`);
  return wrap(m()._wmx_tril(x.handle, intArg(k, "k", op), upper ? 1 : 0));
}
export const tril = (x: MxArray, k = 0) => triPart(x, k, false);
export const triu = (x: MxArray, k = 0) => triPart(x, k, true);

/**
 * `x` where `condition` is true, else `y`, broadcast together. JS scalars
 * are weakly typed against the other operand (float32 when both are scalars).
 */
export function where(condition: ArrayOrScalar, x: ArrayOrScalar, y: ArrayOrScalar): MxArray {
  const lx = y instanceof MxArray ? y : null, ly = x instanceof MxArray ? x : null;
  return withOperands([[condition, null], [x, lx], [y, ly]], "where", ([c, a, b]) => wrap(m()._wmx_where(c!, a!, b!)));
}

// Creation ops on `mx`: arrays from JS values (nested lists, TypedArrays,
// scalars), full/zeros/ones, arange, linspace, eye/identity, tri, tril/triu.

import { core } from "./runtime.js";
import { MxArray, dimsOf, type Complex, type NestedList, type Scalar } from "./array.js";
import {
  Dtype, toDtype, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16,
  float32, float64, complex64,
} from "./dtype.js";
import { numberToBfloat16, numberToHalf } from "./half.js";
import { describe } from "./describe.js";
import { maxNdim } from "./limits.js";
import { intArg, newShapeArg, numArg, requireArray } from "./args.js";
import { wrap } from "./operands.js";
import { astype } from "./elementwise.js";
import { broadcastTo, stack } from "./shape_ops.js";
import { type StreamOptions, streamed } from "./stream.js";

/** What mx.array takes in nested lists: scalars, {re, im} complex values, mx.Arrays (stacked, as MLX does), or lists of these. */
export type NestedInput = Scalar | Complex | MxArray | NestedInput[];

type TypedArray =
  | Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array
  | Float32Array | Float64Array | BigInt64Array | BigUint64Array;

function typedArrayDtype(v: TypedArray): Dtype {
  if (v instanceof Float32Array) return float32;
  if (v instanceof Float64Array) return float64;
  if (v instanceof Int32Array) return int32;
  if (v instanceof Int16Array) return int16;
  if (v instanceof Int8Array) return int8;
  if (v instanceof Uint8Array || v instanceof Uint8ClampedArray) return uint8;
  if (v instanceof Uint16Array) return uint16;
  if (v instanceof Uint32Array) return uint32;
  if (v instanceof BigInt64Array) return int64;
  return uint64;
}

/**
 * @internal Shape and flat leaves of nested JS arrays; throws on ragged input
 * or bad leaves. The nesting depth is the array's ndim, so a list nested
 * deeper than the core's limit (or one that contains itself) is refused
 * before the walk (which recurses once per dimension).
 */
export function flattenNested(value: unknown, op = "array"): { shape: number[]; flat: (Scalar | Complex)[] } {
  const shape: number[] = [];
  const limit = maxNdim();
  for (let v = value; globalThis.Array.isArray(v); v = v[0]) {
    if (shape.length === limit)
      throw new Error(`[${op}] The nested list is deeper than ${limit} levels (or contains itself); arrays have at most ${limit} dimensions.`);
    shape.push(v.length);
  }
  const flat: (Scalar | Complex)[] = [];
  const walk = (v: unknown, d: number) => {
    if (d === shape.length) {
      if (typeof v !== "number" && typeof v !== "boolean" && typeof v !== "bigint" && !isComplex(v))
        throw new Error(`[${op}] Unsupported value ${describe(v)} in nested array; expected numbers, booleans, bigints or {re, im} complex values.`);
      flat.push(v);
      return;
    }
    if (!globalThis.Array.isArray(v) || v.length !== shape[d])
      throw new Error(`[${op}] Inhomogeneous nested array: expected a list of length ${shape[d]} at depth ${d}.`);
    for (const c of v) walk(c, d + 1);
  };
  walk(value, 0);
  return { shape, flat };
}


/** @internal A complex value as mx.array takes it: an object with numeric `re` and `im`. */
export function isComplex(v: unknown): v is Complex {
  return typeof v === "object" && v !== null && !globalThis.Array.isArray(v) && !(v instanceof MxArray) &&
    typeof (v as Complex).re === "number" && typeof (v as Complex).im === "number";
}

/** Writes complex values (and real numbers, booleans, bigints as real parts) into a fresh complex64 array. */
function fromComplex(flat: (Scalar | Complex)[], shape: number[]): MxArray {
  const c = core();
  const out = c.withInts(shape, (p, n) => wrap(c.m._wmx_empty(complex64.code, p, n)));
  const n = flat.length;
  if (n === 0) return placeConstant(out);
  const ptr = c.m._wmx_data(out.handle);
  if (ptr === 0) c.fail();
  const d = new Float32Array(c.heap().buffer, ptr, 2 * n);
  for (let i = 0; i < n; ++i) {
    const v = flat[i]!;
    if (isComplex(v)) {
      d[2 * i] = v.re;
      d[2 * i + 1] = v.im;
    } else {
      d[2 * i] = Number(v);
      d[2 * i + 1] = 0;
    }
  }
  return placeConstant(out);
}

/** @internal (ts/describe.ts, re-exported for the op modules) */

const oddF32 = new Float32Array(1);

const oddU32 = new Uint32Array(oddF32.buffer);

/**
 * `v` rounded to a float32 value with round-to-odd (toward zero, last bit set
 * when inexact). Rounding that to float16/bfloat16 to nearest even equals
 * rounding `v` itself once, as the core's astype does (kernels/convert.h);
 * going through a plain float32 rounding could round twice.
 */
function roundOddToFloat32(v: number): number {
  oddF32[0] = v;
  const f = oddF32[0]!;
  if (f === v || Number.isNaN(v)) return f;
  if (!Number.isFinite(f)) oddU32[0] = (f < 0 ? 0x80000000 : 0) | 0x7f7fffff; // beyond float32: its max, odd
  else if (Math.abs(f) > Math.abs(v)) oddU32[0] = oddU32[0]! - 1; // one step toward zero
  oddU32[0] = oddU32[0]! | 1;
  return oddF32[0]!;
}

/** JS's ToInt64 rule (as TypedArrays do for narrower types): NaN and infinities give 0, else truncate. */
const toBigInt = (v: Scalar): bigint =>
  typeof v === "bigint" ? v : Number.isFinite(Number(v)) ? BigInt(Math.trunc(Number(v))) : 0n;

/** Writes numbers/booleans/bigints into a fresh core array of `dtype`. */
function fromScalars(flat: ArrayLike<Scalar> | TypedArray, shape: number[], dtype: Dtype): MxArray {
  const c = core();
  const out = c.withInts(shape, (p, n) => wrap(c.m._wmx_empty(dtype.code, p, n)));
  const n = flat.length;
  if (n === 0) return placeConstant(out);
  const ptr = c.m._wmx_data(out.handle);
  if (ptr === 0) c.fail();
  const buf = c.heap().buffer;
  const num = (v: Scalar) => (typeof v === "number" ? v : Number(v));
  // Integers up to 32 bits: a bigint keeps its low 32 bits exactly (as astype from int64 wraps), which the
  // TypedArray then narrows further; numbers follow the TypedArray's ToIntN rule.
  const int = (v: Scalar) => (typeof v === "bigint" ? Number(BigInt.asIntN(32, v)) : num(v));
  const big = toBigInt;
  const src = flat as ArrayLike<Scalar>;
  switch (dtype) {
    // Nonzero is true, NaN included (as astype and MLX).
    case bool: { const d = new Uint8Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = typeof src[i] === "number" ? (src[i] !== 0 ? 1 : 0) : src[i] ? 1 : 0; break; }
    case uint8: { const d = new Uint8Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = int(src[i]!); break; }
    case uint16: { const d = new Uint16Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = int(src[i]!); break; }
    case uint32: { const d = new Uint32Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = int(src[i]!); break; }
    case int8: { const d = new Int8Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = int(src[i]!); break; }
    case int16: { const d = new Int16Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = int(src[i]!); break; }
    case int32: { const d = new Int32Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = int(src[i]!); break; }
    case uint64: { const d = new BigUint64Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = BigInt.asUintN(64, big(src[i]!)); break; }
    case int64: { const d = new BigInt64Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = BigInt.asIntN(64, big(src[i]!)); break; }
    case float16: { const d = new Uint16Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = numberToHalf(roundOddToFloat32(num(src[i]!))); break; }
    case bfloat16: { const d = new Uint16Array(buf, ptr, n); for (let i = 0; i < n; ++i) d[i] = numberToBfloat16(roundOddToFloat32(num(src[i]!))); break; }
    case float32: new Float32Array(buf, ptr, n).set(ArrayBuffer.isView(flat) && !(flat instanceof BigInt64Array || flat instanceof BigUint64Array) ? (flat as Float32Array) : globalThis.Array.from(src, num)); break;
    default: new Float64Array(buf, ptr, n).set(ArrayBuffer.isView(flat) && !(flat instanceof BigInt64Array || flat instanceof BigUint64Array) ? (flat as Float64Array) : globalThis.Array.from(src, num)); break;
  }
  return placeConstant(out);
}

/**
 * A constant just written in host memory, moved to the default device when
 * that is the GPU (once, here, rather than by a copy in every graph that
 * reads it). It keeps its host bytes, so it stays readable synchronously.
 * @internal
 */
export function placeConstant(a: MxArray): MxArray {
  const c = core();
  if (c.gpu) c.check(c.m._wmx_place_constant(a.handle));
  return a;
}

/**
 * `mx.array(value, dtype?)`: value is a number, boolean, bigint, nested JS
 * arrays of these, a TypedArray (its dtype is kept) or an mx.Array. JS
 * numbers give float32 unless a dtype is passed.
 */
export const array = streamed("array", function array(value: NestedList | NestedInput | TypedArray | MxArray, dtype?: Dtype | string): MxArray {
  const dt = dtype === undefined ? undefined : toDtype(dtype, "array");
  if (value instanceof MxArray) return dt ? astype(value, dt) : wrap(core().m._wmx_astype(value.handle, value.dtype.code));
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView) throw new Error("[array] DataView is not supported; pass a TypedArray.");
    const ta = value as TypedArray;
    const own = typedArrayDtype(ta);
    const a = fromScalars(ta, [ta.length], own);
    if (!dt || dt === own) return a;
    const b = astype(a, dt);
    a.dispose();
    return b;
  }
  if (globalThis.Array.isArray(value) && holdsArray(value, 0)) return stackNested(value, dt);
  const { shape, flat } = flattenNested(value);
  if (flat.some(isComplex)) {
    // Complex values give complex64; another dtype takes their real parts (as astype does).
    const z = fromComplex(flat, shape);
    if (!dt || dt === complex64) return z;
    const r = astype(z, dt);
    z.dispose();
    return r;
  }
  if (dt === complex64) return fromComplex(flat, shape);
  return fromScalars(flat as Scalar[], shape, dt ?? inferDtype(flat as Scalar[]));
});

/** Whether a nested list holds an mx.Array (looking no deeper than arrays can be: lists may contain themselves). */
function holdsArray(v: unknown, depth: number): boolean {
  if (v instanceof MxArray) return true;
  if (!globalThis.Array.isArray(v) || depth > maxNdim()) return false;
  return v.some((c) => holdsArray(c, depth + 1));
}

/**
 * A list holding mx.Arrays, as MLX builds it: each element becomes an array
 * (cast to dtype when given) and they are stacked, so they must all have
 * one shape; dtypes promote as in stack.
 */
function stackNested(value: NestedInput[], dt: Dtype | undefined): MxArray {
  const parts: MxArray[] = [];
  const temps: MxArray[] = [];
  try {
    for (const v of value) {
      const part = v instanceof MxArray && !dt ? v : array(v, dt);
      if (part !== v) temps.push(part);
      parts.push(part);
    }
    const first = dimsOf(parts[0]!).join(",");
    for (const p of parts)
      if (dimsOf(p).join(",") !== first)
        throw new Error(`[array] Inhomogeneous nested array: elements of shapes (${first}) and (${dimsOf(p).join(",")}) can't be stacked.`);
    return stack(parts, 0);
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** float32 for numbers, bool for booleans only, int64 for bigints only. */
function inferDtype(flat: Scalar[]): Dtype {
  if (flat.length === 0) return float32;
  let allBool = true;
  let allBig = true;
  for (const v of flat) {
    if (typeof v !== "boolean") allBool = false;
    if (typeof v !== "bigint") allBig = false;
  }
  return allBool ? bool : allBig ? int64 : float32;
}

function fill(op: string, shape: number | number[], value: Scalar | MxArray, dtype?: Dtype | string): MxArray {
  const s = newShapeArg(shape, op);
  const dt = dtype === undefined ? undefined : toDtype(dtype, op);
  if (value instanceof MxArray) {
    if (!dt) return broadcastTo(value, s);
    const v = astype(value, dt);
    try {
      return broadcastTo(v, s);
    } finally {
      if (v !== value) v.dispose();
    }
  }
  if (typeof value !== "number" && typeof value !== "boolean" && typeof value !== "bigint")
    throw new Error(`[${op}] The fill value must be a number, boolean, bigint or mx.Array, got ${describe(value)}.`);
  const t = dt ?? (typeof value === "boolean" ? bool : typeof value === "bigint" ? int64 : float32);
  const c = core();
  return c.withInts(s, (p, n) => wrap(c.m._wmx_full(p, n, Number(value), t.code)));
}

export const full = streamed("full", function full(shape: number | number[], value: Scalar | MxArray, dtype?: Dtype | string): MxArray {
  return fill("full", shape, value, dtype);
});

export const zeros = streamed("zeros", function zeros(shape: number | number[], dtype: Dtype | string = float32): MxArray {
  return fill("zeros", shape, 0, dtype);
});

export const ones = streamed("ones", function ones(shape: number | number[], dtype: Dtype | string = float32): MxArray {
  return fill("ones", shape, 1, dtype);
});

type DtypeArg = Dtype | string;

/** arange's options: its dtype as `{dtype}`, and the stream. */
export interface ArangeOptions extends StreamOptions {
  dtype?: DtypeArg;
}

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
export const arange: {
  (stop: number, dtype?: DtypeArg | ArangeOptions, options?: StreamOptions): MxArray;
  (start: number, stop: number, dtype?: DtypeArg | ArangeOptions, options?: StreamOptions): MxArray;
  (start: number, stop: number, step: number | undefined, dtype?: DtypeArg | ArangeOptions, options?: StreamOptions): MxArray;
} = streamed("arange", function arange(...args: unknown[]): MxArray {
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
  return wrap(core().m._wmx_arange(start, stop, step, dtype.code));
}, true);

/** `num` evenly spaced values from start to stop, both included. */
export const linspace = streamed("linspace", function linspace(start: number, stop: number, num = 50, dtype?: DtypeArg): MxArray {
  numArg(start, "start", "linspace");
  numArg(stop, "stop", "linspace");
  intArg(num, "num", "linspace");
  return wrap(core().m._wmx_linspace(start, stop, num, dtypeFrom(dtype, "linspace").code));
});

/** An n x m matrix with ones on the k-th diagonal. */
export const eye = streamed("eye", function eye(n: number, m_?: number | null, k = 0, dtype?: DtypeArg): MxArray {
  const rows = intArg(n, "n", "eye");
  const cols = m_ === undefined || m_ === null ? rows : intArg(m_, "m", "eye");
  return wrap(core().m._wmx_eye(rows, cols, intArg(k, "k", "eye"), dtypeFrom(dtype, "eye").code));
});

export const identity = streamed("identity", function identity(n: number, dtype?: DtypeArg): MxArray {
  const rows = intArg(n, "n", "identity");
  if (rows <= 0) throw new Error("[identity] N must be a positive integer.");
  return wrap(core().m._wmx_eye(rows, rows, 0, dtypeFrom(dtype, "identity").code));
});

/** tri(n, m, k)[i, j] = 1 where j <= i + k. */
export const tri = streamed("tri", function tri(n: number, m_?: number | null, k = 0, dtype?: DtypeArg): MxArray {
  const rows = intArg(n, "n", "tri");
  const cols = m_ === undefined || m_ === null ? rows : intArg(m_, "m", "tri");
  return wrap(core().m._wmx_tri(rows, cols, intArg(k, "k", "tri"), dtypeFrom(dtype, "tri").code));
});

function triPart(x: MxArray, k: number, upper: boolean): MxArray {
  const op = upper ? "triu" : "tril";
  if (!(x instanceof MxArray)) throw new Error(`[${op}] Expected an mx.Array, got ${describe(x)}.`);
  return wrap(core().m._wmx_tril(x.handle, intArg(k, "k", op), upper ? 1 : 0));
}

export const tril = streamed("tril", (x: MxArray, k = 0) => triPart(x, k, false));

export const triu = streamed("triu", (x: MxArray, k = 0) => triPart(x, k, true));

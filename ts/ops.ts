// The operations on `mx`: argument checking that is JS-specific (types of JS
// values), weak typing of JS scalars, and one call into the core each.

import { afterEval } from "./safety_net.js";
import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar, type Axis, type NestedList, type Scalar, fromHandle, noteShapeRead } from "./array.js";
import {
  Dtype, toDtype, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16,
  float32, float64,
} from "./dtype.js";
import { numberToBfloat16, numberToHalf } from "./half.js";
import { describe } from "./describe.js";
import { leavesAs } from "./tree_walk.js";
import { maxNdim } from "./limits.js";

/** @internal wraps a handle returned by the core (throwing its error if it failed) */
export function wrap(h: number): MxArray {
  return fromHandle(core().check(h));
}

// ---- creation ----

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
export function flattenNested(value: unknown, op = "array"): { shape: number[]; flat: Scalar[] } {
  const shape: number[] = [];
  const limit = maxNdim();
  for (let v = value; globalThis.Array.isArray(v); v = v[0]) {
    if (shape.length === limit)
      throw new Error(`[${op}] The nested list is deeper than ${limit} levels (or contains itself); arrays have at most ${limit} dimensions.`);
    shape.push(v.length);
  }
  const flat: Scalar[] = [];
  const walk = (v: unknown, d: number) => {
    if (d === shape.length) {
      if (typeof v !== "number" && typeof v !== "boolean" && typeof v !== "bigint")
        throw new Error(`[${op}] Unsupported value ${describe(v)} in nested array; expected numbers, booleans or bigints.`);
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

/** @internal (ts/describe.ts, re-exported for the op modules) */
export { describe };

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
  if (n === 0) return out;
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
  return out;
}

/**
 * `mx.array(value, dtype?)`: value is a number, boolean, bigint, nested JS
 * arrays of these, a TypedArray (its dtype is kept) or an mx.Array. JS
 * numbers give float32 unless a dtype is passed.
 */
export function array(value: NestedList | TypedArray | MxArray, dtype?: Dtype | string): MxArray {
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
  const { shape, flat } = flattenNested(value);
  return fromScalars(flat, shape, dt ?? inferDtype(flat));
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

function shapeArg(shape: number | number[], op: string): number[] {
  const s = typeof shape === "number" ? [shape] : shape;
  if (!globalThis.Array.isArray(s) || !s.every(isInt32))
    throw new Error(`[${op}] The shape must be an integer or a list of integers, got ${describe(shape)}.`);
  return s;
}

/** A shape of a new array: no dimension may be negative. */
function newShapeArg(shape: number | number[], op: string): number[] {
  const s = shapeArg(shape, op);
  // (the core checks this too, under the name of the op it runs: "full" for zeros)
  if (s.length > maxNdim()) throw new Error(`[${op}] The shape has ${s.length} dimensions; at most ${maxNdim()} are supported.`);
  if (s.some((d) => d < 0)) throw new Error(`[${op}] Negative dimension in shape (${s.join(",")}).`);
  if (!s.includes(0) && s.reduce((a, b) => a * b, 1) >= 2 ** 53)
    throw new Error(`[${op}] The shape (${s.join(",")}) has more than 2^53 elements.`);
  return s;
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
export function full(shape: number | number[], value: Scalar | MxArray, dtype?: Dtype | string): MxArray {
  return fill("full", shape, value, dtype);
}
export function zeros(shape: number | number[], dtype: Dtype | string = float32): MxArray {
  return fill("zeros", shape, 0, dtype);
}
export function ones(shape: number | number[], dtype: Dtype | string = float32): MxArray {
  return fill("ones", shape, 1, dtype);
}

// ---- conversion of operands ----

/**
 * Turns a JS scalar into an array that promotes weakly against `like`: a JS
 * number keeps a floating `like`'s dtype, keeps an integer `like`'s dtype
 * when it is an integer, and is float32 otherwise (int32 beside bool).
 * @internal shared by every op module
 */
export function operand(x: ArrayOrScalar, like: MxArray | null, op: string): MxArray {
  if (x instanceof MxArray) return x;
  if (typeof x === "number" || typeof x === "boolean")
    return wrap(core().m._wmx_scalar(typeof x === "number" ? x : x ? 1 : 0, scalarDtype(x, like).code));
  if (typeof x === "bigint") return array(x, like && like.dtype.kind !== "float" && like.dtype.kind !== "bool" ? like.dtype : int64);
  throw new Error(`[${op}] Expected an mx.Array or a JS number, boolean or bigint, got ${describe(x)}.`);
}

/** The dtype a JS number or boolean operand takes next to `like` (weak typing, as MLX). */
function scalarDtype(x: number | boolean, like: MxArray | null): Dtype {
  if (typeof x === "boolean") return like ? like.dtype : bool;
  if (!like) return float32;
  const k = like.dtype.kind;
  if (k === "float") return like.dtype;
  return Number.isInteger(x) ? (k === "bool" ? int32 : like.dtype) : float32;
}

/**
 * @internal Calls f with the core handles of operands (each `[value, like]`,
 * see operand). A JS number or boolean becomes a scalar handle that is
 * released right after the call, without an mx.Array wrapper (op dispatch
 * with a scalar operand is the most common eager call); other conversions
 * are disposed afterwards, also when a later operand fails to convert.
 */
export function withOperands<R>(specs: [unknown, MxArray | null][], op: string, f: (hs: number[]) => R): R {
  const c = core();
  const raw: number[] = [];
  const made: MxArray[] = [];
  try {
    const hs = specs.map(([v, like]) => {
      if (v instanceof MxArray) return v.handle;
      if (typeof v === "number" || typeof v === "boolean") {
        const h = c.check(c.m._wmx_scalar(typeof v === "number" ? v : v ? 1 : 0, scalarDtype(v, like).code));
        raw.push(h);
        return h;
      }
      const a = operand(v as ArrayOrScalar, like, op);
      made.push(a);
      return a.handle;
    });
    return f(hs);
  } finally {
    for (const h of raw) c.m._wmx_release(h);
    for (const a of made) a.dispose();
  }
}

function binary(code: number, op: string, a: ArrayOrScalar, b: ArrayOrScalar): MxArray {
  const la = b instanceof MxArray ? b : null, lb = a instanceof MxArray ? a : null;
  return withOperands([[a, la], [b, lb]], op, ([x, y]) => wrap(core().m._wmx_binary(code, x!, y!)));
}

// Codes of wasm/api.cpp's BinaryOp.
export const add = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(0, "add", a, b);
export const subtract = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(1, "subtract", a, b);
export const multiply = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(2, "multiply", a, b);
export const divide = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(3, "divide", a, b);
export const maximum = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(4, "maximum", a, b);
export const minimum = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(5, "minimum", a, b);
export const equal = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(6, "equal", a, b);
export const notEqual = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(7, "not_equal", a, b);
export const less = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(8, "less", a, b);
export const lessEqual = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(9, "less_equal", a, b);
export const greater = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(10, "greater", a, b);
export const greaterEqual = (a: ArrayOrScalar, b: ArrayOrScalar) => binary(11, "greater_equal", a, b);

function requireArray(a: unknown, op: string): MxArray {
  if (!(a instanceof MxArray)) throw new Error(`[${op}] Expected an mx.Array, got ${describe(a)}.`);
  return a;
}

/** @internal an mx.Array argument called `name` */
export function arrayArg(a: unknown, name: string, op: string): MxArray {
  if (!(a instanceof MxArray)) throw new Error(`[${op}] ${name} must be an mx.Array, got ${describe(a)}.`);
  return a;
}

/** @internal a number argument (not NaN) called `name` */
export function numArg(v: unknown, name: string, op: string): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`[${op}] ${name} must be a number, got ${describe(v)}.`);
  return v;
}

/** @internal an integer that fits the core's int32 arguments (dims, axes, counts) */
export const isInt32 = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 0x7fffffff;

/**
 * @internal MLX's keyword arguments: null/undefined for none, else a plain
 * object whose keys are all among `keys` (a misspelt option is an error, not
 * silently ignored).
 */
export function optionsArg<T extends object>(v: unknown, op: string, keys: readonly (keyof T & string)[]): Partial<T> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || globalThis.Array.isArray(v) || v instanceof MxArray)
    throw new Error(`[${op}] Expected an options object, got ${describe(v)}.`);
  for (const k of Object.keys(v))
    if (!(keys as readonly string[]).includes(k))
      throw new Error(`[${op}] Unknown option '${k}'; expected ${keys.length ? keys.join(", ") : "none"}.`);
  return v as Partial<T>;
}

/** @internal a boolean argument (undefined: false) called `name` */
export function boolArg(v: unknown, name: string, op: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new Error(`[${op}] ${name} must be a boolean, got ${describe(v)}.`);
  return v;
}

export function matmul(a: MxArray, b: MxArray): MxArray {
  return wrap(core().m._wmx_matmul(requireArray(a, "matmul").handle, requireArray(b, "matmul").handle));
}

export function astype(a: MxArray, dtype: Dtype | string): MxArray {
  return wrap(core().m._wmx_astype(requireArray(a, "astype").handle, toDtype(dtype, "astype").code));
}

// ---- reductions ----

function axesArg(axis: Axis | undefined | null, op: string): number[] | null {
  if (axis === undefined || axis === null) return null;
  const ax = typeof axis === "number" ? [axis] : axis;
  if (!globalThis.Array.isArray(ax) || !ax.every(isInt32))
    throw new Error(`[${op}] The axis must be an integer or a list of integers, got ${describe(axis)}.`);
  return ax;
}

function reduce(code: number, op: string, a: MxArray, axis: Axis | undefined, keepdims: boolean): MxArray {
  const c = core();
  const h = requireArray(a, op).handle;
  const ax = axesArg(axis, op);
  const kd = boolArg(keepdims, "keepdims", op) ? 1 : 0;
  if (!ax) return wrap(c.m._wmx_reduce(code, h, 0, -1, kd));
  return c.withInts(ax, (p, n) => wrap(c.m._wmx_reduce(code, h, p, n, kd)));
}

// Codes of wasm/api.cpp's ReduceOp.
export const sum = (a: MxArray, axis?: Axis, keepdims = false) => reduce(0, "sum", a, axis, keepdims);
export const prod = (a: MxArray, axis?: Axis, keepdims = false) => reduce(1, "prod", a, axis, keepdims);
export const max = (a: MxArray, axis?: Axis, keepdims = false) => reduce(2, "max", a, axis, keepdims);
export const min = (a: MxArray, axis?: Axis, keepdims = false) => reduce(3, "min", a, axis, keepdims);
export const all = (a: MxArray, axis?: Axis, keepdims = false) => reduce(4, "all", a, axis, keepdims);
export const any = (a: MxArray, axis?: Axis, keepdims = false) => reduce(5, "any", a, axis, keepdims);
export const mean = (a: MxArray, axis?: Axis, keepdims = false) => reduce(6, "mean", a, axis, keepdims);

// ---- shape ----

export function reshape(a: MxArray, shape: number | number[]): MxArray {
  const c = core();
  const h = requireArray(a, "reshape").handle;
  return c.withInts(shapeArg(shape, "reshape"), (p, n) => wrap(c.m._wmx_reshape(h, p, n)));
}

export function transpose(a: MxArray, axes?: number[]): MxArray {
  const c = core();
  const h = requireArray(a, "transpose").handle;
  if (axes === undefined || axes === null) return wrap(c.m._wmx_transpose(h, 0, -1));
  return c.withInts(axesArg(axes, "transpose")!, (p, n) => wrap(c.m._wmx_transpose(h, p, n)));
}

export function broadcastTo(a: ArrayOrScalar, shape: number | number[]): MxArray {
  const c = core();
  const x = operand(a, null, "broadcast_to");
  try {
    return c.withInts(shapeArg(shape, "broadcast_to"), (p, n) => wrap(c.m._wmx_broadcast_to(x.handle, p, n)));
  } finally {
    if (x !== a) x.dispose();
  }
}

export function squeeze(a: MxArray, axis?: Axis): MxArray {
  const c = core();
  const h = requireArray(a, "squeeze").handle;
  const ax = axesArg(axis, "squeeze");
  if (!ax) {
    noteShapeRead(a); // which axes go depends on the shape: a shapeless trace holds for this one only
    return wrap(c.m._wmx_squeeze(h, 0, -1));
  }
  return c.withInts(ax, (p, n) => wrap(c.m._wmx_squeeze(h, p, n)));
}

export function expandDims(a: MxArray, axis: Axis): MxArray {
  const c = core();
  const h = requireArray(a, "expand_dims").handle;
  const ax = axesArg(axis, "expand_dims");
  if (!ax) throw new Error(`[expand_dims] The axis must be an integer or a list of integers, got ${describe(axis)}.`);
  return c.withInts(ax, (p, n) => wrap(c.m._wmx_expand_dims(h, p, n)));
}

export function moveaxis(a: MxArray, source: number, destination: number): MxArray {
  if (!isInt32(source) || !isInt32(destination))
    throw new Error(`[moveaxis] source and destination must be integers, got ${describe(source)} and ${describe(destination)}.`);
  return wrap(core().m._wmx_moveaxis(requireArray(a, "moveaxis").handle, source, destination));
}

export function flatten(a: MxArray): MxArray {
  return reshape(a, [-1]);
}

// ---- evaluation ----

/** Evaluates every mx.Array leaf of the given trees; other leaves are ignored. */
export function evaluate(...trees: unknown[]): void {
  const arrays = leavesAs(trees, "eval").filter((l): l is MxArray => l instanceof MxArray);
  if (arrays.length === 0) return;
  const c = core();
  c.check(c.withInts(arrays.map((a) => a.handle), (p, n) => c.m._wmx_eval(p, n)));
  afterEval(); // evaluation is where memory grows: the safety net looks here
}

/**
 * Resolves once every array leaf of the trees is evaluated. With the threaded
 * build the work runs on the core's own thread and this thread stays free.
 */
export function asyncEval(...trees: unknown[]): Promise<void> {
  let handles: number[];
  try {
    handles = leavesAs(trees, "asyncEval")
      .filter((l): l is MxArray => l instanceof MxArray)
      .map((a) => a.handle);
  } catch (e) {
    return Promise.reject(e); // bad arguments: a rejection, as an async function gives
  }
  if (handles.length === 0) return Promise.resolve();
  // Inside a transformation the core refuses to start, and that throws here,
  // at the call (as MLX's async_eval does): a rejection nobody awaits inside
  // the traced function would end Node with an unhandled rejection.
  return core().evalAsync(handles).then(afterEval);
}

// Reductions, normalisers, extra binary ops, scans and sorting on `mx`
// (wasm/api_reduce.cpp): JS argument checking, JS scalars turned into
// arrays (weakly typed against the other operand), one call into the core each.

import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar, type Axis } from "./array.js";
import { describe, isInt32, operand, optionsArg, wrap } from "./ops.js";

/** The exports of wasm/api_reduce.cpp. */
interface ReduceExports {
  _wmx_reduce_axes(op: number, h: number, axes: number, naxes: number, keepdims: number, extra: number): number;
  _wmx_argreduce(isMax: number, h: number, axis: number, hasAxis: number, keepdims: number): number;
  _wmx_binary_extra(op: number, a: number, b: number): number;
  _wmx_clip(h: number, lo: number, hi: number): number;
  _wmx_isclose(all: number, a: number, b: number, rtol: number, atol: number, equalNan: number): number;
  _wmx_array_equal(a: number, b: number, equalNan: number): number;
  _wmx_scan(op: number, h: number, axis: number, hasAxis: number, reverse: number, inclusive: number): number;
  _wmx_sort(indices: number, h: number, axis: number, hasAxis: number): number;
  _wmx_topk(h: number, k: number, axis: number, hasAxis: number): number;
}
const m = () => core().m as unknown as ReduceExports;

function requireArray(a: unknown, op: string): MxArray {
  if (!(a instanceof MxArray)) throw new Error(`[${op}] Expected an mx.Array, got ${describe(a)}.`);
  return a;
}

function intArg(v: unknown, name: string, op: string): number {
  if (!isInt32(v))
    throw new Error(`[${op}] ${name} must be an integer, got ${describe(v)}.`);
  return v;
}

function numArg(v: unknown, name: string, op: string): number {
  if (typeof v !== "number") throw new Error(`[${op}] ${name} must be a number, got ${describe(v)}.`);
  return v;
}

function boolArg(v: unknown, name: string, op: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new Error(`[${op}] ${name} must be a boolean, got ${describe(v)}.`);
  return v;
}


/** null: every axis. */
function axesArg(axis: Axis | undefined | null, op: string): number[] | null {
  if (axis === undefined || axis === null) return null;
  const ax = typeof axis === "number" ? [axis] : axis;
  if (!globalThis.Array.isArray(ax) || !ax.every(isInt32))
    throw new Error(`[${op}] The axis must be an integer or a list of integers, got ${describe(axis)}.`);
  return ax;
}

/** [axis, hasAxis]: null/undefined mean "over the flattened array". */
function axisArg(axis: number | null | undefined, op: string): [number, number] {
  if (axis === undefined || axis === null) return [0, 0];
  if (!isInt32(axis))
    throw new Error(`[${op}] The axis must be an integer or null, got ${describe(axis)}.`);
  return [axis, 1];
}

function reduceAxes(code: number, op: string, a: MxArray, axis: Axis | undefined | null, keepdims: boolean,
                    extra: number): MxArray {
  const c = core();
  const h = requireArray(a, op).handle;
  const kd = boolArg(keepdims, "keepdims", op) ? 1 : 0;
  const ax = axesArg(axis, op);
  if (!ax) return wrap(m()._wmx_reduce_axes(code, h, 0, -1, kd, extra));
  return c.withInts(ax, (p, n) => wrap(m()._wmx_reduce_axes(code, h, p, n, kd, extra)));
}

// ---- reductions and normalisers ----

/** Variance over `axis` (every axis when absent) with divisor N - ddof. */
function variance(a: MxArray, axis?: Axis | null, keepdims = false, ddof = 0): MxArray {
  return reduceAxes(0, "var", a, axis, keepdims, intArg(ddof, "ddof", "var"));
}
export { variance as var };
/** Standard deviation over `axis` (every axis when absent) with divisor N - ddof. */
export function std(a: MxArray, axis?: Axis | null, keepdims = false, ddof = 0): MxArray {
  return reduceAxes(1, "std", a, axis, keepdims, intArg(ddof, "ddof", "std"));
}
/** log(sum(exp(a))) over `axis`, computed stably. */
export function logsumexp(a: MxArray, axis?: Axis | null, keepdims = false): MxArray {
  return reduceAxes(2, "logsumexp", a, axis, keepdims, 0);
}

export interface SoftmaxOptions {
  /** Compute float16/bfloat16 inputs in float32 (over one axis they always are: its row kernel works in float32). */
  precise?: boolean;
}
/** exp(a) / sum(exp(a)) over `axis` (every axis when absent), computed stably. */
export function softmax(a: MxArray, axis?: Axis | null, options?: SoftmaxOptions): MxArray {
  const o = optionsArg<SoftmaxOptions>(options, "softmax", ["precise"]);
  return reduceAxes(3, "softmax", a, axis, false, boolArg(o.precise, "precise", "softmax") ? 1 : 0);
}
/** a - logsumexp(a) over `axis` (every axis when absent). */
export function logSoftmax(a: MxArray, axis?: Axis | null, options?: SoftmaxOptions): MxArray {
  const o = optionsArg<SoftmaxOptions>(options, "log_softmax", ["precise"]);
  return reduceAxes(4, "log_softmax", a, axis, false, boolArg(o.precise, "precise", "log_softmax") ? 1 : 0);
}

function argReduce(isMax: boolean, a: MxArray, axis: number | null | undefined, keepdims: boolean): MxArray {
  const op = isMax ? "argmax" : "argmin";
  const h = requireArray(a, op).handle;
  const [ax, has] = axisArg(axis, op);
  return wrap(m()._wmx_argreduce(isMax ? 1 : 0, h, ax, has, boolArg(keepdims, "keepdims", op) ? 1 : 0));
}
/** Index (uint32) of the first maximum along `axis` (of the flattened array when absent). */
export const argmax = (a: MxArray, axis?: number | null, keepdims = false) => argReduce(true, a, axis, keepdims);
/** Index (uint32) of the first minimum along `axis` (of the flattened array when absent). */
export const argmin = (a: MxArray, axis?: number | null, keepdims = false) => argReduce(false, a, axis, keepdims);

// ---- binary ----

function binaryExtra(code: number, op: string, a: ArrayOrScalar, b: ArrayOrScalar): MxArray {
  const x = operand(a, b instanceof MxArray ? b : null, op);
  let y: MxArray;
  try {
    y = operand(b, a instanceof MxArray ? a : null, op);
  } catch (e) {
    if (x !== a) x.dispose();
    throw e;
  }
  try {
    return wrap(m()._wmx_binary_extra(code, x.handle, y.handle));
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}

// Codes of wasm/api_reduce.cpp's BinaryExtraOp.
export const floorDivide = (a: ArrayOrScalar, b: ArrayOrScalar) => binaryExtra(0, "floor_divide", a, b);
export const remainder = (a: ArrayOrScalar, b: ArrayOrScalar) => binaryExtra(1, "remainder", a, b);
export const power = (a: ArrayOrScalar, b: ArrayOrScalar) => binaryExtra(2, "power", a, b);
export const arctan2 = (a: ArrayOrScalar, b: ArrayOrScalar) => binaryExtra(3, "arctan2", a, b);
export const logaddexp = (a: ArrayOrScalar, b: ArrayOrScalar) => binaryExtra(4, "logaddexp", a, b);
export const logicalAnd = (a: ArrayOrScalar, b: ArrayOrScalar) => binaryExtra(5, "logical_and", a, b);
export const logicalOr = (a: ArrayOrScalar, b: ArrayOrScalar) => binaryExtra(6, "logical_or", a, b);

/** `a` limited to [aMin, aMax]; either bound may be null (not both). */
export function clip(a: ArrayOrScalar, aMin: ArrayOrScalar | null, aMax: ArrayOrScalar | null): MxArray {
  const owned: MxArray[] = [];
  const own = (v: ArrayOrScalar, like: MxArray | null) => {
    const r = operand(v, like, "clip");
    if (r !== v) owned.push(r);
    return r;
  };
  try {
    if (aMin === undefined || aMax === undefined)
      throw new Error("[clip] a_min and a_max are required (pass null for no bound).");
    const x = own(a, aMin instanceof MxArray ? aMin : aMax instanceof MxArray ? aMax : null);
    const lo = aMin === null ? -1 : own(aMin, x).handle;
    const hi = aMax === null ? -1 : own(aMax, x).handle;
    return wrap(m()._wmx_clip(x.handle, lo, hi));
  } finally {
    for (const o of owned) o.dispose();
  }
}

export interface CloseOptions {
  /** NaNs compare equal to each other. */
  equalNan?: boolean;
}

function close(all: boolean, a: ArrayOrScalar, b: ArrayOrScalar, rtol: number, atol: number,
               options: CloseOptions | undefined): MxArray {
  const op = all ? "allclose" : "isclose";
  numArg(rtol, "rtol", op);
  numArg(atol, "atol", op);
  const eq = boolArg(optionsArg<CloseOptions>(options, op, ["equalNan"]).equalNan, "equalNan", op);
  const x = operand(a, b instanceof MxArray ? b : null, op);
  let y: MxArray;
  try {
    y = operand(b, a instanceof MxArray ? a : null, op);
  } catch (e) {
    if (x !== a) x.dispose();
    throw e;
  }
  try {
    return wrap(m()._wmx_isclose(all ? 1 : 0, x.handle, y.handle, rtol, atol, eq ? 1 : 0));
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}
/** |a - b| <= atol + rtol * |b| elementwise (infinities close only to themselves). */
export const isclose = (a: ArrayOrScalar, b: ArrayOrScalar, rtol = 1e-5, atol = 1e-8, options?: CloseOptions) =>
  close(false, a, b, rtol, atol, options);
/** Whether every element of a and b isclose (a bool scalar array). */
export const allclose = (a: ArrayOrScalar, b: ArrayOrScalar, rtol = 1e-5, atol = 1e-8, options?: CloseOptions) =>
  close(true, a, b, rtol, atol, options);

/** Whether a and b have the same shape and values (a bool scalar array); dtypes may differ. */
export function arrayEqual(a: ArrayOrScalar, b: ArrayOrScalar, equalNan: boolean | CloseOptions = false): MxArray {
  const eq = typeof equalNan === "object" && equalNan !== null
    ? boolArg(optionsArg<CloseOptions>(equalNan, "array_equal", ["equalNan"]).equalNan, "equalNan", "array_equal")
    : boolArg(equalNan, "equalNan", "array_equal");
  const x = operand(a, null, "array_equal");
  let y: MxArray;
  try {
    y = operand(b, null, "array_equal");
  } catch (e) {
    if (x !== a) x.dispose();
    throw e;
  }
  try {
    return wrap(m()._wmx_array_equal(x.handle, y.handle, eq ? 1 : 0));
  } finally {
    if (x !== a) x.dispose();
    if (y !== b) y.dispose();
  }
}

// ---- scans ----

export interface ScanOptions {
  /** Scan from the end. */
  reverse?: boolean;
  /** Include the element at each position (default true). */
  inclusive?: boolean;
}

function scan(code: number, op: string, a: MxArray, axis: number | null | undefined, options?: ScanOptions): MxArray {
  const h = requireArray(a, op).handle;
  const [ax, has] = axisArg(axis, op);
  const o = optionsArg<ScanOptions>(options, op, ["reverse", "inclusive"]);
  const reverse = boolArg(o.reverse, "reverse", op);
  const inclusive = o.inclusive === undefined ? true : boolArg(o.inclusive, "inclusive", op);
  return wrap(m()._wmx_scan(code, h, ax, has, reverse ? 1 : 0, inclusive ? 1 : 0));
}
/** Cumulative sum along `axis` (of the flattened array when absent). */
export const cumsum = (a: MxArray, axis?: number | null, options?: ScanOptions) => scan(0, "cumsum", a, axis, options);
export const cumprod = (a: MxArray, axis?: number | null, options?: ScanOptions) => scan(1, "cumprod", a, axis, options);
export const cummax = (a: MxArray, axis?: number | null, options?: ScanOptions) => scan(2, "cummax", a, axis, options);
export const cummin = (a: MxArray, axis?: number | null, options?: ScanOptions) => scan(3, "cummin", a, axis, options);

// ---- sorting (axis null: the flattened array; default -1) ----

function sortOp(indices: boolean, a: MxArray, axis: number | null): MxArray {
  const op = indices ? "argsort" : "sort";
  const h = requireArray(a, op).handle;
  const [ax, has] = axisArg(axis, op);
  return wrap(m()._wmx_sort(indices ? 1 : 0, h, ax, has));
}
/** Ascending sort along `axis` (NaN last); `null` sorts the flattened array. */
export const sort = (a: MxArray, axis: number | null = -1) => sortOp(false, a, axis);
/** The uint32 indices that sort `a` along `axis` (stable). */
export const argsort = (a: MxArray, axis: number | null = -1) => sortOp(true, a, axis);
/** The k largest elements along `axis`, in ascending order. */
export function topk(a: MxArray, k: number, axis: number | null = -1): MxArray {
  const h = requireArray(a, "topk").handle;
  const kk = intArg(k, "k", "topk");
  const [ax, has] = axisArg(axis, "topk");
  return wrap(m()._wmx_topk(h, kk, ax, has));
}

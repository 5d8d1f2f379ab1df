// Reductions, scans and order statistics MLX builds from sorts and sums or
// gives primitives of their own (mlx/ops.cpp), built here from the core's
// ops: countNonzero, median, logcumsumexp, partition, argpartition and
// searchsorted.

import { MxArray, type Axis } from "../array.js";
import { describe } from "../describe.js";
import { int32, uint32 } from "../dtype.js";
import { axesArg, boolArg, intArg, optionsArg, requireArray } from "../args.js";
import { full } from "../creation.js";
import { add, astype, isnan, less, logaddexp, logicalNot, multiply, notEqual, where } from "../elementwise.js";
import { any, argsort, sort, sum } from "../reduce_ops.js";
import { concatenate, expandDims, flatten, moveaxis, slice, squeeze, transpose } from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { atLeastFloat, normalizeAxis, scalarOf } from "./common.js";
import { flip } from "./shape_like.js";
import { type StreamOptions, streamed } from "../stream.js";

export interface CountNonzeroOptions extends StreamOptions {
  /** Axes to count over (default: every axis). */
  axis?: Axis | null;
  /** Keep the counted axes as size 1. */
  keepdims?: boolean;
}

/** The number of nonzero elements (int32) over `axis`. */
export const countNonzero = streamed("countNonzero", function countNonzero(a: MxArray, options?: CountNonzeroOptions): MxArray {
  const op = "count_nonzero";
  const x = requireArray(a, op);
  const o = optionsArg<CountNonzeroOptions>(options, op, ["axis", "keepdims"]);
  const axes = axesArg(o.axis, op) ?? undefined;
  for (const ax of axes ?? []) normalizeAxis(ax, x.ndim, op);
  const keepdims = boolArg(o.keepdims, "keepdims", op);
  return tidy(() => sum(astype(notEqual(x, scalarOf(0, x.dtype)), int32), axes, keepdims));
}, true);

/**
 * The median over `axis` (every axis when absent), in at least float32: the
 * middle element, or the mean of the two middle ones. NaN when a NaN is among
 * the values.
 */
export const median = streamed("median", function median(a: MxArray, axis?: Axis | null, keepdims = false): MxArray {
  const op = "median";
  const x = requireArray(a, op);
  const kd = boolArg(keepdims, "keepdims", op);
  const nd = x.ndim;
  const given = axesArg(axis, op) ?? Array.from({ length: nd }, (_, i) => i);
  const set = new Set<number>();
  for (const ax of given) {
    if (ax < -nd || ax >= nd) throw new Error(`[${op}] axis ${ax} is out of bounds for array with ${nd} dimensions.`);
    set.add(ax < 0 ? ax + nd : ax);
  }
  if (set.size !== given.length) throw new Error(`[${op}] Received duplicate axis.`);
  const axes = [...set].sort((p, q) => p - q);
  const kept = Array.from({ length: nd }, (_, i) => i).filter((i) => !set.has(i));
  const n = axes.reduce((s, ax) => s * x.shape[ax]!, 1);
  if (n === 0) throw new Error(`[${op}] Cannot take median along empty axis.`);
  const dt = atLeastFloat(x.dtype);
  return tidy(() => {
    // The median's axes moved last and flattened into one, then sorted.
    const flat = flatten(transpose(x, [...kept, ...axes]), kept.length, -1);
    const sorted = sort(flat, -1);
    const mid = Math.floor(n / 2);
    const at = (i: number) => astype(sorted.index("...", slice(i, i + 1)), dt);
    let m = at(mid);
    if (n % 2 === 0) m = multiply(add(m, at(mid - 1)), scalarOf(0.5, dt));
    // Sorting puts NaN last, where the middle never reaches: propagate it as max, min and mean do.
    if (x.dtype.kind === "float") m = where(any(isnan(flat), -1, true), scalarOf(NaN, dt), m);
    m = squeeze(m, -1);
    return kd ? expandDims(m, axes) : m;
  });
});

export interface LogcumsumexpOptions extends StreamOptions {
  /** Accumulate from the end. */
  reverse?: boolean;
  /** Include the element at each position (default true). */
  inclusive?: boolean;
}

/**
 * log(cumsum(exp(a))) along `axis` (of the flattened array when absent),
 * computed stably: a log-depth scan of pairwise logaddexp, so no element's
 * contribution is lost to an underflowing exp. Integer arrays give float32
 * (MLX keeps their dtype, rounding each step).
 */
export const logcumsumexp = streamed("logcumsumexp", function logcumsumexp(a: MxArray, axis?: number | null, options?: LogcumsumexpOptions): MxArray {
  const op = "logcumsumexp";
  const x = requireArray(a, op);
  const o = optionsArg<LogcumsumexpOptions>(options, op, ["reverse", "inclusive"]);
  const reverse = boolArg(o.reverse, "reverse", op);
  const inclusive = o.inclusive === undefined ? true : boolArg(o.inclusive, "inclusive", op);
  const flat = axis === undefined || axis === null;
  const ax = flat ? 0 : intArg(axis, "The axis", op);
  if (!flat && (ax >= x.ndim || ax < -x.ndim))
    throw new Error(`[${op}] Axis ${ax} is out of bounds for array with ${x.ndim} dimensions.`);
  return tidy(() => {
    // Scan along the last axis, forward, in a floating dtype (integers in float32).
    const xf = x.dtype.kind === "float" ? x : astype(x, atLeastFloat(x.dtype));
    let y = flat ? flatten(xf) : moveaxis(xf, ax, -1);
    if (reverse) y = flip(y, -1);
    const n = y.shape[y.ndim - 1]!;
    const lead = y.shape.slice(0, -1);
    const lowest = () => full([...lead, 0], -Infinity, y.dtype);
    const shifted = (v: MxArray, by: number) =>
      concatenate([full([...lead, by], -Infinity, v.dtype), v.index("...", slice(0, n - by))], -1);
    // Hillis-Steele: after the step with shift s each position holds the log-sum of the 2s values ending there.
    for (let s = 1; s < n; s *= 2) y = logaddexp(y, shifted(y, s));
    if (!inclusive) y = n === 0 ? concatenate([lowest(), y], -1) : shifted(y, 1);
    if (reverse) y = flip(y, -1);
    return flat ? y : moveaxis(y, -1, ax);
  });
}, true);

function partitionArgs(op: string, a: MxArray, kth: number, axis: number | null | undefined): [MxArray, number, number] {
  const x = requireArray(a, op);
  const k = intArg(kth, "kth", op);
  const flat = axis === null;
  const ax = flat ? 0 : normalizeAxis(axis ?? -1, x.ndim, op);
  const len = flat ? x.size : x.shape[ax]!;
  const k0 = k < 0 ? k + len : k;
  if (k0 < 0 || k0 >= len)
    throw new Error(`[${op}] Received invalid kth ${k} along axis ${axis ?? -1} for array with shape: (${x.shape.join(",")})`);
  return [x, k0, ax];
}

/**
 * A copy of `a` in which the element at `kth` along `axis` (of the flattened
 * array when null) is where sorting would put it, smaller ones before and
 * larger ones after. (webmx sorts the axis, which is one such arrangement.)
 */
export const partition = streamed("partition", function partition(a: MxArray, kth: number, axis: number | null = -1): MxArray {
  const [x, , ax] = partitionArgs("partition", a, kth, axis);
  return axis === null ? sort(x, null) : sort(x, ax);
});

/** The uint32 indices that partition `a` around `kth` along `axis` (see partition). */
export const argpartition = streamed("argpartition", function argpartition(a: MxArray, kth: number, axis: number | null = -1): MxArray {
  const [x, , ax] = partitionArgs("argpartition", a, kth, axis);
  return axis === null ? argsort(x, null) : argsort(x, ax);
});

/**
 * Where `values` would be inserted into the 1-D `sortedSequence` to keep it
 * sorted (uint32, values' shape): the first such place with side "left", the
 * last with "right". NaN counts as larger than every number, as sort orders it.
 */
export const searchsorted = streamed("searchsorted", function searchsorted(sortedSequence: MxArray, values: MxArray, side: "left" | "right" = "left"): MxArray {
  const op = "searchsorted";
  const seq = requireArray(sortedSequence, op), v = requireArray(values, op);
  if (side !== "left" && side !== "right")
    throw new Error(`[${op}] Invalid side ${typeof side === "string" ? `'${side}'` : describe(side)}. Expected 'left' or 'right'.`);
  if (seq.ndim !== 1) throw new Error(`[${op}] The sorted sequence must be 1-D but has ${seq.ndim} dimensions.`);
  return tidy(() => {
    const m = seq, x = expandDims(v, -1);
    // NaN-aware "p < q": a NaN q is above every non-NaN p; a NaN p is below nothing.
    const below = (p: MxArray, q: MxArray) => where(isnan(q), logicalNot(isnan(p)), less(p, q));
    const counted = side === "left" ? below(m, x) : logicalNot(below(x, m));
    return astype(sum(astype(counted, int32), -1), uint32);
  });
});

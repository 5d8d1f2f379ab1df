// Reductions, scans and sorts on `mx`: the reduce and scan families of the C
// ABI (sum, prod, max, min, all, any, mean, var, std, logsumexp, softmax,
// logSoftmax; cumsum, cumprod, cummax, cummin; codes from wasm/op_tables.def),
// argmax/argmin, sort/argsort and topk.

import { core } from "./runtime.js";
import { MxArray, type Axis } from "./array.js";
import { axesArg, axisArg, boolArg, intArg, optionsArg, requireArray } from "./args.js";
import { wrap } from "./operands.js";
import { OpCodes } from "./generated/boundary.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;

/** A reduction of wasm/op_tables.def by its MLX name; `extra` is ddof (var/std) or precise (the softmaxes). */
function reduce(op: keyof typeof OpCodes.reduce, a: MxArray, axis: Axis | undefined | null, keepdims: boolean,
                extra = 0): MxArray {
  const c = core();
  const code = OpCodes.reduce[op];
  const h = requireArray(a, op).handle;
  const kd = boolArg(keepdims, "keepdims", op) ? 1 : 0;
  const ax = axesArg(axis, op);
  if (!ax) return wrap(m()._wmx_reduce(code, h, 0, -1, kd, extra));
  return c.withInts(ax, (p, n) => wrap(m()._wmx_reduce(code, h, p, n, kd, extra)));
}

export const sum = streamed("sum", (a: MxArray, axis?: Axis, keepdims = false) => reduce("sum", a, axis, keepdims));

export const prod = streamed("prod", (a: MxArray, axis?: Axis, keepdims = false) => reduce("prod", a, axis, keepdims));

export const max = streamed("max", (a: MxArray, axis?: Axis, keepdims = false) => reduce("max", a, axis, keepdims));

export const min = streamed("min", (a: MxArray, axis?: Axis, keepdims = false) => reduce("min", a, axis, keepdims));

export const all = streamed("all", (a: MxArray, axis?: Axis, keepdims = false) => reduce("all", a, axis, keepdims));

export const any = streamed("any", (a: MxArray, axis?: Axis, keepdims = false) => reduce("any", a, axis, keepdims));

export const mean = streamed("mean", (a: MxArray, axis?: Axis, keepdims = false) => reduce("mean", a, axis, keepdims));

/** Variance over `axis` (every axis when absent) with divisor N - ddof. */
const variance = streamed("var", function variance(a: MxArray, axis?: Axis | null, keepdims = false, ddof = 0): MxArray {
  return reduce("var", a, axis, keepdims, intArg(ddof, "ddof", "var"));
});
export { variance as var };

/** Standard deviation over `axis` (every axis when absent) with divisor N - ddof. */
export const std = streamed("std", function std(a: MxArray, axis?: Axis | null, keepdims = false, ddof = 0): MxArray {
  return reduce("std", a, axis, keepdims, intArg(ddof, "ddof", "std"));
});

/** log(sum(exp(a))) over `axis`, computed stably. */
export const logsumexp = streamed("logsumexp", function logsumexp(a: MxArray, axis?: Axis | null, keepdims = false): MxArray {
  return reduce("logsumexp", a, axis, keepdims, 0);
});

export interface SoftmaxOptions extends StreamOptions {
  /** Compute float16/bfloat16 inputs in float32 (over one axis they always are: its row kernel works in float32). */
  precise?: boolean;
}

/** exp(a) / sum(exp(a)) over `axis` (every axis when absent), computed stably. */
export const softmax = streamed("softmax", function softmax(a: MxArray, axis?: Axis | null, options?: SoftmaxOptions): MxArray {
  const o = optionsArg<SoftmaxOptions>(options, "softmax", ["precise"]);
  return reduce("softmax", a, axis, false, boolArg(o.precise, "precise", "softmax") ? 1 : 0);
}, true);

/** a - logsumexp(a) over `axis` (every axis when absent). */
export const logSoftmax = streamed("logSoftmax", function logSoftmax(a: MxArray, axis?: Axis | null, options?: SoftmaxOptions): MxArray {
  const o = optionsArg<SoftmaxOptions>(options, "log_softmax", ["precise"]);
  return reduce("log_softmax", a, axis, false, boolArg(o.precise, "precise", "log_softmax") ? 1 : 0);
}, true);

function argReduce(isMax: boolean, a: MxArray, axis: number | null | undefined, keepdims: boolean): MxArray {
  const op = isMax ? "argmax" : "argmin";
  const h = requireArray(a, op).handle;
  const [ax, has] = axisArg(axis, op);
  return wrap(m()._wmx_argreduce(isMax ? 1 : 0, h, ax, has, boolArg(keepdims, "keepdims", op) ? 1 : 0));
}

/** Index (uint32) of the first maximum along `axis` (of the flattened array when absent). */
export const argmax = streamed("argmax", (a: MxArray, axis?: number | null, keepdims = false) => argReduce(true, a, axis, keepdims));

/** Index (uint32) of the first minimum along `axis` (of the flattened array when absent). */
export const argmin = streamed("argmin", (a: MxArray, axis?: number | null, keepdims = false) => argReduce(false, a, axis, keepdims));

export interface ScanOptions extends StreamOptions {
  /** Scan from the end. */
  reverse?: boolean;
  /** Include the element at each position (default true). */
  inclusive?: boolean;
}

function scan(op: keyof typeof OpCodes.scan, a: MxArray, axis: number | null | undefined, options?: ScanOptions): MxArray {
  const h = requireArray(a, op).handle;
  const [ax, has] = axisArg(axis, op);
  const o = optionsArg<ScanOptions>(options, op, ["reverse", "inclusive"]);
  const reverse = boolArg(o.reverse, "reverse", op);
  const inclusive = o.inclusive === undefined ? true : boolArg(o.inclusive, "inclusive", op);
  return wrap(m()._wmx_scan(OpCodes.scan[op], h, ax, has, reverse ? 1 : 0, inclusive ? 1 : 0));
}

/** Cumulative sum along `axis` (of the flattened array when absent). */
export const cumsum = streamed("cumsum", (a: MxArray, axis?: number | null, options?: ScanOptions) => scan("cumsum", a, axis, options), true);

export const cumprod = streamed("cumprod", (a: MxArray, axis?: number | null, options?: ScanOptions) => scan("cumprod", a, axis, options), true);

export const cummax = streamed("cummax", (a: MxArray, axis?: number | null, options?: ScanOptions) => scan("cummax", a, axis, options), true);

export const cummin = streamed("cummin", (a: MxArray, axis?: number | null, options?: ScanOptions) => scan("cummin", a, axis, options), true);

function sortOp(indices: boolean, a: MxArray, axis: number | null): MxArray {
  const op = indices ? "argsort" : "sort";
  const h = requireArray(a, op).handle;
  const [ax, has] = axisArg(axis, op);
  return wrap(m()._wmx_sort(indices ? 1 : 0, h, ax, has));
}

/** Ascending sort along `axis` (NaN last); `null` sorts the flattened array. */
export const sort = streamed("sort", (a: MxArray, axis: number | null = -1) => sortOp(false, a, axis));

/** The uint32 indices that sort `a` along `axis` (stable). */
export const argsort = streamed("argsort", (a: MxArray, axis: number | null = -1) => sortOp(true, a, axis));

/** The k largest elements along `axis`, in ascending order. */
export const topk = streamed("topk", function topk(a: MxArray, k: number, axis: number | null = -1): MxArray {
  const h = requireArray(a, "topk").handle;
  const kk = intArg(k, "k", "topk");
  const [ax, has] = axisArg(axis, "topk");
  return wrap(m()._wmx_topk(h, kk, ax, has));
});

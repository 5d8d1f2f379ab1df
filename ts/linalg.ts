// Linear algebra and convolutions on `mx` (wasm/api_linalg.cpp): addmm,
// outer, inner, tensordot, einsum, conv1d, conv2d, convTranspose1d,
// convTranspose2d, and matmul. JS argument checking here; semantics and shape errors in
// the core ("[op] ..." messages).

import { core } from "./runtime.js";
import { MxArray } from "./array.js";
import { describe } from "./describe.js";
import { arrayArg, intArg, isInt32, numArg, optionsArg, requireArray } from "./args.js";
import { wrap } from "./operands.js";
import { OpCodes } from "./generated/boundary.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;

// ---- linear algebra ----

export const matmul = streamed("matmul", function matmul(a: MxArray, b: MxArray): MxArray {
  return wrap(core().m._wmx_matmul(requireArray(a, "matmul").handle, requireArray(b, "matmul").handle));
});

export interface AddmmOptions extends StreamOptions {
  alpha?: number;
  beta?: number;
}

/** `alpha * (a @ b) + beta * c`. */
export const addmm = streamed("addmm", function addmm(c: MxArray, a: MxArray, b: MxArray, options: AddmmOptions = {}): MxArray {
  const op = "addmm";
  const o = optionsArg<AddmmOptions>(options, op, ["alpha", "beta"]);
  const alpha = o.alpha === undefined ? 1 : numArg(o.alpha, "alpha", op);
  const beta = o.beta === undefined ? 1 : numArg(o.beta, "beta", op);
  return wrap(m()._wmx_addmm(arrayArg(c, "c", op).handle, arrayArg(a, "a", op).handle, arrayArg(b, "b", op).handle,
    alpha, beta));
}, true);

/** Outer product of the flattened inputs. */
export const outer = streamed("outer", function outer(a: MxArray, b: MxArray): MxArray {
  return wrap(m()._wmx_outer(arrayArg(a, "a", "outer").handle, arrayArg(b, "b", "outer").handle));
});

/** Sum product over the last axes. */
export const inner = streamed("inner", function inner(a: MxArray, b: MxArray): MxArray {
  return wrap(m()._wmx_inner(arrayArg(a, "a", "inner").handle, arrayArg(b, "b", "inner").handle));
});

/**
 * Contracts the last `axes` axes of `a` with the first `axes` of `b`, or the
 * listed axes: `axes = [axesA, axesB]` (each a number or number[]).
 */
export const tensordot = streamed("tensordot", function tensordot(a: MxArray, b: MxArray, axes: number | [number | number[], number | number[]] = 2): MxArray {
  const op = "tensordot";
  const ha = arrayArg(a, "a", op).handle, hb = arrayArg(b, "b", op).handle;
  if (typeof axes === "number") return wrap(m()._wmx_tensordot_n(ha, hb, intArg(axes, "axes", op)));
  if (!Array.isArray(axes) || axes.length !== 2)
    throw new Error(`[${op}] axes must be an integer or a pair [axesA, axesB], got ${describe(axes)}.`);
  const list = (v: unknown) => (Array.isArray(v) ? v : [v]).map((x) => intArg(x, "axes", op));
  const xa = list(axes[0]), xb = list(axes[1]);
  if (xa.length !== xb.length)
    throw new Error(`[${op}] Both axes lists must have the same length, got ${xa.length} and ${xb.length}.`);
  const c = core();
  return c.withInts([...xa, ...xb], (p, n) => wrap(m()._wmx_tensordot(ha, hb, p, n / 2)));
});

/** numpy/MLX einsum: `einsum("ij,jk->ik", a, b)`; implicit output and diagonals (`"ii->i"`) too. */
export const einsum = streamed("einsum", function einsum(subscripts: string, ...operands: MxArray[]): MxArray {
  const op = "einsum";
  if (typeof subscripts !== "string") throw new Error(`[${op}] subscripts must be a string, got ${describe(subscripts)}.`);
  const hs = operands.map((x, i) => arrayArg(x, `operand ${i}`, op).handle);
  const c = core();
  return c.withString(subscripts, (sp) => c.withInts(hs, (p, n) => wrap(m()._wmx_einsum(sp, p, n))));
});

// ---- convolutions ----

export interface ConvOptions extends StreamOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
}

function pair(v: unknown, name: string, op: string, def: number, nd: number): number[] {
  if (v === undefined) return [def, def];
  if (typeof v === "number") {
    const x = intArg(v, name, op);
    return [x, x];
  }
  if (Array.isArray(v) && v.length === nd) {
    const xs = v.map((x) => intArg(x, name, op));
    return nd === 1 ? [1, xs[0]!] : xs;
  }
  throw new Error(`[${op}] ${name} must be an integer or ${nd === 1 ? "a one-element" : "a pair of integers"} array, got ${describe(v)}.`);
}

function conv(op: keyof typeof OpCodes.conv, nd: number, x: MxArray, w: MxArray, options: ConvOptions | undefined): MxArray {
  const o = optionsArg<ConvOptions>(options, op, ["stride", "padding", "dilation", "groups"]);
  const s = pair(o.stride, "stride", op, 1, nd);
  const p = pair(o.padding, "padding", op, 0, nd);
  const d = pair(o.dilation, "dilation", op, 1, nd);
  const g = o.groups === undefined ? 1 : intArg(o.groups, "groups", op);
  const hx = arrayArg(x, "input", op).handle, hw = arrayArg(w, "weight", op).handle;
  return core().withInts([...s, ...p, ...d, g], (ptr) => wrap(m()._wmx_conv(OpCodes.conv[op], hx, hw, ptr)));
}

/** 1-D convolution: input (N, L, C_in), weight (C_out, K, C_in / groups). */
export const conv1d = streamed("conv1d", (x: MxArray, w: MxArray, options?: ConvOptions) => conv("conv1d", 1, x, w, options), true);
/** 2-D convolution: input (N, H, W, C_in), weight (C_out, KH, KW, C_in / groups). */
export const conv2d = streamed("conv2d", (x: MxArray, w: MxArray, options?: ConvOptions) => conv("conv2d", 2, x, w, options), true);
/** 1-D transposed convolution: input (N, L, C_in), weight (C_out, K, C_in / groups). */
export const convTranspose1d = streamed("convTranspose1d", (x: MxArray, w: MxArray, options?: ConvOptions) =>
  conv("conv_transpose1d", 1, x, w, options), true);
/** 2-D transposed convolution: input (N, H, W, C_in), weight (C_out, KH, KW, C_in / groups). */
export const convTranspose2d = streamed("convTranspose2d", (x: MxArray, w: MxArray, options?: ConvOptions) =>
  conv("conv_transpose2d", 2, x, w, options), true);

// mx.fast (wasm/api_linalg.cpp): rmsNorm, layerNorm, rope and
// scaledDotProductAttention, with MLX's semantics.

import { core } from "./runtime.js";
import { MxArray } from "./array.js";
import { describe } from "./describe.js";
import { arrayArg, boolArg, isInt32, numArg, optionsArg } from "./args.js";
import { wrap } from "./operands.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;

const optHandle = (a: MxArray | null | undefined, name: string, op: string) =>
  a === null || a === undefined ? -1 : arrayArg(a, name, op).handle;

/** `x * rsqrt(mean(x², -1) + eps) * weight` (weight may be null). */
export const rmsNorm = streamed("rmsNorm", function rmsNorm(x: MxArray, weight: MxArray | null, eps = 1e-5): MxArray {
  const op = "rms_norm";
  return wrap(m()._wmx_rms_norm(arrayArg(x, "x", op).handle, optHandle(weight, "weight", op), numArg(eps, "eps", op)));
});

/** `(x - mean) * rsqrt(var + eps) * weight + bias` over the last axis (weight and bias may be null). */
export const layerNorm = streamed("layerNorm", function layerNorm(x: MxArray, weight: MxArray | null, bias: MxArray | null, eps = 1e-5): MxArray {
  const op = "layer_norm";
  return wrap(m()._wmx_layer_norm(arrayArg(x, "x", op).handle, optHandle(weight, "weight", op),
    optHandle(bias, "bias", op), numArg(eps, "eps", op)));
});

export interface RopeOptions extends StreamOptions {
  traditional?: boolean;
  base?: number;
  scale?: number;
  offset?: number;
}

/**
 * Rotary positional encoding of the first `dims` features, positions along
 * axis -2: angle `(offset + t) * scale * base^(-2i / dims)`; `traditional`
 * rotates consecutive pairs instead of the two halves.
 */
export const rope = streamed("rope", function rope(x: MxArray, dims: number, options: RopeOptions = {}): MxArray {
  const op = "rope";
  const o = optionsArg<RopeOptions>(options, op, ["traditional", "base", "scale", "offset"]);
  if (!isInt32(dims)) throw new Error(`[${op}] dims must be an integer, got ${describe(dims)}.`);
  const offset = o.offset ?? 0;
  if (!isInt32(offset)) throw new Error(`[${op}] offset must be an integer, got ${describe(offset)}.`);
  const traditional = boolArg(o.traditional, "traditional", op);
  return wrap(m()._wmx_rope(arrayArg(x, "x", op).handle, dims, traditional ? 1 : 0,
    numArg(o.base ?? 10000, "base", op), numArg(o.scale ?? 1, "scale", op), offset));
}, true);

export interface AttentionOptions extends StreamOptions {
  /** Multiplies q k^T (default 1 / sqrt(D)). */
  scale?: number;
  /** A boolean mask (true = attend), an additive mask, or "causal". */
  mask?: MxArray | "causal" | null;
}

/** `softmax(scale * q kᵀ + mask) v` over (B, N, T, D) arrays; k and v may have fewer heads (GQA). */
export const scaledDotProductAttention = streamed("scaledDotProductAttention", function scaledDotProductAttention(q: MxArray, k: MxArray, v: MxArray, options: AttentionOptions = {}): MxArray {
  const op = "scaled_dot_product_attention";
  const o = optionsArg<AttentionOptions>(options, op, ["scale", "mask"]);
  const hq = arrayArg(q, "queries", op).handle;
  // No scale: NaN asks the core for 1/sqrt(D), which a shapeless compile
  // takes from the shape at run time (reading q.shape here would pin the trace).
  const scale = o.scale === undefined ? NaN : numArg(o.scale, "scale", op);
  let mask = -1, causal = 0;
  if (o.mask === "causal") causal = 1;
  else if (typeof o.mask === "string") throw new Error(`[${op}] Unknown mask "${o.mask}"; expected an mx.Array or "causal".`);
  else mask = optHandle(o.mask, "mask", op);
  return wrap(m()._wmx_sdpa(hq, arrayArg(k, "keys", op).handle, arrayArg(v, "values", op).handle, scale, mask, causal));
}, true);

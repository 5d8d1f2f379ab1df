// MultiHeadAttention (MLX's nn/layers/transformer.py).

import { MxArray } from "../../array.js";
import { arange } from "../../creation.js";
import { where } from "../../elementwise.js";
import { float32, type Dtype } from "../../dtype.js";
import { unflatten } from "../../shape_ops.js";
import { scaledDotProductAttention } from "../../fast.js";
import { tidy } from "../../transforms.js";
import { Module } from "../module.js";
import { Linear } from "./linear.js";
import { arrayInput, nnOptions, positiveInt } from "../options.js";

export interface MultiHeadAttentionOptions {
  queryInputDims?: number | null;
  keyInputDims?: number | null;
  valueInputDims?: number | null;
  valueDims?: number | null;
  valueOutputDims?: number | null;
  bias?: boolean;
}

/**
 * Attention with `numHeads` heads over (B, L, D) queries, keys and values:
 * query_proj, key_proj, value_proj and out_proj are Linear layers (no bias by default).
 */
export class MultiHeadAttention extends Module {
  declare num_heads: number;
  declare query_proj: Linear;
  declare key_proj: Linear;
  declare value_proj: Linear;
  declare out_proj: Linear;

  constructor(dims: number, numHeads: number, options?: MultiHeadAttentionOptions) {
    super();
    const tag = "nn.MultiHeadAttention";
    const o = nnOptions(options, tag, ["queryInputDims", "keyInputDims", "valueInputDims", "valueDims", "valueOutputDims", "bias"]);
    positiveInt(dims, "dims", tag);
    positiveInt(numHeads, "numHeads", tag);
    if (dims % numHeads !== 0)
      throw new Error(`[${tag}] The input feature dimensions should be divisible by the number of heads (${dims} % ${numHeads}) != 0.`);
    const queryIn = o.queryInputDims || dims;
    const keyIn = o.keyInputDims || dims;
    const valueIn = o.valueInputDims || keyIn;
    const valueDims = o.valueDims || dims;
    const valueOut = o.valueOutputDims || dims;
    const bias = o.bias ?? false;
    this.num_heads = numHeads;
    this.query_proj = new Linear(queryIn, dims, { bias });
    this.key_proj = new Linear(keyIn, dims, { bias });
    this.value_proj = new Linear(valueIn, valueDims, { bias });
    this.out_proj = new Linear(valueDims, valueOut, { bias });
  }

  /** `mask`: additive or boolean, broadcastable to (B, heads, Lq, Lk), or "causal". */
  override forward(queries: MxArray, keys: MxArray, values: MxArray, options?: { mask?: MxArray | "causal" | null }): MxArray {
    const tag = "nn.MultiHeadAttention";
    const o = nnOptions(options, tag, ["mask"]);
    arrayInput(queries, "queries", tag);
    arrayInput(keys, "keys", tag);
    arrayInput(values, "values", tag);
    if (queries.ndim !== 3 || keys.ndim !== 3 || values.ndim !== 3)
      throw new Error(`[${tag}] Expected (batch, length, dims) queries, keys and values, got shapes (${queries.shape.join(",")}), (${keys.shape.join(",")}), (${values.shape.join(",")}).`);
    const h = this.num_heads;
    return tidy(() => {
      const heads = (x: MxArray) => unflatten(x, -1, [h, -1]).transpose(0, 2, 1, 3);
      const q = heads(this.query_proj.forward(queries));
      const k = heads(this.key_proj.forward(keys));
      const v = heads(this.value_proj.forward(values));
      const scale = Math.sqrt(1 / q.shape[q.ndim - 1]!);
      const out = scaledDotProductAttention(q, k, v, { scale, mask: o.mask ?? null });
      return this.out_proj.forward(out.transpose(0, 2, 1, 3).flatten(-2, -1));
    });
  }

  /** An (N, N) additive mask: 0 on and below the diagonal, the dtype's lowest value above it. */
  static createAdditiveCausalMask(n: number, dtype: Dtype = float32): MxArray {
    positiveInt(n, "n", "nn.MultiHeadAttention.createAdditiveCausalMask");
    return tidy(() => {
      const idx = arange(n);
      const above = idx.reshape(n, 1).less(idx.reshape(1, n));
      return where(above, lowest(dtype), 0).astype(dtype);
    });
  }
}

/** The most negative finite value of a float dtype (MLX's finfo(dtype).min). */
function lowest(dtype: Dtype): number {
  switch (dtype.name) {
    case "float16": return -65504;
    case "bfloat16": return -3.3895313892515355e38;
    case "float64": return -Number.MAX_VALUE;
    default: return -3.4028234663852886e38;
  }
}

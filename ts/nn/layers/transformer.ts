// TransformerEncoder(Layer), TransformerDecoder(Layer) and Transformer
// (MLX's nn/layers/transformer.py), parameter names included (attention,
// self_attention, cross_attention, ln1..ln3, linear1, linear2, layers.N, ln).

import { MxArray } from "../../array.js";
import { dispose, tidy } from "../../transforms.js";
import { describe } from "../../describe.js";
import { Module } from "../module.js";
import { checkpoint } from "../checkpoint.js";
import { relu } from "../activations.js";
import { Dropout } from "./dropout.js";
import { LayerNorm } from "./normalization.js";
import { Linear } from "./linear.js";
import { MultiHeadAttention } from "./attention.js";
import { boolOpt, nnOptions, nonNegativeInt, positiveInt, setting } from "../options.js";

/** A mask as MultiHeadAttention takes it (null for none). */
export type AttentionMask = MxArray | "causal" | null | undefined;
export type Activation = ((x: MxArray) => MxArray) | Module;

export interface TransformerLayerOptions {
  /** Hidden size of the MLP (default 4 * dims). */
  mlpDims?: number | null;
  dropout?: number;
  activation?: Activation;
  /** Pre-norm (default) or post-norm. */
  normFirst?: boolean;
}

export interface TransformerStackOptions extends TransformerLayerOptions {
  checkpoint?: boolean;
}

const layerKeys: (keyof TransformerLayerOptions)[] = ["mlpDims", "dropout", "activation", "normFirst"];

/**
 * The shared part of TransformerEncoder/Decoder's constructors: checks the
 * options, sets `checkpoint` on `stack`, and makes `numLayers` layers with
 * the per-layer options.
 */
function buildStack<L>(stack: Module, tag: string, numLayers: number, options: TransformerStackOptions | undefined,
                       makeLayer: (layerOpts: Partial<TransformerLayerOptions>) => L): L[] {
  const o = nnOptions(options, tag, [...layerKeys, "checkpoint"]);
  nonNegativeInt(numLayers, "numLayers", tag);
  const { checkpoint: ck, ...layerOpts } = o;
  setting(stack, "checkpoint", boolOpt(ck, "checkpoint", tag, false));
  return Array.from({ length: numLayers }, () => makeLayer(layerOpts));
}

function layerSettings(dims: number, o: Partial<TransformerLayerOptions>, tag: string) {
  const act = o.activation ?? relu;
  if (typeof act !== "function" && !(act instanceof Module))
    throw new Error(`[${tag}] activation must be a function or an nn.Module, got ${describe(act)}.`);
  return {
    // (dims checked here: its default mlpDims is computed before the sub-layers check it)
    mlpDims: o.mlpDims ? positiveInt(o.mlpDims, "mlpDims", tag) : positiveInt(dims, "dims", tag) * 4,
    dropout: o.dropout ?? 0,
    activation: act,
    normFirst: boolOpt(o.normFirst, "normFirst", tag, true),
  };
}

const activate = (f: Activation, x: MxArray) => (f instanceof Module ? f.forward(x) : f(x));


export class TransformerEncoderLayer extends Module {
  declare attention: MultiHeadAttention;
  declare ln1: LayerNorm;
  declare ln2: LayerNorm;
  declare linear1: Linear;
  declare linear2: Linear;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare activation: Activation;
  declare norm_first: boolean;

  constructor(dims: number, numHeads: number, options?: TransformerLayerOptions) {
    super();
    const tag = "nn.TransformerEncoderLayer";
    const s = layerSettings(dims, nnOptions(options, tag, layerKeys), tag);
    this.attention = new MultiHeadAttention(dims, numHeads);
    this.ln1 = new LayerNorm(dims);
    this.ln2 = new LayerNorm(dims);
    this.linear1 = new Linear(dims, s.mlpDims);
    this.linear2 = new Linear(s.mlpDims, dims);
    this.dropout1 = new Dropout({ p: s.dropout });
    this.dropout2 = new Dropout({ p: s.dropout });
    this.activation = s.activation;
    this.norm_first = s.normFirst;
  }

  override forward(x: MxArray, mask: AttentionMask): MxArray {
    return tidy(() => {
      const attend = (y: MxArray) => this.attention.forward(y, y, y, { mask: mask ?? null });
      const mlp = (y: MxArray) => this.linear2.forward(this.dropout2.forward(activate(this.activation, this.linear1.forward(y))));
      if (this.norm_first) {
        const h = x.add(this.dropout1.forward(attend(this.ln1.forward(x))));
        return h.add(mlp(this.ln2.forward(h)));
      }
      const h = this.ln1.forward(x.add(this.dropout1.forward(attend(x))));
      return this.ln2.forward(h.add(mlp(h)));
    });
  }
}

export class TransformerEncoder extends Module {
  declare layers: TransformerEncoderLayer[];
  declare ln: LayerNorm;
  /** Recompute each layer in the backward pass (nn.checkpoint) instead of keeping its intermediates. */
  declare checkpoint: boolean;

  constructor(numLayers: number, dims: number, numHeads: number, options?: TransformerStackOptions) {
    super();
    this.layers = buildStack(this, "nn.TransformerEncoder", numLayers, options, (layerOpts) => new TransformerEncoderLayer(dims, numHeads, layerOpts));
    this.ln = new LayerNorm(dims);
  }

  override forward(x: MxArray, mask: AttentionMask): MxArray {
    return tidy(() => {
      for (const l of this.layers) x = this.checkpoint ? checkpoint(l, (y: MxArray, m: AttentionMask) => l.forward(y, m))(x, mask ?? null) : l.forward(x, mask);
      return this.ln.forward(x);
    });
  }
}

export class TransformerDecoderLayer extends Module {
  declare self_attention: MultiHeadAttention;
  declare cross_attention: MultiHeadAttention;
  declare ln1: LayerNorm;
  declare ln2: LayerNorm;
  declare ln3: LayerNorm;
  declare linear1: Linear;
  declare linear2: Linear;
  declare dropout1: Dropout;
  declare dropout2: Dropout;
  declare dropout3: Dropout;
  declare activation: Activation;
  declare norm_first: boolean;

  constructor(dims: number, numHeads: number, options?: TransformerLayerOptions) {
    super();
    const tag = "nn.TransformerDecoderLayer";
    const s = layerSettings(dims, nnOptions(options, tag, layerKeys), tag);
    this.self_attention = new MultiHeadAttention(dims, numHeads);
    this.cross_attention = new MultiHeadAttention(dims, numHeads);
    this.ln1 = new LayerNorm(dims);
    this.ln2 = new LayerNorm(dims);
    this.ln3 = new LayerNorm(dims);
    this.linear1 = new Linear(dims, s.mlpDims);
    this.linear2 = new Linear(s.mlpDims, dims);
    this.dropout1 = new Dropout({ p: s.dropout });
    this.dropout2 = new Dropout({ p: s.dropout });
    this.dropout3 = new Dropout({ p: s.dropout });
    this.activation = s.activation;
    this.norm_first = s.normFirst;
  }

  override forward(x: MxArray, memory: MxArray, xMask: AttentionMask, memoryMask: AttentionMask): MxArray {
    return tidy(() => {
      const selfAttend = (y: MxArray) => this.self_attention.forward(y, y, y, { mask: xMask ?? null });
      const crossAttend = (y: MxArray) => this.cross_attention.forward(y, memory, memory, { mask: memoryMask ?? null });
      const mlp = (y: MxArray) => this.linear2.forward(this.dropout3.forward(activate(this.activation, this.linear1.forward(y))));
      if (this.norm_first) {
        let h = x.add(this.dropout1.forward(selfAttend(this.ln1.forward(x))));
        h = h.add(this.dropout2.forward(crossAttend(this.ln2.forward(h))));
        return h.add(mlp(this.ln3.forward(h)));
      }
      let h = this.ln1.forward(x.add(this.dropout1.forward(selfAttend(x))));
      h = this.ln2.forward(h.add(this.dropout2.forward(crossAttend(h))));
      return this.ln3.forward(h.add(mlp(h)));
    });
  }
}

export class TransformerDecoder extends Module {
  declare layers: TransformerDecoderLayer[];
  declare ln: LayerNorm;
  declare checkpoint: boolean;

  constructor(numLayers: number, dims: number, numHeads: number, options?: TransformerStackOptions) {
    super();
    this.layers = buildStack(this, "nn.TransformerDecoder", numLayers, options, (layerOpts) => new TransformerDecoderLayer(dims, numHeads, layerOpts));
    this.ln = new LayerNorm(dims);
  }

  override forward(x: MxArray, memory: MxArray, xMask: AttentionMask, memoryMask: AttentionMask): MxArray {
    return tidy(() => {
      for (const l of this.layers)
        x = this.checkpoint
          ? checkpoint(l, (y: MxArray, mem: MxArray, a: AttentionMask, b: AttentionMask) => l.forward(y, mem, a, b))(x, memory, xMask ?? null, memoryMask ?? null)
          : l.forward(x, memory, xMask, memoryMask);
      return this.ln.forward(x);
    });
  }
}

export interface TransformerOptions extends TransformerStackOptions {
  dims?: number;
  numHeads?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  customEncoder?: Module | null;
  customDecoder?: Module | null;
}

/** Encoder-decoder transformer; MLX's defaults (dims 512, 8 heads, 6 + 6 layers). */
export class Transformer extends Module {
  declare encoder: Module;
  declare decoder: Module;

  constructor(options?: TransformerOptions) {
    super();
    const tag = "nn.Transformer";
    const o = nnOptions(options, tag, ["dims", "numHeads", "numEncoderLayers", "numDecoderLayers", "customEncoder", "customDecoder", ...layerKeys, "checkpoint"]);
    const { dims = 512, numHeads = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...rest } = o;
    this.encoder = customEncoder ?? new TransformerEncoder(numEncoderLayers, dims, numHeads, rest);
    try {
      this.decoder = customDecoder ?? new TransformerDecoder(numDecoderLayers, dims, numHeads, rest);
    } catch (e) {
      if (!customEncoder) dispose(this.encoder); // ours: a failed constructor leaves nothing behind
      throw e;
    }
  }

  override forward(src: MxArray, tgt: MxArray, srcMask: AttentionMask, tgtMask: AttentionMask, memoryMask: AttentionMask): MxArray {
    return tidy(() => {
      const memory = this.encoder.forward(src, srcMask);
      return this.decoder.forward(tgt, memory, tgtMask, memoryMask);
    });
  }
}

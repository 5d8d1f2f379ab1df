// Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d (MLX's
// nn/layers/convolution*.py): channels last, weight (out, *kernel, in).

import { MxArray } from "../../array.js";
import { zeros } from "../../creation.js";
import { pad, slice, type Slice } from "../../shape_ops.js";
import { conv1d, conv2d, convTranspose1d, convTranspose2d } from "../../linalg.js";
import * as random from "../../random.js";
import { tidy } from "../../transforms.js";
import { Module } from "../module.js";
import { arrayInput, boolOpt, nnOptions, nonNegativeInt, positiveInt, setting, tupleArg } from "../options.js";

export interface ConvOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
}

export interface ConvTransposeOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  outputPadding?: number | number[];
  bias?: boolean;
}

/** Shared by the four layers: `nd` spatial axes, transposed or not. */
abstract class ConvNd extends Module {
  declare weight: MxArray;
  declare bias?: MxArray;
  declare stride: number[];
  declare padding: number[];
  declare dilation: number[];
  declare groups: number;
  /** Transposed layers: extra output positions at the high end of each spatial axis. */
  declare output_padding: number[];

  declare _tag: string;

  constructor(tag: string, nd: number, transposed: boolean, inChannels: number, outChannels: number,
    kernelSize: number | number[], options: ConvOptions & ConvTransposeOptions | undefined) {
    super();
    setting(this, "_tag", tag);
    const o = nnOptions(options, tag, transposed
      ? ["stride", "padding", "dilation", "outputPadding", "bias"]
      : ["stride", "padding", "dilation", "groups", "bias"]);
    positiveInt(inChannels, "inChannels", tag);
    positiveInt(outChannels, "outChannels", tag);
    const k = tupleArg(kernelSize, nd, "kernelSize", tag, positiveInt);
    setting(this, "stride", tupleArg(o.stride ?? 1, nd, "stride", tag, positiveInt));
    setting(this, "padding", tupleArg(o.padding ?? 0, nd, "padding", tag, nonNegativeInt));
    setting(this, "dilation", tupleArg(o.dilation ?? 1, nd, "dilation", tag, positiveInt));
    const groups = positiveInt(o.groups ?? 1, "groups", tag);
    setting(this, "groups", groups);
    setting(this, "output_padding", tupleArg(o.outputPadding ?? 0, nd, "outputPadding", tag, nonNegativeInt));
    if (inChannels % groups !== 0)
      throw new Error(`[${tag}] The number of input channels (${inChannels}) must be divisible by the number of groups (${groups}).`);
    const scale = Math.sqrt(1 / (inChannels * k.reduce((p, d) => p * d, 1)));
    this.weight = random.uniform(-scale, scale, [outChannels, ...k, inChannels / groups]);
    if (boolOpt(o.bias, "bias", tag, true)) this.bias = zeros([outChannels]);
  }

  protected abstract run(x: MxArray): MxArray;

  /**
   * The transposed convolution with output padding: the unpadded result
   * cropped to [padding, padding + size), size being the usual output size
   * plus outputPadding; positions past the unpadded result are zeros (no
   * input reaches them), as MLX's conv_transpose gives.
   */
  protected transposed(x: MxArray, op: (x: MxArray, w: MxArray, o: object) => MxArray): MxArray {
    const opts = this.convOptions();
    if (this.output_padding.every((p) => p === 0)) return op(x, this.weight, opts);
    let y = op(x, this.weight, { ...opts, padding: this.padding.length === 1 ? 0 : this.padding.map(() => 0) });
    const index: Slice[] = [slice()];
    const pads: [number, number][] = [[0, 0]];
    this.padding.forEach((p, i) => {
      const full = y.shape[i + 1]!;
      const size = full - 2 * p + this.output_padding[i]!;
      pads.push([0, Math.max(0, p + size - full)]);
      index.push(slice(p, p + size));
    });
    pads.push([0, 0]);
    if (pads.some(([, hi]) => hi > 0)) y = pad(y, pads);
    return y.index(...index);
  }

  protected convOptions() {
    const one = (v: number[]) => (v.length === 1 ? v[0]! : v);
    return { stride: one(this.stride), padding: one(this.padding), dilation: one(this.dilation), groups: this.groups };
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", this._tag);
    return tidy(() => {
      const y = this.run(x);
      return this.bias !== undefined ? y.add(this.bias) : y;
    });
  }
}

/** 1-D convolution of (N, L, C_in) inputs; weight (out, kernelSize, in / groups), bias zeros. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: ConvOptions) {
    super("nn.Conv1d", 1, false, inChannels, outChannels, kernelSize, options);
  }
  protected run(x: MxArray) {
    return conv1d(x, this.weight, this.convOptions());
  }
}

/** 2-D convolution of (N, H, W, C_in) inputs; weight (out, kh, kw, in / groups). */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvOptions) {
    super("nn.Conv2d", 2, false, inChannels, outChannels, kernelSize, options);
  }
  protected run(x: MxArray) {
    return conv2d(x, this.weight, this.convOptions());
  }
}

/** Transposed 1-D convolution; weight (out, kernelSize, in). */
export class ConvTranspose1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options?: ConvTransposeOptions) {
    super("nn.ConvTranspose1d", 1, true, inChannels, outChannels, kernelSize, options);
  }
  protected run(x: MxArray) {
    return this.transposed(x, convTranspose1d);
  }
}

/** Transposed 2-D convolution; weight (out, kh, kw, in). */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], options?: ConvTransposeOptions) {
    super("nn.ConvTranspose2d", 2, true, inChannels, outChannels, kernelSize, options);
  }
  protected run(x: MxArray) {
    return this.transposed(x, convTranspose2d);
  }
}

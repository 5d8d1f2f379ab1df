// LayerNorm, RMSNorm, GroupNorm, BatchNorm, InstanceNorm (MLX's
// nn/layers/normalization.py). Features are the last axis.

import { describe } from "../../describe.js";
import { MxArray } from "../../array.js";
import { ones, zeros } from "../../creation.js";
import { rsqrt } from "../../elementwise.js";
import { var as variance } from "../../reduce_ops.js";
import { layerNorm, rmsNorm } from "../../fast.js";
import { tidy } from "../../transforms.js";
import { Module, type FreezeOptions } from "../module.js";
import { arrayInput, boolOpt, nnOptions, numberArg, positiveInt } from "../options.js";

function epsArg(eps: unknown, tag: string): number {
  const e = numberArg(eps ?? 1e-5, "eps", tag);
  if (e <= 0) throw new Error(`[${tag}] 'eps' must be positive but got ${e}.`);
  return e;
}

/** Normalizes over the last axis; `affine` adds weight (and, with `bias`, bias). */
export class LayerNorm extends Module {
  declare weight?: MxArray;
  declare bias?: MxArray;
  declare eps: number;
  declare dims: number;

  constructor(dims: number, options?: { eps?: number; affine?: boolean; bias?: boolean }) {
    super();
    const tag = "nn.LayerNorm";
    const o = nnOptions(options, tag, ["eps", "affine", "bias"]);
    positiveInt(dims, "dims", tag);
    this.eps = epsArg(o.eps, tag);
    this.dims = dims;
    if (boolOpt(o.affine, "affine", tag, true)) {
      this.weight = ones([dims]);
      if (boolOpt(o.bias, "bias", tag, true)) this.bias = zeros([dims]);
    }
  }

  protected override extraRepr(): string {
    return `${this.dims}, eps=${this.eps}, affine=${this.weight !== undefined}`;
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", "nn.LayerNorm");
    return layerNorm(x, this.weight ?? null, this.bias ?? null, this.eps);
  }
}

/** x / rms(x) * weight over the last axis. */
export class RMSNorm extends Module {
  declare weight: MxArray;
  declare eps: number;

  constructor(dims: number, options?: { eps?: number }) {
    super();
    const tag = "nn.RMSNorm";
    const o = nnOptions(options, tag, ["eps"]);
    positiveInt(dims, "dims", tag);
    this.eps = epsArg(o.eps, tag);
    this.weight = ones([dims]);
  }

  protected override extraRepr(): string {
    return `${this.weight.shape[0]}, eps=${this.eps}`;
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", "nn.RMSNorm");
    return rmsNorm(x, this.weight, this.eps);
  }
}

/**
 * Normalizes groups of features (the last axis split into numGroups) over
 * the batch element's other axes. MLX's default groups features strided
 * (feature f in group f % numGroups); `pytorchCompatible` groups them
 * contiguously as PyTorch does.
 */
export class GroupNorm extends Module {
  declare weight?: MxArray;
  declare bias?: MxArray;
  declare num_groups: number;
  declare dims: number;
  declare eps: number;
  declare pytorch_compatible: boolean;

  constructor(numGroups: number, dims: number, options?: { eps?: number; affine?: boolean; pytorchCompatible?: boolean }) {
    super();
    const tag = "nn.GroupNorm";
    const o = nnOptions(options, tag, ["eps", "affine", "pytorchCompatible"]);
    this.eps = epsArg(o.eps, tag);
    if (!Number.isInteger(numGroups) || numGroups <= 0)
      throw new Error(`[${tag}] The number of groups must be a positive integer, got ${describe(numGroups)}.`);
    if (!Number.isInteger(dims) || dims <= 0) throw new Error(`[${tag}] The number of features must be a positive integer, got ${describe(dims)}.`);
    if (dims % numGroups !== 0)
      throw new Error(`[${tag}] The number of features (${dims}) must be evenly divisible by the number of groups (${numGroups}).`);
    if (boolOpt(o.affine, "affine", tag, true)) {
      this.bias = zeros([dims]);
      this.weight = ones([dims]);
    }
    this.num_groups = numGroups;
    this.dims = dims;
    this.pytorch_compatible = boolOpt(o.pytorchCompatible, "pytorchCompatible", tag, false);
  }

  override forward(x: MxArray): MxArray {
    const tag = "nn.GroupNorm";
    arrayInput(x, "x", tag);
    if (x.ndim < 2 || x.shape[x.ndim - 1] !== this.dims)
      throw new Error(`[${tag}] Expected an input (N, ..., ${this.dims}), got shape (${x.shape.join(",")}).`);
    const g = this.num_groups;
    const shape = x.shape, batch = shape[0]!, dims = this.dims;
    return tidy(() => {
      let y: MxArray;
      if (this.pytorch_compatible) {
        const size = dims / g;
        y = x.reshape(batch, -1, g, size).transpose(0, 2, 1, 3).reshape(batch, g, -1);
        y = layerNorm(y, null, null, this.eps);
        y = y.reshape(batch, g, -1, size).transpose(0, 2, 1, 3).reshape(...shape);
      } else {
        const z = x.reshape(batch, -1, g);
        const mean = z.mean(1, true), v = variance(z, 1, true);
        y = z.sub(mean).mul(rsqrt(v.add(this.eps))).reshape(...shape);
      }
      return this.weight !== undefined ? y.mul(this.weight).add(this.bias!) : y;
    });
  }
}

/**
 * Batch normalization over every axis but the last (inputs of 2 to 4
 * dimensions). In training it normalizes with the batch's statistics and
 * updates running_mean / running_var (frozen: not trained); in eval mode it
 * uses those.
 */
export class BatchNorm extends Module {
  declare weight?: MxArray;
  declare bias?: MxArray;
  declare running_mean?: MxArray;
  declare running_var?: MxArray;
  declare num_features: number;
  declare eps: number;
  declare momentum: number;
  declare track_running_stats: boolean;

  constructor(numFeatures: number, options?: { eps?: number; momentum?: number; affine?: boolean; trackRunningStats?: boolean }) {
    super();
    const tag = "nn.BatchNorm";
    const o = nnOptions(options, tag, ["eps", "momentum", "affine", "trackRunningStats"]);
    positiveInt(numFeatures, "numFeatures", tag);
    this.num_features = numFeatures;
    this.eps = epsArg(o.eps, tag);
    this.momentum = numberArg(o.momentum ?? 0.1, "momentum", tag);
    this.track_running_stats = boolOpt(o.trackRunningStats, "trackRunningStats", tag, true);
    if (boolOpt(o.affine, "affine", tag, true)) {
      this.weight = ones([numFeatures]);
      this.bias = zeros([numFeatures]);
    }
    if (this.track_running_stats) {
      this.running_mean = zeros([numFeatures]);
      this.running_var = ones([numFeatures]);
      this.freeze({ keys: ["running_mean", "running_var"], recurse: false });
    }
  }

  /** The running statistics stay frozen. */
  override unfreeze(options?: FreezeOptions): this {
    super.unfreeze(options);
    if (this.track_running_stats) this.freeze({ keys: ["running_mean", "running_var"], recurse: false });
    return this;
  }

  protected override extraRepr(): string {
    return `${this.num_features}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.weight !== undefined}, track_running_stats=${this.track_running_stats}`;
  }

  override forward(x: MxArray): MxArray {
    const tag = "nn.BatchNorm";
    arrayInput(x, "x", tag);
    if (x.ndim < 2 || x.ndim > 4) throw new Error(`[${tag}] Expected input tensor to have 2, 3 or 4 dimensions, but got ${x.ndim}.`);
    if (x.shape[x.ndim - 1] !== this.num_features)
      throw new Error(`[${tag}] Expected ${this.num_features} features in the last axis, got shape (${x.shape.join(",")}).`);
    if (this.training && x.shape.slice(0, -1).reduce((p, d) => p * d, 1) === 1)
      throw new Error(`[${tag}] BatchNorm training requires more than one value per channel.`);
    const axes = [...x.shape.keys()].slice(0, -1);
    return tidy(() => {
      let mean = x.mean(axes), v = variance(x, axes);
      if (this.training && this.track_running_stats) {
        const mu = this.momentum;
        const unbiased = variance(x, axes, false, 1);
        // New state: assigned to the module, so it is kept past this tidy.
        this.running_mean = this.running_mean!.mul(1 - mu).add(mean.mul(mu));
        this.running_var = this.running_var!.mul(1 - mu).add(unbiased.mul(mu));
      } else if (this.track_running_stats) {
        mean = this.running_mean!;
        v = this.running_var!;
      }
      const y = x.sub(mean).mul(rsqrt(v.add(this.eps)));
      return this.weight !== undefined ? y.mul(this.weight).add(this.bias!) : y;
    });
  }
}

/** Normalizes each channel (last axis) of each batch element over its spatial axes; inputs (N, ..., C). */
export class InstanceNorm extends Module {
  declare weight?: MxArray;
  declare bias?: MxArray;
  declare dims: number;
  declare eps: number;

  constructor(dims: number, options?: { eps?: number; affine?: boolean }) {
    super();
    const tag = "nn.InstanceNorm";
    const o = nnOptions(options, tag, ["eps", "affine"]);
    positiveInt(dims, "dims", tag);
    this.eps = epsArg(o.eps, tag);
    if (boolOpt(o.affine, "affine", tag, false)) {
      this.weight = ones([dims]);
      this.bias = zeros([dims]);
    }
    this.dims = dims;
  }

  override forward(x: MxArray): MxArray {
    const tag = "nn.InstanceNorm";
    arrayInput(x, "x", tag);
    if (x.ndim < 3)
      throw new Error(`[${tag}] InstanceNorm expects inputs with at least 3 dimensions (N, ..., C) but the input has ${x.ndim} dimensions.`);
    const n = x.ndim, batch = x.shape[0]!, c = x.shape[n - 1]!, spatial = x.shape.slice(1, -1);
    const inner = [...Array(n - 2).keys()].map((i) => i + 1);
    return tidy(() => {
      const first = x.transpose(0, n - 1, ...inner).reshape(batch, c, -1);
      const y = layerNorm(first, null, null, this.eps)
        .reshape(batch, c, ...spatial)
        .transpose(0, ...inner.map((i) => i + 1), 1);
      return this.weight !== undefined ? y.mul(this.weight).add(this.bias!) : y;
    });
  }
}

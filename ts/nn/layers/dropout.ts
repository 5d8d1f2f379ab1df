// Dropout, Dropout2d, Dropout3d (MLX's nn/layers/dropout.py): active in
// training mode only.

import { MxArray } from "../../array.js";
import * as random from "../../random.js";
import { tidy } from "../../transforms.js";
import { Module } from "../module.js";
import { arrayInput, nnOptions, numberArg, setting } from "../options.js";

function keepProbability(p: unknown, tag: string): number {
  const v = numberArg(p ?? 0.5, "p", tag);
  if (v < 0 || v >= 1) throw new Error(`[${tag}] The dropout probability ${v} is not in [0, 1).`);
  return 1 - v;
}

/** Zeroes each element with probability p during training and scales the rest by 1/(1-p). */
export class Dropout extends Module {
  declare _p_1: number;

  constructor(options?: { p?: number }) {
    super();
    this._p_1 = keepProbability(nnOptions(options, "nn.Dropout", ["p"]).p, "nn.Dropout");
  }

  protected override extraRepr(): string {
    return `p=${1 - this._p_1}`;
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", "nn.Dropout");
    if (this._p_1 === 1 || !this.training) return x;
    return tidy(() => random.bernoulli(this._p_1, x.shape).mul(x).mul(1 / this._p_1));
  }
}

/** Shared by Dropout2d/3d: whole channels (last axis) dropped, the mask shared over `spatial` axes. */
class ChannelDropout extends Module {
  declare _p_1: number;
  declare _tag: string;
  declare _dims: [number, number];

  constructor(options: { p?: number } | undefined, tag: string, dims: [number, number]) {
    super();
    this._p_1 = keepProbability(nnOptions(options, tag, ["p"]).p, tag);
    setting(this, "_tag", tag);
    setting(this, "_dims", dims);
  }

  protected override extraRepr(): string {
    return `p=${1 - this._p_1}`;
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", this._tag);
    const [lo, hi] = this._dims;
    if (x.ndim !== lo && x.ndim !== hi)
      throw new Error(`[${this._tag}] Received input with ${x.ndim} dimensions. Expected ${lo} or ${hi} dimensions.`);
    if (this._p_1 === 1 || !this.training) return x;
    const shape = [...x.shape];
    for (let i = 2; i <= lo; ++i) shape[shape.length - i] = 1; // the spatial axes share one draw
    return tidy(() => random.bernoulli(this._p_1, shape).mul(x).mul(1 / this._p_1));
  }
}

/** Drops whole channels of (N, H, W, C) or (H, W, C) inputs. */
export class Dropout2d extends ChannelDropout {
  constructor(options?: { p?: number }) {
    super(options, "nn.Dropout2d", [3, 4]);
  }
}

/** Drops whole channels of (N, D, H, W, C) or (D, H, W, C) inputs. */
export class Dropout3d extends ChannelDropout {
  constructor(options?: { p?: number }) {
    super(options, "nn.Dropout3d", [4, 5]);
  }
}

// RoPE, SinusoidalPositionalEncoding and ALiBi (MLX's
// nn/layers/positional_encoding.py).

import { MxArray } from "../../array.js";
import { array, arange } from "../../creation.js";
import { abs, cos, exp, sin } from "../../elementwise.js";
import { concatenate } from "../../shape_ops.js";
import { rope } from "../../fast.js";
import { tidy } from "../../transforms.js";
import { float32, type Dtype } from "../../dtype.js";
import { Module } from "../module.js";
import { arrayInput, boolOpt, nnOptions, numberArg, positiveInt } from "../options.js";

/** Rotary positional encoding of the first `dims` features (mx.fast.rope); positions along axis -2. */
export class RoPE extends Module {
  declare dims: number;
  declare traditional: boolean;
  declare base: number;
  declare scale: number;

  constructor(dims: number, options?: { traditional?: boolean; base?: number; scale?: number }) {
    super();
    const tag = "nn.RoPE";
    const o = nnOptions(options, tag, ["traditional", "base", "scale"]);
    this.dims = positiveInt(dims, "dims", tag);
    this.traditional = boolOpt(o.traditional, "traditional", tag, false);
    this.base = numberArg(o.base ?? 10000, "base", tag);
    this.scale = numberArg(o.scale ?? 1, "scale", tag);
  }

  protected override extraRepr(): string {
    return `${this.dims}, traditional=${this.traditional}`;
  }

  override forward(x: MxArray, options?: { offset?: number }): MxArray {
    const o = nnOptions(options, "nn.RoPE", ["offset"]);
    arrayInput(x, "x", "nn.RoPE");
    return rope(x, this.dims, { traditional: this.traditional, base: this.base, scale: this.scale, offset: o.offset ?? 0 });
  }
}

/** sin/cos features of `x` at geometrically spaced frequencies between minFreq and maxFreq. */
export class SinusoidalPositionalEncoding extends Module {
  declare _sigmas: MxArray;
  declare scale: number;
  declare cos_first: boolean;

  constructor(dims: number, options?: { minFreq?: number; maxFreq?: number; scale?: number | null; cosFirst?: boolean; fullTurns?: boolean }) {
    super();
    const tag = "nn.SinusoidalPositionalEncoding";
    const o = nnOptions(options, tag, ["minFreq", "maxFreq", "scale", "cosFirst", "fullTurns"]);
    if (!Number.isInteger(dims) || dims <= 0 || dims % 2 !== 0)
      throw new Error(`[${tag}] dims must be positive and even but got ${dims}.`);
    const lo = Math.log(numberArg(o.minFreq ?? 0.0001, "minFreq", tag));
    const hi = Math.log(numberArg(o.maxFreq ?? 1, "maxFreq", tag));
    const half = dims / 2;
    this._sigmas = tidy(() => {
      const oneZero = half === 1 ? array([1]) : arange(0, half).div(half - 1).neg().add(1);
      const s = exp(oneZero.mul(hi - lo).add(lo));
      return boolOpt(o.fullTurns, "fullTurns", tag, false) ? s.mul(2 * Math.PI) : s;
    });
    this.scale = o.scale ?? Math.sqrt(2 / dims);
    this.cos_first = boolOpt(o.cosFirst, "cosFirst", tag, false);
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", "nn.SinusoidalPositionalEncoding");
    return tidy(() => {
      const y = x.reshape(...x.shape, 1).mul(this._sigmas);
      const parts = this.cos_first ? [cos(y), sin(y)] : [sin(y), cos(y)];
      const out = concatenate(parts, -1);
      return this.scale !== 1 ? out.mul(this.scale) : out;
    });
  }
}

/** Attention with linear biases: adds -slope_h * |i - j| to (B, heads, Lq, Lk) attention scores. */
export class ALiBi extends Module {
  static createAlibiSlope(numHeads: number, dtype: Dtype = float32): MxArray {
    const slopes = (n: number): number[] => {
      if (Number.isInteger(Math.log2(n))) {
        const start = 2 ** -(2 ** -(Math.log2(n) - 3));
        return Array.from({ length: n }, (_, i) => start * start ** i);
      }
      const p = 2 ** Math.floor(Math.log2(n));
      return [...slopes(p), ...slopes(2 * p).filter((_, i) => i % 2 === 0).slice(0, n - p)];
    };
    positiveInt(numHeads, "numHeads", "nn.ALiBi");
    return tidy(() => array(slopes(numHeads), dtype).reshape(numHeads, 1, 1));
  }

  static createAlibiMatrix(qSequenceLength: number, kSequenceLength: number, numHeads: number, offset: number, dtype: Dtype = float32): MxArray {
    return tidy(() => {
      const x1 = arange(offset, qSequenceLength), x2 = arange(0, kSequenceLength);
      const dist = abs(x1.reshape(-1, 1).sub(x2.reshape(1, -1))).neg().reshape(1, 1, qSequenceLength - offset, kSequenceLength);
      return dist.mul(ALiBi.createAlibiSlope(numHeads, dtype)).astype(dtype);
    });
  }

  override forward(attentionScores: MxArray, options?: { offset?: number; mask?: MxArray | null }): MxArray {
    const o = nnOptions(options, "nn.ALiBi", ["offset", "mask"]);
    const s = arrayInput(attentionScores, "attentionScores", "nn.ALiBi");
    if (s.ndim !== 4) throw new Error(`[nn.ALiBi] Expected (batch, heads, Lq, Lk) scores, got shape (${s.shape.join(",")}).`);
    const offset = o.offset ?? 0;
    return tidy(() => {
      let m = ALiBi.createAlibiMatrix(s.shape[2]! + offset, s.shape[3]!, s.shape[1]!, offset, s.dtype);
      if (o.mask) m = m.add(o.mask);
      return s.add(m);
    });
  }
}

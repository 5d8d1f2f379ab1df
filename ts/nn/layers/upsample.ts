// Upsample (MLX's nn/layers/upsample.py): nearest, linear and cubic
// interpolation of (N, ...spatial, C) inputs by a scale factor per spatial
// axis. Each axis is resampled in turn (the interpolation weights of the
// axes multiply, so that equals MLX's product over all axes at once); the
// sample positions and weights are worked out here in JS.

import { MxArray } from "../../array.js";
import { array } from "../../creation.js";
import { take } from "../../shape_ops.js";
import { tidy } from "../../transforms.js";
import { describe } from "../../describe.js";
import { int32 } from "../../dtype.js";
import { Module } from "../module.js";
import { arrayInput, boolOpt, nnOptions, setting } from "../options.js";

export type UpsampleMode = "nearest" | "linear" | "cubic";

/** Round half to even, as mx.round. */
function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Source positions of the M = floor(scale N) outputs along an axis of length N. */
function positions(n: number, scale: number, alignCorners: boolean): number[] {
  const m = Math.floor(scale * n);
  if (alignCorners) return Array.from({ length: m }, (_, i) => i * ((n - 1) / Math.max(m - 1, 1)));
  const step = 1 / scale;
  const start = ((m - 1) * step - n + 1) / 2;
  return Array.from({ length: m }, (_, i) => i * step - start);
}

function nearestIndices(n: number, scale: number): number[] {
  const m = Math.floor(scale * n);
  return Array.from({ length: m }, (_, i) => (m > n ? roundEven((i + 0.5) * (n / m) - 0.5) : Math.floor(i * (n / m))));
}

/** Taps (index list, weight list) whose weighted sum gives each output. */
type Taps = [number[], number[]][];

function linearTaps(n: number, scale: number, alignCorners: boolean): Taps {
  const p = positions(n, scale, alignCorners).map((v) => Math.min(Math.max(v, 0), n - 1));
  const lo = p.map(Math.floor), hi = p.map(Math.ceil);
  const w = p.map((v, i) => v - lo[i]!);
  return [[lo, w.map((x) => 1 - x)], [hi, w]];
}

function cubicTaps(n: number, scale: number, alignCorners: boolean): Taps {
  const p = positions(n, scale, alignCorners);
  const a = -0.75;
  const near = (x: number) => ((a + 2) * x - (a + 3)) * x * x + 1;
  const far = (x: number) => (((x - 5) * x + 8) * x - 4) * a;
  const clip = (i: number) => Math.min(Math.max(i, 0), n - 1);
  const l1 = p.map(Math.floor), r1 = p.map((v) => Math.floor(v + 1));
  const l2 = l1.map((v) => v - 1), r2 = r1.map((v) => v + 1);
  return [
    [l1.map(clip), p.map((v, i) => near(Math.abs(v - l1[i]!)))],
    [r1.map(clip), p.map((v, i) => near(Math.abs(v - r1[i]!)))],
    [l2.map(clip), p.map((v, i) => far(Math.abs(v - l2[i]!)))],
    [r2.map(clip), p.map((v, i) => far(Math.abs(v - r2[i]!)))],
  ];
}

/** Scales spatial axes: `scaleFactor` one number or one per spatial axis. */
export class Upsample extends Module {
  declare scale_factor: number | number[];
  declare mode: UpsampleMode;
  declare align_corners: boolean;

  constructor(scaleFactor: number | number[], options?: { mode?: UpsampleMode; alignCorners?: boolean; antialias?: boolean }) {
    super();
    const tag = "nn.Upsample";
    const o = nnOptions(options, tag, ["mode", "alignCorners", "antialias"]);
    const mode = o.mode ?? "nearest";
    if (mode !== "nearest" && mode !== "linear" && mode !== "cubic")
      throw new Error(`[${tag}] Got unsupported upsampling algorithm: ${typeof mode === "string" ? mode : describe(mode)}`);
    const ok = (v: unknown) => typeof v === "number" && v > 0 && Number.isFinite(v);
    if (!(ok(scaleFactor) || (Array.isArray(scaleFactor) && scaleFactor.length > 0 && scaleFactor.every(ok))))
      throw new Error(`[${tag}] scaleFactor must be a positive number or a list of them, got ${describe(scaleFactor)}.`);
    const antialias = boolOpt(o.antialias, "antialias", tag, false);
    if (antialias && mode === "nearest") throw new Error(`[${tag}] Antialiasing is not supported for nearest neighbor upsampling`);
    // MLX's antialiased (downsampling) filters are not done here yet.
    if (antialias) throw new Error(`[${tag}] antialias: true is not supported yet.`);
    setting(this, "scale_factor", Array.isArray(scaleFactor) ? [...scaleFactor] : scaleFactor);
    setting(this, "mode", mode);
    setting(this, "align_corners", boolOpt(o.alignCorners, "alignCorners", tag, false));
  }

  protected override extraRepr(): string {
    const s = Array.isArray(this.scale_factor) ? `(${this.scale_factor.join(", ")})` : String(this.scale_factor);
    return `scale_factor=${s}, mode='${this.mode}', align_corners=${this.align_corners}`;
  }

  override forward(x: MxArray): MxArray {
    const tag = "nn.Upsample";
    arrayInput(x, "x", tag);
    const dims = x.ndim - 2;
    if (dims <= 0)
      throw new Error(`[${tag}] The input should have at least 1 spatial dimension which means it should be at least 3D but ${x.ndim}D was provided`);
    const scales = Array.isArray(this.scale_factor) ? this.scale_factor : Array(dims).fill(this.scale_factor);
    if (scales.length !== dims)
      throw new Error(`[${tag}] One scale per spatial dimension is required but scale_factor=(${scales.join(", ")}) and the number of spatial dimensions were ${dims}`);
    return tidy(() => {
      let out = x;
      for (let i = 0; i < dims; ++i) {
        const axis = i + 1, n = x.shape[axis]!, s = scales[i]!;
        if (this.mode === "nearest") {
          out = take(out, array(Int32Array.from(nearestIndices(n, s))), axis);
          continue;
        }
        const taps = this.mode === "linear" ? linearTaps(n, s, this.align_corners) : cubicTaps(n, s, this.align_corners);
        const wshape = Array(x.ndim).fill(1);
        wshape[axis] = -1;
        let acc: MxArray | null = null;
        for (const [idx, w] of taps) {
          const term = take(out, array(Int32Array.from(idx), int32), axis).mul(array(w, x.dtype).reshape(wshape));
          acc = acc ? acc.add(term) : term;
        }
        out = acc!;
      }
      return out;
    });
  }
}

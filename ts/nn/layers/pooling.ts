// MaxPool1d/2d/3d and AvgPool1d/2d/3d (MLX's nn/layers/pooling.py): inputs
// (N, ...spatial, C); windows are taken as strided views of the input.

import { MxArray } from "../../array.js";
import { asStrided, pad } from "../../shape_ops.js";
import { tidy } from "../../transforms.js";
import { Module } from "../module.js";
import { arrayInput, nnOptions, nonNegativeInt, positiveInt, setting, tupleArg } from "../options.js";

/** (N, ...out, ...window, C): every window of `x`, as a view when they overlap, a reshape when they tile. */
function slidingWindows(x: MxArray, window: number[], strides: number[], tag: string): MxArray {
  const n = window.length;
  if (x.ndim !== n + 2)
    throw new Error(`[${tag}] Expected an input with ${n + 2} dimensions (N, ${["L", "H, W", "D, H, W"][n - 1]}, C), got shape (${x.shape.join(",")}).`);
  const shape = x.shape, spatial = shape.slice(1, -1);
  if (spatial.some((s, i) => s < window[i]!))
    throw new Error(`[${tag}] The window (${window.join(",")}) is larger than the (padded) input (${spatial.join(",")}).`);
  if (spatial.every((s, i) => window[i] === strides[i] && s % window[i]! === 0)) {
    const split = [shape[0]!];
    spatial.forEach((s, i) => split.push(s / window[i]!, window[i]!));
    split.push(shape[shape.length - 1]!);
    const last = split.length - 1;
    const order = [0];
    for (let i = 1; i < last; i += 2) order.push(i);
    for (let i = 2; i < last; i += 2) order.push(i);
    order.push(last);
    return x.reshape(...split).transpose(...order);
  }
  // Row-major element strides of x.
  const st: number[] = Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; --i) st[i] = st[i + 1]! * shape[i + 1]!;
  const outShape = [shape[0]!, ...spatial.map((s, i) => Math.floor((s - window[i]!) / strides[i]!) + 1), ...window, shape[shape.length - 1]!];
  const outStrides = [st[0]!, ...st.slice(1, -1).map((s, i) => s * strides[i]!), ...st.slice(1, -1), st[st.length - 1]!];
  return asStrided(x, outShape, outStrides);
}

type PoolOptions = { stride?: number | number[] | null; padding?: number | number[] };

abstract class Pool extends Module {
  declare kernel_size: number[];
  declare stride: number[];
  declare padding: number[];

  declare _tag: string;

  constructor(tag: string, nd: number, kernelSize: number | number[], options: PoolOptions | undefined) {
    super();
    setting(this, "_tag", tag);
    const o = nnOptions(options, tag, ["stride", "padding"]);
    const k = tupleArg(kernelSize, nd, "kernelSize", tag, positiveInt);
    setting(this, "kernel_size", k);
    setting(this, "stride", o.stride === undefined || o.stride === null ? k : tupleArg(o.stride, nd, "stride", tag, positiveInt));
    setting(this, "padding", tupleArg(o.padding ?? 0, nd, "padding", tag, nonNegativeInt));
  }

  protected abstract padValue(x: MxArray): number;
  protected abstract reduce(windows: MxArray, axes: number[]): MxArray;

  protected override extraRepr(): string {
    return `kernel_size=(${this.kernel_size.join(", ")}), stride=(${this.stride.join(", ")}), padding=(${this.padding.join(", ")})`;
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", this._tag);
    const n = this.kernel_size.length;
    return tidy(() => {
      let y = x;
      if (this.padding.some((p) => p > 0))
        y = pad(y, [[0, 0], ...this.padding.map((p) => [p, p] as [number, number]), [0, 0]], { constantValues: this.padValue(x) });
      const windows = slidingWindows(y, this.kernel_size, this.stride, this._tag);
      const axes = Array.from({ length: n }, (_, i) => -n - 1 + i);
      return this.reduce(windows, axes);
    });
  }
}

const lowestOf = (x: MxArray) => (x.dtype.name.startsWith("float") || x.dtype.name === "bfloat16" ? -Infinity : x.dtype.name.startsWith("uint") ? 0 : -(2 ** 31));

/** Max over each window; padding counts as -inf. */
export class MaxPool1d extends Pool {
  constructor(kernelSize: number | number[], options?: PoolOptions) {
    super("nn.MaxPool1d", 1, kernelSize, options);
  }
  protected padValue(x: MxArray) { return lowestOf(x); }
  protected reduce(w: MxArray, axes: number[]) { return w.max(axes); }
}

export class MaxPool2d extends Pool {
  constructor(kernelSize: number | number[], options?: PoolOptions) {
    super("nn.MaxPool2d", 2, kernelSize, options);
  }
  protected padValue(x: MxArray) { return lowestOf(x); }
  protected reduce(w: MxArray, axes: number[]) { return w.max(axes); }
}

/** Mean over each window; padding counts as 0 (as MLX). */
export class AvgPool1d extends Pool {
  constructor(kernelSize: number | number[], options?: PoolOptions) {
    super("nn.AvgPool1d", 1, kernelSize, options);
  }
  protected padValue() { return 0; }
  protected reduce(w: MxArray, axes: number[]) { return w.mean(axes); }
}

export class AvgPool2d extends Pool {
  constructor(kernelSize: number | number[], options?: PoolOptions) {
    super("nn.AvgPool2d", 2, kernelSize, options);
  }
  protected padValue() { return 0; }
  protected reduce(w: MxArray, axes: number[]) { return w.mean(axes); }
}

export class MaxPool3d extends Pool {
  constructor(kernelSize: number | number[], options?: PoolOptions) {
    super("nn.MaxPool3d", 3, kernelSize, options);
  }
  protected padValue(x: MxArray) { return lowestOf(x); }
  protected reduce(w: MxArray, axes: number[]) { return w.max(axes); }
}

export class AvgPool3d extends Pool {
  constructor(kernelSize: number | number[], options?: PoolOptions) {
    super("nn.AvgPool3d", 3, kernelSize, options);
  }
  protected padValue() { return 0; }
  protected reduce(w: MxArray, axes: number[]) { return w.mean(axes); }
}

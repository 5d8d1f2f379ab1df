// MLX's conv3d, convTranspose3d and convGeneral, composed from the core's
// conv1d/conv2d (core/conv_ops.h): input dilation by interleaving zeros,
// padding (negative padding crops, as MLX), a flipped kernel, and a third
// spatial axis as a sum over the kernel's depth taps of 2-D convolutions of
// strided depth slices. Gradients follow through the composition.

import { MxArray } from "../array.js";
import { describe } from "../describe.js";
import { arrayArg, boolArg, intArg, optionsArg } from "../args.js";
import { add, astype } from "../elementwise.js";
import { conv1d, conv2d } from "../linalg.js";
import { arange } from "../creation.js";
import { int32 } from "../dtype.js";
import { expandDims, indexArray, pad, reshape, slice, take, type IndexEntry } from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { resultType } from "./dtype_like.js";
import { shapeText } from "./common.js";
import { type StreamOptions, streamed } from "../stream.js";

export interface Conv3dOptions extends StreamOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
}

export interface ConvTranspose3dOptions extends Conv3dOptions {
  outputPadding?: number | number[];
}

export interface ConvGeneralOptions extends StreamOptions {
  stride?: number | number[];
  /** One size for every side, one per axis, or `[lo, hi]` lists per axis. */
  padding?: number | number[] | [number[], number[]];
  kernelDilation?: number | number[];
  inputDilation?: number | number[];
  groups?: number;
  flip?: boolean;
}

/** A per-axis integer list from a number or a list of `nd` numbers. */
function perAxis(v: unknown, name: string, op: string, def: number, nd: number): number[] {
  if (v === undefined) return new Array<number>(nd).fill(def);
  if (typeof v === "number") return new Array<number>(nd).fill(intArg(v, name, op));
  if (Array.isArray(v) && (v.length === nd || v.length === 1)) {
    const xs = v.map((x) => intArg(x, name, op));
    return xs.length === nd ? xs : new Array<number>(nd).fill(xs[0]!);
  }
  throw new Error(`[${op}] ${name} must be an integer or a list of ${nd} integers, got ${describe(v)}.`);
}

/** MLX's run_conv_checks. */
function checkConv(x: MxArray, w: MxArray, nd: number, groups: number): void {
  if (x.dtype.kind !== "float")
    throw new Error(`[conv] Invalid input array with type ${x.dtype.name}. Convolution currently only supports floating point types`);
  if (x.ndim !== nd + 2)
    throw new Error(`[conv] Invalid input array with ${x.ndim} dimensions for ${nd}D convolution. Expected an array with ${nd + 2} dimensions following the format [N, ..., C_in].`);
  if (w.ndim !== nd + 2)
    throw new Error(`[conv] Invalid weight array with ${w.ndim} dimensions for ${nd}D convolution. Expected an array with ${nd + 2} dimensions following the format [C_out, ..., C_in].`);
  const c = x.shape[nd + 1]!;
  if (groups < 1) throw new Error(`[conv] groups must be positive, got ${groups}.`);
  if (c % groups !== 0)
    throw new Error(`[conv] The input channels must be divisible by the number of groups. Got input with shape ${shapeText(x.shape)} and ${groups} groups.`);
  if (groups > 1 && w.shape[0]! % groups !== 0)
    throw new Error(`[conv] If groups > 1, the output channels must be divisible by the number of groups. Got ${w.shape[0]} output channels and ${groups} groups.`);
  if (c !== groups * w.shape[nd + 1]!)
    throw new Error(groups === 1
      ? `[conv] Expect the input channels in the input and weight array to match but got shapes - input: ${shapeText(x.shape)} and weight: ${shapeText(w.shape)}`
      : `[conv] Given groups=${groups} and weights of shape ${shapeText(w.shape)}, expected to have ${groups * w.shape[nd + 1]!} input channels but got ${c} input channels instead.`);
}

/** `a` with d - 1 zeros between neighbours along `axis`. */
function dilateAxis(a: MxArray, axis: number, d: number): MxArray {
  const n = a.shape[axis]!;
  if (d === 1 || n <= 1) return a;
  const widths: [number, number][] = a.shape.map(() => [0, 0]);
  widths.splice(axis + 1, 0, [0, d - 1]);
  const spaced = pad(expandDims(a, axis + 1), widths);
  const merged = reshape(spaced, [...a.shape.slice(0, axis), n * d, ...a.shape.slice(axis + 1)]);
  return sliceAxis(merged, axis, 0, (n - 1) * d + 1, 1);
}

function sliceAxis(a: MxArray, axis: number, start: number, stop: number, step: number): MxArray {
  const idx: IndexEntry[] = a.shape.map(() => slice());
  idx[axis] = slice(start, stop, step);
  return indexArray(a, ...idx);
}

/** Zero padding lo/hi along each spatial axis; negative amounts crop. */
function padSpatial(a: MxArray, lo: number[], hi: number[]): MxArray {
  let y = a;
  lo.forEach((l, i) => {
    const h = hi[i]!, ax = i + 1, n = y.shape[ax]!;
    if (l < 0 || h < 0) y = sliceAxis(y, ax, Math.max(-l, 0), n - Math.max(-h, 0), 1);
  });
  const widths: [number, number][] = y.shape.map((_, ax) =>
    ax >= 1 && ax <= lo.length ? [Math.max(lo[ax - 1]!, 0), Math.max(hi[ax - 1]!, 0)] : [0, 0]);
  return widths.some(([l, h]) => l || h) ? pad(y, widths) : y;
}

/**
 * A convolution without padding: conv1d/conv2d, or for three spatial axes the
 * sum over the kernel's depth taps j of conv2d over the depth slices
 * j*dil, j*dil + stride, ... (each output depth sees one slice per tap).
 */
function convValid(x: MxArray, w: MxArray, stride: number[], dil: number[], groups: number): MxArray {
  const nd = x.ndim - 2;
  if (nd === 1) return conv1d(x, w, { stride: stride[0], dilation: dil[0], groups });
  if (nd === 2) return conv2d(x, w, { stride, dilation: dil, groups });
  const [N, D] = x.shape as [number, number];
  const KD = w.shape[1]!;
  const OD = Math.floor((D - dil[0]! * (KD - 1) - 1) / stride[0]!) + 1;
  if (OD <= 0) throw new Error(`[conv] The output would have a non-positive size (${OD}) along spatial axis 0.`);
  let out: MxArray | null = null;
  for (let j = 0; j < KD; ++j) {
    const start = j * dil[0]!;
    const xs = sliceAxis(x, 1, start, start + (OD - 1) * stride[0]! + 1, stride[0]!);
    const planes = reshape(xs, [N * OD, ...x.shape.slice(2)]);
    const y = conv2d(planes, take(w, j, 1), { stride: stride.slice(1), dilation: dil.slice(1), groups });
    out = out ? add(out, y) : y;
  }
  return reshape(out!, [N, OD, ...out!.shape.slice(1)]);
}

/** MLX's conv_general with resolved per-axis parameters. */
function general(
  x0: MxArray, w0: MxArray, stride: number[], lo: number[], hi: number[], kdil: number[], idil: number[],
  groups: number, flip: boolean,
): MxArray {
  const t = resultType(x0, w0);
  return tidy(() => {
    let x = astype(x0, t), w = astype(w0, t);
    if (flip) {
      for (let ax = 1; ax <= lo.length; ++ax) {
        const k = w.shape[ax]!;
        w = take(w, arange(k - 1, -1, -1, int32), ax);
      }
    }
    idil.forEach((d, i) => (x = dilateAxis(x, i + 1, d)));
    x = padSpatial(x, lo, hi);
    return convValid(x, w, stride, kdil, groups);
  });
}

/**
 * MLX's conv_general: input (N, ...spatial, C_in), weight (C_out,
 * ...kernel, C_in / groups), 1 to 3 spatial axes; `padding` may give
 * separate low and high amounts (`[lo[], hi[]]`); inputDilation spreads the
 * input with zeros; flip convolves with the mirrored kernel.
 */
export const convGeneral = streamed("convGeneral", function convGeneral(input: MxArray, weight: MxArray, options: ConvGeneralOptions = {}): MxArray {
  const op = "conv_general";
  const o = optionsArg<ConvGeneralOptions>(options, op,
    ["stride", "padding", "kernelDilation", "inputDilation", "groups", "flip"]);
  const x = arrayArg(input, "input", op), w = arrayArg(weight, "weight", op);
  const groups = o.groups === undefined ? 1 : intArg(o.groups, "groups", op);
  if (groups !== 1 && x.ndim !== 3 && x.ndim !== 4)
    throw new Error("[conv] Can only handle groups != 1 in 1D or 2D convolutions.");
  const nd = x.ndim - 2;
  if (nd < 1 || nd > 3)
    throw new Error("[conv] Only works for inputs with 1-3 spatial dimensions. The inputs must be in the format [N, ..., C_in]");
  checkConv(x, w, nd, groups);
  let lo: number[], hi: number[];
  const p = o.padding;
  if (Array.isArray(p) && p.length === 2 && p.every((v) => Array.isArray(v))) {
    lo = perAxis(p[0], "padding", op, 0, nd);
    hi = perAxis(p[1], "padding", op, 0, nd);
  } else {
    lo = hi = perAxis(p, "padding", op, 0, nd);
  }
  const stride = perAxis(o.stride, "stride", op, 1, nd);
  const kdil = perAxis(o.kernelDilation, "kernelDilation", op, 1, nd);
  const idil = perAxis(o.inputDilation, "inputDilation", op, 1, nd);
  for (const [name, v] of [["stride", stride], ["kernelDilation", kdil], ["inputDilation", idil]] as const)
    if (v.some((s) => s < 1)) throw new Error(`[${op}] ${name} must be positive, got ${shapeText(v)}.`);
  return general(x, w, stride, lo, hi, kdil, idil, groups, boolArg(o.flip, "flip", op));
}, true);

/** 3-D convolution: input (N, D, H, W, C_in), weight (C_out, KD, KH, KW, C_in). */
export const conv3d = streamed("conv3d", function conv3d(input: MxArray, weight: MxArray, options: Conv3dOptions = {}): MxArray {
  const op = "conv3d";
  const o = optionsArg<Conv3dOptions>(options, op, ["stride", "padding", "dilation", "groups"]);
  const padding = perAxis(o.padding, "padding", op, 0, 3);
  return convGeneral(input, weight, { stride: o.stride, padding, kernelDilation: o.dilation, groups: o.groups });
}, true);

/**
 * 3-D transposed convolution (MLX's conv_transpose3d): input (N, D, H, W,
 * C_in), weight (C_out, KD, KH, KW, C_in); output size per axis
 * (in - 1) * stride - 2 * padding + dilation * (k - 1) + 1 + outputPadding.
 */
export const convTranspose3d = streamed("convTranspose3d", function convTranspose3d(input: MxArray, weight: MxArray, options: ConvTranspose3dOptions = {}): MxArray {
  const op = "conv_transpose3d";
  const o = optionsArg<ConvTranspose3dOptions>(options, op, ["stride", "padding", "dilation", "outputPadding", "groups"]);
  const x = arrayArg(input, "input", op), w = arrayArg(weight, "weight", op);
  const stride = perAxis(o.stride, "stride", op, 1, 3);
  const padding = perAxis(o.padding, "padding", op, 0, 3);
  const dilation = perAxis(o.dilation, "dilation", op, 1, 3);
  const outPad = perAxis(o.outputPadding, "outputPadding", op, 0, 3);
  const groups = o.groups === undefined ? 1 : intArg(o.groups, "groups", op);
  if (groups !== 1) throw new Error("[conv] Can only handle groups != 1 in 1D or 2D convolutions.");
  checkConv(x, w, 3, groups);
  // MLX's conv_transpose_general: a flipped, input-dilated convolution.
  const lo: number[] = [], hi: number[] = [];
  for (let i = 0; i < 3; ++i) {
    const span = 1 + dilation[i]! * (w.shape[1 + i]! - 1);
    lo.push(span - padding[i]! - 1);
    const full = (x.shape[1 + i]! - 1) * stride[i]! - 2 * padding[i]! + span;
    hi.push(full - (1 + stride[i]! * (x.shape[1 + i]! - 1)) + padding[i]! + outPad[i]!);
  }
  return general(x, w, [1, 1, 1], lo, hi, dilation, stride, groups, true);
}, true);

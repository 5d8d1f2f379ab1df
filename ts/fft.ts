// mx.fft (wasm/api_fft.cpp, core/fft.h): MLX's discrete Fourier transforms,
// any lengths. Arguments as MLX's, positional: fft(a, n, axis, norm),
// fft2/fftn(a, s, axes, norm). n / s truncate or zero-pad the transformed
// axes (for the irfft kinds they are the output lengths); norm is
// "backward" (default: the inverse scales by 1/n), "ortho" or "forward".
// Errors are tagged "[fft.op] ...".

import { core } from "./runtime.js";
import { MxArray } from "./array.js";
import { describe } from "./describe.js";
import { intArg, intList, numArg, requireArray } from "./args.js";
import { wrap } from "./operands.js";
import { arange } from "./creation.js";
import { multiply } from "./elementwise.js";
import { concatenate } from "./shape_ops.js";
import { float32 } from "./dtype.js";
import { streamed } from "./stream.js";

export type FFTNorm = "backward" | "ortho" | "forward";

// The transform codes of wasm/api_fft.cpp's kFFTKinds.
const KINDS = ["fft", "ifft", "fft2", "ifft2", "fftn", "ifftn", "rfft", "irfft", "rfft2", "irfft2", "rfftn", "irfftn"] as const;
type Kind = (typeof KINDS)[number];

const tag = (op: string) => `fft.${op}`;

function normCode(norm: unknown, op: string): number {
  if (norm === undefined || norm === null || norm === "backward") return 0;
  if (norm === "ortho") return 1;
  if (norm === "forward") return 2;
  throw new Error(`[${tag(op)}] Invalid norm ${describe(norm)}. Expected one of 'backward', 'ortho', 'forward'.`);
}

function run(kind: Kind, a: MxArray, sizes: number[] | null, axes: number[], norm: unknown): MxArray {
  const h = requireArray(a, tag(kind)).handle;
  const nc = normCode(norm, kind);
  if (sizes !== null && sizes.length !== axes.length)
    throw new Error(`[${tag(kind)}] Shape and axes have different sizes.`);
  const c = core();
  // One buffer, axes then sizes (withInts calls can't nest: they share scratch memory).
  return c.withInts([...axes, ...(sizes ?? [])], (p) =>
    wrap(c.m._wmx_fft(h, KINDS.indexOf(kind), p, axes.length, p + 4 * axes.length, sizes === null ? 0 : 1, nc)));
}

/** One axis: n (a length or null/undefined for the input's) along axis (default -1). */
function oneAxis(kind: Kind, a: MxArray, n: number | null | undefined, axis: number | undefined, norm: unknown): MxArray {
  const op = tag(kind);
  const ax = axis === undefined ? -1 : intArg(axis, "axis", op);
  const size = n === undefined || n === null ? null : [intArg(n, "n", op)];
  return run(kind, a, size, [ax], norm);
}

/**
 * Several axes: s (sizes) along axes. 2-D kinds default to axes [-2, -1];
 * n-D kinds to every axis, and then s must not be given (as MLX).
 */
function manyAxes(kind: Kind, a: MxArray, s: number[] | null | undefined, axes: number[] | null | undefined,
  norm: unknown, twoD: boolean): MxArray {
  const op = tag(kind);
  const sizes = s === undefined || s === null ? null : intList(s, "s", op);
  let ax: number[];
  if (axes === undefined || axes === null) {
    if (twoD && axes === undefined) ax = [-2, -1];
    else if (sizes !== null) throw new Error(`[${op}] \`axes\` should not be \`None\` if \`s\` is not \`None\`.`);
    else ax = [...requireArray(a, op).shape.keys()];
  } else {
    ax = intList(axes, "axes", op);
  }
  return run(kind, a, sizes, ax, norm);
}

/** The DFT along one axis. */
export const fft = streamed("fft", (a: MxArray, n?: number | null, axis?: number, norm?: FFTNorm) => oneAxis("fft", a, n, axis, norm));
/** The inverse DFT along one axis. */
export const ifft = streamed("ifft", (a: MxArray, n?: number | null, axis?: number, norm?: FFTNorm) => oneAxis("ifft", a, n, axis, norm));
/** The DFT of a real input along one axis: the n / 2 + 1 non-negative frequencies. */
export const rfft = streamed("rfft", (a: MxArray, n?: number | null, axis?: number, norm?: FFTNorm) => oneAxis("rfft", a, n, axis, norm));
/** The inverse of rfft: n real outputs (default 2 * (size - 1)) from n / 2 + 1 frequencies. */
export const irfft = streamed("irfft", (a: MxArray, n?: number | null, axis?: number, norm?: FFTNorm) => oneAxis("irfft", a, n, axis, norm));

type Sizes = number[] | null;
type Axes = number[] | null;

/** The 2-D DFT (axes default [-2, -1]). */
export const fft2 = streamed("fft2", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("fft2", a, s, axes, norm, true));
export const ifft2 = streamed("ifft2", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("ifft2", a, s, axes, norm, true));
export const rfft2 = streamed("rfft2", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("rfft2", a, s, axes, norm, true));
export const irfft2 = streamed("irfft2", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("irfft2", a, s, axes, norm, true));
/** The n-D DFT (axes default: every axis). */
export const fftn = streamed("fftn", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("fftn", a, s, axes, norm, false));
export const ifftn = streamed("ifftn", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("ifftn", a, s, axes, norm, false));
export const rfftn = streamed("rfftn", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("rfftn", a, s, axes, norm, false));
export const irfftn = streamed("irfftn", (a: MxArray, s?: Sizes, axes?: Axes, norm?: FFTNorm) => manyAxes("irfftn", a, s, axes, norm, false));

function shift(a: MxArray, axes: number[] | null | undefined, inverse: boolean): MxArray {
  const op = tag(inverse ? "ifftshift" : "fftshift");
  const x = requireArray(a, op);
  const ax = axes === undefined || axes === null ? [...x.shape.keys()] : intList(axes, "axes", op);
  const c = core();
  return c.withInts(ax, (p, n) => wrap(c.m._wmx_fftshift(x.handle, p, n, inverse ? 1 : 0)));
}

/** Moves the zero frequency to the middle: rolls each axis (default: all) by half its length. */
export const fftshift = streamed("fftshift", (a: MxArray, axes?: number[] | null) => shift(a, axes, false));
/** The inverse of fftshift. */
export const ifftshift = streamed("ifftshift", (a: MxArray, axes?: number[] | null) => shift(a, axes, true));

function freqArgs(n: unknown, d: unknown, op: string): [number, number] {
  const len = intArg(n, "n", tag(op));
  const spacing = numArg(d, "d", tag(op));
  if (len <= 0) throw new Error(`[${tag(op)}] \`n\` must be greater than 0.`);
  if (spacing === 0) throw new Error(`[${tag(op)}] \`d\` must be non-zero.`);
  return [len, spacing];
}

/** The sample frequencies of fft's n outputs for sample spacing d: [0, 1, ..., -1] / (n d), float32. */
export const fftfreq = streamed("fftfreq", function fftfreq(n: number, d = 1): MxArray {
  const [len, spacing] = freqArgs(n, d, "fftfreq");
  const pos = arange(0, Math.floor((len + 1) / 2), float32), neg = arange(-Math.floor(len / 2), 0, float32);
  const both = concatenate([pos, neg]);
  try {
    return multiply(both, Math.fround(1 / (len * spacing)));
  } finally {
    pos.dispose();
    neg.dispose();
    both.dispose();
  }
});

/** The sample frequencies of rfft's n / 2 + 1 outputs: [0, 1, ..., n / 2] / (n d), float32. */
export const rfftfreq = streamed("rfftfreq", function rfftfreq(n: number, d = 1): MxArray {
  const [len, spacing] = freqArgs(n, d, "rfftfreq");
  const k = arange(0, Math.floor(len / 2) + 1, float32);
  try {
    return multiply(k, Math.fround(1 / (len * spacing)));
  } finally {
    k.dispose();
  }
});

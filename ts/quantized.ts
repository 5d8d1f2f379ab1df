// MLX's quantization: quantize, dequantize, quantizedMatmul, gatherQmm and
// qqmm, in MLX's formats, so weights MLX quantized and saved load and
// multiply here unchanged.
//
// Mode "affine" (the default): a row of K values is K * bits / 32 uint32
// words holding the bits-wide codes as one little-endian bit stream, with a
// scale and a bias per group of `groupSize` values (value = scale * code +
// bias). dequantize and quantizedMatmul are core primitives
// (core/primitives/quantized.h; quantizedMatmul dequantizes inside its
// kernel); quantize is composed here from the core's ops, as MLX's own
// fallback is, with MLX's float32 arithmetic.
//
// Modes "mxfp4", "mxfp8", "nvfp4" (floating-point microscaling; formats in
// core/backend/cpu/kernels/fp_quantized.h): the codes are 4- or 8-bit floats packed into
// uint32 words, one uint8 scale per group and no biases; nvfp4 takes an
// optional float32 global scale. They run on core primitives
// (core/primitives/fp_quantized.h).

import { core } from "./runtime.js";
import { MxArray } from "./array.js";
import { type Dtype, bfloat16, float32, toDtype, uint32 } from "./dtype.js";
import { describe } from "./describe.js";
import { arrayArg, boolArg, intArg, optionsArg } from "./args.js";
import { takeResults, wrap } from "./operands.js";
import {
  abs, astype, clip, divide, equal, greater, leftShift, maximum, negative, notEqual, rightShift, round, subtract,
  where,
} from "./elementwise.js";
import { max, min, sum } from "./reduce_ops.js";
import { concatenate, reshape, take } from "./shape_ops.js";
import { arange, array } from "./creation.js";
import { tidy } from "./transforms.js";
import { scalarOf, shapeText } from "./ops_extra/common.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;

/** MLX's quantization modes. */
export type QuantizationMode = "affine" | "mxfp4" | "mxfp8" | "nvfp4";

export interface QuantizeOptions extends StreamOptions {
  /**
   * "affine" (default; groupSize 64, bits 4), "mxfp4" (32, 4), "mxfp8" (32, 8)
   * or "nvfp4" (16, 4).
   */
  mode?: QuantizationMode | string;
  /** nvfp4 only: a float32 scalar, typically max|w|, that widens the E4M3 scales' range. */
  globalScale?: MxArray | null;
}

export interface QuantizedMatmulOptions extends StreamOptions {
  mode?: QuantizationMode | string;
  transpose?: boolean;
  groupSize?: number;
  bits?: number;
}

export interface GatherQmmOptions extends QuantizedMatmulOptions {
  /** A hint in MLX (indices already sorted); the result does not depend on it. */
  sortedIndices?: boolean;
}

type FpMode = Exclude<QuantizationMode, "affine">;

/** The floating-point modes' codes at the wasm boundary (core/backend/cpu/kernels/fp_quantized.h) and their default [groupSize, bits]. */
const FP_MODES: Record<FpMode, { code: number; defaults: [number, number] }> = {
  mxfp4: { code: 1, defaults: [32, 4] },
  mxfp8: { code: 2, defaults: [32, 8] },
  nvfp4: { code: 3, defaults: [16, 4] },
};

/** The mode (default "affine"), or MLX's error for an unknown one. */
function modeArg(mode: unknown, op: string, fallback: QuantizationMode = "affine"): QuantizationMode {
  if (mode === undefined || mode === null) return fallback;
  if (mode === "affine" || (typeof mode === "string" && Object.hasOwn(FP_MODES, mode))) return mode as QuantizationMode;
  if (typeof mode === "string") throw new Error(`[${op}] Invalid quantization mode '${mode}'.`);
  throw new Error(`[${op}] Invalid quantization mode ${describe(mode)}.`);
}

/** groupSize and bits of an fp mode: the mode's defaults when absent (the core checks them). */
function fpParams(mode: FpMode, groupSize: unknown, bits: unknown, op: string): [number, number] {
  const [dgs, db] = FP_MODES[mode].defaults;
  return [
    groupSize === undefined || groupSize === null ? dgs : intArg(groupSize, "groupSize", op),
    bits === undefined || bits === null ? db : intArg(bits, "bits", op),
  ];
}

/** An optional array argument's handle, -1 when absent. */
function optionalHandle(a: unknown, name: string, op: string): number {
  return a === undefined || a === null ? -1 : arrayArg(a, name, op).handle;
}

/** MLX's error for biases given in an fp mode. */
function noBiases(biases: unknown, mode: FpMode, op: string): void {
  if (biases !== undefined && biases !== null) throw new Error(`[${op}] Biases must be null for quantization mode '${mode}'.`);
}

/** groupSize and bits (MLX's affine defaults 64 and 4), checked as MLX does. */
function params(groupSize: unknown, bits: unknown, op: string): [number, number] {
  const gs = groupSize === undefined || groupSize === null ? 64 : intArg(groupSize, "groupSize", op);
  const b = bits === undefined || bits === null ? 4 : intArg(bits, "bits", op);
  if (gs !== 32 && gs !== 64 && gs !== 128)
    throw new Error(`[${op}] The requested group size ${gs} is not supported. The supported group sizes are 32, 64, and 128.`);
  if (b < 2 || b > 8 || b === 7)
    throw new Error(`[${op}] The requested number of bits ${b} is not supported. The supported bits are 2, 3, 4, 5, 6 and 8.`);
  return [gs, b];
}

/**
 * Packs uint32 codes (..., K) of `bits` bits each, K a multiple of 32, into
 * the little-endian bit stream of MLX's format: (..., K * bits / 32). Every
 * run of 32 codes fills `bits` words; word j takes the codes whose bits fall
 * in [32j, 32j + 32), each shifted into place (a code that straddles two
 * words appears in both, its high part shifted right for the second).
 */
function packCodes(q: MxArray, bits: number): MxArray {
  const shape = q.shape;
  const k = shape[shape.length - 1]!;
  const runs = reshape(q, [...shape.slice(0, -1), k / 32, 32]);
  const words: MxArray[] = [];
  for (let j = 0; j < bits; ++j) {
    const first = Math.floor((32 * j) / bits), last = Math.ceil((32 * (j + 1)) / bits) - 1;
    const lsh: number[] = [], rsh: number[] = [];
    for (let i = first; i <= last; ++i) {
      const s = i * bits - 32 * j;
      lsh.push(Math.max(s, 0));
      rsh.push(Math.max(-s, 0));
    }
    const codes = take(runs, arange(first, last + 1, uint32), -1);
    const placed = rightShift(leftShift(codes, array(Uint32Array.from(lsh))), array(Uint32Array.from(rsh)));
    words.push(reshape(sum(placed, -1, true), [...shape.slice(0, -1), k / 32, 1]));
  }
  return reshape(concatenate(words, -1), [...shape.slice(0, -1), (k * bits) / 32]);
}

/**
 * Quantizes the last axis of `w` in groups of `groupSize` values to `bits`
 * bits with MLX's affine scheme; returns `[wq, scales, biases]` (wq uint32,
 * scales and biases of w's dtype).
 */
export const quantize = streamed("quantize", function quantize(w: MxArray, groupSize?: number, bits?: number, options: QuantizeOptions = {}): MxArray[] {
  const op = "quantize";
  const x = arrayArg(w, "w", op);
  const o = optionsArg<QuantizeOptions>(options, op, ["mode", "globalScale"]);
  const mode = modeArg(o.mode, op);
  if (mode !== "affine") {
    const [gs, b] = fpParams(mode, groupSize, bits, op);
    const g = optionalHandle(o.globalScale, "globalScale", op);
    return takeResults(m()._wmx_fp_quantize(x.handle, FP_MODES[mode].code, gs, b, g));
  }
  const [gs, b] = params(groupSize, bits, op);
  if (x.dtype.kind !== "float")
    throw new Error(`[${op}] Only real floating types can be quantized but w has type ${x.dtype.name}.`);
  if (x.ndim < 2)
    throw new Error(`[${op}] The matrix to be quantized must have at least 2 dimension but it has only ${x.ndim}.`);
  const k = x.shape[x.ndim - 1]!;
  if (k % gs !== 0)
    throw new Error(`[${op}] The last dimension of the matrix needs to be divisible by the quantization group size ${gs}. However the provided  matrix has shape ${shapeText(x.shape)}`);
  noGlobalScale(o.globalScale, op);
  return tidy(() => {
    const f32 = (v: number) => scalarOf(v, float32);
    const nBins = f32(2 ** b - 1);
    const groups = reshape(astype(x, float32), [...x.shape.slice(0, -1), k / gs, gs]);
    const wMax = max(groups, -1, true), wMin = min(groups, -1, true);
    // MLX's scheme: the edge (min or max, whichever is larger in magnitude)
    // is represented exactly, and the scale's sign makes the codes >= 0.
    const minEdge = greater(abs(wMin), abs(wMax));
    let scale = maximum(divide(subtract(wMax, wMin), nBins), f32(1e-7));
    scale = where(minEdge, scale, negative(scale));
    const edge = where(minEdge, wMin, wMax);
    const q0 = round(divide(edge, scale));
    scale = where(notEqual(q0, f32(0)), divide(edge, q0), scale);
    const bias = where(equal(q0, f32(0)), f32(0), edge);
    const codes = astype(clip(round(divide(subtract(groups, bias), scale)), f32(0), nBins), uint32);
    const wq = packCodes(reshape(codes, [...x.shape.slice(0, -1), k]), b);
    const sshape = [...x.shape.slice(0, -1), k / gs];
    return [wq, reshape(astype(scale, x.dtype), sshape), reshape(astype(bias, x.dtype), sshape)];
  });
}, true);

/** MLX's error for a global scale outside nvfp4. */
function noGlobalScale(g: unknown, op: string): void {
  if (g !== undefined && g !== null) throw new Error(`[${op}] Global scale is only supported for 'nvfp4' quantization mode.`);
}

export interface DequantizeOptions extends QuantizeOptions {
  /**
   * The output dtype (a floating one); default the scales' and biases' common
   * dtype (affine) or bfloat16 (the fp modes, as MLX).
   */
  dtype?: Dtype | string | null;
}

/** The matrix (..., K) that `quantize` gave `[w, scales, biases]` for (of the scales' dtype, or `dtype`). */
export const dequantize = streamed("dequantize", function dequantize(
  w: MxArray, scales: MxArray, biases: MxArray | null, groupSize?: number, bits?: number,
  options: DequantizeOptions = {},
): MxArray {
  const op = "dequantize";
  const o = optionsArg<DequantizeOptions>(options, op, ["mode", "dtype", "globalScale"]);
  const mode = modeArg(o.mode, op);
  const dt = o.dtype === undefined || o.dtype === null ? null : toDtype(o.dtype, op);
  if (dt && dt.kind !== "float") throw new Error(`[${op}] Only real floating types are supported but output dtype == ${dt.name}.`);
  const hw = arrayArg(w, "w", op).handle, hs = arrayArg(scales, "scales", op).handle;
  if (mode !== "affine") {
    noBiases(biases, mode, op);
    const [gs, b] = fpParams(mode, groupSize, bits, op);
    const g = optionalHandle(o.globalScale, "globalScale", op);
    return wrap(m()._wmx_fp_dequantize(hw, hs, FP_MODES[mode].code, gs, b, g, (dt ?? bfloat16).code));
  }
  if (biases === null || biases === undefined) throw new Error(`[${op}] Biases must be provided for affine quantization.`);
  const hb = arrayArg(biases, "biases", op).handle;
  const [gs, b] = params(groupSize, bits, op);
  noGlobalScale(o.globalScale, op);
  const out = wrap(m()._wmx_dequantize(hw, hs, hb, gs, b));
  if (!dt || dt === out.dtype) return out;
  try {
    return astype(out, dt);
  } finally {
    out.dispose();
  }
}, true);

/**
 * `x @ dequantize(w).T` (transpose, MLX's default) or `x @ dequantize(w)`;
 * differentiable in x (and, in affine mode as MLX, in the scales and
 * biases). The fp modes take no biases (null) and give x's dtype.
 */
export const quantizedMatmul = streamed("quantizedMatmul", function quantizedMatmul(
  x: MxArray, w: MxArray, scales: MxArray, biases: MxArray | null, options: QuantizedMatmulOptions = {},
): MxArray {
  const op = "quantized_matmul";
  const o = optionsArg<QuantizedMatmulOptions>(options, op, ["transpose", "groupSize", "bits", "mode"]);
  const mode = modeArg(o.mode, op);
  const hx = arrayArg(x, "x", op).handle, hw = arrayArg(w, "w", op).handle, hs = arrayArg(scales, "scales", op).handle;
  const transpose = o.transpose === undefined ? true : boolArg(o.transpose, "transpose", op);
  if (mode !== "affine") {
    noBiases(biases, mode, op);
    const [gs, b] = fpParams(mode, o.groupSize, o.bits, op);
    return wrap(m()._wmx_fp_quantized_matmul(hx, hw, hs, transpose ? 1 : 0, FP_MODES[mode].code, gs, b));
  }
  if (biases === null || biases === undefined) throw new Error(`[${op}] Biases must be provided for affine quantization.`);
  const hb = arrayArg(biases, "biases", op).handle;
  const [gs, b] = params(o.groupSize, o.bits, op);
  return wrap(m()._wmx_quantized_matmul(hx, hw, hs, hb, transpose ? 1 : 0, gs, b));
}, true);

/** An integer index array argument (null: absent). */
export function indexArg(idx: unknown, name: string, op: string): MxArray | null {
  if (idx === null || idx === undefined) return null;
  const i = arrayArg(idx, name, op);
  if (i.dtype.kind !== "int" && i.dtype.kind !== "uint")
    throw new Error(`[${op}] Got ${name} with invalid dtype. Indices must be integral.`);
  return i;
}

/**
 * The matrices of `a` (its last two axes; the others flattened into one batch
 * axis) at `idx`, or all of them in a's batch shape when idx is null (MLX's
 * default indices for gather_mm and gather_qmm).
 */
export function pickMatrices(a: MxArray, idx: MxArray | null): MxArray {
  const mats = reshape(a, [-1, ...a.shape.slice(-2)]);
  return take(mats, idx ?? reshape(arange(0, mats.shape[0]!, uint32), a.shape.slice(0, -2)), 0);
}

/**
 * quantizedMatmul with the matrices picked by index (MLX's gather_qmm): the
 * batch of x (all but its last two axes, flattened) indexed by lhsIndices,
 * the batch of w, scales and biases by rhsIndices (default: every matrix in
 * order); the output is broadcast(lhsIndices, rhsIndices) + (M, N).
 */
export const gatherQmm = streamed("gatherQmm", function gatherQmm(
  x: MxArray, w: MxArray, scales: MxArray, biases: MxArray | null, lhsIndices: MxArray | null = null,
  rhsIndices: MxArray | null = null, options: GatherQmmOptions = {},
): MxArray {
  const op = "gather_qmm";
  const o = optionsArg<GatherQmmOptions>(options, op, ["transpose", "groupSize", "bits", "mode", "sortedIndices"]);
  boolArg(o.sortedIndices, "sortedIndices", op);
  const xa = arrayArg(x, "x", op), wa = arrayArg(w, "w", op), sa = arrayArg(scales, "scales", op);
  const mode = modeArg(o.mode, op);
  let ba: MxArray | null = null;
  if (mode === "affine") {
    if (biases === null || biases === undefined) throw new Error(`[${op}] Biases must be provided for affine quantization.`);
    ba = arrayArg(biases, "biases", op);
  } else {
    noBiases(biases, mode, op);
  }
  if (xa.ndim < 2) throw new Error(`[${op}] x must have at least 2 dimensions, got ${xa.ndim}.`);
  if (wa.ndim < 2) throw new Error(`[${op}] w must have at least 2 dimensions, got ${wa.ndim}.`);
  const li = indexArg(lhsIndices, "lhsIndices", op), ri = indexArg(rhsIndices, "rhsIndices", op);
  if (mode === "affine") params(o.groupSize, o.bits, op);
  if (wa.dtype !== uint32) throw new Error(`[${op}] The weight matrix should be uint32 but received ${wa.dtype.name}`);
  const { transpose, groupSize, bits } = o;
  return tidy(() => {
    const pick = pickMatrices;
    return quantizedMatmul(pick(xa, li), pick(wa, ri), pick(sa, ri), ba && pick(ba, ri), { transpose, groupSize, bits, mode });
  });
}, true);

export interface QqmmOptions extends StreamOptions {
  /** Of x and w (default the mode's). */
  groupSize?: number;
  bits?: number;
  /** "nvfp4" (MLX's default), "mxfp8" or "mxfp4"; affine mode has no qqmm. */
  mode?: QuantizationMode | string;
  /** nvfp4: float32 scalars for x and w (both or neither), as quantize's globalScale. */
  globalScaleX?: MxArray | null;
  globalScaleW?: MxArray | null;
}

/**
 * MLX's qqmm: `dequantize(quantize(x)) @ dequantize(w).T` with x quantized
 * on the fly in the mode's format. w is either quantized (uint32 codes with
 * their `scales`, made with the same mode and, for nvfp4, globalScaleW) or
 * floats, then quantized on the fly too. x is a vector or a matrix (leading
 * axes fold into rows), w a matrix; the result has x's dtype. Gradients, as
 * MLX's, take the quantization as the identity (w must be given as floats
 * to get one).
 */
export const qqmm = streamed("qqmm", function qqmm(x: MxArray, w: MxArray, scales: MxArray | null = null, options: QqmmOptions = {}): MxArray {
  const op = "qqmm";
  const o = optionsArg<QqmmOptions>(options, op, ["groupSize", "bits", "mode", "globalScaleX", "globalScaleW"]);
  const mode = modeArg(o.mode, op, "nvfp4");
  if (mode === "affine")
    throw new Error(`[${op}] Quantization mode 'affine' is not supported; qqmm takes 'nvfp4', 'mxfp8' or 'mxfp4'.`);
  const hx = arrayArg(x, "x", op).handle, hw = arrayArg(w, "w", op).handle;
  const hs = optionalHandle(scales, "scales", op);
  const [gs, b] = fpParams(mode, o.groupSize, o.bits, op);
  const gx = optionalHandle(o.globalScaleX, "globalScaleX", op), gw = optionalHandle(o.globalScaleW, "globalScaleW", op);
  return wrap(m()._wmx_qqmm(hx, hw, hs, FP_MODES[mode].code, gs, b, gx, gw));
}, true);

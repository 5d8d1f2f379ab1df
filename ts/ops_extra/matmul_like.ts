// MLX's gather_mm, block_masked_mm, segmented_mm and hadamard_transform,
// composed from the core's ops (take, matmul, masks, butterflies): values,
// shapes, dtypes and errors as MLX's, and gradients through the
// compositions (with respect to the matrices, and float masks too).

import { MxArray } from "../array.js";
import { type Dtype, float32, int64 } from "../dtype.js";
import { arrayArg, intArg, numArg, optionsArg, boolArg } from "../args.js";
import { astype, greaterEqual, less, logicalAnd, multiply, add, subtract } from "../elementwise.js";
import { matmul } from "../linalg.js";
import { arange, array } from "../creation.js";
import { broadcastTo, concatenate, expandDims, indexArray, repeat, reshape, slice, squeeze, take } from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { indexArg, pickMatrices } from "../quantized.js";
import { scalarOf, shapeText } from "./common.js";
import { resultType } from "./dtype_like.js";
import { type StreamOptions, streamed } from "../stream.js";

/** MLX's checks shared by the matmul variants: ranks, inner sizes, a floating result. */
function operands(a: unknown, b: unknown, op: string): [MxArray, MxArray, Dtype] {
  const x = arrayArg(a, "a", op), y = arrayArg(b, "b", op);
  if (x.ndim === 0 || y.ndim === 0)
    throw new Error(`[${op}] Got 0 dimension input. Inputs must have at least one dimension.`);
  const t = resultType(x, y);
  if (t.kind !== "float")
    throw new Error(`[${op}] Only real floating point types are supported but ${x.dtype.name} and ${y.dtype.name} were provided which results in ${t.name}, which is not a real floating point type.`);
  return [x, y, t];
}

/** a (1-D: one row) and b (1-D: one column) as matrices, checked to multiply. */
function asMatrices(x: MxArray, y: MxArray, op: string): [MxArray, MxArray] {
  const a = x.ndim === 1 ? expandDims(x, 0) : x, b = y.ndim === 1 ? expandDims(y, 1) : y;
  if (a.shape[a.ndim - 1] !== b.shape[b.ndim - 2])
    throw new Error(`[${op}] Last dimension of first input with shape ${shapeText(a.shape)} must match second to last dimension of second input with shape ${shapeText(b.shape)}.`);
  return [a, b];
}

/** Drops the axes that 1-D operands gained (MLX). */
function squeezeVectors(out: MxArray, x: MxArray, y: MxArray): MxArray {
  const axes: number[] = [];
  if (x.ndim === 1) axes.push(out.ndim - 2);
  if (y.ndim === 1) axes.push(out.ndim - 1);
  return axes.length ? squeeze(out, axes) : out;
}

export interface GatherMmOptions extends StreamOptions {
  /** A hint in MLX (indices already sorted); the result does not depend on it. */
  sortedIndices?: boolean;
}

/**
 * Matrix products of the matrices picked by index (MLX's gather_mm): a's
 * batch (flattened) at lhsIndices times b's at rhsIndices (default: all in
 * order); output broadcast(lhsIndices, rhsIndices) + (M, N).
 */
export const gatherMm = streamed("gatherMm", function gatherMm(
  a: MxArray, b: MxArray, lhsIndices: MxArray | null = null, rhsIndices: MxArray | null = null,
  options: GatherMmOptions = {},
): MxArray {
  const op = "gather_mm";
  boolArg(optionsArg<GatherMmOptions>(options, op, ["sortedIndices"]).sortedIndices, "sortedIndices", op);
  const li = indexArg(lhsIndices, "lhsIndices", op), ri = indexArg(rhsIndices, "rhsIndices", op);
  if (li === null && ri === null) return matmul(arrayArg(a, "a", op), arrayArg(b, "b", op));
  const [x, y, t] = operands(a, b, op);
  return tidy(() => {
    const [am, bm] = asMatrices(astype(x, t), astype(y, t), op);
    return squeezeVectors(matmul(pickMatrices(am, li), pickMatrices(bm, ri)), x, y);
  });
}, true);

/** A block mask (..., rows/bs, cols/bs) spread over (..., rows, cols) elements. */
function spread(mask: MxArray, bs: number, rows: number, cols: number, dtype: Dtype): MxArray {
  const nd = mask.ndim;
  const full = repeat(repeat(astype(mask, dtype), bs, nd - 2), bs, nd - 1);
  const r = full.shape[nd - 2]!, c = full.shape[nd - 1]!;
  if (r === rows && c === cols) return full;
  return indexArray(full, "...", slice(0, rows), slice(0, cols));
}

/**
 * a @ b with block masks of blockSize x blockSize tiles (MLX's
 * block_masked_mm): maskLhs (..., ceil(M/bs), ceil(K/bs)) and maskRhs
 * (..., ceil(K/bs), ceil(N/bs)) zero (bool) or scale (float) the operands'
 * tiles, maskOut (..., ceil(M/bs), ceil(N/bs)) the output's.
 */
export const blockMaskedMm = streamed("blockMaskedMm", function blockMaskedMm(
  a: MxArray, b: MxArray, blockSize = 64, maskOut: MxArray | null = null, maskLhs: MxArray | null = null,
  maskRhs: MxArray | null = null,
): MxArray {
  const op = "block_masked_mm";
  const mo = maskOut == null ? null : arrayArg(maskOut, "maskOut", op);
  const ml = maskLhs == null ? null : arrayArg(maskLhs, "maskLhs", op);
  const mr = maskRhs == null ? null : arrayArg(maskRhs, "maskRhs", op);
  if (!mo && !ml && !mr) return matmul(arrayArg(a, "a", op), arrayArg(b, "b", op));
  const bs = intArg(blockSize, "blockSize", op);
  if (bs !== 32 && bs !== 64) throw new Error(`[${op}] Only block_sizes 32, 64 are supported.Got block size ${bs}.`);
  const [x, y, t] = operands(a, b, op);
  return tidy(() => {
    let [am, bm] = asMatrices(astype(x, t), astype(y, t), op);
    const M = am.shape[am.ndim - 2]!, K = am.shape[am.ndim - 1]!, N = bm.shape[bm.ndim - 1]!;
    const tiles = (n: number) => Math.ceil(n / bs);
    // Each mask broadcast to its tile grid (MLX's broadcast_mask), then spread.
    const grid = (mask: MxArray, rows: number, cols: number, name: string) => {
      const want = [rows, cols];
      const s = mask.shape.slice(-2);
      if (mask.ndim < 2 || (s[0] !== rows && s[0] !== 1) || (s[1] !== cols && s[1] !== 1))
        throw new Error(`[${op}] ${name} with shape ${shapeText(mask.shape)} does not match the tile grid (${want.join(",")}).`);
      return broadcastTo(mask, [...mask.shape.slice(0, -2), rows, cols]);
    };
    if (ml || mr) {
      let l = ml ?? scalarOf(1, t), r = mr ?? scalarOf(1, t);
      if (x.ndim === 1 && ml) l = expandDims(l, -2);
      if (y.ndim === 1 && mr) r = expandDims(r, -1);
      if (ml) am = multiply(am, spread(grid(l, tiles(M), tiles(K), "maskLhs"), bs, M, K, t));
      if (mr) bm = multiply(bm, spread(grid(r, tiles(K), tiles(N), "maskRhs"), bs, K, N, t));
    }
    let out = matmul(am, bm);
    if (mo) {
      let o = mo;
      if (x.ndim === 1) o = expandDims(o, -2);
      if (y.ndim === 1) o = expandDims(o, -1);
      out = multiply(out, spread(grid(o, tiles(M), tiles(N), "maskOut"), bs, M, N, t));
    }
    return squeezeVectors(out, x, y);
  });
});

/**
 * Products of a's columns and b's rows over segments of the inner axis (MLX's
 * segmented_mm): segments (..., 2) of [start, end) pairs give (..., M, N),
 * each a[:, start:end] @ b[start:end, :].
 */
export const segmentedMm = streamed("segmentedMm", function segmentedMm(a: MxArray, b: MxArray, segments: MxArray): MxArray {
  const op = "segmented_mm";
  const [x, y, t] = operands(a, b, op);
  const seg = arrayArg(segments, "segments", op);
  if (x.ndim !== 2 || y.ndim !== 2) throw new Error(`[${op}] Batched matmul not supported`);
  if (seg.ndim < 1 || seg.shape[seg.ndim - 1] !== 2)
    throw new Error(`[${op}] The segments should have shape (..., 2) but ${shapeText(seg.shape)} was provided.`);
  if (seg.dtype.kind !== "int" && seg.dtype.kind !== "uint")
    throw new Error(`[${op}] Got segments with invalid dtype. Segments must be integral.`);
  if (x.shape[1] !== y.shape[0])
    throw new Error(`[${op}] Last dimension of first input with shape ${shapeText(x.shape)} must match second to last dimension of second input with shape ${shapeText(y.shape)}.`);
  return tidy(() => {
    const K = x.shape[1]!;
    const k = arange(0, K, int64);
    const s = astype(seg, int64);
    const start = take(s, 0, -1), end = take(s, 1, -1);
    // (..., K): 1 on the segment's columns of the inner axis, 0 elsewhere.
    const inSeg = logicalAnd(greaterEqual(k, expandDims(start, -1)), less(k, expandDims(end, -1)));
    const masked = multiply(astype(x, t), expandDims(astype(inSeg, t), -2));
    return matmul(masked, astype(y, t));
  });
});

/**
 * The Hadamard matrices MLX uses for the non-power-of-two factor m (rows of
 * signs; from N. J. A. Sloane's library of Hadamard matrices, as MLX's
 * mlx/backend/common/hadamard.h), tried in this order.
 */
const HADAMARD_M: [number, string][] = [
  [12, "+-++++++++++ --+-+-+-+-+- +++-++----++ +---+--+-++- +++++-++---- +-+---+--+-+ ++--+++-++-- +--++---+--+ ++----+++-++ +--+-++---+- ++++----+++- +-+--+-++---"],
  [20, "+----+----++--++-++- -+----+---+++---+-++ --+----+---+++-+-+-+ ---+----+---+++++-+- ----+----++--++-++-+ -+++++-----+--+++--+ +-+++-+---+-+--+++-- ++-++--+---+-+--+++- +++-+---+---+-+--+++ ++++-----++--+-+--++ --++-+-++-+-----++++ ---++-+-++-+---+-+++ +---++-+-+--+--++-++ ++---++-+----+-+++-+ -++---++-+----+++++- -+--+--++-+----+---- +-+-----++-+----+--- -+-+-+---+--+----+-- --+-+++------+----+- +--+--++------+----+"],
  [28, "+------++----++-+--+-+--++-- -+-----+++-----+-+--+-+--++- --+-----+++---+-+-+----+--++ ---+-----+++---+-+-+-+--+--+ ----+-----+++---+-+-+++--+-- -----+-----++++--+-+--++--+- ------++----++-+--+-+--++--+ --++++-+-------++--+++-+--+- ---++++-+-----+-++--+-+-+--+ +---+++--+----++-++--+-+-+-- ++---++---+----++-++--+-+-+- +++---+----+----++-++--+-+-+ ++++--------+-+--++-++--+-+- -++++--------+++--++--+--+-+ -+-++-++--++--+--------++++- +-+-++--+--++--+--------++++ -+-+-++--+--++--+----+---+++ +-+-+-++--+--+---+---++---++ ++-+-+-++--+------+--+++---+ -++-+-+-++--+------+-++++--- +-++-+---++--+------+-++++-- -++--++-+-++-+++----++------ +-++--++-+-++-+++-----+----- ++-++---+-+-++-+++-----+---- -++-++-+-+-+-+--+++-----+--- --++-++++-+-+----+++-----+-- +--++-+-++-+-+----+++-----+- ++--++-+-++-+-+----++------+"],
];

/**
 * The Walsh-Hadamard transform along the last axis (MLX's hadamard_transform),
 * times `scale` (default 1/sqrt(n)). For n = 2^k, Sylvester's matrix (entry
 * (i, j) = (-1)^popcount(i & j)); for n = m * 2^k with m in 12, 20, 28, MLX's
 * H_m (x) H_(2^k): each run of 2^k values transformed, then H_m across the
 * runs. Integer inputs give float32.
 */
export const hadamardTransform = streamed("hadamardTransform", function hadamardTransform(a: MxArray, scale: number | null = null): MxArray {
  const op = "hadamard_transform";
  const x = arrayArg(a, "a", op);
  if (x.size === 0) throw new Error(`[${op}] Does not support empty arrays.`);
  const total = x.ndim > 0 ? x.shape[x.ndim - 1]! : 1;
  const s = scale === null || scale === undefined ? 1 / Math.sqrt(total) : numArg(scale, "scale", op);
  const t = x.dtype.kind === "float" ? x.dtype : float32;
  const [m, signs] = total & (total - 1) ? HADAMARD_M.find(([f]) => total % f === 0) ?? [1, ""] : [1, ""];
  const n = total / m;
  if (n & (n - 1)) throw new Error(`[${op}] Only supports n = m*2^k where m in (1, 12, 20, 28).`);
  if (n > 2 ** 26) throw new Error(`[${op}] Only supports n = m*2^k where k <= 26`);
  return tidy(() => {
    const batch = x.shape.slice(0, -1);
    let y = astype(x, t);
    if (total === 1) return s === 1 ? y : multiply(y, scalarOf(s, t));
    // One butterfly per bit of the index within each run of n, high bit
    // first: pairs (u, v) at distance h become (u + v, u - v).
    for (let h = n / 2; h >= 1; h /= 2) {
      const r = reshape(y, [...batch, m, n / (2 * h), 2, h]);
      const u = take(r, 0, -2), v = take(r, 1, -2);
      y = reshape(concatenate([expandDims(add(u, v), -2), expandDims(subtract(u, v), -2)], -2), [...batch, m * n]);
    }
    if (m > 1) {
      const hm = array(Float32Array.from([...signs.replace(/ /g, "")].map((c) => (c === "+" ? 1 : -1)))).reshape([m, m]);
      y = reshape(matmul(astype(hm, t), reshape(y, [...batch, m, n])), [...batch, m * n]);
    }
    return s === 1 ? y : multiply(y, scalarOf(s, t));
  });
});

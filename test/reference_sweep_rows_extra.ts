// The ops sweep's rows for the MLX ops composed in TypeScript (ts/ops_extra/),
// in the format of reference_sweep_rows.ts, which adds them to its table and
// master list.
import { mx } from "./setup.js";
import * as ref from "./reference.js";
import type { Row } from "./reference_sweep.js";

const rnd = (i: number, b: number, k: number) => ref.rand(1, 3 + i * 131 + b * 17 + k * 7919)[0]!;
/** Values at least 0.1 apart (no ties for sorts), shuffled per example. */
const distinct = (i: number, b: number, k: number) => ((i * 7 + b * 3 + k * 5) % 23) / 10 - 1.1 + rnd(i, b, k) * 0.02;
/** Infinities of both signs among finite values, placed per example. */
const infinities = (i: number, b: number) => [Infinity, -Infinity, 0.5, -2, NaN][(i + b) % 5]!;
/** Increasing values along the flattened input (a sorted sequence). */
const increasing = (i: number, b: number) => i * 0.5 - 1 + b * 0.1 + rnd(i, b, 0) * 0.05;

export const extraRows: Row[] = [
  // elementwise
  { op: "degrees", inputs: [[2, 3]], fn: (x) => mx.degrees(x) },
  { op: "radians", inputs: [[2, 3]], fn: (x) => mx.radians(x) },
  { op: "positive", inputs: [[2, 3]], fn: (x) => mx.positive(x) },
  { op: "nanToNum", inputs: [[2, 3]], fn: (x) => mx.nanToNum(x, { posinf: 2 }) },
  { op: "fullLike", inputs: [[2, 3], [3]], fn: (a, v) => mx.fullLike(a, v) },
  { op: "fullLike", label: "scalar, dtype", inputs: [[2, 2]], zeroGrad: true, fn: (a) => mx.fullLike(a, 3, mx.int32) },
  { op: "trunc", inputs: [[2, 3]], gen: (i, b) => i * 0.7 - 1.9 + b * 0.05, zeroGrad: true, fn: (x) => mx.trunc(x) },
  { op: "isposinf", inputs: [[2, 3]], gen: infinities, zeroGrad: true, fn: (x) => mx.isposinf(x) },
  { op: "isneginf", inputs: [[2, 3]], gen: infinities, zeroGrad: true, fn: (x) => mx.isneginf(x) },
  { op: "logicalXor", inputs: [[2, 3], [3]], zeroGrad: true, fn: (a, c) => mx.logicalXor(a.greater(0), c.greater(0)) },
  {
    op: "divmod",
    inputs: [[2, 3], [3]],
    gen: (i, b, k) => (k === 0 ? 3 * rnd(i, b, 0) : [0.7, -1.3, 2.1][i]! + b * 0.01),
    zeroGrad: true,
    fn: (a, c) => mx.divmod(a, c),
  },
  // shapes
  { op: "flip", inputs: [[2, 3]], fn: (x) => mx.flip(x) },
  { op: "flip", label: "one axis", inputs: [[2, 3, 2]], fn: (x) => mx.flip(x, -2) },
  { op: "roll", inputs: [[2, 4]], fn: (x) => mx.roll(x, 1, 1) },
  { op: "roll", label: "flattened, negative", inputs: [[2, 3]], fn: (x) => mx.roll(x, -2) },
  { op: "roll", label: "two axes", inputs: [[3, 4]], fn: (x) => mx.roll(x, [1, 5], [1, 0]) },
  { op: "atleast1d", inputs: [[]], fn: (x) => mx.atleast1d(x) },
  { op: "atleast2d", inputs: [[3]], fn: (x) => mx.atleast2d(x) },
  { op: "atleast3d", inputs: [[2, 3], [3]], fn: (a, c) => mx.atleast3d(a, c) },
  { op: "permuteDims", inputs: [[2, 3, 2]], fn: (x) => mx.permuteDims(x, [1, 2, 0]) },
  { op: "concat", inputs: [[2, 3], [1, 3]], fn: (a, c) => mx.concat([a, c]) },
  { op: "unstack", inputs: [[2, 3]], fn: (x) => mx.unstack(x, { axis: 1 }) },
  { op: "meshgrid", inputs: [[3], [2]], fn: (a, c) => mx.meshgrid(a, c) },
  { op: "meshgrid", label: "ij, sparse", inputs: [[3], [2]], fn: (a, c) => mx.meshgrid(a, c, { indexing: "ij", sparse: true }) },
  { op: "diff", inputs: [[2, 4]], fn: (x) => mx.diff(x) },
  { op: "diff", label: "second order, axis 0", inputs: [[4, 2]], fn: (x) => mx.diff(x, 2, 0) },
  // matrices
  { op: "diagonal", inputs: [[3, 4]], fn: (x) => mx.diagonal(x, 1) },
  { op: "diagonal", label: "batched, axes (2, 0)", inputs: [[2, 3, 4]], fn: (x) => mx.diagonal(x, -1, 2, 0) },
  { op: "diag", inputs: [[3]], fn: (x) => mx.diag(x, 1) },
  { op: "diag", label: "below", inputs: [[2]], fn: (x) => mx.diag(x, -2) },
  { op: "diag", label: "of a matrix", inputs: [[3, 2]], fn: (x) => mx.diag(x, -1) },
  { op: "trace", inputs: [[3, 3]], fn: (x) => mx.trace(x) },
  { op: "trace", label: "offset, axes", inputs: [[2, 3, 3]], fn: (x) => mx.trace(x, 1, 1, 2) },
  { op: "kron", inputs: [[2, 2], [2, 3]], fn: (a, c) => mx.kron(a, c) },
  { op: "kron", label: "ranks 1 and 2", inputs: [[3], [2, 2]], fn: (a, c) => mx.kron(a, c) },
  { op: "vecdot", inputs: [[2, 3], [2, 3]], fn: (a, c) => mx.vecdot(a, c) },
  { op: "vecdot", label: "axis 0", inputs: [[3, 2], [3, 2]], fn: (a, c) => mx.vecdot(a, c, { axis: 0 }) },
  // reductions, scans, order statistics
  { op: "countNonzero", inputs: [[2, 3]], zeroGrad: true, fn: (x) => mx.countNonzero(x.greater(0), { axis: 1 }) },
  { op: "median", inputs: [[2, 5]], gen: distinct, fn: (x) => mx.median(x, 1) },
  { op: "median", label: "even count, all, keepdims", inputs: [[2, 3]], gen: distinct, fn: (x) => mx.median(x, undefined, true) },
  { op: "logcumsumexp", inputs: [[2, 5]], fn: (x) => mx.logcumsumexp(x, 1) },
  { op: "logcumsumexp", label: "reverse exclusive", inputs: [[3, 2]], fn: (x) => mx.logcumsumexp(x, 0, { reverse: true, inclusive: false }).index(mx.slice(0, 2)) },
  { op: "logcumsumexp", label: "flattened", inputs: [[2, 3]], fn: (x) => mx.logcumsumexp(x) },
  { op: "partition", inputs: [[2, 5]], gen: distinct, fn: (x) => mx.partition(x, 2).index("...", 2) },
  { op: "argpartition", inputs: [[2, 5]], gen: distinct, zeroGrad: true, fn: (x) => mx.argpartition(x, 1, 0) },
  { op: "searchsorted", inputs: [[5], [2, 3]], gen: (i, b, k) => (k === 0 ? increasing(i, b) : 1.5 * rnd(i, b, 1)), zeroGrad: true, fn: (s, v) => mx.searchsorted(s, v) },
  { op: "searchsorted", label: "right", inputs: [[4], [3]], gen: (i, b, k) => (k === 0 ? increasing(i, b) : 1.5 * rnd(i, b, 1)), zeroGrad: true, fn: (s, v) => mx.searchsorted(s, v, "right") },
  // fp8: integer codes, so zero derivatives
  { op: "toFp8", inputs: [[2, 3]], gen: (i, b) => (i - 2.5) * 0.7 + b * 0.01, zeroGrad: true, fn: (x) => mx.toFp8(x) },
  { op: "fromFp8", inputs: [[2, 3]], zeroGrad: true, fn: (x) => mx.fromFp8(mx.toFp8(x), mx.float32) },
  // signals
  { op: "convolve", inputs: [[5], [3]], fn: (a, v) => mx.convolve(a, v) },
  { op: "convolve", label: "same, even kernel", inputs: [[5], [2]], fn: (a, v) => mx.convolve(a, v, "same") },
  { op: "convolve", label: "valid, swapped", inputs: [[3], [6]], fn: (a, v) => mx.convolve(a, v, "valid") },
];

/** The ops of ts/ops_extra/ (issue 15's list) that take arrays, for the master list. */
export const EXTRA_OPS: string[] = (
  "degrees radians isposinf isneginf logicalXor positive trunc nanToNum divmod fullLike " +
  "flip roll atleast1d atleast2d atleast3d permuteDims concat unstack meshgrid diff " +
  "diagonal diag trace kron vecdot countNonzero median logcumsumexp partition argpartition searchsorted " +
  "convolve bartlett hanning hamming blackman toFp8 fromFp8"
).split(" ");

export const EXTRA_NOT_SWEPT: Record<string, string> = {
  bartlett: "no array argument",
  hanning: "no array argument",
  hamming: "no array argument",
  blackman: "no array argument",
};

// The ops sweep's table (see reference_sweep.ts for what each row is checked
// against), grouped as the suites run it, and the master list of API.md's
// operations that the coverage suite holds the table to.
import { mx } from "./setup.js";
import * as ref from "./reference.js";
import type { Row } from "./reference_sweep.js";
import { EXTRA_NOT_SWEPT, EXTRA_OPS, extraRows } from "./reference_sweep_rows_extra.js";
import { MX_LINALG_NOT_SWEPT, MX_LINALG_OPS, mxLinalgRows } from "./reference_sweep_rows_mx_linalg.js";
import { BATCH3_NOT_SWEPT, BATCH3_OPS, batch3Rows } from "./reference_sweep_rows_batch3.js";
import { FFT_NOT_SWEPT, FFT_OPS, fftRows } from "./reference_sweep_rows_fft.js";

type A = any;
const M = mx as A;

/** A pseudo-random value in [-1, 1) for element i of input k in example b. */
export const rnd = (i: number, b: number, k: number) => ref.rand(1, 1 + i * 131 + b * 17 + k * 7919)[0]!;
/** Values with gaps of at least 0.1 between them (no ties for max/min/sort), shuffled per example. */
const distinct = (i: number, b: number, k: number) => ((i * 7 + b * 3 + k * 5) % 23) / 10 - 1.1 + rnd(i, b, k) * 0.02;
const positive = (i: number, b: number, k: number) => 0.5 + (rnd(i, b, k) + 1) / 2;
/** Integer input spec: values from `f(i, b)`. */
const idx = (shape: number[], f: (i: number, b: number) => number) => ({ shape, gen: f });

// ---------------------------------------------------------------- elementwise

const unaryDomains: [string, (i: number, b: number) => number][] = [
  ["abs", (i, b) => (i % 2 ? 1 : -1) * (0.3 + i / 10 + b / 20)],
  ["negative", (i, b) => i / 7 - 0.4 + b / 9],
  ["exp", (i, b) => i / 5 - 1 + b / 7],
  ["expm1", (i, b) => i / 5 - 1 + b / 7],
  ["log", (i, b) => 0.2 + i / 3 + b / 7],
  ["log1p", (i, b) => i / 3 + b / 7],
  ["log2", (i, b) => 0.2 + i / 3 + b / 7],
  ["log10", (i, b) => 0.2 + i / 3 + b / 7],
  ["sqrt", (i, b) => 0.2 + i / 3 + b / 7],
  ["rsqrt", (i, b) => 0.2 + i / 3 + b / 7],
  ["square", (i, b) => i / 4 - 0.7 + b / 7],
  ["reciprocal", (i, b) => 0.5 + i / 3 + b / 7],
  ["sin", (i, b) => i / 2 + b / 7],
  ["cos", (i, b) => i / 2 + b / 7],
  ["tan", (i, b) => i / 10 - 0.3 + b / 20],
  ["arcsin", (i, b) => i / 10 - 0.3 + b / 20],
  ["arccos", (i, b) => i / 10 - 0.3 + b / 20],
  ["arctan", (i, b) => i / 2 - 1 + b / 7],
  ["sinh", (i, b) => i / 4 - 0.5 + b / 7],
  ["cosh", (i, b) => i / 4 - 0.5 + b / 7],
  ["tanh", (i, b) => i / 4 - 0.5 + b / 7],
  ["arcsinh", (i, b) => i / 2 - 1 + b / 7],
  ["arccosh", (i, b) => 1.2 + i / 2 + b / 7],
  ["arctanh", (i, b) => i / 10 - 0.3 + b / 20],
  ["sigmoid", (i, b) => i / 2 - 1 + b / 7],
  ["erf", (i, b) => i / 4 - 0.5 + b / 7],
  ["erfinv", (i, b) => i / 10 - 0.3 + b / 20],
];

export const elementwiseRows: Row[] = [
  ...unaryDomains.map(([op, gen]): Row => ({ op, inputs: [[2, 3]], gen: (i, b) => gen(i, b), fn: (x) => M[op](x) })),
  // binary ops, broadcasting a (2,3) against a (3)
  ...["add", "subtract", "multiply", "divide", "maximum", "minimum", "arctan2", "logaddexp"].map(
    (op): Row => ({
      op,
      inputs: [[2, 3], [3]],
      // b stays away from 0 (divide, arctan2) and from a (maximum, minimum)
      gen: (i, b, k) => (k === 0 ? 2 + rnd(i, b, 0) : -2.5 + rnd(i, b, 1)),
      fn: (a, c) => M[op](a, c),
    }),
  ),
  { op: "power", inputs: [[2, 3], [3]], gen: (i, b, k) => (k === 0 ? positive(i, b, 0) : rnd(i, b, 1) * 2), fn: (a, c) => mx.power(a, c) },
  {
    op: "remainder",
    inputs: [[2, 3], [3]],
    // a / b stays well inside (n, n + 1): remainder is smooth there
    gen: (i, b, k) => (k === 0 ? [0.3, 1.6, 2.45, -0.7, -1.55, 3.3][i]! + rnd(i, b, 0) * 0.05 : [0.8, 1.1, -1.3][i]! + rnd(i, b, 1) * 0.05),
    fn: (a, c) => mx.remainder(a, c),
  },
  // arithmetic methods and scalars
  { op: "add", label: "method with a scalar", inputs: [[2, 2]], fn: (x) => x.add(3).mul(2).sub(1).div(4).neg() },
  { op: "where", inputs: [[2, 3], [2, 3]], ints: [idx([2, 3], (i, b) => (i + b) % 2)], fn: (x, y, c) => mx.where(mx.notEqual(c, 0), x, y) },
  { op: "where", label: "broadcast scalar", inputs: [[2, 3]], ints: [idx([3], (i, b) => (i + b) % 2)], fn: (x, c) => mx.where(mx.equal(c, 0), x, 0.5) },
  {
    op: "clip",
    inputs: [[2, 4]],
    gen: (i, b) => [-0.9, -0.2, 0.1, 0.8, 0.35, -0.5, 0.6, -0.05][i]! + b / 100,
    fn: (x) => mx.clip(x, -0.3, 0.4),
  },
  {
    op: "clip",
    label: "array bounds",
    inputs: [[2, 3], [3], [3]],
    gen: (i, b, k) => (k === 0 ? [-0.9, 0.05, 0.9, 0.3, -0.2, 0.5][i]! + b / 100 : k === 1 ? -0.5 + i / 10 : 0.4 + i / 10),
    fn: (x, lo, hi) => mx.clip(x, lo, hi),
  },
  { op: "tril", inputs: [[3, 3]], fn: (x) => mx.tril(x) },
  { op: "triu", inputs: [[3, 4]], fn: (x) => mx.triu(x, 1) },
  { op: "full", inputs: [[3]], fn: (v) => mx.full([2, 3], v) },
  // float32 in, float64 out: the cotangent comes back as float32
  { op: "astype", inputs: [[2, 2]], f32: true, fn: (x) => x.astype(mx.float64).square() },
];

/** Ops with no derivative: MLX gives them zero gradients (or they output booleans/integers). */
export const zeroGradRows: Row[] = [
  ...["sign", "floor", "ceil", "isnan", "isinf", "isfinite", "logicalNot", "stopGradient", "zerosLike", "onesLike"].map(
    (op): Row => ({ op, inputs: [[2, 3]], gen: (i, b) => i / 3 - 0.9 + b / 10, zeroGrad: true, fn: (x) => M[op](x) }),
  ),
  { op: "round", inputs: [[2, 3]], gen: (i, b) => i / 3 - 0.9 + b / 10, zeroGrad: true, fn: (x) => mx.round(x, 1) },
  ...["floorDivide", "equal", "notEqual", "less", "lessEqual", "greater", "greaterEqual", "logicalAnd", "logicalOr"].map(
    (op): Row => ({ op, inputs: [[2, 3], [3]], gen: (i, b, k) => Math.round(rnd(i, b, k) * 3) / 2 + 0.25, zeroGrad: true, fn: (a, c) => M[op](a, c) }),
  ),
  { op: "isclose", inputs: [[2, 3], [3]], zeroGrad: true, fn: (a, c) => mx.isclose(a, c.mul(0).add(a.index(0)), 1e-5, 1e-8) },
  { op: "allclose", inputs: [[2, 3], [2, 3]], zeroGrad: true, fn: (a, c) => mx.allclose(a, c) },
  { op: "arrayEqual", inputs: [[2, 3], [2, 3]], zeroGrad: true, fn: (a, c) => mx.arrayEqual(a, c) },
  { op: "all", inputs: [[2, 3]], zeroGrad: true, fn: (x) => mx.all(x.greater(0), 1) },
  { op: "any", inputs: [[2, 3]], zeroGrad: true, fn: (x) => mx.any(x.greater(0.5)) },
  { op: "argmax", inputs: [[2, 4]], gen: distinct, zeroGrad: true, fn: (x) => mx.argmax(x, 1) },
  { op: "argmin", inputs: [[2, 4]], gen: distinct, zeroGrad: true, fn: (x) => mx.argmin(x, 0, true) },
  { op: "argsort", inputs: [[2, 4]], gen: distinct, zeroGrad: true, fn: (x) => mx.argsort(x, -1) },
];

// ---------------------------------------------------------------- reductions, scans, sorting, normalisers

export const reduceRows: Row[] = [
  { op: "sum", inputs: [[2, 3, 2]], fn: (x) => mx.sum(x, 1) },
  { op: "sum", label: "axes, keepdims", inputs: [[2, 3, 2]], fn: (x) => x.sum([0, 2], true) },
  { op: "sum", label: "all", inputs: [[2, 3]], fn: (x) => x.sum() },
  { op: "mean", inputs: [[2, 3, 2]], fn: (x) => mx.mean(x, -1) },
  { op: "mean", label: "all", inputs: [[2, 3]], fn: (x) => x.mean() },
  { op: "prod", inputs: [[2, 3]], gen: positive, fn: (x) => mx.prod(x, 1) },
  { op: "prod", label: "with a zero", inputs: [[2, 3]], gen: (i, b) => (i === 1 ? 0 : positive(i, b, 0)), fn: (x) => mx.prod(x, 1) },
  { op: "prod", label: "all, keepdims", inputs: [[2, 2]], gen: positive, fn: (x) => x.prod(undefined, true) },
  { op: "max", inputs: [[2, 4]], gen: distinct, fn: (x) => mx.max(x, 1) },
  { op: "max", label: "all", inputs: [[2, 3]], gen: distinct, fn: (x) => x.max() },
  { op: "min", inputs: [[3, 2]], gen: distinct, fn: (x) => mx.min(x, 0, true) },
  { op: "var", inputs: [[2, 4]], fn: (x) => M.var(x, 1) },
  { op: "var", label: "ddof, all", inputs: [[2, 3]], fn: (x) => M.var(x, undefined, false, 1) },
  { op: "std", inputs: [[3, 4]], fn: (x) => mx.std(x, 0) },
  { op: "std", label: "all, keepdims", inputs: [[2, 3]], fn: (x) => mx.std(x, undefined, true) },
  { op: "logsumexp", inputs: [[2, 4]], fn: (x) => mx.logsumexp(x, 1) },
  { op: "logsumexp", label: "all", inputs: [[2, 3]], fn: (x) => mx.logsumexp(x) },
  { op: "softmax", inputs: [[2, 4]], fn: (x) => mx.softmax(x, -1) },
  { op: "softmax", label: "axes", inputs: [[2, 2, 2]], fn: (x) => mx.softmax(x, [0, 2]) },
  { op: "logSoftmax", inputs: [[2, 4]], fn: (x) => mx.logSoftmax(x, 1) },
  { op: "logSoftmax", label: "all", inputs: [[2, 3]], fn: (x) => mx.logSoftmax(x) },
  { op: "cumsum", inputs: [[2, 4]], fn: (x) => mx.cumsum(x, 1) },
  { op: "cumsum", label: "reverse", inputs: [[3, 2]], fn: (x) => mx.cumsum(x, 0, { reverse: true }) },
  { op: "cumsum", label: "exclusive", inputs: [[2, 4]], fn: (x) => mx.cumsum(x, -1, { inclusive: false }) },
  { op: "cumsum", label: "reverse exclusive, flattened", inputs: [[2, 3]], fn: (x) => mx.cumsum(x, undefined, { reverse: true, inclusive: false }) },
  { op: "cumprod", inputs: [[2, 4]], gen: positive, fn: (x) => mx.cumprod(x, 1) },
  { op: "cumprod", label: "reverse exclusive", inputs: [[2, 4]], gen: positive, fn: (x) => mx.cumprod(x, 1, { reverse: true, inclusive: false }) },
  { op: "cumprod", label: "with a zero", inputs: [[6]], gen: (i, b) => (i === 2 + (b % 2) ? 0 : positive(i, b, 0)), fn: (x) => mx.cumprod(x, 0) },
  {
    op: "cumprod",
    label: "two zeros, reverse exclusive",
    inputs: [[2, 6]],
    gen: (i, b) => (i === 1 || i === 4 + (b % 2) || i === 9 ? 0 : positive(i, b, 0)),
    fn: (x) => mx.cumprod(x, 1, { reverse: true, inclusive: false }),
  },
  { op: "cumprod", label: "zero first, exclusive", inputs: [[5]], gen: (i, b) => (i === 0 ? 0 : positive(i, b, 0)), fn: (x) => mx.cumprod(x, 0, { inclusive: false }) },
  { op: "cummax", inputs: [[2, 5]], gen: distinct, fn: (x) => mx.cummax(x, 1) },
  { op: "cummax", label: "reverse", inputs: [[2, 5]], gen: distinct, fn: (x) => mx.cummax(x, 1, { reverse: true }) },
  { op: "cummin", inputs: [[4, 2]], gen: distinct, fn: (x) => mx.cummin(x, 0) },
  { op: "sort", inputs: [[2, 5]], gen: distinct, fn: (x) => mx.sort(x, -1) },
  { op: "sort", label: "axis 0", inputs: [[3, 2]], gen: distinct, fn: (x) => mx.sort(x, 0) },
  { op: "sort", label: "flattened", inputs: [[2, 3]], gen: distinct, fn: (x) => mx.sort(x, null) },
  { op: "topk", inputs: [[2, 5]], gen: distinct, fn: (x) => mx.sort(mx.topk(x, 2, -1), -1) },
  { op: "topk", label: "axis 0", inputs: [[4, 2]], gen: distinct, fn: (x) => mx.sort(mx.topk(x, 3, 0), 0) },
];

// ---------------------------------------------------------------- shapes and indexing

const at = (op: string) => (x: A, v: A, i: A) => x.at(i)[op](v);

export const shapeRows: Row[] = [
  { op: "reshape", inputs: [[2, 3]], fn: (x) => mx.reshape(x, [3, 2]) },
  { op: "reshape", label: "-1 on a transposed view", inputs: [[2, 3]], fn: (x) => x.T.reshape([-1]) },
  { op: "flatten", inputs: [[2, 3, 2]], fn: (x) => mx.flatten(x) },
  { op: "flatten", label: "range", inputs: [[2, 3, 2]], fn: (x) => mx.flatten(x, 1, 2) },
  { op: "unflatten", inputs: [[2, 6]], fn: (x) => mx.unflatten(x, 1, [2, 3]) },
  { op: "squeeze", inputs: [[2, 1, 3]], fn: (x) => mx.squeeze(x, 1) },
  { op: "squeeze", label: "all", inputs: [[1, 3, 1]], fn: (x) => mx.squeeze(x) },
  { op: "expandDims", inputs: [[2, 3]], fn: (x) => mx.expandDims(x, [0, 2]) },
  { op: "transpose", inputs: [[2, 3, 2]], fn: (x) => mx.transpose(x, [2, 0, 1]) },
  { op: "transpose", label: "T", inputs: [[2, 3]], fn: (x) => x.T.mul(x.T) },
  { op: "swapaxes", inputs: [[2, 3, 2]], fn: (x) => mx.swapaxes(x, 0, 2) },
  { op: "moveaxis", inputs: [[2, 3, 2]], fn: (x) => mx.moveaxis(x, 0, -1) },
  { op: "broadcastTo", inputs: [[3]], fn: (x) => mx.broadcastTo(x, [2, 3]) },
  { op: "broadcastTo", label: "size-1 dim", inputs: [[2, 1]], fn: (x) => mx.broadcastTo(x, [2, 3]) },
  { op: "broadcastArrays", inputs: [[3], [2, 1]], fn: (a, c) => mx.broadcastArrays(a, c) },
  { op: "concatenate", inputs: [[2, 3], [2, 2]], fn: (a, c) => mx.concatenate([a, c], 1) },
  { op: "concatenate", label: "flattened", inputs: [[2, 2], [3]], fn: (a, c) => mx.concatenate([a, c], null) },
  { op: "stack", inputs: [[2, 3], [2, 3]], fn: (a, c) => mx.stack([a, c], 1) },
  { op: "split", inputs: [[2, 6]], fn: (x) => mx.split(x, 3, 1) },
  { op: "split", label: "indices", inputs: [[3, 2]], fn: (x) => mx.split(x, [1], 0) },
  { op: "tile", inputs: [[2, 3]], fn: (x) => mx.tile(x, [2, 1]) },
  { op: "tile", label: "scalar reps", inputs: [[3]], fn: (x) => mx.tile(x, 2) },
  { op: "repeat", inputs: [[2, 3]], fn: (x) => mx.repeat(x, 2, 1) },
  { op: "repeat", label: "flattened", inputs: [[2, 2]], fn: (x) => mx.repeat(x, 3) },
  { op: "pad", inputs: [[2, 3]], fn: (x) => mx.pad(x, [[1, 0], [0, 2]]) },
  { op: "pad", label: "edge", inputs: [[2, 3]], fn: (x) => mx.pad(x, 1, { mode: "edge" }) },
  { op: "pad", label: "constant value", inputs: [[3]], fn: (x) => mx.pad(x, [[2, 1]], { constantValues: 0.5 }) },
  { op: "asStrided", inputs: [[6]], fn: (x) => mx.asStrided(x, [3, 2], [2, 1], 0) },
  { op: "asStrided", label: "overlapping windows", inputs: [[2, 3]], fn: (x) => mx.asStrided(x, [4, 3], [1, 1], 0) },
  // x.index: views and gathers
  { op: "index", label: "slices", inputs: [[4, 3]], fn: (x) => x.index(mx.slice(1, null), 0) },
  { op: "index", label: "negative step, ellipsis", inputs: [[2, 4]], fn: (x) => x.index("...", mx.slice(null, null, -2)) },
  { op: "index", label: "new axis, strided", inputs: [[5]], fn: (x) => x.index(null, mx.slice(0, 5, 2)) },
  { op: "index", label: "integer array", inputs: [[4, 3]], ints: [idx([2, 2], (i, b) => (i * 3 + b) % 4 - 1)], fn: (x, i) => x.index(i) },
  {
    op: "index",
    label: "two integer arrays around a slice",
    inputs: [[3, 2, 4]],
    ints: [idx([2], (i, b) => (i + b) % 3), idx([2], (i, b) => (2 * i + b) % 4)],
    fn: (x, i, j) => x.index(i, mx.slice(), j),
  },
  // x.at(...) updates: distinct indices for set, repeated ones for the accumulating updates
  { op: "at", label: "set", inputs: [[4, 3], [2, 3]], ints: [idx([2], (i, b) => (i * 2 + b) % 4)], fn: at("set") },
  { op: "at", label: "add, repeated indices", inputs: [[4, 3], [3, 3]], ints: [idx([3], (i, b) => [0, 2, 0][i]! + (b % 2))], fn: at("add") },
  { op: "at", label: "subtract", inputs: [[4, 3], [3, 3]], ints: [idx([3], (i, b) => [1, 1, 3][i]! - (b % 2))], fn: at("subtract") },
  { op: "at", label: "multiply", inputs: [[4, 3], [3, 3]], ints: [idx([3], (i, b) => [0, 2, 0][i]! + (b % 2))], fn: at("multiply") },
  {
    op: "at",
    label: "divide",
    inputs: [[4, 3], [3, 3]],
    gen: (i, b, k) => (k === 1 ? positive(i, b, k) : rnd(i, b, k)),
    ints: [idx([3], (i, b) => [3, 2, 3][i]! - (b % 2))],
    fn: at("divide"),
  },
  { op: "at", label: "maximum", inputs: [[4, 3], [3, 3]], gen: distinct, ints: [idx([3], (i, b) => [0, 2, 0][i]! + (b % 2))], fn: at("maximum") },
  { op: "at", label: "minimum", inputs: [[4, 3], [2, 3]], gen: distinct, ints: [idx([2], (i, b) => (i + b) % 4)], fn: at("minimum") },
  { op: "at", label: "add through a slice", inputs: [[4, 3], [2, 3]], fn: (x, v) => x.at(mx.slice(1, 3)).add(v) },
  { op: "take", inputs: [[3, 4]], ints: [idx([2, 2], (i, b) => (i + 2 * b) % 4 - 1)], fn: (x, i) => mx.take(x, i, 1) },
  { op: "take", label: "flattened, repeated", inputs: [[2, 3]], ints: [idx([4], (i, b) => ([0, 5, 0, 2][i]! + b) % 6)], fn: (x, i) => mx.take(x, i) },
  { op: "takeAlongAxis", inputs: [[3, 4]], ints: [idx([3, 2], (i, b) => (i * 3 + b) % 4)], fn: (x, i) => mx.takeAlongAxis(x, i, 1) },
  { op: "takeAlongAxis", label: "axis 0", inputs: [[3, 2]], ints: [idx([2, 2], (i, b) => (i + b) % 3)], fn: (x, i) => mx.takeAlongAxis(x, i, 0) },
  {
    op: "putAlongAxis",
    inputs: [[3, 4], [3, 1]],
    ints: [idx([3, 1], (i, b) => (i + b) % 4)],
    fn: (x, v, i) => mx.putAlongAxis(x, i, v, 1),
  },
  { op: "sliceDynamic", inputs: [[3, 4]], ints: [idx([1], (_, b) => b % 2)], fn: (x, s) => mx.sliceDynamic(x, s, [1], [3, 3]) },
  { op: "sliceDynamic", label: "two axes", inputs: [[3, 4]], ints: [idx([2], (i, b) => (i + b) % 2)], fn: (x, s) => mx.sliceDynamic(x, s, [0, 1], [2, 2]) },
  { op: "sliceUpdate", inputs: [[3, 4], [3, 2]], ints: [idx([1], (_, b) => b)], fn: (x, u, s) => mx.sliceUpdate(x, u, s, [1]) },
];

// ---------------------------------------------------------------- linear algebra, convolutions, mx.fast

export const linalgRows: Row[] = [
  { op: "matmul", inputs: [[2, 3], [3, 4]], fn: (a, c) => mx.matmul(a, c) },
  { op: "matmul", label: "batched, broadcast", inputs: [[2, 2, 3], [3, 2]], fn: (a, c) => mx.matmul(a, c) },
  { op: "matmul", label: "vector-matrix", inputs: [[3], [3, 2]], fn: (a, c) => a.matmul(c) },
  { op: "matmul", label: "matrix-vector", inputs: [[2, 3], [3]], fn: (a, c) => mx.matmul(a, c) },
  { op: "addmm", inputs: [[2, 4], [2, 3], [3, 4]], fn: (c, a, b) => mx.addmm(c, a, b, { alpha: 0.5, beta: 2 }) },
  { op: "addmm", label: "broadcast c", inputs: [[4], [2, 3], [3, 4]], fn: (c, a, b) => mx.addmm(c, a, b) },
  { op: "outer", inputs: [[3], [2]], fn: (a, c) => mx.outer(a, c) },
  { op: "inner", inputs: [[2, 3], [4, 3]], fn: (a, c) => mx.inner(a, c) },
  { op: "tensordot", inputs: [[2, 3, 2], [3, 2, 2]], fn: (a, c) => mx.tensordot(a, c, 2) },
  { op: "tensordot", label: "axis lists", inputs: [[2, 3], [2, 4]], fn: (a, c) => mx.tensordot(a, c, [[0], [0]]) },
  { op: "einsum", label: "matmul", inputs: [[2, 3], [3, 4]], fn: (a, c) => mx.einsum("ij,jk->ik", a, c) },
  { op: "einsum", label: "batched, transposed out", inputs: [[2, 2, 3], [2, 3, 2]], fn: (a, c) => mx.einsum("bij,bjk->kib", a, c) },
  { op: "einsum", label: "dot", inputs: [[4], [4]], fn: (a, c) => mx.einsum("i,i->", a, c) },
  { op: "einsum", label: "sum over an axis, three operands", inputs: [[2, 3], [3], [2]], fn: (a, c, d) => mx.einsum("ij,j,i->j", a, c, d) },
  { op: "conv1d", inputs: [[1, 5, 2], [3, 3, 2]], fn: (x, w) => mx.conv1d(x, w, { padding: 1 }) },
  { op: "conv1d", label: "stride, dilation", inputs: [[2, 7, 2], [2, 2, 2]], fn: (x, w) => mx.conv1d(x, w, { stride: 2, dilation: 2 }) },
  { op: "conv1d", label: "groups", inputs: [[1, 5, 4], [2, 3, 2]], fn: (x, w) => mx.conv1d(x, w, { groups: 2 }) },
  { op: "conv2d", inputs: [[1, 4, 4, 2], [2, 3, 3, 2]], fn: (x, w) => mx.conv2d(x, w, { padding: 1 }) },
  { op: "conv2d", label: "stride, groups", inputs: [[1, 5, 4, 2], [2, 2, 2, 1]], fn: (x, w) => mx.conv2d(x, w, { stride: [2, 1], groups: 2 }) },
  { op: "convTranspose1d", inputs: [[1, 4, 2], [3, 3, 2]], fn: (x, w) => mx.convTranspose1d(x, w, { stride: 2, padding: 1 }) },
  { op: "convTranspose2d", inputs: [[1, 3, 3, 2], [2, 2, 3, 2]], fn: (x, w) => mx.convTranspose2d(x, w, { stride: 2 }) },
  { op: "rmsNorm", inputs: [[2, 4], [4]], fn: (x, w) => mx.fast.rmsNorm(x, w, 1e-5) },
  { op: "rmsNorm", label: "no weight", inputs: [[3, 3]], fn: (x) => mx.fast.rmsNorm(x, null) },
  { op: "layerNorm", inputs: [[2, 4], [4], [4]], fn: (x, w, b) => mx.fast.layerNorm(x, w, b, 1e-5) },
  { op: "layerNorm", label: "no affine", inputs: [[3, 4]], fn: (x) => mx.fast.layerNorm(x, null, null) },
  { op: "rope", inputs: [[1, 3, 4]], fn: (x) => mx.fast.rope(x, 4, { base: 10000, scale: 1, offset: 0 }) },
  { op: "rope", label: "traditional, partial, offset", inputs: [[2, 3, 6]], fn: (x) => mx.fast.rope(x, 4, { traditional: true, base: 100, scale: 0.5, offset: 2 }) },
  {
    op: "scaledDotProductAttention",
    inputs: [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4]],
    fn: (q, k, v) => mx.fast.scaledDotProductAttention(q, k, v, { scale: 0.5 }),
  },
  {
    op: "scaledDotProductAttention",
    label: "causal, fewer queries",
    inputs: [[1, 1, 2, 4], [1, 1, 3, 4], [1, 1, 3, 4]],
    fn: (q, k, v) => mx.fast.scaledDotProductAttention(q, k, v, { scale: 0.5, mask: "causal" }),
  },
];

// ---------------------------------------------------------------- random samplers with array arguments
// With a fixed key a sampler is a deterministic function of its array
// arguments; the key is not mapped, so every example draws the same bits,
// as in the loop.

const key = mx.keep(mx.random.key(3));
const mvnCov = mx.keep(mx.array([[2, 0.5, 0], [0.5, 1, 0.2], [0, 0.2, 0.5]]));

export const randomRows: Row[] = [
  {
    op: "random.uniform",
    inputs: [[3], [3]],
    gen: (i, b, k) => (k === 0 ? i - 1 + rnd(i, b, 0) * 0.2 : i + 0.5 + rnd(i, b, 1) * 0.2),
    fn: (lo, hi) => mx.random.uniform(lo, hi, [2, 3], { key, dtype: mx.float64 }),
  },
  {
    op: "random.truncatedNormal",
    inputs: [[3], [3]],
    gen: (i, b, k) => (k === 0 ? -1 + i / 5 + rnd(i, b, 0) * 0.1 : 0.5 + i / 4 + rnd(i, b, 1) * 0.1),
    fn: (lo, hi) => mx.random.truncatedNormal(lo, hi, [3], { key, dtype: mx.float64 }),
    tol: 1e-5,
  },
  { op: "random.bernoulli", inputs: [[2, 3]], gen: (i, b) => 0.2 + i / 10 + b / 50, zeroGrad: true, fn: (p) => mx.random.bernoulli(p, [2, 3], { key }) },
  { op: "random.categorical", inputs: [[2, 4]], zeroGrad: true, fn: (l) => mx.random.categorical(l, { key }) },
  { op: "random.randint", inputs: [[3], [3]], gen: (i, b, k) => (k === 0 ? i - 3 + b : i + 5), zeroGrad: true, fn: (lo, hi) => mx.random.randint(lo, hi, [3], { key }) },
  { op: "random.permutation", inputs: [[4, 3]], fn: (x) => mx.random.permutation(x, { key }) },
  { op: "random.permutation", label: "axis 1", inputs: [[2, 5]], fn: (x) => mx.random.permutation(x, { axis: -1, key }) },
  // cov is a constant here: its square root is taken on the host, so only mean can be traced.
  { op: "random.multivariateNormal", inputs: [[3]], f32: true, fn: (mu) => mx.random.multivariateNormal(mu, mvnCov, [2], { key }) },
];

export const allRows: Row[] = [...elementwiseRows, ...zeroGradRows, ...reduceRows, ...shapeRows, ...linalgRows, ...randomRows, ...extraRows, ...mxLinalgRows, ...batch3Rows, ...fftRows];

// ---------------------------------------------------------------- the master list

/**
 * API.md's "Operations" (and the array methods it names: index, at, astype),
 * copied by section. Every name needs a row above unless it is listed in
 * NOT_SWEPT with the reason.
 */
export const API_OPS: string[] = [
  // creation
  ..."zeros ones full arange linspace eye identity zerosLike onesLike tri tril triu".split(" "),
  // unary
  ..."abs negative sign exp expm1 log log1p log2 log10 sqrt rsqrt square reciprocal sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh sigmoid erf erfinv floor ceil round isnan isinf isfinite logicalNot stopGradient".split(" "),
  // binary
  ..."add subtract multiply divide floorDivide remainder power maximum minimum arctan2 logaddexp equal notEqual less lessEqual greater greaterEqual logicalAnd logicalOr where clip isclose allclose arrayEqual".split(" "),
  // reductions and scans
  ..."sum prod mean var std max min all any argmax argmin logsumexp cumsum cumprod cummax cummin sort argsort topk".split(" "),
  // shape
  ..."reshape flatten unflatten squeeze expandDims transpose swapaxes moveaxis broadcastTo broadcastArrays concatenate stack split tile repeat pad asStrided".split(" "),
  // indexing
  ..."index at take takeAlongAxis putAlongAxis sliceDynamic sliceUpdate".split(" "),
  // linear algebra and conv
  ..."matmul addmm outer inner tensordot einsum conv1d conv2d convTranspose1d convTranspose2d".split(" "),
  // nn and mx.fast
  ..."softmax logSoftmax rmsNorm layerNorm rope scaledDotProductAttention astype".split(" "),
  // random
  ..."seed key split bits uniform normal randint bernoulli categorical truncatedNormal gumbel permutation laplace multivariateNormal".split(" ").map((n) => `random.${n}`),
  // issue 15's ops composed in TypeScript (ts/ops_extra/)
  ...EXTRA_OPS,
  // mx.linalg
  ...MX_LINALG_OPS,
  // issue 15's third batch (bitwise, quantized, matmul variants, layout, 3-D convs)
  ...BATCH3_OPS,
  // complex64 and mx.fft
  ...FFT_OPS,
];

/** Operations without a sweep row, and why. */
export const NOT_SWEPT: Record<string, string> = {
  zeros: "no array argument",
  ones: "no array argument",
  arange: "no array argument",
  linspace: "no array argument",
  eye: "no array argument",
  identity: "no array argument",
  tri: "no array argument",
  "random.seed": "no array argument",
  "random.key": "no array argument",
  "random.split": "only a key: integer bits, nothing to differentiate",
  "random.bits": "only a key: integer bits, nothing to differentiate",
  "random.normal": "loc and scale are numbers: only a key as array argument",
  "random.gumbel": "only a key as array argument",
  "random.laplace": "loc and scale are numbers: only a key as array argument",
  ...EXTRA_NOT_SWEPT,
  ...MX_LINALG_NOT_SWEPT,
  ...BATCH3_NOT_SWEPT,
  ...FFT_NOT_SWEPT,
};

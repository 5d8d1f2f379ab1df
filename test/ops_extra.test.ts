// The MLX ops composed in TypeScript (ts/ops_extra/) against hand values from
// MLX's python/tests/test_ops.py and a pure-JS reference: values, dtypes,
// MLX's defaults and error messages, and compile. (Gradients and vmap: the
// sweep rows in reference_sweep_rows_extra.ts.)
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

type A = any;
const junk = mx as A;
const flat = (a: A) => Array.from(a.astype(mx.float64).dataSync() as Float64Array);
const iota = (shape: number[], dtype: A = mx.float32) =>
  mx.arange(0, ref.size(shape), dtype).reshape(shape);
const rnd = (shape: number[], seed: number) => mx.array(Float32Array.from(ref.rand(ref.size(shape), seed))).reshape(shape);

/** Element i of a row-major array of `shape` as its multi-index. */
function unravel(i: number, shape: number[]): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; --d) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}
const ravel = (idx: number[], shape: number[]) => idx.reduce((p, v, d) => p * shape[d]! + v, 0);
const mod = (a: number, n: number) => ((a % n) + n) % n;

/** numpy.roll on flat data: each listed axis (repeats add up) shifted by its shift. */
function refRoll(data: number[], shape: number[], shifts: number[], axes: number[]): number[] {
  const by = new Array<number>(shape.length).fill(0);
  axes.forEach((ax, i) => (by[mod(ax, shape.length)]! += shifts[i]!));
  return data.map((_, i) => {
    const idx = unravel(i, shape).map((v, d) => mod(v - by[d]!, shape[d]!));
    return data[ravel(idx, shape)]!;
  });
}

/** Expects fn to throw exactly `msg`, and the module to work afterwards. */
function expectError(fn: () => unknown, msg: string | RegExp) {
  expect(fn).toThrowError(msg);
  expect(mx.array([1, 2]).add(1).tolist()).toEqual([2, 3]);
}

describe("elementwise", () => {
  it("degrees and radians (integers in float32, float16 kept)", () => {
    const d = mx.degrees(mx.array([0, Math.PI / 2, -Math.PI]));
    expect(flat(d).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, 90, -180]);
    const r = mx.radians(mx.array([180, -90, 45], mx.int32));
    expect(r.dtype).toBe(mx.float32);
    expect(flat(r)).toEqual(ref.f32([180, -90, 45].map((v) => Math.fround(v) * Math.fround(Math.PI / 180))));
    expect(mx.degrees(mx.array([1], mx.float16)).dtype).toBe(mx.float16);
    expect(mx.radians(mx.array([1], mx.float64)).item()).toBe(Math.PI / 180);
  });

  it("isposinf and isneginf (MLX's cases)", () => {
    for (const dt of [mx.float32, mx.float16, mx.bfloat16, mx.float64]) {
      const x = mx.array([0, -Infinity, Infinity, NaN]).astype(dt);
      expect(mx.isposinf(x).tolist()).toEqual([false, false, true, false]);
      expect(mx.isneginf(x).tolist()).toEqual([false, true, false, false]);
    }
    expect(mx.isposinf(mx.array(0).mul(Infinity)).tolist()).toBe(false);
    const ints = mx.array([-2147483648, 0, 2147483647], mx.int32);
    expect(mx.isposinf(ints).tolist()).toEqual([false, false, false]);
    expect(mx.isneginf(mx.array([-32768, 0, 32767], mx.int16)).tolist()).toEqual([false, false, false]);
    expect(mx.isneginf(ints).dtype).toBe(mx.bool);
  });

  it("logicalXor, positive", () => {
    const x = mx.array([true, true, false, false]), y = mx.array([true, false, true, false]);
    expect(mx.logicalXor(x, y).tolist()).toEqual([false, true, true, false]);
    expect(mx.logicalXor(mx.array([0, 2, -1]), 0).tolist()).toEqual([false, true, true]);
    const a = mx.array([1, -2], mx.int32);
    const p = mx.positive(a);
    expect(p.dtype).toBe(mx.int32);
    p.dispose(); // a new array: disposing it leaves the argument alone
    expect(a.tolist()).toEqual([1, -2]);
  });

  it("trunc (MLX's values), integers unchanged", () => {
    // (-0.5 gives -0, as MLX's ceil does)
    expect(mx.trunc(mx.array([-1.5, -0.5, 0.0, 0.5, 2.7])).tolist()).toEqual([-1, -0, 0, 0, 2]);
    const i = mx.trunc(mx.array([-3, 4], mx.int32));
    expect([i.dtype, i.tolist()]).toEqual([mx.int32, [-3, 4]]);
  });

  it("nanToNum: defaults are the dtype's largest finite values; nan/posinf/neginf positional or as options", () => {
    const v = [Infinity, 6.5, NaN, -Infinity];
    expect(mx.nanToNum(mx.array(v)).tolist()).toEqual([3.4028234663852886e38, 6.5, 0, -3.4028234663852886e38]);
    expect(mx.nanToNum(mx.array(v).astype(mx.float16)).tolist()).toEqual([65504, 6.5, 0, -65504]);
    expect(mx.nanToNum(mx.array(v).astype(mx.bfloat16)).tolist()).toEqual([3.3895313892515355e38, 6.5, 0, -3.3895313892515355e38]);
    expect(mx.nanToNum(mx.array(v, mx.float64)).tolist()).toEqual([Number.MAX_VALUE, 6.5, 0, -Number.MAX_VALUE]);
    expect(mx.nanToNum(mx.array(v), 0, 1000, -1000).tolist()).toEqual([1000, 6.5, 0, -1000]);
    expect(mx.nanToNum(mx.array(v), { nan: -1, neginf: 5 }).tolist()).toEqual([3.4028234663852886e38, 6.5, -1, 5]);
    const ints = mx.nanToNum(mx.array([1, 2], mx.int32));
    expect([ints.dtype, ints.tolist()]).toEqual([mx.int32, [1, 2]]);
  });

  it("divmod floors as Python does (MLX's cases): q * b + r == a", () => {
    const av = [-7, 7, -7, 7, -1, 1, -5, 5, 6, -6], bv = [2, 2, -2, -2, 3, -3, 3, -3, 3, 3];
    const [q, r] = mx.divmod(mx.array(Int32Array.from(av)), mx.array(Int32Array.from(bv)));
    expect(q.dtype).toBe(mx.int32);
    expect(q.tolist()).toEqual(av.map((x, i) => Math.floor(x / bv[i]!)));
    expect(r.tolist()).toEqual(av.map((x, i) => x - bv[i]! * Math.floor(x / bv[i]!)));
    const [qf, rf] = mx.divmod(mx.array([-7, 7, -7.5, 7.5]), mx.array([2, -2, 2, -2]));
    expect(qf.tolist()).toEqual([-4, -4, -4, -4]);
    expect(rf.tolist()).toEqual([1, -1, 0.5, -0.5]);
    // broadcasting, a JS scalar weakly typed
    const [qb, rb] = mx.divmod(mx.array([[5], [9]], mx.uint16), 4);
    expect([qb.dtype, qb.tolist(), rb.tolist()]).toEqual([mx.uint16, [[1], [2]], [[1], [1]]]);
  });

  it("fullLike: a's shape and dtype unless given; vals broadcast with a", () => {
    const a = mx.zeros([2, 3], mx.int32);
    const f = mx.fullLike(a, 7.9);
    expect([f.dtype, f.tolist()]).toEqual([mx.int32, [[7, 7, 7], [7, 7, 7]]]);
    expect(mx.fullLike(a, 2.5, mx.float16).tolist()).toEqual([[2.5, 2.5, 2.5], [2.5, 2.5, 2.5]]);
    expect(mx.fullLike(a, mx.array([1, 2, 3])).tolist()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(mx.fullLike(mx.zeros([3]), mx.array([[1], [2]])).shape).toEqual([2, 3]);
    expectError(() => mx.fullLike(a, mx.zeros([4])), "[full_like] Shapes (2,3) and (4) cannot be broadcast.");
    expectError(() => junk.fullLike(a, "x"), /^\[full_like\] vals must be/);
  });
});

describe("shapes", () => {
  it("flip matches numpy for every axis choice (MLX's cases)", () => {
    const a = iota([2, 3]);
    expect(mx.flip(a).tolist()).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(mx.flip(a, 0).tolist()).toEqual([[3, 4, 5], [0, 1, 2]]);
    expect(mx.flip(a, 1).tolist()).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(mx.flip(a, -1).tolist()).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(mx.flip(a, [0, 1]).tolist()).toEqual([[5, 4, 3], [2, 1, 0]]);
    expect(mx.flip(mx.array([1, 2, 3, 4])).tolist()).toEqual([4, 3, 2, 1]);
    expect(mx.flip(mx.array(5)).tolist()).toBe(5);
    expectError(() => mx.flip(a, 2), "[flip] Axis 2 is out of bounds for array with 2 dimensions.");
  });

  it("roll matches numpy.roll over MLX's shifts x axes", () => {
    const x = iota([2, 5]);
    const data = flat(x);
    for (const s of [-2, -1, 0, 1, 2]) {
      expect(flat(mx.roll(x, s)), `${s}`).toEqual(refRoll(data, [10], [s], [0]));
      expect(flat(mx.roll(x, [s, s, s]))).toEqual(refRoll(data, [10], [3 * s], [0]));
    }
    const shifts: (number | number[])[] = [1, 2, -1, -2, [1, 1], [-1, 2], [33, 33]];
    const axes: (number | number[])[] = [0, 1, [1, 0], [0, 1], [0, 0], [1, 1]];
    for (const s of shifts)
      for (const ax of axes) {
        const sl = typeof s === "number" ? [s] : s, al = typeof ax === "number" ? [ax] : ax;
        // numpy broadcasts shift against axis
        const n = Math.max(sl.length, al.length);
        const want = refRoll(data, [2, 5], Array.from({ length: n }, (_, i) => sl[sl.length === 1 ? 0 : i]!),
          Array.from({ length: n }, (_, i) => al[al.length === 1 ? 0 : i]!));
        expect(flat(mx.roll(x, s, ax)), `shift ${s} axis ${ax}`).toEqual(want);
      }
    const e = mx.roll(mx.array([]), [0], [0]);
    expect(e.shape).toEqual([0]);
    expectError(() => mx.roll(x, [1], [0, 1]), "[roll] At least one shift value per axis is required, 1 provided for 2 axes.");
    expectError(() => mx.roll(x, 1, 2), "[roll] Invalid axis 2 for array with 2 dimensions.");
  });

  it("atleast1d/2d/3d: one array in, one out; several in, a list", () => {
    const s = mx.array(3), v = mx.array([1, 2]), m = iota([2, 3]), t = iota([1, 2, 3, 1]);
    expect([mx.atleast1d(s).shape, mx.atleast1d(v).shape, mx.atleast1d(m).shape]).toEqual([[1], [2], [2, 3]]);
    expect([mx.atleast2d(s).shape, mx.atleast2d(v).shape, mx.atleast2d(m).shape]).toEqual([[1, 1], [1, 2], [2, 3]]);
    expect([mx.atleast3d(s).shape, mx.atleast3d(v).shape, mx.atleast3d(m).shape, mx.atleast3d(t).shape])
      .toEqual([[1, 1, 1], [1, 2, 1], [2, 3, 1], [1, 2, 3, 1]]);
    const many = mx.atleast2d(s, v, m) as A[];
    expect(many.map((a) => a.shape)).toEqual([[1, 1], [1, 2], [2, 3]]);
    expect(mx.atleast3d(v).tolist()).toEqual([[[1], [2]]]);
    expectError(() => mx.atleast1d(), "[atleast_1d] Expected at least one mx.Array.");
  });

  it("permuteDims and concat are transpose and concatenate", () => {
    const x = iota([2, 3, 4]);
    expect(mx.permuteDims(x, [2, 0, 1]).tolist()).toEqual(mx.transpose(x, [2, 0, 1]).tolist());
    expect(mx.permuteDims(x).shape).toEqual([4, 3, 2]);
    expect(mx.concat([iota([2, 2]), iota([1, 2])]).tolist()).toEqual([[0, 1], [2, 3], [0, 1]]);
    expect(mx.concat([iota([2, 2]), iota([2, 1])], 1).shape).toEqual([2, 3]);
  });

  it("unstack (MLX's cases): the inverse of stack", () => {
    const a = iota([3, 2]);
    expect(mx.unstack(a).map((p) => p.tolist())).toEqual([[0, 1], [2, 3], [4, 5]]);
    expect(mx.unstack(a, { axis: 1 }).map((p) => p.tolist())).toEqual([[0, 2, 4], [1, 3, 5]]);
    expect(mx.unstack(a, { axis: -1 }).map((p) => p.shape)).toEqual([[3], [3]]);
    expect(mx.arrayEqual(mx.stack(mx.unstack(a, { axis: 1 }), 1), a).item()).toBe(true);
    expect(mx.unstack(mx.zeros([0, 2]))).toEqual([]);
    expectError(() => mx.unstack(a, { axis: 2 }), "[unstack] Axis 2 is out of bounds for array with 2 dimensions.");
  });

  it("meshgrid: xy and ij indexing, sparse grids (numpy's values)", () => {
    const x = mx.array([1, 2], mx.int32), y = mx.array([1, 2, 3], mx.int32);
    const [a, b] = mx.meshgrid(x, y);
    expect(a!.tolist()).toEqual([[1, 2], [1, 2], [1, 2]]);
    expect(b!.tolist()).toEqual([[1, 1], [2, 2], [3, 3]]);
    const [ai, bi] = mx.meshgrid(x, y, { indexing: "ij" });
    expect(ai!.tolist()).toEqual([[1, 1, 1], [2, 2, 2]]);
    expect(bi!.tolist()).toEqual([[1, 2, 3], [1, 2, 3]]);
    const sparse = mx.meshgrid(y, y, y, { sparse: true });
    expect(sparse.map((g) => g.shape)).toEqual([[1, 3, 1], [3, 1, 1], [1, 1, 3]]);
    expect(mx.meshgrid(y, y, y).map((g) => g.shape)).toEqual([[3, 3, 3], [3, 3, 3], [3, 3, 3]]);
    expect(mx.meshgrid(y)[0]!.tolist()).toEqual([1, 2, 3]);
    expectError(() => mx.meshgrid(x, { indexing: "yx" as A }), "[meshgrid] Invalid indexing value. Valid values are 'xy' and 'ij'.");
  });

  it("broadcastShapes (MLX's docstring examples) and its errors", () => {
    expect(mx.broadcastShapes([1], [3, 1])).toEqual([3, 1]);
    expect(mx.broadcastShapes([6, 7], [5, 6, 1], [7])).toEqual([5, 6, 7]);
    expect(mx.broadcastShapes([5, 1, 4], [1, 3, 1])).toEqual([5, 3, 4]);
    expect(mx.broadcastShapes([0, 1], [1, 3])).toEqual([0, 3]);
    expectError(() => mx.broadcastShapes([3], [4]), "[broadcast_shapes] Shapes (3) and (4) cannot be broadcast.");
    expectError(() => mx.broadcastShapes(), "[broadcast_shapes] Must provide at least one shape.");
    expectError(() => junk.broadcastShapes([2], 3), /^\[broadcast_shapes\] Expects a sequence of shapes/);
  });

  it("diff (MLX's cases)", () => {
    const a = mx.array([1, 2, 4, 7, 0], mx.int32);
    expect(mx.diff(a).tolist()).toEqual([1, 2, 3, -7]);
    expect(mx.diff(a, 2).tolist()).toEqual([1, 1, -10]);
    expect(mx.diff(a, 0).tolist()).toEqual([1, 2, 4, 7, 0]);
    expect(mx.diff(a, 7).shape).toEqual([0]);
    const m = mx.array([[1, 3, 6], [0, 5, 6]]);
    expect(mx.diff(m, 1, 0).tolist()).toEqual([[-1, 2, 0]]);
    expect(mx.diff(m, 1, 1).tolist()).toEqual([[2, 3], [5, 1]]);
    expectError(() => mx.diff(a, 1, 1), "[diff] Axis is out of bounds for the array.");
    expectError(() => mx.diff(a, -1), "[diff] Order `n` must be non-negative.");
  });
});

describe("matrices", () => {
  const x3 = () => iota([2, 3, 4], mx.int32);

  it("diagonal (MLX's cases) against a loop", () => {
    expect(mx.diagonal(x3(), 0, -1, 0).tolist()).toEqual([[0, 13], [4, 17], [8, 21]]);
    expect(mx.diagonal(x3(), -1, 2, 0).tolist()).toEqual([[1, 14], [5, 18], [9, 22]]);
    const m = rnd([4, 6], 3);
    const d = flat(m);
    for (const k of [-5, -2, 0, 1, 3, 6]) {
      const want: number[] = [];
      for (let i = Math.max(0, -k); i < 4 && i + k < 6; ++i) want.push(d[i * 6 + i + k]!);
      expect(flat(mx.diagonal(m, k)), `offset ${k}`).toEqual(want);
    }
    expect(mx.diagonal(x3(), 0, 1, 2).shape).toEqual([2, 3]);
    expectError(() => mx.diagonal(mx.array([1, 2])), "[diagonal] Array must have at least two dimensions, but got 1 dimensions.");
    expectError(() => mx.diagonal(x3(), 0, 1, -2), "[diagonal] axis1 and axis2 cannot be the same axis");
    expectError(() => mx.diagonal(x3(), 0, 3, 0), "[diagonal] Invalid axis1 3 for array with 3 dimensions.");
  });

  it("diag builds and reads diagonals (MLX's cases), infinities stay on the diagonal", () => {
    expect(mx.diag(mx.array([1, 2, 3, 4], mx.int32)).tolist()).toEqual([[1, 0, 0, 0], [0, 2, 0, 0], [0, 0, 3, 0], [0, 0, 0, 4]]);
    const k5 = mx.diag(mx.array([2, 6], mx.int32), 5);
    expect(k5.shape).toEqual([7, 7]);
    expect(k5.tolist()).toEqual(Array.from({ length: 7 }, (_, i) => Array.from({ length: 7 }, (_, j) => (j === i + 5 ? [2, 6][i] : 0))));
    expect(mx.diag(mx.array([1, 2]), -1).tolist()).toEqual([[0, 0, 0], [1, 0, 0], [0, 2, 0]]);
    const m = mx.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect([mx.diag(m).tolist(), mx.diag(m, 1).tolist()]).toEqual([[1, 5, 9], [2, 6]]);
    const r = mx.array([[1, 2, 3], [4, 5, 6]]);
    expect([mx.diag(r).tolist(), mx.diag(r, 10).tolist(), mx.diag(r, -10).tolist(), mx.diag(r, -1).tolist()])
      .toEqual([[1, 5], [], [], [4]]);
    expect(mx.diag(mx.array([Infinity, NaN])).tolist()).toEqual([[Infinity, 0], [0, NaN]]);
    for (const k of [-2, -1, 0, 1, 2]) {
      const z = mx.diag(mx.zeros([0], mx.int32), k);
      expect([z.shape, z.dtype], `k ${k}`).toEqual([[Math.abs(k), Math.abs(k)], mx.int32]);
    }
    for (const s of [[0, 0], [0, 3], [3, 0]]) expect(mx.diag(mx.zeros(s)).shape).toEqual([0]);
    expectError(() => mx.diag(x3()), "[diag] array must be 1-D or 2-D, got array with 3 dimensions.");
  });

  it("diag, diagonal and logcumsumexp are Array methods too, as in MLX", () => {
    const m = iota([3, 3]);
    expect(m.diag(1).tolist()).toEqual([1, 5]);
    expect(m.diagonal(-1, 1, 0).tolist()).toEqual([1, 5]);
    expect(mx.array([1, 2]).diag().tolist()).toEqual([[1, 0], [0, 2]]);
    expect(flat(m.logcumsumexp(1))).toEqual(flat(mx.logcumsumexp(m, 1)));
    expect(flat(m.logcumsumexp(undefined, { reverse: true }))).toEqual(flat(mx.logcumsumexp(m, null, { reverse: true })));
  });

  it("trace (MLX's cases)", () => {
    const a = mx.arange(0, 9, mx.int64).reshape([3, 3]);
    expect([mx.trace(a).item(), mx.trace(a).dtype]).toEqual([12n, mx.int64]);
    const h = mx.trace(a, 0, 0, 1, mx.float16);
    expect([h.item(), h.dtype]).toEqual([12, mx.float16]);
    expect(mx.trace(a, 1).item()).toBe(6n);
    const b = mx.arange(0, 27, mx.int64).reshape([3, 3, 3]);
    expect(mx.trace(b, 0, 1, 2).tolist()).toEqual([12n, 39n, 66n]);
    expect(mx.trace(b, 1, 1, 2, mx.float32).tolist()).toEqual([6, 24, 42]);
    expectError(() => mx.trace(mx.array([1])), "[trace] Array must have at least two dimensions, but got 1 dimensions.");
    expectError(() => mx.trace(b, 0, 0, 3), "[trace] Invalid axis2 3 for array with 3 dimensions.");
  });

  it("kron (MLX's cases)", () => {
    const i = (v: A) => mx.array(v, mx.int32);
    expect(mx.kron(i([1, 2]), i([3, 4])).tolist()).toEqual([3, 4, 6, 8]);
    expect(mx.kron(i([[1, 2], [3, 4]]), i([[0, 5], [6, 7]])).tolist())
      .toEqual([[0, 5, 0, 10], [6, 7, 12, 14], [0, 15, 0, 20], [18, 21, 24, 28]]);
    expect(mx.kron(i([1, 2]), i([[3, 4], [5, 6]])).tolist()).toEqual([[3, 4, 6, 8], [5, 6, 10, 12]]);
    expectError(() => mx.kron(mx.array([]), mx.array([1, 2])), "[kron] Input arrays cannot be empty.");
  });

  it("vecdot (MLX's cases)", () => {
    const a = mx.array([[1, 2, 3], [4, 5, 6]], mx.int32), b = mx.array([[7, 8, 9], [10, 11, 12]], mx.int32);
    expect(mx.vecdot(a, b).tolist()).toEqual([50, 167]);
    expect(mx.vecdot(a, b, { axis: 0 }).tolist()).toEqual([47, 71, 99]);
    expect(mx.vecdot(mx.array([1, 2]), mx.array([3, 4])).item()).toBe(11);
    expectError(() => mx.vecdot(mx.array(1), mx.array([1])), "[vecdot] inputs must be at least 1D.");
    expectError(() => mx.vecdot(mx.array([1, 2]), mx.array([1, 2]), { axis: 1 }), "[vecdot] axis is out of bounds.");
    expectError(() => mx.vecdot(mx.array([1, 2]), mx.array([1])), /^\[vecdot\] a and b must have the same size along axis/);
  });
});

describe("reductions, scans and order statistics", () => {
  it("countNonzero (MLX's cases)", () => {
    const c = mx.array([[0, 1, 0], [2, 3, 0]]);
    const all = mx.countNonzero(c);
    expect([all.item(), all.dtype]).toEqual([3, mx.int32]);
    expect(mx.countNonzero(c, { axis: 0 }).tolist()).toEqual([1, 2, 0]);
    expect(mx.countNonzero(c, { axis: 1, keepdims: true }).tolist()).toEqual([[1], [2]]);
    expect(mx.countNonzero(mx.array([NaN, 0, -0])).item()).toBe(1);
    expectError(() => junk.countNonzero(c, { axes: 0 }), "[count_nonzero] Unknown option 'axes'; expected axis, keepdims.");
  });

  it("median: MLX's cases, NaN propagation, and a sort-based reference over axis sets", () => {
    expect(mx.median(mx.array([0, 1, 2, 3, 4], mx.int32)).item()).toBe(2);
    expect(mx.median(mx.array([0, 1, 2, 3, 4], mx.int32)).dtype).toBe(mx.float32);
    expect(mx.median(mx.array([0, 1, 2, 3, 4]), undefined, true).shape).toEqual([1]);
    expect(mx.median(mx.array([0, 1, 2, 3, 4, 5])).item()).toBe(2.5);
    for (const v of [[1, NaN, 0], [NaN, 1, 0], [1, 2, NaN, 4]])
      for (const dt of [mx.float16, mx.bfloat16, mx.float32]) expect(Number.isNaN(mx.median(mx.array(v).astype(dt)).item())).toBe(true);
    const xn = mx.array([[1, NaN, 3], [4, 5, 6]]);
    expect(mx.median(xn, 1).tolist()).toEqual([NaN, 5]);
    expect(mx.median(xn, 0).tolist()).toEqual([2.5, NaN, 4.5]);
    const x = rnd([3, 4, 2, 3], 11);
    const data = flat(x), shape = [3, 4, 2, 3];
    for (const axes of [[0, 2], [1, 3], [0, 1, 3], [-1]]) {
      const norm = axes.map((a) => mod(a, 4));
      const got = mx.median(x, axes, true);
      const outShape = shape.map((s, d) => (norm.includes(d) ? 1 : s));
      expect(got.shape).toEqual(outShape);
      const groups = new Map<number, number[]>();
      data.forEach((v, i) => {
        const key = ravel(unravel(i, shape).map((c, d) => (norm.includes(d) ? 0 : c)), outShape);
        groups.set(key, [...(groups.get(key) ?? []), v]);
      });
      const want = [...groups.entries()].sort((p, q) => p[0] - q[0]).map(([, vs]) => {
        const s = [...vs].sort((p, q) => p - q), n = s.length;
        return n % 2 ? s[(n - 1) / 2]! : Math.fround((Math.fround(s[n / 2 - 1]! + s[n / 2]!)) * 0.5);
      });
      expect(ref.maxRelErr(flat(got), want), `axes ${axes}`).toBeLessThanOrEqual(1e-6);
    }
    expectError(() => mx.median(mx.array([]), 0), "[median] Cannot take median along empty axis.");
    expectError(() => mx.median(mx.array([1, 2]), [0, 1]), "[median] axis 1 is out of bounds for array with 1 dimensions.");
    expectError(() => mx.median(mx.array([1, 2]), [0, 0]), "[median] Received duplicate axis.");
  });

  it("logcumsumexp against a float64 reference, stably, with -inf and +inf (MLX's edge cases)", () => {
    const lae = (p: number, q: number) => {
      const m = Math.max(p, q);
      return m === -Infinity ? -Infinity : m === Infinity ? Infinity : m + Math.log(Math.exp(p - m) + Math.exp(q - m));
    };
    const scan = (v: number[], reverse: boolean, inclusive: boolean) => {
      const src = reverse ? [...v].reverse() : v;
      const out: number[] = [];
      let acc = -Infinity;
      for (const e of src) {
        if (inclusive) acc = lae(acc, e);
        out.push(acc);
        if (!inclusive) acc = lae(acc, e);
      }
      return reverse ? out.reverse() : out;
    };
    const x = mx.array(Float64Array.from(ref.rand(4 * 7, 5).map((v) => v * 30))).reshape([4, 7]);
    const rows = (flat(x) as number[]).reduce<number[][]>((r, v, i) => (i % 7 ? r[r.length - 1]!.push(v) : r.push([v]), r), []);
    for (const [reverse, inclusive] of [[false, true], [true, true], [false, false], [true, false]] as const) {
      const got = mx.logcumsumexp(x, 1, { reverse, inclusive });
      const want = rows.flatMap((r) => scan(r, reverse, inclusive));
      const g = flat(got);
      g.forEach((v, i) => expect(v === want[i] || Math.abs(v - want[i]!) <= 1e-12 * (1 + Math.abs(want[i]!))).toBe(true));
    }
    // flattened; and a small value beside a large one keeps its contribution (no underflow to -inf)
    expect(flat(mx.logcumsumexp(mx.array([[-1000, 0]], mx.float64)))).toEqual([-1000, lae(-1000, 0)]);
    expect(mx.logcumsumexp(mx.array(Array(8).fill(-Infinity)), 0).tolist()).toEqual(Array(8).fill(-Infinity));
    expect(mx.logcumsumexp(mx.array([-Infinity, 0, -Infinity]), 0).tolist()).toEqual([-Infinity, 0, 0]);
    expect(mx.logcumsumexp(mx.array([-Infinity, Infinity, -Infinity]), 0).tolist()).toEqual([-Infinity, Infinity, Infinity]);
    expect(mx.logcumsumexp(mx.zeros([2, 0]), 1).shape).toEqual([2, 0]);
    expectError(() => mx.logcumsumexp(x, 2), "[logcumsumexp] Axis 2 is out of bounds for array with 2 dimensions.");
  });

  it("partition and argpartition put the kth element in place, smaller before, larger after (MLX's cases)", () => {
    const a = mx.array(Float32Array.from(ref.rand(60, 9).map((v) => Math.round(v * 100)))).reshape([3, 4, 5]);
    for (const dt of [mx.int32, mx.float32])
      for (const axis of [null, 0, 1, 2])
        for (const kth of [-2, 0, 2]) {
          const x = a.astype(dt);
          const p = mx.partition(x, kth, axis);
          expect(p.dtype).toBe(dt);
          const xs = axis === null ? x.flatten() : mx.moveaxis(x, axis, -1);
          const ps = axis === null ? p.flatten() : mx.moveaxis(p, axis, -1);
          const n = xs.shape[xs.ndim - 1]!;
          const k = kth < 0 ? kth + n : kth;
          const srcRows = flat(xs.reshape([-1, n])), outRows = flat(ps.reshape([-1, n]));
          for (let r = 0; r < srcRows.length / n; ++r) {
            const src = srcRows.slice(r * n, r * n + n), out = outRows.slice(r * n, r * n + n);
            const sorted = [...src].sort((u, v) => u - v);
            expect(out[k], `axis ${axis} kth ${kth}`).toBe(sorted[k]);
            expect(out.slice(0, k).every((v) => v <= out[k]!) && out.slice(k + 1).every((v) => v >= out[k]!)).toBe(true);
            expect([...out].sort((u, v) => u - v)).toEqual(sorted);
          }
          const ia = mx.argpartition(x, kth, axis);
          expect(ia.dtype).toBe(mx.uint32);
          const back = axis === null ? mx.take(x, ia) : mx.takeAlongAxis(x, ia, axis);
          expect(flat(back)).toEqual(flat(p));
        }
    const x = mx.broadcastTo(mx.array([1, 2, 3]), [2, 3]);
    expect(mx.argpartition(x, 1, 0).tolist()).toEqual([[0, 0, 0], [1, 1, 1]]);
    expect(mx.argpartition(mx.array([[1, 2], [3, 4]]).T, 1, 0).tolist()).toEqual([[0, 0], [1, 1]]);
    expectError(() => mx.partition(a, 5, 1), "[partition] Received invalid kth 5 along axis 1 for array with shape: (3,4,5)");
    expectError(() => mx.argpartition(a, 0, 3), "[argpartition] Axis 3 is out of bounds for array with 3 dimensions.");
  });

  it("searchsorted (MLX's cases) against a binary search, NaN last", () => {
    const a = mx.array([1, 2, 2, 4]), v = mx.array([0, 1, 2, 3, 5]);
    expect(mx.searchsorted(a, v).tolist()).toEqual([0, 0, 1, 3, 4]);
    expect(mx.searchsorted(a, v, "right").tolist()).toEqual([0, 1, 3, 3, 4]);
    expect(mx.searchsorted(a, v).dtype).toBe(mx.uint32);
    const bound = (s: number[], x: number, right: boolean) => {
      const less = (p: number, q: number) => (Number.isNaN(q) ? !Number.isNaN(p) : p < q);
      let lo = 0, hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (right ? !less(x, s[mid]!) : less(s[mid]!, x)) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    for (const n of [1, 2, 7, 9, 33])
      for (const right of [false, true]) {
        const s = ref.f32(ref.rand(n, n).sort((p, q) => p - q));
        s.push(NaN);
        const vals = [...ref.f32(ref.rand(12, 40 + n).map((t) => t * 2)), NaN, s[0]!, s[n - 1]!];
        const got = mx.searchsorted(mx.array(s), mx.array(vals).reshape([3, 5]), right ? "right" : "left");
        expect(got.shape).toEqual([3, 5]);
        expect(flat(got)).toEqual(vals.map((x) => bound(s, x, right)));
      }
    expect(mx.searchsorted(mx.arange(16), mx.array(4.5)).tolist()).toBe(5);
    expectError(() => junk.searchsorted(a, v, "middle"), "[searchsorted] Invalid side 'middle'. Expected 'left' or 'right'.");
    expectError(() => mx.searchsorted(iota([2, 2]), v), "[searchsorted] The sorted sequence must be 1-D but has 2 dimensions.");
  });
});

describe("signals", () => {
  it("window functions match their formulas in float32 (numpy's definitions)", () => {
    const cases: [A, (n: number, m: number) => number][] = [
      [mx.bartlett, (n, m) => 1 - Math.abs((2 * n) / (m - 1) - 1)],
      [mx.hanning, (n, m) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1))],
      [mx.hamming, (n, m) => 0.54 - 0.46 * Math.cos((2 * Math.PI * n) / (m - 1))],
      [mx.blackman, (n, m) => 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (m - 1)) + 0.08 * Math.cos((4 * Math.PI * n) / (m - 1))],
    ];
    for (const [w, f] of cases) {
      for (const m of [2, 5, 12]) {
        const got = w(m);
        expect(got.dtype).toBe(mx.float32);
        const want = Array.from({ length: m }, (_, n) => f(n, m));
        flat(got).forEach((g, i) => expect(Math.abs(g - want[i]!), `${w.name} M=${m} n=${i}`).toBeLessThanOrEqual(1e-6));
      }
      expect(w(1).tolist()).toEqual([1]);
      expect([w(0).shape, w(-3).shape, w(0).dtype]).toEqual([[0], [0], mx.float32]);
      expectError(() => w(2.5), /must be an integer/);
    }
  });

  it("convolve matches numpy.convolve for every mode, swapping to the longer signal", () => {
    const refConv = (a: number[], v: number[], mode: string) => {
      const full = Array.from({ length: a.length + v.length - 1 }, (_, n) =>
        a.reduce((s, ai, i) => (n - i >= 0 && n - i < v.length ? s + ai * v[n - i]! : s), 0));
      const [L, K] = [Math.max(a.length, v.length), Math.min(a.length, v.length)];
      if (mode === "full") return full;
      if (mode === "valid") return full.slice(K - 1, L);
      const start = Math.floor((K - 1) / 2);
      return full.slice(start, start + L);
    };
    for (const [na, nv] of [[6, 3], [5, 4], [3, 7], [4, 1], [5, 5]])
      for (const mode of ["full", "same", "valid"] as const) {
        const a = ref.rand(na, na * 10 + nv), v = ref.rand(nv, nv * 3 + 1);
        const got = flat(mx.convolve(mx.array(Float64Array.from(a)), mx.array(Float64Array.from(v)), mode));
        const want = refConv(a, v, mode);
        expect(got.length, `${na} ${nv} ${mode}`).toBe(want.length);
        expect(ref.maxRelErr(got, want), `${na} ${nv} ${mode}`).toBeLessThanOrEqual(1e-12);
      }
    expectError(() => mx.convolve(iota([2, 2]), mx.array([1])), "[convolve] Inputs must be 1D.");
    expectError(() => mx.convolve(mx.array([]), mx.array([1])), "[convolve] Inputs cannot be empty.");
    expectError(() => junk.convolve(mx.array([1, 2]), mx.array([1]), "circular"), "[convolve] Invalid mode.");
  });
});

describe("under compile", () => {
  it("compiled functions using the new ops give the eager results", () => {
    const f = (x: A, y: A) => [
      mx.roll(x, 1, 0), mx.flip(x, 1), mx.diag(mx.diagonal(x)), mx.trace(x), mx.kron(x, y), mx.median(x, 1),
      mx.logcumsumexp(x, 1), mx.nanToNum(x.div(y.index(0, 0).sub(y.index(0, 0)))), mx.diff(x, 1, 0),
      mx.vecdot(x, x), mx.degrees(x), mx.searchsorted(mx.sort(y.flatten()), x), mx.countNonzero(x.greater(0)),
    ];
    const x = rnd([3, 3], 21), y = rnd([2, 2], 22);
    const eager = f(x, y);
    const compiled = mx.compile(f)(x, y);
    expect(compiled.length).toBe(eager.length);
    compiled.forEach((c: A, i: number) => {
      expect(c.shape, `output ${i}`).toEqual(eager[i].shape);
      expect(flat(c), `output ${i}`).toEqual(flat(eager[i]));
    });
  });

  it("the elementwise ones replay a shapeless trace on new shapes", () => {
    const f = (x: A, y: A) => [
      mx.degrees(x), mx.radians(y), mx.isposinf(x.div(y)), mx.isneginf(x.div(y)), mx.logicalXor(x, y), mx.trunc(x),
      mx.nanToNum(x.div(y), { posinf: 7 }), ...mx.divmod(x, y.add(2)),
    ];
    const g = mx.compile(f, { shapeless: true });
    for (const [sx, sy, seed] of [[[2, 3], [3], 1], [[4, 1, 2], [5, 1], 2]] as const) {
      const x = rnd([...sx], seed).mul(3), y = rnd([...sy], seed + 10).greater(0).astype(mx.float32);
      const eager = f(x, y), compiled = g(x, y);
      compiled.forEach((c: A, i: number) => {
        expect(c.shape, `output ${i}`).toEqual(eager[i].shape);
        expect(flat(c), `output ${i}`).toEqual(flat(eager[i]));
      });
    }
  });

  it("leave no arrays behind", () => {
    const x = rnd([4, 4], 31);
    mx.eval(x);
    const before = mx.memory().liveArrays;
    const outs = [mx.roll(x, [1, 2], [0, 1]), mx.median(x, [0, 1]), mx.logcumsumexp(x, 0), mx.diag(mx.array([1, 2])),
      mx.convolve(x.flatten(), mx.array([1, 2])), mx.nanToNum(x), ...mx.divmod(x, 2), ...mx.meshgrid(x.index(0), x.index(1))];
    mx.eval(outs);
    // + the five argument arrays made inline (diag, convolve and meshgrid's)
    expect(mx.memory().liveArrays).toBe(before + outs.length + 5);
  });
});

describe("dtype queries", () => {
  const dtypes = [mx.bool, mx.uint8, mx.uint16, mx.uint32, mx.uint64, mx.int8, mx.int16, mx.int32, mx.int64,
    mx.float16, mx.bfloat16, mx.float32, mx.float64];

  it("issubdtype agrees with numpy's hierarchy (MLX's test), for dtypes and categories", () => {
    // numpy: each name with everything it lies within
    const within: Record<string, string[]> = {
      generic: [], number: ["generic"], integer: ["number", "generic"],
      signedinteger: ["integer", "number", "generic"], unsignedinteger: ["integer", "number", "generic"],
      inexact: ["number", "generic"], floating: ["inexact", "number", "generic"],
      complexfloating: ["inexact", "number", "generic"],
      bool: ["generic"], float16: ["floating"], bfloat16: ["floating"], float32: ["floating"], float64: ["floating"],
      ...Object.fromEntries(["uint8", "uint16", "uint32", "uint64"].map((n) => [n, ["unsignedinteger"]])),
      ...Object.fromEntries(["int8", "int16", "int32", "int64"].map((n) => [n, ["signedinteger"]])),
    };
    const closure = (n: string): string[] => [n, ...within[n]!.flatMap(closure)];
    const cats = ["complexfloating", "floating", "inexact", "signedinteger", "unsignedinteger", "integer", "number", "generic"];
    const all: [string, A][] = [...cats.map((c): [string, A] => [c, junk[c]]), ...dtypes.map((d): [string, A] => [d.name, d])];
    for (const [an, a] of all)
      for (const [bn, b] of all) {
        const isCatA = cats.includes(an), isDtB = !cats.includes(bn);
        const want = isDtB ? an === bn : closure(an).includes(bn) && !(isCatA && isDtB);
        expect(mx.issubdtype(a, b), `${an} within ${bn}`).toBe(want);
      }
    expect(mx.issubdtype(mx.bfloat16, mx.inexact)).toBe(true);
    expect(mx.floating.toString()).toBe("floating");
    expectError(() => junk.issubdtype("float32", mx.floating), "[issubdtype] Received invalid type for first input.");
    expectError(() => junk.issubdtype(mx.float32, 3), "[issubdtype] Received invalid type for second input.");
  });

  it("isdtype (MLX's cases)", () => {
    expect(mx.isdtype(mx.int32, mx.int32)).toBe(true);
    expect(mx.isdtype(mx.int32, mx.int16)).toBe(false);
    expect(mx.isdtype(mx.int32, "signed integer")).toBe(true);
    expect(mx.isdtype(mx.uint8, "unsigned integer")).toBe(true);
    expect(mx.isdtype(mx.uint8, "signed integer")).toBe(false);
    expect(mx.isdtype(mx.int16, "integral")).toBe(true);
    expect(mx.isdtype(mx.float32, "real floating")).toBe(true);
    expect(mx.isdtype(mx.float32, "complex floating")).toBe(false);
    expect(mx.isdtype(mx.bool, "bool")).toBe(true);
    expect(mx.isdtype(mx.bool, "numeric")).toBe(false);
    expect(mx.isdtype(mx.float32, "numeric")).toBe(true);
    expect(mx.isdtype(mx.float32, ["integral", "real floating"])).toBe(true);
    expect(mx.isdtype(mx.int8, [mx.int8, mx.int16])).toBe(true);
    expect(mx.isdtype(mx.int32, ["bool", "real floating"])).toBe(false);
    expectError(() => junk.isdtype(mx.int32, "not a kind"), "[isdtype] Unknown data type kind: 'not a kind'.");
    expectError(() => junk.isdtype(mx.int32, 4), /^\[isdtype\] `kind` must be a dtype/);
  });

  it("resultType and canCast (MLX's cases); resultType agrees with the core's promotion for every pair", () => {
    expect(mx.resultType(mx.int8, mx.int16)).toBe(mx.int16);
    expect(mx.resultType(mx.float32, mx.float64)).toBe(mx.float64);
    expect(mx.resultType(mx.array([1], mx.int8), mx.int16, mx.int32)).toBe(mx.int32);
    expect(mx.resultType(mx.array(1), mx.array(1, mx.int32))).toBe(mx.float32);
    expectError(() => mx.resultType(), "[result_type] At least one array or dtype is required.");
    expectError(() => junk.resultType(mx.int8, "int8"), "[result_type] Inputs must be arrays or dtypes.");
    for (const a of dtypes)
      for (const b of dtypes) {
        const core = mx.concatenate([mx.zeros([1], a), mx.zeros([1], b)]).dtype;
        expect(mx.resultType(a, b), `${a} with ${b}`).toBe(core);
      }
    expect(mx.canCast(mx.int8, mx.int16)).toBe(true);
    expect(mx.canCast(mx.int16, mx.int8)).toBe(false);
    expect(mx.canCast(mx.float32, mx.float64)).toBe(true);
    expect(mx.canCast(mx.float64, mx.float32)).toBe(false);
    expect(mx.canCast(mx.uint8, mx.int16)).toBe(true);
    expect(mx.canCast(mx.uint16, mx.int16)).toBe(false);
    expect(mx.canCast(mx.array([1, 2, 3], mx.int8), mx.int32)).toBe(true);
    expectError(() => junk.canCast(3, mx.int8), "[can_cast] `from_` must be an array or a dtype.");
  });
});

describe("asarray", () => {
  it("is mx.array with numpy's copy keyword", () => {
    expect(mx.asarray([[1, 2], [3, 4]]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(mx.asarray([1, 2], mx.int32).dtype).toBe(mx.int32);
    expect(mx.asarray(Int16Array.from([1, -2])).dtype).toBe(mx.int16);
    const x = mx.array([1, -0, NaN]);
    mx.eval(x);
    const shared = mx.asarray(x, null, { copy: false });
    const copied = mx.asarray(x, undefined, { copy: true });
    mx.eval(shared, copied);
    // (arrays are immutable, so where the data lives is what tells a copy from a share)
    const at = (a: A) => (a.dataView() as Float32Array).byteOffset;
    expect(at(shared)).toBe(at(x));
    expect(at(copied)).not.toBe(at(x));
    expect(copied.tolist()).toEqual([1, -0, NaN]);
    shared.dispose();
    expect(x.tolist()).toEqual([1, -0, NaN]);
    expect(mx.asarray(x, mx.float16, { copy: null }).dtype).toBe(mx.float16);
    expectError(() => mx.asarray([1, 2], null, { copy: false }), "[asarray] A copy is required to bring JS data into the core, but copy is false.");
    expectError(() => mx.asarray(x, mx.int8, { copy: false }), "[asarray] A copy is required to change the dtype, but copy is false.");
  });
});

describe("fp8 (e4m3)", () => {
  // MLX's kernels on float32 bits (mlx/backend/cpu/unary_ops.h), transcribed with typed-array bit views.
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  const bits = (v: number) => ((f[0] = v), u[0]!);
  const fromBits = (b: number) => ((u[0] = b >>> 0), f[0]!);
  function refToFp8(v: number): number {
    let fb = bits(v);
    const sign = fb & 0x80000000;
    fb = (fb ^ sign) >>> 0;
    const denorm = 141 << 23;
    const low = (bits(fromBits(fb) + fromBits(denorm)) - denorm) & 0xff;
    const mantOdd = (fb >>> 20) & 1;
    const high = ((((fb + (((7 - 127) << 23) >>> 0) + 0x7ffff) >>> 0) + mantOdd) >>> 0) >>> 20 & 0xff;
    let r = fb < (121 << 23) >>> 0 ? low : high;
    if (fb >= (543 << 21) >>> 0) r = 0x7e;
    return r | (sign >>> 24);
  }
  function refFromFp8(b: number): number {
    const e = (b & 127) >> 3, m = b & 7;
    const v = e === 0 ? (m / 8) * 2 ** -6 : (1 + m / 8) * 2 ** (e - 7);
    return b & 128 ? -v : v;
  }

  it("round-trips MLX's values", () => {
    const vals = [448, 256, 192, 128, 96, 64, 48, 32, 24, 16, 12, 8, 6, 4, 3, 2, 0.015625];
    expect(mx.fromFp8(mx.toFp8(mx.array(vals)), mx.float32).tolist()).toEqual(vals);
    expect(mx.fromFp8(mx.toFp8(mx.array(vals.map((v) => -v)))).tolist()).toEqual(vals.map((v) => -v));
    expect(mx.fromFp8(mx.toFp8(mx.array(vals))).dtype).toBe(mx.bfloat16);
  });

  it("decodes every byte as MLX's kernel (0x7f is 480, not NaN), and encodes every decoded value back", () => {
    const all = Array.from({ length: 256 }, (_, i) => i);
    const dec = mx.fromFp8(mx.array(Uint8Array.from(all)), mx.float32).tolist() as number[];
    expect(dec).toEqual(all.map(refFromFp8));
    expect(dec[0x7f]).toBe(480);
    expect(Object.is(dec[0x80], -0)).toBe(true);
    const enc = mx.toFp8(mx.array(Float32Array.from(dec))).tolist() as number[];
    expect(enc).toEqual(dec.map(refToFp8));
  });

  it("encodes like MLX's bit-level kernel: rounding half to even, subnormals, saturation, -0, NaN and infinities", () => {
    const specials = [0, -0, Infinity, -Infinity, NaN, 447.9, 448, 464, 465, 1e30, 2 ** -6, 2 ** -7, 2 ** -10, 2 ** -9 * 1.5,
      2 ** -9 * 2.5, 2 ** -9 * 7.5, 1.0625, 1.1875, 3.25, 17, -0.3, 2 ** -20];
    const random = ref.rand(400, 77).map((r, i) => r * 2 ** ((i % 24) - 12));
    const vals = ref.f32([...specials, ...random]);
    const got = mx.toFp8(mx.array(Float32Array.from(vals)));
    expect(got.dtype).toBe(mx.uint8);
    expect(got.tolist()).toEqual(vals.map(refToFp8));
    // float16 and bfloat16 inputs go through float32, as in MLX
    for (const dt of [mx.float16, mx.bfloat16]) {
      const h = mx.array(Float32Array.from(random)).astype(dt);
      expect(mx.toFp8(h).tolist(), dt.name).toEqual((h.astype(mx.float32).tolist() as number[]).map(refToFp8));
    }
  });

  it("errors", () => {
    expectError(() => mx.toFp8(mx.array([1], mx.int32)), "[to_fp8] Only real floating types are supported but x.dtype() == int32.");
    expectError(() => mx.fromFp8(mx.array([1], mx.int32)), "[from_fp8] Input must have type uint8 but x.dtype() == int32.");
    expectError(() => mx.fromFp8(mx.array([1], mx.uint8), mx.int8), "[from_fp8] Only real floating types are supported but dtype == int8.");
  });
});

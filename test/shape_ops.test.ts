// Shape and indexing ops through the package: values against a pure-JS
// reference and hand values, views, gradients, vmap, and every error path.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";
import * as rs from "./reference_shape.js";

const M = mx;
// Error paths that pass deliberately wrong arguments go through an untyped alias.
const junkM = mx as any;
const fromRef = (r: ref.Ref) => mx.array(Float32Array.from(r.data)).reshape(r.shape);
const rnd = (shape: number[], seed = 1): ref.Ref => ({ shape, data: ref.f32(ref.rand(ref.size(shape), seed)) });
const flat = (a: any) => Array.from(a.dataSync() as ArrayLike<number>);
const iota = (shape: number[]) =>
  mx.array(Float32Array.from({ length: ref.size(shape) }, (_, i) => i)).reshape(shape);
const ix = (x: any, ...i: unknown[]) => x.index(...i);
const at = (x: any, ...i: unknown[]) => x.at(...i);
const S = (...a: (number | null | undefined)[]) => M.slice(...a);

describe("joining and splitting", () => {
  it("concatenate and stack match the reference, with negative axes and dtype promotion", () => {
    const A = rnd([2, 3, 4], 1), B = rnd([2, 1, 4], 2);
    const c = M.concatenate([fromRef(A), fromRef(B)], -2);
    expect(c.shape).toEqual([2, 4, 4]);
    expect(flat(c)).toEqual(rs.concatenate([A, B], 1).data);
    const s = M.stack([fromRef(A), fromRef(A)], -1);
    expect(s.shape).toEqual([2, 3, 4, 2]);
    expect(M.concatenate([mx.array([1, 2], mx.int32), mx.array([0.5])]).dtype).toBe(mx.float32);
    expect(M.concatenate([iota([2, 2]), iota([3])], null).tolist()).toEqual([0, 1, 2, 3, 0, 1, 2]);
    expect(M.concatenate([iota([0, 3]), iota([2, 3])]).shape).toEqual([2, 3]);
    // non-contiguous inputs
    expect(M.concatenate([iota([2, 3]).T, iota([1, 2])]).tolist()).toEqual([[0, 3], [1, 4], [2, 5], [0, 1]]);
  });
  it("split by sections and by indices", () => {
    const parts = M.split(iota([6, 2]), 3);
    expect(parts.length).toBe(3);
    expect(parts[1].tolist()).toEqual([[4, 5], [6, 7]]);
    const byIdx = M.split(iota([2, 5]), [1, 3], -1);
    expect(byIdx.map((p: any) => p.shape)).toEqual([[2, 1], [2, 2], [2, 2]]);
    expect(byIdx[2].tolist()).toEqual([[3, 4], [8, 9]]);
  });
  it("broadcastArrays is variadic", () => {
    const [a, b, c] = M.broadcastArrays(iota([3, 1]), iota([4]), mx.array(1));
    expect(a.shape).toEqual([3, 4]);
    expect((b.tolist() as number[][])[2]).toEqual([0, 1, 2, 3]);
    expect(c.shape).toEqual([3, 4]);
  });
});

describe("tile, repeat, pad and reshaping", () => {
  it("tile and repeat match the reference", () => {
    const A = rnd([2, 3], 3);
    for (const reps of [[2], [2, 1], [1, 2, 2], [0, 1]]) {
      const t = M.tile(fromRef(A), reps);
      const want = rs.tile(A, reps);
      expect(t.shape).toEqual(want.shape);
      expect(flat(t)).toEqual(want.data);
    }
    for (const axis of [0, 1, -1]) expect(flat(M.repeat(fromRef(A), 3, axis))).toEqual(rs.repeat(A, 3, axis).data);
    expect(M.repeat(iota([2, 2]), 2).tolist()).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
  });
  it("pad in constant and edge modes", () => {
    const A = rnd([3, 2], 4);
    const p = M.pad(fromRef(A), [[1, 2], [0, 1]], { constantValues: 7 });
    expect(p.shape).toEqual([6, 3]);
    expect(flat(p)).toEqual(rs.pad(A, [[1, 2], [0, 1]], "constant", 7).data);
    expect(flat(M.pad(fromRef(A), 2, { mode: "edge" }))).toEqual(rs.pad(A, [[2, 2], [2, 2]], "edge").data);
    expect(flat(M.pad(fromRef(A), [1, 0]))).toEqual(rs.pad(A, [[1, 0], [1, 0]], "constant").data);
    expect(M.pad(mx.array([1, 2], mx.int32), 1, { constantValues: mx.array(3, mx.int32) }).tolist()).toEqual([3, 1, 2, 3]);
  });
  it("flatten, unflatten, swapaxes, asStrided", () => {
    const x = iota([2, 3, 4]);
    expect(M.flatten(x).shape).toEqual([24]);
    expect(M.flatten(x, 1).shape).toEqual([2, 12]);
    expect(M.flatten(x, 0, -2).shape).toEqual([6, 4]);
    expect(M.unflatten(x, 2, [2, -1]).shape).toEqual([2, 3, 2, 2]);
    const sw = M.swapaxes(x, 0, 2);
    expect(sw.shape).toEqual([4, 3, 2]);
    expect(flat(sw)).toEqual(ref.transpose({ shape: [2, 3, 4], data: flat(x) }, [2, 1, 0]).data);
    expect(M.asStrided(iota([6]), [4, 3], [1, 1]).tolist()).toEqual([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]);
    expect(M.asStrided(iota([2, 3])).tolist()).toEqual([[0, 1, 2], [3, 4, 5]]);
  });
});

describe("indexing", () => {
  it("basic slicing matches Python's, including negative steps", () => {
    const A = rnd([5, 6, 3], 5);
    const a = fromRef(A);
    const cases: [number | null, number | null, number | null][][] = [
      [[1, 4, null]],
      [[null, null, -1], [4, 0, -2]],
      [[-2, null, null], [null, null, 3], [2, -4, -1]],
      [[10, -10, -3]],
    ];
    for (const c of cases) {
      const got = ix(a, ...c.map((s) => S(...s)));
      const want = rs.slice(A, c);
      expect(got.shape).toEqual(want.shape);
      expect(flat(got)).toEqual(want.data);
    }
  });
  it("ints, null, ellipsis and arrays mix as in numpy", () => {
    const x = iota([2, 3, 4]);
    expect(ix(x, 1, S(null, null, -1), null, -1).tolist()).toEqual([[23], [19], [15]]);
    expect(ix(x, "...", 0).shape).toEqual([2, 3]);
    expect(ix(x, null, "...", null).shape).toEqual([1, 2, 3, 4, 1]);
    expect(ix(x, 0, S(), mx.array([2, 0, -1], mx.int32)).tolist()).toEqual([[2, 6, 10], [0, 4, 8], [3, 7, 11]]);
    expect(ix(x, S(), mx.array([[1], [2]], mx.int32), [0, 3]).tolist()).toEqual([[[4, 7], [8, 11]], [[16, 19], [20, 23]]]);
    expect(ix(x, [1, 0], S(1, 3), [3, 0]).tolist()).toEqual([[19, 23], [4, 8]]);
    expect(ix(x, mx.array([1], mx.uint8), 0, 0).tolist()).toEqual([12]);
    expect(ix(x, mx.array(1n)).shape).toEqual([3, 4]);
  });
  it("take, takeAlongAxis, putAlongAxis match the reference", () => {
    const A = rnd([4, 5], 6);
    const I = { shape: [2, 3], data: [3, -1, 0, 1, 1, -4] };
    const idx = mx.array(I.data, mx.int32).reshape(2, 3);
    for (const axis of [0, 1, -1]) {
      const I2 = axis === 0 ? { shape: I.shape, data: I.data.map((v) => (v === -4 ? -3 : v)) } : I;
      const got = M.take(fromRef(A), mx.array(I2.data, mx.int64).reshape(2, 3), axis);
      const want = rs.take(A, I2, axis);
      expect(got.shape).toEqual(want.shape);
      expect(flat(got)).toEqual(want.data);
    }
    expect(flat(M.take(fromRef(A), idx))).toEqual(I.data.map((v) => A.data[v < 0 ? v + 20 : v]));
    expect(M.take(iota([3]), 2).item()).toBe(2);
    const x = iota([3, 4]);
    expect(M.takeAlongAxis(x, mx.array([[1, 0], [3, 2], [2, 1]], mx.int32), 1).tolist()).toEqual([[1, 0], [7, 6], [10, 9]]);
    expect(M.takeAlongAxis(x, mx.array([11, 0], mx.int32)).tolist()).toEqual([11, 0]);
    expect(M.putAlongAxis(x, mx.array([[0], [3], [1]], mx.int32), -1, 1).tolist()).toEqual([
      [-1, 1, 2, 3], [4, 5, 6, -1], [8, -1, 10, 11],
    ]);
  });
  it("sliceDynamic and sliceUpdate", () => {
    const x = iota([3, 4]);
    expect(M.sliceDynamic(x, mx.array([1, 2], mx.int32), [0, 1], [2, 2]).tolist()).toEqual([[6, 7], [10, 11]]);
    expect(M.sliceDynamic(x, mx.array(1, mx.int32), [1], [3, 1]).tolist()).toEqual([[1], [5], [9]]);
    expect(M.sliceUpdate(x, mx.array([[-1, -2]]), mx.array([2, 1], mx.int32), [0, 1]).tolist()).toEqual([
      [0, 1, 2, 3], [4, 5, 6, 7], [8, -1, -2, 11],
    ]);
  });
});

describe("at updates", () => {
  it("accumulate over repeated indices and return new arrays", () => {
    const x = mx.array([1, 2, 3, 4, 5]);
    const i = mx.array([0, 2, 0], mx.int32);
    expect(at(x, i).set(mx.array([10, 20, 30])).tolist()).toEqual([30, 2, 20, 4, 5]);
    expect(at(x, i).add(1).tolist()).toEqual([3, 2, 4, 4, 5]);
    expect(at(x, i).subtract(1).tolist()).toEqual([-1, 2, 2, 4, 5]);
    expect(at(x, i).multiply(3).tolist()).toEqual([9, 2, 9, 4, 5]);
    expect(at(x, i).divide(2).tolist()).toEqual([0.25, 2, 1.5, 4, 5]);
    expect(at(x, i).maximum(mx.array([0, 7, 1.5])).tolist()).toEqual([1.5, 2, 7, 4, 5]);
    expect(at(x, i).minimum(mx.array([0, 7, -1])).tolist()).toEqual([-1, 2, 3, 4, 5]);
    expect(x.tolist()).toEqual([1, 2, 3, 4, 5]);
    expect(at(x, S(null, null, 2)).add(1).tolist()).toEqual([2, 2, 4, 4, 6]);
    expect(at(mx.array([1, 2, 3], mx.int32), 1).set(9).dtype).toBe(mx.int32);
  });
  it("scatter-add on rows matches the reference", () => {
    const A = rnd([6, 4], 7), U = rnd([5, 4], 8);
    const rows = [5, 0, -1, 2, 0];
    const got = at(fromRef(A), mx.array(rows, mx.int32)).add(fromRef(U));
    const want = rs.scatterRows(A, rows, U, (a, u) => a + u);
    expect(ref.maxRelErr(got.dataSync(), want.data)).toBeLessThan(1e-6);
  });
});

describe("transforms", () => {
  it("gradients of slicing, take and at updates", () => {
    const x = mx.array([[1, 2, 3], [4, 5, 6]]);
    const g = mx.grad((a: any) => ix(a, S(null, null, -1), [0, 0, 2]).sum())(x);
    expect(g.tolist()).toEqual([[2, 0, 1], [2, 0, 1]]);
    const g2 = mx.grad((a: any) => M.take(a, mx.array([1, 1, 5], mx.int32)).sum())(x);
    expect(g2.tolist()).toEqual([[0, 2, 0], [0, 0, 1]]);
    const g3 = mx.grad((u: any) => at(x, 1, [0, 2]).multiply(u).sum())(mx.array([2, 3]));
    expect(g3.tolist()).toEqual([4, 6]);
    const g4 = mx.grad((a: any) => M.concatenate([a, a.mul(a)], 1).sum())(x);
    expect(g4.tolist()).toEqual([[3, 5, 7], [9, 11, 13]]);
    const g5 = mx.grad((a: any) => M.pad(a, 1, { constantValues: 2 }).mul(M.pad(a, 1)).sum())(x);
    expect(g5.tolist()).toEqual([[2, 4, 6], [8, 10, 12]]);
  });
  it("a gradient through the indices is an error naming stopGradient", () => {
    const f = (a: any) => M.take(a, a.astype(mx.int32)).sum();
    expect(() => mx.grad(f)(mx.array([0, 1, 2]))).toThrow(
      "[take] Cannot compute the gradient with respect to the indices; wrap them in stopGradient",
    );
  });
  it("vmap of take and at match a loop", () => {
    const x = iota([3, 4]);
    const idx = mx.array([[0, 3], [1, 1], [2, 0]], mx.int32);
    const out = mx.vmap((a: any, i: any) => M.take(a, i))(x, idx);
    expect(out.tolist()).toEqual([[0, 3], [5, 5], [10, 8]]);
    const up = mx.vmap((a: any, i: any) => at(a, i).add(1))(x, idx);
    expect(up.tolist()).toEqual([[1, 1, 2, 4], [4, 7, 6, 7], [9, 9, 11, 11]]);
  });
});

describe("errors", () => {
  it("are tagged, and the module keeps working after them", () => {
    const x = iota([2, 3]);
    expect(() => M.concatenate([])).toThrow("[concatenate] No arrays provided for concatenation.");
    expect(() => M.concatenate([x, iota([3])])).toThrow(/\[concatenate\] All the input arrays must have the same number/);
    expect(() => junkM.concatenate(x)).toThrow("[concatenate] Expected a list of mx.Arrays");
    expect(() => M.stack([x, iota([3])])).toThrow(/\[stack\] All arrays must have the same shape/);
    expect(() => M.split(x, 4, 1)).toThrow(/\[split\] Array split does not result in sub arrays with equal size/);
    expect(() => M.split(x, 1.5)).toThrow("[split] The number of sections must be an integer");
    expect(() => M.tile(x, [-1])).toThrow(/\[tile\] Repetitions must be non-negative/);
    expect(() => M.repeat(x, -2, 0)).toThrow(/\[repeat\] Number of repeats cannot be negative/);
    expect(() => M.pad(x, [[1, 1], [1, 1], [1, 1]])).toThrow(/\[pad\] Invalid number of padding sizes/);
    expect(() => junkM.pad(x, 1, { mode: "reflect" })).toThrow(/\[pad\] Invalid padding mode 'reflect'/);
    expect(() => junkM.pad(x, "1")).toThrow(/\[pad\] The pad width must be/);
    expect(() => M.flatten(x, 1, 0)).toThrow(/\[flatten\] start_axis/);
    expect(() => M.unflatten(x, 1, [2, 2])).toThrow(/\[unflatten\] Cannot unflatten axis 1 of size 3/);
    expect(() => M.swapaxes(x, 0, 5)).toThrow("[swapaxes] Invalid axis 5 for an array with 2 dimensions.");
    expect(() => M.broadcastArrays(iota([3]), iota([4]))).toThrow(/\[broadcast_arrays\] Shapes \(3\) and \(4\)/);
    expect(() => M.asStrided(iota([6]), [4], [2])).toThrow(/\[as_strided\] The view/);
    expect(() => M.take(x, mx.array([0.5]))).toThrow("[take] Indices must be integers, got float32.");
    expect(() => M.take(x, mx.array([7], mx.int32)).tolist()).toThrow("[take] Index 7 is out of bounds for axis 0 with size 6.");
    expect(() => junkM.take(x, "a")).toThrow(/\[take\] Indices must be an integer mx.Array/);
    expect(() => M.takeAlongAxis(x, mx.array([0], mx.int32), 0)).toThrow(/\[take_along_axis\] Indices of dimension 1/);
    expect(() => M.sliceDynamic(x, mx.array([0, 0, 0], mx.int32), [0, 1], [1, 1])).toThrow(
      /\[slice_dynamic\] The start indices have 3 elements/,
    );
    expect(() => M.sliceDynamic(x, mx.array([2], mx.int32), [0], [1, 3]).tolist()).toThrow(
      "[slice_dynamic] Index 2 is out of bounds for axis 0 with size 2.",
    );
    expect(() => ix(x, 2)).toThrow("[index] Index 2 is out of bounds for axis 0 with size 2.");
    expect(() => ix(x, 0, 0, 0)).toThrow(/\[index\] Too many indices/);
    expect(() => ix(x, "...", "...")).toThrow(/single ellipsis/);
    expect(() => ix(x, 0.5)).toThrow("[index] Indices must be integers, got 0.5.");
    expect(() => ix(x, {})).toThrow(/\[index\] Unsupported index Object/);
    expect(() => ix(x, mx.array([true]))).toThrow(/\[index\] Boolean mask/);
    expect(() => ix(x, mx.array([5], mx.int32)).tolist()).toThrow("[index] Index 5 is out of bounds for axis 0 with size 2.");
    expect(() => S(0, 1, 0)).toThrow("[slice] Slice step cannot be zero.");
    expect(() => S(0.5)).toThrow(/\[slice\] The start must be an integer/);
    expect(() => at(x, [0]).set(mx.array([1, 2]))).toThrow(/\[at\] Cannot broadcast the update of shape \(2\)/);
    expect(() => at(x, [9]).add(1).tolist()).toThrow("[at] Index 9 is out of bounds for axis 0 with size 2.");
    // still fine afterwards
    expect(M.concatenate([x, x]).shape).toEqual([4, 3]);
    expect(ix(x, 1).tolist()).toEqual([3, 4, 5]);
  });
});

// The vertical slice through every layer: creation, lazy ops, eval, readback,
// on whichever build this run targets (see setup.ts).
import { describe, expect, it } from "vitest";
import { mx, THREADS } from "./setup.js";
import * as ref from "./reference.js";

const fromRef = (r: ref.Ref) => mx.array(Float32Array.from(r.data)).reshape(r.shape);

describe("loading", () => {
  it("runs the build this suite was asked for", () => {
    const info = mx.backendInfo();
    expect(info.threads).toBe(THREADS > 1 ? THREADS : 1);
    expect(info.variant).toBe(THREADS > 1 ? "mt" : "st");
    expect(info.simd).toBe(true);
  });
  it("init called again resolves at once", async () => {
    await mx.init();
    expect(mx.backendInfo().threads).toBe(THREADS > 1 ? THREADS : 1);
  });
});

describe("mx.array", () => {
  it("takes nested JS numbers as float32", () => {
    const a = mx.array([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.dtype).toBe(mx.float32);
    expect(a.ndim).toBe(2);
    expect(a.size).toBe(6);
    expect(a.nbytes).toBe(24);
    expect(a.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(mx.array(0.1).item()).toBe(Math.fround(0.1));
  });
  it("takes an explicit dtype, booleans and typed arrays", () => {
    const i = mx.array([1, -2, 3], mx.int32);
    expect(i.dtype.name).toBe("int32");
    expect(Array.from(i.dataSync() as Int32Array)).toEqual([1, -2, 3]);
    const b = mx.array([true, false]);
    expect(b.dtype).toBe(mx.bool);
    expect(b.tolist()).toEqual([true, false]);
    const t = mx.array(new Int32Array([7, 8]));
    expect(t.dtype).toBe(mx.int32);
    expect(mx.array(new Float64Array([1.5])).dtype).toBe(mx.float64);
    expect(mx.array([1, 2], "int32").dtype).toBe(mx.int32);
  });
  it("reads back scalars, empty arrays and rejects ragged input", () => {
    expect(mx.array(3).shape).toEqual([]);
    expect(mx.array(3).tolist()).toBe(3);
    expect(mx.array([]).shape).toEqual([0]);
  });
});

describe("lazy ops", () => {
  it("add and multiply broadcast like the reference", () => {
    const A = { shape: [4, 1, 3], data: ref.f32(ref.rand(12, 2)) };
    const B = { shape: [5, 1], data: ref.f32(ref.rand(5, 3)) };
    const a = fromRef(A), b = fromRef(B);
    const s = mx.add(a, b);
    expect(s.shape).toEqual([4, 5, 3]);
    expect(ref.maxRelErr(s.dataSync() as Float32Array, ref.binary(A, B, (x, y) => x + y).data)).toBeLessThan(1e-6);
    const p = a.mul(b);
    expect(ref.maxRelErr(p.dataSync() as Float32Array, ref.binary(A, B, (x, y) => x * y).data)).toBeLessThan(1e-6);
  });
  it("keeps int32 and bool dtypes as MLX does", () => {
    const i = mx.array([1, 2, 3], mx.int32);
    expect(i.add(i).dtype).toBe(mx.int32);
    expect(i.add(1).dtype).toBe(mx.int32);
    expect(i.add(0.5).dtype).toBe(mx.float32);
    expect(i.add(0.5).tolist()).toEqual([1.5, 2.5, 3.5]);
    const b = mx.array([true, false, true]);
    expect(mx.add(b, i).tolist()).toEqual([2, 2, 4]);
    expect(b.sum().dtype).toBe(mx.int32);
    expect(b.sum().item()).toBe(2);
    expect(mx.multiply(i, b).tolist()).toEqual([1, 0, 3]);
  });
  it("matmul matches the reference, including threaded sizes and transposed views", () => {
    for (const [M, K, N] of [[1, 1, 1], [3, 5, 2], [37, 129, 65], [256, 300, 200]] as const) {
      const A = { shape: [M, K], data: ref.f32(ref.rand(M * K, M)) };
      const B = { shape: [K, N], data: ref.f32(ref.rand(K * N, N)) };
      const c = mx.matmul(fromRef(A), fromRef(B));
      expect(c.shape).toEqual([M, N]);
      expect(ref.maxRelErr(c.dataSync() as Float32Array, ref.matmul(A, B).data)).toBeLessThan(1e-5);
    }
    const A = { shape: [6, 4], data: ref.f32(ref.rand(24, 9)) };
    const At = ref.transpose(A, [1, 0]);
    const got = mx.matmul(fromRef(A).T, fromRef(A)); // reads the transposed view directly
    expect(ref.maxRelErr(got.dataSync() as Float32Array, ref.matmul(At, A).data)).toBeLessThan(1e-6);
  });
  it("sum over axes with keepdims and negative axes", () => {
    const A = { shape: [3, 4, 5], data: ref.f32(ref.rand(60, 4)) };
    const a = fromRef(A);
    for (const [axes, keep] of [[[0], false], [[1], true], [[-1], false], [[0, 2], false], [[2, 0, 1], true]] as const) {
      const want = ref.sum(A, [...axes], keep);
      const got = a.sum([...axes], keep);
      expect(got.shape).toEqual(want.shape);
      expect(ref.maxRelErr(got.dataSync() as Float32Array, want.data)).toBeLessThan(1e-5);
    }
    expect(a.sum().shape).toEqual([]);
    expect(a.sum(1).shape).toEqual([3, 5]);
    const total = A.data.reduce((x, y) => x + y, 0);
    expect(Math.abs((a.sum().item() as number) - total)).toBeLessThan(1e-4);
  });
  it("sums large arrays across the thread pool", () => {
    const n = 1 << 20;
    const data = new Float32Array(n).map((_, i) => (i % 11) - 5);
    const want = Array.from(data).reduce((x, y) => x + y, 0);
    const a = mx.array(data).reshape(1024, 1024);
    expect(a.sum().item()).toBe(want);
    const rows = a.sum(1).dataSync();
    expect(rows[1023]).toBe(Array.from(data.subarray(1023 * 1024)).reduce((x, y) => x + y, 0));
  });
  it("reshape and transpose compose, including on non-contiguous views", () => {
    const A = { shape: [2, 3, 4], data: ref.f32(ref.rand(24, 5)) };
    const t = fromRef(A).transpose(2, 0, 1);
    expect(t.shape).toEqual([4, 2, 3]);
    expect(Array.from(t.dataSync() as Float32Array)).toEqual(ref.transpose(A, [2, 0, 1]).data);
    const r = t.reshape(4, 6);
    expect(Array.from(r.dataSync() as Float32Array)).toEqual(ref.transpose(A, [2, 0, 1]).data);
    expect(mx.reshape(fromRef(A), [-1, 4]).shape).toEqual([6, 4]);
  });
  it("moveaxis is a view with the axes in their new places", () => {
    const A = { shape: [2, 3, 4], data: ref.f32(ref.rand(24, 6)) };
    const m = mx.moveaxis(fromRef(A), 0, -1);
    expect(m.shape).toEqual([3, 4, 2]);
    expect(Array.from(m.dataSync() as Float32Array)).toEqual(ref.transpose(A, [1, 2, 0]).data);
    expect(fromRef(A).moveaxis(2, 0).shape).toEqual([4, 2, 3]);
    expect(() => mx.moveaxis(fromRef(A), 3, 0)).toThrowError("[moveaxis] Invalid axis 3 for an array with 3 dimensions.");
  });
  it("builds graphs lazily and evaluates them with mx.eval", () => {
    const x = mx.array([[1, 2], [3, 4]]);
    const y = mx.matmul(x, x).add(1).sum();
    mx.eval(y, { other: [y, "ignored", 3] });
    expect(y.item()).toBe(58);
  });
});

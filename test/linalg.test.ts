// Linear algebra (addmm, outer, inner, tensordot, einsum) and mx.fast
// (rmsNorm, layerNorm, rope, scaledDotProductAttention) through the package:
// pure-JS references, hand values, gradients, vmap, errors.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

const M = mx;
// Error paths that pass deliberately wrong arguments go through an untyped alias.
const junkM = mx as any;
const F = M.fast;
const flat = (a: any) => Array.from(a.dataSync() as ArrayLike<number>, Number);
const rnd = (shape: number[], seed = 1) =>
  mx.array(Float64Array.from(ref.rand(ref.size(shape), seed))).reshape(shape);
const close = (got: number[], want: number[], tol = 1e-9) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
};

/** Naive matmul of row-major (m,k) x (k,n). */
function mm(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array(m * n).fill(0);
  for (let i = 0; i < m; ++i) for (let j = 0; j < n; ++j) for (let t = 0; t < k; ++t) out[i * n + j] += a[i * k + t]! * b[t * n + j]!;
  return out;
}

describe("linear algebra", () => {
  it("addmm, outer, inner and tensordot by hand", () => {
    const a = mx.array([[-2, -1, 0], [1, 2, 3]]);
    const b = mx.array([[0, 0.5], [1, 1.5], [2, 2.5]]);
    const c = mx.array([[1, 2], [3, 4]]);
    expect(M.addmm(c, a, b, { alpha: 2, beta: 0.5 }).tolist()).toEqual([[-1.5, -4], [17.5, 24]]);
    // a @ b = [[-1, -2.5], [8, 11]] by hand; alpha = beta = 1 adds c.
    expect(M.addmm(c, a, b).tolist()).toEqual([[0, -0.5], [11, 15]]);
    expect(M.addmm(c, a, b, { beta: 0 }).tolist()).toEqual([[-1, -2.5], [8, 11]]);
    expect(M.outer(mx.array([1, 2, 3]), mx.array([[4, 5]])).tolist()).toEqual([[4, 5], [8, 10], [12, 15]]);
    expect(M.inner(mx.array([1, 2, 3]), mx.array([4, 5, 6])).item()).toBe(32);
    const A = mx.arange(24).reshape([2, 3, 4]);
    expect(M.tensordot(A, mx.arange(12).reshape([3, 4]).subtract(5)).tolist()).toEqual([176, 248]);
    expect(M.tensordot(A, mx.arange(24).reshape([4, 3, 2]).multiply(0.25), [[1, 2], [1, 0]]).tolist()).toEqual([
      [220, 236.5], [616, 668.5]]);
    expect(M.tensordot(mx.array([1, 2]), mx.array([3, 4]), 0).tolist()).toEqual([[3, 4], [6, 8]]);
    expect(M.tensordot(mx.array([[1, 2]]), mx.array([[3], [4]]), [1, 0]).tolist()).toEqual([[11]]);
  });

  it("einsum matches a JS reference", () => {
    const x = rnd([2, 3, 4], 1), y = rnd([2, 4, 5], 2);
    const xv = flat(x), yv = flat(y);
    const want: number[] = [];
    for (let bb = 0; bb < 2; ++bb) want.push(...mm(xv.slice(bb * 12, bb * 12 + 12), yv.slice(bb * 20, bb * 20 + 20), 3, 4, 5));
    close(flat(M.einsum("bij,bjk->bik", x, y)), want);
    const m3 = mx.arange(9).reshape([3, 3]);
    expect(M.einsum("ii->i", m3).tolist()).toEqual([0, 4, 8]);
    expect(M.einsum("ii", m3).item()).toBe(12);
    expect(M.einsum("ij,jk", m3, mx.arange(6).reshape([3, 2])).tolist()).toEqual([[10, 13], [28, 40], [46, 67]]);
    expect(M.einsum("ij,jk,k->i", m3, mx.arange(6).reshape([3, 2]), mx.array([1, -1])).tolist()).toEqual([-3, -12, -21]);
    expect(M.einsum("ij->ji", m3).tolist()).toEqual([[0, 3, 6], [1, 4, 7], [2, 5, 8]]);
    expect(M.einsum("...ij,...jk", mx.arange(12).reshape([2, 2, 3]), mx.arange(6).reshape([3, 2])).tolist()).toEqual([
      [[10, 13], [28, 40]], [[46, 67], [64, 94]]]);
    expect(M.einsum("b...,b...->...", mx.arange(6).reshape([2, 1, 3]), mx.arange(8).reshape([2, 4, 1])).shape).toEqual([4, 3]);
    expect(M.einsum("i, j -> ij", mx.array([1, 2]), mx.array([3, 4, 5])).tolist()).toEqual([[3, 4, 5], [6, 8, 10]]);
  });

  it("gradients and vmap compose", () => {
    const f = (a: any, b: any) => M.einsum("ij,jk->", a, b);
    const a = rnd([2, 3], 3), b = rnd([3, 4], 4);
    const [ga, gb] = mx.grad(f, { argnums: [0, 1] })(a, b) as any[];
    // d/da sum(a b) = ones(2,4) b^T
    const bsum = [0, 1, 2].map((j) => flat(b).slice(j * 4, j * 4 + 4).reduce((s, v) => s + v, 0));
    close(flat(ga), [...bsum, ...bsum]);
    const asum = [0, 1, 2].map((j) => flat(a)[j]! + flat(a)[3 + j]!);
    close(flat(gb), asum.flatMap((v) => [v, v, v, v]));
    const g = mx.vmap((x: any) => M.tensordot(x, b, 1));
    const X = rnd([5, 2, 3], 6);
    const xv = flat(X), bv = flat(b);
    close(flat(g(X)), [0, 1, 2, 3, 4].flatMap((i) => mm(xv.slice(i * 6, i * 6 + 6), bv, 2, 3, 4)));
    const h = mx.grad((c: any) => M.addmm(c, a, b, { alpha: 3, beta: -2 }).sum());
    close(flat(h(mx.zeros([4], mx.float64))), [-4, -4, -4, -4]);
  });

  it("errors are tagged and leave the module working", () => {
    const m2 = mx.arange(6).reshape([2, 3]);
    expect(() => M.einsum("ij,jk->ik", m2)).toThrow(/^\[einsum\] Number of operands/);
    expect(() => M.einsum("ij,jk->ik", m2, m2)).toThrow(/^\[einsum\] Size of label 'j'/);
    expect(() => M.einsum("i...->i", m2)).toThrow(/^\[einsum\] Output has more dimensions/);
    expect(() => M.einsum("ij->iz", m2)).toThrow(/^\[einsum\] Output label 'z'/);
    expect(() => junkM.einsum(3, m2)).toThrow(/^\[einsum\] subscripts must be a string/);
    expect(() => junkM.einsum("ij", [1, 2])).toThrow(/^\[einsum\] operand 0 must be an mx.Array/);
    expect(() => M.tensordot(m2, m2, 3)).toThrow(/^\[tensordot\]/);
    expect(() => M.tensordot(m2, m2, [[0], [1, 0]])).toThrow(/^\[tensordot\] Both axes lists/);
    expect(() => M.tensordot(m2, m2, [[0], [1]])).toThrow(/^\[tensordot\] Dimension 0 of a/);
    expect(() => M.inner(m2, mx.ones([2, 2]))).toThrow(/^\[inner\]/);
    expect(() => M.addmm(mx.ones([2, 2]), m2, m2)).toThrow(/^\[addmm\]/);
    expect(() => junkM.addmm(mx.ones([2, 2]), m2, m2.T, { alpha: "x" })).toThrow(/^\[addmm\] alpha must be a number/);
    expect(M.einsum("ij->j", m2).tolist()).toEqual([3, 5, 7]);
  });
});

describe("mx.fast", () => {
  const X = [[1, 2, 3, 4], [-1, 0, 1, 2]];
  const W = [1, 2, 0.5, -1], B = [0.1, 0.2, 0.3, 0.4];

  it("rmsNorm and layerNorm match their formulas", () => {
    const x = mx.array(X, mx.float64), w = mx.array(W, mx.float64), b = mx.array(B, mx.float64);
    const rms = F.rmsNorm(x, w, 1e-5).tolist() as number[][];
    const ln = F.layerNorm(x, w, b, 1e-5).tolist() as number[][];
    const lnPlain = F.layerNorm(x, null, null).tolist() as number[][];
    X.forEach((row, r) => {
      const ms = row.reduce((s, v) => s + v * v, 0) / 4;
      const mu = row.reduce((s, v) => s + v, 0) / 4;
      const vr = row.reduce((s, v) => s + (v - mu) ** 2, 0) / 4;
      row.forEach((v, i) => {
        expect(rms[r]![i]).toBeCloseTo((v / Math.sqrt(ms + 1e-5)) * W[i]!, 10);
        expect(ln[r]![i]).toBeCloseTo(((v - mu) / Math.sqrt(vr + 1e-5)) * W[i]! + B[i]!, 10);
        expect(lnPlain[r]![i]).toBeCloseTo((v - mu) / Math.sqrt(vr + 1e-5), 10);
      });
    });
    expect(F.rmsNorm(mx.array([3, 4]), null).dtype).toBe(mx.float32);
    const g = mx.grad((w: any) => F.rmsNorm(x, w, 1e-5).sum())(w);
    expect(g.shape).toEqual([4]);
  });

  it("rope follows MLX's angles in both layouts", () => {
    const T = 3, D = 6, dims = 4;
    const x = rnd([1, T, D], 9);
    const xv = flat(x);
    for (const traditional of [false, true]) {
      const y = flat(F.rope(x, dims, { traditional, base: 10000, scale: 0.5, offset: 2 }));
      for (let t = 0; t < T; ++t)
        for (let i = 0; i < dims / 2; ++i) {
          const th = (2 + t) * 0.5 * 10000 ** ((-2 * i) / dims);
          const i1 = traditional ? 2 * i : i, i2 = traditional ? 2 * i + 1 : i + dims / 2;
          const a = xv[t * D + i1]!, b = xv[t * D + i2]!;
          expect(y[t * D + i1]).toBeCloseTo(a * Math.cos(th) - b * Math.sin(th), 6);
          expect(y[t * D + i2]).toBeCloseTo(a * Math.sin(th) + b * Math.cos(th), 6);
          expect(y[t * D + 4]).toBe(xv[t * D + 4]);
        }
    }
    expect(() => F.rope(x, 3)).toThrow(/^\[rope\] dims must be a positive even/);
  });

  it("scaledDotProductAttention matches a JS reference with GQA and masks", () => {
    const Nq = 4, Nk = 2, Tq = 2, Tk = 3, D = 3;
    const q = rnd([1, Nq, Tq, D], 11), k = rnd([1, Nk, Tk, D], 12), v = rnd([1, Nk, Tk, D], 13);
    const qv = flat(q), kv = flat(k), vv = flat(v);
    const refAttn = (scale: number, keep: (i: number, j: number) => boolean) => {
      const out: number[] = [];
      for (let h = 0; h < Nq; ++h)
        for (let i = 0; i < Tq; ++i) {
          const hk = Math.floor(h / (Nq / Nk));
          const s = [];
          for (let j = 0; j < Tk; ++j) {
            let acc = 0;
            for (let d = 0; d < D; ++d) acc += qv[(h * Tq + i) * D + d]! * kv[(hk * Tk + j) * D + d]!;
            s.push(keep(i, j) ? acc * scale : -Infinity);
          }
          const mxv = Math.max(...s);
          const e = s.map((x) => Math.exp(x - mxv));
          const den = e.reduce((a, b) => a + b, 0);
          for (let d = 0; d < D; ++d) out.push(e.reduce((acc, ej, j) => acc + (ej / den) * vv[(hk * Tk + j) * D + d]!, 0));
        }
      return out;
    };
    close(flat(F.scaledDotProductAttention(q, k, v, { scale: 0.7 })), refAttn(0.7, () => true));
    close(flat(F.scaledDotProductAttention(q, k, v)), refAttn(1 / Math.sqrt(D), () => true));
    close(flat(F.scaledDotProductAttention(q, k, v, { scale: 0.7, mask: "causal" })), refAttn(0.7, (i, j) => j <= i + Tk - Tq));
    const mask = mx.array([[false, true, true], [true, true, true]]);
    close(flat(F.scaledDotProductAttention(q, k, v, { scale: 0.7, mask })), refAttn(0.7, (i, j) => !(i === 0 && j === 0)));
    expect(() => F.scaledDotProductAttention(q, k, v, { mask: "nope" as "causal" })).toThrow(/^\[scaled_dot_product_attention\] Unknown mask/);
    expect(() => F.scaledDotProductAttention(q, rnd([1, 3, Tk, D]), rnd([1, 3, Tk, D]))).toThrow(
      /^\[scaled_dot_product_attention\] The number of query heads/);
    const g = mx.grad((qq: any) => F.scaledDotProductAttention(qq, k, v, { mask: "causal" }).sum())(q);
    expect(g.shape).toEqual(q.shape);
  });
});

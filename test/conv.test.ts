// Convolutions through the package: a pure-JS direct-loop reference over
// several parameter sets, hand values, gradients (vs finite differences),
// vmap vs a loop, options errors, and that the module still works after them.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

const M = mx;
// Error paths that pass deliberately wrong arguments go through an untyped alias.
const junkM = mx as any;
const flat = (a: any) => Array.from(a.dataSync() as ArrayLike<number>, Number);
const rnd = (shape: number[], seed = 1, dtype = mx.float64) =>
  mx.array(Float64Array.from(ref.rand(ref.size(shape), seed))).reshape(shape).astype(dtype);
const close = (got: number[], want: number[], tol = 1e-9) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i]!))));
};

interface P { s: number[]; p: number[]; d: number[]; g: number }

/** Direct conv2d (transposed: scatter form) of x (N,H,W,C) with w (O,KH,KW,C/g). */
function refConv(x: number[], xs: number[], w: number[], ws: number[], q: P, transpose = false) {
  const [N, H, W, C] = xs as [number, number, number, number];
  const [O, KH, KW, Cg] = ws as [number, number, number, number];
  const Og = O / q.g;
  const OH = transpose ? (H - 1) * q.s[0]! - 2 * q.p[0]! + q.d[0]! * (KH - 1) + 1
    : Math.floor((H + 2 * q.p[0]! - q.d[0]! * (KH - 1) - 1) / q.s[0]!) + 1;
  const OW = transpose ? (W - 1) * q.s[1]! - 2 * q.p[1]! + q.d[1]! * (KW - 1) + 1
    : Math.floor((W + 2 * q.p[1]! - q.d[1]! * (KW - 1) - 1) / q.s[1]!) + 1;
  const y = new Array(N * OH * OW * O).fill(0);
  const [AH, AW] = transpose ? [H, W] : [OH, OW]; // the "small" side's positions
  const [BH, BW] = transpose ? [OH, OW] : [H, W];
  for (let n = 0; n < N; ++n)
    for (let a = 0; a < AH; ++a)
      for (let b = 0; b < AW; ++b)
        for (let ky = 0; ky < KH; ++ky)
          for (let kx = 0; kx < KW; ++kx) {
            const i = a * q.s[0]! + ky * q.d[0]! - q.p[0]!, j = b * q.s[1]! + kx * q.d[1]! - q.p[1]!;
            if (i < 0 || i >= BH || j < 0 || j >= BW) continue;
            for (let o = 0; o < O; ++o) {
              const g = Math.floor(o / Og);
              for (let c = 0; c < Cg; ++c) {
                const wv = w[((o * KH + ky) * KW + kx) * Cg + c]!;
                if (transpose) y[((n * OH + i) * OW + j) * O + o] += x[((n * H + a) * W + b) * C + g * Cg + c]! * wv;
                else y[((n * OH + a) * OW + b) * O + o] += x[((n * H + i) * W + j) * C + g * Cg + c]! * wv;
              }
            }
          }
  return { shape: [N, OH, OW, O], data: y };
}

const CASES: P[] = [
  { s: [1, 1], p: [0, 0], d: [1, 1], g: 1 },
  { s: [2, 1], p: [1, 1], d: [1, 2], g: 2 },
  { s: [1, 2], p: [2, 0], d: [2, 1], g: 1 },
  { s: [3, 2], p: [1, 2], d: [1, 1], g: 4 },
];
const opts = (q: P) => ({ stride: q.s, padding: q.p, dilation: q.d, groups: q.g });

describe("convolutions", () => {
  it("conv2d and convTranspose2d match a direct loop", () => {
    for (const q of CASES) {
      const xs = [2, 7, 6, 4], ws = [4, 3, 2, 4 / q.g];
      const x = rnd(xs, 1), w = rnd(ws, 2);
      const want = refConv(flat(x), xs, flat(w), ws, q);
      const y = M.conv2d(x, w, opts(q));
      expect(y.shape).toEqual(want.shape);
      close(flat(y), want.data);
      const yf = M.conv2d(x.astype(mx.float32), w.astype(mx.float32), opts(q));
      expect(yf.dtype).toBe(mx.float32);
      close(flat(yf), want.data, 1e-4);
      const wt = refConv(flat(x), xs, flat(w), ws, q, true);
      const t = M.convTranspose2d(x, w, opts(q));
      expect(t.shape).toEqual(wt.shape);
      close(flat(t), wt.data);
    }
  });

  it("conv1d by hand and against conv2d; scalar options apply to both axes", () => {
    const x = mx.array([[[1], [2], [3], [4], [5]]]); // (1, 5, 1)
    const w = mx.array([[[1], [0], [-1]]]); // (1, 3, 1)
    expect(M.conv1d(x, w).tolist()).toEqual([[[-2], [-2], [-2]]]);
    expect(M.conv1d(x, w, { padding: 1, stride: 2 }).tolist()).toEqual([[[-2], [-2], [4]]]);
    expect(M.conv1d(x, w, { dilation: 2 }).tolist()).toEqual([[[-4]]]);
    expect(M.convTranspose1d(mx.array([[[1], [2]]]), w).tolist()).toEqual([[[1], [2], [-1], [-2]]]);
    // conv1d is the reference's conv2d of height 1 (an independent loop, not webmx's conv2d).
    const x2 = rnd([2, 9, 4], 3), w2 = rnd([6, 3, 2], 4);
    const q1 = { s: [1, 2], p: [0, 1], d: [1, 2], g: 2 };
    const a = M.conv1d(x2, w2, { stride: 2, padding: 1, dilation: 2, groups: 2 });
    const want1 = refConv(flat(x2), [2, 1, 9, 4], flat(w2), [6, 1, 3, 2], q1);
    expect(a.shape).toEqual([2, want1.shape[2], 6]);
    close(flat(a), want1.data);
    const t1 = M.convTranspose1d(x2, w2, { stride: 2, padding: 1, dilation: 2, groups: 2 });
    const wantT = refConv(flat(x2), [2, 1, 9, 4], flat(w2), [6, 1, 3, 2], q1, true);
    expect(t1.shape).toEqual([2, wantT.shape[2], 6]);
    close(flat(t1), wantT.data);
    const s = rnd([1, 5, 5, 2], 5), k = rnd([2, 3, 3, 2], 6);
    const want2 = refConv(flat(s), [1, 5, 5, 2], flat(k), [2, 3, 3, 2], { s: [1, 1], p: [1, 1], d: [1, 1], g: 1 });
    close(flat(M.conv2d(s, k, { padding: 1 })), want2.data);
    close(flat(M.conv2d(s, k, { padding: [1, 1] })), want2.data);
  });

  it("gradients match finite differences; vmap matches a loop", () => {
    const q = CASES[1]!;
    const x = rnd([1, 4, 5, 4], 7), w = rnd([4, 2, 3, 2], 8), r = rnd([1, 3, 3, 4], 9);
    const f = (xx: any, ww: any) => M.conv2d(xx, ww, opts(q)).multiply(r).sum();
    const [gx, gw] = mx.grad(f, { argnums: [0, 1] })(x, w) as any[];
    const h = 1e-6;
    for (const [arr, g, which] of [[x, gx, 0], [w, gw, 1]] as const) {
      const base = flat(arr), gv = flat(g);
      for (const k of [0, 5, base.length - 1]) {
        const at = (d: number) => {
          const v = base.slice(); v[k]! += d;
          const a = mx.array(Float64Array.from(v)).reshape(arr.shape);
          return (which === 0 ? f(a, w) : f(x, a)).item() as number;
        };
        expect(gv[k]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 6);
      }
    }
    const X = rnd([3, 1, 4, 5, 4], 10);
    const v = mx.vmap((xx: any) => M.conv2d(xx, w, opts(q)))(X);
    const W = rnd([3, 4, 2, 3, 2], 11);
    const vw = mx.vmap((ww: any) => M.conv2d(x, ww, opts(q)))(W);
    for (let i = 0; i < 3; ++i) {
      close(flat(v.index(i)), flat(M.conv2d(X.index(i), w, opts(q))));
      close(flat(vw.index(i)), flat(M.conv2d(x, W.index(i), opts(q))));
    }
  });

  it("1x1 kernels (no im2col) match the reference, and vmap of the weight gradient matches a loop", () => {
    for (const g of [1, 2]) {
      const q = { s: [1, 1], p: [0, 0], d: [1, 1], g };
      const xs = [2, 3, 4, 4], ws = [6, 1, 1, 4 / g];
      const x = rnd(xs, 21), w = rnd(ws, 22);
      close(flat(M.conv2d(x, w, { groups: g })), refConv(flat(x), xs, flat(w), ws, q).data);
      close(flat(M.convTranspose2d(x, w, { groups: g })), refConv(flat(x), xs, flat(w), ws, q, true).data);
    }
    const w = rnd([4, 3, 3, 2], 23);
    const gw = (xx: any) => mx.grad((ww: any) => M.conv2d(xx, ww, { stride: 2, padding: 1, groups: 2 }).square().sum())(w);
    const X = rnd([3, 1, 6, 5, 4], 24);
    const v = mx.vmap(gw)(X);
    expect(v.shape).toEqual([3, 4, 3, 3, 2]);
    for (let i = 0; i < 3; ++i) close(flat(v.index(i)), flat(gw(X.index(i))));
  });

  it("errors are tagged and leave the module working", () => {
    const x = rnd([1, 5, 5, 4], 1, mx.float32), w = rnd([2, 3, 3, 4], 2, mx.float32);
    expect(() => M.conv2d(x.reshape([5, 5, 4]), w)).toThrow(/^\[conv2d\] Expected the input to have 4 dimensions/);
    expect(() => M.conv2d(x, rnd([2, 3, 3, 3]))).toThrow(/^\[conv2d\] Expected the input's channels/);
    expect(() => M.conv2d(x, w, { stride: 0 })).toThrow(/^\[conv2d\] Stride must be positive/);
    expect(() => M.conv2d(x, w, { stride: [1, 2, 3] })).toThrow(/^\[conv2d\] stride must be an integer or a pair/);
    expect(() => M.conv2d(x, w, { groups: 1.5 })).toThrow(/^\[conv2d\] groups must be an integer/);
    expect(() => junkM.conv2d(x, w, 3)).toThrow(/^\[conv2d\] Expected an options object/);
    expect(() => M.conv2d(x, rnd([2, 7, 3, 4]))).toThrow(/^\[conv2d\] The padded input/);
    expect(() => M.conv1d(x, w)).toThrow(/^\[conv1d\]/);
    expect(() => M.conv2d(x.astype(mx.int32), w.astype(mx.int32))).toThrow(/^\[conv2d\] Only real floating/);
    expect(() => M.convTranspose2d(x, rnd([2, 3, 3, 3]))).toThrow(/^\[conv_transpose2d\]/);
    expect(() => junkM.conv2d([1], w)).toThrow(/^\[conv2d\] input must be an mx.Array/);
    expect(M.conv2d(x, w).shape).toEqual([1, 3, 3, 2]);
  });
});

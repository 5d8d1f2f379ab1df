// fast.rmsNorm and fast.layerNorm run as row primitives (core/primitives/
// norm.h, core/backend/cpu/kernels/norm_rows.h): values against a float64 pure-JS
// reference of the composed definitions and against the same definitions
// composed of mx ops, over many row lengths, layouts and dtypes; gradients,
// jvps and vmap against the composed graph and finite differences.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { rand } from "./reference.js";

type Arr = ReturnType<typeof mx.array>;
const vals = (a: Arr): number[] => Array.from(a.dataSync() as ArrayLike<number>, Number);
const split = (d: number[], n: number) => Array.from({ length: d.length / n }, (_, i) => d.slice(i * n, i * n + n));

// The definitions, in float64 over rows of n.
function rmsRef(x: number[], n: number, w: number[] | null, eps: number): number[] {
  return split(x, n).flatMap((r) => {
    const s = 1 / Math.sqrt(r.reduce((a, v) => a + v * v, 0) / n + eps);
    return r.map((v, i) => v * s * (w ? w[i]! : 1));
  });
}
function lnRef(x: number[], n: number, w: number[] | null, b: number[] | null, eps: number): number[] {
  return split(x, n).flatMap((r) => {
    const mu = r.reduce((a, v) => a + v, 0) / n;
    const s = 1 / Math.sqrt(r.reduce((a, v) => a + (v - mu) ** 2, 0) / n + eps);
    return r.map((v, i) => (v - mu) * s * (w ? w[i]! : 1) + (b ? b[i]! : 0));
  });
}
// The same definitions composed of mx ops (what fast.* computed before the primitives).
const rmsComposed = (x: Arr, w: Arr | null, eps: number) => {
  const y = x.mul(mx.rsqrt(mx.mean(mx.square(x), -1, true).add(eps)));
  return w ? y.mul(w) : y;
};
const lnComposed = (x: Arr, w: Arr | null, b: Arr | null, eps: number) => {
  const c = x.sub(mx.mean(x, -1, true));
  let y = c.mul(mx.rsqrt(mx.mean(mx.square(c), -1, true).add(eps)));
  if (w) y = y.mul(w);
  return b ? y.add(b) : y;
};

function expectClose(got: number[], want: number[], tol: number | number[], what: string) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    const t = typeof tol === "number" ? tol : tol[i]!;
    if (Number.isNaN(w)) expect(g, `${what} element ${i}`).toBeNaN();
    else expect(Math.abs(g - w), `${what} element ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(t * (1 + Math.abs(w)));
  });
}

const f32 = (d: number[], shape: number[]) => mx.array(Float32Array.from(d)).reshape(shape);
const f64 = (d: number[], shape: number[]) => mx.array(Float64Array.from(d)).reshape(shape);
const as32 = (d: number[]) => Array.from(Float32Array.from(d));

describe("norm row kernels", () => {
  it("float32 rows of many lengths and offsets match float64 and the composed ops", () => {
    for (const n of [1, 2, 3, 4, 5, 15, 16, 17, 33, 64, 257, 1030]) {
      for (const [scale, shift] of [[1, 0], [30, 0], [1, 1000], [1e-3, -2]] as const) {
        const x = as32(rand(3 * n, n * 7 + scale).map((v) => v * scale + shift));
        const w = as32(rand(n, n + 1).map((v) => v + 1)), b = as32(rand(n, n + 2));
        const a = f32(x, [3, n]), wa = f32(w, [n]), ba = f32(b, [n]);
        // x - mean cancels in float32 for a large mean: an error of a few
        // ulps of the mean, relative to the row's spread.
        const tol = split(x, n).flatMap((r) => {
          const mu = r.reduce((p, v) => p + v, 0) / n;
          const sd = Math.sqrt(r.reduce((p, v) => p + (v - mu) ** 2, 0) / n + 1e-5);
          return r.map(() => 1e-5 + (16 * 2 ** -24 * Math.abs(shift)) / sd);
        });
        expectClose(vals(mx.fast.rmsNorm(a, wa, 1e-5)), rmsRef(x, n, w, 1e-5), 1e-5, `rmsNorm n=${n}`);
        expectClose(vals(mx.fast.rmsNorm(a, null, 1e-6)), rmsRef(x, n, null, 1e-6), 1e-5, `rmsNorm no weight n=${n}`);
        expectClose(vals(mx.fast.layerNorm(a, wa, ba, 1e-5)), lnRef(x, n, w, b, 1e-5), tol, `layerNorm n=${n}`);
        expectClose(vals(mx.fast.layerNorm(a, null, ba, 1e-5)), lnRef(x, n, null, b, 1e-5), tol, `layerNorm bias n=${n}`);
        expectClose(vals(mx.fast.layerNorm(a, wa, null, 1e-5)), lnRef(x, n, w, null, 1e-5), tol, `layerNorm weight n=${n}`);
        expectClose(vals(mx.fast.layerNorm(a, wa, ba, 1e-5)), vals(lnComposed(a, wa, ba, 1e-5)), tol, `layerNorm vs composed n=${n}`);
        expectClose(vals(mx.fast.rmsNorm(a, wa, 1e-5)), vals(rmsComposed(a, wa, 1e-5)), 1e-5, `rmsNorm vs composed n=${n}`);
      }
    }
  });

  it("constant rows, NaN and infinities follow the definitions", () => {
    const x = [2, 2, 2, 2, 1, Number.NaN, 3, 4, 0, 0, 0, 0, 1, Infinity, 2, 3];
    const a = f32(x, [4, 4]);
    expectClose(vals(mx.fast.layerNorm(a, null, null, 1e-5)), lnRef(x, 4, null, null, 1e-5), 1e-5, "layerNorm");
    expectClose(vals(mx.fast.rmsNorm(a, null, 1e-5)), rmsRef(x, 4, null, 1e-5), 1e-5, "rmsNorm");
  });

  it("strided and batched layouts, many rows (threads split them), float64 and half types", () => {
    const x = as32(rand(6 * 40 * 24, 11).map((v) => v * 4 + 1));
    const w = as32(rand(40, 12)), b = as32(rand(40, 13));
    const a = f32(x, [6, 24, 40]);
    const t = mx.transpose(a, [0, 2, 1]); // rows along a strided axis
    const xt = Array.from({ length: x.length }, (_, q) => {
      const i = Math.floor(q / 960), j = Math.floor(q / 24) % 40, k = q % 24; // t[i, j, k] = a[i, k, j]
      return x[i * 960 + k * 40 + j]!;
    });
    expect(t.shape).toEqual([6, 40, 24]);
    expectClose(vals(mx.fast.rmsNorm(t, f32(w.slice(0, 24), [24]), 1e-5)), rmsRef(xt, 24, w.slice(0, 24), 1e-5), 1e-5, "strided rms");
    expectClose(vals(mx.fast.layerNorm(a, f32(w, [40]), f32(b, [40]), 1e-5)), lnRef(x, 40, w, b, 1e-5), 1e-5, "batched");
    const big = as32(rand(3000 * 8, 14));
    expectClose(vals(mx.fast.rmsNorm(f32(big, [3000, 8]), null, 1e-5)), rmsRef(big, 8, null, 1e-5), 1e-5, "many rows");
    // float64 all the way
    const y64 = mx.fast.layerNorm(f64(x, [6, 24, 40]), f64(w, [40]), f64(b, [40]), 1e-5);
    expect(y64.dtype).toBe(mx.float64);
    expectClose(vals(y64), lnRef(x, 40, w, b, 1e-5), 1e-12, "float64");
    // half types compute in float32 and round once; the weight's dtype promotes
    for (const [dt, tol] of [[mx.float16, 2e-3], [mx.bfloat16, 1.6e-2]] as const) {
      const h = f32(x, [6, 24, 40]).astype(dt);
      const xh = vals(h.astype(mx.float64));
      const y = mx.fast.rmsNorm(h, f32(w, [40]).astype(dt), 1e-5);
      expect(y.dtype).toBe(dt);
      const wh = vals(f32(w, [40]).astype(dt).astype(mx.float64));
      expectClose(vals(y.astype(mx.float64)), rmsRef(xh, 40, wh, 1e-5), tol, `${dt} rms`);
      expect(mx.fast.layerNorm(h, f32(w, [40]), null, 1e-5).dtype).toBe(mx.float32);
    }
  });

  it("gradients match the composed graph and finite differences", () => {
    const R = 3, n = 7, eps = 1e-5;
    const x = rand(R * n, 21).map((v) => v * 2 + 0.5), w = rand(n, 22).map((v) => v + 1.2), b = rand(n, 23);
    const c = rand(R * n, 24); // weights of the output in the loss
    const xa = f64(x, [R, n]), wa = f64(w, [n]), ba = f64(b, [n]), ca = f64(c, [R, n]);
    const lossLn = (f: typeof lnComposed) => (p: Arr, q: Arr, r: Arr) => mx.sum(f(p, q, r, eps).mul(ca));
    const lossRms = (f: typeof rmsComposed) => (p: Arr, q: Arr) => mx.sum(f(p, q, eps).mul(ca));
    const fastLn = (p: Arr, q: Arr | null, r: Arr | null, e: number) => mx.fast.layerNorm(p, q, r, e);
    const fastRms = (p: Arr, q: Arr | null, e: number) => mx.fast.rmsNorm(p, q, e);
    const gl = mx.grad(lossLn(fastLn), { argnums: [0, 1, 2] })(xa, wa, ba) as Arr[];
    const glc = mx.grad(lossLn(lnComposed), { argnums: [0, 1, 2] })(xa, wa, ba) as Arr[];
    const gr = mx.grad(lossRms(fastRms), { argnums: [0, 1] })(xa, wa) as Arr[];
    const grc = mx.grad(lossRms(rmsComposed), { argnums: [0, 1] })(xa, wa) as Arr[];
    for (let k = 0; k < 3; ++k) expectClose(vals(gl[k]!), vals(glc[k]!), 1e-12, `layerNorm grad ${k}`);
    for (let k = 0; k < 2; ++k) expectClose(vals(gr[k]!), vals(grc[k]!), 1e-12, `rmsNorm grad ${k}`);
    // central differences of the float64 reference, for x and w
    const h = 1e-6;
    const lnLoss = (xs: number[], ws: number[]) => lnRef(xs, n, ws, b, eps).reduce((s, v, i) => s + v * c[i]!, 0);
    const rmsLoss = (xs: number[], ws: number[]) => rmsRef(xs, n, ws, eps).reduce((s, v, i) => s + v * c[i]!, 0);
    const fd = (f: (xs: number[], ws: number[]) => number, which: 0 | 1, i: number) => {
      const p = [x.slice(), w.slice()];
      p[which]![i]! += h;
      const up = f(p[0]!, p[1]!);
      p[which]![i]! -= 2 * h;
      return (up - f(p[0]!, p[1]!)) / (2 * h);
    };
    vals(gl[0]!).forEach((g, i) => expect(g).toBeCloseTo(fd(lnLoss, 0, i), 6));
    vals(gl[1]!).forEach((g, i) => expect(g).toBeCloseTo(fd(lnLoss, 1, i), 6));
    vals(gr[0]!).forEach((g, i) => expect(g).toBeCloseTo(fd(rmsLoss, 0, i), 6));
    vals(gr[1]!).forEach((g, i) => expect(g).toBeCloseTo(fd(rmsLoss, 1, i), 6));
    // float32 gradients keep the dtype and agree with the float64 ones
    const g32 = mx.grad(lossLn(fastLn), { argnums: [0, 1, 2] })(xa.astype(mx.float32), wa.astype(mx.float32), ba.astype(mx.float32)) as Arr[];
    for (let k = 0; k < 3; ++k) {
      expect(g32[k]!.dtype).toBe(mx.float32);
      expectClose(vals(g32[k]!), vals(gl[k]!), 1e-5, `float32 grad ${k}`);
    }
  });

  it("jvp and vmap agree with the composed definitions", () => {
    const R = 4, n = 9, eps = 1e-5;
    const xa = f64(rand(R * n, 31), [R, n]), wa = f64(rand(n, 32).map((v) => v + 1), [n]), ba = f64(rand(n, 33), [n]);
    const tx = f64(rand(R * n, 34), [R, n]), tw = f64(rand(n, 35), [n]), tb = f64(rand(n, 36), [n]);
    const [, [jl]] = mx.jvp((p: Arr, q: Arr, r: Arr) => mx.fast.layerNorm(p, q, r, eps), [xa, wa, ba], [tx, tw, tb]) as any;
    const [, [jlc]] = mx.jvp((p: Arr, q: Arr, r: Arr) => lnComposed(p, q, r, eps), [xa, wa, ba], [tx, tw, tb]) as any;
    expectClose(vals(jl), vals(jlc), 1e-12, "layerNorm jvp");
    const [, [jr]] = mx.jvp((p: Arr, q: Arr) => mx.fast.rmsNorm(p, q, eps), [xa, wa], [tx, tw]) as any;
    const [, [jrc]] = mx.jvp((p: Arr, q: Arr) => rmsComposed(p, q, eps), [xa, wa], [tx, tw]) as any;
    expectClose(vals(jr), vals(jrc), 1e-12, "rmsNorm jvp");
    // vmap over x's first axis, then over a batch of weights (and biases) too
    const vx = mx.vmap((p: Arr) => mx.fast.layerNorm(p, wa, ba, eps), { inAxes: [1] })(mx.transpose(xa)) as Arr;
    expectClose(vals(vx), vals(lnComposed(mx.transpose(mx.transpose(xa)), wa, ba, eps)), 1e-12, "vmap x");
    const W = f64(rand(R * n, 37), [R, n]), B = f64(rand(R * n, 38), [R, n]);
    const vw = mx.vmap((p: Arr, q: Arr, r: Arr) => mx.fast.layerNorm(p, q, r, eps), { inAxes: [0, 0, 0] })(xa, W, B) as Arr;
    expectClose(vals(vw), vals(lnComposed(xa, null, null, eps).mul(W).add(B)), 1e-12, "vmap x, w, b");
    const vr = mx.vmap((q: Arr) => mx.fast.rmsNorm(xa, q, eps), { inAxes: [0] })(W) as Arr;
    expect(vr.shape).toEqual([R, R, n]);
    expectClose(vals(vr), vals(rmsComposed(xa, null, eps).reshape([1, R, n]).mul(W.reshape([R, 1, n]))), 1e-12, "vmap w only");
  });

  it("shapeless compile replays the norm primitives on new shapes", () => {
    const f = mx.compile((a: Arr, w: Arr) => [mx.fast.rmsNorm(a, w, 1e-5), mx.fast.layerNorm(a, w, null, 1e-5)], { shapeless: true });
    for (const [r, c] of [[2, 3], [5, 9]] as const) {
      const x = as32(rand(r * c, r + c)), w = as32(rand(c, c));
      const [y1, y2] = f(f32(x, [r, c]), f32(w, [c])) as Arr[];
      expectClose(vals(y1!), rmsRef(x, c, w, 1e-5), 1e-5, "compiled rms");
      expectClose(vals(y2!), lnRef(x, c, w, null, 1e-5), 1e-5, "compiled ln");
    }
    f.dispose();
  });
});

// vmap from JS: against explicit loops, axes trees, errors, composition with grad.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

describe("vmap", () => {
  it("maps matmul over a non-leading axis like a loop, with an unmapped argument", () => {
    const X = { shape: [3, 5], data: ref.f32(ref.rand(15, 1)) };
    const W = { shape: [3, 4], data: ref.f32(ref.rand(12, 2)) };
    const x = mx.array(Float32Array.from(X.data)).reshape(3, 5);
    const w = mx.array(Float32Array.from(W.data)).reshape(3, 4);
    const f = (v: any, m: any) => mx.matmul(v, m).add(v.sum());
    const out = mx.vmap(f, { inAxes: [1, null] })(x, w);
    expect(out.shape).toEqual([5, 4]);
    const got = out.dataSync() as Float32Array;
    for (let b = 0; b < 5; ++b) {
      const col = { shape: [1, 3], data: [0, 1, 2].map((k) => X.data[k * 5 + b]!) };
      const want = ref.matmul(col, W).data.map((v) => v + col.data.reduce((s, t) => s + t, 0));
      expect(ref.maxRelErr(Array.from(got.subarray(b * 4, b * 4 + 4)), want)).toBeLessThan(1e-5);
    }
  });

  it("takes axes trees for one tree argument and puts outputs on outAxes", () => {
    const p = { a: mx.array([[1, 2, 3], [4, 5, 6]]), b: mx.array([10, 20]) };
    const f = (t: { a: any; b: any }) => ({ s: t.a.sum().add(t.b), t: t.a.T });
    const out = mx.vmap(f, { inAxes: { a: 0, b: 0 }, outAxes: { s: 0, t: 1 } })(p);
    expect(out.s.tolist()).toEqual([16, 35]);
    expect(out.t.shape).toEqual([3, 2]);
    expect(out.t.tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    const neg = mx.vmap((v: any) => v.mul(2), { inAxes: [-1] })(mx.array([[1, 2], [3, 4]]));
    expect(neg.tolist()).toEqual([[2, 6], [4, 8]]);
  });

  it("broadcasts outputs that don't depend on a mapped input", () => {
    const c = mx.array([7, 8]);
    const [y, k] = mx.vmap((v: any) => [v.mul(v), c], { outAxes: [0, 1] })(mx.array([1, 2, 3]));
    expect(y.tolist()).toEqual([1, 4, 9]);
    expect(k.tolist()).toEqual([[7, 7, 7], [8, 8, 8]]);
  });

  it("composes with grad both ways", () => {
    const cube = (v: any) => v.mul(v).mul(v).sum();
    const x = mx.array([1, 2, 3]);
    expect(mx.vmap(mx.grad(cube))(x).tolist()).toEqual([3, 12, 27]);
    expect(mx.grad((v: any) => mx.vmap(cube)(v).sum())(x).tolist()).toEqual([3, 12, 27]);
  });

  it("raises tagged errors and stays usable", () => {
    const x = mx.array([[1, 2, 3]]);
    const id = (v: any) => v;
    expect(() => mx.vmap(id, { inAxes: 2 })(x)).toThrowError("[vmap] The axis 2 is out of range for input 0 of shape (1,3).");
    expect(() => mx.vmap(id, { inAxes: "0" as any })(x)).toThrowError(/^\[vmap\] Inputs axes must be numbers, null or trees/);
    expect(() => mx.vmap((a: any, b: any) => a.add(b))(x, mx.array([1, 2]))).toThrowError(/^\[vmap\] Inconsistent sizes/);
    expect(() => mx.vmap((a: any) => a)({ a: x, s: "no" })).toThrowError("[vmap] Inputs must contain only arrays, but 's' is a string (no).");
    expect(() => mx.vmap((a: any) => { mx.eval(a.add(1)); return a; })(x)).toThrowError(/^\[vmap\] Can't evaluate/);
    expect(mx.add(x, 1).tolist()).toEqual([[2, 3, 4]]);
  });
});

describe("vmap through stopGradient", () => {
  it("maps it like the identity, and jvp gives it a zero tangent", () => {
    expect(mx.vmap((v: any) => mx.stopGradient(v).mul(2))(mx.array([1, 2])).tolist()).toEqual([2, 4]);
    const [, [t]] = mx.jvp((v: any) => mx.stopGradient(v).add(v), [mx.array([1, 2])], [mx.array([1, 1])]);
    expect(t!.tolist()).toEqual([1, 1]);
  });
});

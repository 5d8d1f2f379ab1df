// customFunction and checkpoint: rules used by their transforms, fallbacks,
// captured constants, structure errors, and checkpoint's recomputation.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

describe("customFunction", () => {
  it("uses its vjp rule under grad and falls back to fn for the others", () => {
    const f = mx.customFunction((x: any) => x.mul(x)).vjp((x: any, cot: any, out: any) => cot.mul(100));
    const x = mx.array([1, 2, 3]);
    expect(f(x).tolist()).toEqual([1, 4, 9]);
    expect(mx.grad((v: any) => f(v).sum())(x).tolist()).toEqual([100, 100, 100]);
    // jvp and vmap have no rule: they transform fn itself
    const [, t] = mx.jvp((v: any) => f(v), [x], [mx.array([1, 1, 1])]);
    expect(t[0]!.tolist()).toEqual([2, 4, 6]);
    expect(mx.vmap((v: any) => f(v))(x).tolist()).toEqual([1, 4, 9]);
  });

  it("passes several primals, cotangents and outputs as lists", () => {
    const f = mx
      .customFunction((a: any, b: any) => [a.mul(b), a.add(b)])
      .vjp((primals: any[], cots: any[], outs: any[]) => {
        expect(primals.length).toBe(2);
        expect(outs.length).toBe(2);
        return [cots[0].mul(2), cots[1].mul(3)];
      });
    const [ga, gb] = mx.grad((a: any, b: any) => { const [p, s] = f(a, b); return p.add(s).sum(); }, { argnums: [0, 1] })(
      mx.array([1, 2]), mx.array([3, 4]));
    expect(ga.tolist()).toEqual([2, 2]);
    expect(gb.tolist()).toEqual([3, 3]);
  });

  it("uses its jvp and vmap rules", () => {
    const f = mx
      .customFunction((x: any) => x.mul(2))
      .jvp((x: any, t: any) => t.mul(10))
      .vmap((x: any, axis: any) => [x.mul(3), axis]);
    const x = mx.array([[1, 2], [3, 4]]);
    expect(mx.jvp(f, [x], [mx.ones([2, 2])])[1][0]!.tolist()).toEqual([[10, 10], [10, 10]]);
    expect(mx.vmap(f)(x).tolist()).toEqual([[3, 6], [9, 12]]);
  });

  it("treats captured arrays as constants", () => {
    const w = mx.array([5, 6]);
    const f = mx.customFunction((x: any) => x.mul(w));
    const [gx, gw] = mx.grad((x: any, ww: any) => f(x).sum(), { argnums: [0, 1] })(mx.array([1, 1]), w);
    expect(gx.tolist()).toEqual([5, 6]);
    expect(gw.tolist()).toEqual([0, 0]);
  });

  it("works inside vmap and grad together", () => {
    const f = mx.customFunction((x: any) => x.mul(x).sum()).vjp((x: any, c: any) => x.mul(c).mul(2));
    const per = mx.vmap(mx.grad(f))(mx.array([[1, 2], [3, 4]]));
    expect(per.tolist()).toEqual([[2, 4], [6, 8]]);
  });

  it("reports rules with the wrong structure", () => {
    const x = mx.array([1, 2]);
    const badVjp = mx.customFunction((v: any) => v.mul(2)).vjp(() => "nope" as any);
    expect(() => mx.grad((v: any) => badVjp(v).sum())(x)).toThrowError(/^\[customFunction\] The vjp rule must return an array/);
    const badShape = mx.customFunction((v: any) => v.mul(2)).vjp(() => mx.ones([3]));
    expect(() => mx.grad((v: any) => badShape(v).sum())(x)).toThrowError(/^\[customFunction\] The vjp rule returned a cotangent of shape \(3\)/);
    const badVmap = mx.customFunction((v: any) => v.mul(2)).vmap((v: any) => v as any);
    expect(() => mx.vmap(badVmap)(mx.ones([2, 2]))).toThrowError("[customFunction] The vmap rule must return [outputs, axes], but it returned an array of shape (2,2).");
    expect(() => mx.customFunction((v: any) => v)("x" as any)).toThrowError(/^\[customFunction\] Arguments must be arrays/);
    expect(mx.add(x, 1).tolist()).toEqual([2, 3]);
  });
});

describe("checkpoint", () => {
  it("gives fn's values and gradients, re-running fn's forward pass in the backward pass", () => {
    let calls = 0;
    const body = (x: any) => {
      calls++;
      return x.mul(x).mul(x);
    };
    const ck = mx.checkpoint(body);
    const x = mx.array([1, 2]);
    expect(ck(x).tolist()).toEqual([1, 8]);
    calls = 0;
    const g = mx.grad((v: any) => ck(v).sum())(x);
    expect(g.tolist()).toEqual([3, 12]);
    expect(calls).toBe(2); // forward, then again for the backward pass
    calls = 0;
    const plain = mx.grad((v: any) => body(v).sum())(x);
    expect(plain.tolist()).toEqual([3, 12]);
    expect(calls).toBe(1);
  });
});

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
    expect(mx.add(x, 1).tolist()).toEqual([2, 3]);
  });
});

describe("customFunction under vmap, then grad or jvp outside it", () => {
  // f(x, w) = sum(x * w) with rules that are deliberately off by a factor (so we can tell they ran).
  const make = () => {
    const calls = { vjp: 0, jvp: 0 };
    const f = mx
      .customFunction((x: any, w: any) => x.mul(w).sum())
      .vjp(([x, w]: any[], c: any) => {
        calls.vjp++;
        return [w.mul(c).mul(10), x.mul(c).mul(100)];
      })
      .jvp(([x, w]: any[], [tx, tw]: any[]) => {
        calls.jvp++;
        return tx.mul(w).sum().mul(10).add(tw.mul(x).sum().mul(100));
      });
    return { f, calls };
  };
  const X = mx.array([[1, 2], [3, 4], [5, 6]]); // 3 examples of x
  const w = mx.array([7, 8]);

  it("grad of vmap uses the vjp rule, summing the cotangents of an unbatched primal over the batch", () => {
    const { f, calls } = make();
    const [gX, gw] = mx.grad((m: any, ww: any) => mx.vmap(f, { inAxes: [0, null] })(m, ww).sum(), { argnums: [0, 1] })(X, w);
    expect(calls.vjp).toBeGreaterThan(0);
    expect(gX.tolist()).toEqual([[70, 80], [70, 80], [70, 80]]); // 10 w per example
    expect(gw.tolist()).toEqual([900, 1200]); // 100 * sum over examples of x
  });

  it("keeps a batched primal's axis for its cotangent", () => {
    const { f } = make();
    const XT = X.T; // examples along axis 1
    const g = mx.grad((m: any) => mx.vmap(f, { inAxes: [1, null] })(m, w).sum())(XT);
    expect(g.tolist()).toEqual([[70, 70, 70], [80, 80, 80]]);
  });

  it("jvp of vmap uses the jvp rule", () => {
    const { f, calls } = make();
    const [, [t]] = mx.jvp((m: any, ww: any) => mx.vmap(f, { inAxes: [0, null] })(m, ww), [X, w], [mx.onesLike(X), mx.onesLike(w)]);
    expect(calls.jvp).toBeGreaterThan(0);
    // 10 * sum(w) + 100 * sum(x_b)
    expect(t!.tolist()).toEqual([150 + 300, 150 + 700, 150 + 1100]);
  });

  it("a checkpoint under vmap still recomputes in the backward pass of an outer grad", () => {
    let calls = 0;
    const ck = mx.checkpoint((v: any) => {
      calls++;
      return v.mul(v).sum();
    });
    calls = 0;
    mx.vmap(ck)(X).sum().item();
    const forward = calls; // tracing under vmap and the batched call
    calls = 0;
    const g = mx.grad((m: any) => mx.vmap(ck)(m).sum())(X);
    expect(g.tolist()).toEqual([[2, 4], [6, 8], [10, 12]]);
    expect(calls).toBeGreaterThan(forward);
  });
});

describe("customFunction on trees", () => {
  // f(params, x, opts) with params {w, b}, opts constants: y = (w*x + b) * scale,
  // plus an aux output z = x * x and a string passing through.
  const body = (p: any, x: any, opts: any) => ({
    y: p.w.mul(x).add(p.b).mul(opts.scale),
    aux: [x.mul(x), opts.name],
  });
  const w = mx.array([1, 2]), b = mx.array([3, 4]), x = mx.array([5, 7]);
  const opts = { scale: 3, name: "lin" };

  it("calls fn with the trees and returns its output tree, constants included", () => {
    const out = mx.customFunction(body).vjp(() => null)({ w, b }, x, opts) as any;
    expect(out.y.tolist()).toEqual([(5 + 3) * 3, (14 + 4) * 3]);
    expect(out.aux[0].tolist()).toEqual([25, 49]);
    expect(out.aux[1]).toBe("lin");
  });

  it("gives the vjp rule trees like the arguments and fn's output, and reads back a tree like the arguments", () => {
    const seen: any = {};
    const f = mx.customFunction(body).vjp((primals: any, cots: any, outs: any) => {
      seen.n = primals.length;
      seen.scale = primals[2].scale;
      seen.name = [cots.aux[1], outs.aux[1]];
      seen.outY = outs.y.tolist();
      // A deliberately "wrong" rule (10x the true cotangents) so we can tell it ran.
      const cy = cots.y.mul(primals[2].scale);
      return [{ w: cy.mul(primals[1]).mul(10), b: cy.mul(10) }, cy.mul(primals[0].w).mul(10).add(cots.aux[0].mul(2).mul(primals[1])), null];
    });
    const loss = (p: any, xx: any) => {
      const o = f(p, xx, opts) as any;
      return o.y.sum().add(o.aux[0].sum());
    };
    const [gp, gx] = mx.grad(loss, { argnums: [0, 1] })({ w, b }, x);
    expect(seen).toEqual({ n: 3, scale: 3, name: ["lin", "lin"], outY: [24, 54] });
    expect(gp.w.tolist()).toEqual([150, 210]); // 10 * 3 * x
    expect(gp.b.tolist()).toEqual([30, 30]);
    expect(gx.tolist()).toEqual([30 + 10, 60 + 14]); // 10*3*w + 2x
  });

  it("passes a single tree argument itself and wants that tree back", () => {
    const f = mx
      .customFunction((p: any) => p.a.mul(p.b.c))
      .vjp((p: any, cot: any) => ({ a: cot.mul(100), b: { c: cot.mul(-1) } }));
    const g = mx.grad((p: any) => f(p).sum())({ a: mx.array([1, 2]), b: { c: mx.array([3, 4]) } });
    expect(g.a.tolist()).toEqual([100, 100]);
    expect(g.b.c.tolist()).toEqual([-1, -1]);
  });

  it("gives the jvp rule tangents shaped like the arguments (null at constants and where an input has no tangent, as MLX)", () => {
    let tangentsSeen: any = null;
    const f = mx.customFunction(body).jvp((primals: any, t: any) => {
      tangentsSeen = { opts: t[2], b: t[0].b };
      return { y: t[0].w.mul(1000).add(t[1]), aux: [t[1].mul(-1), "ignored"] };
    });
    const [outs, tans] = mx.jvp(
      (ww: any, xx: any) => { const o = f({ w: ww, b }, xx, opts) as any; return [o.y, o.aux[0]]; },
      [w, x], [mx.array([1, 2]), mx.array([0.5, 0.25])],
    );
    expect(outs[0]!.tolist()).toEqual([24, 54]);
    expect(tangentsSeen).toEqual({ opts: { scale: null, name: null }, b: null });
    expect(tans[0]!.tolist()).toEqual([1000.5, 2000.25]);
    expect(tans[1]!.tolist()).toEqual([-0.5, -0.25]);
  });

  it("gives the vmap rule axes shaped like the arguments and takes output axes as a prefix tree", () => {
    let axesSeen: any = null;
    const f = mx.customFunction(body).vmap((inputs: any, axes: any) => {
      axesSeen = axes;
      const [p, xx] = inputs; // xx is batched along axis 1, p is not
      const xt = xx.T; // (batch, 2)
      return [{ y: p.w.mul(xt).add(p.b).mul(-1), aux: [xx.mul(0), "x"] }, { y: 0, aux: [1, null] }];
    });
    const X = mx.array([[1, 2, 3], [4, 5, 6]]);
    const seenOut: any[] = [];
    const out = mx.vmap((xx: any) => {
      const o = f({ w, b }, xx, opts) as any;
      seenOut.push(o.aux[1]);
      return { y: o.y, z: o.aux[0] };
    }, { inAxes: 1, outAxes: { y: 0, z: 1 } })(X) as any;
    expect(axesSeen).toEqual([{ w: null, b: null }, 1, { scale: null, name: null }]);
    expect(seenOut).toEqual(["lin"]);
    // -(w * x + b) per column x of X
    expect(out.y.tolist()).toEqual([[-4, -12], [-5, -14], [-6, -16]]);
    expect(out.z.tolist()).toEqual([[0, 0, 0], [0, 0, 0]]);
  });

  it("falls back to transforming fn on trees when a rule is missing", () => {
    const f = mx.customFunction(body).jvp((p: any, t: any) => ({ y: t[1], aux: [t[1], null] }));
    const loss = (p: any, xx: any) => (f(p, xx, opts) as any).y.sum();
    const [gp, gx] = mx.grad(loss, { argnums: [0, 1] })({ w, b }, x);
    expect(gp.w.tolist()).toEqual([15, 21]);
    expect(gp.b.tolist()).toEqual([3, 3]);
    expect(gx.tolist()).toEqual([3, 6]);
    const ys = mx.vmap((xx: any) => (f({ w, b }, xx, opts) as any).y)(mx.array([[1, 1], [2, 2]]));
    expect(ys.tolist()).toEqual([[12, 18], [15, 24]]);
  });

  it("reports rule results whose structure doesn't match, tagged, and stays usable", () => {
    const loss = (f: any) => (p: any, xx: any) => (f(p, xx, opts) as any).y.sum();
    const g = (f: any) => () => mx.grad(loss(f), { argnums: [0, 1] })({ w, b }, x);
    const cf = () => mx.customFunction(body);
    expect(g(cf().vjp(() => [{ w }, x, null]))).toThrowError(
      "[customFunction] The vjp rule must return a tree like the arguments, but at '0.b' it has undefined where an array is expected.",
    );
    expect(g(cf().vjp(() => [{ w, b, c: x }, x, null]))).toThrowError(
      "[customFunction] The vjp rule must return a tree like the arguments, but at '0' it has the unexpected key 'c'.",
    );
    expect(g(cf().vjp(() => [{ w, b }, x]))).toThrowError(
      "[customFunction] The vjp rule must return a JS array of length 3, like the arguments, but it returned a JS array of length 2.",
    );
    expect(g(cf().vjp(() => [{ w, b: 1 }, x, null]))).toThrowError(
      "[customFunction] The vjp rule must return a tree like the arguments, but at '0.b' it has a number (1) where an array is expected.",
    );
    expect(g(cf().vjp(() => [{ w, b }, mx.ones([3]), null]))).toThrowError(
      "[customFunction] The vjp rule returned a cotangent of shape (3) for primal 2 of shape (2).",
    );
    const jv = (f: any) => () => mx.jvp((xx: any) => (f({ w, b }, xx, opts) as any).y, [x], [x]);
    expect(jv(cf().jvp(() => ({ y: x })))).toThrowError(
      "[customFunction] The jvp rule must return a tree like the function's output, but at 'aux' it has undefined where a JS array of length 2 is expected.",
    );
    expect(jv(cf().jvp(() => ({ y: mx.ones([4]), aux: [x, null] })))).toThrowError(
      "[customFunction] The jvp rule returned a tangent of shape (4) for output 0 of shape (2).",
    );
    const vm = (f: any) => () => mx.vmap((xx: any) => (f({ w, b }, xx, opts) as any).y)(mx.ones([3, 2]));
    const outs = (y: any) => ({ y, aux: [mx.ones([3, 2]), null] });
    expect(vm(cf().vmap(() => [x, 0]))).toThrowError(
      "[customFunction] The vmap rule's outputs must return an object with the keys [\"y\",\"aux\"], like the function's output, but it returned an array of shape (2).",
    );
    expect(vm(cf().vmap(() => [outs(mx.ones([3, 2])), { y: 0 }]))).toThrowError(
      /^\[customFunction\] The vmap rule's output axes must be a number, null or a prefix tree of the outputs' structure/,
    );
    expect(vm(cf().vmap(() => [outs(mx.ones([3, 2])), 2]))).toThrowError(
      "[customFunction] The vmap rule's output axis 2 is out of range for its output 0 of shape (3,2).",
    );
    expect(vm(cf().vmap(() => [outs(mx.ones([4, 2])), 0]))).toThrowError(
      "[customFunction] The vmap rule's output 0 has size 4 along its axis 0 but the batch size is 3.",
    );
    expect(vm(cf().vmap(() => [outs(mx.ones([3, 5])), 0]))).toThrowError(
      "[customFunction] The vmap rule returned output 0 of shape (3,5) with axis 0 but one example of it has shape (2).",
    );
    // negative output axes count from the end
    const neg = cf().vmap((i: any) => [{ y: i[1].T.mul(2), aux: [i[1].T, null] }, -1]);
    expect(mx.vmap((xx: any) => (neg({ w, b }, xx, opts) as any).y)(mx.array([[1, 2], [3, 4]])).tolist()).toEqual([[2, 4], [6, 8]]);
    expect(mx.add(x, 1).tolist()).toEqual([6, 8]);
  });
});

describe("customFunction and checkpoint memory", () => {
  it("leave no arrays behind under grad, jvp and vmap with tree arguments", () => {
    const f = mx
      .customFunction((p: any, opts: any) => ({ y: p.w.mul(p.x).mul(opts.k), tag: opts.name }))
      .vjp((p: any[], c: any) => [{ w: c.y.mul(p[0].x), x: c.y.mul(p[0].w) }, null])
      .jvp((p: any[], t: any[]) => ({ y: t[0].w.mul(p[0].x), tag: null }));
    const ck = mx.checkpoint((p: any) => p.w.mul(p.x).sum());
    const p = { w: mx.array([1, 2]), x: mx.array([3, 4]) };
    const opts = { k: 2, name: "n" };
    const W = mx.stack([p.w, p.w]);
    const round = () => {
      mx.dispose(mx.grad((q: any) => (f(q, opts) as any).y.sum().add(ck(q)))(p));
      mx.dispose(mx.jvp((w: any) => (f({ w, x: p.x }, opts) as any).y, [p.w], [p.x]));
      mx.dispose(mx.vmap((w: any) => (f({ w, x: p.x }, opts) as any).y)(W));
    };
    round(); // warm up
    const before = mx.memory().liveArrays;
    for (let i = 0; i < 3; ++i) round();
    expect(mx.memory().liveArrays).toBe(before);
  });
});

describe("checkpoint on trees", () => {
  it("keeps constants and output trees, and matches fn's values and gradients", () => {
    let calls = 0;
    const body = (p: any, opts: any) => {
      calls++;
      const h = mx.tanh(p.w.mul(p.x)).mul(opts.k);
      return { h, parts: [h.sum(), opts.label] };
    };
    const ck = mx.checkpoint(body);
    const p = { w: mx.array(Float64Array.from([0.3, -0.7])), x: mx.array(Float64Array.from([1.5, 2])) };
    const opts = { k: 2, label: "tag" };
    const o = ck(p, opts) as any;
    expect(o.parts[1]).toBe("tag");
    const want = [0.3 * 1.5, -0.7 * 2].map((v) => 2 * Math.tanh(v));
    expect(Array.from(o.h.dataSync())).toEqual(want);
    calls = 0;
    const g = mx.grad((q: any) => (ck(q, opts) as any).parts[0])(p);
    expect(calls).toBe(2);
    const dh = (v: number) => 2 * (1 - Math.tanh(v) ** 2);
    const gw = Array.from(g.w.dataSync() as Float64Array);
    const gx = Array.from(g.x.dataSync() as Float64Array);
    [0.3 * 1.5, -0.7 * 2].forEach((v, i) => {
      expect(gw[i]).toBeCloseTo(dh(v) * [1.5, 2][i]!, 12);
      expect(gx[i]).toBeCloseTo(dh(v) * [0.3, -0.7][i]!, 12);
    });
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

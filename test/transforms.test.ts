// grad / valueAndGrad / vjp / jvp from JS: gradients against finite
// differences and hand values, MLX's argument rules and errors, trees, and
// no arrays left behind.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

const f64 = (data: number[], shape: number[]) => mx.array(Float64Array.from(data)).reshape(shape);
const vals = (a: any) => Array.from(a.dataSync() as Float64Array);

/** Central differences of a scalar fn of one float64 array. */
function numericGrad(f: (x: any) => any, x0: number[], shape: number[], h = 1e-6): number[] {
  return x0.map((_, i) =>
    mx.tidy(() => {
      const xp = [...x0], xm = [...x0];
      xp[i]! += h;
      xm[i]! -= h;
      return ((f(f64(xp, shape)).item() as number) - (f(f64(xm, shape)).item() as number)) / (2 * h);
    }),
  );
}

describe("grad and valueAndGrad", () => {
  it("match finite differences through matmul, broadcasting, reductions and division", () => {
    const W = f64(ref.rand(12, 1), [3, 4]);
    const b = f64(ref.rand(4, 2), [4]);
    const fns: [(x: any) => any, number[]][] = [
      [(x) => mx.matmul(x, W).add(b).mul(mx.matmul(x, W)).sum(), [2, 3]],
      [(x) => x.div(x.mul(x).add(1)).sum(), [5]],
      [(x) => mx.maximum(x, 0).sub(mx.minimum(x, x.T)).sum(), [3, 3]],
      [(x) => x.max(1).sum().add(x.prod(0).sum()), [2, 3]],
      [(x) => x.T.reshape(6).mean(), [2, 3]],
    ];
    fns.forEach(([f, shape], k) => {
      const x0 = ref.rand(ref.size(shape), 10 + k);
      const g = mx.grad(f)(f64(x0, shape));
      expect(g.shape).toEqual(shape);
      expect(g.dtype).toBe(mx.float64);
      expect(ref.maxRelErr(vals(g), numericGrad(f, x0, shape))).toBeLessThan(1e-6);
    });
  });

  it("returns the value, handles several argnums and keeps trees", () => {
    const f = (p: { w: any; b: any }, x: any) => p.w.mul(x).add(p.b).sum();
    const p = { w: mx.array([1, 2]), b: mx.array([3, 4]) };
    const x = mx.array([5, 7]);
    const [v, g] = mx.valueAndGrad(f)(p, x);
    expect(v.item()).toBe(5 + 14 + 7);
    expect(g.w.tolist()).toEqual([5, 7]);
    expect(g.b.tolist()).toEqual([1, 1]);
    const [g0, g1] = mx.grad(f, { argnums: [1, 0] })(p, x); // sorted, as MLX
    expect(g0.w.tolist()).toEqual([5, 7]);
    expect(g1.tolist()).toEqual([1, 2]);
  });

  it("takes argnames from the last argument (JS keyword arguments)", () => {
    const f = (x: any, kw: { a: any; b: any; note: string }) => x.mul(kw.a).add(kw.b).sum();
    const x = mx.array([2, 3]);
    const kw = { a: mx.array([10, 20]), b: mx.array([1, 1]), note: "passes through" };
    const [pos, named] = mx.grad(f, { argnames: "a" })(x, kw);
    expect(pos).toBeNull();
    expect(named.a.tolist()).toEqual([2, 3]);
    const [pos2, named2] = mx.grad(f, { argnums: 0, argnames: ["b"] })(x, kw);
    expect(pos2.tolist()).toEqual([10, 20]);
    expect(named2.b.tolist()).toEqual([1, 1]);
  });

  it("returns aux outputs untouched and sends no gradient through them", () => {
    const f = (x: any) => [x.mul(x).sum(), x.mul(100), "label"];
    const [[loss, aux, label], g] = mx.valueAndGrad(f)(mx.array([1, 2]));
    expect(loss.item()).toBe(5);
    expect(aux.tolist()).toEqual([100, 200]);
    expect(label).toBe("label");
    expect(g.tolist()).toEqual([2, 4]);
  });

  it("composes: the third derivative of x^3 is 6", () => {
    const cube = (x: any) => x.mul(x).mul(x).sum();
    const d1 = mx.grad(cube);
    const d2 = mx.grad((x: any) => d1(x).sum());
    const d3 = mx.grad((x: any) => d2(x).sum());
    const x = f64([0.5, 2], [2]);
    expect(vals(d1(x))).toEqual([0.75, 12]);
    expect(vals(d2(x))).toEqual([3, 12]);
    expect(vals(d3(x))).toEqual([6, 6]);
  });

  it("allows eval of intermediates inside the function", () => {
    const g = mx.grad((x: any) => {
      const y = x.mul(3);
      mx.eval(y);
      return y.mul(x).sum();
    })(mx.array([1, 2]));
    expect(g.tolist()).toEqual([6, 12]);
  });

  it("raises MLX's errors, tagged", () => {
    const f = (x: any, y: any) => x.mul(y).sum();
    const x = mx.array([1, 2]);
    expect(() => mx.grad(f, { argnums: -1 } as any)).toThrowError("[grad] Can't compute the gradient of negative argument index -1.");
    expect(() => mx.grad(f, { argnums: [0, 0] })).toThrowError("[grad] Duplicate argument index 0 is not allowed.");
    expect(() => mx.valueAndGrad(f, [0, 1] as any)).toThrowError("[valueAndGrad] Expected an options object, got Array.");
    expect(() => mx.grad(f, { argnum: 1 } as any)).toThrowError("[grad] Unknown option 'argnum'; expected argnums, argnames.");
    expect(() => mx.valueAndGrad(f, { argnums: [] })).toThrowError(/^\[valueAndGrad\] Gradient wrt no argument requested/);
    expect(() => mx.grad(f, { argnums: 2 } as any)(x, x)).toThrowError(
      "[grad] Can't compute the gradient of argument index 2 because the function was called with only 2 positional arguments.",
    );
    expect(() => mx.grad(f, { argnames: "z" })(x, { y: x })).toThrowError(
      `[grad] Can't compute the gradient of argument 'z' because the function was called with the named arguments ["y"].`,
    );
    expect(() => mx.grad((p: any) => p.a.sum())({ a: x, s: "text" })).toThrowError(
      "[grad] The differentiated argument 0 must contain only arrays, but 's' is a string (text).",
    );
    expect(() => mx.grad((a: any) => a.mul(2))(x)).toThrowError(
      "[grad] The function must return a scalar array, but it returned an array of shape (2).",
    );
    expect(() => mx.valueAndGrad((a: any) => [a.mul(2)])(x)).toThrowError(/^\[valueAndGrad\] The function must return a scalar array or a non-empty JS array/);
    const boom = new TypeError("boom");
    expect(() => mx.grad((_x: any) => { throw boom; })(x)).toThrow(boom); // the user's own exception, unchanged
    expect(mx.add(x, 1).tolist()).toEqual([2, 3]);
  });

  it("leaves no arrays behind", () => {
    const x = mx.array([1, 2, 3]);
    const gradFn = mx.grad((a: any) => a.mul(a).add(a).sum());
    mx.dispose(gradFn(x)); // warm up
    const before = mx.memory().liveArrays;
    for (let i = 0; i < 5; ++i) mx.dispose(gradFn(x));
    expect(mx.memory().liveArrays).toBe(before);
  });
});

describe("composition", () => {
  it("jvp of vjp gives the Hessian-vector product", () => {
    // f(x) = sum(x^3): vjp with cotangent 1 is 3x^2; its jvp along v is 6 x v.
    const x = mx.array([1, 2, 3]);
    const v = mx.array([1, 0, 2]);
    const g = (p: any) => mx.vjp((q: any) => q.mul(q).mul(q).sum(), [p], [mx.array(1)])[1][0]!;
    const [[gx], [hv]] = mx.jvp(g, [x], [v]);
    expect(gx!.tolist()).toEqual([3, 12, 27]);
    expect(hv!.tolist()).toEqual([6, 0, 36]);
  });
});

describe("more composition", () => {
  it("third-order grad of a non-polynomial: d3/dx3 sin(x) = -cos(x), also through jvp of vjp of grad", () => {
    const x = f64([0.3, -1.2, 2.5], [3]);
    const d1 = mx.grad((v: any) => mx.sin(v).sum());
    const d2 = mx.grad((v: any) => d1(v).sum());
    const d3 = mx.grad((v: any) => d2(v).sum());
    expect(ref.maxRelErr(vals(d3(x)), [0.3, -1.2, 2.5].map((v) => -Math.cos(v)))).toBeLessThan(1e-14);
    // Hessian-vector product of sum(sin(x) * x) by jvp of vjp, against finite differences of the gradient
    const f = (v: any) => mx.sin(v).mul(v).sum();
    const gradAt = (v: any) => mx.vjp(f, [v], [mx.array(1, mx.float64)])[1][0]!;
    const dir = f64([1, -2, 0.5], [3]);
    const [, [hv]] = mx.jvp(gradAt, [x], [dir]);
    const h = 1e-5;
    const fd = vals(gradAt(x.add(dir.mul(h))).sub(gradAt(x.sub(dir.mul(h)))).div(2 * h));
    expect(ref.maxRelErr(vals(hv!), fd)).toBeLessThan(1e-8);
  });

  it("grad of vmap of grad matches a loop (per-example second derivatives)", () => {
    const f = (v: any) => mx.exp(v.mul(0.5)).sum();
    const X = f64([0.1, 0.2, -0.3, 0.4, 1, -1], [3, 2]);
    // d/dX sum_b sum(grad f(X_b)) = 0.25 exp(X / 2)
    const g = mx.grad((m: any) => mx.vmap(mx.grad(f))(m).sum())(X);
    expect(ref.maxRelErr(vals(g), [0.1, 0.2, -0.3, 0.4, 1, -1].map((v) => 0.25 * Math.exp(v / 2)))).toBeLessThan(1e-14);
  });

  it("checkpoint inside grad of grad and inside vmap of grad gives fn's derivatives, re-running fn", () => {
    let calls = 0;
    const body = (v: any) => {
      calls++;
      return mx.tanh(v).mul(v);
    };
    const ck = mx.checkpoint(body);
    const x = f64([0.4, -0.9], [2]);
    // d2/dx2 [tanh(x) x] = 2 sech^2(x) - 2 x tanh(x) sech^2(x)
    const s2 = (v: number) => 1 / Math.cosh(v) ** 2;
    const want = [0.4, -0.9].map((v) => 2 * s2(v) - 2 * v * Math.tanh(v) * s2(v));
    calls = 0;
    const g2 = mx.grad((v: any) => mx.grad((u: any) => ck(u).sum())(v).sum())(x);
    expect(ref.maxRelErr(vals(g2), want)).toBeLessThan(1e-13);
    expect(calls).toBeGreaterThanOrEqual(2); // the forward pass ran again in a backward pass
    const per = mx.vmap(mx.grad((u: any) => ck(u).sum()))(x);
    expect(ref.maxRelErr(vals(per), [0.4, -0.9].map((v) => Math.tanh(v) + v * s2(v)))).toBeLessThan(1e-14);
  });
});

describe("deep graphs", () => {
  it("a chain of 100k ops evaluates (no transform) to the step-by-step value", () => {
    let y = mx.array([1, 2]);
    for (let i = 0; i < 100_000; ++i) {
      const prev = y;
      y = prev.mul(1.00001).add(1e-6);
      if (i > 0) prev.dispose(); // the graph keeps what it needs
    }
    const a = Math.fround(1.00001), b = Math.fround(1e-6);
    const want = [1, 2].map((v0) => {
      let v = v0;
      for (let i = 0; i < 100_000; ++i) v = Math.fround(Math.fround(v * a) + b);
      return v;
    });
    expect(Array.from(y.dataSync() as Float32Array)).toEqual(want);
    y.dispose();
  });


  it("a chain of 100k ops evaluates and differentiates without exhausting the wasm stack", () => {
    const chain = (x: any) => {
      let y = x;
      for (let i = 0; i < 100_000; ++i) y = mx.tidy(() => y.mul(1.00001).add(1e-6));
      return y.sum();
    };
    const [v, g] = mx.valueAndGrad(chain)(mx.array([1]));
    expect(v.item()).toBeGreaterThan(1);
    expect(Math.abs((g.item() as number) - Math.fround(1.00001) ** 100_000)).toBeLessThan(0.05);
    mx.dispose(v, g);
  });
});

describe("deep graphs under jvp and vmap", () => {
  it("a chain of 100k ops goes through jvp and vmap", () => {
    const chain = (x: any) => {
      let y = x;
      for (let i = 0; i < 100_000; ++i) y = mx.tidy(() => y.mul(1.00001).add(1e-6));
      return y;
    };
    const slope = Math.fround(1.00001) ** 100_000;
    const [[v], [t]] = mx.jvp(chain, [mx.array([1])], [mx.array([1])]);
    expect(Math.abs((t!.item() as number) - slope)).toBeLessThan(0.05);
    const m = mx.vmap(chain)(mx.array([1, 2]));
    const [a, b] = m.tolist() as number[];
    expect(Math.abs(b! - a! - slope)).toBeLessThan(0.05); // affine map: the difference scales by the slope
    expect(Math.abs(a! - (v!.item() as number))).toBeLessThan(1e-3);
    mx.dispose(v, t, m);
  });
});

describe("vjp and jvp", () => {
  it("return outputs and products, and satisfy the adjoint identity", () => {
    const W = f64(ref.rand(12, 3), [4, 3]);
    const f = (x: any) => [mx.matmul(x.mul(x), W), x.sum(0)];
    const x = f64(ref.rand(8, 4), [2, 4]);
    const v = f64(ref.rand(8, 5), [2, 4]);
    const w0 = f64(ref.rand(6, 6), [2, 3]);
    const w1 = f64(ref.rand(4, 7), [4]);
    const [outs, jv] = mx.jvp(f, [x], [v]);
    const [outs2, jtw] = mx.vjp(f, [x], [w0, w1]);
    expect(outs.length).toBe(2);
    expect(vals(outs[0])).toEqual(vals(outs2[0]));
    const lhs = (w0.mul(jv[0]!).sum().item() as number) + (w1.mul(jv[1]!).sum().item() as number);
    const rhs = jtw[0]!.mul(v).sum().item() as number;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10 * (1 + Math.abs(rhs)));
  });
  it("check counts and shapes", () => {
    const f = (a: any, b: any) => a.mul(b);
    const a = mx.array([1, 2]);
    expect(() => mx.vjp(f, [a, a], [a, a])).toThrowError("[vjp] Expected 1 cotangents (one per output), got 2.");
    expect(() => mx.vjp(f, [a, a], [mx.array([1])])).toThrowError(/^\[vjp\] Cotangent 0 has shape \(1\)/);
    expect(() => mx.jvp(f, [a, a], [a] as any)).toThrowError("[jvp] Expected 2 tangents (one per primal), got 1.");
    // A cotangent of another dtype is cast to the output's (as MLX): test/conformance.test.ts.
    expect(() => mx.jvp(f, [a, a], [a, mx.array([1, 1], mx.int32)])).toThrowError(
      "[jvp] Tangent 1 has dtype int32 but the corresponding primal has dtype float32.",
    );
    expect(() => mx.jvp(f, [a, 1] as any, [a, a])).toThrowError("[jvp] primals must contain only arrays, but element 1 is a number (1).");
    expect(() => mx.vjp((() => 3) as any, [a], [a])).toThrowError(/^\[vjp\] The function must return an array or a JS array of arrays/);
    const [o, t] = mx.jvp(f, [a, mx.array([3, 4])], [mx.array([1, 1]), mx.array([0, 0])]);
    expect(o[0]!.tolist()).toEqual([3, 8]);
    expect(t[0]!.tolist()).toEqual([3, 4]);
  });
});

// mx.compile: trace counts, cache keys, captured state, simplification,
// switches, and composition with the transforms.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

describe("compile", () => {
  it("traces once per key and replays without running the JS body", () => {
    let traces = 0;
    function scaled(x: any, k: number) {
      traces++;
      return x.mul(k).add(1);
    }
    const f = mx.compile(scaled);
    expect(f.name).toBe("scaled");
    expect(f(mx.array([1, 2]), 3).tolist()).toEqual([4, 7]);
    expect(f(mx.array([5, 6]), 3).tolist()).toEqual([16, 19]);
    expect(traces).toBe(1);
    f(mx.array([1, 2]), 4); // a new constant: new key
    expect(traces).toBe(2);
    f(mx.array([1, 2, 3]), 3); // a new shape
    f(mx.array([1, 2], mx.int32), 3); // a new dtype
    expect(traces).toBe(4);
    expect(f(mx.array([1, 2, 3]), 3).tolist()).toEqual([4, 7, 10]);
    expect(traces).toBe(4);
  });

  it("keeps tree structure and rejects arguments that aren't trees of arrays or constants", () => {
    const f = mx.compile((p: { a: any; b: any[] }) => ({ s: p.a.add(p.b[0]), n: "label" }));
    const out = f({ a: mx.array([1]), b: [mx.array([2])] });
    expect(out.s.tolist()).toEqual([3]);
    expect(out.n).toBe("label");
    expect(() => mx.compile((g: any) => g)(() => 1)).toThrowError(
      "[compile] Function arguments must be trees of arrays or constants (numbers, strings, booleans, null), but '0' is a function.",
    );
    expect(() => mx.compile((g: any) => g)(new Map())).toThrowError(/^\[compile\] .* but '0' is an object of type Map\./);
  });

  it("creation ops inside a compiled function are constants of the graph", () => {
    // Nullary primitives (arange, linspace) have no float32 kernel to fuse.
    const f = mx.compile((x: any) => x.add(mx.linspace(0, 1, 3)).mul(mx.arange(3)).add(mx.eye(2, 3)));
    expect(f(mx.ones([2, 3])).tolist()).toEqual([[1, 1.5, 4], [0, 2.5, 4]]);
    expect(f(mx.zeros([2, 3])).tolist()).toEqual([[1, 0.5, 2], [0, 1.5, 2]]);
  });

  it("merges equal constants and common subexpressions", () => {
    const f = mx.compile((x: any) => x.mul(2).add(x.mul(2)).sum());
    expect(f(mx.array([1, 2])).item()).toBe(12);
    const [t] = f.traces;
    expect(t!.nodes).toBeLessThan(t!.traced);
  });

  it("captures state through inputs and outputs (an optimizer step)", () => {
    const state = { w: mx.array([1, 2]), step: mx.array(0) };
    let traces = 0;
    const update = mx.compile(
      (g: any) => {
        traces++;
        state.w = state.w.sub(g.mul(0.5));
        state.step = state.step.add(1);
        return state.w.sum();
      },
      { inputs: state, outputs: state },
    );
    expect(update(mx.array([2, 2])).item()).toBe(1);
    expect(update(mx.array([2, 2])).item()).toBe(-1);
    expect(state.w.tolist()).toEqual([-1, 0]);
    expect(state.step.item()).toBe(2);
    expect(traces).toBe(1);
  });

  it("compiles a whole training step built with valueAndGrad", () => {
    const params = { w: mx.array([[0.5], [-0.5]]), b: mx.array([0]) };
    const x = mx.array([[1, 2], [3, 4], [5, 6]]);
    const y = mx.array([[1], [2], [3]]);
    const loss = (p: any, xb: any, yb: any) => mx.matmul(xb, p.w).add(p.b).sub(yb).square().mean();
    const vg = mx.valueAndGrad(loss);
    const eagerStep = (p: any): [any, any] => {
      const [l, g] = vg(p, x, y);
      return [l, mx.tree.map((a: any, d: any) => a.sub(d.mul(0.01)), p, g)];
    };
    const state = { p: params };
    const step = mx.compile(
      () => {
        const [l, np] = eagerStep(state.p);
        state.p = np as any;
        return l;
      },
      { inputs: state, outputs: state },
    );
    let eager: any = params;
    for (let i = 0; i < 5; ++i) {
      const cl = step().item() as number;
      const [el, ep] = eagerStep(eager);
      eager = ep;
      expect(Math.abs(cl - (el.item() as number))).toBeLessThan(1e-6);
    }
    expect(state.p.w.tolist()).toEqual(eager.w.tolist());
  });

  it("composes: grad of compiled, vmap of compiled, compile of compile", () => {
    const cube = mx.compile((x: any) => x.mul(x).mul(x).sum());
    expect(mx.grad(cube)(mx.array([1, 2])).tolist()).toEqual([3, 12]);
    const sq = mx.compile((x: any) => x.square());
    expect(mx.vmap(sq)(mx.array([[1, 2], [3, 4]])).tolist()).toEqual([[1, 4], [9, 16]]);
    const outer = mx.compile((x: any) => sq(x).add(1));
    expect(outer(mx.array([3])).tolist()).toEqual([10]);
  });

  it("disableCompile runs the body every time; enableCompile restores tracing", () => {
    let traces = 0;
    const f = mx.compile((x: any) => (traces++, x.add(1)));
    mx.disableCompile();
    f(mx.array([1]));
    f(mx.array([1]));
    expect(traces).toBe(2);
    mx.enableCompile();
    f(mx.array([1]));
    f(mx.array([1]));
    expect(traces).toBe(3);
    f.dispose();
    f(mx.array([1]));
    expect(traces).toBe(4); // cache freed: traced again
  });

  it("owns the state it writes: a loop leaves no arrays behind, compiled or not", () => {
    for (const on of [true, false]) {
      if (!on) mx.disableCompile();
      const state = { w: mx.array([1, 2]) };
      const f = mx.compile((g: any) => ((state.w = state.w.sub(g)), state.w.sum()), { inputs: state, outputs: state });
      const g = mx.array([0.5, 0.5]);
      mx.tidy(() => mx.eval(f(g)));
      const before = mx.memory().liveArrays;
      for (let i = 0; i < 20; ++i) mx.tidy(() => mx.eval(f(g)));
      expect(mx.memory().liveArrays).toBeLessThanOrEqual(before);
      expect(state.w.tolist()).toEqual([-9.5, -8.5]);
      mx.enableCompile();
    }
  });

  it("reports eval inside a compiled function and stays usable", () => {
    const f = mx.compile((x: any) => {
      mx.eval(x.add(1));
      return x;
    });
    expect(() => f(mx.array([1]))).toThrowError(/^\[compile\] Can't evaluate/);
    expect(mx.add(mx.array([1]), 1).tolist()).toEqual([2]);
  });

  it("shapeless: one trace per rank and dtype, replayed on new shapes", () => {
    let traces = 0;
    // x * sigmoid(1.702 x) + bias (a GELU approximation) and a transpose
    const act = (x: any, bias: any) => {
      traces++;
      return [x.mul(x.mul(1.702).sigmoid()).add(bias), x.T.exp()];
    };
    const f = mx.compile(act, { shapeless: true });
    const sig = (v: number) => 1 / (1 + Math.exp(-1.702 * v));
    for (const [r, c] of [[2, 3], [4, 5], [1, 1], [3, 2]]) {
      const xs = Array.from({ length: r! }, (_, i) => Array.from({ length: c! }, (_, j) => (i - j) / 3));
      const bs = Array.from({ length: c! }, (_, j) => j / 10);
      const [y, t] = f(mx.array(xs), mx.array(bs)) as any[];
      expect(y.shape).toEqual([r, c]);
      (y.tolist() as number[][]).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(xs[i]![j]! * sig(xs[i]![j]!) + bs[j]!, 5)));
      (t.tolist() as number[][]).forEach((row, j) => row.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(xs[i]![j]!), 5)));
    }
    expect(traces).toBe(1);
    expect(f.traces[0]!.graph).toMatch(/Fused\(/);
    f(mx.array([1, 2]), mx.array([0, 0])); // a new rank: a new trace
    f(mx.array([[1]], mx.float16), mx.array([0], mx.float16)); // a new dtype
    expect(traces).toBe(3);
    expect(() => f(mx.array([[1, 2]]), mx.array([1, 2, 3]))).toThrowError(/^\[compile\] Shapes \(1,2\) and \(3\) cannot be broadcast/);
    // grad through a shapeless replay at a shape it was not traced with
    const g = mx.grad((x: any) => (f(x, mx.zeros([4])) as any[])[0].sum())(mx.array([[0.5, -1, 2, 0]]));
    const d = (v: number) => sig(v) + v * 1.702 * sig(v) * (1 - sig(v));
    (g.tolist() as number[][])[0]!.forEach((v, j) => expect(v).toBeCloseTo(d([0.5, -1, 2, 0][j]!), 4));
    expect(traces).toBe(3);
  });

  it("shapeless: a classifier's inference graph follows the batch size", () => {
    // Pure-JS float64 reference for log_softmax(tanh(x W1 + b1) W2), its mean,
    // the argmax and the per-feature variance of x.
    const val = (i: number, j: number, k: number) => Math.sin(i * 1.3 + j * 0.7 + k * 2.1) / 2;
    const w1 = [0, 1, 2, 3].map((i) => [0, 1, 2].map((j) => val(i, j, 1)));
    const b1 = [0, 1, 2].map((j) => val(j, 0, 2));
    const w2 = [0, 1, 2].map((i) => [0, 1].map((j) => val(i, j, 3)));
    const ref = (x: number[][]) => {
      const h = x.map((r) => b1.map((b, j) => Math.tanh(r.reduce((s, v, k) => s + v * w1[k]![j]!, b))));
      const logits = h.map((r) => [0, 1].map((j) => r.reduce((s, v, k) => s + v * w2[k]![j]!, 0)));
      const logp = logits.map((r) => {
        const m = Math.max(...r);
        const lse = m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
        return r.map((v) => v - lse);
      });
      const mean = logits.flat().reduce((s, v) => s + v, 0) / logits.flat().length;
      const arg = logits.map((r) => (r[1]! > r[0]! ? 1 : 0));
      const variance = [0, 1, 2, 3].map((k) => {
        const col = x.map((r) => r[k]!);
        const mu = col.reduce((s, v) => s + v, 0) / col.length;
        return col.reduce((s, v) => s + (v - mu) ** 2, 0) / col.length;
      });
      return { logp, mean, arg, variance };
    };
    let traces = 0;
    const W1 = mx.array(w1), B1 = mx.array(b1), W2 = mx.array(w2);
    const classify = mx.compile(
      (x: any) => {
        traces++;
        const logits = mx.matmul(mx.tanh(mx.matmul(x, W1).add(B1)), W2);
        return { logp: mx.logSoftmax(logits, -1), mean: logits.mean(), arg: logits.argmax(-1), variance: mx.var(x, 0) };
      },
      { shapeless: true },
    );
    for (const batch of [3, 1, 6, 2]) {
      const x = Array.from({ length: batch }, (_, i) => [0, 1, 2, 3].map((k) => val(i + batch, k, 4) * 3));
      const got = classify(mx.array(x));
      const want = ref(x);
      expect(got.logp.shape).toEqual([batch, 2]);
      (got.logp.tolist() as number[][]).forEach((r, i) => r.forEach((v, j) => expect(v).toBeCloseTo(want.logp[i]![j]!, 5)));
      expect(got.mean.item()).toBeCloseTo(want.mean, 5);
      expect(got.arg.tolist()).toEqual(want.arg);
      (got.variance.tolist() as number[]).forEach((v, k) => expect(v).toBeCloseTo(want.variance[k]!, 5));
    }
    expect(traces).toBe(1);
    expect(classify.traces[0]!.graph).not.toMatch(/Reshape/);
  });

  it("shapeless: a compiled training step (valueAndGrad) follows the batch size", () => {
    const loss = (w: any, b: any, x: any, y: any) => {
      const logp = mx.logSoftmax(mx.matmul(x, w).add(b), -1);
      const oneHot = mx.equal(mx.expandDims(y, -1), mx.arange(3)).astype(mx.float32);
      return logp.mul(oneHot).sum(-1).mean().negative();
    };
    const step = mx.valueAndGrad(loss, { argnums: [0, 1] });
    let traces = 0;
    const compiled = mx.compile(
      (...args: Parameters<typeof step>) => {
        traces++;
        return step(...args);
      },
      { shapeless: true },
    );
    const w = mx.array([[0.5, -1, 0.25], [1, 0, -0.5], [0.1, 0.2, 0.3], [-0.7, 0.4, 0]]);
    const b = mx.array([0.1, -0.2, 0]);
    for (const batch of [5, 2, 8]) {
      const x = mx.array(Array.from({ length: batch }, (_, i) => [0, 1, 2, 3].map((k) => Math.sin(i * 4 + k))));
      const y = mx.array(Array.from({ length: batch }, (_, i) => (i * 2) % 3), mx.int32);
      const [v, [gw, gb]] = compiled(w, b, x, y) as any;
      const [ve, [gwe, gbe]] = step(w, b, x, y) as any;
      expect(v.item()).toBeCloseTo(ve.item(), 5);
      (gw.tolist() as number[][]).flat().forEach((g, i) => expect(g).toBeCloseTo((gwe.tolist() as number[][]).flat()[i]!, 5));
      (gb.tolist() as number[]).forEach((g, i) => expect(g).toBeCloseTo((gbe.tolist() as number[])[i]!, 5));
    }
    expect(traces).toBe(1);
  });

  it("shapeless: embedding lookups and concatenation follow the sequence length", () => {
    const table = [[0.5, -1], [2, 0.25], [-3, 1.5], [1, 1], [0, -2]];
    let traces = 0;
    const embed = mx.compile(
      (ids: any) => {
        traces++;
        const e = mx.take(mx.array(table), ids, 0); // (B, T, 2)
        return mx.concatenate([e, e.sum(-1, true)], -1); // (B, T, 3): each row and its sum
      },
      { shapeless: true },
    );
    for (const ids of [[[0, 1, 2]], [[4, 3], [2, 2], [1, 0]], [[3]]]) {
      const want = ids.map((row) => row.map((i) => [...table[i]!, table[i]![0]! + table[i]![1]!]));
      expect(embed(mx.array(ids, mx.int32)).tolist()).toEqual(want);
    }
    expect(traces).toBe(1);
  });

  it("shapeless: a function that reads a traced shape replays only on that shape", () => {
    let traces = 0;
    const scaled = mx.compile(
      (x: any) => {
        traces++;
        return x.mul(1 / x.shape[0]); // a number taken from the shape
      },
      { shapeless: true },
    );
    expect(scaled(mx.array([[2, 4], [6, 8]])).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(scaled(mx.array([[4, 4], [2, 2]])).tolist()).toEqual([[2, 2], [1, 1]]);
    expect(() => scaled(mx.array([[3, 3], [3, 3], [3, 3]]))).toThrowError(
      /^\[compile\] shapeless: the function read the shape of a traced array \(x\.shape or x\.size\) when it was traced with inputs of shapes \(2,2\).*can't replay on \(3,2\)/,
    );
    expect(traces).toBe(1);
    // ndim is fixed by the key: reading it is fine.
    const byRank = mx.compile((x: any) => x.sum(x.ndim - 1), { shapeless: true });
    expect(byRank(mx.array([[1, 2], [3, 4]])).tolist()).toEqual([3, 7]);
    expect(byRank(mx.array([[1, 2, 3]])).tolist()).toEqual([6]);
  });

  it("shapeless: a compiled function called inside traces its own counts", () => {
    const inner = mx.compile((x: any) => x.mean(0));
    expect(inner(mx.array([[1, 2], [3, 4]])).tolist()).toEqual([2, 3]); // traced outside, divisor 1/2 baked in
    const outer = mx.compile((x: any) => inner(x).mul(2), { shapeless: true });
    expect(outer(mx.array([[1, 2], [3, 4]])).tolist()).toEqual([4, 6]);
    expect(outer(mx.array([[1, 2], [3, 4], [5, 6], [7, 8]])).tolist()).toEqual([8, 10]);
    // The inner trace keeps what is an identity only at the traced shape.
    const widen = mx.compile((x: any) => mx.broadcastTo(x, [2, 3]));
    const outer2 = mx.compile((x: any) => widen(x).add(1), { shapeless: true });
    expect(outer2(mx.full([2, 3], 1)).tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
    expect(outer2(mx.array([[1, 2, 3]])).tolist()).toEqual([[2, 3, 4], [2, 3, 4]]);
  });

  it("shapeless: shapes and indexes the function wrote replay as written on new shapes", () => {
    // Each function runs compiled (one trace) and eagerly on every shape; the
    // answers must agree, errors included. Hand values pin the traced shape.
    const grid = (r: number, c: number) => mx.array(Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => 10 * i + j)));
    const fns: Record<string, (x: any) => any> = {
      reshapeInfer: (x) => x.reshape(-1, 2).add(0), // a -1 inferred again
      reshapeFixed: (x) => x.reshape(3, 2), // fits only inputs of 6 elements
      reshapeIdentityAtTrace: (x) => x.reshape(2, 3).mul(2),
      broadcastTo: (x) => mx.broadcastTo(x, [2, 3]).add(1), // an identity at (2,3)
      fullFromArray: (x) => mx.full([2, 2, 3], x.index(0)),
      rows: (x) => x.index(mx.slice(0, 2)), // an identity at (2,3)
      lastRow: (x) => x.index(-1),
      tailColumns: (x) => x.index("...", mx.slice(1)),
      reversedEveryOther: (x) => x.index(mx.slice(null, null, -2), null, 0),
      point: (x) => x.index(1, 2),
      onesLike: (x) => mx.onesLike(x),
      zerosLikeSum: (x) => mx.zerosLike(x).add(1).sum(0),
      splitHalves: (x) => mx.split(x, 2, 0)[1], // (2,3): the second row; errors on 3 rows as eager
      splitAt: (x) => mx.concatenate(mx.split(x, [1, -1], 1).reverse(), 1),
      // ops on the flattened array flatten rather than reshape to a size
      argmaxFlat: (x) => mx.argmax(x, null, true),
      cumsumFlat: (x) => mx.cumsum(x),
      sortFlat: (x) => mx.sort(x, null),
      takeFlat: (x) => mx.take(x, mx.array([4, 0], mx.int32)),
      outer: (x) => mx.outer(x, mx.array([1, -1])),
      // gradients through reshapes take the input's shape at run time
      gradReshape: (x) => mx.grad((y: any) => y.reshape(-1).square().sum())(x),
      gradFlatten: (x) => mx.grad((y: any) => mx.flatten(y).exp().sum())(x),
      gradTake: (x) => mx.grad((y: any) => mx.take(y, mx.array([0, 0, 1], mx.int32), 1).sum())(x),
      gradConcat: (x) => mx.grad((y: any) => mx.concatenate([y.square(), y.index("...", mx.slice(1)).mul(3)], 1).sum())(x),
    };
    const traced = [2, 3] as const;
    const want: Record<string, unknown> = {
      reshapeInfer: [[0, 1], [2, 10], [11, 12]],
      reshapeFixed: [[0, 1], [2, 10], [11, 12]],
      reshapeIdentityAtTrace: [[0, 2, 4], [20, 22, 24]],
      broadcastTo: [[1, 2, 3], [11, 12, 13]],
      fullFromArray: [[[0, 1, 2], [0, 1, 2]], [[0, 1, 2], [0, 1, 2]]],
      rows: [[0, 1, 2], [10, 11, 12]],
      lastRow: [10, 11, 12],
      tailColumns: [[1, 2], [11, 12]],
      reversedEveryOther: [[10]],
      point: 12,
      onesLike: [[1, 1, 1], [1, 1, 1]],
      zerosLikeSum: [2, 2, 2],
      splitHalves: [[10, 11, 12]],
      splitAt: [[2, 1, 0], [12, 11, 10]],
      argmaxFlat: [[5]],
      cumsumFlat: [0, 1, 3, 13, 24, 36],
      sortFlat: [0, 1, 2, 10, 11, 12],
      takeFlat: [11, 0],
      outer: [[0, -0], [1, -1], [2, -2], [10, -10], [11, -11], [12, -12]],
      gradReshape: [[0, 2, 4], [20, 22, 24]],
      gradTake: [[2, 1, 0], [2, 1, 0]],
      gradConcat: [[0, 5, 7], [20, 25, 27]],
    };
    const outcome = (f: () => any) => {
      try {
        const y = f();
        return { shape: y.shape, value: y.tolist() };
      } catch (e) {
        return { error: (e as Error).message.replace(/^\[compile\] /, "") };
      }
    };
    for (const [name, fn] of Object.entries(fns)) {
      let traces = 0;
      const f = mx.compile((x: any) => (traces++, fn(x)), { shapeless: true });
      const first = outcome(() => f(grid(...traced)));
      if (name in want) expect([name, first.value]).toEqual([name, want[name]]);
      for (const [r, c] of [[1, 3], [2, 3], [3, 2], [4, 5], [1, 1]] as const) {
        const got = outcome(() => f(grid(r, c)));
        const eager = outcome(() => fn(grid(r, c)));
        if ("error" in eager) expect([name, r, c, got.error]).toEqual([name, r, c, expect.stringMatching(/\S/)]);
        else expect([name, r, c, got]).toEqual([name, r, c, eager]);
      }
      expect([name, traces]).toEqual([name, 1]);
    }
    // Errors at replay name the op and the problem.
    const point = mx.compile((x: any) => x.index(2), { shapeless: true });
    expect(point(mx.array([5, 6, 7])).item()).toBe(7);
    expect(() => point(mx.array([5, 6]))).toThrowError(/^\[index\] Index 2 is out of bounds for axis 0 with size 2\.$/);
    const fixed = mx.compile((x: any) => x.reshape(2, 2), { shapeless: true });
    expect(fixed(mx.array([1, 2, 3, 4])).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(() => fixed(mx.array([1, 2, 3]))).toThrowError(/^\[reshape\] Cannot reshape array of size 3 into shape \(2,2\)\.$/);
    const widened = mx.compile((x: any) => mx.broadcastTo(x, [2, 3]), { shapeless: true });
    widened(mx.array([1, 2, 3]));
    expect(() => widened(mx.array([1, 2]))).toThrowError(/^\[broadcast_to\] Cannot broadcast array of shape \(2\) to shape \(2,3\)\.$/);
  });

  it("shapeless: gradients through slices and indexes follow new shapes", () => {
    // loss = sum(x[:, 1:]^2) + 3 x[-1, 0]: the gradient is 2x off the first
    // column and 3 at the last row's first element.
    const loss = (x: any) => x.index(mx.slice(null), mx.slice(1)).square().sum().add(x.index(-1, 0).mul(3));
    let traces = 0;
    const g = mx.compile((x: any) => (traces++, mx.grad(loss)(x)), { shapeless: true });
    for (const [r, c] of [[2, 3], [4, 2], [1, 5]] as const) {
      const xs = Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => i - j / 2));
      const want = xs.map((row, i) => row.map((v, j) => (j > 0 ? 2 * v : 0) + (i === r - 1 && j === 0 ? 3 : 0)));
      expect(g(mx.array(xs)).tolist()).toEqual(want);
    }
    expect(traces).toBe(1);
  });

  it("shapeless: a concatenation's gradient follows new shapes, and vmap, grad and jvp see through it", () => {
    // loss = sum(y^2) + sum(y[:, 1:]^2): the gradient is 2y, 4y off column 0.
    const loss = (y: any) => mx.concatenate([y.square(), y.index("...", mx.slice(1)).square()], 1).sum();
    const grad = (xs: number[][]) => xs.map((r) => r.map((v, j) => (j > 0 ? 4 : 2) * v));
    let traces = 0;
    const c = mx.compile((y: any) => (traces++, mx.grad(loss)(y)), { shapeless: true });
    for (const xs of [[[0.5, -1, 2], [1, 3, -2]], [[1, 2, 3, 4]], [[2], [-1]]]) {
      const x = mx.array(xs);
      expect(c(x).tolist()).toEqual(grad(xs));
      expect(mx.vmap(c)(mx.stack([x, x.mul(2)])).tolist()).toEqual([grad(xs), grad(xs.map((r) => r.map((v) => 2 * v)))]);
      // d/dy sum(grad^2) = 2 grad * d(grad)/dy: 8y in column 0, 32y elsewhere
      expect(mx.grad((y: any) => c(y).square().sum())(x).tolist()).toEqual(xs.map((r) => r.map((v, j) => (j > 0 ? 32 : 8) * v)));
      const [, [t]] = mx.jvp((y: any) => c(y), [x], [mx.onesLike(x)]) as any;
      expect(t.tolist()).toEqual(xs.map((r) => r.map((_, j) => (j > 0 ? 4 : 2))));
    }
    expect(traces).toBe(1);
  });

  it("shapeless: an attention block (qkv split, scores over the sequence) follows the sequence length", () => {
    const W = mx.random.normal([4, 12], { key: mx.random.key(1) });
    const attend = (x: any) => {
      const [q, k, v] = mx.split(mx.matmul(x, W), 3, -1);
      const scores = mx.softmax(mx.matmul(q, mx.swapaxes(k, -1, -2)).mul(0.5), -1);
      return mx.matmul(scores, v);
    };
    let traces = 0;
    const f = mx.compile((x: any) => (traces++, attend(x)), { shapeless: true });
    for (const T of [3, 5, 1, 8]) {
      const x = mx.random.normal([2, T, 4], { key: mx.random.key(T) });
      const got = f(x);
      expect(got.shape).toEqual([2, T, 4]);
      expect(mx.allclose(got, attend(x), 1e-5, 1e-6).item()).toBe(true);
    }
    expect(traces).toBe(1);
    // Equal sections that no longer divide the axis fail as split does.
    const halves = mx.compile((x: any) => mx.split(x, 2, -1)[0], { shapeless: true });
    expect(halves(mx.ones([3, 4])).shape).toEqual([3, 2]);
    expect(() => halves(mx.ones([3, 5]))).toThrowError(/^\[split\] Array split does not result in sub arrays with equal size: axis 1 of size 5 into 2 sections\.$/);
  });

  it("shapeless: squeeze without axes depends on the shape, so its trace holds for that shape only", () => {
    let traces = 0;
    const f = mx.compile((x: any) => (traces++, mx.squeeze(x).mul(2)), { shapeless: true });
    expect(f(mx.array([[1, 2, 3]])).tolist()).toEqual([2, 4, 6]);
    expect(f(mx.array([[3, 2, 1]])).tolist()).toEqual([6, 4, 2]);
    expect(() => f(mx.array([[1, 2], [3, 4]]))).toThrowError(/^\[compile\] shapeless: the function read the shape of a traced array/);
    expect(traces).toBe(1);
  });

  it("shapeless rejects functions whose shapes are fixed when traced, and they compile without it", () => {
    // pad and topk work out their slices from the traced shape (topk(x, 3) of
    // 3 elements is even an identity there): replaying those would be wrong.
    const padded = (x: any) => mx.pad(x, 1).exp();
    expect(() => mx.compile(padded, { shapeless: true })(mx.zeros([2, 3]))).toThrowError(
      /^\[compile\] shapeless: pad \(its SliceUpdate\) fixes its output shape when traced/,
    );
    expect(() => mx.compile((x: any) => mx.topk(x, 3), { shapeless: true })(mx.array([3, 1, 2]))).toThrowError(
      /^\[compile\] shapeless: topk \(its Slice\) fixes its output shape when traced/,
    );
    expect(() => mx.compile((x: any) => mx.tile(x, [2, 1]), { shapeless: true })(mx.ones([2, 3]))).toThrowError(
      /^\[compile\] shapeless: tile \(its \w+\) fixes its output shape when traced|^\[compile\] shapeless: in tile: a broadcast to the fixed shape/,
    );
    expect(mx.compile(padded)(mx.zeros([1, 1])).tolist()).toEqual([[1, 1, 1], [1, 1, 1], [1, 1, 1]]);
  });
});

// compile's elementwise fusion: which nodes fuse (through the graph
// description), and fused results against eager ones — exact, since a fused
// kernel runs the same float32 element functions, only tile by tile.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const M = mx;
const bits = (a: any) => Array.from(new Uint32Array(Float32Array.from(a.reshape(-1).tolist() as number[]).buffer));
const ramp = (n: number, k: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 2);

// Ten elementwise ops, the benchmark's chain.
const chain10 = (x: any, y: any) =>
  x.mul(y).add(1).tanh().mul(x).sub(y.sigmoid()).abs().sqrt().add(0.5).log().maximum(x);

describe("compile fusion", () => {
  it("fuses a 10-op elementwise chain into one node with the eager result", () => {
    const f = mx.compile(chain10);
    for (const n of [7, 1000, 100_003]) {
      // 100_003 elements: many tiles, threaded, and a partial last tile
      const x = mx.array(ramp(n, 0.37)), y = mx.array(ramp(n, 0.11));
      expect(bits(f(x, y))).toEqual(bits(chain10(x, y)));
    }
    for (const t of f.traces) {
      expect(t.graph).toBe("Fused(Multiply,Add,Tanh,Multiply,Sigmoid,Subtract,Abs,Sqrt,Add,Log,Maximum)");
      expect(t.nodes).toBe(1);
    }
    const unfused = mx.compile(chain10, { fuse: false });
    const x = mx.array(ramp(64, 0.3)), y = mx.array(ramp(64, 0.5));
    expect(bits(unfused(x, y))).toEqual(bits(f(x, y)));
    expect(unfused.traces[0]!.graph).not.toMatch(/Fused/);
  });

  it("folds broadcasts and scalars into the fused reads, also of transposed views", () => {
    const f = mx.compile((x: any, b: any) => x.T.add(b).mul(2).exp().sub(1));
    const x = mx.array(ramp(12, 0.7)).reshape(4, 3); // x.T is a (3,4) strided view
    const b = mx.array([[1], [2], [3]]); // (3,1) broadcast along columns
    expect(bits(f(x, b))).toEqual(bits(x.T.add(b).mul(2).exp().sub(1)));
    expect(f.traces[0]!.graph).toBe("Transpose Fused(Add,Multiply,Exp,Subtract)");
    const ref = (x.T.tolist() as number[][]).map((r, i) => r.map((v) => Math.exp(Math.fround(Math.fround(v + i + 1) * 2)) - 1));
    const got = f(x, b).tolist() as number[][];
    got.forEach((r, i) => r.forEach((v, j) => expect(Math.abs(v - ref[i]![j]!)).toBeLessThan(1e-6 * (1 + Math.abs(ref[i]![j]!)))));
  });

  it("fuses float16 and bfloat16 chains on the CPU, each step rounded as the unfused kernels round it", () => {
    const chain = (x: any, y: any, b: any) => chain10(x, y).mul(b).add(0.25).exp();
    const f = mx.compile(chain);
    for (const dt of [mx.float16, mx.bfloat16]) {
      for (const n of [7, 1000, 100_003]) {
        const x = mx.array(ramp(n, 0.37)).astype(dt), y = mx.array(ramp(n, 0.11)).astype(dt);
        const b = mx.array(ramp(n > 7 ? 1000 : 7, 0.05)).astype(dt);
        const [xs, bs] = n === 100_003 ? [x.reshape(-1), mx.array(1.5).astype(dt)] : [x.reshape(-1, n > 7 ? 1000 : 7), b];
        const got = f(xs, y.reshape(xs.shape), bs), want = chain(xs, y.reshape(xs.shape), bs);
        expect(got.dtype).toBe(dt);
        expect(bits(got.astype(mx.float32))).toEqual(bits(want.astype(mx.float32)));
      }
    }
    expect(f.traces.every((t: any) => /^Fused\(/.test(t.graph) && t.nodes === 1)).toBe(true);
    // (x + 1) - 1 at 2048 (float16) or 256 (bfloat16): x + 1 rounds back to x,
    // so the chain gives x - 1; computed in float32 throughout it would give x.
    const g = mx.compile((x: any) => x.add(1).sub(1));
    expect(g(mx.array([2048, 3], mx.float16)).tolist()).toEqual([2047, 3]);
    expect(g(mx.array([256, 3], mx.bfloat16)).tolist()).toEqual([255, 3]);
    expect(g.traces[0]!.graph).toBe("Fused(Add,Subtract)");
    // gradients through a fused float16 chain keep the dtype and equal eager's
    const loss = (x: any) => x.mul(x).add(1).tanh().sum();
    const xh = mx.array(ramp(300, 0.3)).astype(mx.float16);
    const [gc, ge] = [mx.grad(mx.compile(loss))(xh), mx.grad(loss)(xh)];
    expect(gc.dtype).toBe(mx.float16);
    expect(bits(gc.astype(mx.float32))).toEqual(bits(ge.astype(mx.float32)));
  });

  it("ends a chain with a sum, max or min over trailing axes (FusedReduce), equal to eager bit for bit", () => {
    const fns: Record<string, (x: any, y: any) => any> = {
      sumsq: (x, y) => x.sub(y).square().sum(),
      rowsum: (x, y) => x.mul(y).add(1).sum(-1),
      mean: (x, y) => x.sub(y).abs().mean([1, 2]),
      rowmax: (x, y) => x.mul(y).max(-1),
      min2: (x, y) => x.add(y).min([1, 2]),
      one: (x, y) => x.exp().sum(-1), // a chain of one step
    };
    // rows of 3090 and 2040 (not multiples of 16 or of the 1024-element
    // tiles), 6000 (several tiles per row), one row of 100_003 (threads);
    // rows of 7 and of 1000 stay unfused (shorter than a tile, where the fused
    // kernel's per-tile work loses to the two kernels)
    for (const shape of [[3, 7], [5, 1000], [4, 1030, 3], [2, 6000], [1, 2040], [100_003]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const x = mx.array(ramp(n, 0.37)).reshape(shape), y = mx.array(ramp(n, 0.11)).reshape(shape);
      for (const [name, f] of Object.entries(fns)) {
        if (shape.length < 3 && (name === "mean" || name === "min2")) continue;
        const c = mx.compile(f);
        expect(bits(c(x, y)), `${name} over ${shape}`).toEqual(bits(f(x, y)));
        const row = name === "sumsq" ? n : shape.at(-1)! * (name === "mean" || name === "min2" ? shape.at(-2)! : 1);
        if (row >= 1024) expect(c.traces[0]!.graph, `${name} over ${shape}`).toMatch(/^FusedReduce\(/);
        else expect(c.traces[0]!.graph, `${name} over ${shape}`).not.toMatch(/FusedReduce/);
      }
    }
    // hand values: NaN wins a max, the later of equal zeros wins (as the
    // Reduce kernel gives them), an all -inf row
    const m = mx.compile((x: any) => x.add(0).max(-1));
    const v = mx.array([[1, NaN, 3], [-0, 0, -Infinity], [-Infinity, -Infinity, -Infinity]]);
    const got = m(v).tolist() as number[];
    expect(got[0]).toBeNaN();
    expect(Object.is(got[1], 0)).toBe(true);
    expect(got[2]).toBe(-Infinity);
    expect(mx.compile((x: any) => x.mul(2).sum(-1))(mx.array([[1, 2], [3, 4.5]])).tolist()).toEqual([6, 15]);
    // not a trailing-axes reduction, or a chain whose result is read twice: no FusedReduce
    const mid = mx.compile((x: any) => x.exp().add(1).sum(0));
    mid(mx.array(ramp(12, 0.3)).reshape(3, 4));
    expect(mid.traces[0]!.graph).toBe("Fused(Exp,Add) Sum Squeeze");
    const twice = mx.compile((x: any) => { const e = x.exp().add(1); return [e.sum(), e]; });
    twice(mx.array([1, 2]));
    expect(twice.traces[0]!.graph).not.toMatch(/FusedReduce/);
    // gradients through the fused reduction, against eager's and central differences
    const loss = (x: any, y: any) => x.sub(y).square().sum();
    const x = mx.array(ramp(1100, 0.9)), y = mx.array(ramp(1100, 0.4));
    const cl = mx.compile(loss);
    cl(x, y);
    expect(cl.traces[0]!.graph).toMatch(/^FusedReduce\(/);
    const gc = mx.grad(cl)(x, y), ge = mx.grad(loss)(x, y);
    expect(bits(gc)).toEqual(bits(ge));
    const xs = x.tolist() as number[], ys = y.tolist() as number[];
    (gc.tolist() as number[]).forEach((g, i) => expect(g).toBeCloseTo(2 * (xs[i]! - ys[i]!), 5));
    // jvp and vmap of the compiled function
    const t = mx.array(ramp(1100, 0.2));
    const [, jc] = M.jvp((a: any) => mx.compile(loss)(a, y), [x], [t]);
    const [, je] = M.jvp((a: any) => loss(a, y), [x], [t]);
    expect(jc[0].item()).toBeCloseTo(je[0].item() as number, 4);
    const rows = mx.array(ramp(6600, 0.5)).reshape(6, 1100), yr = mx.array(ramp(1100, 0.8));
    expect(bits(mx.vmap(mx.compile(loss), { inAxes: [0, null] })(rows, yr))).toEqual(bits(rows.sub(yr).square().sum(-1)));
  });

  it("stops a chain at values read elsewhere and at non-float32 ops", () => {
    const f = mx.compile((x: any) => {
      const e = x.exp();
      return [e.add(1).square(), e.sum(), x.astype(mx.int32).add(1)];
    });
    const x = mx.array([0.5, 1.5, -2]);
    const [a, s, i] = f(x) as any[];
    expect(a.tolist()).toEqual(x.exp().add(1).square().tolist());
    expect(s.item()).toBeCloseTo(Math.exp(0.5) + Math.exp(1.5) + Math.exp(-2), 5);
    expect(i.tolist()).toEqual([1, 2, -1]);
    expect(f.traces[0]!.graph).toMatch(/^Exp Fused\(Add,Square\) /);
    expect(f.traces[0]!.graph).not.toMatch(/Fused\([^)]*Sum/);
  });

  it("fused functions keep working under grad, jvp and vmap", () => {
    const g = (x: any, y: any) => chain10(x, y).sum();
    const cg = mx.compile(g);
    const x = mx.array(ramp(50, 0.9)), y = mx.array(ramp(50, 0.4));
    const [ge, gc] = [mx.grad(g, { argnums: [0, 1] })(x, y), mx.grad(cg, { argnums: [0, 1] })(x, y)] as any[];
    cg(x, y);
    expect(cg.traces[0]!.graph).toMatch(/Fused/);
    for (let k = 0; k < 2; ++k) {
      const a = ge[k].tolist() as number[], b = gc[k].tolist() as number[];
      a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 5));
    }
    // grad against central differences on one coordinate (float64 reference)
    const h = 1e-3;
    const xs = Array.from(x.tolist() as number[]);
    const at = (d: number) => {
      const xd = xs.slice();
      xd[3]! += d;
      return cg(mx.array(xd), y).item() as number;
    };
    expect(gc[0].tolist()[3]).toBeCloseTo((at(h) - at(-h)) / (2 * h), 1);
    const t = mx.array(ramp(50, 0.2));
    const [, je] = M.jvp((a: any) => chain10(a, y), [x], [t]);
    const [, jc] = M.jvp((a: any) => mx.compile(chain10)(a, y), [x], [t]);
    (jc[0].tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo((je[0].tolist() as number[])[i]!, 5));
    const rows = mx.array(ramp(60, 0.5)).reshape(6, 10), ys = mx.array(ramp(10, 0.8));
    const vm = mx.vmap(mx.compile(chain10), { inAxes: [0, null] })(rows, ys);
    expect(bits(vm)).toEqual(bits(chain10(rows, ys)));
  });
});

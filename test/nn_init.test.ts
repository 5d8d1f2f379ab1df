// nn.init: shapes, dtypes, exact values where deterministic, and the
// statistics of the random initializers (means, spreads, bounds) on large
// samples with a fixed seed; the fan computations as MLX's.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const init = mx.nn.init;
const stats = (a: mx.Array) => {
  const v = Array.from(a.astype(mx.float64).dataSync() as Float64Array);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
};

describe("nn.init", () => {
  it("constant and identity", () => {
    const a = mx.zeros([2, 3]);
    expect(init.constant(1.5)(a).tolist()).toEqual([[1.5, 1.5, 1.5], [1.5, 1.5, 1.5]]);
    expect(init.constant(2, { dtype: mx.float16 })(a).dtype).toBe(mx.float16);
    expect(init.identity()(mx.zeros([3, 3])).tolist()).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    expect(() => init.identity()(a)).toThrow(/\[nn\.init\.identity\] The input array must be a square matrix but got shape \(2,3\)/);
  });
  it("normal and uniform", () => {
    mx.random.seed(1);
    const n = stats(init.normal({ mean: 2, std: 0.5 })(mx.zeros([100, 100])));
    expect(Math.abs(n.mean - 2)).toBeLessThan(0.02);
    expect(Math.abs(n.std - 0.5)).toBeLessThan(0.02);
    const u = stats(init.uniform({ low: -3, high: -1 })(mx.zeros([100, 100])));
    expect(u.min).toBeGreaterThanOrEqual(-3);
    expect(u.max).toBeLessThan(-1);
    expect(Math.abs(u.mean + 2)).toBeLessThan(0.03);
    expect(init.normal({ dtype: mx.float16 })(mx.zeros([2])).dtype).toBe(mx.float16);
  });
  it("glorot and he use MLX's fans: fan_in = last axis × receptive field, fan_out = first × receptive field", () => {
    mx.random.seed(2);
    const w = mx.zeros([64, 3, 3, 32]); // fan_in 288, fan_out 576
    const gn = stats(init.glorotNormal()(w));
    expect(Math.abs(gn.std - Math.sqrt(2 / (288 + 576)))).toBeLessThan(0.003);
    const gu = stats(init.glorotUniform()(w, { gain: 2 }));
    const limit = 2 * Math.sqrt(6 / (288 + 576));
    expect(gu.max).toBeLessThanOrEqual(limit);
    expect(gu.min).toBeGreaterThanOrEqual(-limit);
    expect(gu.max).toBeGreaterThan(0.95 * limit);
    const hn = stats(init.heNormal()(w));
    expect(Math.abs(hn.std - 1 / Math.sqrt(288))).toBeLessThan(0.002);
    const hnOut = stats(init.heNormal()(w, { mode: "fan_out", gain: 3 }));
    expect(Math.abs(hnOut.std - 3 / Math.sqrt(576))).toBeLessThan(0.005);
    const hu = stats(init.heUniform()(mx.zeros([200, 100])));
    expect(hu.max).toBeLessThanOrEqual(Math.sqrt(3 / 100));
    expect(hu.max).toBeGreaterThan(0.95 * Math.sqrt(3 / 100));
  });
  it("sparse zeroes ceil(sparsity × columns) entries of every row", () => {
    mx.random.seed(4);
    const a = init.sparse(0.3, { std: 2 })(mx.zeros([20, 10]));
    const rows = a.tolist() as number[][];
    for (const r of rows) expect(r.filter((v) => v === 0).length).toBe(3);
    const cols = new Set(rows.map((r) => r.findIndex((v) => v === 0)));
    expect(cols.size).toBeGreaterThan(3); // the zeros move between rows
    const nz = rows.flat().filter((v) => v !== 0);
    const sd = Math.sqrt(nz.reduce((s, v) => s + v * v, 0) / nz.length);
    expect(sd).toBeGreaterThan(1.6);
    expect(sd).toBeLessThan(2.4);
    expect(() => init.sparse(0.5)(mx.zeros([2, 2, 2]))).toThrow(/\[nn\.init\.sparse\] Only tensors with 2 dimensions are supported/);
    expect(() => init.sparse(2)).toThrow(/\[nn\.init\.sparse\] sparsity must be a number in \[0, 1\]/);
  });
  it("errors are tagged", () => {
    expect(() => init.glorotNormal()(mx.zeros([5]))).toThrow(/\[nn\.init\.glorotNormal\] Glorot \/ He initialization requires at least 2 dimensional input/);
    expect(() => init.heUniform()(mx.zeros([2, 2]), { mode: "fan" as any })).toThrow(/\[nn\.init\.heUniform\] Invalid mode: fan/);
    expect(() => init.normal({ sd: 1 } as any)).toThrow(/\[nn\.init\.normal\] Unknown option 'sd'/);
    expect(() => init.uniform()([1, 2] as any)).toThrow(/\[nn\.init\.uniform\] Expected an array/);
  });
  it("initializers feed Module.apply", () => {
    const lin = new mx.nn.Linear(3, 3);
    lin.apply(init.constant(0.25));
    expect(lin.weight.tolist()).toEqual([[0.25, 0.25, 0.25], [0.25, 0.25, 0.25], [0.25, 0.25, 0.25]]);
  });
});

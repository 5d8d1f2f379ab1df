// mx.random's global state as MLX's mx.random.state (a JS array holding the
// key, which compile can capture), and permutation, laplace and
// multivariateNormal against references computed here in JS from the same
// key's bits (argsort, the inverse CDF, a closed-form matrix square root).
// Their distributions are tested in random_stats.test.ts.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const r = mx.random;
const junkr = mx.random as any;
const vals = (a: mx.Array): number[] => Array.from(a.dataSync() as ArrayLike<number>, Number);
const close = (got: number[], want: number[], tol: number) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
};

describe("mx.random.state", () => {
  it("holds the global key, which seed resets and each draw splits as MLX's KeySequence", () => {
    expect(Array.isArray(r.state)).toBe(true);
    expect(r.state.length).toBe(1);
    r.seed(42);
    expect(r.state[0]!.dtype).toBe(mx.uint32);
    expect(r.state[0]!.tolist()).toEqual(r.key(42).tolist());
    // split(key) = [k0, k1]: the draw uses k1 and the state becomes k0.
    const [k0, k1] = r.split(r.key(42));
    const want = r.uniform(0, 1, [4], { key: k1 }).tolist();
    expect(r.uniform(0, 1, [4]).tolist()).toEqual(want);
    expect(r.state[0]!.tolist()).toEqual(k0!.tolist());
    const [, k01] = r.split(k0!);
    expect(r.normal([3]).tolist()).toEqual(r.normal([3], { key: k01 }).tolist());
  });

  it("a key put into state[0] by hand is used next", () => {
    r.state[0] = r.key(7);
    const [, sub] = r.split(r.key(7));
    expect(r.randint(0, 1000, [5]).tolist()).toEqual(r.randint(0, 1000, [5], { key: sub }).tolist());
  });

  it("a bad state is a tagged error, and seed repairs it", () => {
    const saved = r.state[0]!;
    (r.state as unknown[])[0] = 5;
    expect(() => r.uniform()).toThrow(/^\[uniform\] mx\.random\.state\[0\] must hold the global key .*got number 5/);
    r.state[0] = saved;
    r.seed(1);
    expect(r.uniform(0, 1, [2]).shape).toEqual([2]);
  });

  it("draws inside tidy keep the global key alive, and a loop of draws frees what it makes", () => {
    r.seed(3);
    const a = mx.tidy(() => r.uniform(0, 1, [2]).tolist());
    const b = r.uniform(0, 1, [2]).tolist(); // the state survived the tidy
    r.seed(3);
    expect([r.uniform(0, 1, [2]).tolist(), r.uniform(0, 1, [2]).tolist()]).toEqual([a, b]);
    const before = mx.memory().liveArrays;
    for (let i = 0; i < 20; ++i) mx.tidy(() => { r.normal([3]).dataSync(); r.permutation(4).dataSync(); });
    expect(mx.memory().liveArrays).toBe(before);
  });

  it("compile with inputs and outputs = state draws new numbers per call, the eager sequence", () => {
    r.seed(11);
    const eager = [0, 1, 2].map(() => r.uniform(0, 1, [3]).tolist());
    r.seed(11);
    const f = mx.compile((x: mx.Array) => x.add(r.uniform(0, 1, [3])), { inputs: r.state, outputs: r.state });
    const zero = mx.zeros([3]);
    const got = [0, 1, 2].map(() => f(zero).tolist());
    expect(got).toEqual(eager);
    expect(f.traces.length).toBe(1); // one trace, replayed
    // The state moved on as eager draws move it: the next eager draw continues the sequence.
    r.seed(11);
    for (let i = 0; i < 3; ++i) r.uniform(0, 1, [3]);
    const next = r.uniform(0, 1, [3]).tolist();
    r.seed(11);
    for (let i = 0; i < 3; ++i) f(zero);
    expect(r.uniform(0, 1, [3]).tolist()).toEqual(next);
  });

  it("dropout in a compiled function: a new mask per call; two draws in one call", () => {
    r.seed(5);
    const dropout = mx.compile((x: mx.Array) => x.mul(r.bernoulli(0.5, x.shape)).mul(2),
      { inputs: r.state, outputs: r.state });
    const x = mx.ones([64]);
    const masks = [0, 1, 2].map(() => dropout(x).tolist() as number[]);
    for (const m of masks) expect(m.every((v) => v === 0 || v === 2)).toBe(true);
    expect(masks[0]).not.toEqual(masks[1]);
    expect(masks[1]).not.toEqual(masks[2]);
    // Two draws per call follow the eager order.
    const two = () => [r.normal([2]), r.uniform(0, 1, [2])];
    r.seed(6);
    const eager = [two(), two()].map((p) => p.map((a) => a.tolist()));
    r.seed(6);
    const g = mx.compile(two, { inputs: r.state, outputs: r.state });
    expect([g(), g()].map((p) => p.map((a) => a.tolist()))).toEqual(eager);
  });

  it("compile without the state bakes one key in: the same numbers each call (as MLX)", () => {
    const h = mx.compile(() => r.uniform(0, 1, [3]));
    expect(h().tolist()).toEqual(h().tolist());
  });

  it("draws under grad and vmap use the global key", () => {
    r.seed(9);
    const [, sub] = r.split(r.key(9));
    const noise = r.normal([3], { key: sub }).tolist() as number[];
    const g = mx.grad((x: mx.Array) => x.mul(r.normal([3])).sum())(mx.ones([3]));
    close(vals(g), noise, 0);
    const v = mx.vmap((x: mx.Array) => x.add(r.uniform(0, 1, [])))(mx.zeros([4]));
    expect(v.shape).toEqual([4]);
  });
});

describe("permutation", () => {
  /** JS argsort (stable) of uint32 bits. */
  const argsortJs = (bits: number[]) => bits.map((b, i) => [b, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);

  it("of n: the argsort of the key's random bits (uint32), as MLX", () => {
    const key = r.key(4);
    const p = r.permutation(10, { key });
    expect(p.dtype).toBe(mx.uint32);
    expect(p.tolist()).toEqual(argsortJs(vals(r.bits([10], 4, { key }))));
    expect(r.permutation(0, { key }).shape).toEqual([0]);
    expect(r.permutation(1, { key }).tolist()).toEqual([0]);
    // Not the identity for a long one (MLX's test; the chance of that is 1/16384!).
    const big = vals(r.permutation(16384, { key: r.key(1) }));
    expect(big.some((v, i) => v !== i)).toBe(true);
    expect([...big].sort((a, b) => a - b).every((v, i) => v === i)).toBe(true);
  });

  it("of an array: rows or columns shuffled by that permutation, any axis", () => {
    const key = r.key(8);
    const x = mx.arange(12).reshape(3, 4);
    const perm3 = vals(r.permutation(3, { key }));
    const rows = x.tolist() as number[][];
    expect(r.permutation(x, { key }).tolist()).toEqual(perm3.map((i) => rows[i]));
    const perm4 = vals(r.permutation(4, { key }));
    const cols = rows.map((row) => perm4.map((j) => row[j]));
    expect(r.permutation(x, { axis: 1, key }).tolist()).toEqual(cols);
    expect(r.permutation(x, { axis: -1, key }).tolist()).toEqual(cols);
    // Keeps the dtype; sorting undoes it (MLX's test).
    const xi = mx.arange(16, mx.int32).reshape(4, 4);
    const out = r.permutation(xi, { axis: 1 });
    expect(out.dtype).toBe(mx.int32);
    expect(mx.sort(out, 1).tolist()).toEqual(xi.tolist());
  });
});

describe("laplace", () => {
  it("MLX's inverse CDF of a uniform draw in (-1, 1): sign(u) log1p(-|u|), then scale and loc", () => {
    const key = r.key(12);
    const u = vals(r.uniform(Math.fround(-1 + 2 ** -24), 1, [50], { key }));
    const want = u.map((v) => Math.sign(v) * Math.log1p(-Math.abs(v)));
    const l = r.laplace([50], { key });
    expect([l.dtype, l.shape]).toEqual([mx.float32, [50]]);
    close(vals(l), want, 2e-6);
    close(vals(r.laplace([50], { key, loc: 3, scale: 0.5 })), want.map((v) => 0.5 * v + 3), 4e-6);
    const h = r.laplace([50], { key, dtype: mx.bfloat16 });
    expect(h.dtype).toBe(mx.bfloat16);
    close(vals(h), want, 2 ** -8);
  });
});

describe("multivariateNormal", () => {
  /** The symmetric square root of [[a, b], [b, c]] (PSD): (M + sqrt(det) I) / sqrt(trace + 2 sqrt(det)). */
  const sqrt2x2 = (a: number, b: number, c: number) => {
    const s = Math.sqrt(a * c - b * b), t = Math.sqrt(a + c + 2 * s);
    return [[(a + s) / t, b / t], [b / t, (c + s) / t]];
  };
  /** mean + z S for each row z of the standard normal draw (MLX's order: normal(shape + [n], key)). */
  const reference = (mean: number[], S: number[][], z: number[]) => {
    const out: number[] = [];
    for (let i = 0; i < z.length; i += 2)
      for (let j = 0; j < 2; ++j) out.push(mean[j]! + z[i]! * S[0]![j]! + z[i + 1]! * S[1]![j]!);
    return out;
  };

  it("mean + normal(key) times the covariance's symmetric square root (MLX's SVD root)", () => {
    const key = r.key(21);
    const mean = [1, -2], S = sqrt2x2(2, 0.6, 1);
    const x = r.multivariateNormal(mx.array(mean), mx.array([[2, 0.6], [0.6, 1]]), [5], { key });
    expect([x.dtype, x.shape]).toEqual([mx.float32, [5, 2]]);
    close(vals(x), reference(mean, S, vals(r.normal([5, 2], { key }))), 1e-5);
    // No shape: one sample of shape (n); an int mean promotes to float32 (MLX's test passes ints).
    const one = r.multivariateNormal(mx.array([0, 0], mx.int32), mx.array([[1, 0], [0, 1]], mx.int32), [], { key });
    expect([one.dtype, one.shape]).toEqual([mx.float32, [2]]);
    close(vals(one), vals(r.normal([2], { key })), 1e-6);
  });

  it("a rank-one covariance gives equal components", () => {
    const x = vals(r.multivariateNormal(mx.array([0, 0]), mx.array([[1, 1], [1, 1]]), [20], { key: r.key(22) }));
    for (let i = 0; i < 40; i += 2) expect(Math.abs(x[i]! - x[i + 1]!)).toBeLessThan(1e-5);
  });

  it("batches: cov (2, 2, 2) and mean (2,) broadcast with the shape; each batch its own root", () => {
    const key = r.key(23);
    const covs = [[[1, 0.5], [0.5, 2]], [[3, -1], [-1, 1]]];
    const x = r.multivariateNormal(mx.array([0, 1]), mx.array(covs), [4, 2], { key });
    expect(x.shape).toEqual([4, 2, 2]);
    const z = vals(r.normal([4, 2, 2], { key }));
    const got = vals(x);
    for (let i = 0; i < 4; ++i)
      for (let b = 0; b < 2; ++b) {
        const c = covs[b]!;
        const off = (i * 2 + b) * 2;
        close(got.slice(off, off + 2), reference([0, 1], sqrt2x2(c[0]![0]!, c[0]![1]!, c[1]![1]!), z.slice(off, off + 2)), 1e-5);
      }
    expect(r.multivariateNormal(mx.zeros([3, 2]), mx.array(covs[0]!), [], { key }).shape).toEqual([3, 2]);
  });

  it("differentiates in mean (cov is taken on the host: a traced cov is a tagged error)", () => {
    const cov = mx.array([[1, 0.2], [0.2, 1]]);
    const key = r.key(24);
    const g = mx.grad((m: mx.Array) => r.multivariateNormal(m, cov, [3], { key }).sum())(mx.zeros([2]));
    expect(g.tolist()).toEqual([3, 3]);
    expect(() => mx.grad((c: mx.Array) => r.multivariateNormal(mx.zeros([2]), c, [], { key }).sum())(cov))
      .toThrow(/^\[multivariate_normal\] cov must be a concrete array/);
    expect(() => junkr.multivariateNormal(mx.zeros([2]), cov, [], { dtype: mx.float64 })).toThrow("[multivariate_normal] dtype must be float32.");
  });
});

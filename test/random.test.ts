// mx.random through the JS API: keys and split match MLX/JAX, threefry2x32
// bits against a pure-JS implementation (Random123 known answers first),
// samplers' ranges, moments and dtypes, determinism across calls and builds
// (pure integer arithmetic), global seed, errors.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const r = mx.random;
// Error paths that pass deliberately wrong arguments go through an untyped alias.
const junkr = mx.random as any;
const vals = (a: any): number[] => Array.from(a.dataSync() as ArrayLike<number>, Number);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** A mean of n draws with standard deviation sd is within 5 sd / sqrt(n) of its expectation (p = 6e-7). */
const within = (got: number, want: number, sd: number, n: number) => expect(Math.abs(got - want)).toBeLessThan(5 * sd / Math.sqrt(n));

/** threefry2x32-20 in JS (uint32 arithmetic with Math.imul-free adds). */
function threefry(key: [number, number], ctr: [number, number]): [number, number] {
  const rot = [[13, 15, 26, 6], [17, 29, 16, 24]];
  const ks = [key[0] >>> 0, key[1] >>> 0, (key[0] ^ key[1] ^ 0x1bd11bda) >>> 0];
  let x0 = (ctr[0] + ks[0]!) >>> 0, x1 = (ctr[1] + ks[1]!) >>> 0;
  for (let i = 0; i < 5; ++i) {
    for (const s of rot[i % 2]!) {
      x0 = (x0 + x1) >>> 0;
      x1 = ((x1 << s) | (x1 >>> (32 - s))) >>> 0;
      x1 = (x1 ^ x0) >>> 0;
    }
    x0 = (x0 + ks[(i + 1) % 3]!) >>> 0;
    x1 = (x1 + ks[(i + 2) % 3]! + i + 1) >>> 0;
  }
  return [x0, x1];
}

/** MLX's layout of n uint32 words for one key. */
function bitsRef(key: [number, number], n: number): number[] {
  const half = Math.floor(n / 2), even = n % 2 === 0, out = new Array<number>(n);
  const s0 = half + (even ? 0 : 1);
  for (let j = 0; j < half; ++j) [out[j], out[s0 + j]] = threefry(key, [j, s0 + j]);
  if (!even) out[half] = threefry(key, [half, 0])[0];
  return out;
}

describe("keys and bits", () => {
  it("the JS reference passes the Random123 known answers", () => {
    expect(threefry([0, 0], [0, 0])).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry([0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff])).toEqual([0x1cb996fc, 0xbb002be7]);
    expect(threefry([0x13198a2e, 0x03707344], [0x243f6a88, 0x85a308d3])).toEqual([0xc4923a9c, 0x483df7a0]);
  });

  it("key, split as MLX/JAX", () => {
    const k = r.key(0);
    expect(k.dtype).toBe(mx.uint32);
    expect(k.tolist()).toEqual([0, 0]);
    expect(r.key(2 ** 32 * 7 + 9).tolist()).toEqual([7, 9]);
    expect(r.split(k).tolist()).toEqual([[4146024105, 967050713], [2718843009, 1272950319]]);
    expect(r.split(k, 3).shape).toEqual([3, 2]);
    expect(() => r.key(-1)).toThrow("[key] The seed must be a non-negative integer, got number -1.");
    expect(() => r.split(mx.zeros([3], mx.uint32))).toThrow("[split] Expected key shape (2) but received (3).");
    expect(() => r.split(mx.zeros([2], mx.int32))).toThrow("[split] Expected key type uint32 but received int32.");
  });

  it("bits match the JS threefry for even and odd sizes", () => {
    for (const n of [1, 2, 5, 64, 1001]) expect(vals(r.bits([n], 4, { key: r.key(42) }))).toEqual(bitsRef([0, 42], n));
    expect(r.bits([3], 1, { key: r.key(1) }).dtype).toBe(mx.uint8);
    expect(() => r.bits([3], 3)).toThrow("[bits] Bit width must be in {1, 2, 4} but got 3.");
  });

  it("seed resets the global key", () => {
    r.seed(11);
    const a = vals(r.uniform(0, 1, [4]));
    const b = vals(r.uniform(0, 1, [4]));
    r.seed(11);
    expect(vals(r.uniform(0, 1, [4]))).toEqual(a);
    expect(vals(r.uniform(0, 1, [4]))).toEqual(b);
    expect(a).not.toEqual(b);
    const k1 = r.split(r.key(11)).index(1);
    expect(vals(r.uniform(0, 1, [4], { key: k1 }))).toEqual(a);
    expect(() => r.seed(1.5)).toThrow("[seed] The seed must be a non-negative integer, got number 1.5.");
  });
});

describe("samplers", () => {
  const key = r.key(7);

  it("uniform: MLX's bits -> float, range, dtype", () => {
    const words = bitsRef([0, 7], 6);
    const want = words.map((w) => Math.min(Math.fround(Math.fround(w) / 4294967295), Math.fround(1 - 2 ** -24)));
    expect(vals(r.uniform(0, 1, [6], { key }))).toEqual(want);
    const u = vals(r.uniform(-3, 5, [20000], { key }));
    expect(u.every((v) => v >= -3 && v < 5)).toBe(true);
    within(mean(u), 1, 8 / Math.sqrt(12), u.length);
    expect(r.uniform(0, 1, [2], { dtype: mx.float16, key }).dtype).toBe(mx.float16);
    expect(r.uniform().shape).toEqual([]);
    expect(() => r.uniform(0, 1, [2], { dtype: mx.int32 })).toThrow(
      "[uniform] Can only generate uniform numbers with real floating point type.");
    expect(() => junkr.uniform(0, 1, [2], { key: 3 })).toThrow("[uniform] The key must be an mx.Array, got number 3.");
    expect(() => junkr.uniform(0, 1, "x")).toThrow("[uniform] The shape must be an integer or a list of integers, got string x.");
  });

  it("normal, truncatedNormal", () => {
    const n = vals(r.normal([20000], { key }));
    const mu = mean(n), v = mean(n.map((x) => (x - mu) ** 2));
    within(mu, 0, 1, n.length);
    within(v, 1, Math.sqrt(2), n.length); // the sample variance of N(0, 1) has sd sqrt(2 / n)
    const n1 = vals(r.normal([4], { key })), n2 = vals(r.normal([4], { key, loc: 3, scale: 2 }));
    n1.forEach((x, i) => expect(n2[i]).toBeCloseTo(3 + 2 * x, 5));
    expect(r.normal([2], { dtype: "float64", key }).dtype).toBe(mx.float64);
    expect(() => junkr.normal([2], { loc: "a" })).toThrow("[normal] loc must be a number, got string a.");
    const t = vals(r.truncatedNormal(-1, 0.5, [5000], { key }));
    expect(t.every((x) => x >= -1 && x <= 0.5)).toBe(true);
    expect(r.truncatedNormal(mx.zeros([3]), mx.ones([2, 1]), undefined, { key }).shape).toEqual([2, 3]);
  });

  it("randint, bernoulli, categorical", () => {
    const ri = r.randint(-2, 3, [5000], { key });
    expect(ri.dtype).toBe(mx.int32);
    const rv = vals(ri);
    expect(rv.every((x) => Number.isInteger(x) && x >= -2 && x < 3)).toBe(true);
    for (let v = -2; v < 3; ++v) within(rv.filter((x) => x === v).length / 5000, 0.2, Math.sqrt(0.2 * 0.8), 5000);
    expect(r.randint(0, 10, [2], { dtype: mx.uint8, key }).dtype).toBe(mx.uint8);
    expect(() => r.randint(0, 1, [2], { dtype: mx.float32 })).toThrow("[randint] randint only accepts integer dtypes and bool.");
    const b = r.bernoulli(0.3, [20000], { key });
    expect(b.dtype).toBe(mx.bool);
    within(mean(vals(b)), 0.3, Math.sqrt(0.3 * 0.7), 20000);
    expect(r.bernoulli(mx.zeros([3, 2]), undefined, { key }).shape).toEqual([3, 2]);
    expect(r.bernoulli().shape).toEqual([]);
    expect(() => r.bernoulli(mx.array([1], mx.int32))).toThrow("[bernoulli] bernoulli probability `p` must be a float type.");
    const logits = mx.log(mx.array([0.1, 0.6, 0.3]));
    const c = r.categorical(logits, { numSamples: 20000, key });
    expect(c.dtype).toBe(mx.uint32);
    expect(c.shape).toEqual([20000]);
    const cv = vals(c);
    [0.1, 0.6, 0.3].forEach((p, i) => within(cv.filter((x) => x === i).length / 20000, p, Math.sqrt(p * (1 - p)), 20000));
    const l2 = mx.zeros([4, 5]);
    expect(r.categorical(l2, { axis: 0, key }).shape).toEqual([5]);
    expect(r.categorical(l2, { shape: [2, 4], key }).shape).toEqual([2, 4]);
    expect(() => r.categorical(l2, { axis: 2 })).toThrow("[categorical] Invalid axis 2 for logits with 2 dimensions.");
    expect(() => r.categorical(l2, { shape: [3], numSamples: 2 })).toThrow(
      "[categorical] At most one of shape or num_samples can be specified.");
  });

  it("vmap over keys and the module after errors", () => {
    const keys = r.split(r.key(3), 4);
    const got = mx.vmap((k: any) => r.uniform(0, 1, [3], { key: k }))(keys);
    expect(got.shape).toEqual([4, 3]);
    const g = vals(got);
    for (let i = 0; i < 4; ++i) expect(g.slice(3 * i, 3 * i + 3)).toEqual(vals(r.uniform(0, 1, [3], { key: keys.index(i) })));
    const before = mx.memory().liveArrays;
    for (let i = 0; i < 3; ++i) expect(() => r.uniform(0, 1, [2], { dtype: mx.int32 })).toThrow();
    expect(mx.memory().liveArrays).toBe(before);
  });
});

// Every sampler of mx.random against its distribution, with fixed keys (so the
// test is deterministic and cannot flake) and bounds derived from the sample
// size (so that noise passes at any key while a real bug fails).
//
// Bounds, all at a false-alarm probability of about 1e-6 per check:
//  - Kolmogorov-Smirnov (continuous samplers). The Dvoretzky-Kiefer-Wolfowitz
//    inequality with Massart's constant, P(sup|F_n - F| > t) <= 2 exp(-2 n t^2),
//    gives t = sqrt(ln(2 / alpha) / (2 n)): 0.0085 for n = 100,000. It holds for
//    every n, no asymptotics. Samples of a low-precision dtype are rounded to its
//    grid, which moves the empirical CDF by at most (largest density) x (largest
//    rounding step); that amount is added where it matters.
//  - Moments: a sample mean is within z * sigma / sqrt(n) of the true mean, and
//    a (population-normalised) sample variance within z * sqrt((mu4 - sigma^4) / n)
//    of sigma^2 (central limit theorem), z = 5 (two-sided p = 6e-7).
//  - Chi-square (discrete samplers), k classes, df = k - 1: the Wilson-Hilferty
//    approximation (X^2/df)^(1/3) ~ N(1 - 2/(9 df), 2/(9 df)) gives the critical
//    value df (1 - 2/(9 df) + z sqrt(2/(9 df)))^3 with z = 4.75 (one-sided 1e-6).
//    It errs on the loose side for df = 1 (27.5 against the exact 23.9).
// Every expected count is at least 20, so the chi-square approximation holds.
// The references (erf, CDFs, moments) are written here in float64 JS and do
// not call webmx.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const r = mx.random;
const ALPHA = 1e-6;
const Z_MEAN = 5;
const Z_CHI = 4.75;

/** The samples as float64, sorted. */
const sorted = (a: mx.Array): Float64Array => Float64Array.from(a.dataSync() as ArrayLike<number>, Number).sort();
const numbers = (a: mx.Array): number[] => Array.from(a.dataSync() as ArrayLike<number>, Number);

const ksCritical = (n: number): number => Math.sqrt(Math.log(2 / ALPHA) / (2 * n));

/** sup |F_n - F| over sorted samples (exact with ties: F_n jumps at each sample). */
function ksStatistic(xs: Float64Array, cdf: (x: number) => number): number {
  const n = xs.length;
  let d = 0;
  for (let i = 0; i < n; ++i) {
    const f = cdf(xs[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

function moments(xs: ArrayLike<number>): { mean: number; variance: number } {
  let s = 0;
  for (let i = 0; i < xs.length; ++i) s += xs[i]!;
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; ++i) v += (xs[i]! - mean) ** 2;
  return { mean, variance: v / xs.length };
}

/**
 * Checks mean, variance and the KS distance of `xs` against a distribution
 * with the given mean, variance, fourth central moment and CDF.
 */
function expectDistribution(xs: Float64Array, d: { mean: number; variance: number; mu4: number;
                            cdf: (x: number) => number }, extraKs = 0): void {
  const n = xs.length;
  const m = moments(xs);
  expect(Math.abs(m.mean - d.mean)).toBeLessThan(Z_MEAN * Math.sqrt(d.variance / n));
  expect(Math.abs(m.variance - d.variance)).toBeLessThan(Z_MEAN * Math.sqrt((d.mu4 - d.variance ** 2) / n));
  expect(ksStatistic(xs, d.cdf)).toBeLessThan(ksCritical(n) + extraKs);
}

/** Chi-square statistic of counts against probabilities (which sum to 1). */
function expectFrequencies(counts: number[], probs: number[]): void {
  const n = counts.reduce((a, b) => a + b, 0);
  let stat = 0;
  probs.forEach((p, i) => {
    expect(n * p).toBeGreaterThanOrEqual(20);
    stat += (counts[i]! - n * p) ** 2 / (n * p);
  });
  const df = probs.length - 1;
  const c = 2 / (9 * df);
  expect(stat).toBeLessThan(df * (1 - c + Z_CHI * Math.sqrt(c)) ** 3);
}

function countValues(xs: number[], lo: number, k: number): number[] {
  const counts = new Array<number>(k).fill(0);
  const outside = xs.filter((x) => !(Number.isInteger(x) && x >= lo && x < lo + k));
  expect(outside).toEqual([]);
  for (const x of xs) counts[x - lo]++;
  return counts;
}

/** erf in float64 from Numerical Recipes' erfc fit (fractional error < 1.2e-7 everywhere). */
function erf(x: number): number {
  const z = Math.abs(x), t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 +
    t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}
const phi = (x: number): number => 0.5 * (1 + erf(x / Math.SQRT2));
const density = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);

/** Mean, variance, fourth central moment and CDF of N(0, 1) truncated to [a, b]. */
function truncatedNormalLaw(a: number, b: number) {
  const z = phi(b) - phi(a);
  // Raw moments by Simpson's rule on a fine grid: independent of the sampler's algebra.
  const steps = 20000, h = (b - a) / steps;
  const raw = [0, 0, 0, 0, 0];
  for (let i = 0; i <= steps; ++i) {
    const x = a + i * h, w = (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * h / 3 * density(x) / z;
    for (let k = 0; k < 5; ++k) raw[k]! += w * x ** k;
  }
  const mean = raw[1]!, variance = raw[2]! - mean ** 2;
  const mu4 = raw[4]! - 4 * mean * raw[3]! + 6 * mean ** 2 * raw[2]! - 3 * mean ** 4;
  return { mean, variance, mu4, cdf: (x: number) => Math.min(1, Math.max(0, (phi(x) - phi(a)) / z)) };
}

// The samplers tested below; a new one in mx.random fails this list until it has its test here.
const TESTED = ["bernoulli", "bits", "categorical", "gumbel", "laplace", "multivariateNormal", "normal", "permutation",
  "randint", "truncatedNormal", "uniform"];
const NOT_SAMPLERS = ["key", "seed", "split"];

describe("the references themselves", () => {
  it("every sampler of mx.random is tested in this file", () => {
    const fns = Object.entries(mx.random).filter(([, v]) => typeof v === "function").map(([k]) => k);
    expect(fns.sort()).toEqual([...TESTED, ...NOT_SAMPLERS].sort());
  });

  it("erf and the truncated normal's moments match known values", () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 6);
    expect(erf(-2)).toBeCloseTo(-0.9953222650, 6);
    expect(phi(1.959963985)).toBeCloseTo(0.975, 6);
    // N(0,1) truncated to [-1, 1]: variance 1 - 2 phi(1) / (Phi(1) - Phi(-1)) = 0.2911.
    const t = truncatedNormalLaw(-1, 1);
    expect(t.mean).toBeCloseTo(0, 8);
    expect(t.variance).toBeCloseTo(1 - 2 * density(1) / (phi(1) - phi(-1)), 6);
    // A wide interval is the normal itself.
    const w = truncatedNormalLaw(-12, 12);
    expect(w.variance).toBeCloseTo(1, 6);
    expect(w.mu4).toBeCloseTo(3, 5);
  });

  it("the KS and chi-square checks reject what they should", () => {
    // Uniform samples against a CDF shifted by 0.02: D = 0.02 > 0.0085 at n = 100,000.
    const n = 100000, xs = new Float64Array(n);
    for (let i = 0; i < n; ++i) xs[i] = (i + 0.5) / n;
    expect(ksStatistic(xs, (x) => x)).toBeLessThan(ksCritical(n));
    expect(ksStatistic(xs, (x) => Math.min(1, Math.max(0, x - 0.02)))).toBeGreaterThan(ksCritical(n));
    expect(() => expectFrequencies([5300, 4700], [0.5, 0.5])).toThrow();
    expect(() => expectFrequencies([5010, 4990], [0.5, 0.5])).not.toThrow();
  });
});

describe("continuous samplers", () => {
  const N = 100000;

  it("uniform on [0, 1), [-3, 5) and per-element bounds", () => {
    const u = sorted(r.uniform(0, 1, [N], { key: r.key(1) }));
    expect(u[0]!).toBeGreaterThanOrEqual(0);
    expect(u[N - 1]!).toBeLessThan(1);
    expectDistribution(u, { mean: 0.5, variance: 1 / 12, mu4: 1 / 80, cdf: (x) => Math.min(1, Math.max(0, x)) });

    const w = sorted(r.uniform(-3, 5, [N], { key: r.key(2) }));
    expect(w[0]!).toBeGreaterThanOrEqual(-3);
    expect(w[N - 1]!).toBeLessThan(5);
    expectDistribution(w, { mean: 1, variance: 64 / 12, mu4: 8 ** 4 / 80,
                            cdf: (x) => Math.min(1, Math.max(0, (x + 3) / 8)) });

    // Bounds broadcast per column: column j is uniform on [j, 2j + 1).
    const lo = mx.array([0, 1, 2, 3]), hi = mx.array([1, 3, 5, 7]);
    const cols = numbers(r.uniform(lo, hi, [N / 4, 4], { key: r.key(3) }));
    for (let j = 0; j < 4; ++j) {
      const c = Float64Array.from(cols.filter((_, i) => i % 4 === j)).sort();
      const width = j + 1;
      expect(c[0]!).toBeGreaterThanOrEqual(j);
      expect(c[c.length - 1]!).toBeLessThan(2 * j + 1);
      expectDistribution(c, { mean: j + width / 2, variance: width ** 2 / 12, mu4: width ** 4 / 80,
                              cdf: (x) => Math.min(1, Math.max(0, (x - j) / width)) });
    }
  });

  it("uniform in float16 and bfloat16 (rounding moves the CDF by at most one step)", () => {
    for (const [dt, step] of [[mx.float16, 2 ** -11], [mx.bfloat16, 2 ** -8]] as const) {
      const a = r.uniform(0, 1, [N], { dtype: dt, key: r.key(4) });
      expect(a.dtype).toBe(dt);
      const u = sorted(a);
      expect(u[0]!).toBeGreaterThanOrEqual(0);
      expect(u[N - 1]!).toBeLessThan(1);
      expectDistribution(u, { mean: 0.5, variance: 1 / 12, mu4: 1 / 80, cdf: (x) => Math.min(1, Math.max(0, x)) },
                         step);
    }
  });

  it("normal: standard, with loc and scale, float64 and float16", () => {
    const z = sorted(r.normal([N], { key: r.key(5) }));
    expectDistribution(z, { mean: 0, variance: 1, mu4: 3, cdf: phi });

    const s = sorted(r.normal([N], { loc: -2, scale: 3, key: r.key(6) }));
    expectDistribution(s, { mean: -2, variance: 9, mu4: 3 * 81, cdf: (x) => phi((x + 2) / 3) });

    const d = r.normal([N], { dtype: mx.float64, key: r.key(7) });
    expect(d.dtype).toBe(mx.float64);
    expectDistribution(sorted(d), { mean: 0, variance: 1, mu4: 3, cdf: phi });

    // float16 rounds |x| < 4 to steps of at most 2^-9 (half a step either way), where the density is <= 0.4.
    const h = r.normal([N], { dtype: mx.float16, key: r.key(8) });
    expect(h.dtype).toBe(mx.float16);
    expectDistribution(sorted(h), { mean: 0, variance: 1, mu4: 3, cdf: phi }, 0.4 * 2 ** -9);
  });

  it("truncatedNormal: symmetric, asymmetric, one-tailed and narrow bounds", () => {
    for (const [a, b, seed] of [[-1, 1, 10], [-1, 0.5, 11], [-0.5, 2.5, 12], [0.5, 2.5, 13], [-3, -1, 14],
                                [-0.1, 0.2, 15], [-2, 2, 16]] as const) {
      const xs = sorted(r.truncatedNormal(a, b, [N], { key: r.key(seed) }));
      // Inside the bounds, and no mass piled onto them: a continuous law puts
      // probability 0 on each bound, and float32 rounding makes only a few
      // samples in a million land there.
      expect(xs[0]!).toBeGreaterThanOrEqual(Math.fround(a));
      expect(xs[N - 1]!).toBeLessThanOrEqual(Math.fround(b));
      const onBounds = xs.filter((x) => x === Math.fround(a) || x === Math.fround(b)).length;
      expect(onBounds).toBeLessThanOrEqual(5);
      expectDistribution(xs, truncatedNormalLaw(a, b));
    }
  });

  it("truncatedNormal: per-element bounds, shape from the bounds, dtypes", () => {
    const lower = mx.array([[-1], [0]]), upper = mx.array([1, 2, 3]);
    const t = r.truncatedNormal(lower, upper, undefined, { key: r.key(20) });
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe(mx.float32);
    const big = numbers(r.truncatedNormal(lower, upper, [Math.floor(N / 6), 2, 3], { key: r.key(21) }));
    for (let i = 0; i < 2; ++i) {
      for (let j = 0; j < 3; ++j) {
        const a = [-1, 0][i]!, b = [1, 2, 3][j]!;
        const xs = Float64Array.from(big.filter((_, k) => k % 6 === i * 3 + j)).sort();
        expect(xs[0]!).toBeGreaterThanOrEqual(a);
        expect(xs[xs.length - 1]!).toBeLessThanOrEqual(b);
        expectDistribution(xs, truncatedNormalLaw(a, b));
      }
    }
    const h = r.truncatedNormal(-1, 1, [N], { dtype: mx.float16, key: r.key(22) });
    expect(h.dtype).toBe(mx.float16);
    // float16 steps are <= 2^-11 on [-1, 1] (half a step either way); the density there is <= 0.4 / 0.683.
    expectDistribution(sorted(h), truncatedNormalLaw(-1, 1), 0.6 * 2 ** -11);
  });

  it("gumbel: moments and CDF exp(-exp(-x))", () => {
    const EULER = 0.5772156649015329;
    // Central moments of the standard Gumbel: variance pi^2/6, fourth moment 27/5 * (pi^2/6)^2 (excess kurtosis 12/5).
    const v = Math.PI ** 2 / 6;
    const g = sorted(r.gumbel([N], { key: r.key(30) }));
    expectDistribution(g, { mean: EULER, variance: v, mu4: 5.4 * v * v, cdf: (x) => Math.exp(-Math.exp(-x)) });
    expect(Number.isFinite(g[0]!) && Number.isFinite(g[N - 1]!)).toBe(true);
    const g2 = r.gumbel([3, 4], { dtype: mx.float16, key: r.key(31) });
    expect(g2.dtype).toBe(mx.float16);
    expect(g2.shape).toEqual([3, 4]);
  });

  it("laplace: standard and with loc and scale; moments and CDF", () => {
    // Laplace(loc, b): variance 2 b^2, fourth central moment 24 b^4 (excess kurtosis 3).
    const law = (loc: number, b: number) => ({
      mean: loc, variance: 2 * b * b, mu4: 24 * b ** 4,
      cdf: (x: number) => (x < loc ? 0.5 * Math.exp((x - loc) / b) : 1 - 0.5 * Math.exp(-(x - loc) / b)),
    });
    expectDistribution(sorted(r.laplace([N], { key: r.key(32) })), law(0, 1));
    expectDistribution(sorted(r.laplace([N], { loc: 2, scale: 0.5, key: r.key(33) })), law(2, 0.5));
    const d = r.laplace([N], { dtype: mx.float64, loc: -1, scale: 3, key: r.key(34) });
    expect(d.dtype).toBe(mx.float64);
    expectDistribution(sorted(d), law(-1, 3));
    const h = r.laplace([2, 3], { dtype: mx.float16, key: r.key(35) });
    expect([h.dtype, h.shape]).toEqual([mx.float16, [2, 3]]);
  });

  it("multivariateNormal: marginals, covariance and a linear combination", () => {
    const mu = [1, -2], cov = [[2, 0.6], [0.6, 1]];
    const x = r.multivariateNormal(mx.array(mu), mx.array(cov), [N], { key: r.key(36) });
    expect(x.shape).toEqual([N, 2]);
    const v = numbers(x);
    const col = (j: number) => Float64Array.from({ length: N }, (_, i) => v[2 * i + j]!);
    const normalLaw = (m: number, s2: number) => ({ mean: m, variance: s2, mu4: 3 * s2 * s2,
      cdf: (t: number) => phi((t - m) / Math.sqrt(s2)) });
    const a = col(0), b = col(1);
    expectDistribution(a.slice().sort(), normalLaw(mu[0]!, cov[0]![0]!));
    expectDistribution(b.slice().sort(), normalLaw(mu[1]!, cov[1]![1]!));
    // The sample covariance: the product of the centred pair has variance s11 s22 + s12^2.
    let c = 0;
    for (let i = 0; i < N; ++i) c += (a[i]! - mu[0]!) * (b[i]! - mu[1]!);
    expect(Math.abs(c / N - 0.6)).toBeLessThan(Z_MEAN * Math.sqrt((2 * 1 + 0.36) / N));
    // a - b is normal with variance s11 + s22 - 2 s12 = 1.8.
    const diff = Float64Array.from({ length: N }, (_, i) => a[i]! - b[i]!).sort();
    expectDistribution(diff, normalLaw(3, 1.8));
  });
});

describe("discrete samplers", () => {
  const N = 100000;

  it("bernoulli with several p, p = 0 and 1, and per-element p", () => {
    for (const [p, seed] of [[0.5, 40], [0.3, 41], [0.01, 42], [0.999, 43]] as const) {
      const b = r.bernoulli(p, [N], { key: r.key(seed) });
      expect(b.dtype).toBe(mx.bool);
      const ones = numbers(b).reduce((s, x) => s + x, 0);
      expectFrequencies([N - ones, ones], [1 - p, p]);
    }
    expect(numbers(r.bernoulli(0, [1000], { key: r.key(44) })).every((x) => x === 0)).toBe(true);
    expect(numbers(r.bernoulli(1, [1000], { key: r.key(45) })).every((x) => x === 1)).toBe(true);
    // p per column; the shape comes from p when absent.
    const ps = [0.1, 0.5, 0.9, 0.02];
    expect(r.bernoulli(mx.array(ps), undefined, { key: r.key(46) }).shape).toEqual([4]);
    const cols = numbers(r.bernoulli(mx.array(ps), [N / 4, 4], { key: r.key(47) }));
    ps.forEach((p, j) => {
      const ones = cols.filter((x, i) => i % 4 === j && x === 1).length;
      expectFrequencies([N / 4 - ones, ones], [1 - p, p]);
    });
  });

  it("randint: ranges incl. negative, one value, dtypes", () => {
    for (const [lo, hi, seed] of [[-2, 3, 50], [0, 7, 51], [-100, -90, 52], [5, 6, 53], [-40, 60, 54]] as const) {
      const a = r.randint(lo, hi, [N], { key: r.key(seed) });
      expect(a.dtype).toBe(mx.int32);
      const k = hi - lo;
      const counts = countValues(numbers(a), lo, k);
      if (k === 1) expect(counts).toEqual([N]);
      else expectFrequencies(counts, new Array<number>(k).fill(1 / k));
    }
    const u8 = r.randint(0, 256, [N], { dtype: mx.uint8, key: r.key(55) });
    expect(u8.dtype).toBe(mx.uint8);
    expectFrequencies(countValues(numbers(u8), 0, 256), new Array<number>(256).fill(1 / 256));
    // Per-element ranges: column j draws from [-j, j + 1).
    const cols = numbers(r.randint(mx.array([0, -1, -2], mx.int32), mx.array([1, 2, 3], mx.int32), [Math.floor(N / 3), 3],
                                   { key: r.key(56) }));
    for (let j = 1; j < 3; ++j) {
      const k = 2 * j + 1;
      const counts = countValues(cols.filter((_, i) => i % 3 === j), -j, k);
      expectFrequencies(counts, new Array<number>(k).fill(1 / k));
    }
    expect(cols.filter((_, i) => i % 3 === 0).every((x) => x === 0)).toBe(true);
  });

  it("bits: every byte value and every bit of a word equally likely", () => {
    const bytes = r.bits([N], 1, { key: r.key(60) });
    expect(bytes.dtype).toBe(mx.uint8);
    expectFrequencies(countValues(numbers(bytes), 0, 256), new Array<number>(256).fill(1 / 256));
    const words = numbers(r.bits([N / 10], 4, { key: r.key(61) }));
    for (let bit = 0; bit < 32; ++bit) {
      const ones = words.filter((w) => (w >>> bit) & 1).length;
      expectFrequencies([words.length - ones, ones], [0.5, 0.5]);
    }
  });

  it("split keys give uncorrelated streams; a stream has no lag-1 correlation", () => {
    // Pearson's r of n independent pairs has standard deviation about 1 / sqrt(n).
    const n = N;
    const corr = (a: number[], b: number[]) => {
      const ma = moments(a), mb = moments(b);
      let c = 0;
      for (let i = 0; i < a.length; ++i) c += (a[i]! - ma.mean) * (b[i]! - mb.mean);
      return c / a.length / Math.sqrt(ma.variance * mb.variance);
    };
    const ks = r.split(r.key(80), 3);
    const [a, b, c] = [0, 1, 2].map((i) => numbers(r.uniform(0, 1, [n], { key: ks.index(i) })));
    for (const [x, y] of [[a!, b!], [a!, c!], [b!, c!]]) expect(Math.abs(corr(x, y))).toBeLessThan(Z_MEAN / Math.sqrt(n));
    expect(Math.abs(corr(a!.slice(1), a!.slice(0, -1)))).toBeLessThan(Z_MEAN / Math.sqrt(n - 1));
    // The two halves of the bit layout (words j and n/2 + j share a threefry counter pair).
    const half = n / 2;
    expect(Math.abs(corr(a!.slice(0, half), a!.slice(half)))).toBeLessThan(Z_MEAN / Math.sqrt(half));
  });

  /** softmax in float64 JS. */
  const softmax = (l: number[]): number[] => {
    const m = Math.max(...l), e = l.map((x) => Math.exp(x - m)), s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  };

  it("categorical: uneven logits, numSamples", () => {
    const logits = [0, 1, 2, 3, -4, 0.5];
    const c = r.categorical(mx.array(logits), { numSamples: N, key: r.key(70) });
    expect(c.dtype).toBe(mx.uint32);
    expect(c.shape).toEqual([N]);
    expectFrequencies(countValues(numbers(c), 0, 6), softmax(logits));
    // Two rows with different distributions; samples follow their own row.
    const rows = [[2, 0, -1], [-3, 0, 3]];
    const c2 = numbers(r.categorical(mx.array(rows), { numSamples: N / 2, key: r.key(71) }));
    rows.forEach((l, i) => expectFrequencies(countValues(c2.slice(i * N / 2, (i + 1) * N / 2), 0, 3), softmax(l)));
  });

  it("permutation: all 24 orders of 4 equally likely; every value at every place of 10", () => {
    const keys = r.split(r.key(75), 2400);
    const index = (p: number[]) => p.reduce((acc, v, i) => acc + v * 4 ** i, 0);
    const orders: number[] = [];
    const seen = new Map<number, number>();
    for (const k of keys) {
      const p = numbers(r.permutation(4, { key: k }));
      expect([...p].sort()).toEqual([0, 1, 2, 3]);
      const id = index(p);
      if (!seen.has(id)) seen.set(id, seen.size);
      orders.push(seen.get(id)!);
    }
    expect(seen.size).toBe(24);
    expectFrequencies(countValues(orders, 0, 24), new Array<number>(24).fill(1 / 24));
    // Where value 0 lands among 10 places, and which value lands in place 9.
    const firsts: number[] = [], lasts: number[] = [];
    for (const k of r.split(r.key(76), 1000)) {
      const p = numbers(r.permutation(10, { key: k }));
      firsts.push(p.indexOf(0));
      lasts.push(p[9]!);
    }
    expectFrequencies(countValues(firsts, 0, 10), new Array<number>(10).fill(0.1));
    expectFrequencies(countValues(lasts, 0, 10), new Array<number>(10).fill(0.1));
  });

  it("categorical: along axis 0 and with a shape", () => {
    // Logits of shape [3 classes, 2 columns], sampled along axis 0 with shape [N/2, 2]:
    // column j's samples follow softmax of column j.
    const cols = [[1, 0], [0, 0], [-1, 2]];
    const c = numbers(r.categorical(mx.array(cols), { axis: 0, shape: [N / 2, 2], key: r.key(72) }));
    for (let j = 0; j < 2; ++j)
      expectFrequencies(countValues(c.filter((_, i) => i % 2 === j), 0, 3), softmax(cols.map((row) => row[j]!)));
    // One sample per row without numSamples or shape.
    const one = r.categorical(mx.array(cols), { axis: 0, key: r.key(73) });
    expect(one.shape).toEqual([2]);
    // A logit of -inf is never drawn.
    const masked = numbers(r.categorical(mx.array([0, -Infinity, 0]), { numSamples: 10000, key: r.key(74) }));
    expect(masked.includes(1)).toBe(false);
  });
});

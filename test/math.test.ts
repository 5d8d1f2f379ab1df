// Unary math, creation ops and where through the JS API, against Math.*
// references (computed in double on the float32-rounded inputs), on the wasm
// build this run targets: SIMD exp/log/tanh/sigmoid included.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

const f32 = (data: number[]) => mx.array(Float32Array.from(data));
const f64 = (data: number[]) => mx.array(Float64Array.from(data));
const vals = (a: any): number[] => Array.from(a.dataSync() as ArrayLike<number>, Number);

/** Distance of `got` from the exact `want` in float32 ulps (0 for matching nan / infinities). */
function ulps(got: number, want: number): number {
  if (Number.isNaN(want)) return Number.isNaN(got) ? 0 : Infinity;
  const w = Math.fround(want);
  if (!Number.isFinite(w) || !Number.isFinite(got)) return got === w ? 0 : Infinity;
  const buf = new Float32Array(1);
  const bits = new Uint32Array(buf.buffer);
  buf[0] = Math.abs(w);
  bits[0]! += 1;
  const ulp = Math.max(buf[0]! - Math.abs(w), 2 ** -149);
  return Math.abs(got - want) / ulp;
}
const maxUlps = (got: number[], want: number[]) => got.reduce((m, g, i) => Math.max(m, ulps(g, want[i]!)), 0);

/** erf by its Taylor series (|x| < 4; saturated beyond, exact in float32). */
function erfRef(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (Math.abs(x) >= 4) return Math.sign(x);
  let term = x, sum = x;
  for (let n = 1; n < 200; ++n) {
    term *= (-x * x) / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const sigmoidRef = (x: number) => 1 / (1 + Math.exp(-x));

type Case = [string, (a: any) => any, (x: number) => number];
const CASES: Case[] = [
  ["abs", mx.abs, Math.abs],
  ["negative", mx.negative, (x) => -x],
  ["exp", mx.exp, Math.exp],
  ["expm1", mx.expm1, Math.expm1],
  ["log", mx.log, Math.log],
  ["log1p", mx.log1p, Math.log1p],
  ["log2", mx.log2, Math.log2],
  ["log10", mx.log10, Math.log10],
  ["sqrt", mx.sqrt, Math.sqrt],
  ["rsqrt", mx.rsqrt, (x) => 1 / Math.sqrt(x)],
  ["square", mx.square, (x) => x * x],
  ["reciprocal", mx.reciprocal, (x) => 1 / x],
  ["sin", mx.sin, Math.sin],
  ["cos", mx.cos, Math.cos],
  ["tan", mx.tan, Math.tan],
  ["arcsin", mx.arcsin, Math.asin],
  ["arccos", mx.arccos, Math.acos],
  ["arctan", mx.arctan, Math.atan],
  ["sinh", mx.sinh, Math.sinh],
  ["cosh", mx.cosh, Math.cosh],
  ["tanh", mx.tanh, Math.tanh],
  ["arcsinh", mx.arcsinh, Math.asinh],
  ["arccosh", mx.arccosh, Math.acosh],
  ["arctanh", mx.arctanh, Math.atanh],
  ["sigmoid", mx.sigmoid, sigmoidRef],
  ["erf", mx.erf, erfRef],
  ["floor", mx.floor, Math.floor],
  ["ceil", mx.ceil, Math.ceil],
];

const SPECIALS = [0, -0, 1, -1, 0.5, -0.5, 2, 1e-30, -1e-30, 1e-40, 88, 89, -88, -104, 1e30, -1e30,
  Infinity, -Infinity, NaN];
const POINTS = [...SPECIALS, ...ref.rand(500, 3).map((v) => v * 12), ...ref.rand(200, 4).map((v) => v * 0.99)];

describe("unary ops against Math.*", () => {
  it.each(CASES)("%s on float32 is within 3 ulp, specials included", (_name, op, want) => {
    const xs = Array.from(Float32Array.from(POINTS));
    const y = op(f32(xs));
    expect(y.dtype).toBe(mx.float32);
    expect(maxUlps(vals(y), xs.map(want))).toBeLessThanOrEqual(3);
  });

  it.each(CASES)("%s on float64 matches to 1e-14", (_name, op, want) => {
    const xs = ref.rand(100, 5).map((v) => v * 0.9);
    const y = op(f64(xs));
    expect(y.dtype).toBe(mx.float64);
    const got = vals(y);
    xs.forEach((x, i) => {
      const w = want(x);
      if (Number.isNaN(w)) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(w)));
    });
  });

  it("SIMD exp, log, tanh, sigmoid: within 3 ulp over 500k float32 bit patterns", () => {
    const bits = new Uint32Array(500_000);
    for (let i = 0; i < bits.length; ++i) bits[i] = Math.imul(i, 8587) >>> 0; // spreads over every exponent
    const xs = Array.from(new Float32Array(bits.buffer));
    const x = f32(xs);
    for (const [op, want] of [[mx.exp, Math.exp], [mx.log, Math.log], [mx.tanh, Math.tanh],
      [mx.sigmoid, sigmoidRef]] as const) {
      expect(maxUlps(vals(op(x)), xs.map(want))).toBeLessThanOrEqual(3);
    }
  });

  it("erfinv inverts erf; sign, round, predicates and logicalNot follow MLX", () => {
    const ys = [-0.99, -0.5, -0.1, 0, 0.2, 0.7, 0.999];
    const x = vals(mx.erfinv(f32(ys)));
    x.forEach((v, i) => expect(Math.abs(erfRef(v) - Math.fround(ys[i]!))).toBeLessThan(3e-7));
    expect(vals(mx.erfinv(f32([1, -1, 2])))).toEqual([Infinity, -Infinity, NaN]);
    expect(vals(mx.arccosh(f32([-104, -2, 0.5])))).toEqual([NaN, NaN, NaN]); // musl's acosh gets x <= -2 wrong
    expect(vals(mx.arccosh(f64([-104, -2, 0.5])))).toEqual([NaN, NaN, NaN]);
    expect(vals(mx.sign(f32([-3, 0, 2, Infinity, NaN])))).toEqual([-1, 0, 1, 1, 0]); // sign(nan) = 0 as MLX
    expect(vals(mx.round(f32([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.7])))).toEqual([-2, -2, -0, 0, 2, 2, 4, 1]);
    expect(vals(mx.round(f64([1.234, 15, -0.0149]), 2))).toEqual([1.23, 15, -0.01]);
    expect(vals(mx.round(f32([15, 25, 1234]), -1))).toEqual([20, 20, 1230]);
    const s = f32([1, NaN, Infinity, -Infinity]);
    expect(mx.isnan(s).tolist()).toEqual([false, true, false, false]);
    expect(mx.isinf(s).tolist()).toEqual([false, false, true, true]);
    expect(mx.isfinite(s).tolist()).toEqual([true, false, false, false]);
    expect(mx.logicalNot(mx.array([0, 2, -1], mx.int32)).tolist()).toEqual([true, false, false]);
    expect(mx.logicalNot(mx.array([true, false])).tolist()).toEqual([false, true]);
  });

  it("keeps MLX's output dtypes for integer, bool and half inputs", () => {
    const i = mx.array([-3, 0, 4], mx.int32);
    expect(mx.exp(i).dtype).toBe(mx.float32);
    expect(mx.sqrt(mx.array([true, false])).dtype).toBe(mx.float32);
    expect(mx.abs(i).tolist()).toEqual([3, 0, 4]);
    expect(mx.abs(i).dtype).toBe(mx.int32);
    expect(mx.square(i).tolist()).toEqual([9, 0, 16]);
    expect(mx.sign(i).tolist()).toEqual([-1, 0, 1]);
    expect(mx.negative(mx.array([1, 200], mx.uint8)).tolist()).toEqual([255, 56]);
    expect(mx.floor(i).dtype).toBe(mx.int32);
    expect(mx.isnan(i).tolist()).toEqual([false, false, false]);
    for (const t of [mx.float16, mx.bfloat16]) {
      const y = mx.exp(mx.array([0, 1, -2], t));
      expect(y.dtype).toBe(t);
      vals(y).forEach((v, k) => expect(v).toBeCloseTo(Math.exp([0, 1, -2][k]!), 1));
    }
    expect(mx.exp(1).dtype).toBe(mx.float32); // JS scalars are float32 arrays
    expect(mx.exp(1).item()).toBeCloseTo(Math.E, 6);
    expect(() => mx.negative(mx.array([true]))).toThrow("[negative] Not supported for bool, use logical_not instead.");
    expect(() => mx.exp("x" as any)).toThrow(/^\[exp\] Expected an mx.Array/);
  });

  it("reads strided views and crosses the thread grain", () => {
    const n = 300, m = 257;
    const data = ref.rand(n * m, 9).map((v) => v * 5);
    const a = f32(data).reshape([n, m]);
    for (const op of [mx.exp, mx.tanh, mx.sin, mx.sigmoid]) {
      const direct = vals(op(a));
      const t = vals(op(a.T));
      let same = true;
      for (let i = 0; i < n && same; ++i) for (let j = 0; j < m && same; ++j) same = direct[i * m + j] === t[j * n + i];
      expect(same).toBe(true);
    }
  });

  it("differentiates through the unary rules", () => {
    const x = f64([0.3, -1.2, 2]);
    const g = mx.grad((v: any) => mx.sum(mx.multiply(mx.tanh(v), mx.exp(v))))(x);
    vals(g).forEach((gv, i) => {
      const v = [0.3, -1.2, 2][i]!;
      const want = (1 - Math.tanh(v) ** 2) * Math.exp(v) + Math.tanh(v) * Math.exp(v);
      expect(gv).toBeCloseTo(want, 12);
    });
    const s = mx.grad((v: any) => mx.sum(mx.multiply(mx.stopGradient(v), v)))(x);
    expect(vals(s)).toEqual([0.3, -1.2, 2]);
    const f = mx.grad((v: any) => mx.sum(mx.floor(v)))(x);
    expect(vals(f)).toEqual([0, 0, 0]);
  });
});

describe("creation", () => {
  it("arange follows MLX's forms, float32 unless a dtype is given", () => {
    expect(mx.arange(5).tolist()).toEqual([0, 1, 2, 3, 4]);
    expect(mx.arange(5).dtype).toBe(mx.float32);
    expect(mx.arange(2, 5).tolist()).toEqual([2, 3, 4]);
    expect(mx.arange(0, 1, 0.25).tolist()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(mx.arange(5, 0, -2, mx.int32).tolist()).toEqual([5, 3, 1]);
    expect(mx.arange(4, mx.int32).dtype).toBe(mx.int32);
    expect(mx.arange(1, 4, "int64").tolist()).toEqual([1n, 2n, 3n]);
    expect(mx.arange(0, 3, undefined, { dtype: mx.float64 }).dtype).toBe(mx.float64);
    expect(mx.arange(3, 0).shape).toEqual([0]);
    expect(() => mx.arange(0, 1, 0)).toThrow("[arange] Cannot use a step of zero.");
    expect(() => mx.arange(0, Infinity)).toThrow("[arange] Cannot use infinity for start or stop.");
    expect(() => mx.arange(0, 3, 1, mx.bool)).toThrow(/^\[arange\]/);
    expect(() => mx.arange("3" as any)).toThrow(/^\[arange\]/);
  });

  it("linspace, eye, identity, tri, zerosLike, onesLike", () => {
    expect(mx.linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(mx.linspace(0, 1).shape).toEqual([50]);
    expect(mx.linspace(2, 3, 1).tolist()).toEqual([2]);
    const l = vals(mx.linspace(-1, 7, 9, mx.float64));
    expect(l).toEqual([-1, 0, 1, 2, 3, 4, 5, 6, 7]);
    expect(() => mx.linspace(0, 1, -1)).toThrow("[linspace] number of samples, -1, must be non-negative.");
    expect(mx.eye(2).tolist()).toEqual([[1, 0], [0, 1]]);
    expect(mx.eye(2, 3, 1).tolist()).toEqual([[0, 1, 0], [0, 0, 1]]);
    expect(mx.eye(3, 2, -1, mx.int32).tolist()).toEqual([[0, 0], [1, 0], [0, 1]]);
    expect(mx.identity(2, mx.bool).tolist()).toEqual([[true, false], [false, true]]);
    expect(() => mx.eye(0)).toThrow("[eye] N and M must be positive integers.");
    expect(mx.tri(3).tolist()).toEqual([[1, 0, 0], [1, 1, 0], [1, 1, 1]]);
    expect(mx.tri(2, 3, 1, mx.int32).tolist()).toEqual([[1, 1, 0], [1, 1, 1]]);
    const i = mx.array([1, 2], mx.int16);
    expect(mx.zerosLike(i).dtype).toBe(mx.int16);
    expect(mx.zerosLike(i).tolist()).toEqual([0, 0]);
    expect(mx.onesLike(f32([5, 6, 7])).tolist()).toEqual([1, 1, 1]);
  });

  it("tril and triu keep inf and nan out of the zeroed part and batch over leading axes", () => {
    const a = f32([1, Infinity, 3, 4, 5, NaN, 7, 8, 9]).reshape([3, 3]);
    expect(mx.tril(a).tolist()).toEqual([[1, 0, 0], [4, 5, 0], [7, 8, 9]]);
    const u = mx.triu(a, 1).tolist() as number[][];
    expect(u[0]).toEqual([0, Infinity, 3]);
    expect(u[1]![2]).toBeNaN();
    expect(u[2]).toEqual([0, 0, 0]);
    const b = mx.arange(1, 13).reshape([2, 2, 3]);
    expect(mx.tril(b, -1).tolist()).toEqual([[[0, 0, 0], [4, 0, 0]], [[0, 0, 0], [10, 0, 0]]]);
    expect(() => mx.tril(f32([1, 2]))).toThrow("[tril] array must be at least 2-D");
  });

  it("where broadcasts, promotes, and types JS scalars weakly", () => {
    const c = mx.array([true, false, true]);
    const x = f32([1, 2, 3, 4, 5, 6]).reshape([2, 3]);
    expect(mx.where(c, x, -1).tolist()).toEqual([[1, -1, 3], [4, -1, 6]]);
    expect(mx.where(c, x, -1).dtype).toBe(mx.float32);
    const i = mx.array([1, 2, 3], mx.int32);
    expect(mx.where(c, i, 0).dtype).toBe(mx.int32);
    expect(mx.where(c, 1, 0).dtype).toBe(mx.float32);
    expect(mx.where(c, i, f64([9, 9, 9])).dtype).toBe(mx.float64);
    expect(() => mx.where(c, f32([1, 2]), 0)).toThrow("[where] Shapes (3) and (2) cannot be broadcast.");
    const g = mx.grad((v: any) => mx.sum(mx.where(c, v, 0)))(f64([1, 2, 3]));
    expect(vals(g)).toEqual([1, 0, 1]);
  });
});

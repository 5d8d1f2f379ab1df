// The SIMD float32 transcendental kernels (core/backend/cpu/kernels/vmath.h, vtrig.h) in
// the wasm builds: max ulp error against a float64 reference over a sweep of
// the whole float range (every 4099th bit pattern: all exponents and signs,
// denormals, infinities, NaN) plus dense runs where they are hardest, within
// the bounds the README states (core/tests/test_math.cpp asserts the same
// bounds natively).
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
const nextUp = (v: number) => { // v a non-negative finite float32
  f32[0] = v;
  u32[0]! += 1;
  return f32[0]!;
};
// Distance in float32 ulps from the float64 reference; 0 when both are NaN or the same infinity.
function ulps(got: number, ref: number): number {
  if (Number.isNaN(ref)) return Number.isNaN(got) ? 0 : Infinity;
  const fr = Math.fround(ref);
  if (!Number.isFinite(fr) || !Number.isFinite(got)) return fr === got ? 0 : Infinity;
  const a = Math.abs(fr);
  const u = a === 3.4028234663852886e38 ? a - Math.fround(a * (1 - 2 ** -24)) : nextUp(a) - a;
  return Math.abs(got - ref) / Math.max(u, 2 ** -149);
}

// erf in float64: its Taylor series below 2.5, 1 - erfc by erfc's continued fraction above.
function erfRef(x: number): number {
  if (Number.isNaN(x)) return x;
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a, s = a;
    for (let n = 1; n < 80 && Math.abs(term) > 1e-18 * Math.abs(s); ++n) {
      term *= (-a * a) / n;
      s += term / (2 * n + 1);
    }
    return Math.sign(x) * s * (2 / Math.sqrt(Math.PI)) || x;
  }
  if (a > 10) return Math.sign(x);
  let k = a;
  for (let n = 60; n >= 1; --n) k = a + n / 2 / k;
  return Math.sign(x) * (1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * k));
}

const cases: [string, (a: ReturnType<typeof mx.array>) => ReturnType<typeof mx.array>, (x: number) => number, number][] = [
  ["exp", mx.exp, Math.exp, 1],
  ["expm1", mx.expm1, Math.expm1, 2],
  ["log", mx.log, Math.log, 1],
  ["log1p", mx.log1p, Math.log1p, 2],
  ["tanh", mx.tanh, Math.tanh, 3],
  ["sigmoid", mx.sigmoid, (x) => 1 / (1 + Math.exp(-x)), 3],
  ["sin", mx.sin, Math.sin, 2],
  ["cos", mx.cos, Math.cos, 2],
  ["erf", mx.erf, erfRef, 3],
];

function sweep(xs: Float32Array, what: string) {
  const a = mx.array(xs);
  for (const [name, op, ref, bound] of cases) {
    const y = op(a);
    const got = y.dataSync() as Float32Array;
    let worst = 0, at = 0;
    for (let i = 0; i < xs.length; ++i) {
      const u = ulps(got[i]!, ref(xs[i]!));
      if (u > worst) (worst = u), (at = xs[i]!);
    }
    expect(worst, `${name} (${what}): max ${worst.toFixed(3)} ulp at ${at}`).toBeLessThanOrEqual(bound);
    y.dispose();
  }
  a.dispose();
}

describe("SIMD float32 transcendentals", () => {
  it("stay within their ulp bounds over the whole float range", () => {
    const n = Math.floor(2 ** 32 / 4099) + 1;
    const bits = new Uint32Array(n + 7);
    for (let i = 0; i < n; ++i) bits[i] = i * 4099;
    const xs = new Float32Array(bits.buffer);
    [0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45].forEach((v, k) => (xs[n + k] = v));
    sweep(xs, "every 4099th float");
  });

  it("stay within their ulp bounds where they are hardest", () => {
    const xs: number[] = [];
    const run = (c: number, m: number) => {
      f32[0] = c;
      const b = u32[0]!;
      for (let i = -m; i <= m; ++i) {
        u32[0] = c === 0 ? Math.abs(i) | (i < 0 ? 0x80000000 : 0) : b + i;
        xs.push(f32[0]!);
      }
    };
    for (const c of [0, 1, -1, 0.34657359, -0.34657359, 3.93, -3.93, 80, -80, 87, -87, 88.72, -87.34, -103.97, 1e-4, -1e-4, 131072])
      run(c, 1000);
    for (let k = 1; k < 2e6; k = k * 1.37 + 1) run(k * (Math.PI / 2), 32); // next to multiples of pi / 2
    for (let v = -20; v <= 20; v += 1 / 256) xs.push(v);
    sweep(Float32Array.from(xs), "dense runs");
  });

  it("keep the special values of std:: and MLX", () => {
    const x = mx.array(Float32Array.from([-0, 0, Infinity, -Infinity, NaN, 89, -104, 1e30, -1e30]));
    const v = (a: ReturnType<typeof mx.array>) => Array.from(a.dataSync() as Float32Array);
    expect(v(mx.exp(x))).toEqual([1, 1, Infinity, 0, NaN, Infinity, Math.fround(Math.exp(-104)), Infinity, 0]);
    expect(v(mx.expm1(x))).toEqual([-0, 0, Infinity, -1, NaN, Infinity, -1, Infinity, -1]);
    expect(v(mx.log1p(x)).slice(0, 5)).toEqual([-0, 0, Infinity, NaN, NaN]);
    expect(v(mx.sin(x)).slice(0, 5)).toEqual([-0, 0, NaN, NaN, NaN]);
    expect(v(mx.cos(x)).slice(0, 5)).toEqual([1, 1, NaN, NaN, NaN]);
    expect(v(mx.erf(x)).slice(0, 5)).toEqual([-0, 0, 1, -1, NaN]);
    expect(v(mx.log1p(mx.array(Float32Array.from([-1, -2])))).slice(0, 1)).toEqual([-Infinity]);
    // -0 among common values only (no lane takes the general path): the short paths keep it too
    const plain = mx.array(Float32Array.from([-0, 0, 0.5, -0.5, 2, -2, 3, -3]));
    for (const op of ["sin", "expm1", "log1p", "erf", "tanh"] as const) expect(v(mx[op](plain)).slice(0, 2), op).toEqual([-0, 0]);
  });

  // The kernels run blocks of common inputs through a short path and run a
  // block again through the general one when any lane needs it: one such
  // lane anywhere in a long array must get its own right value, and its
  // neighbours the values they get alone.
  it("give a rare input among common ones the value it gets alone", () => {
    const n = 3000;
    const common = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
    const rare: [string, (a: ReturnType<typeof mx.array>) => ReturnType<typeof mx.array>, number][] = [
      ["exp", mx.exp, 95], ["exp", mx.exp, -100], ["sigmoid", mx.sigmoid, -100], ["log", mx.log, 1e-40],
      ["log", mx.log, 0], ["log1p", mx.log1p, -1], ["sin", mx.sin, 1e5], ["cos", mx.cos, -3e6], ["sin", mx.sin, Infinity],
    ];
    for (const [name, op, value] of rare) {
      const alone = (xs: Float32Array) => {
        const a = mx.array(xs), y = op(a), out = y.dataSync() as Float32Array;
        mx.dispose([a, y]);
        return out;
      };
      const base = alone(name === "log" ? common.map(Math.abs) : common);
      for (const at of [0, 517, 1030, n - 1]) {
        const xs = (name === "log" ? common.map(Math.abs) : common).slice();
        xs[at] = value;
        const got = alone(xs);
        const single = alone(Float32Array.from([value]))[0]!;
        expect(Object.is(got[at], single) || (Number.isNaN(got[at]!) && Number.isNaN(single)), `${name}(${value}) at ${at}`).toBe(true);
        got[at] = base[at]!;
        expect(got, `${name}: the other lanes with ${value} at ${at}`).toEqual(base);
      }
    }
  });
});

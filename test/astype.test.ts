// astype between every pair of the 13 dtypes against a pure-JS reference that
// computes each result exactly (BigInt arithmetic), so rounding is checked
// bit for bit.
//
// The rules (core/backend/cpu/kernels/convert.h), including the cases C++ leaves undefined:
// - to bool: nonzero is true, NaN included.
// - integer -> integer: modulo 2^bits (two's complement).
// - float -> integer: NaN and +-Inf give 0; other values are truncated toward
//   zero, then wrapped modulo 2^bits — JavaScript's ToInt32/ToUint8 family
//   (what TypedArrays and so `mx.array(numbers, dtype)` do), extended to 64
//   bits. So -1.5 -> uint8 is 255, 300.7 -> uint8 is 44, 1e20 -> int64 is
//   1e20 mod 2^64. The same on the native, single-thread and threaded builds.
// - to a float: one round-to-nearest-even from the exact source value (no
//   double rounding through float32 for float16/bfloat16 targets), overflow
//   to +-inf, NaN stays NaN, the sign of zero is kept.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { FLOAT_FORMATS, decompose, roundTo } from "./reference.js";

type Dt = InstanceType<typeof mx.Dtype>;
type Exact = number | bigint | boolean; // a source value, exactly

const FORMATS = FLOAT_FORMATS;

const INT_BITS: Record<string, [number, boolean]> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false],
};

/** The reference conversion of an exact source value to dtype `to` (numbers; bigints for 64-bit ints). */
function reference(v: Exact, to: string): number | bigint | boolean {
  if (to === "bool") return typeof v === "boolean" ? v : typeof v === "bigint" ? v !== 0n : v !== 0; // NaN !== 0
  const x: number | bigint = typeof v === "boolean" ? (v ? 1 : 0) : v;
  if (to in INT_BITS) {
    const [bits, signed] = INT_BITS[to]!;
    let t: bigint;
    if (typeof x === "bigint") t = x;
    else t = Number.isFinite(x) ? BigInt(Math.trunc(x)) : 0n;
    const w = signed ? BigInt.asIntN(bits, t) : BigInt.asUintN(bits, t);
    return bits === 64 ? w : Number(w);
  }
  const f = FORMATS[to]!;
  if (typeof x === "bigint") {
    const r = roundTo(x < 0n ? -x : x, 0, f);
    return x < 0n ? -r : r;
  }
  if (Number.isNaN(x)) return NaN;
  if (!Number.isFinite(x)) return x;
  const [m, e] = decompose(x);
  const r = roundTo(m, e, f);
  return x < 0 || Object.is(x, -0) ? -r : r;
}

// Source values per dtype (exactly representable in it), chosen around every
// boundary of the targets: ranges, wrap points, ties, double-rounding traps.
const P = (k: number) => 2 ** k;
const SOURCES: Record<string, Exact[]> = {
  bool: [false, true],
  uint8: [0, 1, 127, 128, 200, 255],
  int8: [-128, -1, 0, 1, 127, -100],
  uint16: [0, 1, 255, 256, 2049, 32768, 65535],
  int16: [-32768, -2049, -1, 0, 300, 32767],
  uint32: [0, 1, 65504, 65519, 65520, 16777217, P(31), P(32) - 1],
  // 16842753 = 2^24 + 2^16 + 1: rounding through float32 first lands on a bfloat16 tie and rounds down.
  int32: [-P(31), -16777217, -1, 0, 65520, 16777217, 16842753, P(31) - 1],
  int64: [-(2n ** 63n), -(2n ** 40n) - 7n, -1n, 0n, 300n, 2n ** 32n + 5n, 2n ** 53n + 1n, 2n ** 60n + 2n ** 52n + 1n, 2n ** 63n - 1n],
  uint64: [0n, 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 2n ** 40n + 1n, 2n ** 64n - 1n],
  float16: [0, -0, 1, -1.5, 0.5, -2.5, 255.5, 300, 2050, 65504, -65504, P(-24), NaN, Infinity, -Infinity],
  bfloat16: [0, -0, 1, -1.5, 256, -300, P(-133), P(31), -P(31), P(40), P(63), P(64), 3.3895313892515355e38, NaN, Infinity, -Infinity],
  float32: [
    0, -0, 1.5, -1.5, 2.5, -2.5, Math.fround(0.1), Math.fround(255.7), -Math.fround(255.7), 256.5, -1, 65519, 65520,
    Math.fround(65519.99), Math.fround(1e10), 3e9, -3e9, P(31), P(63), P(64),
    1 + P(-8), 1 + 3 * P(-8), 1 + P(-8) + P(-20), P(-149), P(-126), 3.4028234663852886e38, NaN, Infinity, -Infinity,
  ],
  float64: [
    0, -0, 0.1, -0.7, 2.5, 255.99, 256.5, -1.5, 65519.999, 65520, 4294967296.5, -2147483648.9, 1e20, -1e20, P(63), -P(63),
    P(64), 1e300, -1e300, 5e-324, P(-1074) * 3, 1e-40, 3.4028235677973366e38,
    // Half-way plus a bit that float32 drops: rounding twice would give the even neighbour below.
    1 + P(-11) + P(-40), 1 + P(-8) + P(-30), -(1 + P(-11) + P(-40)), P(-25) + P(-60),
    NaN, Infinity, -Infinity,
  ],
};

const NAMES = ["bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"] as const;
const dtypeOf = (n: string) => (mx as any)[n] as Dt;

/** An array of dtype `name` holding exactly `vals`, built without astype. */
function source(name: string, vals: Exact[]) {
  switch (name) {
    case "int64": return mx.array(BigInt64Array.from(vals as bigint[]));
    case "uint64": return mx.array(BigUint64Array.from(vals as bigint[]));
    case "bool": return mx.array(vals as boolean[]);
    default: return mx.array(vals as number[], dtypeOf(name));
  }
}

const same = (got: unknown, want: unknown) =>
  typeof want === "number" ? Object.is(Number(got), want) : typeof want === "boolean" ? got === (want ? 1 : 0) : got === want;

describe("astype", () => {
  it("every source array holds exactly the intended values", () => {
    for (const from of NAMES) {
      mx.tidy(() => {
        const got = Array.from(source(from, SOURCES[from]!).dataSync() as ArrayLike<number | bigint>);
        const want = SOURCES[from]!.map((v) => (typeof v === "boolean" ? (v ? 1 : 0) : v));
        expect(got.map((g, i) => same(g, want[i]))).toEqual(want.map(() => true));
      });
    }
  });

  for (const from of NAMES) {
    it(`from ${from} to every dtype`, () => {
      const vals = SOURCES[from]!;
      mx.tidy(() => {
        const x = source(from, vals);
        for (const to of NAMES) {
          const y = x.astype(dtypeOf(to));
          expect(y.dtype.name).toBe(to);
          const got = Array.from(y.dataSync() as ArrayLike<number | bigint>);
          const want = vals.map((v) => reference(v, to));
          const bad = got.flatMap((g, i) => (same(g, want[i]) ? [] : [`${String(vals[i])} -> ${to}: got ${String(g)}, want ${String(want[i])}`]));
          expect(bad).toEqual([]);
        }
      });
    });
  }

  it("large, non-contiguous sources (threaded) convert element by element like the small ones", () => {
    const REPS = 3000; // >= 2^15 elements for every source list
    for (const from of NAMES) {
      mx.tidy(() => {
        const vals = SOURCES[from]!;
        const n = vals.length;
        // (n, REPS) transposed view of the values broadcast along the second axis.
        const x = mx.broadcastTo(source(from, vals).reshape(n, 1), [n, REPS]).T; // (REPS, n), strides (0, 1)
        const xt = (mx as any).tile(source(from, vals).reshape(n, 1), [1, REPS]).T; // (REPS, n), strides (1, REPS)
        for (const to of NAMES) {
          const want = vals.map((v) => reference(v, to));
          for (const src of [x, xt]) {
            const got = src.astype(dtypeOf(to)).dataSync() as ArrayLike<number | bigint>;
            expect(got.length).toBe(REPS * n);
            let mismatches = 0;
            for (let i = 0; i < got.length; ++i) if (!same(got[i], want[i % n])) ++mismatches;
            expect(mismatches, `${from} -> ${to}`).toBe(0);
          }
        }
      });
    }
  });

  it("NaN, infinities and out-of-range floats to integers follow the documented rule", () => {
    mx.tidy(() => {
      const x = mx.array(new Float64Array([NaN, Infinity, -Infinity, -1.5, 300.7, 1e20, -2147483649, 4294967296.5]));
      expect(Array.from(x.astype(mx.uint8).dataSync() as Uint8Array)).toEqual([0, 0, 0, 255, 44, 0, 255, 0]);
      expect(Array.from(x.astype(mx.int32).dataSync() as Int32Array)).toEqual([0, 0, 0, -1, 300, 1661992960, 2147483647, 0]);
      expect(Array.from(x.astype(mx.int64).dataSync() as BigInt64Array)).toEqual([0n, 0n, 0n, -1n, 300n, 7766279631452241920n, -2147483649n, 4294967296n]);
      expect(Array.from(x.astype(mx.uint64).dataSync() as BigUint64Array)).toEqual([0n, 0n, 0n, 2n ** 64n - 1n, 300n, 7766279631452241920n, 2n ** 64n - 2147483649n, 4294967296n]);
      expect(Array.from(x.astype(mx.bool).dataSync() as Uint8Array)).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      // mx.array(numbers, dtype) goes through TypedArrays: the same rule.
      expect(mx.array([NaN, -1.5, 300.7], mx.uint8).tolist()).toEqual([0, 255, 44]);
      expect(mx.array([NaN, Infinity, 1e20], mx.int64).tolist()).toEqual([0n, 0n, 7766279631452241920n]);
      expect(mx.array([NaN, 0, -0], mx.bool).tolist()).toEqual([true, false, false]);
      // bigints wrap exactly, like astype from int64.
      const big = [2n ** 60n + 1n, -(2n ** 40n) - 3n, 2n ** 63n - 1n];
      const wraps: [mx.Dtype, (b: bigint) => bigint][] = [
        [mx.int8, (b) => BigInt.asIntN(8, b)], [mx.uint16, (b) => BigInt.asUintN(16, b)],
        [mx.int32, (b) => BigInt.asIntN(32, b)], [mx.uint32, (b) => BigInt.asUintN(32, b)]];
      for (const [d, wrap] of wraps) expect(mx.array(big, d).tolist()).toEqual(big.map((b) => Number(wrap(b))));
      // A weakly typed JS scalar meets the same rule in the core.
      expect(mx.full([2], NaN, mx.int32).tolist()).toEqual([0, 0]);
      expect(mx.full([1], 1e20, mx.int64).tolist()).toEqual([7766279631452241920n]);
      expect(mx.array([1], mx.uint8).add(-1).tolist()).toEqual([0]);
    });
  });

  it("JS numbers stored as float16/bfloat16 round once, like astype from float64", () => {
    mx.tidy(() => {
      const vals = [1 + P(-11) + P(-40), 1 + P(-8) + P(-30), -(1 + P(-11) + P(-40)), 65519.999, 65520, 1e-40, 0.1];
      for (const to of ["float16", "bfloat16"]) {
        const direct = Array.from(mx.array(vals, dtypeOf(to)).dataSync() as Float32Array);
        const viaAstype = Array.from(mx.array(Float64Array.from(vals)).astype(dtypeOf(to)).dataSync() as Float32Array);
        expect(direct).toEqual(vals.map((v) => reference(v, to)));
        expect(viaAstype).toEqual(direct);
      }
    });
  });
});

// MLX's bitwise ops (bitwiseAnd/Or/Xor, leftShift, rightShift, bitwiseInvert)
// against a BigInt reference over every integer dtype: values (wrapping at
// the dtype's width), MLX's type promotion (bool shifts as uint8), the
// tagged errors on floating operands, zero derivatives, vmap against a loop,
// and compile.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

type A = any;

const INTS: Record<string, { bits: number; signed: boolean; make: (v: bigint[]) => A }> = {
  int8: { bits: 8, signed: true, make: (v) => Int8Array.from(v.map(Number)) },
  int16: { bits: 16, signed: true, make: (v) => Int16Array.from(v.map(Number)) },
  int32: { bits: 32, signed: true, make: (v) => Int32Array.from(v.map(Number)) },
  int64: { bits: 64, signed: true, make: (v) => BigInt64Array.from(v) },
  uint8: { bits: 8, signed: false, make: (v) => Uint8Array.from(v.map(Number)) },
  uint16: { bits: 16, signed: false, make: (v) => Uint16Array.from(v.map(Number)) },
  uint32: { bits: 32, signed: false, make: (v) => Uint32Array.from(v.map(Number)) },
  uint64: { bits: 64, signed: false, make: (v) => BigUint64Array.from(v) },
};

/** A value wrapped to the dtype's width. */
const wrapTo = (v: bigint, bits: number, signed: boolean) => (signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
const big = (a: A): bigint[] => Array.from(a.dataSync() as ArrayLike<number | bigint>, (v) => BigInt(v));

/** Deterministic values spread over the dtype's range, extremes included. */
function values(bits: number, signed: boolean, n: number, seed: number): bigint[] {
  const lo = signed ? -(1n << BigInt(bits - 1)) : 0n;
  const hi = signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n;
  const out = [lo, hi, 0n, 1n, signed ? -1n : 2n];
  let s = BigInt(seed);
  while (out.length < n) {
    s = (s * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
    out.push(wrapTo(s >> 3n, bits, signed));
  }
  return out;
}

const REF: Record<string, (a: bigint, b: bigint, bits: number, signed: boolean) => bigint> = {
  bitwiseAnd: (a, b) => a & b,
  bitwiseOr: (a, b) => a | b,
  bitwiseXor: (a, b) => a ^ b,
  // Counts outside [0, bits) shift every bit out.
  leftShift: (a, b, bits) => (b < 0n || b >= BigInt(bits) ? 0n : a << b),
  rightShift: (a, b, bits, signed) => (b < 0n || b >= BigInt(bits) ? (signed && a < 0n ? -1n : 0n) : a >> b),
};

function expectError(fn: () => unknown, msg: string | RegExp) {
  expect(fn).toThrowError(msg);
  expect(mx.array([1, 2]).add(1).tolist()).toEqual([2, 3]);
}

describe("bitwise ops: values on every integer dtype", () => {
  for (const [name, t] of Object.entries(INTS)) {
    it(`${name}: and, or, xor, shifts, invert against BigInt`, () => {
      const dt = (mx as A)[name];
      const av = values(t.bits, t.signed, 24, 7);
      const bv = values(t.bits, t.signed, 24, 11);
      const a = mx.array(t.make(av));
      const b = mx.array(t.make(bv));
      for (const op of ["bitwiseAnd", "bitwiseOr", "bitwiseXor"]) {
        const out = (mx as A)[op](a, b);
        expect(out.dtype).toBe(dt);
        expect(big(out)).toEqual(av.map((x, i) => wrapTo(REF[op]!(x, bv[i]!, t.bits, t.signed), t.bits, t.signed)));
      }
      // Shift counts from -1 to bits + 1, the out-of-range ones included.
      const cv = av.map((_, i) => BigInt((i % (t.bits + 3)) - 1));
      const c = mx.array(t.make(cv.map((v) => wrapTo(v, t.bits, t.signed))));
      for (const op of ["leftShift", "rightShift"]) {
        const out = (mx as A)[op](a, c);
        expect(out.dtype).toBe(dt);
        const counts = cv.map((v) => wrapTo(v, t.bits, t.signed));
        expect(big(out)).toEqual(av.map((x, i) => wrapTo(REF[op]!(x, counts[i]!, t.bits, t.signed), t.bits, t.signed)));
      }
      const inv = mx.bitwiseInvert(a);
      expect(inv.dtype).toBe(dt);
      expect(big(inv)).toEqual(av.map((x) => wrapTo(~x, t.bits, t.signed)));
    });
  }

  it("hand values (MLX's test_bitwise_ops cases)", () => {
    const a = mx.array([1, 2, 3], mx.int32), b = mx.array([3, 2, 1], mx.int32);
    expect(mx.bitwiseAnd(a, b).tolist()).toEqual([1, 2, 1]);
    expect(mx.bitwiseOr(a, b).tolist()).toEqual([3, 2, 3]);
    expect(mx.bitwiseXor(a, b).tolist()).toEqual([2, 0, 2]);
    expect(mx.leftShift(a, b).tolist()).toEqual([8, 8, 6]);
    expect(mx.rightShift(mx.array([8, 8, 6], mx.int32), b).tolist()).toEqual([1, 2, 3]);
    expect(mx.bitwiseInvert(mx.array([0, 5, -1], mx.int32)).tolist()).toEqual([-1, -6, 0]);
    expect(mx.rightShift(mx.array([-8], mx.int8), mx.array([2], mx.int8)).tolist()).toEqual([-2]);
    expect(mx.rightShift(mx.array([0xf0], mx.uint8), mx.array([4], mx.uint8)).tolist()).toEqual([0x0f]);
  });

  it("broadcasting, strided operands and methods", () => {
    const a = mx.arange(0, 12, mx.int32).reshape([3, 4]);
    const out = mx.bitwiseXor(a.T, mx.array([1, 2, 4], mx.int32));
    const want = [0, 1, 2, 3].map((j) => [0, 1, 2].map((i) => (i * 4 + j) ^ [1, 2, 4][i]!));
    expect(out.tolist()).toEqual(want);
    expect(a.bitwiseAnd(3).tolist()).toEqual([[0, 1, 2, 3], [0, 1, 2, 3], [0, 1, 2, 3]]);
    expect(a.leftShift(1).rightShift(2).tolist()).toEqual(mx.floorDivide(a, 2).tolist());
    expect(a.bitwiseOr(16).bitwiseXor(16).tolist()).toEqual(a.tolist());
    expect(a.bitwiseInvert().bitwiseInvert().tolist()).toEqual(a.tolist());
  });
});

describe("bitwise ops: dtypes and errors (MLX)", () => {
  it("type promotion as MLX", () => {
    const i8 = mx.array([5], mx.int8), u8 = mx.array([3], mx.uint8);
    const u32 = mx.array([3], mx.uint32), i32 = mx.array([6], mx.int32);
    const t = mx.array([true]), f = mx.array([false]);
    expect(mx.bitwiseAnd(i8, u8).dtype).toBe(mx.int16);
    expect(mx.bitwiseOr(u32, i32).dtype).toBe(mx.int64);
    expect(mx.bitwiseXor(t, i8).dtype).toBe(mx.int8);
    // bool stays bool for and/or/xor; the shifts turn it into uint8.
    expect(mx.bitwiseAnd(t, f).dtype).toBe(mx.bool);
    expect(mx.bitwiseOr(t, f).tolist()).toEqual([true]);
    expect(mx.bitwiseXor(t, t).tolist()).toEqual([false]);
    const ls = mx.leftShift(t, t);
    expect(ls.dtype).toBe(mx.uint8);
    expect(ls.tolist()).toEqual([2]);
    expect(mx.rightShift(t, f).dtype).toBe(mx.uint8);
    // bitwise_invert of bool is logical_not.
    const inv = mx.bitwiseInvert(mx.array([true, false]));
    expect(inv.dtype).toBe(mx.bool);
    expect(inv.tolist()).toEqual([false, true]);
    // A JS number is weakly typed against the array.
    expect(mx.bitwiseAnd(mx.array([7], mx.uint16), 3).dtype).toBe(mx.uint16);
    expect(mx.leftShift(1, mx.array([3], mx.int8)).tolist()).toEqual([8]);
  });

  it("floating operands are tagged errors, the module stays usable", () => {
    const f = mx.array([1.5]), i = mx.array([1], mx.int32);
    expectError(() => mx.bitwiseAnd(f, i), "[bitwise_and] Only allowed on integer or boolean types but got types float32 and int32.");
    expectError(() => mx.bitwiseOr(i, mx.array([1], mx.float16)), /^\[bitwise_or\] Only allowed on integer or boolean types/);
    expectError(() => mx.bitwiseXor(f, f), /^\[bitwise_xor\]/);
    expectError(() => mx.leftShift(f, i), /^\[left_shift\] Only allowed on integer or boolean types/);
    expectError(() => mx.rightShift(i, mx.array([1], mx.bfloat16)), /^\[right_shift\]/);
    expectError(() => mx.bitwiseInvert(f), "[bitwise_invert] Bitwise inverse only allowed on integer types.");
    expectError(() => mx.bitwiseAnd(mx.zeros([2], mx.int32), mx.zeros([3], mx.int32)), /^\[bitwise_and\] /);
    // Two JS numbers are float32 (API.md), hence floats.
    expectError(() => mx.bitwiseAnd(3, 5), /^\[bitwise_and\]/);
    expectError(() => (mx as A).bitwiseAnd(i, "x"), /^\[bitwise_and\]/);
  });
});

describe("bitwise ops: transforms", () => {
  it("zero derivatives (vjp and jvp), as MLX", () => {
    const a = mx.array([5, 6], mx.int32), b = mx.array([3, 1], mx.int32);
    for (const op of ["bitwiseAnd", "bitwiseOr", "bitwiseXor", "leftShift", "rightShift"]) {
      const f = (x: A, y: A) => (mx as A)[op](x, y);
      const [outs, cots] = mx.vjp(f, [a, b], [mx.array([1, 1], mx.int32)]);
      expect(outs[0].tolist()).toEqual((mx as A)[op](a, b).tolist());
      expect(cots.map((c: A) => c.tolist())).toEqual([[0, 0], [0, 0]]);
      const [, tans] = mx.jvp(f, [a, b], [mx.array([1, 1], mx.int32), mx.array([2, 2], mx.int32)]);
      expect(tans[0].tolist()).toEqual([0, 0]);
    }
    // As in MLX, bitwise_invert has no derivative rule.
    expectError(() => mx.vjp((x: A) => mx.bitwiseInvert(x), [a], [mx.array([1, 1], mx.int32)]), /BitwiseInvert/);
  });

  it("vmap matches a loop (batched on either side, other axes)", () => {
    const a = mx.arange(0, 24, mx.int32).reshape([4, 6]);
    const b = mx.array([1, 2, 3, 4, 5, 6], mx.int32);
    const c = mx.array([3, 1, 2, 0], mx.int32);
    for (const op of ["bitwiseAnd", "bitwiseOr", "bitwiseXor", "leftShift", "rightShift"]) {
      const f = (x: A, y: A) => (mx as A)[op](x, y);
      const loop = [0, 1, 2, 3].map((i) => f(a.index(i), b).tolist());
      expect((mx.vmap(f, { inAxes: [0, null] }) as A)(a, b).tolist()).toEqual(loop);
      const loopT = [0, 1, 2, 3, 4, 5].map((j) => f(a.index(mx.slice(), j), c).tolist());
      expect((mx.vmap(f, { inAxes: [1, 0] }) as A)(a, mx.broadcastTo(c.reshape([1, 4]), [6, 4])).tolist()).toEqual(loopT);
    }
    const inv = (mx.vmap((x: A) => mx.bitwiseInvert(x), { inAxes: 1 }) as A)(a);
    expect(inv.tolist()).toEqual(mx.bitwiseInvert(a).T.tolist());
  });

  it("compile gives the eager values", () => {
    const f = (x: A, y: A) => mx.bitwiseXor(mx.leftShift(mx.bitwiseAnd(x, y), 2), mx.bitwiseInvert(mx.rightShift(x, 1)));
    const a = mx.array([1, 7, 255, -3], mx.int32), b = mx.array([3, 5, 9, 12], mx.int32);
    expect((mx.compile(f) as A)(a, b).tolist()).toEqual(f(a, b).tolist());
  });
});

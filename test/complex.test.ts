// complex64: creation from JS ({re, im} values, mx.complex of two parts),
// reading back (item, tolist, dataSync's interleaved pairs, MLX's printout),
// promotion and astype, arithmetic and reductions against hand values, the
// layout ops on 8-byte elements, and ops without complex support (tagged
// errors, module still usable).
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const z = (re: number, im: number) => ({ re, im });
/** Values read back, each part rounded to `d` decimals (float32 arithmetic). */
const near = (a: mx.Array, d = 5) => {
  const r = (v: number) => Math.round(v * 10 ** d) / 10 ** d + 0; // (+0: -0 -> 0)
  const walk = (v: any): any => (Array.isArray(v) ? v.map(walk) : typeof v === "object" ? z(r(v.re), r(v.im)) : r(v));
  return walk(a.tolist());
};

describe("complex64: creation and reading back", () => {
  it("from {re, im} values, mixed with numbers; the dtype; item, tolist, dataSync", () => mx.tidy(() => {
    const a = mx.array([z(1, 2), z(3, -4), 5]);
    expect(a.dtype).toBe(mx.complex64);
    expect(a.dtype.size).toBe(8);
    expect(a.tolist()).toEqual([z(1, 2), z(3, -4), z(5, 0)]);
    expect(Array.from(a.dataSync() as Float32Array)).toEqual([1, 2, 3, -4, 5, 0]);
    expect(mx.array(z(0.5, -1)).item()).toEqual(z(0.5, -1));
    expect(mx.array([[1, 2]], mx.complex64).tolist()).toEqual([[z(1, 0), z(2, 0)]]);
    // another dtype takes the real parts, as astype
    expect(mx.array([z(1.5, 2)], mx.float32).tolist()).toEqual([1.5]);
    expect(() => mx.array([z(1, 2)]).itemNumber()).toThrowError(/^\[itemNumber\] itemNumber\(\) reads a number, but the array has dtype complex64.*use item\(\)/);
  }));

  it("mx.complex(re, im) broadcasts two real parts", () => mx.tidy(() => {
    const c = mx.complex(mx.array([[1], [2]]), mx.array([3, 4, 5]));
    expect(c.shape).toEqual([2, 3]);
    expect(c.tolist()).toEqual([[z(1, 3), z(1, 4), z(1, 5)], [z(2, 3), z(2, 4), z(2, 5)]]);
    expect(mx.complex(1, -2).item()).toEqual(z(1, -2));
  }));

  it("prints as MLX: 1+2j, 3-4j", () => mx.tidy(() => {
    expect(String(mx.array([z(1, 2), z(3, -4), z(0.5, 0)]))).toBe("array([1+2j, 3-4j, 0.5+0j], dtype=complex64)");
    expect(String(mx.array(z(-1, -0.25)))).toBe("array(-1-0.25j, dtype=complex64)");
    expect(String(mx.array([[z(1, 1)], [z(2, NaN)]]))).toBe("array([[1+1j],\n       [2+nanj]], dtype=complex64)");
  }));

  it("real, imag, conjugate, conj", () => mx.tidy(() => {
    const a = mx.array([z(1, 2), z(3, -4)]);
    expect(mx.real(a).tolist()).toEqual([1, 3]);
    expect(mx.real(a).dtype).toBe(mx.float32);
    expect(mx.imag(a).tolist()).toEqual([2, -4]);
    expect(mx.conjugate(a).tolist()).toEqual([z(1, -2), z(3, 4)]);
    expect(mx.conj(a).tolist()).toEqual([z(1, -2), z(3, 4)]);
    // real inputs: itself, zeros, itself (MLX)
    const r = mx.array([1, 2]);
    expect(mx.real(r).tolist()).toEqual([1, 2]);
    expect(mx.imag(r).tolist()).toEqual([0, 0]);
    expect(mx.conjugate(r).tolist()).toEqual([1, 2]);
  }));
});

describe("complex64: promotion and astype", () => {
  it("any real dtype with complex64 gives complex64 (MLX), JS numbers included", () => mx.tidy(() => {
    const a = mx.array([z(1, 1)]);
    for (const d of [mx.bool, mx.uint8, mx.int32, mx.int64, mx.uint64, mx.float16, mx.bfloat16, mx.float32, mx.float64])
      expect(mx.add(a, mx.array([1], d)).dtype).toBe(mx.complex64);
    expect(mx.add(a, 2).tolist()).toEqual([z(3, 1)]);
    expect(mx.multiply(0.5, a).tolist()).toEqual([z(0.5, 0.5)]);
    expect(mx.resultType(mx.float64, mx.complex64)).toBe(mx.complex64);
    expect(mx.issubdtype(mx.complex64, mx.complexfloating)).toBe(true);
    expect(mx.isdtype(mx.complex64, "complex floating")).toBe(true);
  }));

  it("astype to complex keeps the value as the real part; from complex takes the real part", () => mx.tidy(() => {
    expect(mx.array([1, -2.5]).astype(mx.complex64).tolist()).toEqual([z(1, 0), z(-2.5, 0)]);
    expect(mx.array([7], mx.int32).astype("complex64").tolist()).toEqual([z(7, 0)]);
    const a = mx.array([z(2.7, 5), z(-1.5, 1)]);
    expect(a.astype(mx.float32).tolist()).toEqual([2.7 + (Math.fround(2.7) - 2.7), -1.5]);
    expect(a.astype(mx.int32).tolist()).toEqual([2, -1]);
    expect(a.astype(mx.bool).tolist()).toEqual([true, true]);
    expect(mx.zeros([2], mx.complex64).tolist()).toEqual([z(0, 0), z(0, 0)]);
    expect(mx.full([1], 3, mx.complex64).tolist()).toEqual([z(3, 0)]);
    expect(mx.onesLike(a).tolist()).toEqual([z(1, 0), z(1, 0)]);
  }));
});

describe("complex64: arithmetic against hand values", () => {
  const a = () => mx.array([z(1, 2), z(3, -4)]);
  const b = () => mx.array([z(3, -4), z(0, 1)]);
  it("add, subtract, multiply, divide, negative", () => mx.tidy(() => {
    expect(mx.add(a(), b()).tolist()).toEqual([z(4, -2), z(3, -3)]);
    expect(mx.subtract(a(), b()).tolist()).toEqual([z(-2, 6), z(3, -5)]);
    // (1+2j)(3-4j) = 11+2j; (3-4j)(1j) = 4+3j
    expect(mx.multiply(a(), b()).tolist()).toEqual([z(11, 2), z(4, 3)]);
    // (1+2j)/(3-4j) = -0.2+0.4j; (3-4j)/1j = -4-3j
    expect(near(mx.divide(a(), b()))).toEqual([z(-0.2, 0.4), z(-4, -3)]);
    expect(mx.negative(a()).tolist()).toEqual([z(-1, -2), z(-3, 4)]);
    expect(a().mul(2).tolist()).toEqual([z(2, 4), z(6, -8)]);
  }));

  it("abs, square, exp, log, sqrt", () => mx.tidy(() => {
    const abs = mx.abs(b());
    expect(abs.dtype).toBe(mx.float32);
    expect(abs.tolist()).toEqual([5, 1]);
    expect(mx.square(a()).tolist()).toEqual([z(-3, 4), z(-7, -24)]);
    // e^(i pi) = -1; e^(1 + i pi/2) = e i
    expect(near(mx.exp(mx.array([z(0, Math.PI), z(1, Math.PI / 2)])))).toEqual([z(-1, 0), z(0, 2.71828)]);
    // log(-1) = i pi; log(2i) = log 2 + i pi/2
    expect(near(mx.log(mx.array([z(-1, 0), z(0, 2)])))).toEqual([z(0, 3.14159), z(0.69315, 1.5708)]);
    // principal roots: sqrt(-4) = 2i, sqrt(3+4j) = 2+j, sqrt(-3-4j) = 1-2j
    expect(near(mx.sqrt(mx.array([z(-4, 0), z(3, 4), z(-3, -4)])))).toEqual([z(0, 2), z(2, 1), z(1, -2)]);
  }));

  it("trigonometric and hyperbolic functions, rsqrt, log2, log10 (against JS's real formulas)", () => mx.tidy(() => {
    const x = 0.7, y = -1.2;
    const r = (v: number) => Math.round(v * 1e5) / 1e5 + 0;
    const c = (re: number, im: number) => z(r(re), r(im));
    const div = (a: { re: number; im: number }, b: { re: number; im: number }) => {
      const d = b.re ** 2 + b.im ** 2;
      return z((a.re * b.re + a.im * b.im) / d, (a.im * b.re - a.re * b.im) / d);
    };
    const sin = z(Math.sin(x) * Math.cosh(y), Math.cos(x) * Math.sinh(y));
    const cos = z(Math.cos(x) * Math.cosh(y), -Math.sin(x) * Math.sinh(y));
    const sinh = z(Math.sinh(x) * Math.cos(y), Math.cosh(x) * Math.sin(y));
    const cosh = z(Math.cosh(x) * Math.cos(y), Math.sinh(x) * Math.sin(y));
    const v = () => mx.array([z(x, y)]);
    expect(near(mx.sin(v()))).toEqual([c(sin.re, sin.im)]);
    expect(near(mx.cos(v()))).toEqual([c(cos.re, cos.im)]);
    expect(near(mx.sinh(v()))).toEqual([c(sinh.re, sinh.im)]);
    expect(near(mx.cosh(v()))).toEqual([c(cosh.re, cosh.im)]);
    const tan = div(sin, cos), tanh = div(sinh, cosh);
    expect(near(mx.tan(v()))).toEqual([c(tan.re, tan.im)]);
    expect(near(mx.tanh(v()))).toEqual([c(tanh.re, tanh.im)]);
    // rsqrt(-4) = 1 / 2i = -0.5i; log2(2i) = 1 + i pi / (2 ln 2); log10(-10) = 1 + i pi / ln 10
    expect(near(mx.rsqrt(mx.array([z(-4, 0)])))).toEqual([z(0, -0.5)]);
    expect(near(mx.log2(mx.array([z(0, 2)])))).toEqual([c(1, Math.PI / 2 / Math.LN2)]);
    expect(near(mx.log10(mx.array([z(-10, 0)])))).toEqual([c(1, Math.PI / Math.LN10)]);
    expect(near(mx.reciprocal(mx.array([z(0, 2)])))).toEqual([z(0, -0.5)]);
  }));

  it("equal, notEqual, isnan", () => mx.tidy(() => {
    const x = mx.array([z(1, 2), z(1, 3), z(2, 2)]);
    expect(mx.equal(x, mx.array(z(1, 2))).tolist()).toEqual([true, false, false]);
    expect(mx.notEqual(x, mx.array(z(1, 2))).tolist()).toEqual([false, true, true]);
    expect(mx.equal(mx.array([z(2, 0)]), 2).tolist()).toEqual([true]);
    expect(mx.isnan(mx.array([z(NaN, 0), z(0, NaN), z(1, 1)])).tolist()).toEqual([true, true, false]);
  }));

  it("sum, mean, prod (odd lengths, axes, keepdims)", () => mx.tidy(() => {
    const x = mx.array([[z(1, 1), z(2, -1), z(0, 3)], [z(1, 0), z(0, 1), z(2, 2)]]);
    expect(mx.sum(x).item()).toEqual(z(6, 6));
    expect(mx.sum(x, 1).tolist()).toEqual([z(3, 3), z(3, 3)]);
    expect(mx.mean(x, 0).tolist()).toEqual([z(1, 0.5), z(1, 0), z(1, 2.5)]);
    // (1+1j)(2-1j)(3j) = (3+1j)(3j) = -3+9j; 1 * 1j * (2+2j) = -2+2j
    expect(mx.prod(x, 1).tolist()).toEqual([z(-3, 9), z(-2, 2)]);
    expect(mx.prod(x, 1, true).shape).toEqual([2, 1]);
    // (-3+9j)(-2+2j) = 6-6j-18j-18 = -12-24j
    expect(mx.prod(x).item()).toEqual(z(-12, -24));
    expect(mx.prod(x, 0).tolist()).toEqual([z(1, 1), z(1, 2), z(-6, 6)]);
    expect(mx.prod(mx.zeros([0], mx.complex64)).item()).toEqual(z(1, 0));
  }));

  it("matmul (4 real products), with a real operand too", () => mx.tidy(() => {
    const p = mx.array([[z(1, 1), z(0, 2)], [z(3, 0), z(1, -1)]]);
    const q = mx.array([[z(1, 0), z(2, 1)], [z(0, 1), z(1, 1)]]);
    // row 0: (1+1j)1 + 2j*1j = -1+1j ; (1+1j)(2+1j) + 2j(1+1j) = (1+3j) + (-2+2j) = -1+5j
    // row 1: 3 + (1-1j)1j = 4+1j ; 3(2+1j) + (1-1j)(1+1j) = 6+3j + 2 = 8+3j
    expect(mx.matmul(p, q).tolist()).toEqual([[z(-1, 1), z(-1, 5)], [z(4, 1), z(8, 3)]]);
    expect(mx.matmul(p, mx.array([1, 1])).tolist()).toEqual([z(1, 3), z(4, -1)]);
    expect(mx.tensordot(p, q, 1).tolist()).toEqual([[z(-1, 1), z(-1, 5)], [z(4, 1), z(8, 3)]]);
    expect(mx.einsum("ij,jk->ik", p, q).tolist()).toEqual([[z(-1, 1), z(-1, 5)], [z(4, 1), z(8, 3)]]);
  }));

  it("where picks complex values", () => mx.tidy(() => {
    expect(mx.where(mx.array([true, false]), a(), 0).tolist()).toEqual([z(1, 2), z(0, 0)]);
  }));
});

describe("complex64: layout ops move 8-byte elements", () => {
  it("reshape, transpose, slicing, concatenate, broadcast, stack, take", () => mx.tidy(() => {
    const x = mx.array([z(0, 10), z(1, 11), z(2, 12), z(3, 13), z(4, 14), z(5, 15)]).reshape([2, 3]);
    expect(x.T.tolist()).toEqual([[z(0, 10), z(3, 13)], [z(1, 11), z(4, 14)], [z(2, 12), z(5, 15)]]);
    expect(x.index(mx.slice(), mx.slice(null, null, -2)).tolist()).toEqual([[z(2, 12), z(0, 10)], [z(5, 15), z(3, 13)]]);
    expect(mx.concatenate([x, mx.ones([2, 1])], 1).index(0).tolist()).toEqual([z(0, 10), z(1, 11), z(2, 12), z(1, 0)]);
    expect(mx.broadcastTo(mx.array(z(1, -1)), [2]).tolist()).toEqual([z(1, -1), z(1, -1)]);
    expect(mx.stack([x.index(0), x.index(1)], 1).shape).toEqual([3, 2]);
    expect(mx.take(x.reshape([-1]), mx.array([5, 0], mx.int32)).tolist()).toEqual([z(5, 15), z(0, 10)]);
    expect(x.at(0, 1).set(mx.array(z(-1, -1))).index(0).tolist()).toEqual([z(0, 10), z(-1, -1), z(2, 12)]);
    // a non-contiguous view read back in row-major order
    expect(Array.from(x.T.reshape([-1]).dataSync() as Float32Array).slice(0, 4)).toEqual([0, 10, 3, 13]);
  }));
});

describe("complex64: ops without complex support", () => {
  it("throw tagged errors and leave the module usable", () => {
    const a = mx.array([z(1, 2)]);
    expect(() => mx.arcsin(a)).toThrowError("[arcsin] complex64 is not supported.");
    expect(() => mx.sigmoid(a)).toThrowError("[sigmoid] complex64 is not supported.");
    expect(() => mx.maximum(a, a)).toThrowError("[maximum] complex64 is not supported.");
    expect(() => mx.less(a, a)).toThrowError("[less] complex64 is not supported.");
    expect(() => mx.max(a)).toThrowError("[max] complex64 is not supported.");
    expect(() => mx.argmax(a)).toThrowError("[argmax] complex64 is not supported.");
    expect(() => mx.floor(a)).toThrowError("[floor] complex64 is not supported.");
    expect(() => mx.cumsum(a)).toThrowError("[cumsum] complex64 is not supported.");
    expect(() => mx.sort(a)).toThrowError("[sort] complex64 is not supported.");
    expect(() => mx.logaddexp(a, a)).toThrowError("[logaddexp] complex64 is not supported.");
    expect(() => mx.power(a, 2)).toThrowError("[power] complex64 is not supported.");
    expect(mx.add(a, 1).tolist()).toEqual([z(2, 2)]);
    a.dispose();
  });
});

// Vectorised float32 math on f32x4 (see simd.h): exp, log, tanh, sigmoid.
// Range reduction + minimax polynomials (Cephes' coefficients), a few ulp
// from the correctly rounded result over the whole float range; inf, nan,
// overflow, underflow to denormals and denormal inputs behave as std::.
// No float -> int conversions: exponents are moved through the bits, so
// every lane is well defined whatever it holds (nan included).
#pragma once
#include <cstdint>

#include "kernels/simd.h"

namespace wmx::simd {

typedef int32_t i32x4 __attribute__((vector_size(16)));

inline i32x4 as_i(f32x4 v) { return (i32x4)v; }  // bit casts
inline f32x4 as_f(i32x4 v) { return (f32x4)v; }
inline i32x4 splat_i(int32_t x) { return i32x4{x, x, x, x}; }
// Lanes of a where mask is all ones, else lanes of b (m comes from a vector comparison).
inline f32x4 select(i32x4 m, f32x4 a, f32x4 b) { return as_f((m & as_i(a)) | (~m & as_i(b))); }
inline f32x4 vabs(f32x4 x) { return as_f(as_i(x) & splat_i(0x7fffffff)); }
inline f32x4 to_float(i32x4 v) { return __builtin_convertvector(v, f32x4); }

// e^(x - n ln 2) for the n nearest x / ln 2: Cody-Waite reduction (ln 2 in
// two parts) and a degree-6 polynomial. vexp and the row kernels' exp for
// non-positive arguments (kernels/rows.h) differ only in how they scale by 2^n.
inline f32x4 exp_reduced(f32x4 x, f32x4 n) {
  f32x4 r = x - n * splat(0.693359375f);
  r = r - n * splat(-2.12194440e-4f);
  const f32x4 z = r * r;
  f32x4 p = splat(1.9875691500e-4f);
  p = p * r + splat(1.3981999507e-3f);
  p = p * r + splat(8.3334519073e-3f);
  p = p * r + splat(4.1665795894e-2f);
  p = p * r + splat(1.6666665459e-1f);
  p = p * r + splat(5.0000001201e-1f);
  return p * z + r + splat(1.0f);
}

// e^x. |x| beyond the representable range saturates to inf / 0 (through
// denormals, rounded once).
inline f32x4 vexp(f32x4 x) {
  x = select(x > splat(90.0f), splat(90.0f), x);  // nan compares false: kept
  x = select(x < splat(-110.0f), splat(-110.0f), x);
  // n = round(x / ln 2) by the 1.5 * 2^23 trick; its integer sits in t's low bits.
  const f32x4 magic = splat(12582912.0f);
  const f32x4 t = x * splat(1.44269504088896341f) + magic;
  const f32x4 n = t - magic;
  const i32x4 ni = as_i(t) - as_i(magic);
  f32x4 y = exp_reduced(x, n);
  // y * 2^n as two exact power-of-two factors, so results in the denormal
  // range round once and 2^n itself never leaves the normal range.
  const i32x4 n1 = ni >> 1, n2 = ni - n1;
  y = y * as_f((n1 + 127) << 23);
  return y * as_f((n2 + 127) << 23);
}

// Natural log. log(0) = -inf, log(x < 0) = nan, log(inf) = inf.
inline f32x4 vlog(f32x4 x) {
  const i32x4 den = x < splat(1.17549435e-38f);  // denormals (and <= 0, fixed below)
  const f32x4 xs = select(den, x * splat(8388608.0f), x);
  const i32x4 bits = as_i(xs);
  i32x4 e = ((bits >> 23) & splat_i(0xff)) - splat_i(126) - (den & splat_i(23));
  f32x4 m = as_f((bits & splat_i(0x007fffff)) | splat_i(0x3f000000));  // [0.5, 1)
  const i32x4 small = m < splat(0.707106781186547524f);
  e = e + small;  // small lanes are -1
  m = select(small, m + m, m) - splat(1.0f);  // m in [sqrt(1/2) - 1, sqrt(2) - 1)
  const f32x4 ef = to_float(e);
  const f32x4 z = m * m;
  f32x4 p = splat(7.0376836292e-2f);
  p = p * m + splat(-1.1514610310e-1f);
  p = p * m + splat(1.1676998740e-1f);
  p = p * m + splat(-1.2420140846e-1f);
  p = p * m + splat(1.4249322787e-1f);
  p = p * m + splat(-1.6668057665e-1f);
  p = p * m + splat(2.0000714765e-1f);
  p = p * m + splat(-2.4999993993e-1f);
  p = p * m + splat(3.3333331174e-1f);
  f32x4 y = p * m * z;
  y = y + ef * splat(-2.12194440e-4f);
  y = y - splat(0.5f) * z;
  f32x4 res = m + y;
  res = res + ef * splat(0.693359375f);
  const f32x4 inf = splat(__builtin_inff());
  res = select(x == splat(0.0f), -inf, res);
  res = select((x < splat(0.0f)) | (x != x), splat(__builtin_nanf("")), res);
  return select(x == inf, inf, res);
}

// tanh: an odd polynomial below |x| = 0.625, 1 - 2 / (e^2|x| + 1) above.
inline f32x4 vtanh(f32x4 x) {
  const f32x4 a = vabs(x);
  const f32x4 z = x * x;
  f32x4 p = splat(-5.70498872745e-3f);
  p = p * z + splat(2.06390887954e-2f);
  p = p * z + splat(-5.37397155531e-2f);
  p = p * z + splat(1.33314422036e-1f);
  p = p * z + splat(-3.33332819422e-1f);
  const f32x4 small = p * z * x + x;
  f32x4 big = splat(1.0f) - splat(2.0f) / (vexp(a + a) + splat(1.0f));
  big = as_f(as_i(big) | (as_i(x) & splat_i(int32_t(0x80000000u))));  // copysign
  return select(a < splat(0.625f), small, big);
}

// 1 / (1 + e^-x), written as e^x / (1 + e^x) for x < 0 so tiny results keep
// their precision (down to denormals) instead of flushing.
inline f32x4 vsigmoid(f32x4 x) {
  const f32x4 e = vexp(-vabs(x));
  const f32x4 d = splat(1.0f) + e;
  return select(x < splat(0.0f), e / d, splat(1.0f) / d);
}

}  // namespace wmx::simd

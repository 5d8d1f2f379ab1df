// Vectorised float32 sin and cos on f32x4: x - q pi/2 for the nearest q,
// then float minimax polynomials on [-pi/4, pi/4]. Up to |x| = 4096 the
// reduction is in float with pi/2 in five parts (each q * part exact, and
// each difference exact where it cancels); up to 2^17 in double with pi/2 in
// two parts; both are exact enough even for the floats nearest a multiple of
// pi/2. Lanes beyond 2^17 (and inf, NaN) take std::sin / std::cos in
// double, one lane at a time: rare in practice.
#pragma once
#include <cmath>

#include "backend/cpu/kernels/vmath.h"

namespace wmx::simd {

namespace trig {

// sin(r) and cos(r) for |r| <= pi/4 as one evaluation, a + a z p(z) with
// z = r^2: a = r and p a fit of (sin(r) - r) / r^3 in sin lanes, a = 1 and p
// a fit of (cos(r) - 1) / r^2 in cos lanes, both degree-3 minimax fits
// (relative truncation error under 7e-11). The coefficients are picked per
// lane, so a vector whose lanes fall in different quadrants needs one
// polynomial rather than a sin and a cos evaluated in full and a select: a
// fifth fewer operations than that, for the same accuracy.
// With KeepNegZero, r = -0 gives -0: a + a z p is -0 + +0 there (p < 0 in
// sin lanes), and elsewhere its sign is already a's, so a's sign bit is
// or-ed in (two instructions where a select on x == 0 is four).
template <bool KeepNegZero>
inline f32x4 sin_or_cos_poly(f32x4 r, i32x4 cos_lanes) {
  const f32x4 z = r * r;
  // s + (c - s) in cos lanes: an and and an add where a select is three
  // instructions once V8 lowers it. c - s is rounded to float, so a cos
  // coefficient may be off by an ulp, which moves no result (the bounds
  // test checks it).
  auto coef = [&](float c, float s) { return splat(s) + as_f(cos_lanes & as_i(splat(float(double(c) - double(s))))); };
  f32x4 p = coef(2.4382719857e-05f, 2.7180462894e-06f);
  p = p * z + coef(-1.3886672677e-03f, -1.9839304150e-04f);
  p = p * z + coef(4.1666619480e-02f, 8.3333291113e-03f);
  p = p * z + coef(-0.5f, -1.6666667163e-01f);
  const f32x4 a = select(cos_lanes, splat(1.0f), r);
  const f32x4 y = a + a * (z * p);
  if constexpr (KeepNegZero) return as_f(as_i(y) | (as_i(a) & splat_i(int32_t(0x80000000u))));
  return y;
}

constexpr float kFloatLimit = 4096.0f;
constexpr float kFastLimit = 131072.0f;  // 2^17

// Lanes that the float reduction doesn't serve: |x| > 4096 (it gives NaN
// for inf and NaN, as it should). The array kernels test blocks with it.
inline i32x4 beyond_float(f32x4 x) { return vabs(x) > splat(kFloatLimit); }

// sin(q pi/2 + r) for the quadrant q (plus `Shift` quarter turns: 0 sin, 1 cos).
template <int Shift>
inline f32x4 quadrant(f32x4 r, i32x4 q) {
  q = q + splat_i(Shift);
  // quadrant q: sin, cos, -sin, -cos
  // odd quadrants take the cos polynomial: bit 0 of q spread over the lane
  // (sin keeps -0; cos never meets r = -0: x is never a float multiple of pi / 2 but 0)
  const f32x4 y = sin_or_cos_poly<Shift == 0>(r, (q << 31) >> 31);
  return as_f(as_i(y) ^ ((q & splat_i(2)) << 30));
}

// |x| <= 4096: q < 2^12, so q times each 12-bit part of pi/2 is exact, and
// a difference that cancels lands on its operands' grid, so it is exact too;
// the one that may round keeps its error.
template <int Shift>
inline f32x4 sin_shifted_float(f32x4 x) {
  const f32x4 magic = splat(12582912.0f);  // 1.5 * 2^23: q in t's low bits
  const f32x4 t = x * splat(0.636619772f) + magic;
  const f32x4 q = t - magic;
  f32x4 r = x - q * splat(1.5703125f);
  r = r - q * splat(4.8375129699707031e-04f);
  // r - q * part3 as hi + lo (hi rounded, lo its exact error), then the
  // last two parts (under 1e-8 in all) into lo: r rounds once, at the end.
  const f32x4 p3 = q * splat(7.5495336204767227e-08f);
  const f32x4 hi = r - p3;
  const f32x4 lo = (r - hi) - p3;
  // hi - (t - lo), not hi + (lo - t): the same value, and x = -0 leaves r = -0
  // (hi is -0, and -0 + +0 would be +0), which the polynomial keeps.
  r = hi - ((q * splat(2.5632829192545614e-12f) + q * splat(6.1232342629258393e-17f)) - lo);
  return quadrant<Shift>(r, as_i(t));
}

// sin(x + Shift pi/2), |x| <= 2^17, the argument reduced in double.
template <int Shift>
inline f32x4 sin_shifted_double(f32x4 x) {
  // r = x - q pi/2 in double, two lanes at a time; q = round(x 2/pi) by
  // the 1.5 * 2^52 trick, its integer in the low bits of t.
  const f64x2 magic = {6755399441055744.0, 6755399441055744.0};
  const f64x2 two_over_pi = {0.63661977236758134, 0.63661977236758134};
  const f64x2 pio2_1 = {1.57079632673412561417e+00, 1.57079632673412561417e+00};  // 33 bits
  const f64x2 pio2_1t = {6.07710050650619224932e-11, 6.07710050650619224932e-11};
  const f64x2 x0 = __builtin_convertvector(__builtin_shufflevector(x, x, 0, 1), f64x2);
  const f64x2 x1 = __builtin_convertvector(__builtin_shufflevector(x, x, 2, 3), f64x2);
  const f64x2 t0 = x0 * two_over_pi + magic, t1 = x1 * two_over_pi + magic;
  const f64x2 q0 = t0 - magic, q1 = t1 - magic;
  const f64x2 r0 = (x0 - q0 * pio2_1) - q0 * pio2_1t, r1 = (x1 - q1 * pio2_1) - q1 * pio2_1t;
  typedef float f32x2 __attribute__((vector_size(8)));
  const f32x2 rf0 = __builtin_convertvector(r0, f32x2), rf1 = __builtin_convertvector(r1, f32x2);
  const f32x4 r = __builtin_shufflevector(rf0, rf1, 0, 1, 2, 3);
  return quadrant<Shift>(r, __builtin_shufflevector((i32x4)t0, (i32x4)t1, 0, 2, 4, 6));
}

// Lanes with |x| > 2^17, inf or NaN from std:: in double.
template <int Shift>
inline f32x4 sin_lanes(f32x4 x, f32x4 y) {
  for (int k = 0; k < 4; ++k)
    if (!(std::fabs(x[k]) <= kFastLimit)) y[k] = float(Shift ? std::cos(double(x[k])) : std::sin(double(x[k])));
  return y;
}

// sin(x + Shift pi/2): the float reduction when every lane allows it.
template <int Shift>
inline f32x4 sin_shifted(f32x4 x) {
  if (any(beyond_float(x))) [[unlikely]] {
    f32x4 y = sin_shifted_double<Shift>(x);
    if (any(~(vabs(x) <= splat(kFastLimit)))) y = sin_lanes<Shift>(x, y);
    return y;
  }
  return sin_shifted_float<Shift>(x);
}

}  // namespace trig

// -0 stays -0 through the float reduction (see sin_shifted_float), not
// through the double one, which only lanes beyond 4096 take: a vector mixing
// such a lane with -0 keeps the -0 by a select. (Other tiny x come through
// as x: below 2^-12 the reduction leaves r = x and the polynomial's x^3 / 6
// is under half an ulp of x.)
inline f32x4 vsin_small(f32x4 x, f32x4 y) { return select(x == splat(0.0f), x, y); }

inline f32x4 vsin(f32x4 x) { return vsin_small(x, trig::sin_shifted<0>(x)); }
inline f32x4 vsin_normal(f32x4 x) { return trig::sin_shifted_float<0>(x); }

inline f32x4 vcos(f32x4 x) { return trig::sin_shifted<1>(x); }
inline f32x4 vcos_normal(f32x4 x) { return trig::sin_shifted_float<1>(x); }

}  // namespace wmx::simd

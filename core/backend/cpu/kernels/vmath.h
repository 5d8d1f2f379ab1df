// Vectorised float32 math on f32x4 (see simd.h): exp, expm1, log, log1p,
// tanh, sigmoid, erf (sin and cos are in vtrig.h). Range reduction +
// minimax polynomials, a few ulp from the correctly rounded result over the
// whole float range (the bounds are asserted by core/tests/test_vmath.cpp);
// inf, nan, overflow, underflow to denormals and denormal inputs behave as
// std::. No float -> int conversions: exponents are moved through the bits,
// so every lane is well defined whatever it holds (nan included).
#pragma once
#include <cstdint>

#include "backend/cpu/kernels/simd.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace wmx::simd {

typedef int32_t i32x4 __attribute__((vector_size(16)));

inline i32x4 as_i(f32x4 v) { return (i32x4)v; }  // bit casts
inline f32x4 as_f(i32x4 v) { return (f32x4)v; }
inline i32x4 splat_i(int32_t x) { return i32x4{x, x, x, x}; }
// Lanes of a where mask is all ones, else lanes of b (m comes from a vector comparison).
inline f32x4 select(i32x4 m, f32x4 a, f32x4 b) { return as_f((m & as_i(a)) | (~m & as_i(b))); }
inline f32x4 vabs(f32x4 x) { return as_f(as_i(x) & splat_i(0x7fffffff)); }
inline f32x4 to_float(i32x4 v) { return __builtin_convertvector(v, f32x4); }
// |m| with x's sign bit (m non-negative).
inline f32x4 copysign(f32x4 m, f32x4 x) { return as_f(as_i(m) | (as_i(x) & splat_i(int32_t(0x80000000u)))); }
// Whether any lane of a comparison mask is set: the kernels' rare-case branches.
inline bool any(i32x4 m) {
#ifdef __wasm_simd128__
  return wasm_v128_any_true((v128_t)m);
#else
  return (m[0] | m[1] | m[2] | m[3]) != 0;
#endif
}
// b < a ? b : a and a < b ? b : a: one instruction each in wasm (f32x4.min
// and max propagate NaN and order zeros, which V8 lowers to about eight).
// A NaN in a is kept, so pmin(x, c) and pmax(x, c) clamp x and keep NaN.
inline f32x4 pmin(f32x4 a, f32x4 b) {
#ifdef __wasm_simd128__
  return (f32x4)wasm_f32x4_pmin((v128_t)a, (v128_t)b);
#else
  return select(b < a, b, a);
#endif
}
inline f32x4 pmax(f32x4 a, f32x4 b) {
#ifdef __wasm_simd128__
  return (f32x4)wasm_f32x4_pmax((v128_t)a, (v128_t)b);
#else
  return select(a < b, b, a);
#endif
}

// x - n ln 2 by Cody-Waite (ln 2 in two parts, the first exact in n * it).
inline f32x4 reduce_ln2(f32x4 x, f32x4 n) {
  const f32x4 r = x - n * splat(0.693359375f);
  return r - n * splat(-2.12194440e-4f);
}

// e^r - 1 for |r| <= ln 2 / 2: r + r^2 q(r), q a degree-4 minimax fit
// (0.05 ulp of truncation error), evaluated in two halves for a short
// dependency chain.
inline f32x4 expm1_poly(f32x4 r) {
  const f32x4 z = r * r;
  const f32x4 lo = splat(4.999999404e-1f) + splat(1.666652113e-1f) * r;
  const f32x4 hi = splat(4.166838899e-2f) + splat(8.368710056e-3f) * r + splat(1.381461276e-3f) * z;
  return (lo + hi * z) * z + r;
}

// e^(x - n ln 2) for the n nearest x / ln 2. vexp and the row kernels' exp
// for non-positive arguments (kernels/rows.h) differ only in how they scale by 2^n.
inline f32x4 exp_reduced(f32x4 x, f32x4 n) { return expm1_poly(reduce_ln2(x, n)) + splat(1.0f); }

// 1.5 * 2^23 + 127: x / ln 2 + this keeps n + 127, the biased exponent of
// 2^n, in its low bits, for the n nearest x / ln 2 (|x| < 2^22).
constexpr float kExpMagic = 12583039.0f;

// e^x for |x| <= 87, where 2^n is one normal power of two.
inline f32x4 vexp_normal(f32x4 x) {
  const f32x4 t = x * splat(1.44269504088896341f) + splat(kExpMagic);
  const f32x4 n = t - splat(kExpMagic);
  return exp_reduced(x, n) * as_f(as_i(t) << 23);
}

// e^x anywhere: saturates to inf / 0, results in the denormal range round
// once. y * 2^n as two exact power-of-two factors, so 2^n itself never
// leaves the normal range.
inline f32x4 vexp_wide(f32x4 x) {
  x = pmax(pmin(x, splat(90.0f)), splat(-110.0f));
  const f32x4 magic = splat(12582912.0f);  // 1.5 * 2^23: round to an integer
  const f32x4 t = x * splat(1.44269504088896341f) + magic;
  const f32x4 n = t - magic;
  const i32x4 ni = as_i(t) - as_i(magic);
  const i32x4 n1 = ni >> 1, n2 = ni - n1;
  return exp_reduced(x, n) * as_f((n1 + 127) << 23) * as_f((n2 + 127) << 23);
}

// Lanes that vexp_normal doesn't serve: beyond +-87 (overflow, denormal
// results). Each function with a short path has such a `_rare` test, so
// that the array kernels can test a whole block once and run the short path
// without a branch per vector (kernels/unary.cpp): the branch cost 20-35%.
inline i32x4 vexp_rare(f32x4 x) { return vabs(x) > splat(87.0f); }

// e^x: the short path unless a lane is rare.
inline f32x4 vexp(f32x4 x) {
  if (any(vexp_rare(x))) [[unlikely]]
    return vexp_wide(x);
  return vexp_normal(x);
}

// e^x - 1, as 2^n (e^r - 1) + (2^n - 1): both terms exact but for e^r - 1,
// so no cancellation near 0. Beyond +-80 it is e^x or -1 in float.
inline f32x4 vexpm1(f32x4 x) {
  const f32x4 xc = pmax(pmin(x, splat(80.0f)), splat(-80.0f));
  const f32x4 t = xc * splat(1.44269504088896341f) + splat(kExpMagic);
  const f32x4 n = t - splat(kExpMagic);
  const f32x4 s = as_f(as_i(t) << 23);
  f32x4 y = s * expm1_poly(reduce_ln2(xc, n)) + (s - splat(1.0f));
  y = select(x == splat(0.0f), x, y);  // -0 stays -0
  if (any(vabs(x) > splat(80.0f))) [[unlikely]] {
    y = select(x > splat(80.0f), vexp(x), y);
    y = select(x < splat(-80.0f), splat(-1.0f), y);
  }
  return y;
}

// log of x > 0 finite, x given as xs * 2^-shift (shift: 23 for denormal
// lanes scaled up by 2^23, else 0): m 2^e with m in [sqrt(1/2), sqrt(2)),
// f = m - 1. log(1 + f) = 2 atanh(s) with s = f / (2 + f), |s| < 0.172, so
// 2 atanh(s) = 2s + s R(s^2) with R a degree-3 minimax fit (error 5e-9,
// 0.04 of a half ulp of the result). Written through the identity
// 2s = f - s f as f - (f^2/2 - s (f^2/2 + R)), so the large terms f and
// f^2/2 are exact-ish and only small ones round; e ln 2 is added in two
// parts. One division replaces the degree-9 polynomial in f this used to
// be: 37% faster, at most 0.84 ulp over every normal float.
inline f32x4 log_parts(f32x4 xs, i32x4 shift) {
  const i32x4 bits = as_i(xs);
  i32x4 e = ((bits >> 23) & splat_i(0xff)) - splat_i(126) - shift;
  f32x4 m = as_f((bits & splat_i(0x007fffff)) | splat_i(0x3f000000));  // [0.5, 1)
  const i32x4 small = m < splat(0.707106781186547524f);
  e = e + small;  // small lanes are -1
  const f32x4 f = select(small, m + m, m) - splat(1.0f);  // [sqrt(1/2) - 1, sqrt(2) - 1)
  const f32x4 ef = to_float(e);
  const f32x4 s = f / (splat(2.0f) + f);
  const f32x4 z = s * s;
  const f32x4 r = z * (splat(6.666668653488159e-1f) + z * (splat(3.9988747239112854e-1f) + z * splat(2.9581117630004883e-1f)));
  const f32x4 hfsq = splat(0.5f) * f * f;
  return ef * splat(0.693359375f) + (f - (hfsq - (s * (hfsq + r) + ef * splat(-2.12194440e-4f))));
}

// Natural log anywhere. log(0) = -inf, log(x < 0) = nan, log(inf) = inf.
inline f32x4 vlog_wide(f32x4 x) {
  const i32x4 den = x < splat(1.17549435e-38f);  // denormals (and <= 0, fixed below)
  f32x4 res = log_parts(select(den, x * splat(8388608.0f), x), den & splat_i(23));
  const f32x4 inf = splat(__builtin_inff());
  res = select(x == splat(0.0f), -inf, res);
  res = select((x < splat(0.0f)) | (x != x), splat(__builtin_nanf("")), res);
  return select(x == inf, inf, res);
}

// Lanes that the short path of log doesn't serve: not a positive normal float.
inline i32x4 vlog_rare(f32x4 x) { return ~((x >= splat(1.17549435e-38f)) & (x < splat(__builtin_inff()))); }
inline f32x4 vlog_normal(f32x4 x) { return log_parts(x, splat_i(0)); }

// Natural log: the short path unless a lane is rare.
inline f32x4 vlog(f32x4 x) {
  if (any(vlog_rare(x))) [[unlikely]]
    return vlog_wide(x);
  return vlog_normal(x);
}

// log(1 + x): log(u) for u = 1 + x rounded, plus the rounding error of u
// to first order ((x - (u - 1)) / u), so small x keep their precision.
// The short path (vlog1p_normal) serves lanes where u is a positive normal
// float, as vlog_normal does: the rare lanes are those where vlog_rare(1 + x).
inline f32x4 log1p_corrected(f32x4 x, f32x4 u, f32x4 l) {
  return select(x == splat(0.0f), x, l + (x - (u - splat(1.0f))) / u);  // -0 stays -0
}
inline f32x4 vlog1p_normal(f32x4 x) {
  const f32x4 u = splat(1.0f) + x;
  return log1p_corrected(x, u, vlog_normal(u));
}
inline f32x4 vlog1p(f32x4 x) {
  const f32x4 u = splat(1.0f) + x;
  const f32x4 l = vlog(u);
  // u = 0 (x = -1) or inf: the correction would be 0 / 0 or inf / inf.
  return select((u == splat(0.0f)) | (u == splat(__builtin_inff())), l, log1p_corrected(x, u, l));
}

// tanh(|x|) = e / (e + 2) with e = e^2|x| - 1, the sign copied from x. One
// branch-free path: expm1's form keeps small |x| precise (no polynomial
// branch beside the exp to evaluate and select from), and from |x| = 10 on
// tanh is 1 in float, so clamping there keeps e finite and 2|x| where 2^n
// needs no range checks.
inline f32x4 vtanh(f32x4 x) {
  f32x4 a2 = pmin(vabs(x), splat(10.0f));  // NaN kept
  a2 = a2 + a2;
  const f32x4 t = a2 * splat(1.44269504088896341f) + splat(kExpMagic);
  const f32x4 n = t - splat(kExpMagic);
  const f32x4 s = as_f(as_i(t) << 23);
  const f32x4 e = s * expm1_poly(reduce_ln2(a2, n)) + (s - splat(1.0f));
  // e / (e + 2) costs e's error plus two roundings (at most 2.62 ulp, near
  // |x| = 0.06). Writing it as h - h^2 / (1 + h) below 0.75 (h = e / 2) and
  // 1 - 1 / (1 + h) above brought that to 2.06 ulp but cost 40% in time.
  return copysign(e / (e + splat(2.0f)), x);
}

// 1 / (1 + e^-x), written as e^x / (1 + e^x) for x < 0 so tiny results keep
// their precision (down to denormals) instead of flushing. Exp is the one
// function with a short path.
template <f32x4 (*Exp)(f32x4) = vexp>
inline f32x4 vsigmoid(f32x4 x) {
  const f32x4 e = Exp(-vabs(x));
  const f32x4 d = splat(1.0f) + e;
  return select(x < splat(0.0f), e / d, splat(1.0f) / d);
}

// erf: x p(x^2) below |x| = 1 (p a degree-6 minimax fit of erf(x) / x);
// above, 1 - e^q(|x| - 2.5) with q a degree-8 fit of log(erfc) on [1, 3.93];
// from 3.93 on erf is 1 in float. The polynomials' high terms go by
// Estrin's scheme: Horner's chain of 16 dependent operations kept the
// kernel waiting on latency (erf took 3.6x exp's time over 16M floats,
// now 2.6-2.8x).
inline f32x4 verf_small(f32x4 x) {
  // The two lowest terms by Horner (one rounding on the large ones), the rest by Estrin.
  const f32x4 z = x * x, z2 = z * z;
  const f32x4 p23 = splat(1.128358543e-01f) + splat(-2.685381286e-02f) * z;
  const f32x4 p45 = splat(5.188327748e-03f) + splat(-8.010193706e-04f) * z;
  const f32x4 p26 = p23 + (p45 + splat(7.853861462e-05f) * z2) * z2;
  return x * (splat(1.128379107e+00f) + (splat(-3.761262596e-01f) + p26 * z) * z);
}
// erf(x) for |x| = a >= 1 (NaN lanes give NaN). Past 3.93 the argument is
// held at 4, where e^q is below a quarter ulp of 1: the result is 1 exactly.
inline f32x4 verf_large(f32x4 x, f32x4 a) {
  const f32x4 u = pmin(a, splat(4.0f)) - splat(2.5f), u2 = u * u, u4 = u2 * u2;
  const f32x4 q01 = splat(-7.806815147e+00f) + splat(-5.352680683e+00f) * u;
  const f32x4 q23 = splat(-9.438936710e-01f) + splat(-1.085843146e-02f) * u;
  const f32x4 q45 = splat(2.165208803e-03f) + splat(-4.202368727e-04f) * u;
  const f32x4 q67 = splat(7.734681276e-05f) + splat(-1.328159397e-05f) * u;
  const f32x4 q48 = (q45 + q67 * u2) + splat(1.628040650e-06f) * u4;
  const f32x4 q = (q01 + q23 * u2) + q48 * u4;
  return copysign(splat(1.0f) - vexp_normal(q), x);  // q in [-18, -1.8]
}
// Both polynomials and a select, no branch: arguments in no particular
// order (a GELU's activations) mix the two sides within most vectors, and a
// branch per side mispredicted often enough to cost 40% more.
inline f32x4 verf(f32x4 x) {
  const f32x4 a = vabs(x);
  return select(a < splat(1.0f), verf_small(x), verf_large(x, a));
}

}  // namespace wmx::simd

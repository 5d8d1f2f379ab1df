// One-row float32 kernels for softmax, log_softmax and logsumexp over a
// contiguous row. A row is read from memory once (the max pass); the exp/sum
// pass and the final scale then find it in cache, so a row costs about one
// read and one write of memory instead of the five full passes of the
// composed max/subtract/exp/sum/divide graph.
//
// Special values follow the composed definitions exactly: a NaN anywhere
// makes the whole row NaN; a row whose max is +inf or -inf
// goes through exp(inf - inf) = NaN in softmax, while log_softmax and
// logsumexp take the max itself as the logsumexp (so logsumexp([-inf, -inf])
// is -inf and logsumexp([inf, 1]) is inf, as numpy and MLX give).
#pragma once
#include <cmath>
#include <cstdint>

#include "backend/cpu/kernels/simd.h"
#include "backend/cpu/kernels/vmath.h"

#ifdef __wasm_simd128__
#include <wasm_simd128.h>
#endif

namespace wmx::rows {

using simd::f32x4;

// lanes of m where m >= v or m is NaN, else v: one maxps-like instruction
// (wasm's NaN-propagating f32x4.max lowers to several), at the price of
// skipping NaNs in v; see row_max_f32.
inline f32x4 pmax(f32x4 m, f32x4 v) {
#ifdef __wasm_simd128__
  return (f32x4)wasm_f32x4_pmax((v128_t)m, (v128_t)v);
#else
  return simd::select(m < v, v, m);
#endif
}

// The shift for a row x[0, n), n >= 1: its max when it holds no NaN. With a
// NaN the value may be the max of the other elements, which gives the same
// results, because exp(NaN - max) then turns the sum, and so the row, to NaN.
// Only an infinite max skips that exp pass (it is the logsumexp itself), so
// an infinite result is checked for NaNs, which must win.
inline float row_max_f32(const float* x, int64_t n) {
  int64_t i = 0;
  float m = x[0];
  if (n >= 16) {  // four chains: the loop runs at load speed
    f32x4 a = simd::load(x), b = simd::load(x + 4), c = simd::load(x + 8), d = simd::load(x + 12);
    for (i = 16; i + 16 <= n; i += 16) {
      a = pmax(a, simd::load(x + i));
      b = pmax(b, simd::load(x + i + 4));
      c = pmax(c, simd::load(x + i + 8));
      d = pmax(d, simd::load(x + i + 12));
    }
    a = pmax(pmax(a, b), pmax(c, d));
    m = a[0];
    for (int k = 1; k < 4; ++k) m = (m != m || m >= a[k]) ? m : a[k];
  }
  for (; i < n; ++i) m = (m != m || m >= x[i]) ? m : x[i];
  if (std::isinf(m))
    for (i = 0; i < n; ++i)
      if (x[i] != x[i]) return x[i];
  return m;
}

// e^x for x <= 0, -inf or NaN: the arguments x - max of a row. vexp's range
// reduction with a shorter polynomial and without what this domain never
// needs: e^r = 1 + r + r^2 q(r) with q a degree-3 minimax fit (relative
// truncation error 1.03e-7; at most 2.26 ulp over every float in [-87, 0],
// against vexp's 1 ulp), no upper clamp, and 2^n built from the rounding
// constant's bits, because results below e^-87 (under 1.7e-38, subnormal)
// flush to 0 with one and-not. About 20 operations a vector instead of 40:
// exp is what bounds these kernels.
inline f32x4 vexp_nonpos(f32x4 x) {
  using namespace simd;
  // 1.5 * 2^23 + 127: t's low bits hold n + 127, the biased exponent of 2^n.
  const f32x4 magic = splat(12583039.0f);
  const f32x4 t = x * splat(1.44269504088896341f) + magic;
  const f32x4 n = t - magic;
  const f32x4 s = as_f(as_i(t) << 23);  // 2^n, valid for n >= -126
  const f32x4 r = reduce_ln2(x, n);
  f32x4 q = splat(8.314719423651695e-3f);
  q = q * r + splat(4.1890207678079605e-2f);
  q = q * r + splat(1.6667090356349945e-1f);
  q = q * r + splat(4.99992311000824e-1f);
  const f32x4 y = ((r * r) * q + r) * s + s;
  // Lanes below the cutoff (-inf too) become +0; NaN compares false: kept.
  return as_f(as_i(y) & ~(x < splat(-87.0f)));
}

// sum of exp(x[i] - m) over [0, n); with Store, each exp also goes to e[i]
// (e may be x: each element is read before it is written). m is the row's
// max, so every argument is <= 0 (or NaN / -inf when m is not finite).
template <bool Store>
inline float sum_exp_f32(const float* x, float m, float* e, int64_t n) {
  const f32x4 mv = simd::splat(m);
  // One vector an iteration: exp's arithmetic bounds the loop (two chains
  // unrolled measured no faster), and the tail stays short.
  f32x4 s0 = simd::splat(0.0f);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    f32x4 e0 = vexp_nonpos(simd::load(x + i) - mv);
    if constexpr (Store) simd::store(e + i, e0);
    s0 += e0;
  }
  float s = simd::hsum(s0);
  if (i < n) {  // the tail through the same vexp, so every element rounds alike
    float tmp[4] = {m, m, m, m};
    for (int64_t k = i; k < n; ++k) tmp[k - i] = x[k];
    f32x4 et = vexp_nonpos(simd::load(tmp) - mv);
    for (int64_t k = i; k < n; ++k) {
      if constexpr (Store) e[k] = et[k - i];
      s += et[k - i];
    }
  }
  return s;
}

// y[i] = x[i] * a + b over [0, n) (y may be x).
inline void affine_f32(const float* x, float a, float b, float* y, int64_t n) {
  const f32x4 av = simd::splat(a), bv = simd::splat(b);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) simd::store(y + i, simd::load(x + i) * av + bv);
  for (; i < n; ++i) y[i] = x[i] * a + b;
}

// y[i] = x[i] * a over [0, n) (y may be x): softmax's last pass, without
// affine's add of zero.
inline void scale_f32(const float* x, float a, float* y, int64_t n) {
  const f32x4 av = simd::splat(a);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) simd::store(y + i, simd::load(x + i) * av);
  for (; i < n; ++i) y[i] = x[i] * a;
}

// y = exp(x - max) / sum(exp(x - max)); y may be x.
inline void softmax_f32(const float* x, float* y, int64_t n) {
  const float m = row_max_f32(x, n);
  const float s = sum_exp_f32<true>(x, m, y, n);
  scale_f32(y, 1.0f / s, y, n);
}

// log(sum(exp(x))), shifted by the max; an infinite (or NaN) max is the answer.
inline float logsumexp_f32(const float* x, int64_t n) {
  const float m = row_max_f32(x, n);
  if (!std::isfinite(m)) return m;
  return m + std::log(sum_exp_f32<false>(x, m, nullptr, n));
}

// y = x - logsumexp(x), as (x - max) - log(sum) for a finite max, which
// keeps the small differences x - max exact; y may be x.
inline void log_softmax_f32(const float* x, float* y, int64_t n) {
  const float m = row_max_f32(x, n);
  if (!std::isfinite(m)) {
    affine_f32(x, 1.0f, -m, y, n);  // x - inf or x - NaN: what x - logsumexp gives
    return;
  }
  const float l = std::log(sum_exp_f32<false>(x, m, nullptr, n));
  const f32x4 mv = simd::splat(m), lv = simd::splat(l);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) simd::store(y + i, (simd::load(x + i) - mv) - lv);
  for (; i < n; ++i) y[i] = (x[i] - m) - l;
}

}  // namespace wmx::rows

// One-row float32 kernels for rms_norm and layer_norm over a contiguous row
// of n features. The statistics pass reads the row from memory; the
// normalising pass finds it in cache, so a row costs about one read and one
// write of memory instead of the several full passes of the composed graph.
// Sums run in four vector chains (float32, as the composed graph accumulates).
#pragma once
#include <cmath>
#include <cstdint>

#include "backend/cpu/kernels/simd.h"

namespace wmx::rows {

using simd::f32x4;

// sum of x[i] * x[i] - c ... over [0, n): sum((x - c)^2) with c = 0 for rms.
inline float sum_sq_f32(const float* x, float c, int64_t n) {
  const f32x4 cv = simd::splat(c);
  f32x4 a = simd::splat(0.0f), b = a, d = a, e = a;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const f32x4 p = simd::load(x + i) - cv, q = simd::load(x + i + 4) - cv;
    const f32x4 r = simd::load(x + i + 8) - cv, s = simd::load(x + i + 12) - cv;
    a += p * p, b += q * q, d += r * r, e += s * s;
  }
  for (; i + 4 <= n; i += 4) {
    const f32x4 p = simd::load(x + i) - cv;
    a += p * p;
  }
  float t = simd::hsum((a + b) + (d + e));
  for (; i < n; ++i) t += (x[i] - c) * (x[i] - c);
  return t;
}

inline float sum_f32(const float* x, int64_t n) {
  f32x4 a = simd::splat(0.0f), b = a, d = a, e = a;
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    a += simd::load(x + i), b += simd::load(x + i + 4);
    d += simd::load(x + i + 8), e += simd::load(x + i + 12);
  }
  for (; i + 4 <= n; i += 4) a += simd::load(x + i);
  float t = simd::hsum((a + b) + (d + e));
  for (; i < n; ++i) t += x[i];
  return t;
}

// y = (x - c) * r * w + b; w and b may be null (1 and 0). y may be x.
inline void scale_shift_f32(const float* x, float c, float r, const float* w, const float* b, float* y, int64_t n) {
  const f32x4 cv = simd::splat(c), rv = simd::splat(r);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    f32x4 v = (simd::load(x + i) - cv) * rv;
    if (w) v *= simd::load(w + i);
    if (b) v += simd::load(b + i);
    simd::store(y + i, v);
  }
  for (; i < n; ++i) {
    float v = (x[i] - c) * r;
    if (w) v *= w[i];
    if (b) v += b[i];
    y[i] = v;
  }
}

// x * rsqrt(mean(x^2) + eps) * w.
inline void rms_norm_f32(const float* x, const float* w, float eps, float* y, int64_t n) {
  const float r = 1.0f / std::sqrt(sum_sq_f32(x, 0.0f, n) / float(n) + eps);
  scale_shift_f32(x, 0.0f, r, w, nullptr, y, n);
}

// (x - mean) * rsqrt(var + eps) * w + b, the variance from the centred row
// (a second pass over it in cache: no cancellation for a large mean).
inline void layer_norm_f32(const float* x, const float* w, const float* b, float eps, float* y, int64_t n) {
  const float mu = sum_f32(x, n) / float(n);
  const float r = 1.0f / std::sqrt(sum_sq_f32(x, mu, n) / float(n) + eps);
  scale_shift_f32(x, mu, r, w, b, y, n);
}

}  // namespace wmx::rows

// float16 / bfloat16 <-> float32 over contiguous runs, four lanes at a time
// and without branches: the elementwise kernels compute half types in float
// (half.h), and converting one element at a time through half.h's branchy
// scalar code made float16 arithmetic ~40x slower than float32. Each result
// is bit-identical to half.h's scalar conversion (round to nearest even,
// subnormals, +-inf, NaN as the quiet NaN 0x7e00 / 0x7fc0 with its sign),
// which core/tests/test_convert.cpp checks over every half value and a
// sweep of float bit patterns.
#pragma once
#include <cstdint>
#include <cstring>

#include "half.h"

namespace wmx::half_simd {

typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef int32_t i32x4 __attribute__((vector_size(16)));
typedef float f32x4v __attribute__((vector_size(16)));

inline i32x4 splat_i(int32_t x) { return i32x4{x, x, x, x}; }

// Written for few, cheap wasm instructions: signed 32-bit compares (one
// instruction each, unlike unsigned ones), and-or instead of selects where
// a field can be or-ed in, min for saturation.

// Four halves, sign-extended to 32-bit lanes, to float bits.
inline i32x4 f16_to_f32_bits(i32x4 h) {
  const i32x4 em = h & splat_i(0x7fff);
  // Exponent and mantissa moved into float's fields and scaled by 2^112
  // (the bias difference): exact for normal and subnormal halves alike.
  // Inf and NaN halves land at 2^16 and above; or-ing in the all-ones
  // exponent makes them float inf / NaN with the same mantissa.
  const i32x4 v = i32x4(f32x4v(em << 13) * f32x4v(splat_i(0x77800000)));  // 2^112
  return v | ((em > splat_i(0x7bff)) & splat_i(0x7f800000)) | (h & splat_i(int32_t(0x80000000u)));
}

// Four floats (as bits) to half bits in the low 16 bits of each lane.
inline i32x4 f32_to_f16_bits(i32x4 x) {
  const i32x4 a = x & splat_i(0x7fffffff);
  // Normal halves: rebias, then round to nearest even on the 13 dropped bits
  // (a carry into the exponent is the correct rounding). Larger values give
  // larger codes, so min() saturates overflow (and inf) to 0x7c00.
  const u32x4 au = u32x4(a);
  i32x4 normal = i32x4((au + 0xc8000fffu + ((au >> 13) & 1u)) >> 13);  // -(112 << 23) + 0xfff
  normal = normal < splat_i(0x7c00) ? normal : splat_i(0x7c00);
  // Subnormal halves (|x| < 2^-14): adding 0.5 makes the float unit's own
  // rounding place the half mantissa in the low bits.
  const i32x4 sub = i32x4(f32x4v(a) + f32x4v(splat_i(0x3f000000))) - splat_i(0x3f000000);
  const i32x4 small = a < splat_i(0x38800000);
  const i32x4 r = (small & sub) | (~small & normal);
  // NaN: 0x7c00 from the min, plus the quiet bit.
  return r | ((a > splat_i(0x7f800000)) & splat_i(0x200)) | i32x4(u32x4(x & splat_i(int32_t(0x80000000u))) >> 16);
}

inline i32x4 bf16_to_f32_bits(i32x4 h) { return h << 16; }

inline i32x4 f32_to_bf16_bits(i32x4 x) {
  const u32x4 xu = u32x4(x);
  const i32x4 rounded = i32x4((xu + 0x7fffu + ((xu >> 16) & 1u)) >> 16);
  const i32x4 nan = i32x4(xu >> 16) | splat_i(0x40);
  const i32x4 is_nan = (x & splat_i(0x7fffffff)) > splat_i(0x7f800000);
  return (is_nan & nan) | (~is_nan & rounded);
}

// The Half <-> float pair for H = float16_t or bfloat16_t.
template <typename H>
struct Lanes {
  static i32x4 widen(i32x4 h) {
    if constexpr (std::is_same_v<H, float16_t>) return f16_to_f32_bits(h);
    else return bf16_to_f32_bits(h);
  }
  static i32x4 narrow(i32x4 x) {
    if constexpr (std::is_same_v<H, float16_t>) return f32_to_f16_bits(x);
    else return f32_to_bf16_bits(x);
  }
};

typedef int16_t i16x8 __attribute__((vector_size(16)));

// f[i] = float(h[i]) for i < n: eight halves a step, one 16-byte load
// sign-extended into two vectors of 32-bit lanes (the sign bit lands in bit 31).
template <typename H>
void widen(const H* h, float* f, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    i16x8 v;
    std::memcpy(&v, h + i, sizeof v);
    const i32x4 lo = Lanes<H>::widen(__builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), i32x4));
    const i32x4 hi = Lanes<H>::widen(__builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), i32x4));
    std::memcpy(f + i, &lo, sizeof lo);
    std::memcpy(f + i + 4, &hi, sizeof hi);
  }
  for (; i < n; ++i) f[i] = float(h[i]);
}

// h[i] = H(f[i]) for i < n: eight floats a step, the low halves of the
// 32-bit results packed by one shuffle.
template <typename H>
void narrow(const float* f, H* h, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    i32x4 a, b;
    std::memcpy(&a, f + i, sizeof a);
    std::memcpy(&b, f + i + 4, sizeof b);
    const i16x8 pa = i16x8(Lanes<H>::narrow(a)), pb = i16x8(Lanes<H>::narrow(b));
    const i16x8 v = __builtin_shufflevector(pa, pb, 0, 2, 4, 6, 8, 10, 12, 14);  // little-endian low halves
    std::memcpy(h + i, &v, sizeof v);
  }
  for (; i < n; ++i) h[i] = H(f[i]);
}

// f[i] = float(H(f[i])) for i < n, in place: each value rounded to H's
// precision and range, bit for bit a narrow followed by a widen (the fused
// kernels round each step's result so, as the unfused kernels store it).
template <typename H>
void round_through(float* f, int64_t n) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    i32x4 a;
    std::memcpy(&a, f + i, sizeof a);
    const i32x4 h = Lanes<H>::narrow(a);
    a = Lanes<H>::widen((h << 16) >> 16);  // sign-extended, as widen loads them
    std::memcpy(f + i, &a, sizeof a);
  }
  for (; i < n; ++i) f[i] = float(H(f[i]));
}

}  // namespace wmx::half_simd

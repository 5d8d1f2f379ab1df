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

inline u32x4 splat_u(uint32_t x) { return u32x4{x, x, x, x}; }
inline u32x4 select_u(i32x4 m, u32x4 a, u32x4 b) { return (u32x4(m) & a) | (~u32x4(m) & b); }

// Four halves (as 32-bit lanes holding the 16 bits) to float bits.
inline u32x4 f16_to_f32_bits(u32x4 h) {
  const u32x4 em = h & splat_u(0x7fffu);
  // Exponent and mantissa moved into float's fields and scaled by 2^112
  // (the bias difference): exact for normal and subnormal halves alike.
  f32x4v v = f32x4v(em << 13) * f32x4v(splat_u(0x77800000u));  // 2^112
  const u32x4 special = (em << 13) | splat_u(0x7f800000u);     // inf / nan
  const u32x4 r = select_u(i32x4(em >= splat_u(0x7c00u)), special, u32x4(v));
  return r | ((h & splat_u(0x8000u)) << 16);
}

// Four floats (as bits) to half bits in the low 16 bits of each lane.
inline u32x4 f32_to_f16_bits(u32x4 x) {
  const u32x4 sign = (x & splat_u(0x80000000u)) >> 16;
  const u32x4 a = x & splat_u(0x7fffffffu);
  // Normal halves: rebias, then round to nearest even on the 13 dropped bits
  // (a carry into the exponent is the correct rounding, up to inf).
  const u32x4 normal = (a + splat_u(0xc8000fffu) + ((a >> 13) & splat_u(1u))) >> 13;  // -(112 << 23) + 0xfff
  // Subnormal halves (|x| < 2^-14): adding 0.5 makes the float unit's own
  // rounding place the half mantissa in the low bits.
  const u32x4 sub = u32x4(f32x4v(a) + f32x4v(splat_u(0x3f000000u))) - splat_u(0x3f000000u);
  u32x4 r = select_u(i32x4(a < splat_u(0x38800000u)), sub, normal);
  r = select_u(i32x4(a >= splat_u(0x477ff000u)), splat_u(0x7c00u), r);  // overflow -> inf
  r = select_u(i32x4(a > splat_u(0x7f800000u)), splat_u(0x7e00u), r);   // nan
  return r | sign;
}

inline u32x4 bf16_to_f32_bits(u32x4 h) { return h << 16; }

inline u32x4 f32_to_bf16_bits(u32x4 x) {
  const u32x4 rounded = (x + splat_u(0x7fffu) + ((x >> 16) & splat_u(1u))) >> 16;
  const u32x4 nan = (x >> 16) | splat_u(0x40u);
  return select_u(i32x4((x & splat_u(0x7fffffffu)) > splat_u(0x7f800000u)), nan, rounded);
}

// The Half <-> float pair for H = float16_t or bfloat16_t.
template <typename H>
struct Lanes {
  static u32x4 widen(u32x4 h) {
    if constexpr (std::is_same_v<H, float16_t>) return f16_to_f32_bits(h);
    else return bf16_to_f32_bits(h);
  }
  static u32x4 narrow(u32x4 x) {
    if constexpr (std::is_same_v<H, float16_t>) return f32_to_f16_bits(x);
    else return f32_to_bf16_bits(x);
  }
};

typedef uint16_t u16x8 __attribute__((vector_size(16)));
typedef uint16_t u16x4 __attribute__((vector_size(8)));

// f[i] = float(h[i]) for i < n: eight halves a step, one 16-byte load
// zero-extended into two vectors of 32-bit lanes.
template <typename H>
void widen(const H* h, float* f, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    u16x8 v;
    std::memcpy(&v, h + i, sizeof v);
    const u32x4 lo = Lanes<H>::widen(__builtin_convertvector(__builtin_shufflevector(v, v, 0, 1, 2, 3), u32x4));
    const u32x4 hi = Lanes<H>::widen(__builtin_convertvector(__builtin_shufflevector(v, v, 4, 5, 6, 7), u32x4));
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
    u32x4 a, b;
    std::memcpy(&a, f + i, sizeof a);
    std::memcpy(&b, f + i + 4, sizeof b);
    const u16x8 pa = u16x8(Lanes<H>::narrow(a)), pb = u16x8(Lanes<H>::narrow(b));
    const u16x8 v = __builtin_shufflevector(pa, pb, 0, 2, 4, 6, 8, 10, 12, 14);  // little-endian low halves
    std::memcpy(h + i, &v, sizeof v);
  }
  for (; i < n; ++i) h[i] = H(f[i]);
}

}  // namespace wmx::half_simd

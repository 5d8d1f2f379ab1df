// Element conversions between the 13 dtypes (astype, and JS numbers stored
// into arrays), with every case defined. C++ leaves float -> integer
// undefined for NaN, infinities and out-of-range values, and converting
// through float on the way to float16/bfloat16 can round twice; here:
//
// - to bool: nonzero is true (NaN included, as in MLX and numpy).
// - integer -> integer: modulo 2^bits, two's complement (C++20's rule).
// - float -> integer: NaN and +-Inf give 0; any other value is truncated
//   toward zero and wrapped modulo 2^bits (so -1.5 -> uint8 is 255 and
//   300 -> uint8 is 44). This is JavaScript's ToInt8/ToUint8/.../ToInt32
//   rule, extended to 64 bits, which is also what `mx.array(numbers,
//   dtype)` does through TypedArrays, so both paths agree on every build.
// - -> float16/bfloat16: one round-to-nearest-even from the exact source
//   value; beyond the largest finite value gives +-inf; NaN stays NaN.
//   Sources wider than float are first rounded to float with round-to-odd
//   (exact when float has at least two more bits than the target), which
//   makes the final rounding the only one.
// - other -> float32/float64: the IEEE conversion (round to nearest even).
#pragma once
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "dtype.h"

namespace wmx {

namespace convert_detail {

template <typename T>
constexpr bool is_half_v = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;

// An integer-valued finite double wrapped into R modulo 2^bits.
template <typename R>
R wrap_integer(double t) {
  using U = std::make_unsigned_t<R>;
  const double m = std::ldexp(1.0, int(8 * sizeof(R)));
  const double r = std::fmod(t, m);  // exact, |r| < m, sign of t
  uint64_t u;
  if (r >= -9223372036854775808.0 && r < 9223372036854775808.0) u = uint64_t(int64_t(r));
  else if (r >= 0) u = uint64_t(r);                      // [2^63, 2^64)
  else u = uint64_t(r + 18446744073709551616.0);         // (-2^64, -2^63): exact sum
  return R(U(u));  // the low bits, reinterpreted in two's complement for signed R
}

template <typename R, typename F>
R float_to_int(F x) {
  const double d = double(x);
  // Fast path: truncation lands in R's range (bounds exact as doubles).
  constexpr int bits = 8 * sizeof(R);
  if constexpr (bits < 64) {
    constexpr double half = double(uint64_t(1) << (bits - 1));
    constexpr double lo = std::is_signed_v<R> ? -half - 1.0 : -1.0;
    constexpr double hi = std::is_signed_v<R> ? half : 2.0 * half;
    if (d > lo && d < hi) return R(d);
  } else {
    if (std::is_signed_v<R> ? (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
                            : (d > -1.0 && d < 18446744073709551616.0))
      return R(d);
  }
  if (!std::isfinite(d)) return R(0);
  return wrap_integer<R>(std::trunc(d));
}

// Round-to-odd to float: the float with `d` truncated toward zero, its last
// bit set when that dropped anything.
inline float round_odd_float(double d) {
  const float f = float(d);
  if (double(f) == d || std::isnan(d)) return f;
  uint32_t b = float_bits(std::isinf(f) ? std::copysign(FLT_MAX, f) : f);
  if (std::fabs(double(bits_float(b))) > std::fabs(d)) b -= 1;  // one step toward zero (sign-magnitude)
  return bits_float(b | 1u);
}

template <typename I>
float round_odd_float_from_int(I x) {
  const bool neg = x < 0;
  const uint64_t u = neg ? uint64_t(0) - uint64_t(x) : uint64_t(x);
  if (u < (uint64_t(1) << 24)) return neg ? -float(u) : float(u);
  const int s = std::bit_width(u) - 24;
  uint64_t m = u >> s;
  if (u & ((uint64_t(1) << s) - 1)) m |= 1;
  const float f = std::ldexp(float(m), s);  // m < 2^24: exact
  return neg ? -f : f;
}

// The source as a float that rounds to the 16-bit target like the source itself.
template <typename T>
float for_half(T x) {
  if constexpr (std::is_same_v<T, double>) return round_odd_float(x);
  else if constexpr (std::is_integral_v<T> && sizeof(T) >= 4) return round_odd_float_from_int(x);
  else return float(x);  // float, 16-bit floats and narrow integers: exact in float
}

}  // namespace convert_detail

template <typename T, typename R>
inline R convert(T x) {
  using namespace convert_detail;
  if constexpr (std::is_same_v<T, R>) {
    return x;
  } else if constexpr (std::is_same_v<R, bool>) {
    if constexpr (is_half_v<T>) return float(x) != 0.0f;
    else return x != T(0);
  } else if constexpr (is_half_v<R>) {
    return R(for_half(x));
  } else if constexpr (std::is_integral_v<R> && !std::is_integral_v<T>) {
    if constexpr (is_half_v<T>) return float_to_int<R>(float(x));
    else return float_to_int<R>(x);
  } else if constexpr (is_half_v<T>) {
    return R(float(x));
  } else {
    return R(x);  // integer -> integer (modular), integer/float -> float32/float64
  }
}

// Stores `v` converted to dtype `t` (as astype from float64) at dst.
inline void store_converted(double v, Dtype t, void* dst) {
  if (t == Dtype::complex64) {
    *static_cast<complex64_t*>(dst) = {float(v), 0.0f};
    return;
  }
  dispatch_dtype(t, [&](auto r) {
    using R = decltype(r);
    *static_cast<R*>(dst) = convert<double, R>(v);
  });
}

}  // namespace wmx

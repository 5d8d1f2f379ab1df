// dtype: the 14 element types, their sizes and names, and MLX's promotion
// table. Everything that switches on a dtype goes through dispatch_dtype so
// that adding a type means touching this file only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "half.h"

namespace wmx {

// The numeric codes are part of the wasm ABI (ts/dtype.ts mirrors them).
enum class Dtype : uint8_t {
  bool_ = 0,
  uint8 = 1,
  uint16 = 2,
  uint32 = 3,
  uint64 = 4,
  int8 = 5,
  int16 = 6,
  int32 = 7,
  int64 = 8,
  float16 = 9,
  bfloat16 = 10,
  float32 = 11,
  float64 = 12,
  complex64 = 13,
};
constexpr int kNumDtypes = 14;
// The dtypes the templated kernels are instantiated for: all but complex64,
// which only the complex-aware primitives (core/complex_ops.h, the FFT, the
// layout and view primitives) handle.
constexpr int kNumRealDtypes = 13;

enum class DtypeKind : uint8_t { boolean, unsigned_int, signed_int, floating, complex };

// complex64's storage: two float32, real part first (as std::complex<float>).
struct complex64_t {
  float re, im;
};

size_t size_of(Dtype t);
const char* name_of(Dtype t);
DtypeKind kind_of(Dtype t);
inline bool is_floating(Dtype t) { return kind_of(t) == DtypeKind::floating; }
inline bool is_complex(Dtype t) { return t == Dtype::complex64; }
// float or complex: MLX's "inexact".
inline bool is_inexact(Dtype t) { return is_floating(t) || is_complex(t); }
inline bool is_integral(Dtype t) {
  auto k = kind_of(t);
  return k == DtypeKind::unsigned_int || k == DtypeKind::signed_int;
}
// Throws "[op] ..." when code is not a valid dtype code.
Dtype dtype_from_code(int code, const char* op);

// Throws "[webmx] <dtype> is not supported by this kernel."
[[noreturn]] void dtype_unsupported(Dtype t);

// MLX's type promotion for binary operations.
Dtype promote_types(Dtype a, Dtype b);

template <typename T> struct dtype_of;
template <> struct dtype_of<bool> { static constexpr Dtype value = Dtype::bool_; };
template <> struct dtype_of<uint8_t> { static constexpr Dtype value = Dtype::uint8; };
template <> struct dtype_of<uint16_t> { static constexpr Dtype value = Dtype::uint16; };
template <> struct dtype_of<uint32_t> { static constexpr Dtype value = Dtype::uint32; };
template <> struct dtype_of<uint64_t> { static constexpr Dtype value = Dtype::uint64; };
template <> struct dtype_of<int8_t> { static constexpr Dtype value = Dtype::int8; };
template <> struct dtype_of<int16_t> { static constexpr Dtype value = Dtype::int16; };
template <> struct dtype_of<int32_t> { static constexpr Dtype value = Dtype::int32; };
template <> struct dtype_of<int64_t> { static constexpr Dtype value = Dtype::int64; };
template <> struct dtype_of<float16_t> { static constexpr Dtype value = Dtype::float16; };
template <> struct dtype_of<bfloat16_t> { static constexpr Dtype value = Dtype::bfloat16; };
template <> struct dtype_of<float> { static constexpr Dtype value = Dtype::float32; };
template <> struct dtype_of<double> { static constexpr Dtype value = Dtype::float64; };

// Calls f(T{}) with T the C++ storage type of `t`, for the real dtypes: a
// complex64 array reaching a kernel without complex support is an error
// (the array constructor already refuses such nodes, see Primitive::accepts_complex).
template <typename F>
decltype(auto) dispatch_dtype(Dtype t, F&& f) {
  switch (t) {
    case Dtype::bool_: return f(bool{});
    case Dtype::uint8: return f(uint8_t{});
    case Dtype::uint16: return f(uint16_t{});
    case Dtype::uint32: return f(uint32_t{});
    case Dtype::uint64: return f(uint64_t{});
    case Dtype::int8: return f(int8_t{});
    case Dtype::int16: return f(int16_t{});
    case Dtype::int32: return f(int32_t{});
    case Dtype::int64: return f(int64_t{});
    case Dtype::float16: return f(float16_t{});
    case Dtype::bfloat16: return f(bfloat16_t{});
    case Dtype::float32: return f(float{});
    case Dtype::float64: return f(double{});
    case Dtype::complex64: dtype_unsupported(t);
  }
  return f(float{});
}

// The type arithmetic is carried out in: half types compute in float.
template <typename T> struct compute_type { using type = T; };
template <> struct compute_type<float16_t> { using type = float; };
template <> struct compute_type<bfloat16_t> { using type = float; };
template <typename T> using compute_t = typename compute_type<T>::type;

}  // namespace wmx

// Portable 128-bit SIMD through the compiler's vector extensions: clang lowers
// them to wasm SIMD128 (-msimd128), g++ to SSE for the native test build, so
// the kernels have one source for both.
#pragma once
#include <cstring>

namespace wmx::simd {

typedef float f32x4 __attribute__((vector_size(16)));
typedef double f64x2 __attribute__((vector_size(16)));

inline f32x4 load(const float* p) {
  f32x4 v;
  std::memcpy(&v, p, sizeof v);  // unaligned load; compiles to one v128.load
  return v;
}
inline void store(float* p, f32x4 v) { std::memcpy(p, &v, sizeof v); }
inline f32x4 splat(float x) { return f32x4{x, x, x, x}; }
inline float hsum(f32x4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }

}  // namespace wmx::simd

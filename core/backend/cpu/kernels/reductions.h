// The accumulations of the reduction kernels. Reduce (backend/cpu/reduce.cpp)
// and a compiled chain ending in a reduction (FusedReduce,
// backend/cpu/fused.cpp) both use them, so that the fused result is the
// unfused one bit for bit: same operations, same order.
#pragma once
#include <cstdint>
#include <limits>

#include "backend/cpu/kernels/simd.h"

namespace wmx::reduction {

template <typename A> struct SumOp {
  static A init() { return A(0); }
  A operator()(A a, A b) const { return a + b; }
};
template <typename A> struct ProdOp {
  static A init() { return A(1); }
  A operator()(A a, A b) const { return a * b; }
};
template <typename A> struct MaxOp {
  static A init() {
    if constexpr (std::numeric_limits<A>::has_infinity) return -std::numeric_limits<A>::infinity();
    else return std::numeric_limits<A>::lowest();
  }
  A operator()(A a, A b) const { return (a != a || a > b) ? a : b; }  // NaN propagates
};
template <typename A> struct MinOp {
  static A init() {
    if constexpr (std::numeric_limits<A>::has_infinity) return std::numeric_limits<A>::infinity();
    else return std::numeric_limits<A>::max();
  }
  A operator()(A a, A b) const { return (a != a || a < b) ? a : b; }
};
struct AllOp {
  static bool init() { return true; }
  bool operator()(bool a, bool b) const { return a && b; }
};
struct AnyOp {
  static bool init() { return false; }
  bool operator()(bool a, bool b) const { return a || b; }
};

// float32 sums add SIMD sums of blocks of this many elements in double
// (reduce.cpp's reduce_contiguous), then a run's last (n mod 16) elements
// one at a time.
constexpr int64_t kSumBlock = 1024;

// The SIMD sum of n floats, n a multiple of 16: four 4-lane accumulators,
// added pairwise at the end.
inline float sum16(const float* x, int64_t n) {
  using namespace simd;
  f32x4 s0 = splat(0), s1 = splat(0), s2 = splat(0), s3 = splat(0);
  for (int64_t i = 0; i < n; i += 16) {
    s0 += load(x + i);
    s1 += load(x + i + 4);
    s2 += load(x + i + 8);
    s3 += load(x + i + 12);
  }
  return hsum((s0 + s1) + (s2 + s3));
}

}  // namespace wmx::reduction

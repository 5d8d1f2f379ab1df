// Limits every shape an op creates from user input must respect: each
// dimension fits in int32 (shapes cross the wasm ABI as int32, as MLX's
// dims are int32) and the element count stays below 2^53 (exact in a JS
// number, and far from int64 overflow in size computations).
#pragma once
#include <cstdint>
#include <string>

#include "array.h"
#include "error.h"

namespace wmx {

inline void check_shape_limits(const Shape& shape, const char* op) {
  constexpr int64_t kMaxDim = 2147483647, kMaxSize = int64_t(1) << 53;
  int64_t size = 1;
  bool empty = false;
  for (int64_t d : shape) {
    if (d > kMaxDim)
      fail(op, "The shape ", shape_str(shape), " has a dimension larger than 2147483647.");
    if (d == 0) empty = true;
  }
  if (empty) return;
  for (int64_t d : shape) {
    if (d > 0 && size > kMaxSize / d)
      fail(op, "The shape ", shape_str(shape), " has more than 2^53 elements.");
    size *= d;
  }
}

}  // namespace wmx

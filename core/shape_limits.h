// Limits every shape an op creates from user input must respect: at most
// kMaxNdim dimensions (the JS side reads shapes into a fixed buffer, and
// nothing real needs more), each dimension fits in int32 (shapes cross the
// wasm ABI as int32, as MLX's dims are int32) and the element count stays
// below 2^53 (exact in a JS number, and far from int64 overflow in size
// computations).
#pragma once
#include <cstdint>
#include <string>

#include "array.h"
#include "error.h"

namespace wmx {

// The most dimensions an array may have. Ops check it with their own tag
// (check_shape_limits); every node checks it again when it is made
// (ArrayNode's constructor), so no op can create a deeper array. JS reads it
// through wmx_max_ndim.
constexpr int kMaxNdim = 64;

// "[op] The shape (...) has 65 dimensions; at most 64 are supported."
[[noreturn]] void fail_too_many_dims(const Shape& shape, const char* op);

inline void check_shape_limits(const Shape& shape, const char* op) {
  if (shape.size() > size_t(kMaxNdim)) fail_too_many_dims(shape, op);
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

// Runs: the inner loops of elementwise kernels, over n elements of one 1-D
// run. The drivers (kernels/elementwise.h) walk shapes and threads and call a
// run per row; compile's fused kernels (primitives/fused.h) call the float32
// runs of several primitives per tile.
#pragma once
#include <cstdint>

namespace wmx {

// y[i] = op(x[i * sx]) for i < n (y is contiguous).
using UnaryRun = void (*)(const void* x, int64_t sx, void* y, int64_t n);
// z[i] = op(x[i * sx], y[i * sy]) for i < n (z is contiguous).
using BinaryRun = void (*)(const void* x, int64_t sx, const void* y, int64_t sy, void* z, int64_t n);

// The float32 -> float32 run of an elementwise primitive (one of the two is set).
struct Float32Kernel {
  UnaryRun unary = nullptr;
  BinaryRun binary = nullptr;
  int arity() const { return unary ? 1 : binary ? 2 : 0; }
};

}  // namespace wmx

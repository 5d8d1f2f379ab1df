// The CPU kernels of the binary elementwise primitives (their shapes and transform rules:
// core/primitives/binary.cpp).
#include "primitives/binary.h"

#include "backend/cpu/kernels/elementwise.h"

namespace wmx {

namespace {

// Same-type arithmetic: the output has the inputs' dtype.
template <typename Op>
void arith(const std::vector<array>& in, std::vector<array>& out) {
  dispatch_dtype(in[0].dtype(), [&](auto t) {
    using T = decltype(t);
    binary_driver(in[0], in[1], out[0], &binary_run<T, T, Op>);
  });
}

// Comparisons: the output is bool.
template <typename Op>
void compare(const std::vector<array>& in, std::vector<array>& out) {
  dispatch_dtype(in[0].dtype(), [&](auto t) {
    using T = decltype(t);
    binary_driver(in[0], in[1], out[0], &binary_run<T, bool, Op>);
  });
}

using AddOp = decltype([](auto a, auto b) { return a + b; });
using SubtractOp = decltype([](auto a, auto b) { return a - b; });
using MultiplyOp = decltype([](auto a, auto b) { return a * b; });
using DivideOp = decltype([](auto a, auto b) { return a / b; });
using MaximumOp = decltype([](auto a, auto b) { return (a != a || a > b) ? a : b; });
using MinimumOp = decltype([](auto a, auto b) { return (a != a || a < b) ? a : b; });
using EqualOp = decltype([](auto a, auto b) { return a == b; });
using NotEqualOp = decltype([](auto a, auto b) { return a != b; });
using LessOp = decltype([](auto a, auto b) { return a < b; });
using LessEqualOp = decltype([](auto a, auto b) { return a <= b; });
using GreaterOp = decltype([](auto a, auto b) { return a > b; });
using GreaterEqualOp = decltype([](auto a, auto b) { return a >= b; });

}  // namespace

void Add::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<AddOp>(in, out);
}
Float32Kernel Add::float32_kernel() const { return {nullptr, &binary_run<float, float, AddOp>}; }
void Subtract::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<SubtractOp>(in, out);
}
Float32Kernel Subtract::float32_kernel() const { return {nullptr, &binary_run<float, float, SubtractOp>}; }
void Multiply::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<MultiplyOp>(in, out);
}
Float32Kernel Multiply::float32_kernel() const { return {nullptr, &binary_run<float, float, MultiplyOp>}; }
void Divide::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  // The ops layer only emits Divide on floating inputs (true division).
  arith<DivideOp>(in, out);
}
Float32Kernel Divide::float32_kernel() const { return {nullptr, &binary_run<float, float, DivideOp>}; }
void Maximum::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  // NaN propagates, as in MLX.
  arith<MaximumOp>(in, out);
}
Float32Kernel Maximum::float32_kernel() const { return {nullptr, &binary_run<float, float, MaximumOp>}; }
void Minimum::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<MinimumOp>(in, out);
}
Float32Kernel Minimum::float32_kernel() const { return {nullptr, &binary_run<float, float, MinimumOp>}; }
void Equal::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<EqualOp>(in, out);
}
Float32Kernel Equal::float32_kernel() const { return {}; } // bool output
void NotEqual::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<NotEqualOp>(in, out);
}
Float32Kernel NotEqual::float32_kernel() const { return {}; } // bool output
void Less::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<LessOp>(in, out);
}
Float32Kernel Less::float32_kernel() const { return {}; } // bool output
void LessEqual::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<LessEqualOp>(in, out);
}
Float32Kernel LessEqual::float32_kernel() const { return {}; } // bool output
void Greater::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<GreaterOp>(in, out);
}
Float32Kernel Greater::float32_kernel() const { return {}; } // bool output
void GreaterEqual::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<GreaterEqualOp>(in, out);
}
Float32Kernel GreaterEqual::float32_kernel() const { return {}; } // bool output

}  // namespace wmx

#include "primitives/binary.h"

#include "kernels/elementwise.h"

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

}  // namespace

void Add::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<decltype([](auto a, auto b) { return a + b; })>(in, out);
}
void Subtract::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<decltype([](auto a, auto b) { return a - b; })>(in, out);
}
void Multiply::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<decltype([](auto a, auto b) { return a * b; })>(in, out);
}
void Divide::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  // The ops layer only emits Divide on floating inputs (true division).
  arith<decltype([](auto a, auto b) { return a / b; })>(in, out);
}
void Maximum::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  // NaN propagates, as in MLX.
  arith<decltype([](auto a, auto b) { return (a != a || a > b) ? a : b; })>(in, out);
}
void Minimum::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  arith<decltype([](auto a, auto b) { return (a != a || a < b) ? a : b; })>(in, out);
}
void Equal::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<decltype([](auto a, auto b) { return a == b; })>(in, out);
}
void NotEqual::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<decltype([](auto a, auto b) { return a != b; })>(in, out);
}
void Less::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<decltype([](auto a, auto b) { return a < b; })>(in, out);
}
void LessEqual::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<decltype([](auto a, auto b) { return a <= b; })>(in, out);
}
void Greater::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<decltype([](auto a, auto b) { return a > b; })>(in, out);
}
void GreaterEqual::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  compare<decltype([](auto a, auto b) { return a >= b; })>(in, out);
}

}  // namespace wmx

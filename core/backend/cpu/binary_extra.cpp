// The CPU kernels of the extra binary elementwise primitives (their shapes and transform rules:
// core/primitives/binary_extra.cpp).
#include "primitives/binary_extra.h"

#include <cmath>
#include <type_traits>

#include "backend/cpu/kernels/elementwise.h"

namespace wmx {

namespace {

template <typename Op>
void same_type(const std::vector<array>& in, std::vector<array>& out) {
  dispatch_dtype(in[0].dtype(), [&](auto t) {
    using T = decltype(t);
    binary_driver(in[0], in[1], out[0], &binary_run<T, T, Op>);
  });
}

struct FloorDivOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      return std::floor(a / b);
    } else if constexpr (std::is_same_v<C, bool>) {
      return b ? a : false;
    } else {
      if (b == 0) return C(0);
      if constexpr (std::is_signed_v<C>) {
        if (b == C(-1)) return C(C(0) - a);  // avoids INT_MIN / -1 trapping (wraps instead)
        C q = C(a / b);
        if ((a % b != 0) && ((a < 0) != (b < 0))) q = C(q - 1);
        return q;
      } else {
        return C(a / b);
      }
    }
  }
};

struct RemainderOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      C r = std::fmod(a, b);
      if (r != 0 && ((r < 0) != (b < 0))) r += b;
      return r;
    } else if constexpr (std::is_same_v<C, bool>) {
      return false;
    } else {
      if (b == 0) return C(0);
      if constexpr (std::is_signed_v<C>) {
        if (b == C(-1)) return C(0);
        C r = C(a % b);
        if (r != 0 && ((r < 0) != (b < 0))) r = C(r + b);
        return r;
      } else {
        return C(a % b);
      }
    }
  }
};

struct PowerOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) {
      return std::pow(a, b);
    } else if constexpr (std::is_same_v<C, bool>) {
      return a || !b;
    } else {
      // Integer power by squaring; negative exponents give 0 (1 and -1 excepted), as MLX.
      if constexpr (std::is_signed_v<C>) {
        if (b < 0) return a == 1 ? C(1) : a == C(-1) ? C((b & 1) ? -1 : 1) : C(0);
      }
      using U = std::make_unsigned_t<C>;
      U base = U(a), res = 1;
      for (auto e = b; e > 0; e = C(e >> 1)) {
        if (e & 1) res = U(res * base);
        base = U(base * base);
      }
      return C(res);
    }
  }
};

struct ArcTan2Op {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) return std::atan2(a, b);
    else return C(std::atan2(double(a), double(b)));
  }
};

// max + log1p(exp(min - max)): exact when one term dominates; equal
// infinities give that infinity (their difference would be nan).
struct LogAddExpOp {
  template <typename F> static F apply(F a, F b) {
    if (std::isnan(a) || std::isnan(b)) return a + b;
    F hi = a > b ? a : b, lo = a > b ? b : a;
    if (std::isinf(lo) && lo == hi) return lo;
    return hi + std::log1p(std::exp(lo - hi));
  }
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_floating_point_v<C>) return apply(a, b);
    else return C(apply(double(a), double(b)));
  }
};

}  // namespace

void FloorDivide::eval_cpu(const std::vector<array>& in, std::vector<array>& out) { same_type<FloorDivOp>(in, out); }
void Remainder::eval_cpu(const std::vector<array>& in, std::vector<array>& out) { same_type<RemainderOp>(in, out); }
void Power::eval_cpu(const std::vector<array>& in, std::vector<array>& out) { same_type<PowerOp>(in, out); }
void ArcTan2::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  // The ops layer only emits ArcTan2 on floating inputs.
  same_type<ArcTan2Op>(in, out);
}
Float32Kernel FloorDivide::float32_kernel() const { return {nullptr, &binary_run<float, float, FloorDivOp>}; }
Float32Kernel Remainder::float32_kernel() const { return {nullptr, &binary_run<float, float, RemainderOp>}; }
Float32Kernel Power::float32_kernel() const { return {nullptr, &binary_run<float, float, PowerOp>}; }
Float32Kernel ArcTan2::float32_kernel() const { return {nullptr, &binary_run<float, float, ArcTan2Op>}; }
void LogAddExp::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  same_type<LogAddExpOp>(in, out);  // floating inputs only (ops layer)
}
Float32Kernel LogAddExp::float32_kernel() const { return {nullptr, &binary_run<float, float, LogAddExpOp>}; }

}  // namespace wmx

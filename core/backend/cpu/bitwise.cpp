// The CPU kernels of the bitwise primitives (their shapes and transform rules:
// core/primitives/bitwise.cpp).
#include "primitives/bitwise.h"

#include <type_traits>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"

namespace wmx {

namespace {

struct AndOp {
  template <typename C> C operator()(C a, C b) const { return C(a & b); }
};
struct OrOp {
  template <typename C> C operator()(C a, C b) const { return C(a | b); }
};
struct XorOp {
  template <typename C> C operator()(C a, C b) const { return C(a ^ b); }
};

// C++ leaves shifts by a negative count or by the type's width or more
// undefined; here every bit is shifted out instead (what MLX's kernels give
// for its narrow types, which C++ promotes to int before shifting). The
// shift happens on the unsigned type so that negative values shift left
// without overflow.
template <typename C> constexpr bool count_in_range(C b) {
  return !(b < C(0)) && uint64_t(b) < uint64_t(8 * sizeof(C));
}
struct LeftShiftOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_same_v<C, bool>) {
      return a && !b;  // not reached: the ops layer shifts bool as uint8
    } else {
      using U = std::make_unsigned_t<C>;
      return count_in_range(b) ? C(U(U(a) << unsigned(b))) : C(0);
    }
  }
};
struct RightShiftOp {
  template <typename C> C operator()(C a, C b) const {
    if constexpr (std::is_same_v<C, bool>) {
      return a && !b;
    } else {
      if (count_in_range(b)) return C(a >> unsigned(b));  // arithmetic for signed types
      if constexpr (std::is_signed_v<C>) return a < 0 ? C(-1) : C(0);
      return C(0);
    }
  }
};
struct InvertOp {
  template <typename C> C operator()(C a) const {
    if constexpr (std::is_same_v<C, bool>) return !a;
    else return C(~a);
  }
};

// Integer and bool dtypes only (the ops layer rejects the others).
template <typename F>
void integer_dispatch(Dtype t, F&& f) {
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
    default: fail("BitwiseBinary", "Unsupported dtype ", name_of(t), ".");
  }
}

template <typename Op>
void run_binary(const std::vector<array>& in, std::vector<array>& out) {
  integer_dispatch(in[0].dtype(), [&](auto t) {
    using T = decltype(t);
    binary_driver(in[0], in[1], out[0], &binary_run<T, T, Op>);
  });
}

}  // namespace

void BitwiseBinary::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  switch (op_) {
    case BitwiseOp::and_: return run_binary<AndOp>(in, out);
    case BitwiseOp::or_: return run_binary<OrOp>(in, out);
    case BitwiseOp::xor_: return run_binary<XorOp>(in, out);
    case BitwiseOp::left_shift: return run_binary<LeftShiftOp>(in, out);
    case BitwiseOp::right_shift: return run_binary<RightShiftOp>(in, out);
  }
}

void BitwiseInvert::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  integer_dispatch(in[0].dtype(), [&](auto t) {
    using T = decltype(t);
    unary_driver(in[0], out[0], &unary_run<T, T, InvertOp>);
  });
}

}  // namespace wmx

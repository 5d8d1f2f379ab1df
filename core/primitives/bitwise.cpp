#include "primitives/bitwise.h"

#include <type_traits>

#include "bitwise_ops.h"
#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"

namespace wmx {

const char* BitwiseBinary::name() const {
  switch (op_) {
    case BitwiseOp::and_: return "BitwiseAnd";
    case BitwiseOp::or_: return "BitwiseOr";
    case BitwiseOp::xor_: return "BitwiseXor";
    case BitwiseOp::left_shift: return "LeftShift";
    case BitwiseOp::right_shift: return "RightShift";
  }
  return "BitwiseBinary";
}

PrimitiveState BitwiseBinary::state() const {
  static const char* const names[] = {"and", "or", "xor", "left_shift", "right_shift"};
  return {{"op", std::string(names[int(op_)])}};
}

bool BitwiseBinary::is_equivalent(const Primitive& o) const {
  auto* other = dynamic_cast<const BitwiseBinary*>(&o);
  return other && other->op_ == op_;
}

// Piecewise constant in its (integer) operands: zero derivatives, as MLX.
std::vector<array> BitwiseBinary::vjp(const std::vector<array>& p, const std::vector<array>&,
                                      const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) out.push_back(zeros_like(p[arg]));
  return out;
}
std::vector<array> BitwiseBinary::jvp(const std::vector<array>& p, const std::vector<array>& tangents,
                                      const std::vector<int>&) {
  return {zeros(p[0].shape(), tangents[0].dtype())};
}

std::pair<std::vector<array>, std::vector<int>> BitwiseBinary::vmap(const std::vector<array>& in,
                                                                    const std::vector<int>& axes) {
  auto x = align_batched(in, axes);
  Shape shape = broadcast_shapes(x[0].shape(), x[1].shape(), name());
  array a = broadcast_to(x[0], shape, name());
  array b = broadcast_to(x[1], shape, name());
  return {{array(shape, a.dtype(), std::make_shared<BitwiseBinary>(op_), {a, b})}, {0}};
}

std::pair<std::vector<array>, std::vector<int>> BitwiseInvert::vmap(const std::vector<array>& in,
                                                                    const std::vector<int>& axes) {
  return {{bitwise_invert(in[0])}, axes};
}

}  // namespace wmx

#include "bitwise_ops.h"

#include <memory>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/bitwise.h"

namespace wmx {

namespace {

bool integer_or_bool(Dtype t) { return is_integral(t) || t == Dtype::bool_; }

// MLX's bitwise_impl: both operands cast to `t` and broadcast, one node.
array bitwise_node(const array& a, const array& b, BitwiseOp op, const char* name, Dtype t) {
  if (!integer_or_bool(t))
    fail(name, "Only allowed on integer or boolean types but got types ", name_of(a.dtype()), " and ",
         name_of(b.dtype()), ".");
  Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  array x = broadcast_to(astype(a, t), shape, name);
  array y = broadcast_to(astype(b, t), shape, name);
  return array(shape, t, std::make_shared<BitwiseBinary>(op), {x, y});
}

// Shifts compute in the promoted type, except that bool shifts as uint8 (MLX).
Dtype shift_type(const array& a, const array& b) {
  Dtype t = promote_types(a.dtype(), b.dtype());
  return t == Dtype::bool_ ? Dtype::uint8 : t;
}

}  // namespace

array bitwise_and(const array& a, const array& b) {
  return bitwise_node(a, b, BitwiseOp::and_, "bitwise_and", promote_types(a.dtype(), b.dtype()));
}
array bitwise_or(const array& a, const array& b) {
  return bitwise_node(a, b, BitwiseOp::or_, "bitwise_or", promote_types(a.dtype(), b.dtype()));
}
array bitwise_xor(const array& a, const array& b) {
  return bitwise_node(a, b, BitwiseOp::xor_, "bitwise_xor", promote_types(a.dtype(), b.dtype()));
}
array left_shift(const array& a, const array& b) {
  return bitwise_node(a, b, BitwiseOp::left_shift, "left_shift", shift_type(a, b));
}
array right_shift(const array& a, const array& b) {
  return bitwise_node(a, b, BitwiseOp::right_shift, "right_shift", shift_type(a, b));
}

array bitwise_invert(const array& a) {
  if (is_floating(a.dtype())) fail("bitwise_invert", "Bitwise inverse only allowed on integer types.");
  if (a.dtype() == Dtype::bool_) return logical_not(a);
  return array(a.shape(), a.dtype(), std::make_shared<BitwiseInvert>(), {a});
}

}  // namespace wmx

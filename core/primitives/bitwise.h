// Bitwise primitives on integer and bool operands (MLX's BitwiseBinary and
// BitwiseInvert). As for the other binary primitives, the ops layer
// (core/bitwise_ops.cpp) broadcasts both operands and casts them to the
// output dtype first, so a kernel sees one element type.
#pragma once
#include "primitive.h"

namespace wmx {

enum class BitwiseOp { and_, or_, xor_, left_shift, right_shift };

class BitwiseBinary : public Primitive {
 public:
  explicit BitwiseBinary(BitwiseOp op) : op_(op) {}
  const char* name() const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override;
  BitwiseOp op() const { return op_; }

 private:
  BitwiseOp op_;
};

// ~x on integers (bool operands become logical_not in the ops layer). As in
// MLX it has no derivative rules: grad through it is an error.
class BitwiseInvert : public Primitive {
 public:
  const char* name() const override { return "BitwiseInvert"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const BitwiseInvert*>(&o); }
};

}  // namespace wmx

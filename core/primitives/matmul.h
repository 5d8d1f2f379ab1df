// Matrix product of the last two axes; batch axes arrive broadcast to a
// common shape (views) from the ops layer.
#pragma once
#include "primitive.h"

namespace wmx {

class Matmul : public Primitive {
 public:
  const char* name() const override { return "Matmul"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Matmul*>(&o); }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
};

}  // namespace wmx

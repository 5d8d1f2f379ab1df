// Reductions over a set of axes. The primitive's output keeps the reduced
// axes as size 1 (the ops layer squeezes them unless keepdims).
#pragma once
#include "primitive.h"

namespace wmx {

enum class ReduceType { sum, prod, max, min, all, any };

class Reduce : public Primitive {
 public:
  Reduce(ReduceType type, std::vector<int> axes) : type_(type), axes_(std::move(axes)) {}
  const char* name() const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  ReduceType type() const { return type_; }
  const std::vector<int>& axes() const { return axes_; }

 private:
  ReduceType type_;
  std::vector<int> axes_;  // sorted, non-negative
};

}  // namespace wmx

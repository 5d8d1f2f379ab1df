// CustomTransforms: the node a custom function (or checkpoint) leaves in the
// graph. Its inputs are the primals followed by the function's outputs (with
// gradients stopped); evaluating it just forwards those outputs, and its
// transform rules call the user's rules or re-trace the function.
#pragma once
#include "primitive.h"
#include "transforms.h"

namespace wmx {

class CustomTransforms : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  CustomTransforms(int num_primals, Fn fun, CustomRules rules, const char* tag)
      : num_primals_(num_primals), fun_(std::move(fun)), rules_(std::move(rules)), tag_(tag) {}
  const char* name() const override { return "CustomTransforms"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES

 private:
  std::vector<array> primals(const std::vector<array>& inputs) const {
    return {inputs.begin(), inputs.begin() + num_primals_};
  }
  void check_vmap_rule_outputs(const std::vector<array>& in, const std::vector<int>& axes,
                               const std::vector<array>& outs, const std::vector<int>& oax) const;
  int num_primals_;
  Fn fun_;
  CustomRules rules_;
  const char* tag_;
};

}  // namespace wmx

// fast.rms_norm and fast.layer_norm as row primitives: normalise each row
// along the last axis (one pass over memory per row, kernels/norm_rows.h),
// threaded over rows. Inputs: x, then the weight and the bias over the last
// axis when given, all of one floating dtype (the ops layer casts); the
// output has x's shape and that dtype. Statistics in float32 (float64 for
// float64 inputs), rounded once at the end.
#pragma once
#include "primitive.h"

namespace wmx {

class RMSNorm : public Primitive {
 public:
  RMSNorm(double eps, bool has_weight) : eps_(eps), has_weight_(has_weight) {}
  const char* name() const override { return "RMSNorm"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override { return {inputs[0]}; }
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"eps", eps_}, {"has_weight", has_weight_}}; }

 private:
  double eps_;
  bool has_weight_;
};

class LayerNorm : public Primitive {
 public:
  LayerNorm(double eps, bool has_weight, bool has_bias) : eps_(eps), has_weight_(has_weight), has_bias_(has_bias) {}
  const char* name() const override { return "LayerNorm"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override { return {inputs[0]}; }
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override {
    return {{"eps", eps_}, {"has_weight", has_weight_}, {"has_bias", has_bias_}};
  }

 private:
  double eps_;
  bool has_weight_, has_bias_;
};

}  // namespace wmx

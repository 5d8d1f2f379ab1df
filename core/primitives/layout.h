// Primitives that change how an array's data is seen or when it is computed,
// not its values: View (MLX's view: the same bytes as another dtype),
// Contiguous (a row-contiguous copy) and Depends (inputs passed through once
// the dependencies are computed too).
#pragma once
#include "primitive.h"

namespace wmx {

class View : public Primitive {
 public:
  View(Dtype from, Dtype dtype) : from_(from), dtype_(dtype) {}
  const char* name() const override { return "View"; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"dtype", std::string(name_of(dtype_))}}; }

 private:
  Dtype from_, dtype_;
};

class Contiguous : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  const char* name() const override { return "Contiguous"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Contiguous*>(&o); }
};

// Inputs: the n passed-through arrays, then the dependencies; outputs: n
// views of the first n inputs.
class Depends : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit Depends(int n) : n_(n) {}
  const char* name() const override { return "Depends"; }
  WMX_VIEW_ON_GPU
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override {
    return std::vector<Shape>(inputs.begin(), inputs.begin() + n_);
  }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES

 private:
  int n_;  // passed-through inputs
};

}  // namespace wmx

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
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  ReduceType type() const { return type_; }
  PrimitiveState state() const override {
    return {{"axes", std::vector<int64_t>(axes_.begin(), axes_.end())}};
  }
  const std::vector<int>& axes() const { return axes_; }

 private:
  ReduceType type_;
  std::vector<int> axes_;  // sorted, non-negative
};

// The number of elements of the input over `axes` (or its reciprocal) as a
// scalar of a floating dtype: mean's divisor under shapeless compile, where
// a constant taken from the traced shape would be wrong for other shapes.
// It reads the input's shape, never its data.
class NumberOfElements : public Primitive {
 public:
  NumberOfElements(std::vector<int> axes, bool inverted, Dtype dtype)
      : axes_(std::move(axes)), inverted_(inverted), dtype_(dtype) {}
  const char* name() const override { return "NumberOfElements"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override {
    return {{"axes", std::vector<int64_t>(axes_.begin(), axes_.end())}, {"inverted", inverted_}};
  }
  std::vector<Shape> output_shapes(const std::vector<Shape>&) const override { return {Shape{}}; }

 private:
  std::vector<int> axes_;  // non-negative
  bool inverted_;
  Dtype dtype_;
};

}  // namespace wmx

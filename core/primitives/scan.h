// Primitives that work along one axis: scans (cumsum/cumprod/cummax/cummin),
// arg-reductions (argmax/argmin) and sorting (sort/argsort). Kernels follow
// reduce.cpp's split: one type-erased driver walks every line along the axis
// (threaded over lines) and calls a tiny per-dtype function for one line.
#pragma once
#include <typeinfo>

#include "primitive.h"

namespace wmx {

enum class ScanType { sum, prod, max, min };

// Output: same shape and dtype as the input (the ops layer casts first).
class Scan : public Primitive {
 public:
  Scan(ScanType type, int axis, bool reverse, bool inclusive)
      : type_(type), axis_(axis), reverse_(reverse), inclusive_(inclusive) {}
  const char* name() const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override {
    return {{"axis", int64_t(axis_)}, {"reverse", reverse_}, {"inclusive", inclusive_}};
  }

 private:
  ScanType type_;
  int axis_;  // non-negative
  bool reverse_, inclusive_;
};

// Index of the first max (min) along `axis` (NaN counts as the extreme, as
// numpy); the output keeps the axis as size 1 and is uint32.
class ArgReduce : public Primitive {
 public:
  ArgReduce(bool is_max, int axis) : is_max_(is_max), axis_(axis) {}
  const char* name() const override { return is_max_ ? "ArgMax" : "ArgMin"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override {
    Shape out = inputs[0];
    out[axis_] = 1;
    return {out};
  }
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"axis", int64_t(axis_)}}; }

 private:
  bool is_max_;
  int axis_;
};

// Ascending stable sort along `axis` (NaN last); with `indices` the output is
// the uint32 permutation (argsort) instead of the values.
class Sort : public Primitive {
 public:
  Sort(int axis, bool indices) : axis_(axis), indices_(indices) {}
  const char* name() const override { return indices_ ? "ArgSort" : "Sort"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"axis", int64_t(axis_)}}; }

 private:
  int axis_;
  bool indices_;
};

// A row primitive: one along `axis` of a floating array (computed in float
// for half types, rounded once), run one row at a time (kernels/rows.h),
// threaded over rows. Two are equivalent when of one kind and one axis.
class RowPrimitive : public Primitive {
 public:
  explicit RowPrimitive(int axis) : axis_(axis) {}
  bool is_equivalent(const Primitive& o) const override {
    return typeid(o) == typeid(*this) && static_cast<const RowPrimitive&>(o).axis_ == axis_;
  }
  PrimitiveState state() const override { return {{"axis", int64_t(axis_)}}; }

 protected:
  int axis_;
};

// exp(x - max) / sum(exp(x - max)).
class Softmax : public RowPrimitive {
 public:
  using RowPrimitive::RowPrimitive;
  const char* name() const override { return "Softmax"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
};

// x - logsumexp(x); same shape and dtype.
class LogSoftmax : public RowPrimitive {
 public:
  using RowPrimitive::RowPrimitive;
  const char* name() const override { return "LogSoftmax"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
};

// log(sum(exp(x))), computed stably (shifted by the max; an infinite max is
// the result). The output keeps the axis with size 1; the ops layer squeezes it.
class LogSumExp : public RowPrimitive {
 public:
  using RowPrimitive::RowPrimitive;
  const char* name() const override { return "LogSumExp"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override {
    Shape out = inputs[0];
    out[axis_] = 1;
    return {out};
  }
};

}  // namespace wmx

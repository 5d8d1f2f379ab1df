// Primitives whose output shares the input's buffer when the strides allow:
// Reshape, Flatten, Squeeze, ExpandDims, Transpose, Broadcast. No data moves
// unless a reshape of a non-contiguous view forces a copy. Reshape fixes its
// output shape; the others say which axes they change, so their output shape
// follows the input's (shapeless compile needs that).
#pragma once
#include <typeinfo>

#include <optional>

#include "primitive.h"

namespace wmx {

// Under shapeless compile a Reshape's shape is worked out again on replay
// from `written`, the shape as the caller wrote it (a -1 included), or from a
// second input whose shape (never its data) it takes (reshape_like).
// Under shapeless compile, a reshape written as unflatten: input axis `axis`
// split into `sizes` (one may be -1), the other axes kept as they come.
struct AxisSplit {
  int axis;
  Shape sizes;
  bool operator==(const AxisSplit&) const = default;
};

class Reshape : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit Reshape(Shape shape, std::optional<Shape> written = std::nullopt,
                   std::optional<AxisSplit> split = std::nullopt)
      : shape_(std::move(shape)), written_(std::move(written)), split_(std::move(split)) {}
  const char* name() const override { return "Reshape"; }
  // A view when strides allow one; otherwise a copy kernel.
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  std::shared_ptr<Primitive> for_shapes(const std::vector<Shape>&, const std::vector<Shape>& outputs) const override {
    return std::make_shared<Reshape>(outputs[0], written_, split_);
  }
  const Shape& shape() const { return shape_; }

 private:
  Shape shape_;
  std::optional<Shape> written_;
  std::optional<AxisSplit> split_;
};

// Axes start..end (inclusive, non-negative) merged into one.
class Flatten : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  Flatten(int start, int end) : start_(start), end_(end) {}
  const char* name() const override { return "Flatten"; }
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;

 private:
  int start_, end_;
};

// Squeeze and ExpandDims: views that drop or insert the size-1 axes listed
// (sorted, non-negative, at least one; ExpandDims' are output positions).
class AxesView : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit AxesView(std::vector<int> axes) : axes_(std::move(axes)) {}
  bool is_equivalent(const Primitive& o) const override {
    return typeid(o) == typeid(*this) && static_cast<const AxesView&>(o).axes_ == axes_;
  }

 protected:
  std::vector<int> axes_;
};

class Squeeze : public AxesView {
 public:
  using AxesView::AxesView;
  const char* name() const override { return "Squeeze"; }
  WMX_VIEW_ON_GPU
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
};

class ExpandDims : public AxesView {
 public:
  using AxesView::AxesView;
  const char* name() const override { return "ExpandDims"; }
  WMX_VIEW_ON_GPU
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
};

class Transpose : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit Transpose(std::vector<int> axes) : axes_(std::move(axes)) {}
  const char* name() const override { return "Transpose"; }
  WMX_VIEW_ON_GPU
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  const std::vector<int>& axes() const { return axes_; }

 private:
  std::vector<int> axes_;
};

// Under shapeless compile a Broadcast's target comes from its second input
// (a shape donor, see broadcast_like), stays as the caller wrote it
// (`written`, broadcast_to_as_written), or else follows what its reader
// calls for (the broadcasts of binary ops; compile_passes.cpp).
class Broadcast : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit Broadcast(Shape shape, bool written = false) : shape_(std::move(shape)), written_(written) {}
  const char* name() const override { return "Broadcast"; }
  WMX_VIEW_ON_GPU
  std::shared_ptr<Primitive> for_shapes(const std::vector<Shape>&, const std::vector<Shape>& outputs) const override {
    return std::make_shared<Broadcast>(outputs[0], written_);
  }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  bool written() const { return written_; }

 private:
  Shape shape_;
  bool written_;
};

class AsType : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit AsType(Dtype dtype) : dtype_(dtype) {}
  const char* name() const override { return "AsType"; }
  bool keeps_shape() const override { return true; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;

 private:
  Dtype dtype_;
};

// The identity, as a view (transforms use it to make tracer inputs).
class Copy : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  const char* name() const override { return "Copy"; }
  WMX_VIEW_ON_GPU
  bool keeps_shape() const override { return true; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
};

// A row-contiguous copy of any view (used when a view can't be expressed).
void copy_to_contiguous(const array& in, array& out);

// Strides that view `in` as `shape` without copying, when they exist: a
// Reshape is a view on either backend exactly when this succeeds.
bool reshape_strides(const array& in, const Shape& shape, Strides& out);

// Whether axis d is one of `axes` (Squeeze's and ExpandDims' shapes and strides).
bool axis_listed(const std::vector<int>& axes, int d);

}  // namespace wmx

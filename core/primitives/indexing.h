// Slicing, gathers, scatters and concatenation.
//
// - Slice: a strided view (set_view, no copy), any step including negative.
// - SliceUpdate: a copy of the input with a strided region overwritten.
// - Gather (MLX's gather): inputs (a, idx_0..idx_{k-1}), the indices already
//   broadcast to one shape I; output shape I ++ slice_sizes, where
//   out[i, j] = a[j + (idx_k[i] on axes[k])].
// - Scatter: inputs (a, idx..., updates) with updates of shape I ++ U
//   (rank(U) == a.ndim): out = a, then out[idx[i] + j] op= updates[i, j]
//   in order (duplicates accumulate; for `set` the last one wins).
// - Concatenate: one copy per input into its region of the output.
// - AsStrided: a view of the input's row-contiguous data.
// Kernels only move bytes where they can (instantiated per element size),
// and scatter's arithmetic is one tiny run function per op x dtype.
#pragma once
#include "primitive.h"
#include "slicing.h"

namespace wmx {

// Slice and SliceUpdate may carry the index as the caller wrote it, one
// entry per axis (`written`, recorded under shapeless compile): their shapes
// then follow new input shapes. Without it they are fixed to the traced shape.
class Slice : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  Slice(Shape start, Shape step, Shape shape, std::vector<WrittenAxis> written = {})
      : start_(std::move(start)), step_(std::move(step)), shape_(std::move(shape)), written_(std::move(written)) {}
  const char* name() const override { return "Slice"; }
  WMX_VIEW_ON_GPU
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  std::shared_ptr<Primitive> for_shapes(const std::vector<Shape>& inputs,
                                        const std::vector<Shape>& outputs) const override;

 private:
  Shape start_, step_, shape_;  // per axis; shape_ is the output's
  std::vector<WrittenAxis> written_;
};

class SliceUpdate : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  SliceUpdate(Shape start, Shape step, std::vector<WrittenAxis> written = {})
      : start_(std::move(start)), step_(std::move(step)), written_(std::move(written)) {}
  const char* name() const override { return "SliceUpdate"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"start", start_}, {"step", step_}}; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  std::shared_ptr<Primitive> for_shapes(const std::vector<Shape>& inputs,
                                        const std::vector<Shape>& outputs) const override;

 private:
  Shape start_, step_;  // the region is update.shape() long on each axis
  std::vector<WrittenAxis> written_;
};

// `whole` marks a gather of whole rows (take, array indexing): slice size 1
// on the indexed axes and the input's full extent on the others, so its
// output shape follows the input's and the indices' (shapeless compile).
class Gather : public Primitive {
 public:
  Gather(std::vector<int> axes, Shape slice_sizes, const char* tag = "gather", bool whole = false)
      : axes_(std::move(axes)), slice_sizes_(std::move(slice_sizes)), tag_(tag), whole_(whole) {}
  WMX_ACCEPTS_COMPLEX  // moves bytes
  const char* name() const override { return "Gather"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  std::shared_ptr<Primitive> for_shapes(const std::vector<Shape>& inputs,
                                        const std::vector<Shape>& outputs) const override;
  PrimitiveState state() const override {
    return {{"axes", std::vector<int64_t>(axes_.begin(), axes_.end())},
            {"sliceSizes", std::vector<int64_t>(slice_sizes_.begin(), slice_sizes_.end())}};
  }

 private:
  std::vector<int> axes_;
  Shape slice_sizes_;
  const char* tag_;  // op named in errors (take, index, ...)
  bool whole_;
};

enum class ScatterOp { set, add, prod, max, min };

// `whole` marks the gradient of a whole-row Gather: its indices are the
// caller's and its updates follow the gather's shape, so under shapeless
// compile its output takes the first input's shape. Other scatters' index
// grids are worked out from traced shapes (put_along_axis, x.at[...]): those
// can't be replayed on others.
class Scatter : public Primitive {
 public:
  Scatter(ScatterOp op, std::vector<int> axes, const char* tag = "scatter", bool whole = false)
      : op_(op), axes_(std::move(axes)), tag_(tag), whole_(whole) {}
  const char* name() const override;
  // Only the plain scatter moves bytes; the others combine values.
  bool accepts_complex() const override { return op_ == ScatterOp::set; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  PrimitiveState state() const override { return {{"axes", std::vector<int64_t>(axes_.begin(), axes_.end())}}; }

 private:
  ScatterOp op_;
  std::vector<int> axes_;
  const char* tag_;
  bool whole_;
};

class Concatenate : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit Concatenate(int axis) : axis_(axis) {}
  const char* name() const override { return "Concatenate"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  PrimitiveState state() const override { return {{"axis", int64_t(axis_)}}; }

 private:
  int axis_;
};

// Operand `part`'s region of a concatenation along `axis` (a view): inputs
// are the concatenation's cotangent and the concatenated operands, whose
// shapes (never their data) place the region. Concatenate's gradient under a
// shapeless compile trace, so it follows new operand shapes on replay.
class ConcatPart : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  ConcatPart(int axis, int part) : axis_(axis), part_(part) {}
  const char* name() const override { return "ConcatPart"; }
  WMX_VIEW_ON_GPU
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;

 private:
  int64_t offset(const std::vector<array>& inputs) const;  // where the region starts on the axis
  int axis_, part_;
};

class AsStrided : public Primitive {
 public:
  AsStrided(Shape shape, Strides strides, int64_t offset)
      : shape_(std::move(shape)), strides_(std::move(strides)), offset_(offset) {}
  const char* name() const override { return "AsStrided"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  // The GPU kernel copies the strided elements (the CPU makes a view).
  PrimitiveState state() const override { return {{"strides", strides_}, {"offset", offset_}}; }

 private:
  Shape shape_;
  Strides strides_;
  int64_t offset_;
};

// Graph builders used by the rules and by shape_ops.cpp (no validation beyond
// shapes: callers validate).
// `written` (see Slice): a slice that is an identity at the traced shape still
// gets its node then, since it may not be one at the next.
array make_slice(const array& a, const Shape& start, const Shape& step, const Shape& out_shape,
                 std::vector<WrittenAxis> written = {});
array make_slice_update(const array& a, const array& update, const Shape& start, const Shape& step,
                        std::vector<WrittenAxis> written = {});
array make_gather(const array& a, const std::vector<array>& indices, const std::vector<int>& axes,
                  const Shape& slice_sizes, const char* tag = "gather");
array make_scatter(const array& a, const std::vector<array>& indices, const array& updates,
                   const std::vector<int>& axes, ScatterOp op, const char* tag = "scatter", bool whole = false);

}  // namespace wmx

// 2-D convolution (MLX layouts: input NHWC, weight OHWI, output NHWC) and its
// two adjoints, as one primitive with three modes that share one im2col
// index map: out[n,oy,ox,o] = sum x[n, oy*s+ky*d-p, ox*s+kx*d-p, g*Cg+c] *
// w[o, ky, kx, c] over in-bounds positions (o in group g).
//   Forward:    (x, w)  -> y      im2col(x), then GEMM per group
//   InputGrad:  (y, w)  -> x      GEMM per group, then col2im (scatter-add)
//   WeightGrad: (x, y)  -> w      im2col(x), then GEMM per group
// The three are the partial gradients of one trilinear form, so each mode's
// vjp and jvp are other modes; conv_transpose is InputGrad.
#pragma once
#include <array>

#include "primitive.h"

namespace wmx {

struct ConvParams {
  std::array<int, 2> stride{1, 1};
  std::array<int, 2> padding{0, 0};
  std::array<int, 2> dilation{1, 1};
  int groups = 1;
  bool operator==(const ConvParams&) const = default;
};

enum class ConvMode { Forward, InputGrad, WeightGrad };

class Conv : public Primitive {
 public:
  Conv(ConvMode mode, ConvParams p, Shape out) : mode_(mode), p_(p), out_shape_(std::move(out)) {}
  const char* name() const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override {
    auto* c = dynamic_cast<const Conv*>(&o);
    return c && c->mode_ == mode_ && c->p_ == p_ && c->out_shape_ == out_shape_;
  }
  // Forward convolutions follow new input shapes (shapeless compile).
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  std::shared_ptr<Primitive> for_shapes(const std::vector<Shape>&, const std::vector<Shape>& outputs) const override {
    return std::make_shared<Conv>(mode_, p_, outputs[0]);
  }
  // Stride, padding and dilation per spatial axis (H, W) and the group count:
  // the mode is the name, the geometry the operands' shapes.
  PrimitiveState state() const override {
    return {{"stride", std::vector<int64_t>(p_.stride.begin(), p_.stride.end())},
            {"padding", std::vector<int64_t>(p_.padding.begin(), p_.padding.end())},
            {"dilation", std::vector<int64_t>(p_.dilation.begin(), p_.dilation.end())},
            {"groups", int64_t(p_.groups)}};
  }
  ConvMode mode() const { return mode_; }
  const ConvParams& params() const { return p_; }

 private:
  ConvMode mode_;
  ConvParams p_;
  Shape out_shape_;
};

// The forward output shape (N, OH, OW, O) for input x (N, H, W, C) and weight
// w (O, KH, KW, C / groups); errors tagged `op` if the padded input is
// smaller than the dilated kernel.
Shape conv_output_shape(const Shape& x, const Shape& w, const ConvParams& p, const char* op);

// The graph builders of the three modes (shapes already validated; operands
// of one floating dtype). `shape` is the output's shape.
array conv_node(ConvMode mode, const ConvParams& p, const array& a, const array& b, const Shape& shape);

}  // namespace wmx

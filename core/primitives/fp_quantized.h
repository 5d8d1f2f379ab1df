// MLX's floating-point microscaling quantization (modes "mxfp4", "mxfp8",
// "nvfp4"; formats in kernels/fp_quantized.h). A row of K values is stored
// as K * bits / 32 uint32 words holding the element codes as little-endian
// bytes (4-bit codes two to a byte, low nibble first), with one uint8 scale
// code per group; there are no biases. The nvfp4 ops take an optional
// float32 scalar global scale as their last input.
#pragma once
#include "backend/cpu/kernels/fp_quantized.h"
#include "primitive.h"

namespace wmx {

// w (..., K) -> [codes (..., K * bits / 32) uint32, scales (..., K / group) uint8].
class FpQuantize : public Primitive {
 public:
  FpQuantize(FpMode mode, bool global_scale) : mode_(mode), global_scale_(global_scale) {}
  const char* name() const override { return "FpQuantize"; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"mode", std::string(fp_mode_name(mode_))}}; }

 private:
  FpMode mode_;
  bool global_scale_;
};

// (codes, scales[, global scale]) -> the dequantized (..., K) of dtype `dtype`.
class FpDequantize : public Primitive {
 public:
  FpDequantize(FpMode mode, bool global_scale, Dtype dtype) : mode_(mode), global_scale_(global_scale), dtype_(dtype) {}
  const char* name() const override { return "FpDequantize"; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"mode", std::string(fp_mode_name(mode_))}}; }

 private:
  FpMode mode_;
  bool global_scale_;
  Dtype dtype_;  // the output's
};

// MLX's qqmm: x (M, K) quantized and dequantized on the fly, times the
// transposed (N, K) weights, which are either quantized (codes and scales)
// or floats quantized and dequantized on the fly. Inputs: x, w[, scales]
// [, global scale of x, global scale of w] (nvfp4 only, both or neither).
// The products run in float32; the output has x's dtype.
class QQMatmul : public Primitive {
 public:
  QQMatmul(FpMode mode, bool w_quantized, bool global_scales)
      : mode_(mode), w_quantized_(w_quantized), global_scales_(global_scales) {}
  const char* name() const override { return "QQMatmul"; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  // MLX's straight-through gradients (jvp and vmap: none, as in MLX).
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums, const std::vector<array>& outputs) override;
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"mode", std::string(fp_mode_name(mode_))}}; }

 private:
  FpMode mode_;
  bool w_quantized_, global_scales_;
};

}  // namespace wmx

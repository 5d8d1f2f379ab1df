// MLX's affine group-wise quantization (mode "affine"): a matrix row of K
// values is stored as K * bits / 32 uint32 words holding the bits-wide codes
// as one little-endian bit stream (code i at bits [i*bits, (i+1)*bits)), with
// one scale and one bias per group of `group_size` consecutive values:
// value = scale * code + bias.
#pragma once
#include "primitive.h"

namespace wmx {

// x (..., K) times the dequantized w: transpose (MLX's default) reads w as
// (N, K) and computes x @ w.T; otherwise w is (K, N). w, scales and biases
// may carry batch dims, then broadcast with x's by the ops layer. Codes are
// dequantized one row at a time inside the kernel: the full matrix is never
// materialised.
class QuantizedMatmul : public Primitive {
 public:
  QuantizedMatmul(int group_size, int bits, bool transpose)
      : group_size_(group_size), bits_(bits), transpose_(transpose) {}
  const char* name() const override { return "QuantizedMatmul"; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override {
    return {{"group_size", int64_t(group_size_)}, {"bits", int64_t(bits_)}, {"transpose", transpose_}};
  }

 private:
  int group_size_, bits_;
  bool transpose_;
};

// The dequantized matrix (w, scales, biases) -> (..., K) of the scales' dtype.
class Dequantize : public Primitive {
 public:
  Dequantize(int group_size, int bits) : group_size_(group_size), bits_(bits) {}
  const char* name() const override { return "Dequantize"; }
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;
  PrimitiveState state() const override { return {{"group_size", int64_t(group_size_)}, {"bits", int64_t(bits_)}}; }

 private:
  int group_size_, bits_;
};

// A row-contiguous copy of `x` as dtype `t` (x itself when it already is
// one): the quantized kernels' view of an input (also primitives/fp_quantized).
array row_contiguous_as(const array& x, Dtype t);

}  // namespace wmx

#include "quantized_ops.h"

#include <algorithm>
#include <memory>

#include "error.h"
#include "ops.h"
#include "math_ops.h"
#include "primitives/fp_quantized.h"
#include "primitives/quantized.h"
#include "shape_ops.h"

namespace wmx {

namespace {

// The bits and group sizes MLX's affine kernels take.
void check_params(const char* op, int group_size, int bits) {
  if (group_size != 32 && group_size != 64 && group_size != 128)
    fail(op, "The requested group size ", group_size,
         " is not supported. The supported group sizes are 32, 64, and 128.");
  if (bits < 2 || bits > 8 || bits == 7)
    fail(op, "The requested number of bits ", bits, " is not supported. The supported bits are 2, 3, 4, 5, 6 and 8.");
}

// MLX's validate_mode_with_type for "affine": the scales' and biases' common
// dtype, which must be floating.
Dtype scale_type(const char* op, const array& scales, const array& biases) {
  Dtype t = promote_types(scales.dtype(), biases.dtype());
  if (!is_floating(t))
    fail(op, "Only real floating types are supported but scales.dtype() == ", name_of(scales.dtype()),
         " and biases.dtype() == ", name_of(biases.dtype()), ".");
  return t;
}

// MLX's validate_quantized_input (biases: null in the fp modes).
void check_quantized(const char* op, const array& w, const array& scales, const array* biases, int group_size,
                     int bits) {
  if (w.dtype() != Dtype::uint32)
    fail(op, "The weight matrix should be uint32 but received ", name_of(w.dtype()));
  if (w.ndim() < 2) fail(op, "The weight matrix must have at least 2 dimensions but it has ", w.ndim(), ".");
  if (biases && scales.shape() != biases->shape())
    fail(op, "Scales and biases should have the same shape. Received scales with shape ", shape_str(scales.shape()),
         " and biases with ", shape_str(biases->shape()));
  if (scales.ndim() != w.ndim() || !std::equal(w.shape().begin(), w.shape().end() - 1, scales.shape().begin()))
    fail(op, "Weight and scales should have the same batch shape. Received weight with shape ", shape_str(w.shape()),
         ", scales with ", shape_str(scales.shape()), ".");
  if (w.shape(-1) * 32 / bits != scales.shape(-1) * group_size)
    fail(op, "The shapes of the weight and scales are incompatible based on bits and group_size. w.shape() == ",
         shape_str(w.shape()), " and scales.shape() == ", shape_str(scales.shape()), " with group_size=", group_size,
         " and bits=", bits);
}

// MLX's check that x's last axis meets the expanded (inner, outer) matrix;
// returns outer.
int64_t matmul_outer(const char* op, const array& x, const array& w, bool transpose, int group_size, int bits) {
  const int64_t packed_k = w.shape(-1) * 32 / bits;
  const int64_t inner = transpose ? packed_k : w.shape(-2);
  const int64_t outer = transpose ? w.shape(-2) : packed_k;
  if (x.ndim() < 1) fail(op, "The first input must have at least 1 dimension.");
  if (x.shape(-1) != inner)
    fail(op, "Last dimension of first input with shape (..., ", x.shape(-1),
         ") does not match the expanded quantized matrix (", inner, ", ", outer, ") computed from shape ",
         shape_str(w.shape()), " with group_size=", group_size, ", bits=", bits,
         " and transpose=", transpose ? "true" : "false");
  return outer;
}

// The group size and bits an fp mode requires (MLX's fp_quantize and fp_dequantize).
void check_fp_params(const char* op, FpMode mode, int group_size, int bits) {
  if (group_size != fp_group_size(mode))
    fail(op, fp_mode_name(mode), " quantization requires group size ", fp_group_size(mode), " but got ", group_size,
         ".");
  if (bits != fp_bits(mode))
    fail(op, fp_mode_name(mode), " quantization requires bits to be ", fp_bits(mode), " but got ", bits, ".");
}

// MLX's validate_global_scale.
void check_global_scale(const char* op, FpMode mode, const std::optional<array>& g) {
  if (!g) return;
  if (mode != FpMode::nvfp4) fail(op, "Global scale is only supported for 'nvfp4' quantization mode.");
  if (g->size() != 1) fail(op, "Global scale must be a scalar but got shape ", shape_str(g->shape()), ".");
  if (g->dtype() != Dtype::float32) fail(op, "Global scale must have dtype float32 but got ", name_of(g->dtype()), ".");
}

// MLX's check that the fp modes' scales are uint8.
void check_fp_scales(const char* op, const array& scales) {
  if (scales.dtype() != Dtype::uint8)
    fail(op, "Scale type must be uint8 but received type ", name_of(scales.dtype()), ".");
}

// qqmm's operands must be float32, float16 or bfloat16 (MLX).
void check_qqmm_float(const array& a, const char* which) {
  if (!is_floating(a.dtype()) || a.dtype() == Dtype::float64)
    fail("qqmm", "Only real floating types except float64 are supported but ", which, " dtype == ",
         name_of(a.dtype()), ".");
}

}  // namespace

array quantized_matmul(const array& x, const array& w, const array& scales, const array& biases, bool transpose,
                       int group_size, int bits) {
  const char* op = "quantized_matmul";
  check_params(op, group_size, bits);
  Dtype t = scale_type(op, scales, biases);
  check_quantized(op, w, scales, &biases, group_size, bits);
  const int64_t outer = matmul_outer(op, x, w, transpose, group_size, bits);
  t = promote_types(x.dtype(), t);
  if (!is_floating(t))
    fail(op, "Only real floating types are supported but x.dtype() == ", name_of(x.dtype()), ".");
  std::vector<array> in = {astype(x, t), w, astype(scales, t), astype(biases, t)};
  if (w.ndim() > 2) {
    // Batched weights: x and the weights broadcast over their batch dims.
    if (x.ndim() < 2) fail(op, "With batched weights the first input must have at least 2 dimensions.");
    Shape xb(in[0].shape().begin(), in[0].shape().end() - 2), wb(w.shape().begin(), w.shape().end() - 2);
    Shape batch = broadcast_shapes(xb, wb, op);
    for (size_t i = 0; i < in.size(); ++i) {
      Shape s = batch;
      s.push_back(in[i].shape(-2));
      s.push_back(in[i].shape(-1));
      in[i] = broadcast_to(in[i], s, op);
    }
  }
  Shape out_shape = in[0].shape();
  out_shape.back() = outer;
  return array(out_shape, t, std::make_shared<QuantizedMatmul>(group_size, bits, transpose), in);
}

array dequantize(const array& w, const array& scales, const array& biases, int group_size, int bits) {
  const char* op = "dequantize";
  check_params(op, group_size, bits);
  Dtype t = scale_type(op, scales, biases);
  if (w.dtype() != Dtype::uint32) fail(op, "The matrix should be given as a uint32");
  if (w.ndim() < 2)
    fail(op, "The matrix to be dequantized must have at least 2 dimension but it has only ", w.ndim(), ".");
  if (scales.shape() != biases.shape() || scales.ndim() != w.ndim() ||
      !std::equal(w.shape().begin(), w.shape().end() - 1, scales.shape().begin()))
    fail(op, "Shape of scales and biases does not match the matrix");
  if (w.shape(-1) * 32 / bits != scales.shape(-1) * group_size)
    fail(op, "Shape of scales and biases does not match the matrix given the quantization parameters. ",
         "Provided matrix of shape ", shape_str(w.shape()), " and scales/biases of shape ", shape_str(scales.shape()),
         " with group_size=", group_size, " and bits=", bits, ".");
  Shape out_shape = w.shape();
  out_shape.back() = w.shape(-1) * 32 / bits;
  return array(out_shape, t, std::make_shared<Dequantize>(group_size, bits),
               {w, astype(scales, t), astype(biases, t)});
}

// ---- the floating-point modes ----

std::vector<array> fp_quantize(const array& w, FpMode mode, int group_size, int bits,
                               const std::optional<array>& global_scale) {
  const char* op = "quantize";
  if (!is_floating(w.dtype()))
    fail(op, "Only real floating types can be quantized but w has type ", name_of(w.dtype()), ".");
  if (w.ndim() < 2)
    fail(op, "The matrix to be quantized must have at least 2 dimension but it has only ", w.ndim(), ".");
  if (group_size > 0 && w.shape(-1) % group_size != 0)
    fail(op, "The last dimension of the matrix needs to be divisible by the quantization group size ", group_size,
         ". However the provided  matrix has shape ", shape_str(w.shape()));
  check_global_scale(op, mode, global_scale);
  check_fp_params(op, mode, group_size, bits);
  Shape codes = w.shape(), scales = w.shape();
  codes.back() = w.shape(-1) * bits / 32;
  scales.back() = w.shape(-1) / group_size;
  std::vector<array> in = {w};
  if (global_scale) in.push_back(*global_scale);
  return array::make_arrays({codes, scales}, {Dtype::uint32, Dtype::uint8},
                            std::make_shared<FpQuantize>(mode, global_scale.has_value()), in);
}

namespace {

// The dequantized matrix, the operands already checked.
array fp_dequantized(const array& w, const array& scales, FpMode mode, const std::optional<array>& global_scale,
                     Dtype dtype) {
  Shape out = w.shape();
  out.back() = w.shape(-1) * 32 / fp_bits(mode);
  std::vector<array> in = {w, scales};
  if (global_scale) in.push_back(*global_scale);
  return array(out, dtype, std::make_shared<FpDequantize>(mode, global_scale.has_value(), dtype), in);
}

}  // namespace

array fp_dequantize(const array& w, const array& scales, FpMode mode, int group_size, int bits,
                    const std::optional<array>& global_scale, Dtype dtype) {
  const char* op = "dequantize";
  if (!is_floating(dtype))
    fail(op, "Only real floating types are supported but output dtype == ", name_of(dtype), ".");
  check_fp_scales(op, scales);
  if (bits <= 0) fail(op, "Invalid value for bits: ", bits);
  if (group_size <= 0) fail(op, "Invalid value for group_size: ", group_size);
  if (w.dtype() != Dtype::uint32) fail(op, "The matrix should be given as a uint32");
  if (w.ndim() < 2)
    fail(op, "The matrix to be dequantized must have at least 2 dimension but it has only ", w.ndim(), ".");
  check_global_scale(op, mode, global_scale);
  check_fp_params(op, mode, group_size, bits);
  if (scales.ndim() != w.ndim() || !std::equal(w.shape().begin(), w.shape().end() - 1, scales.shape().begin()))
    fail(op, "Shape of scales does not match the matrix");
  if (w.shape(-1) * 32 / bits != scales.shape(-1) * group_size)
    fail(op, "Shape of scales does not match the matrix given the quantization parameters. Provided matrix of shape ",
         shape_str(w.shape()), " and scales of shape ", shape_str(scales.shape()), ".");
  return fp_dequantized(w, scales, mode, global_scale, dtype);
}

// Composed as the dequantized matrix times x (of x's dtype): gradients and
// vmap come from matmul's rules, and the dequantized operand has no gradient
// (MLX has none w.r.t. the codes or the fp scales either).
array fp_quantized_matmul(const array& x, const array& w, const array& scales, bool transpose, FpMode mode,
                          int group_size, int bits, const char* op) {
  check_fp_scales(op, scales);
  check_quantized(op, w, scales, nullptr, group_size, bits);
  matmul_outer(op, x, w, transpose, group_size, bits);
  if (!is_floating(x.dtype()))
    fail(op, "Only real floating types are supported but x.dtype() == ", name_of(x.dtype()), ".");
  check_fp_params(op, mode, group_size, bits);
  array wd = fp_dequantized(w, scales, mode, std::nullopt, x.dtype());
  return matmul(x, transpose ? swapaxes(wd, -1, -2) : wd);
}

array qqmm(const array& x_in, const array& w, const std::optional<array>& scales, FpMode mode, int group_size,
           int bits, const std::optional<array>& global_scale_x, const std::optional<array>& global_scale_w) {
  const char* op = "qqmm";
  // MLX: a vector is one row; with 2-D weights, x's leading axes fold into rows.
  array x = x_in;
  if (x.ndim() == 1) x = expand_dims(x, {0});
  else if (w.ndim() == 2 && x.ndim() > 2) x = flatten(x, 0, -2);
  if (x.ndim() != 2 || w.ndim() != 2)
    fail(op, "Only 2D inputs are supported but x.ndim() == ", x.ndim(), " and w.ndim() == ", w.ndim(), ".");
  const bool w_quantized = w.dtype() == Dtype::uint32;
  if (w_quantized) {
    if (!scales) fail(op, "Scales must be provided if second argument is quantized.");
    check_fp_scales(op, *scales);
    check_quantized(op, w, *scales, nullptr, group_size, bits);
  } else {
    if (scales) fail(op, "Scales must not be provided when the second argument is not quantized (uint32).");
    check_qqmm_float(w, "second argument");
  }
  check_qqmm_float(x, "first argument");
  check_global_scale(op, mode, global_scale_x);
  check_global_scale(op, mode, global_scale_w);
  if (mode == FpMode::nvfp4 && global_scale_x.has_value() != global_scale_w.has_value())
    fail(op, "For nvfp4 mode, either both global_scale_x and global_scale_w must be provided, or neither.");
  check_fp_params(op, mode, group_size, bits);
  int64_t n;
  if (w_quantized) {
    n = matmul_outer(op, x, w, true, group_size, bits);
  } else {
    if (x.shape(-1) != w.shape(-1))
      fail(op, "Last dimension of first input with shape ", shape_str(x.shape()),
           " must match last dimension of second input with shape ", shape_str(w.shape()), ".");
    if (x.shape(-1) % group_size != 0)
      fail(op, "The last dimension of the inputs needs to be divisible by the quantization group size ", group_size,
           " but it is ", x.shape(-1), ".");
    n = w.shape(-2);
  }
  std::vector<array> in = {x, w};
  if (scales) in.push_back(*scales);
  const bool global = global_scale_x && global_scale_w;
  if (global) in.push_back(*global_scale_x), in.push_back(*global_scale_w);
  array out({x.shape(0), n}, x.dtype(), std::make_shared<QQMatmul>(mode, w_quantized, global), in);
  if (x_in.ndim() > 2) return unflatten(out, 0, Shape(x_in.shape().begin(), x_in.shape().end() - 1));
  if (x_in.ndim() == 1) return squeeze(out, {0});
  return out;
}

}  // namespace wmx

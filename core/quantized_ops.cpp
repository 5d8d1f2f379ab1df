#include "quantized_ops.h"

#include <algorithm>
#include <memory>

#include "error.h"
#include "ops.h"
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

// MLX's validate_quantized_input.
void check_quantized(const char* op, const array& w, const array& scales, const array& biases, int group_size,
                     int bits) {
  if (w.dtype() != Dtype::uint32)
    fail(op, "The weight matrix should be uint32 but received ", name_of(w.dtype()));
  if (w.ndim() < 2) fail(op, "The weight matrix must have at least 2 dimensions but it has ", w.ndim(), ".");
  if (scales.shape() != biases.shape())
    fail(op, "Scales and biases should have the same shape. Received scales with shape ", shape_str(scales.shape()),
         " and biases with ", shape_str(biases.shape()));
  if (scales.ndim() != w.ndim() || !std::equal(w.shape().begin(), w.shape().end() - 1, scales.shape().begin()))
    fail(op, "Weight and scales should have the same batch shape. Received weight with shape ", shape_str(w.shape()),
         ", scales with ", shape_str(scales.shape()), ".");
  if (w.shape(-1) * 32 / bits != scales.shape(-1) * group_size)
    fail(op, "The shapes of the weight and scales are incompatible based on bits and group_size. w.shape() == ",
         shape_str(w.shape()), " and scales.shape() == ", shape_str(scales.shape()), " with group_size=", group_size,
         " and bits=", bits);
}

}  // namespace

array quantized_matmul(const array& x, const array& w, const array& scales, const array& biases, bool transpose,
                       int group_size, int bits) {
  const char* op = "quantized_matmul";
  check_params(op, group_size, bits);
  Dtype t = scale_type(op, scales, biases);
  check_quantized(op, w, scales, biases, group_size, bits);
  if (x.ndim() < 1) fail(op, "The first input must have at least 1 dimension.");
  const int64_t packed_k = w.shape(-1) * 32 / bits;
  const int64_t inner = transpose ? packed_k : w.shape(-2);
  const int64_t outer = transpose ? w.shape(-2) : packed_k;
  if (x.shape(-1) != inner)
    fail(op, "Last dimension of first input with shape (..., ", x.shape(-1),
         ") does not match the expanded quantized matrix (", inner, ", ", outer, ") computed from shape ",
         shape_str(w.shape()), " with group_size=", group_size, ", bits=", bits,
         " and transpose=", transpose ? "true" : "false");
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

}  // namespace wmx

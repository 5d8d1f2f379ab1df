#include "conv_ops.h"

#include "error.h"
#include "ops.h"
#include "primitives/conv.h"
#include "shape_ops.h"

namespace wmx {

namespace {

void check_params(const char* op, const ConvParams& p) {
  for (int i = 0; i < 2; ++i) {
    if (p.stride[i] < 1) fail(op, "Stride must be positive, got ", p.stride[i], ".");
    if (p.dilation[i] < 1) fail(op, "Dilation must be positive, got ", p.dilation[i], ".");
    if (p.padding[i] < 0) fail(op, "Padding must be non-negative, got ", p.padding[i], ".");
  }
  if (p.groups < 1) fail(op, "Groups must be positive, got ", p.groups, ".");
}

Dtype conv_dtype(const char* op, const array& x, const array& w) {
  Dtype t = promote_types(x.dtype(), w.dtype());
  if (!is_floating(t))
    fail(op, "Only real floating point types are supported but ", name_of(x.dtype()), " and ", name_of(w.dtype()),
         " were provided.");
  return t;
}

array conv2d_impl(const char* op, const array& x, const array& w, const ConvParams& p) {
  check_params(op, p);
  if (x.ndim() != 4) fail(op, "Expected the input to have 4 dimensions (N, H, W, C), got shape ", shape_str(x.shape()), ".");
  if (w.ndim() != 4) fail(op, "Expected the weight to have 4 dimensions (O, KH, KW, C), got shape ", shape_str(w.shape()), ".");
  const int64_t C = x.shape(3), O = w.shape(0);
  if (C % p.groups != 0 || w.shape(3) * p.groups != C)
    fail(op, "Expected the input's channels (", C, ") to equal the weight's input channels (", w.shape(3),
         ") times groups (", p.groups, ").");
  if (O % p.groups != 0) fail(op, "The output channels (", O, ") must be divisible by groups (", p.groups, ").");
  Shape out = conv_output_shape(x.shape(), w.shape(), p, op);
  Dtype t = conv_dtype(op, x, w);
  return conv_node(ConvMode::Forward, p, astype(x, t), astype(w, t), out);
}

array conv_transpose2d_impl(const char* op, const array& x, const array& w, const ConvParams& p) {
  check_params(op, p);
  if (x.ndim() != 4) fail(op, "Expected the input to have 4 dimensions (N, H, W, C), got shape ", shape_str(x.shape()), ".");
  if (w.ndim() != 4) fail(op, "Expected the weight to have 4 dimensions (O, KH, KW, C), got shape ", shape_str(w.shape()), ".");
  const int64_t C = x.shape(3), O = w.shape(0), G = p.groups;
  if (C % G != 0 || w.shape(3) * G != C)
    fail(op, "Expected the input's channels (", C, ") to equal the weight's input channels (", w.shape(3),
         ") times groups (", G, ").");
  if (O % G != 0) fail(op, "The output channels (", O, ") must be divisible by groups (", G, ").");
  Dtype t = conv_dtype(op, x, w);
  // As the adjoint of a forward conv from O channels to C channels, whose weight is
  // (C, KH, KW, O / G): wf[g*Cg + a, ky, kx, b] = w[g*Og + b, ky, kx, a].
  const int64_t Cg = C / G, Og = O / G, KH = w.shape(1), KW = w.shape(2);
  array wf = reshape(w, {G, Og, KH, KW, Cg});
  wf = reshape(transpose(wf, {0, 4, 2, 3, 1}), {C, KH, KW, Og});
  Shape out{x.shape(0), 0, 0, O};
  for (int i = 0; i < 2; ++i) {
    int64_t k = w.shape(1 + i);
    int64_t n = (x.shape(1 + i) - 1) * p.stride[i] - 2 * int64_t(p.padding[i]) + int64_t(p.dilation[i]) * (k - 1) + 1;
    if (n <= 0) fail(op, "The output would have a non-positive size (", n, ") along spatial axis ", i, ".");
    out[1 + i] = n;
  }
  return conv_node(ConvMode::InputGrad, p, astype(x, t), astype(wf, t), out);
}

array squeeze_h(const array& y) { return squeeze(y, {1}); }

}  // namespace

array conv2d(const array& x, const array& w, std::array<int, 2> stride, std::array<int, 2> padding,
             std::array<int, 2> dilation, int groups) {
  return conv2d_impl("conv2d", x, w, {stride, padding, dilation, groups});
}

array conv1d(const array& x, const array& w, int stride, int padding, int dilation, int groups) {
  const char* op = "conv1d";
  if (x.ndim() != 3) fail(op, "Expected the input to have 3 dimensions (N, L, C), got shape ", shape_str(x.shape()), ".");
  if (w.ndim() != 3) fail(op, "Expected the weight to have 3 dimensions (O, K, C), got shape ", shape_str(w.shape()), ".");
  return squeeze_h(conv2d_impl(op, expand_dims(x, {1}), expand_dims(w, {1}),
                               {{1, stride}, {0, padding}, {1, dilation}, groups}));
}

array conv_transpose2d(const array& x, const array& w, std::array<int, 2> stride, std::array<int, 2> padding,
                       std::array<int, 2> dilation, int groups) {
  return conv_transpose2d_impl("conv_transpose2d", x, w, {stride, padding, dilation, groups});
}

array conv_transpose1d(const array& x, const array& w, int stride, int padding, int dilation, int groups) {
  const char* op = "conv_transpose1d";
  if (x.ndim() != 3) fail(op, "Expected the input to have 3 dimensions (N, L, C), got shape ", shape_str(x.shape()), ".");
  if (w.ndim() != 3) fail(op, "Expected the weight to have 3 dimensions (O, K, C), got shape ", shape_str(w.shape()), ".");
  return squeeze_h(conv_transpose2d_impl(op, expand_dims(x, {1}), expand_dims(w, {1}),
                                         {{1, stride}, {0, padding}, {1, dilation}, groups}));
}

}  // namespace wmx

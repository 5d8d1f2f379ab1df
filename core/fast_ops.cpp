#include "fast_ops.h"

#include <cmath>
#include <limits>

#include "compile.h"
#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "reduce_ops.h"
#include "shape_ops.h"
#include "primitives/indexing.h"
#include "primitives/norm.h"
#include "primitives/reduce.h"

namespace wmx {

namespace {

Dtype float_dtype(const array& x) { return is_inexact(x.dtype()) ? x.dtype() : Dtype::float32; }

array scalar_like(double v, Dtype t) { return array::scalar(v, t); }

void check_last(const char* op, const char* what, const array& x, const std::optional<array>& p) {
  if (!p) return;
  if (p->ndim() != 1) fail(op, what, " must have 1 dimension, got ", p->ndim(), ".");
  if (x.ndim() == 0 || p->shape(0) != x.shape(-1))
    fail(op, what, " of size ", p->shape(0), " does not match the last axis of the input with shape ",
         shape_str(x.shape()), ".");
}

// x[..., start:stop:step] along the last axis. Under a shapeless trace the
// slice keeps its written form, so the other axes follow new shapes.
array last_axis_slice(const array& x, int64_t start, std::optional<int64_t> stop, int64_t step = 1) {
  const SliceArg w{start, stop, step};
  const SliceRange r = slice_range(x.shape(-1), w, "slice");
  Shape st(x.ndim(), 0), sp(x.ndim(), 1), shape = x.shape();
  st.back() = r.start;
  sp.back() = r.step;
  shape.back() = r.len;
  std::vector<WrittenAxis> written;
  if (tracing_shapeless()) {
    written.resize(x.ndim());
    written.back().slice = w;
  }
  return make_slice(x, st, sp, shape, std::move(written));
}

}  // namespace

array rms_norm(const array& x, const std::optional<array>& weight, double eps) {
  ShapelessOrigin origin("rms_norm");
  const char* op = "rms_norm";
  if (x.ndim() == 0) fail(op, "The input must have at least one dimension.");
  check_last(op, "weight", x, weight);
  Dtype t = float_dtype(x);
  if (weight) t = promote_types(t, weight->dtype());
  // One row primitive (primitives/norm.h); statistics in float32 at least, as MLX.
  std::vector<array> in = {astype(x, t)};
  if (weight) in.push_back(astype(*weight, t));
  return array(x.shape(), t, std::make_shared<RMSNorm>(eps, bool(weight)), std::move(in));
}

array layer_norm(const array& x, const std::optional<array>& weight, const std::optional<array>& bias, double eps) {
  ShapelessOrigin origin("layer_norm");
  const char* op = "layer_norm";
  if (x.ndim() == 0) fail(op, "The input must have at least one dimension.");
  check_last(op, "weight", x, weight);
  check_last(op, "bias", x, bias);
  Dtype t = float_dtype(x);
  if (weight) t = promote_types(t, weight->dtype());
  if (bias) t = promote_types(t, bias->dtype());
  std::vector<array> in = {astype(x, t)};
  if (weight) in.push_back(astype(*weight, t));
  if (bias) in.push_back(astype(*bias, t));
  return array(x.shape(), t, std::make_shared<LayerNorm>(eps, bool(weight), bool(bias)), std::move(in));
}

array rope(const array& x, int dims, bool traditional, double base, double scale, int offset) {
  ShapelessOrigin origin("rope");
  const char* op = "rope";
  if (x.ndim() < 2) fail(op, "The input must have at least 2 dimensions (positions, features), got shape ",
                         shape_str(x.shape()), ".");
  const int64_t D = x.shape(-1), T = x.shape(-2);
  if (dims <= 0 || dims % 2 != 0) fail(op, "dims must be a positive even number, got ", dims, ".");
  if (dims > D) fail(op, "dims (", dims, ") is larger than the feature size (", D, ").");
  Dtype t = float_dtype(x);
  const int64_t half = dims / 2;
  // Angles in float32: theta[t, i] = (offset + t) * scale * base^(-2i/dims).
  array inv = exp(multiply(arange(0.0, double(half), 1.0, Dtype::float32),
                           scalar_like(-2.0 * std::log(base) / double(dims), Dtype::float32)));
  array xt = astype(x, t);
  array pos;
  if (tracing_shapeless()) {
    // The positions follow the length on replay: 0, 1, ... counted along the
    // position axis of a ones array shaped like the rotated half.
    array ones = full_like(last_axis_slice(xt, 0, half), 1.0, Dtype::float32);
    pos = cumsum(ones, -2, false, /*inclusive=*/false);
    pos = multiply(add(pos, scalar_like(double(offset), Dtype::float32)), scalar_like(scale, Dtype::float32));
  } else {
    pos = reshape(multiply(arange(double(offset), double(offset + T), 1.0, Dtype::float32),
                           scalar_like(scale, Dtype::float32)), {T, 1});
  }
  array theta = multiply(pos, inv);  // (T, half), or (..., T, half) under shapeless
  array cs = astype(cos(theta), t), sn = astype(sin(theta), t);
  // Traditional rotates interleaved pairs (0,1), (2,3)...; otherwise the two halves.
  array x1 = traditional ? last_axis_slice(xt, 0, dims, 2) : last_axis_slice(xt, 0, half);
  array x2 = traditional ? last_axis_slice(xt, 1, dims, 2) : last_axis_slice(xt, half, dims);
  array y1 = subtract(multiply(x1, cs), multiply(x2, sn));
  array y2 = add(multiply(x1, sn), multiply(x2, cs));
  array out = traditional ? flatten(stack({y1, y2}, -1), -2, -1) : concatenate({y1, y2}, -1);
  if (dims < D) out = concatenate({out, last_axis_slice(xt, dims, std::nullopt)}, -1);
  return out;
}

array scaled_dot_product_attention(const array& q, const array& k, const array& v, double scale,
                                   const std::optional<array>& mask, bool causal) {
  ShapelessOrigin origin("scaled_dot_product_attention");
  const char* op = "scaled_dot_product_attention";
  if (q.ndim() != 4 || k.ndim() != 4 || v.ndim() != 4)
    fail(op, "Expected queries, keys and values with 4 dimensions (B, N, T, D), got ", shape_str(q.shape()), ", ",
         shape_str(k.shape()), " and ", shape_str(v.shape()), ".");
  const int64_t B = q.shape(0), Nq = q.shape(1), Tq = q.shape(2), D = q.shape(3);
  const int64_t Nk = k.shape(1), Tk = k.shape(2);
  if (k.shape(3) != D) fail(op, "Queries and keys have different feature sizes (", D, " and ", k.shape(3), ").");
  if (k.shape(0) != B || v.shape(0) != B) fail(op, "Queries, keys and values must have the same batch size.");
  if (v.shape(1) != Nk || v.shape(2) != Tk) fail(op, "Keys ", shape_str(k.shape()), " and values ", shape_str(v.shape()),
                                                 " must agree in heads and length.");
  if (Nq % Nk != 0) fail(op, "The number of query heads (", Nq, ") must be a multiple of the key/value heads (", Nk, ").");
  if (causal && mask) fail(op, "Give either a mask array or the causal mask, not both.");
  Dtype t = promote_types(promote_types(float_dtype(q), float_dtype(k)), float_dtype(v));
  const int64_t rep = Nq / Nk;
  const bool shapeless = tracing_shapeless();
  array qs = astype(q, t);
  if (!std::isnan(scale)) {
    qs = multiply(qs, scalar_like(scale, t));
  } else if (!shapeless) {  // the default, 1/sqrt(D)
    qs = multiply(qs, scalar_like(1.0 / std::sqrt(double(D)), t));
  } else {  // from D at run time, so a replay on another feature size scales by its own
    array d(Shape{}, t, std::make_shared<NumberOfElements>(std::vector<int>{3}, false, t), {qs});
    qs = multiply(qs, rsqrt(d));
  }
  // Query heads grouped by the key/value head they share: (B, Nk, rep, Tq, D),
  // with unflatten and flatten, whose other axes follow new shapes.
  array kt = swapaxes(astype(k, t), -1, -2), vt = astype(v, t);
  array s = rep == 1 ? matmul(qs, kt) : matmul(unflatten(qs, 1, {Nk, rep}), expand_dims(kt, {2}));
  Dtype acc = t == Dtype::float64 ? t : Dtype::float32;
  s = astype(s, acc);
  if (rep > 1) s = flatten(s, 1, 2);  // (B, Nq, Tq, Tk)
  const double ninf = -std::numeric_limits<double>::infinity();
  if (causal && shapeless) {
    // Query i sits at position Tk - Tq + i: it sees key j when
    // Tq - 1 - i <= Tk - 1 - j, both counted from the end at run time.
    array ones = full_like(s, 1.0, Dtype::int32);
    array from_end_q = cumsum(ones, -2, true, false), from_end_k = cumsum(ones, -1, true, false);
    s = where(less_equal(from_end_q, from_end_k), s, scalar_like(ninf, acc));
  } else if (causal) {
    array qi = reshape(arange(double(Tk - Tq), double(Tk), 1.0, Dtype::int32), {Tq, 1});
    array ki = reshape(arange(0.0, double(Tk), 1.0, Dtype::int32), {1, Tk});
    s = where(greater_equal(qi, ki), s, scalar_like(ninf, acc));
  } else if (mask) {
    Shape ms = broadcast_shapes(mask->shape(), s.shape(), op);
    if (ms != s.shape())
      fail(op, "The mask with shape ", shape_str(mask->shape()), " does not broadcast to the scores' shape ",
           shape_str(s.shape()), ".");
    if (mask->dtype() == Dtype::bool_)
      s = where(*mask, s, scalar_like(ninf, acc));
    else
      s = add(s, astype(*mask, acc));
  }
  array p = astype(softmax(s, {-1}), t);  // the one-pass row kernel
  if (rep == 1) return matmul(p, vt);
  array o = matmul(unflatten(p, 1, {Nk, rep}), expand_dims(vt, {2}));  // (B, Nk, rep, Tq, Dv)
  return flatten(o, 1, 2);
}

}  // namespace wmx

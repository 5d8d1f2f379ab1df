#include "fast_ops.h"

#include <cmath>
#include <limits>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "reduce_ops.h"
#include "shape_ops.h"

namespace wmx {

namespace {

Dtype float_dtype(const array& x) { return is_floating(x.dtype()) ? x.dtype() : Dtype::float32; }

array scalar_like(double v, Dtype t) { return array::scalar(v, t); }

void check_last(const char* op, const char* what, const array& x, const std::optional<array>& p) {
  if (!p) return;
  if (p->ndim() != 1) fail(op, what, " must have 1 dimension, got ", p->ndim(), ".");
  if (x.ndim() == 0 || p->shape(0) != x.shape(-1))
    fail(op, what, " of size ", p->shape(0), " does not match the last axis of the input with shape ",
         shape_str(x.shape()), ".");
}

}  // namespace

array rms_norm(const array& x, const std::optional<array>& weight, double eps) {
  const char* op = "rms_norm";
  if (x.ndim() == 0) fail(op, "The input must have at least one dimension.");
  check_last(op, "weight", x, weight);
  Dtype t = float_dtype(x);
  if (weight) t = promote_types(t, weight->dtype());
  // Statistics in float32 at least, as MLX accumulates.
  Dtype acc = t == Dtype::float64 ? t : Dtype::float32;
  array xf = astype(x, acc);
  array r = rsqrt(add(mean(square(xf), {-1}, true), scalar_like(eps, acc)));
  array y = astype(multiply(xf, r), t);
  if (weight) y = multiply(y, astype(*weight, t));
  return y;
}

array layer_norm(const array& x, const std::optional<array>& weight, const std::optional<array>& bias, double eps) {
  const char* op = "layer_norm";
  if (x.ndim() == 0) fail(op, "The input must have at least one dimension.");
  check_last(op, "weight", x, weight);
  check_last(op, "bias", x, bias);
  Dtype t = float_dtype(x);
  if (weight) t = promote_types(t, weight->dtype());
  if (bias) t = promote_types(t, bias->dtype());
  Dtype acc = t == Dtype::float64 ? t : Dtype::float32;
  array xf = astype(x, acc);
  array c = subtract(xf, mean(xf, {-1}, true));
  array var = mean(square(c), {-1}, true);
  array y = astype(multiply(c, rsqrt(add(var, scalar_like(eps, acc)))), t);
  if (weight) y = multiply(y, astype(*weight, t));
  if (bias) y = add(y, astype(*bias, t));
  return y;
}

array rope(const array& x, int dims, bool traditional, double base, double scale, int offset) {
  const char* op = "rope";
  if (x.ndim() < 2) fail(op, "The input must have at least 2 dimensions (positions, features), got shape ",
                         shape_str(x.shape()), ".");
  const int64_t D = x.shape(-1), T = x.shape(-2);
  if (dims <= 0 || dims % 2 != 0) fail(op, "dims must be a positive even number, got ", dims, ".");
  if (dims > D) fail(op, "dims (", dims, ") is larger than the feature size (", D, ").");
  Dtype t = float_dtype(x);
  const int64_t half = dims / 2;
  // Angles in float32: theta[t, i] = (offset + t) * scale * base^(-2i/dims).
  array pos = multiply(arange(double(offset), double(offset + T), 1.0, Dtype::float32),
                       scalar_like(scale, Dtype::float32));
  array inv = exp(multiply(arange(0.0, double(half), 1.0, Dtype::float32),
                           scalar_like(-2.0 * std::log(base) / double(dims), Dtype::float32)));
  array theta = multiply(reshape(pos, {T, 1}), reshape(inv, {1, half}));  // (T, half)
  array cs = astype(cos(theta), t), sn = astype(sin(theta), t);
  array xt = astype(x, t);
  Shape lead(xt.shape().begin(), xt.shape().end() - 1);
  array rot = slice(xt, [&] {
    std::vector<SliceArg> s(xt.ndim());
    s.back() = {0, dims, 1};
    return s;
  }());
  array x1, x2;
  if (traditional) {
    Shape ps = lead;
    ps.insert(ps.end(), {half, 2});
    array pr = reshape(rot, ps);
    x1 = squeeze(slice(pr, [&] { std::vector<SliceArg> s(pr.ndim()); s.back() = {0, 1, 1}; return s; }()), {-1});
    x2 = squeeze(slice(pr, [&] { std::vector<SliceArg> s(pr.ndim()); s.back() = {1, 2, 1}; return s; }()), {-1});
  } else {
    x1 = slice(rot, [&] { std::vector<SliceArg> s(rot.ndim()); s.back() = {0, half, 1}; return s; }());
    x2 = slice(rot, [&] { std::vector<SliceArg> s(rot.ndim()); s.back() = {half, dims, 1}; return s; }());
  }
  array y1 = subtract(multiply(x1, cs), multiply(x2, sn));
  array y2 = add(multiply(x1, sn), multiply(x2, cs));
  array out;
  if (traditional) {
    Shape s = lead;
    s.push_back(dims);
    out = reshape(stack({y1, y2}, -1), s);
  } else {
    out = concatenate({y1, y2}, -1);
  }
  if (dims < D)
    out = concatenate({out, slice(xt, [&] { std::vector<SliceArg> s(xt.ndim()); s.back() = {dims, D, 1}; return s; }())}, -1);
  return out;
}

array scaled_dot_product_attention(const array& q, const array& k, const array& v, double scale,
                                   const std::optional<array>& mask, bool causal) {
  const char* op = "scaled_dot_product_attention";
  if (q.ndim() != 4 || k.ndim() != 4 || v.ndim() != 4)
    fail(op, "Expected queries, keys and values with 4 dimensions (B, N, T, D), got ", shape_str(q.shape()), ", ",
         shape_str(k.shape()), " and ", shape_str(v.shape()), ".");
  const int64_t B = q.shape(0), Nq = q.shape(1), Tq = q.shape(2), D = q.shape(3);
  const int64_t Nk = k.shape(1), Tk = k.shape(2), Dv = v.shape(3);
  if (k.shape(3) != D) fail(op, "Queries and keys have different feature sizes (", D, " and ", k.shape(3), ").");
  if (k.shape(0) != B || v.shape(0) != B) fail(op, "Queries, keys and values must have the same batch size.");
  if (v.shape(1) != Nk || v.shape(2) != Tk) fail(op, "Keys ", shape_str(k.shape()), " and values ", shape_str(v.shape()),
                                                 " must agree in heads and length.");
  if (Nq % Nk != 0) fail(op, "The number of query heads (", Nq, ") must be a multiple of the key/value heads (", Nk, ").");
  if (causal && mask) fail(op, "Give either a mask array or the causal mask, not both.");
  Dtype t = promote_types(promote_types(float_dtype(q), float_dtype(k)), float_dtype(v));
  const int64_t rep = Nq / Nk;
  array qs = multiply(astype(q, t), scalar_like(scale, t));
  array q5 = reshape(qs, {B, Nk, rep, Tq, D});
  array k5 = expand_dims(astype(k, t), {2});
  array v5 = expand_dims(astype(v, t), {2});
  array s = matmul(q5, swapaxes(k5, -1, -2));  // (B, Nk, rep, Tq, Tk)
  Dtype acc = t == Dtype::float64 ? t : Dtype::float32;
  s = reshape(astype(s, acc), {B, Nq, Tq, Tk});
  const double ninf = -std::numeric_limits<double>::infinity();
  if (causal) {
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
  array o = matmul(reshape(p, {B, Nk, rep, Tq, Tk}), v5);  // (B, Nk, rep, Tq, Dv)
  return reshape(o, {B, Nq, Tq, Dv});
}

}  // namespace wmx

#include "reduce_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "compile.h"
#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/binary_extra.h"
#include "primitives/reduce.h"
#include "primitives/scan.h"
#include "shape_ops.h"

namespace wmx {

namespace {

// Sorted, unique, non-negative axes (errors tagged with op).
std::vector<int> norm_axes(const std::vector<int>& axes, int ndim, const char* op) {
  std::vector<int> out;
  for (int ax : axes) out.push_back(normalize_axis(ax, ndim, op));
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) fail(op, "Received duplicate axes.");
  return out;
}

// complex64 stays: its ops refuse it (a cast would drop the imaginary part).
Dtype float_of(Dtype t) { return is_inexact(t) ? t : Dtype::float32; }

array scalar_like(double v, const array& a) { return array::scalar(v, a.dtype()); }

template <typename P>
array binary_prim(const array& a, const array& b, const char* op, Dtype t) {
  Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  array x = broadcast_to(astype(a, t), shape, op);
  array y = broadcast_to(astype(b, t), shape, op);
  return array(shape, t, std::make_shared<P>(), {x, y});
}

}  // namespace

// ---- reductions and normalisers ----

array var(const array& a, const std::vector<int>& axes, bool keepdims, int ddof) {
  auto ax = norm_axes(axes, a.ndim(), "var");
  int64_t n = 1;
  for (int i : ax) n *= a.shape()[i];
  array x = astype(a, float_of(a.dtype()));
  array d = subtract(x, mean(x, ax, true));
  array s = sum(square(d), ax, keepdims);
  if (tracing_shapeless() && !ax.empty()) {  // n from the shape at run time
    array count(Shape{}, x.dtype(), std::make_shared<NumberOfElements>(ax, false, x.dtype()), {x});
    return divide(s, maximum(subtract(count, scalar_like(ddof, count)), scalar_like(0, count)));
  }
  double denom = double(std::max<int64_t>(n - ddof, 0));
  return divide(s, array::scalar(denom, x.dtype()));
}

array std(const array& a, const std::vector<int>& axes, bool keepdims, int ddof) {
  norm_axes(axes, a.ndim(), "std");
  return sqrt(var(a, axes, keepdims, ddof));
}

static array arg_reduce(const array& a, int axis, bool keepdims, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  if (a.size() == 0) fail(op, "Cannot ", op, " an array of size zero (shape ", shape_str(a.shape()), ").");
  if (a.ndim() == 0) fail(op, "Cannot ", op, " along axis ", axis, " of a 0-dimensional array.");
  int ax = normalize_axis(axis, a.ndim(), op);
  Shape kept = a.shape();
  kept[ax] = 1;
  array r(kept, Dtype::uint32, std::make_shared<ArgReduce>(is_max, ax), {a});
  return keepdims ? r : squeeze(r, {ax});
}

static array arg_reduce_all(const array& a, bool keepdims, bool is_max) {
  const char* op = is_max ? "argmax" : "argmin";
  if (a.size() == 0) fail(op, "Cannot ", op, " an array of size zero (shape ", shape_str(a.shape()), ").");
  // flatten and expand_dims rather than reshapes: their shapes follow the
  // input's under shapeless compile.
  array r = arg_reduce(flatten(a), 0, false, is_max);
  return keepdims ? expand_dims(r, all_axes(a.ndim())) : r;
}

array argmax(const array& a, int axis, bool keepdims) { return arg_reduce(a, axis, keepdims, true); }
array argmax(const array& a, bool keepdims) { return arg_reduce_all(a, keepdims, true); }
array argmin(const array& a, int axis, bool keepdims) { return arg_reduce(a, axis, keepdims, false); }
array argmin(const array& a, bool keepdims) { return arg_reduce_all(a, keepdims, false); }

array logsumexp(const array& a, const std::vector<int>& axes, bool keepdims) {
  auto ax = norm_axes(axes, a.ndim(), "logsumexp");
  if (a.size() == 0) fail("logsumexp", "Cannot reduce an array of size zero (shape ", shape_str(a.shape()), ").");
  array x = astype(a, float_of(a.dtype()));
  if (ax.empty()) return x;
  if (ax.size() == 1) {  // the one-pass row kernel
    Shape kept = x.shape();
    kept[ax[0]] = 1;
    array r(kept, x.dtype(), std::make_shared<LogSumExp>(ax[0]), {x});
    return keepdims ? r : squeeze(r, ax);
  }
  if (int(ax.size()) == x.ndim()) {  // every axis: one row of the flattened array
    // flatten and expand_dims rather than reshapes: their shapes follow the
    // input's under shapeless compile.
    array r = logsumexp(flatten(x), {0}, false);
    return keepdims ? expand_dims(r, all_axes(x.ndim())) : r;
  }
  // Other axis sets, composed. The max only shifts the exponent: the result
  // does not depend on it, so its gradient contributions cancel (no
  // stop_gradient, which vmap can't see through yet).
  array m = max(x, ax, true);
  array inf_m = isinf(m);
  array m0 = where(inf_m, scalar_like(0, m), m);  // keeps exp() finite when the max is infinite
  array out = add(log(sum(exp(subtract(x, m0)), ax, true)), m0);
  out = where(inf_m, m, out);  // +inf stays +inf; all -inf gives -inf
  return keepdims ? out : squeeze(out, ax);
}

array softmax(const array& a, const std::vector<int>& axes, bool precise) {
  auto ax = norm_axes(axes, a.ndim(), "softmax");
  Dtype t = float_of(a.dtype());
  bool half = t == Dtype::float16 || t == Dtype::bfloat16;
  array x = astype(a, precise && half ? Dtype::float32 : t);
  if (ax.empty()) return astype(exp(subtract(x, x)), t);
  if (ax.size() == 1) {  // the row kernel: half types run in float32, whether precise or not
    array y = astype(a, t);
    return array(y.shape(), t, std::make_shared<Softmax>(ax[0]), {y});
  }
  array e = exp(subtract(x, max(x, ax, true)));  // shift-invariant: no stop_gradient needed
  return astype(divide(e, sum(e, ax, true)), t);
}

array log_softmax(const array& a, const std::vector<int>& axes, bool precise) {
  auto ax = norm_axes(axes, a.ndim(), "log_softmax");
  Dtype t = float_of(a.dtype());
  bool half = t == Dtype::float16 || t == Dtype::bfloat16;
  array x = astype(a, precise && half ? Dtype::float32 : t);
  if (x.size() == 0) return astype(x, t);
  if (ax.size() == 1) {  // the row kernel: half types run in float32, whether precise or not
    array y = astype(a, t);
    return array(y.shape(), t, std::make_shared<LogSoftmax>(ax[0]), {y});
  }
  return astype(subtract(x, logsumexp(x, ax, true)), t);
}

// ---- binary ----

array floor_divide(const array& a, const array& b) {
  return binary_prim<FloorDivide>(a, b, "floor_divide", promote_types(a.dtype(), b.dtype()));
}
array remainder(const array& a, const array& b) {
  return binary_prim<Remainder>(a, b, "remainder", promote_types(a.dtype(), b.dtype()));
}
array power(const array& a, const array& b) {
  return binary_prim<Power>(a, b, "power", promote_types(a.dtype(), b.dtype()));
}
array arctan2(const array& a, const array& b) {
  return binary_prim<ArcTan2>(a, b, "arctan2", float_of(promote_types(a.dtype(), b.dtype())));
}

array logaddexp(const array& a, const array& b) {
  return binary_prim<LogAddExp>(a, b, "logaddexp", float_of(promote_types(a.dtype(), b.dtype())));
}

array logical_and(const array& a, const array& b) {
  broadcast_shapes(a.shape(), b.shape(), "logical_and");
  return minimum(astype(a, Dtype::bool_), astype(b, Dtype::bool_));
}
array logical_or(const array& a, const array& b) {
  broadcast_shapes(a.shape(), b.shape(), "logical_or");
  return maximum(astype(a, Dtype::bool_), astype(b, Dtype::bool_));
}

array clip(const array& a, const std::optional<array>& a_min, const std::optional<array>& a_max) {
  if (!a_min && !a_max) fail("clip", "At most one of a_min and a_max may be None.");
  // Shape errors name clip, not the maximum/minimum it is made of.
  Shape s = a.shape();
  if (a_min) s = broadcast_shapes(s, a_min->shape(), "clip");
  if (a_max) s = broadcast_shapes(s, a_max->shape(), "clip");
  array r = a;
  if (a_min) r = maximum(r, *a_min);
  if (a_max) r = minimum(r, *a_max);
  return r;
}

array isclose(const array& a_in, const array& b_in, double rtol, double atol, bool equal_nan) {
  broadcast_shapes(a_in.shape(), b_in.shape(), "isclose");
  Dtype t = float_of(promote_types(a_in.dtype(), b_in.dtype()));
  array a = astype(a_in, t), b = astype(b_in, t);
  array rhs = add(array::scalar(atol, t), multiply(array::scalar(rtol, t), abs(b)));
  array out = less_equal(abs(subtract(a, b)), rhs);
  // Infinities are close only to the same infinity.
  array any_inf = logical_or(isinf(a), isinf(b));
  out = where(any_inf, equal(a, b), out);
  if (equal_nan) out = logical_or(out, logical_and(isnan(a), isnan(b)));
  return out;
}

array allclose(const array& a, const array& b, double rtol, double atol, bool equal_nan) {
  broadcast_shapes(a.shape(), b.shape(), "allclose");
  array c = isclose(a, b, rtol, atol, equal_nan);
  return all(c, all_axes(c.ndim()), false);
}

array array_equal(const array& a_in, const array& b_in, bool equal_nan) {
  if (a_in.shape() != b_in.shape()) return array::scalar(0, Dtype::bool_);
  Dtype t = promote_types(a_in.dtype(), b_in.dtype());
  array a = astype(a_in, t), b = astype(b_in, t);
  array eq = equal(a, b);
  if (equal_nan && is_floating(t)) eq = logical_or(eq, logical_and(isnan(a), isnan(b)));
  return all(eq, all_axes(eq.ndim()), false);
}

// ---- scans ----

static array scan(const array& a, std::optional<int> axis, bool reverse, bool inclusive, ScanType type,
                  const char* op) {
  if (!axis) return scan(flatten(a), 0, reverse, inclusive, type, op);
  if (a.ndim() == 0) fail(op, "Cannot scan along axis ", *axis, " of a 0-dimensional array.");
  int ax = normalize_axis(*axis, a.ndim(), op);
  Dtype t = a.dtype();
  if ((type == ScanType::sum || type == ScanType::prod) && t == Dtype::bool_) t = Dtype::int32;
  array x = astype(a, t);
  return array(x.shape(), t, std::make_shared<Scan>(type, ax, reverse, inclusive), {x});
}

array cumsum(const array& a, std::optional<int> axis, bool reverse, bool inclusive) {
  return scan(a, axis, reverse, inclusive, ScanType::sum, "cumsum");
}
array cumprod(const array& a, std::optional<int> axis, bool reverse, bool inclusive) {
  return scan(a, axis, reverse, inclusive, ScanType::prod, "cumprod");
}
array cummax(const array& a, std::optional<int> axis, bool reverse, bool inclusive) {
  return scan(a, axis, reverse, inclusive, ScanType::max, "cummax");
}
array cummin(const array& a, std::optional<int> axis, bool reverse, bool inclusive) {
  return scan(a, axis, reverse, inclusive, ScanType::min, "cummin");
}

// ---- sorting ----

static array sort_impl(const array& a, std::optional<int> axis, bool indices, const char* op) {
  if (!axis) return sort_impl(flatten(a), 0, indices, op);
  if (a.ndim() == 0) fail(op, "Cannot sort along axis ", *axis, " of a 0-dimensional array.");
  int ax = normalize_axis(*axis, a.ndim(), op);
  return array(a.shape(), indices ? Dtype::uint32 : a.dtype(), std::make_shared<Sort>(ax, indices), {a});
}

array sort(const array& a, std::optional<int> axis) { return sort_impl(a, axis, false, "sort"); }
array argsort(const array& a, std::optional<int> axis) { return sort_impl(a, axis, true, "argsort"); }

array topk(const array& a, int k, std::optional<int> axis) {
  ShapelessOrigin origin("topk");
  if (!axis) return topk(flatten(a), k, 0);
  if (a.ndim() == 0) fail("topk", "Cannot take topk along axis ", *axis, " of a 0-dimensional array.");
  int ax = normalize_axis(*axis, a.ndim(), "topk");
  int64_t n = a.shape()[ax];
  if (k < 0 || k > n)
    fail("topk", "Received invalid k=", k, " along axis ", *axis, " for array with shape ", shape_str(a.shape()), ".");
  std::vector<SliceArg> sl(a.ndim());
  sl[ax] = SliceArg{n - k, n, 1};
  return slice(sort(a, ax), sl);
}

}  // namespace wmx

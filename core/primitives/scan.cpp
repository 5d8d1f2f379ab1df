#include "primitives/scan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"
#include "reduce_ops.h"
#include "shape_ops.h"

namespace wmx {

namespace {
// vmap of a primitive along one axis: the batch goes first, the op is applied
// again along the shifted axis, and the result is batched at 0 (or not at all).
template <typename Op>
std::pair<std::vector<array>, std::vector<int>> along_batched(const array& in, int batch_axis, int axis, Op op) {
  array x = batch_first(in, batch_axis);
  return {{op(x, batch_axis >= 0 ? axis + 1 : axis)}, {batch_axis >= 0 ? 0 : -1}};
}
}  // namespace

// ---- Softmax ----

// With y = softmax(x): vjp y * (c - sum(c * y)); jvp y * (t - sum(t * y)).
std::vector<array> Softmax::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                const std::vector<array>& out) {
  const array& y = out[0];
  return {multiply(y, subtract(cot[0], sum(multiply(cot[0], y), {axis_}, true)))};
}
std::vector<array> Softmax::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  array y = softmax(p[0], {axis_});
  return {multiply(y, subtract(tan[0], sum(multiply(tan[0], y), {axis_}, true)))};
}
std::pair<std::vector<array>, std::vector<int>> Softmax::vmap(const std::vector<array>& in,
                                                                  const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_, [&](const array& x, int axis) { return softmax(x, {axis}); });
}

// ---- LogSoftmax ----

// With y = log_softmax(x), softmax = exp(y): vjp c - exp(y) * sum(c);
// jvp t - sum(t * exp(y)).
std::vector<array> LogSoftmax::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                   const std::vector<array>& out) {
  return {subtract(cot[0], multiply(exp(out[0]), sum(cot[0], {axis_}, true)))};
}
std::vector<array> LogSoftmax::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                   const std::vector<int>&) {
  array y = log_softmax(p[0], {axis_});
  return {subtract(tan[0], sum(multiply(tan[0], exp(y)), {axis_}, true))};
}
std::pair<std::vector<array>, std::vector<int>> LogSoftmax::vmap(const std::vector<array>& in,
                                                                     const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_, [&](const array& x, int axis) { return log_softmax(x, {axis}); });
}

// ---- LogSumExp ----

// With l = logsumexp(x) (axis kept): vjp c * exp(x - l) = c * softmax(x);
// jvp sum(t * exp(x - l)).
std::vector<array> LogSumExp::vjp(const std::vector<array>& p, const std::vector<array>& cot, const std::vector<int>&,
                                  const std::vector<array>& out) {
  return {multiply(cot[0], exp(subtract(p[0], out[0])))};
}
std::vector<array> LogSumExp::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  array l = logsumexp(p[0], {axis_}, true);
  return {sum(multiply(tan[0], exp(subtract(p[0], l))), {axis_}, true)};
}
std::pair<std::vector<array>, std::vector<int>> LogSumExp::vmap(const std::vector<array>& in,
                                                                    const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_, [&](const array& x, int axis) { return logsumexp(x, {axis}, true); });
}

// ---- Scan ----

const char* Scan::name() const {
  switch (type_) {
    case ScanType::sum: return "CumSum";
    case ScanType::prod: return "CumProd";
    case ScanType::max: return "CumMax";
    default: return "CumMin";
  }
}

bool Scan::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Scan*>(&o);
  return p && p->type_ == type_ && p->axis_ == axis_ && p->reverse_ == reverse_ && p->inclusive_ == inclusive_;
}

namespace {

array scan_op(ScanType t, const array& x, int axis, bool reverse, bool inclusive) {
  switch (t) {
    case ScanType::sum: return cumsum(x, axis, reverse, inclusive);
    case ScanType::prod: return cumprod(x, axis, reverse, inclusive);
    case ScanType::max: return cummax(x, axis, reverse, inclusive);
    default: return cummin(x, axis, reverse, inclusive);
  }
}

// For cummax/cummin: W[..., i, j] (i the output position, j the input
// position, along two trailing axes) is 1 where y_i took its value from x_j:
// j is the last "record" (x_j == inclusive scan at j) at or before i in scan
// order (strictly before i for exclusive scans). Both derivatives are
// contractions with W: vjp dx_j = sum_i W_ij c_i, jvp dy_i = sum_j W_ij t_j.
array owner_matrix(ScanType t, const array& x, int axis, bool reverse, bool inclusive) {
  array xl = moveaxis(x, axis, -1);
  const int64_t n = xl.shape(-1);
  array yin = scan_op(t, xl, -1, reverse, true);
  array rec = astype(equal(xl, yin), Dtype::int32);  // records
  array cm = cumsum(rec, -1, reverse, true);         // record count up to j (in scan order)
  array pos = arange(0, double(n), 1, Dtype::int32);
  array i = reshape(pos, {n, 1}), j = reshape(pos, {1, n});
  // j at or before i in scan order (strictly before for exclusive).
  array order = reverse ? (inclusive ? greater_equal(j, i) : greater(j, i)) : (inclusive ? less_equal(j, i) : less(j, i));
  // The owner of output i is the record whose count equals the count at i
  // (inclusive) or just before i (exclusive).
  array cm_i = expand_dims(inclusive ? cm : cumsum(rec, -1, reverse, false), {-1});  // [..., n, 1]
  array cm_j = expand_dims(cm, {-2});                                                // [..., 1, n]
  array w = logical_and(logical_and(order, astype(expand_dims(rec, {-2}), Dtype::bool_)), equal(cm_i, cm_j));
  return astype(w, x.dtype());
}

// cumprod's derivatives without dividing by zeros. Only the first zero z
// along the axis (in scan order) needs care: outputs whose window doesn't
// reach z have no zero factor, so y / x_j works for them; outputs whose
// window holds z depend (to first order) on x_z alone, through y'_i, the
// scan with x_z replaced by 1 (y'_i is 0 when the window holds a second zero).
struct CumprodParts {
  array y;             // the scan
  array y1;            // the scan with the first zero replaced by 1
  array x_safe;        // x with zeros replaced by 1 (for the quotients)
  array first_zero;    // bool: the first zero along the axis
  array before_zero;   // bool: positions before the first zero
  array window_zero;   // bool: outputs whose window holds a zero
};
CumprodParts cumprod_parts(const array& x, int axis, bool reverse, bool inclusive) {
  array zero = array::scalar(0, x.dtype()), one = array::scalar(1, x.dtype());
  array is_zero = equal(x, zero);
  array zi = astype(is_zero, Dtype::int32);
  array none_before = equal(cumsum(zi, axis, reverse, false), array::scalar(0, Dtype::int32));
  array first = logical_and(none_before, is_zero);
  array before = logical_and(none_before, logical_not(is_zero));
  array x1 = where(first, one, x);
  return {cumprod(x, axis, reverse, inclusive),
          cumprod(x1, axis, reverse, inclusive),
          where(is_zero, one, x),
          first,
          before,
          greater(cumsum(zi, axis, reverse, inclusive), array::scalar(0, Dtype::int32))};
}

}  // namespace

std::vector<array> Scan::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                             const std::vector<int>&, const std::vector<array>& out) {
  const array& x = p[0];
  const array& c = cot[0];
  switch (type_) {
    case ScanType::sum: return {cumsum(c, axis_, !reverse_, inclusive_)};
    case ScanType::prod: {
      // dx_j = sum over outputs i whose window holds j of c_i * (product of the window without x_j).
      CumprodParts q = cumprod_parts(x, axis_, reverse_, inclusive_);
      array from_y = divide(cumsum(multiply(c, q.y), axis_, !reverse_, inclusive_), q.x_safe);
      array from_y1 = cumsum(multiply(c, q.y1), axis_, !reverse_, inclusive_);
      array zero = full_like(x, 0.0, from_y.dtype());
      return {where(q.before_zero, from_y, where(q.first_zero, from_y1, zero))};
    }
    default: {
      array w = owner_matrix(type_, x, axis_, reverse_, inclusive_);  // [..., i, j]
      array cl = expand_dims(moveaxis(c, axis_, -1), {-1});           // [..., i, 1]
      array g = sum(multiply(w, cl), {-2});                            // [..., j]
      return {moveaxis(g, -1, axis_)};
    }
  }
}

std::vector<array> Scan::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  const array& x = p[0];
  const array& t = tan[0];
  switch (type_) {
    case ScanType::sum: return {cumsum(t, axis_, reverse_, inclusive_)};
    case ScanType::prod: {
      CumprodParts q = cumprod_parts(x, axis_, reverse_, inclusive_);
      array no_zero = multiply(q.y, cumsum(divide(t, q.x_safe), axis_, reverse_, inclusive_));
      array t_first = sum(where(q.first_zero, t, full_like(t, 0.0, t.dtype())), {axis_}, true);
      return {where(q.window_zero, multiply(t_first, q.y1), no_zero)};
    }
    default: {
      array w = owner_matrix(type_, x, axis_, reverse_, inclusive_);  // [..., i, j]
      array tl = expand_dims(moveaxis(t, axis_, -1), {-2});           // [..., 1, j]
      array g = sum(multiply(w, tl), {-1});                            // [..., i]
      return {moveaxis(g, -1, axis_)};
    }
  }
}

std::pair<std::vector<array>, std::vector<int>> Scan::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  array x = batch_first(in[0], ax[0]);
  int axis = ax[0] >= 0 ? axis_ + 1 : axis_;
  return {{scan_op(type_, x, axis, reverse_, inclusive_)}, {ax[0] >= 0 ? 0 : -1}};
}

// ---- ArgReduce ----

bool ArgReduce::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const ArgReduce*>(&o);
  return p && p->is_max_ == is_max_ && p->axis_ == axis_;
}

std::vector<array> ArgReduce::vjp(const std::vector<array>& p, const std::vector<array>&, const std::vector<int>&,
                                  const std::vector<array>&) {
  return {full_like(p[0], 0.0, p[0].dtype())};
}
std::vector<array> ArgReduce::jvp(const std::vector<array>& p, const std::vector<array>&, const std::vector<int>&) {
  Shape s = p[0].shape();
  s[axis_] = 1;
  return {zeros(s, Dtype::uint32)};
}
std::pair<std::vector<array>, std::vector<int>> ArgReduce::vmap(const std::vector<array>& in,
                                                                const std::vector<int>& ax) {
  array x = batch_first(in[0], ax[0]);
  int axis = ax[0] >= 0 ? axis_ + 1 : axis_;
  return {{is_max_ ? argmax(x, axis, true) : argmin(x, axis, true)}, {ax[0] >= 0 ? 0 : -1}};
}

// ---- Sort ----

bool Sort::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Sort*>(&o);
  return p && p->axis_ == axis_ && p->indices_ == indices_;
}

std::vector<array> Sort::vjp(const std::vector<array>& p, const std::vector<array>& cot, const std::vector<int>&,
                             const std::vector<array>&) {
  if (indices_) return {full_like(p[0], 0.0, p[0].dtype())};
  // sort(x) = take_along_axis(x, argsort(x)): scatter the cotangent back. The
  // permutation is locally constant (as in MLX), so higher orders never ask
  // for a gradient of the integer indices.
  array idx = stop_gradient(argsort(p[0], axis_));
  return {put_along_axis(full_like(p[0], 0.0, cot[0].dtype()), idx, cot[0], axis_)};
}
std::vector<array> Sort::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  if (indices_) return {full_like(p[0], 0.0, Dtype::uint32)};
  return {take_along_axis(tan[0], stop_gradient(argsort(p[0], axis_)), axis_)};
}
std::pair<std::vector<array>, std::vector<int>> Sort::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_,
                       [&](const array& x, int axis) { return indices_ ? argsort(x, axis) : sort(x, axis); });
}

}  // namespace wmx

#include "primitives/reduce.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "ops.h"
#include "reduce_ops.h"
#include "primitives/vmap_util.h"

namespace wmx {

const char* Reduce::name() const {
  switch (type_) {
    case ReduceType::sum: return "Sum";
    case ReduceType::prod: return "Prod";
    case ReduceType::max: return "Max";
    case ReduceType::min: return "Min";
    case ReduceType::all: return "All";
    case ReduceType::any: return "Any";
  }
  return "Reduce";
}

bool Reduce::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Reduce*>(&o);
  return p && p->type_ == type_ && p->axes_ == axes_;
}

std::vector<Shape> Reduce::output_shapes(const std::vector<Shape>& in) const {
  Shape out = in[0];
  for (int a : axes_) out[a] = 1;
  return {out};
}

bool NumberOfElements::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const NumberOfElements*>(&o);
  return p && p->axes_ == axes_ && p->inverted_ == inverted_ && p->dtype_ == dtype_;
}

}  // namespace wmx

// ---- transform rules ----
// The primitive's output keeps reduced axes as size 1, so cotangents
// broadcast straight back to the input shape.

namespace wmx {

namespace {

// For each x_i, the product of the other elements of its reduction group
// (the reduced axes): d(prod)/dx_i. Built from exclusive prefix and suffix
// products over the flattened group, so zeros in x need no division.
array prod_of_others(const array& x, const std::vector<int>& axes) {
  std::vector<int> perm;
  Shape kept;
  int64_t n = 1;
  for (int d = 0; d < x.ndim(); ++d)
    if (std::find(axes.begin(), axes.end(), d) == axes.end()) {
      perm.push_back(d);
      kept.push_back(x.shape()[d]);
    }
  for (int a : axes) {
    perm.push_back(a);
    n *= x.shape()[a];
  }
  array xt = transpose(x, perm);
  Shape flat_shape = kept;
  flat_shape.push_back(n);
  array flat = reshape(xt, flat_shape);
  array others = multiply(cumprod(flat, -1, false, false), cumprod(flat, -1, true, false));
  std::vector<int> inverse(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) inverse[perm[k]] = int(k);
  return transpose(reshape(others, xt.shape()), inverse);
}

}  // namespace

std::vector<array> Reduce::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                               const std::vector<int>&, const std::vector<array>& out) {
  const array& x = p[0];
  const array& c = cot[0];
  switch (type_) {
    case ReduceType::sum:
      return {broadcast_like(c, x)};
    case ReduceType::prod:
      return {multiply(broadcast_like(c, x), prod_of_others(x, axes_))};
    case ReduceType::max:
    case ReduceType::min: {
      // Ties share the gradient equally, as in MLX.
      array mask = astype(equal(x, out[0]), c.dtype());
      array count = sum(mask, axes_, true);
      return {multiply(mask, divide(c, count))};
    }
    default:
      return {full_like(x, 0.0, x.dtype())};
  }
}

std::vector<array> Reduce::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  const array& x = p[0];
  const array& t = tan[0];
  switch (type_) {
    case ReduceType::sum:
      return {sum(t, axes_, true)};
    case ReduceType::prod:
      return {sum(multiply(t, prod_of_others(x, axes_)), axes_, true)};
    case ReduceType::max:
    case ReduceType::min: {
      array out = type_ == ReduceType::max ? max(x, axes_, true) : min(x, axes_, true);
      array mask = astype(equal(x, out), t.dtype());
      return {divide(sum(multiply(mask, t), axes_, true), sum(mask, axes_, true))};
    }
    default: {
      Shape kept = x.shape();
      for (int a : axes_) kept[a] = 1;
      return {zeros(kept, Dtype::bool_)};
    }
  }
}

}  // namespace wmx

namespace wmx {

// A function of the input's shape alone: no derivative flows to the input.
std::vector<array> NumberOfElements::vjp(const std::vector<array>& p, const std::vector<array>&,
                                         const std::vector<int>&, const std::vector<array>&) {
  return {full_like(p[0], 0.0, p[0].dtype())};
}
std::vector<array> NumberOfElements::jvp(const std::vector<array>&, const std::vector<array>&, const std::vector<int>&) {
  return {zeros({}, dtype_)};
}
std::pair<std::vector<array>, std::vector<int>> NumberOfElements::vmap(const std::vector<array>& in,
                                                                       const std::vector<int>& ax) {
  // Count over the same per-example axes, skipping the batch axis; the
  // count is the same for every example.
  std::vector<int> axes;
  for (int a : axes_) axes.push_back(ax[0] >= 0 && a >= ax[0] ? a + 1 : a);
  return {{array(Shape{}, dtype_, std::make_shared<NumberOfElements>(axes, inverted_, dtype_), {in[0]})}, {-1}};
}

std::pair<std::vector<array>, std::vector<int>> Reduce::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  array x = batch_first(in[0], ax[0]);
  std::vector<int> axes;
  for (int a : axes_) axes.push_back(a + 1);
  switch (type_) {
    case ReduceType::sum: return {{sum(x, axes, true)}, {0}};
    case ReduceType::prod: return {{prod(x, axes, true)}, {0}};
    case ReduceType::max: return {{max(x, axes, true)}, {0}};
    case ReduceType::min: return {{min(x, axes, true)}, {0}};
    case ReduceType::all: return {{all(x, axes, true)}, {0}};
    default: return {{any(x, axes, true)}, {0}};
  }
}

}  // namespace wmx

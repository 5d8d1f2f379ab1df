#include "ops.h"

#include <algorithm>
#include <memory>
#include <numeric>

#include "compile.h"
#include "complex_ops.h"
#include "error.h"
#include "backend/cpu/kernels/convert.h"
#include "shape_limits.h"
#include "primitives/binary.h"
#include "primitives/matmul.h"
#include "primitives/reduce.h"
#include "primitives/views.h"

namespace wmx {

int normalize_axis(int axis, int ndim, const char* op) {
  if (axis < -ndim || axis >= ndim)
    fail(op, "Invalid axis ", axis, " for an array with ", ndim, " dimensions.");
  return axis < 0 ? axis + ndim : axis;
}

std::vector<int> all_axes(int ndim) {
  std::vector<int> axes(ndim);
  std::iota(axes.begin(), axes.end(), 0);
  return axes;
}

// Sorted, unique, non-negative axes.
static std::vector<int> normalize_axes(const std::vector<int>& axes, int ndim, const char* op) {
  std::vector<int> out;
  for (int ax : axes) out.push_back(normalize_axis(ax, ndim, op));
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) fail(op, "Received duplicate axes.");
  return out;
}

// ---- creation ----

array full(const Shape& shape, double value, Dtype dtype) {
  for (auto d : shape)
    if (d < 0) fail("full", "Negative dimension in shape ", shape_str(shape), ".");
  check_shape_limits(shape, "full");
  array v = array::empty({}, dtype);
  store_converted(value, dtype, v.raw_data());  // defined for NaN/inf/out-of-range integers too
  return broadcast_to(v, shape, "full");
}
array zeros(const Shape& shape, Dtype dtype) { return full(shape, 0.0, dtype); }
array ones(const Shape& shape, Dtype dtype) { return full(shape, 1.0, dtype); }
array full_like(const array& like, double value, Dtype dtype) {
  if (!tracing_shapeless()) return full(like.shape(), value, dtype);
  return broadcast_like(full({}, value, dtype), like);
}

// ---- type and shape ----

array astype(const array& a, Dtype dtype) {
  if (a.dtype() == dtype) return a;
  // To complex: the value becomes the real part; from complex: the real part
  // is converted (MLX drops the imaginary part too).
  if (is_complex(dtype)) return to_complex(a);
  if (is_complex(a.dtype())) return astype(real(a), dtype);
  return array(a.shape(), dtype, std::make_shared<AsType>(dtype), {a});
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int64_t da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int64_t db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da != db && da != 1 && db != 1)
      fail(op, "Shapes ", shape_str(a), " and ", shape_str(b), " cannot be broadcast.");
    out[i] = da == 1 ? db : da;
  }
  check_shape_limits(out, op);
  return out;
}

void check_broadcast_to(const Shape& from, const Shape& shape, const char* op) {
  for (auto d : shape)
    if (d < 0) fail(op, "Negative dimension in shape ", shape_str(shape), ".");
  // Each dim of `from` (aligned on the right) must be 1 or the target's.
  bool ok = shape.size() >= from.size();
  for (size_t i = 0; ok && i < from.size(); ++i) {
    const int64_t d = from[from.size() - 1 - i], t = shape[shape.size() - 1 - i];
    ok = d == t || d == 1;
  }
  if (!ok) fail(op, "Cannot broadcast array of shape ", shape_str(from), " to shape ", shape_str(shape), ".");
  check_shape_limits(shape, op);
}

array broadcast_to(const array& a, const Shape& shape, const char* op) {
  if (a.shape() == shape) return a;
  check_broadcast_to(a.shape(), shape, op);
  return array(shape, a.dtype(), std::make_shared<Broadcast>(shape), {a});
}

array broadcast_to_as_written(const array& a, const Shape& shape) {
  if (!tracing_shapeless()) return broadcast_to(a, shape);
  check_broadcast_to(a.shape(), shape, "broadcast_to");
  return array(shape, a.dtype(), std::make_shared<Broadcast>(shape, /*written=*/true), {a});
}

array broadcast_like(const array& a, const array& like) {
  // Shapeless: a node even where the shapes match now; they may not on replay.
  if (!tracing_shapeless()) return broadcast_to(a, like.shape());
  check_broadcast_to(a.shape(), like.shape(), "broadcast_to");
  return array(like.shape(), a.dtype(), std::make_shared<Broadcast>(like.shape()), {a, like});
}

Shape reshaped_shape(int64_t size, Shape shape) {
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (infer >= 0) fail("reshape", "Can only infer one dimension, got shape ", shape_str(shape), ".");
      infer = int(i);
    } else if (shape[i] < 0) {
      fail("reshape", "Invalid dimension ", shape[i], " in shape ", shape_str(shape), ".");
    } else {
      known *= shape[i];
    }
  }
  if (infer >= 0) {
    if (known == 0 || size % known != 0)
      fail("reshape", "Cannot infer the shape of an array of size ", size, " reshaped to ", shape_str(shape), ".");
    shape[infer] = size / known;
    known *= shape[infer];
  }
  if (known != size) fail("reshape", "Cannot reshape array of size ", size, " into shape ", shape_str(shape), ".");
  check_shape_limits(shape, "reshape");
  return shape;
}

array reshape(const array& a, Shape shape) {
  shape = reshaped_shape(a.size(), std::move(shape));
  if (shape == a.shape()) return a;
  return array(shape, a.dtype(), std::make_shared<Reshape>(shape), {a});
}

array reshape_like(const array& a, const array& like) {
  if (!tracing_shapeless()) return reshape(a, like.shape());
  reshaped_shape(a.size(), like.shape());  // validates
  return array(like.shape(), a.dtype(), std::make_shared<Reshape>(like.shape()), {a, like});
}

array reshape_as_written(const array& a, const Shape& written) {
  if (!tracing_shapeless()) return reshape(a, written);
  Shape shape = reshaped_shape(a.size(), written);
  return array(shape, a.dtype(), std::make_shared<Reshape>(shape, written), {a});
}

array transpose(const array& a, std::vector<int> axes) {
  if (int(axes.size()) != a.ndim())
    fail("transpose", "Received ", axes.size(), " axes for an array with ", a.ndim(), " dimensions.");
  std::vector<bool> used(a.ndim(), false);
  Shape shape(a.ndim());
  for (size_t i = 0; i < axes.size(); ++i) {
    int ax = normalize_axis(axes[i], a.ndim(), "transpose");
    if (used[ax]) fail("transpose", "Repeated axis ", axes[i], " in the permutation.");
    used[ax] = true;
    axes[i] = ax;
    shape[i] = a.shape()[ax];
  }
  return array(shape, a.dtype(), std::make_shared<Transpose>(axes), {a});
}

array transpose(const array& a) {
  std::vector<int> axes = all_axes(a.ndim());
  std::reverse(axes.begin(), axes.end());
  return transpose(a, axes);
}

array squeeze(const array& a, const std::vector<int>& axes) {
  auto ax = normalize_axes(axes, a.ndim(), "squeeze");
  Shape shape;
  for (int i = 0, j = 0; i < a.ndim(); ++i) {
    if (j < int(ax.size()) && ax[j] == i) {
      if (a.shape()[i] != 1) fail("squeeze", "Cannot squeeze axis ", i, " with size ", a.shape()[i], " != 1.");
      ++j;
    } else {
      shape.push_back(a.shape()[i]);
    }
  }
  if (ax.empty()) return a;
  return array(shape, a.dtype(), std::make_shared<Squeeze>(ax), {a});
}

array moveaxis(const array& a, int source, int destination) {
  int src = normalize_axis(source, a.ndim(), "moveaxis");
  int dst = normalize_axis(destination, a.ndim(), "moveaxis");
  if (src == dst) return a;
  std::vector<int> axes = all_axes(a.ndim());
  axes.erase(axes.begin() + src);
  axes.insert(axes.begin() + dst, src);
  return transpose(a, axes);
}

array expand_dims(const array& a, const std::vector<int>& axes) {
  int out_nd = a.ndim() + int(axes.size());
  auto ax = normalize_axes(axes, out_nd, "expand_dims");
  Shape shape;
  for (int i = 0, j = 0, k = 0; i < out_nd; ++i) {
    if (j < int(ax.size()) && ax[j] == i) {
      shape.push_back(1);
      ++j;
    } else {
      shape.push_back(a.shape()[k++]);
    }
  }
  check_shape_limits(shape, "expand_dims");
  if (ax.empty()) return a;
  return array(shape, a.dtype(), std::make_shared<ExpandDims>(ax), {a});
}

// ---- elementwise ----

namespace {

template <typename P>
array binary(const array& a, const array& b, const char* op, Dtype compute, Dtype out) {
  Shape shape = broadcast_shapes(a.shape(), b.shape(), op);
  array x = broadcast_to(astype(a, compute), shape, op);
  array y = broadcast_to(astype(b, compute), shape, op);
  return array(shape, out, std::make_shared<P>(), {x, y});
}
template <typename P>
array arithmetic(const array& a, const array& b, const char* op) {
  if (is_complex(a.dtype()) || is_complex(b.dtype())) return complex_binary(op, a, b);
  Dtype t = promote_types(a.dtype(), b.dtype());
  return binary<P>(a, b, op, t, t);
}
template <typename P>
array comparison(const array& a, const array& b, const char* op) {
  if (is_complex(a.dtype()) || is_complex(b.dtype())) return complex_binary(op, a, b);
  return binary<P>(a, b, op, promote_types(a.dtype(), b.dtype()), Dtype::bool_);
}

}  // namespace

array add(const array& a, const array& b) { return arithmetic<Add>(a, b, "add"); }
array subtract(const array& a, const array& b) { return arithmetic<Subtract>(a, b, "subtract"); }
array multiply(const array& a, const array& b) { return arithmetic<Multiply>(a, b, "multiply"); }
array divide(const array& a, const array& b) {
  if (is_complex(a.dtype()) || is_complex(b.dtype())) return complex_binary("divide", a, b);
  Dtype t = promote_types(a.dtype(), b.dtype());
  if (!is_floating(t)) t = Dtype::float32;  // true division, as in MLX
  return binary<Divide>(a, b, "divide", t, t);
}
array maximum(const array& a, const array& b) { return arithmetic<Maximum>(a, b, "maximum"); }
array minimum(const array& a, const array& b) { return arithmetic<Minimum>(a, b, "minimum"); }
array equal(const array& a, const array& b) { return comparison<Equal>(a, b, "equal"); }
array not_equal(const array& a, const array& b) { return comparison<NotEqual>(a, b, "not_equal"); }
array less(const array& a, const array& b) { return comparison<Less>(a, b, "less"); }
array less_equal(const array& a, const array& b) { return comparison<LessEqual>(a, b, "less_equal"); }
array greater(const array& a, const array& b) { return comparison<Greater>(a, b, "greater"); }
array greater_equal(const array& a, const array& b) { return comparison<GreaterEqual>(a, b, "greater_equal"); }

// ---- reductions ----

namespace {

array reduce(const array& a, const std::vector<int>& axes, bool keepdims, ReduceType type, Dtype out,
             const char* op) {
  if (is_complex(a.dtype())) return complex_reduce(op, a, axes, keepdims);
  auto ax = normalize_axes(axes, a.ndim(), op);
  if ((type == ReduceType::max || type == ReduceType::min) && a.size() == 0)
    fail(op, "Cannot reduce an array of size zero (shape ", shape_str(a.shape()), ").");
  Shape kept = a.shape();
  for (int i : ax) kept[i] = 1;
  array r = ax.empty() ? astype(a, out)
                       : array(kept, out, std::make_shared<Reduce>(type, ax), {a});
  return keepdims ? r : squeeze(r, ax);
}

Dtype sum_dtype(Dtype t) { return t == Dtype::bool_ ? Dtype::int32 : t; }

}  // namespace

array sum(const array& a, const std::vector<int>& axes, bool keepdims) {
  return reduce(a, axes, keepdims, ReduceType::sum, sum_dtype(a.dtype()), "sum");
}
array sum(const array& a) { return sum(a, all_axes(a.ndim()), false); }
array prod(const array& a, const std::vector<int>& axes, bool keepdims) {
  return reduce(a, axes, keepdims, ReduceType::prod, sum_dtype(a.dtype()), "prod");
}
array max(const array& a, const std::vector<int>& axes, bool keepdims) {
  return reduce(a, axes, keepdims, ReduceType::max, a.dtype(), "max");
}
array min(const array& a, const std::vector<int>& axes, bool keepdims) {
  return reduce(a, axes, keepdims, ReduceType::min, a.dtype(), "min");
}
array all(const array& a, const std::vector<int>& axes, bool keepdims) {
  return reduce(a, axes, keepdims, ReduceType::all, Dtype::bool_, "all");
}
array any(const array& a, const std::vector<int>& axes, bool keepdims) {
  return reduce(a, axes, keepdims, ReduceType::any, Dtype::bool_, "any");
}
array mean(const array& a, const std::vector<int>& axes, bool keepdims) {
  if (is_complex(a.dtype())) return complex_reduce("mean", a, axes, keepdims);
  auto ax = normalize_axes(axes, a.ndim(), "mean");
  int64_t n = 1;
  for (int i : ax) n *= a.shape()[i];
  Dtype t = is_floating(a.dtype()) ? a.dtype() : Dtype::float32;
  array s = sum(astype(a, t), ax, keepdims);
  if (tracing_shapeless() && !ax.empty())
    return multiply(s, array(Shape{}, t, std::make_shared<NumberOfElements>(ax, true, t), {a}));
  return multiply(s, array::scalar(1.0 / double(n), t));
}

// ---- linear algebra ----

array matmul(const array& a_in, const array& b_in) {
  if (a_in.ndim() == 0 || b_in.ndim() == 0)
    fail("matmul", "Got 0 dimension input. Inputs must have at least one dimension.");
  Dtype t = promote_types(a_in.dtype(), b_in.dtype());
  if (is_complex(t)) return complex_matmul(a_in, b_in);
  if (!is_floating(t))
    fail("matmul", "Only real floating point types are supported but ", name_of(a_in.dtype()), " and ",
         name_of(b_in.dtype()), " were provided.");
  // 1-D operands become a row (left) or a column (right) and lose that axis again.
  array a = a_in.ndim() == 1 ? reshape(a_in, {1, a_in.shape()[0]}) : a_in;
  array b = b_in.ndim() == 1 ? reshape(b_in, {b_in.shape()[0], 1}) : b_in;
  if (a.shape(-1) != b.shape(-2))
    fail("matmul", "Last dimension of first input with shape ", shape_str(a_in.shape()),
         " must match second to last dimension of second input with shape ", shape_str(b_in.shape()), ".");
  Shape batch = broadcast_shapes(Shape(a.shape().begin(), a.shape().end() - 2),
                                 Shape(b.shape().begin(), b.shape().end() - 2), "matmul");
  Shape sa = batch, sb = batch, out = batch;
  sa.insert(sa.end(), {a.shape(-2), a.shape(-1)});
  sb.insert(sb.end(), {b.shape(-2), b.shape(-1)});
  out.insert(out.end(), {a.shape(-2), b.shape(-1)});
  array r(out, t, std::make_shared<Matmul>(),
          {broadcast_to(astype(a, t), sa, "matmul"), broadcast_to(astype(b, t), sb, "matmul")});
  if (a_in.ndim() == 1) r = squeeze(r, {-2});
  if (b_in.ndim() == 1) r = squeeze(r, {-1});
  return r;
}

}  // namespace wmx

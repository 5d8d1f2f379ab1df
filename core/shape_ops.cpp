#include "shape_ops.h"

#include <algorithm>
#include <numeric>

#include "compile.h"
#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/indexing.h"
#include "primitives/views.h"
#include "reduce_ops.h"
#include "shape_limits.h"

namespace wmx {

namespace {

std::vector<int> unique_axes(const std::vector<int>& axes, int ndim, const char* op) {
  std::vector<int> out;
  for (int ax : axes) out.push_back(normalize_axis(ax, ndim, op));
  auto s = out;
  std::sort(s.begin(), s.end());
  if (std::adjacent_find(s.begin(), s.end()) != s.end()) fail(op, "Received duplicate axes.");
  return out;
}

Dtype common_dtype(const std::vector<array>& xs) {
  Dtype t = xs[0].dtype();
  for (size_t i = 1; i < xs.size(); ++i) t = promote_types(t, xs[i].dtype());
  return t;
}

// Index arrays: integer dtypes only.
void check_index_dtype(const array& x, const char* op) {
  if (x.dtype() == Dtype::bool_)
    fail(op, "Boolean mask indices are not supported; use integer indices (or where()).");
  if (!is_integral(x.dtype())) fail(op, "Indices must be integers, got ", name_of(x.dtype()), ".");
}

array int_index(int64_t v) { return array::scalar(double(v), Dtype::int64); }

}  // namespace

// ---------------------------------------------------------------- joining and splitting

array concatenate(const std::vector<array>& arrays, int axis) {
  if (arrays.empty()) fail("concatenate", "No arrays provided for concatenation.");
  const array& first = arrays[0];
  if (first.ndim() == 0) fail("concatenate", "Zero-dimensional arrays cannot be concatenated.");
  int ax = normalize_axis(axis, first.ndim(), "concatenate");
  Shape shape = first.shape();
  for (size_t i = 1; i < arrays.size(); ++i) {
    const array& x = arrays[i];
    if (x.ndim() != first.ndim())
      fail("concatenate", "All the input arrays must have the same number of dimensions, got ",
           shape_str(first.shape()), " and ", shape_str(x.shape()), ".");
    for (int d = 0; d < x.ndim(); ++d)
      if (d != ax && x.shape()[d] != first.shape()[d])
        fail("concatenate", "All the input array dimensions must match exactly except for the concatenation axis ",
             ax, ", got shapes ", shape_str(first.shape()), " and ", shape_str(x.shape()), ".");
    shape[ax] += x.shape()[ax];
  }
  check_shape_limits(shape, "concatenate");
  Dtype t = common_dtype(arrays);
  if (arrays.size() == 1) return astype(first, t);
  std::vector<array> xs;
  for (auto& x : arrays) xs.push_back(astype(x, t));
  return array(shape, t, std::make_shared<Concatenate>(ax), xs);
}

array stack(const std::vector<array>& arrays, int axis) {
  ShapelessOrigin origin("stack");
  if (arrays.empty()) fail("stack", "No arrays provided for stacking.");
  for (auto& x : arrays)
    if (x.shape() != arrays[0].shape())
      fail("stack", "All arrays must have the same shape, got ", shape_str(arrays[0].shape()), " and ",
           shape_str(x.shape()), ".");
  int ax = normalize_axis(axis, arrays[0].ndim() + 1, "stack");
  Shape out = arrays[0].shape();
  out.insert(out.begin() + ax, int64_t(arrays.size()));
  check_shape_limits(out, "stack");  // under this op's name, not expand_dims's
  std::vector<array> xs;
  for (auto& x : arrays) xs.push_back(expand_dims(x, {ax}));
  return concatenate(xs, ax);
}

namespace {
// One piece of a split: the range `w` of axis `ax`, resolved now; under a
// shapeless trace the piece keeps `w` to resolve it again on new shapes.
array split_piece(const array& a, int ax, const WrittenAxis& w) {
  const SliceRange r = written_range(a.shape()[ax], w, ax, "split");
  Shape start(a.ndim(), 0), step(a.ndim(), 1), shape = a.shape();
  start[ax] = r.len > 0 ? r.start : 0;
  shape[ax] = r.len;
  std::vector<WrittenAxis> written;
  if (tracing_shapeless()) {
    written.resize(a.ndim());
    written[ax] = w;
  }
  return make_slice(a, start, step, shape, std::move(written));
}
}  // namespace

std::vector<array> split(const array& a, const std::vector<int64_t>& indices, int axis) {
  if (a.ndim() == 0) fail("split", "Cannot split a zero-dimensional array.");
  int ax = normalize_axis(axis, a.ndim(), "split");
  std::vector<array> out;
  for (size_t i = 0; i <= indices.size(); ++i) {
    WrittenAxis w;
    if (i > 0) w.slice.start = indices[i - 1];
    if (i < indices.size()) w.slice.stop = indices[i];
    out.push_back(split_piece(a, ax, w));
  }
  return out;
}

std::vector<array> split(const array& a, int sections, int axis) {
  if (a.ndim() == 0) fail("split", "Cannot split a zero-dimensional array.");
  int ax = normalize_axis(axis, a.ndim(), "split");
  if (sections <= 0) fail("split", "The number of sections must be positive, got ", sections, ".");
  std::vector<array> out;
  for (int k = 0; k < sections; ++k) {
    WrittenAxis w;
    w.section = WrittenAxis::Section{k, sections};
    out.push_back(split_piece(a, ax, w));
  }
  return out;
}

array tile(const array& a, const std::vector<int64_t>& reps_in) {
  ShapelessOrigin origin("tile");
  for (auto r : reps_in)
    if (r < 0) fail("tile", "Repetitions must be non-negative, got ", r, ".");
  std::vector<int64_t> reps = reps_in;
  Shape shape = a.shape();
  while (reps.size() < shape.size()) reps.insert(reps.begin(), 1);
  while (shape.size() < reps.size()) shape.insert(shape.begin(), 1);
  Shape expanded, bcast, out;
  for (size_t i = 0; i < shape.size(); ++i) {
    expanded.insert(expanded.end(), {1, shape[i]});
    bcast.insert(bcast.end(), {reps[i], shape[i]});
    out.push_back(reps[i] * shape[i]);
    if (shape[i] > 0 && reps[i] > 2147483647 / shape[i])
      fail("tile", "Tiling shape ", shape_str(a.shape()), " by ", reps[i], " on axis ", i, " gives a dimension larger than 2147483647.");
  }
  check_shape_limits(out, "tile");
  if (out == a.shape()) return a;
  return reshape(broadcast_to(reshape(a, expanded), bcast, "tile"), out);
}

array repeat(const array& a, int64_t repeats, std::optional<int> axis) {
  ShapelessOrigin origin("repeat");
  if (repeats < 0) fail("repeat", "Number of repeats cannot be negative, got ", repeats, ".");
  if (!axis) return repeat(flatten(a), repeats, 0);
  if (a.ndim() == 0) return repeat(reshape(a, {1}), repeats, 0);
  int ax = normalize_axis(*axis, a.ndim(), "repeat");
  Shape bshape = a.shape();
  bshape.insert(bshape.begin() + ax + 1, repeats);
  Shape out = a.shape();
  if (out[ax] > 0 && repeats > 2147483647 / out[ax])
    fail("repeat", "Repeating axis ", ax, " of size ", out[ax], " ", repeats, " times gives a dimension larger than 2147483647.");
  out[ax] *= repeats;
  check_shape_limits(out, "repeat");
  return reshape(broadcast_to(expand_dims(a, {ax + 1}), bshape, "repeat"), out);
}

array pad(const array& a, const std::vector<std::pair<int64_t, int64_t>>& width_in, const array& value,
          const std::string& mode) {
  ShapelessOrigin origin("pad");
  std::vector<std::pair<int64_t, int64_t>> width = width_in;
  if (width.size() == 1 && a.ndim() != 1) width.assign(a.ndim(), width_in[0]);
  if (int(width.size()) != a.ndim())
    fail("pad", "Invalid number of padding sizes passed to pad: got ", width.size(), " for an array with ",
         a.ndim(), " dimensions.");
  for (auto& [lo, hi] : width)
    if (lo < 0 || hi < 0) fail("pad", "Invalid padding size (", lo, ", ", hi, "): sizes must be non-negative.");
  Shape padded = a.shape();
  for (int d = 0; d < a.ndim(); ++d) padded[d] += width[d].first + width[d].second;
  check_shape_limits(padded, "pad");
  if (mode == "constant") {
    if (value.size() != 1 || value.ndim() > 0)
      fail("pad", "The constant value must be a scalar, got an array of shape ", shape_str(value.shape()), ".");
    Shape out = a.shape(), start(a.ndim()), step(a.ndim(), 1);
    for (int d = 0; d < a.ndim(); ++d) {
      out[d] += width[d].first + width[d].second;
      start[d] = width[d].first;
    }
    if (out == a.shape()) return a;
    return make_slice_update(broadcast_to(astype(value, a.dtype()), out, "pad"), a, start, step);
  }
  if (mode == "edge") {
    array x = a;
    for (int d = 0; d < a.ndim(); ++d) {
      auto [lo, hi] = width[d];
      if (lo == 0 && hi == 0) continue;
      const int64_t n = x.shape()[d];
      if (n == 0) fail("pad", "Cannot pad an empty axis (", d, ") in edge mode.");
      std::vector<array> parts;
      Shape start(x.ndim(), 0), step(x.ndim(), 1), one = x.shape();
      one[d] = 1;
      if (lo > 0) {
        Shape s = x.shape();
        s[d] = lo;
        parts.push_back(broadcast_to(make_slice(x, start, step, one), s));
      }
      parts.push_back(x);
      if (hi > 0) {
        start[d] = n - 1;
        Shape s = x.shape();
        s[d] = hi;
        parts.push_back(broadcast_to(make_slice(x, start, step, one), s));
      }
      x = concatenate(parts, d);
    }
    return x;
  }
  fail("pad", "Invalid padding mode '", mode, "': expected 'constant' or 'edge'.");
}

// ---------------------------------------------------------------- reshaping views

array flatten(const array& a, int start_axis, int end_axis) {
  if (a.ndim() == 0) return expand_dims(a, {0});
  int s = normalize_axis(start_axis, a.ndim(), "flatten");
  int e = normalize_axis(end_axis, a.ndim(), "flatten");
  if (s > e) fail("flatten", "start_axis (", start_axis, ") must be less than or equal to end_axis (", end_axis, ").");
  if (s == e) return a;
  Shape shape = Flatten(s, e).output_shapes({a.shape()})[0];
  check_shape_limits(shape, "flatten");
  return array(shape, a.dtype(), std::make_shared<Flatten>(s, e), {a});
}

Shape unflattened_shape(const Shape& in, int ax, const Shape& shape) {
  Shape s = shape;
  int infer = -1;
  int64_t known = 1;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == -1) {
      if (infer >= 0) fail("unflatten", "Can only infer one dimension, got shape ", shape_str(shape), ".");
      infer = int(i);
    } else if (s[i] < 0) {
      fail("unflatten", "Invalid dimension ", s[i], " in shape ", shape_str(shape), ".");
    } else {
      known *= s[i];
    }
  }
  const int64_t dim = in[ax];
  if (infer >= 0) {
    if (known == 0 || dim % known != 0)
      fail("unflatten", "Cannot unflatten axis ", ax, " of size ", dim, " into shape ", shape_str(shape), ".");
    s[infer] = dim / known;
  } else if (known != dim) {
    fail("unflatten", "Cannot unflatten axis ", ax, " of size ", dim, " into shape ", shape_str(shape), ".");
  }
  Shape out(in.begin(), in.begin() + ax);
  out.insert(out.end(), s.begin(), s.end());
  out.insert(out.end(), in.begin() + ax + 1, in.end());
  return out;
}

array unflatten(const array& a, int axis, const Shape& shape) {
  ShapelessOrigin origin("unflatten");
  if (shape.empty()) fail("unflatten", "The shape to unflatten to cannot be empty.");
  int ax = normalize_axis(axis, a.ndim(), "unflatten");
  Shape out = unflattened_shape(a.shape(), ax, shape);
  if (!tracing_shapeless()) return reshape(a, out);
  // Shapeless: the other axes follow the input on replay, the split axis as written.
  check_shape_limits(out, "unflatten");
  return array(out, a.dtype(), std::make_shared<Reshape>(out, std::nullopt, AxisSplit{ax, shape}), {a});
}

array swapaxes(const array& a, int axis1, int axis2) {
  int x = normalize_axis(axis1, a.ndim(), "swapaxes");
  int y = normalize_axis(axis2, a.ndim(), "swapaxes");
  std::vector<int> perm = all_axes(a.ndim());
  std::swap(perm[x], perm[y]);
  return transpose(a, perm);
}

std::vector<array> broadcast_arrays(const std::vector<array>& arrays) {
  ShapelessOrigin origin("broadcast_arrays");
  Shape shape;
  for (auto& x : arrays) shape = broadcast_shapes(shape, x.shape(), "broadcast_arrays");
  std::vector<array> out;
  if (tracing_shapeless() && !arrays.empty()) {
    // The common shape as a donor that follows new shapes: zero-sized views
    // of every operand added up (their implicit broadcasts follow the Add).
    array common = full_like(arrays[0], 0.0, Dtype::bool_);
    for (size_t i = 1; i < arrays.size(); ++i) common = logical_or(common, full_like(arrays[i], 0.0, Dtype::bool_));
    for (auto& x : arrays) out.push_back(broadcast_like(x, common));
    return out;
  }
  for (auto& x : arrays) out.push_back(broadcast_to(x, shape, "broadcast_arrays"));
  return out;
}

array as_strided(const array& a, const Shape& shape, const Strides& strides, int64_t offset) {
  if (shape.size() != strides.size())
    fail("as_strided", "The shape ", shape_str(shape), " and strides ", shape_str(strides),
         " must have the same length.");
  int64_t lo = offset, hi = offset;
  bool empty = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) fail("as_strided", "Negative dimension in shape ", shape_str(shape), ".");
    if (shape[i] == 0) empty = true;
    int64_t span = (shape[i] - 1) * strides[i];
    (span < 0 ? lo : hi) += span;
  }
  check_shape_limits(shape, "as_strided");
  if (!empty && (lo < 0 || hi >= a.size()))
    fail("as_strided", "The view (shape ", shape_str(shape), ", strides ", shape_str(strides), ", offset ", offset,
         ") reaches outside the input's ", a.size(), " elements.");
  return array(shape, a.dtype(), std::make_shared<AsStrided>(shape, strides, offset), {a});
}

// ---------------------------------------------------------------- slicing

array slice(const array& a, const std::vector<SliceArg>& slices) {
  if (int(slices.size()) > a.ndim())
    fail("slice", "Too many slices (", slices.size(), ") for an array with ", a.ndim(), " dimensions.");
  Shape start(a.ndim(), 0), step(a.ndim(), 1), shape = a.shape();
  for (size_t d = 0; d < slices.size(); ++d) {
    SliceRange r = slice_range(a.shape()[d], slices[d], "slice");
    start[d] = r.start;
    step[d] = r.step;
    shape[d] = r.len;
  }
  return make_slice(a, start, step, shape);
}

namespace {
// One scalar start index per axis from MLX's `start` array.
std::vector<array> dynamic_starts(const array& start, size_t naxes, const char* op) {
  check_index_dtype(start, op);
  if (start.size() != int64_t(naxes))
    fail(op, "The start indices have ", start.size(), " elements but ", naxes, " axes were given.");
  array flat = reshape(start, {int64_t(naxes)});
  std::vector<array> out;
  for (size_t k = 0; k < naxes; ++k) out.push_back(reshape(make_slice(flat, {int64_t(k)}, {1}, {1}), {}));
  return out;
}
}  // namespace

array slice_dynamic(const array& a, const array& start, const std::vector<int>& axes_in, const Shape& slice_size) {
  ShapelessOrigin origin("slice_dynamic");
  auto axes = unique_axes(axes_in, a.ndim(), "slice_dynamic");
  if (int(slice_size.size()) != a.ndim())
    fail("slice_dynamic", "The slice size ", shape_str(slice_size), " must have one entry per dimension of the array ",
         shape_str(a.shape()), ".");
  for (int d = 0; d < a.ndim(); ++d)
    if (slice_size[d] < 0 || slice_size[d] > a.shape()[d])
      fail("slice_dynamic", "Invalid slice size ", shape_str(slice_size), " for an array of shape ",
           shape_str(a.shape()), ".");
  return make_gather(a, dynamic_starts(start, axes.size(), "slice_dynamic"), axes, slice_size, "slice_dynamic");
}

array slice_update_dynamic(const array& a, const array& update_in, const array& start, const std::vector<int>& axes_in) {
  ShapelessOrigin origin("slice_update_dynamic");
  auto axes = unique_axes(axes_in, a.ndim(), "slice_update");
  if (update_in.ndim() > a.ndim())
    fail("slice_update", "The update of shape ", shape_str(update_in.shape()),
         " has more dimensions than the array of shape ", shape_str(a.shape()), ".");
  Shape us = update_in.shape();
  us.insert(us.begin(), a.ndim() - update_in.ndim(), 1);
  for (int d = 0; d < a.ndim(); ++d)
    if (us[d] > a.shape()[d])
      fail("slice_update", "The update of shape ", shape_str(update_in.shape()), " does not fit in the array of shape ",
           shape_str(a.shape()), ".");
  return make_scatter(a, dynamic_starts(start, axes.size(), "slice_update"), reshape(update_in, us), axes,
                      ScatterOp::set, "slice_update");
}

// ---------------------------------------------------------------- take

array take(const array& a, const array& indices, int axis) {
  check_index_dtype(indices, "take");
  if (a.ndim() == 0) fail("take", "Cannot take from a zero-dimensional array along an axis.");
  int ax = normalize_axis(axis, a.ndim(), "take");
  if (a.shape()[ax] == 0 && indices.size() > 0)
    fail("take", "Cannot take from an empty axis (", ax, ").");
  Shape sizes = a.shape();
  sizes[ax] = 1;
  array g = make_gather(a, {indices}, {ax}, sizes, "take");  // (I..., a with 1 at ax)
  const int nI = indices.ndim();
  g = squeeze(g, {nI + ax});  // (I..., pre..., post...)
  if (ax == 0 || nI == 0) return g;
  std::vector<int> perm;
  for (int d = 0; d < ax; ++d) perm.push_back(nI + d);
  for (int d = 0; d < nI; ++d) perm.push_back(d);
  for (int d = nI + ax; d < g.ndim(); ++d) perm.push_back(d);
  return transpose(g, perm);
}

array take(const array& a, const array& indices) { return take(flatten(a), indices, 0); }

namespace {
// Index arrays for every axis of `shape` (aranges on all but `axis`, where
// `indices` go), broadcastable to each other; I is their common shape.
std::vector<array> along_axis_indices(const Shape& shape, const array& indices, int axis) {
  std::vector<array> idx;
  for (int d = 0; d < int(shape.size()); ++d) {
    if (d == axis) {
      idx.push_back(indices);
      continue;
    }
    Shape s(shape.size(), 1);
    s[d] = shape[d];
    idx.push_back(reshape(arange(0.0, double(shape[d]), 1.0, Dtype::int32), s));
  }
  return idx;
}
}  // namespace

array take_along_axis(const array& a_in, const array& indices, std::optional<int> axis) {
  ShapelessOrigin origin("take_along_axis");
  check_index_dtype(indices, "take_along_axis");
  array a = axis ? a_in : reshape(a_in, {-1});
  int ax = axis ? *axis : 0;
  if (indices.ndim() != a.ndim())
    fail("take_along_axis", "Indices of dimension ", indices.ndim(), " does not match array of dimension ", a.ndim(),
         ".");
  ax = normalize_axis(ax, a.ndim(), "take_along_axis");
  // Broadcast the array against the indices on every other axis.
  Shape as = a.shape(), is = indices.shape();
  for (int d = 0; d < a.ndim(); ++d) {
    if (d == ax) continue;
    Shape x{as[d]}, y{is[d]};
    as[d] = is[d] = broadcast_shapes(x, y, "take_along_axis")[0];
  }
  if (tracing_shapeless() && as == a.shape() && a.shape()[ax] > 0) {
    // Index arrays that follow new shapes: positions counted along each other
    // axis of the operands' common shape (that of a with axis `ax` cut to
    // one, broadcast against the indices, so a mismatch on replay is the
    // eager op's broadcast error), not aranges of the traced lengths.
    Shape start(a.ndim(), 0), step(a.ndim(), 1), one = a.shape();
    one[ax] = 1;
    std::vector<WrittenAxis> written(a.ndim());
    written[ax].slice = SliceArg{0, 1, 1};
    // (only its shape is read: no gradient flows to the indices through it)
    array column = stop_gradient(make_slice(a, start, step, one, std::move(written)));
    array ones = add(full_like(column, 1.0, Dtype::int32), full_like(indices, 0.0, Dtype::int32));
    std::vector<array> idx;
    for (int d = 0; d < a.ndim(); ++d)
      idx.push_back(d == ax ? broadcast_like(indices, ones) : cumsum(ones, d, false, /*inclusive=*/false));
    array g = make_gather(a, idx, all_axes(a.ndim()), Shape(a.ndim(), 1), "take_along_axis");
    return reshape_like(g, ones);
  }
  array ab = broadcast_to(a, as, "take_along_axis");
  array ib = broadcast_to(indices, is, "take_along_axis");
  auto idx = along_axis_indices(as, ib, ax);
  Shape ones(a.ndim(), 1);
  array g = make_gather(ab, idx, all_axes(a.ndim()), ones, "take_along_axis");
  return reshape(g, is);
}

array put_along_axis(const array& a, const array& indices, const array& values, std::optional<int> axis) {
  ShapelessOrigin origin("put_along_axis");
  check_index_dtype(indices, "put_along_axis");
  if (!axis) {
    return reshape_like(put_along_axis(flatten(a), indices, values, 0), a);
  }
  if (indices.ndim() != a.ndim())
    fail("put_along_axis", "Indices of dimension ", indices.ndim(), " does not match array of dimension ", a.ndim(),
         ".");
  int ax = normalize_axis(*axis, a.ndim(), "put_along_axis");
  Shape is = indices.shape();
  for (int d = 0; d < a.ndim(); ++d)
    if (d != ax) is[d] = broadcast_shapes({a.shape()[d]}, {is[d]}, "put_along_axis")[0];
  for (int d = 0; d < a.ndim(); ++d)
    if (d != ax && is[d] != a.shape()[d])
      fail("put_along_axis", "Indices of shape ", shape_str(indices.shape()), " do not broadcast to the array's shape ",
           shape_str(a.shape()), " off the axis ", ax, ".");
  array ib = broadcast_to(indices, is, "put_along_axis");
  auto idx = along_axis_indices(a.shape(), ib, ax);
  Shape us = is;
  us.insert(us.end(), a.ndim(), 1);
  array v = reshape(broadcast_to(astype(values, a.dtype()), is, "put_along_axis"), us);
  return make_scatter(a, idx, v, all_axes(a.ndim()), ScatterOp::set, "put_along_axis");
}

// ---------------------------------------------------------------- x[...] and x.at[...]

namespace {

struct IndexPlan {
  Shape start, step, len;         // per axis of a (advanced axes: the full range)
  std::vector<int> adv_axes;      // axes indexed by arrays or (with arrays present) ints
  std::vector<array> adv;         // their index arrays
  std::vector<int> adv_pos;       // their positions in the expanded entry list
  Shape I;                        // broadcast shape of `adv`
  std::vector<int64_t> tail;      // sizes of the other result dims, in order (slices, new axes)
  std::vector<int> tail_axis;     // the axis of a for slices, -1 for new axes
  int p = 0;                      // where the I block goes among the tail dims
  bool has_adv = false;
  int trailing_full = 0;          // axes at the end taken whole (no entry after them)
  // Under a shapeless trace and without arrays: each axis' entry as written
  // (empty otherwise, so eager indexing pays nothing for it).
  std::vector<WrittenAxis> written;

  Shape result_shape() const {
    Shape r(tail.begin(), tail.begin() + p);
    r.insert(r.end(), I.begin(), I.end());
    r.insert(r.end(), tail.begin() + p, tail.end());
    return r;
  }
};

IndexPlan plan_index(const array& a, const std::vector<IndexEntry>& idx, const char* op) {
  const int nd = a.ndim();
  int consuming = 0, ellipses = 0;
  bool has_array = false;
  for (auto& e : idx) {
    if (e.kind == IndexEntry::Int || e.kind == IndexEntry::Slice || e.kind == IndexEntry::Array) ++consuming;
    if (e.kind == IndexEntry::Ellipsis) ++ellipses;
    if (e.kind == IndexEntry::Array) {
      if (!e.arr.valid()) fail(op, "Invalid index array.");
      check_index_dtype(e.arr, op);
      has_array = true;
    }
  }
  if (ellipses > 1) fail(op, "An index can only have a single ellipsis ('...').");
  if (consuming > nd)
    fail(op, "Too many indices for an array with ", nd, " dimensions (got ", consuming, ").");
  // Expand the ellipsis (or append it) into full slices.
  std::vector<IndexEntry> ex;
  bool expanded = false;
  for (auto& e : idx) {
    if (e.kind == IndexEntry::Ellipsis) {
      for (int i = 0; i < nd - consuming; ++i) ex.push_back(IndexEntry{});
      expanded = true;
    } else {
      ex.push_back(e);
    }
  }
  int trailing = 0;
  if (!expanded) {
    trailing = nd - consuming;
    for (int i = 0; i < trailing; ++i) ex.push_back(IndexEntry{});
  }

  IndexPlan P;
  P.has_adv = has_array;
  P.start.assign(nd, 0);
  P.step.assign(nd, 1);
  P.len = a.shape();
  if (!has_array && tracing_shapeless()) P.written.resize(nd);
  int axis = 0;
  for (int pos = 0; pos < int(ex.size()); ++pos) {
    const IndexEntry& e = ex[pos];
    switch (e.kind) {
      case IndexEntry::NewAxis:
        P.tail.push_back(1);
        P.tail_axis.push_back(-1);
        break;
      case IndexEntry::Slice: {
        SliceRange r = slice_range(a.shape()[axis], e.slice, op);
        P.start[axis] = r.start;
        P.step[axis] = r.step;
        P.len[axis] = r.len;
        P.tail.push_back(r.len);
        P.tail_axis.push_back(axis);
        if (!P.written.empty()) P.written[axis].slice = e.slice;
        ++axis;
        break;
      }
      case IndexEntry::Int: {
        const int64_t v = point_index(a.shape()[axis], e.value, axis, op);
        if (has_array) {
          P.adv_axes.push_back(axis);
          P.adv.push_back(int_index(v));
          P.adv_pos.push_back(pos);
        } else {
          P.start[axis] = v;
          P.len[axis] = 1;
          if (!P.written.empty()) P.written[axis].point = e.value;
        }
        ++axis;
        break;
      }
      case IndexEntry::Array:
        if (a.shape()[axis] == 0 && e.arr.size() > 0)
          fail(op, "Cannot index into an empty axis (", axis, ").");
        P.adv_axes.push_back(axis);
        P.adv.push_back(e.arr);
        P.adv_pos.push_back(pos);
        ++axis;
        break;
      case IndexEntry::Ellipsis: break;
    }
  }
  for (auto& x : P.adv) P.I = broadcast_shapes(P.I, x.shape(), op);
  if (has_array) {
    bool adjacent = true;
    for (size_t k = 1; k < P.adv_pos.size(); ++k) adjacent = adjacent && P.adv_pos[k] == P.adv_pos[k - 1] + 1;
    if (adjacent) {
      // Tail items before the first advanced entry.
      int before = 0;
      for (int pos = 0; pos < P.adv_pos[0]; ++pos)
        if (ex[pos].kind == IndexEntry::Slice || ex[pos].kind == IndexEntry::NewAxis) ++before;
      P.p = before;
    }
  }
  // Axes at the end taken whole with nothing indexed after them.
  for (int pos = int(ex.size()) - 1, ax = nd - 1; pos >= 0; --pos, --ax) {
    const IndexEntry& e = ex[pos];
    if (e.kind != IndexEntry::Slice || P.start[ax] != 0 || P.step[ax] != 1 || P.len[ax] != a.shape()[ax]) break;
    ++P.trailing_full;
  }
  // The result (the indices' dims, then the tail) within the limits, under
  // this op's name rather than that of the reshape or gather it runs.
  Shape out = P.I;
  out.insert(out.end(), P.tail.begin(), P.tail.end());
  check_shape_limits(out, op);
  return P;
}

// The strided region of a plan as a view; under a shapeless compile trace it
// keeps the index as written (so its shape follows new input shapes).
array plan_view(const array& a, const IndexPlan& P) { return make_slice(a, P.start, P.step, P.len, P.written); }

}  // namespace

array index(const array& a, const std::vector<IndexEntry>& idx) {
  ShapelessOrigin origin("index");
  IndexPlan P = plan_index(a, idx, "index");
  // Shapeless with index arrays and only whole axes beside them (x.index(i),
  // x.index(i, j)): no view, and the indexed axes dropped by a squeeze, so
  // the result follows new shapes (a view or reshape here would fix them).
  bool whole_axes = true, new_axes = false;
  for (int d = 0; d < a.ndim(); ++d)
    whole_axes = whole_axes && P.start[d] == 0 && P.step[d] == 1 && P.len[d] == a.shape()[d];
  for (int t : P.tail_axis) new_axes = new_axes || t < 0;
  const bool follow = P.has_adv && tracing_shapeless() && whole_axes && !new_axes;
  array view = follow ? a : plan_view(a, P);
  if (!P.has_adv && tracing_shapeless()) {
    // Integer-indexed axes dropped and new axes inserted by views that
    // follow new shapes (a reshape to P.tail would fix the traced one).
    std::vector<int> points, inserted;
    for (int d = 0; d < a.ndim(); ++d)
      if (P.written[d].point) points.push_back(d);
    for (size_t i = 0; i < P.tail_axis.size(); ++i)
      if (P.tail_axis[i] < 0) inserted.push_back(int(i));
    if (!points.empty()) view = squeeze(view, points);
    return inserted.empty() ? view : expand_dims(view, inserted);
  }
  if (!P.has_adv) return reshape(view, P.tail);
  Shape sizes = view.shape();
  for (int ax : P.adv_axes) sizes[ax] = 1;
  array g = make_gather(view, P.adv, P.adv_axes, sizes, "index");  // (I..., view with 1s)
  const int nI = int(P.I.size());
  Shape s = P.I;
  s.insert(s.end(), P.tail.begin(), P.tail.end());
  if (follow) {
    std::vector<int> indexed;
    for (int ax : P.adv_axes) indexed.push_back(nI + ax);
    g = squeeze(g, indexed);
  } else {
    g = reshape(g, s);
  }
  if (P.p == 0 || nI == 0) return g;
  std::vector<int> perm;
  for (int d = 0; d < P.p; ++d) perm.push_back(nI + d);
  for (int d = 0; d < nI; ++d) perm.push_back(d);
  for (int d = nI + P.p; d < g.ndim(); ++d) perm.push_back(d);
  return transpose(g, perm);
}

namespace {

// MLX broadcasts the update to the indexed shape, dropping extra leading 1s.
array fit_update(const array& update, const Shape& target, const char* op) {
  array u = update;
  while (u.ndim() > int(target.size()) && u.shape()[0] == 1) u = squeeze(u, {0});
  bool ok = u.ndim() <= int(target.size());
  for (int d = 0; ok && d < u.ndim(); ++d) {
    int64_t ud = u.shape()[d], td = target[target.size() - u.ndim() + d];
    ok = ud == td || ud == 1;
  }
  if (!ok)
    fail(op, "Cannot broadcast the update of shape ", shape_str(update.shape()), " to the indexed shape ",
         shape_str(target), ".");
  return broadcast_to(u, target, op);
}

array apply_op(UpdateOp op, const array& x, const array& v) {
  switch (op) {
    case UpdateOp::add: return add(x, v);
    case UpdateOp::subtract: return subtract(x, v);
    case UpdateOp::multiply: return multiply(x, v);
    case UpdateOp::divide: return divide(x, v);
    case UpdateOp::maximum: return maximum(x, v);
    case UpdateOp::minimum: return minimum(x, v);
    case UpdateOp::set: return v;
  }
  return v;
}

}  // namespace

array index_update(const array& a, const std::vector<IndexEntry>& idx, const array& update, UpdateOp op) {
  ShapelessOrigin origin("at");
  const char* tag = "at";
  IndexPlan P = plan_index(a, idx, tag);
  const Shape R = P.result_shape();
  array v = fit_update(update, R, tag);
  if (!P.has_adv && tracing_shapeless()) {
    // The same, with the region and the update's shape following new shapes:
    // the update laid out as the region (new axes dropped, integer-indexed
    // axes kept as size 1), then broadcast to it.
    array region = make_slice(a, P.start, P.step, P.len, P.written);
    array u = update;
    while (u.ndim() > int(R.size()) && u.shape()[0] == 1) u = squeeze(u, {0});
    if (u.ndim() < int(R.size())) {
      std::vector<int> lead(R.size() - u.ndim());
      std::iota(lead.begin(), lead.end(), 0);
      u = expand_dims(u, lead);
    }
    std::vector<int> new_axes, points;
    for (size_t t = 0; t < P.tail_axis.size(); ++t)
      if (P.tail_axis[t] < 0) new_axes.push_back(int(t));
    if (!new_axes.empty()) u = squeeze(u, new_axes);
    for (int d = 0; d < a.ndim(); ++d)
      if (P.written[d].point) points.push_back(d);
    if (!points.empty()) u = expand_dims(u, points);
    u = broadcast_like(u, region);
    if (op != UpdateOp::set) u = apply_op(op, region, u);
    return make_slice_update(a, astype(u, a.dtype()), P.start, P.step, P.written);
  }
  if (!P.has_adv) {
    // A strided region: no duplicates, so op(region, v) then one slice update.
    array u = reshape(v, P.len);
    if (op != UpdateOp::set) u = apply_op(op, make_slice(a, P.start, P.step, P.len), u);
    return make_slice_update(a, astype(u, a.dtype()), P.start, P.step);
  }
  if (op == UpdateOp::divide && !is_floating(a.dtype())) {
    // Integer division can't be a product of reciprocals: gather, divide, set.
    array cur = index(a, idx);
    return index_update(a, idx, divide(cur, v), UpdateOp::set);
  }
  // Scatter over every axis but the trailing whole ones, with one index array
  // per axis broadcastable to the result's leading dims.
  const int nd = a.ndim();
  const int nidx = nd - P.trailing_full;
  const int rlead = int(R.size()) - P.trailing_full;
  const int nI = int(P.I.size());
  auto result_pos = [&](int tail_item) { return tail_item < P.p ? tail_item : tail_item + nI; };
  std::vector<array> indices(nidx);
  for (size_t k = 0; k < P.adv_axes.size(); ++k) {
    if (P.adv_axes[k] >= nidx) continue;
    const array& x = P.adv[k];
    Shape s(rlead, 1);
    for (int d = 0; d < x.ndim(); ++d) s[P.p + nI - x.ndim() + d] = x.shape()[d];
    indices[P.adv_axes[k]] = reshape(x, s);
  }
  for (size_t t = 0; t < P.tail.size(); ++t) {
    int ax = P.tail_axis[t];
    if (ax < 0 || ax >= nidx) continue;
    Shape s(rlead, 1);
    s[result_pos(int(t))] = P.len[ax];
    array r = arange(double(P.start[ax]), double(P.start[ax] + P.len[ax] * P.step[ax]), double(P.step[ax]),
                     Dtype::int32);
    if (P.len[ax] == 0) r = zeros({0}, Dtype::int32);
    indices[ax] = reshape(r, s);
  }
  std::vector<int> axes(nidx);
  std::iota(axes.begin(), axes.end(), 0);
  Shape us(R.begin(), R.begin() + rlead);
  us.insert(us.end(), nidx, 1);
  us.insert(us.end(), a.shape().begin() + nidx, a.shape().end());
  // The indices' broadcast shape must be R's leading part even if some axis
  // has no dims there (all-scalar indices): broadcast them explicitly.
  Shape lead(R.begin(), R.begin() + rlead);
  for (auto& x : indices) x = broadcast_to(x, lead, tag);
  array u = astype(v, a.dtype());
  ScatterOp sop = ScatterOp::set;
  switch (op) {
    case UpdateOp::set: sop = ScatterOp::set; break;
    case UpdateOp::add: sop = ScatterOp::add; break;
    case UpdateOp::subtract: sop = ScatterOp::add; u = negative(u); break;
    case UpdateOp::multiply: sop = ScatterOp::prod; break;
    case UpdateOp::divide: sop = ScatterOp::prod; u = reciprocal(u); break;
    case UpdateOp::maximum: sop = ScatterOp::max; break;
    case UpdateOp::minimum: sop = ScatterOp::min; break;
  }
  return make_scatter(a, indices, reshape(u, us), axes, sop, tag);
}

}  // namespace wmx

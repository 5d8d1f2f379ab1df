// Shape and indexing operations (MLX semantics): concatenation, splitting,
// tiling, padding, slicing views, gathers and scatters, and numpy-style
// indexing (`x[...]` and `x.at[...]`). Graph builders with validation; the
// primitives live in primitives/indexing.h.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "array.h"
#include "slicing.h"

namespace wmx {

array concatenate(const std::vector<array>& arrays, int axis = 0);
array stack(const std::vector<array>& arrays, int axis = 0);
// split into `sections` equal parts, or at the given indices.
std::vector<array> split(const array& a, int sections, int axis = 0);
std::vector<array> split(const array& a, const std::vector<int64_t>& indices, int axis = 0);
array tile(const array& a, const std::vector<int64_t>& reps);
// repeat each element `repeats` times along `axis` (nullopt: of the flattened array).
array repeat(const array& a, int64_t repeats, std::optional<int> axis = std::nullopt);
// pad_width: one (low, high) pair per axis (a single pair applies to all).
// mode "constant" (with `value`, a scalar array) or "edge".
array pad(const array& a, const std::vector<std::pair<int64_t, int64_t>>& pad_width, const array& value,
          const std::string& mode = "constant");
array flatten(const array& a, int start_axis = 0, int end_axis = -1);
array unflatten(const array& a, int axis, const Shape& shape);
// unflatten's output shape: axis `ax` (non-negative) of `in` split into `shape` (one -1 inferred).
Shape unflattened_shape(const Shape& in, int ax, const Shape& shape);
array swapaxes(const array& a, int axis1, int axis2);
std::vector<array> broadcast_arrays(const std::vector<array>& arrays);
array as_strided(const array& a, const Shape& shape, const Strides& strides, int64_t offset = 0);

// Basic slicing as a strided view: per-axis start/stop/step for the leading
// axes (Python slice semantics for each: normalized here).
array slice(const array& a, const std::vector<SliceArg>& slices);
// MLX's dynamic slice: `start` an integer array (one value per axis in
// `axes`, or a scalar for one axis); slice_size is the output shape.
array slice_dynamic(const array& a, const array& start, const std::vector<int>& axes, const Shape& slice_size);
array slice_update_dynamic(const array& a, const array& update, const array& start, const std::vector<int>& axes);

// take: indices of any integer dtype and shape; negative ones count from the end.
array take(const array& a, const array& indices, int axis);
array take(const array& a, const array& indices);  // of the flattened array
array take_along_axis(const array& a, const array& indices, std::optional<int> axis);
array put_along_axis(const array& a, const array& indices, const array& values, std::optional<int> axis);

// numpy/MLX indexing: x[idx...] and x.at[idx...].op(update).
struct IndexEntry {
  enum Kind : int { Int = 0, Slice = 1, NewAxis = 2, Ellipsis = 3, Array = 4 };
  Kind kind = Slice;
  int64_t value = 0;  // Int
  SliceArg slice;     // Slice
  array arr;          // Array
};
enum class UpdateOp { set, add, subtract, multiply, divide, maximum, minimum };
array index(const array& a, const std::vector<IndexEntry>& idx);
array index_update(const array& a, const std::vector<IndexEntry>& idx, const array& update, UpdateOp op);

}  // namespace wmx

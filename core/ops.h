// The operations users call. Each builds graph nodes (nothing is computed
// until eval), validates its arguments, and throws "[op] ..." on bad input.
#pragma once
#include <optional>
#include <vector>

#include "array.h"

namespace wmx {

// Creation
array full(const Shape& shape, double value, Dtype dtype);
array zeros(const Shape& shape, Dtype dtype);
array ones(const Shape& shape, Dtype dtype);
// `value` in `like`'s shape; under a shapeless compile trace the result
// follows like's shape on replay (see broadcast_like).
array full_like(const array& like, double value, Dtype dtype);

// Type and shape
array astype(const array& a, Dtype dtype);
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op);
array broadcast_to(const array& a, const Shape& shape, const char* op = "broadcast_to");
// Throws "[op] ..." unless `shape` is a valid target that `from` broadcasts to.
void check_broadcast_to(const Shape& from, const Shape& shape, const char* op);
// `a` broadcast to `like`'s shape (transform rules use it). Under a shapeless
// compile trace the Broadcast also takes `like` as an input, whose shape
// (never its data) gives the target when the trace replays on new shapes.
array broadcast_like(const array& a, const array& like);
array reshape(const array& a, Shape shape);  // one dim may be -1
// `a` reshaped to `like`'s shape (transform rules use it); under a shapeless
// compile trace `like` is a shape donor as in broadcast_like.
array reshape_like(const array& a, const array& like);
// reshape's target for `size` elements: validated, a -1 inferred.
Shape reshaped_shape(int64_t size, Shape shape);

// The public API's entries for shapes the caller wrote. Under a shapeless
// compile trace they keep the argument in their node, even one that is an
// identity at the traced shape, and replays work it out again on new shapes
// (a -1 is inferred anew, a broadcast target stays as written). Internal
// callers pass shapes worked out from traced shapes and use reshape and
// broadcast_to, whose nodes shapeless rejects: replaying those would be wrong.
array reshape_as_written(const array& a, const Shape& shape);
array broadcast_to_as_written(const array& a, const Shape& shape);
array transpose(const array& a, std::vector<int> axes);
array transpose(const array& a);  // reverses the axes
array squeeze(const array& a, const std::vector<int>& axes);
array moveaxis(const array& a, int source, int destination);
array expand_dims(const array& a, const std::vector<int>& axes);

// Elementwise
array add(const array& a, const array& b);
array subtract(const array& a, const array& b);
array multiply(const array& a, const array& b);
array divide(const array& a, const array& b);
array maximum(const array& a, const array& b);
array minimum(const array& a, const array& b);
array equal(const array& a, const array& b);
array not_equal(const array& a, const array& b);
array less(const array& a, const array& b);
array less_equal(const array& a, const array& b);
array greater(const array& a, const array& b);
array greater_equal(const array& a, const array& b);

// Reductions: `axes` empty with all_axes = true reduces everything.
array sum(const array& a, const std::vector<int>& axes, bool keepdims = false);
array sum(const array& a);  // over every axis
array prod(const array& a, const std::vector<int>& axes, bool keepdims = false);
array max(const array& a, const std::vector<int>& axes, bool keepdims = false);
array min(const array& a, const std::vector<int>& axes, bool keepdims = false);
array all(const array& a, const std::vector<int>& axes, bool keepdims = false);
array any(const array& a, const std::vector<int>& axes, bool keepdims = false);
array mean(const array& a, const std::vector<int>& axes, bool keepdims = false);

// Linear algebra
array matmul(const array& a, const array& b);

// Helpers shared by ops: axis normalisation with the op's tag in errors.
int normalize_axis(int axis, int ndim, const char* op);
std::vector<int> all_axes(int ndim);

}  // namespace wmx

// Slice arguments as the caller writes them (Python slice semantics), and
// their resolution against one axis' length. Shared by the slicing ops and by
// the Slice primitive, which keeps the written form under shapeless compile
// so a replay can resolve it again against new shapes.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "error.h"

namespace wmx {

struct SliceArg {
  std::optional<int64_t> start, stop, step;
  bool operator==(const SliceArg&) const = default;
};

// Python's slice.indices(dim) as (start, step, length).
struct SliceRange {
  int64_t start, step, len;
};

inline SliceRange slice_range(int64_t dim, const SliceArg& s, const char* op) {
  const int64_t step = s.step.value_or(1);
  if (step == 0) fail(op, "Slice step cannot be zero.");
  const int64_t lower = step > 0 ? 0 : -1, upper = step > 0 ? dim : dim - 1;
  auto clamp = [&](std::optional<int64_t> v, int64_t dflt) {
    if (!v) return dflt;
    int64_t x = *v;
    if (x < 0) {
      x += dim;
      if (x < lower) x = lower;
    } else if (x > upper) {
      x = upper;
    }
    return x;
  };
  const int64_t start = clamp(s.start, step > 0 ? lower : upper);
  const int64_t stop = clamp(s.stop, step > 0 ? upper : lower);
  const int64_t len = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0)
                               : (start > stop ? (start - stop - step - 1) / -step : 0);
  return {start, step, len};
}

// One axis of a slice as written: a range, one integer index (a `point`,
// kept here as a length-1 range; the op drops the axis after), or part
// `part` of `parts` equal sections of the axis (split).
struct WrittenAxis {
  struct Section {
    int64_t part, parts;
    bool operator==(const Section&) const = default;
  };
  SliceArg slice;
  std::optional<int64_t> point;
  std::optional<Section> section;
  bool operator==(const WrittenAxis&) const = default;
};

// An integer index resolved against an axis, negative counting from the end.
inline int64_t point_index(int64_t dim, int64_t value, int axis, const char* op) {
  const int64_t v = value < 0 ? value + dim : value;
  if (v < 0 || v >= dim) fail(op, "Index ", value, " is out of bounds for axis ", axis, " with size ", dim, ".");
  return v;
}

inline SliceRange written_range(int64_t dim, const WrittenAxis& w, int axis, const char* op) {
  if (w.point) return {point_index(dim, *w.point, axis, op), 1, 1};
  if (w.section) {
    if (dim % w.section->parts != 0)
      fail("split", "Array split does not result in sub arrays with equal size: axis ", axis, " of size ", dim,
           " into ", w.section->parts, " sections.");
    const int64_t len = dim / w.section->parts;
    return {w.section->part * len, 1, len};
  }
  return slice_range(dim, w.slice, op);
}

}  // namespace wmx

// The C ABI of the shape and indexing operations (core/shape_ops.h).
// Variadic inputs arrive as (pointer to int32 handles, count); ops returning
// several arrays use the results protocol (results.h) and return the count.
// Index specs (x[...] and x.at[...]) are 5 int32s per entry:
//   kind (0 int, 1 slice, 2 new axis, 3 ellipsis, 4 array), then
//   int: value | slice: flags (1 start, 2 stop, 4 step given), start, stop, step
//   | array: handle.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <vector>

#include "error.h"
#include "handles.h"
#include "op_tables.h"
#include "ops.h"
#include "primitives/views.h"
#include "results.h"
#include "shape_ops.h"

using namespace wmx;
using namespace wmx_abi;

namespace {

SliceArg read_slice(const int32_t* p) {
  SliceArg s;
  if (p[0] & 1) s.start = p[1];
  if (p[0] & 2) s.stop = p[2];
  if (p[0] & 4) s.step = p[3];
  return s;
}

std::vector<IndexEntry> read_index(const int32_t* spec, int32_t n) {
  std::vector<IndexEntry> out;
  for (int32_t i = 0; i < n; ++i) {
    const int32_t* e = spec + 5 * i;
    IndexEntry x;
    switch (e[0]) {
      case kIndexEntry_int: x.kind = IndexEntry::Int; x.value = e[1]; break;
      case kIndexEntry_slice: x.kind = IndexEntry::Slice; x.slice = read_slice(e + 1); break;
      case kIndexEntry_new_axis: x.kind = IndexEntry::NewAxis; break;
      case kIndexEntry_ellipsis: x.kind = IndexEntry::Ellipsis; break;
      case kIndexEntry_array: x.kind = IndexEntry::Array; x.arr = wmx_get(e[1]); break;
      default: fail("index", "Unknown index entry kind ", e[0], ".");
    }
    out.push_back(std::move(x));
  }
  return out;
}

UpdateOp update_op(int32_t code) {
  switch (code) {
#include "op_tables_none.h"
#undef WMX_INDEX_UPDATE
#define WMX_INDEX_UPDATE(name, op) \
  case kIndexUpdate_##name:        \
    return op;
#include "op_tables.def"
#include "op_tables_none.h"
  }
  fail("at", "Unknown update op code ", code, ".");
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_concatenate(const int32_t* hs, int32_t n, int32_t axis) {
  return make([&] { return concatenate(read_arrays(hs, n), axis); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_stack(const int32_t* hs, int32_t n, int32_t axis) {
  return make([&] { return stack(read_arrays(hs, n), axis); });
}

// Results: the parts.
EMSCRIPTEN_KEEPALIVE int32_t wmx_split_sections(int32_t h, int32_t sections, int32_t axis) {
  return guard<int32_t>(-1, [&] { return wmx_set_results(split(wmx_get(h), int(sections), axis)); });
}
EMSCRIPTEN_KEEPALIVE int32_t wmx_split_indices(int32_t h, const int32_t* idx, int32_t n, int32_t axis) {
  return guard<int32_t>(-1, [&] {
    return wmx_set_results(split(wmx_get(h), std::vector<int64_t>(idx, idx + n), axis));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_tile(int32_t h, const int32_t* reps, int32_t n) {
  return make([&] { return tile(wmx_get(h), std::vector<int64_t>(reps, reps + n)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_repeat(int32_t h, int32_t repeats, int32_t axis, int32_t has_axis) {
  return make([&] { return repeat(wmx_get(h), repeats, read_axis(axis, has_axis)); });
}

// widths: npairs (low, high) pairs; mode 0 constant, 1 edge.
EMSCRIPTEN_KEEPALIVE int32_t wmx_pad(int32_t h, const int32_t* widths, int32_t npairs, int32_t value, int32_t mode) {
  return make([&] {
    std::vector<std::pair<int64_t, int64_t>> w;
    for (int32_t i = 0; i < npairs; ++i) w.emplace_back(widths[2 * i], widths[2 * i + 1]);
    return pad(wmx_get(h), w, wmx_get(value), mode == 1 ? "edge" : "constant");
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_flatten(int32_t h, int32_t start, int32_t end) {
  return make([&] { return flatten(wmx_get(h), start, end); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_unflatten(int32_t h, int32_t axis, const int32_t* shape, int32_t n) {
  return make([&] { return unflatten(wmx_get(h), axis, read_shape(shape, n)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_swapaxes(int32_t h, int32_t a, int32_t b) {
  return make([&] { return swapaxes(wmx_get(h), a, b); });
}

// Results: the broadcast arrays.
EMSCRIPTEN_KEEPALIVE int32_t wmx_broadcast_arrays(const int32_t* hs, int32_t n) {
  return guard<int32_t>(-1, [&] { return wmx_set_results(broadcast_arrays(read_arrays(hs, n))); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_as_strided(int32_t h, const int32_t* shape, int32_t nshape, const int32_t* strides,
                                            int32_t nstrides, double offset) {
  return make([&] {
    return as_strided(wmx_get(h), read_shape(shape, nshape), Strides(strides, strides + nstrides), int64_t(offset));
  });
}

// spec: 4 ints per axis (flags, start, stop, step) for the first n axes.
EMSCRIPTEN_KEEPALIVE int32_t wmx_slice(int32_t h, const int32_t* spec, int32_t n) {
  return make([&] {
    std::vector<SliceArg> s;
    for (int32_t i = 0; i < n; ++i) s.push_back(read_slice(spec + 4 * i));
    return slice(wmx_get(h), s);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_slice_dynamic(int32_t h, int32_t start, const int32_t* axes, int32_t naxes,
                                               const int32_t* size, int32_t nsize) {
  return make([&] { return slice_dynamic(wmx_get(h), wmx_get(start), read_ints(axes, naxes), read_shape(size, nsize)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_slice_update(int32_t h, int32_t update, int32_t start, const int32_t* axes,
                                              int32_t naxes) {
  return make([&] { return slice_update_dynamic(wmx_get(h), wmx_get(update), wmx_get(start), read_ints(axes, naxes)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_take(int32_t h, int32_t idx, int32_t axis, int32_t has_axis) {
  return make([&] { return has_axis ? take(wmx_get(h), wmx_get(idx), axis) : take(wmx_get(h), wmx_get(idx)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_take_along_axis(int32_t h, int32_t idx, int32_t axis, int32_t has_axis) {
  return make([&] { return take_along_axis(wmx_get(h), wmx_get(idx), read_axis(axis, has_axis)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_put_along_axis(int32_t h, int32_t idx, int32_t values, int32_t axis,
                                                int32_t has_axis) {
  return make([&] {
    return put_along_axis(wmx_get(h), wmx_get(idx), wmx_get(values), read_axis(axis, has_axis));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_index(int32_t h, const int32_t* spec, int32_t n) {
  return make([&] { return index(wmx_get(h), read_index(spec, n)); });
}

// op: 0 set, 1 add, 2 subtract, 3 multiply, 4 divide, 5 maximum, 6 minimum.
EMSCRIPTEN_KEEPALIVE int32_t wmx_index_update(int32_t h, const int32_t* spec, int32_t n, int32_t update, int32_t op) {
  return make([&] {
    return index_update(wmx_get(h), read_index(spec, n), wmx_get(update), update_op(op));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_reshape(int32_t h, const int32_t* shape, int32_t ndim) {
  return make([&] { return reshape_as_written(wmx_get(h), read_shape(shape, ndim)); });
}

// naxes < 0 reverses the axes.
EMSCRIPTEN_KEEPALIVE int32_t wmx_transpose(int32_t h, const int32_t* axes, int32_t naxes) {
  return make([&] { return naxes < 0 ? transpose(wmx_get(h)) : transpose(wmx_get(h), read_ints(axes, naxes)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_broadcast_to(int32_t h, const int32_t* shape, int32_t ndim) {
  return make([&] { return broadcast_to_as_written(wmx_get(h), read_shape(shape, ndim)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_squeeze(int32_t h, const int32_t* axes, int32_t naxes) {
  return make([&] {
    const array& a = wmx_get(h);
    if (naxes >= 0) return squeeze(a, read_ints(axes, naxes));
    std::vector<int> ones;
    for (int i = 0; i < a.ndim(); ++i)
      if (a.shape()[i] == 1) ones.push_back(i);
    return squeeze(a, ones);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_moveaxis(int32_t h, int32_t source, int32_t destination) {
  return make([&] { return moveaxis(wmx_get(h), source, destination); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_expand_dims(int32_t h, const int32_t* axes, int32_t naxes) {
  return make([&] { return expand_dims(wmx_get(h), read_ints(axes, naxes)); });
}

}  // extern "C"

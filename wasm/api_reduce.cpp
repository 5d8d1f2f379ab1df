// The C ABI of the reductions, scans and sorts (core/ops.h, core/reduce_ops.h):
// the reduce and scan families of wasm/op_tables.def and their neighbours, in
// the conventions of api.cpp: int32 handles in and out, -1 on error with the
// "[op] ..." message in wmx_last_error(). Axis lists: naxes < 0 means every
// axis; single axes: has_axis == 0 means "over the flattened array".
#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>

#include "error.h"
#include "handles.h"
#include "ops.h"
#include "op_tables.h"
#include "reduce_ops.h"

using namespace wmx;
using namespace wmx_abi;

namespace {

std::vector<int> axes_of(const array& a, const int32_t* axes, int32_t naxes) {
  return naxes < 0 ? all_axes(a.ndim()) : read_ints(axes, naxes);
}

}  // namespace

extern "C" {

// The reduce family of wasm/op_tables.def. naxes < 0 reduces over every axis;
// extra is ddof for var/std and precise for softmax/log_softmax (which ignore keepdims).
EMSCRIPTEN_KEEPALIVE int32_t wmx_reduce(int32_t op, int32_t h, const int32_t* axes, int32_t naxes,
                                        int32_t keepdims, int32_t extra) {
  return make([&] {
    const array& a = wmx_get(h);
    auto ax = axes_of(a, axes, naxes);
    switch (op) {
#include "op_tables_none.h"
#undef WMX_REDUCE
#define WMX_REDUCE(name, call) \
  case kReduce_##name:         \
    return call;
#include "op_tables.def"
#include "op_tables_none.h"
    }
    fail("webmx", "Unknown reduction op code ", op, ".");
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_argreduce(int32_t is_max, int32_t h, int32_t axis, int32_t has_axis,
                                           int32_t keepdims) {
  return make([&] {
    const array& a = wmx_get(h);
    if (!has_axis) return is_max ? argmax(a, bool(keepdims)) : argmin(a, bool(keepdims));
    return is_max ? argmax(a, axis, keepdims) : argmin(a, axis, keepdims);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_scan(int32_t op, int32_t h, int32_t axis, int32_t has_axis, int32_t reverse,
                                      int32_t inclusive) {
  return make([&] {
    const array& a = wmx_get(h);
    auto ax = read_axis(axis, has_axis);
    switch (op) {
#include "op_tables_none.h"
#undef WMX_SCAN
#define WMX_SCAN(name) \
  case kScan_##name:   \
    return wmx::name(a, ax, reverse, inclusive);
#include "op_tables.def"
#include "op_tables_none.h"
    }
    fail("webmx", "Unknown scan op code ", op, ".");
  });
}

// indices = 0: sort; 1: argsort.
EMSCRIPTEN_KEEPALIVE int32_t wmx_sort(int32_t indices, int32_t h, int32_t axis, int32_t has_axis) {
  return make([&] {
    return indices ? argsort(wmx_get(h), read_axis(axis, has_axis)) : sort(wmx_get(h), read_axis(axis, has_axis));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_topk(int32_t h, int32_t k, int32_t axis, int32_t has_axis) {
  return make([&] { return topk(wmx_get(h), k, read_axis(axis, has_axis)); });
}

}  // extern "C"

// The C ABI of core/reduce_ops.h (ts/reduce_ops.ts mirrors the op codes), in
// the conventions of api.cpp: int32 handles in and out, -1 on error with the
// "[op] ..." message in wmx_last_error(). Axis lists: naxes < 0 means every
// axis; single axes: has_axis == 0 means "over the flattened array".
#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>

#include "error.h"
#include "handles.h"
#include "ops.h"
#include "reduce_ops.h"

using namespace wmx;

namespace {

enum AxesOp : int32_t { kVar, kStd, kLogsumexp, kSoftmax, kLogSoftmax };
enum BinaryExtraOp : int32_t { kFloorDivide, kRemainder, kPower, kArctan2, kLogaddexp, kLogicalAnd, kLogicalOr };
enum ScanOp : int32_t { kCumsum, kCumprod, kCummax, kCummin };

std::vector<int> axes_of(const array& a, const int32_t* axes, int32_t naxes) {
  return naxes < 0 ? all_axes(a.ndim()) : read_ints(axes, naxes);
}
std::optional<int> axis_of(int32_t axis, int32_t has_axis) {
  return has_axis ? std::optional<int>(axis) : std::nullopt;
}

}  // namespace

extern "C" {

// var/std (extra = ddof), logsumexp (extra unused), softmax/log_softmax (extra = precise; keepdims unused).
EMSCRIPTEN_KEEPALIVE int32_t wmx_reduce_axes(int32_t op, int32_t h, const int32_t* axes, int32_t naxes,
                                             int32_t keepdims, int32_t extra) {
  return make([&] {
    const array& a = wmx_get(h);
    auto ax = axes_of(a, axes, naxes);
    switch (op) {
      case kVar: return var(a, ax, keepdims, extra);
      case kStd: return wmx::std(a, ax, keepdims, extra);
      case kLogsumexp: return logsumexp(a, ax, keepdims);
      case kSoftmax: return softmax(a, ax, extra);
      case kLogSoftmax: return log_softmax(a, ax, extra);
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

EMSCRIPTEN_KEEPALIVE int32_t wmx_binary_extra(int32_t op, int32_t a, int32_t b) {
  return make([&] {
    const array& x = wmx_get(a);
    const array& y = wmx_get(b);
    switch (op) {
      case kFloorDivide: return floor_divide(x, y);
      case kRemainder: return remainder(x, y);
      case kPower: return power(x, y);
      case kArctan2: return arctan2(x, y);
      case kLogaddexp: return logaddexp(x, y);
      case kLogicalAnd: return logical_and(x, y);
      case kLogicalOr: return logical_or(x, y);
    }
    fail("webmx", "Unknown binary op code ", op, ".");
  });
}

// lo/hi: handles, or -1 for none.
EMSCRIPTEN_KEEPALIVE int32_t wmx_clip(int32_t h, int32_t lo, int32_t hi) {
  return make([&] {
    std::optional<array> l, u;
    if (lo >= 0) l = wmx_get(lo);
    if (hi >= 0) u = wmx_get(hi);
    return clip(wmx_get(h), l, u);
  });
}

// all = 0: isclose; 1: allclose.
EMSCRIPTEN_KEEPALIVE int32_t wmx_isclose(int32_t all, int32_t a, int32_t b, double rtol, double atol,
                                         int32_t equal_nan) {
  return make([&] {
    return all ? allclose(wmx_get(a), wmx_get(b), rtol, atol, equal_nan)
               : isclose(wmx_get(a), wmx_get(b), rtol, atol, equal_nan);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_array_equal(int32_t a, int32_t b, int32_t equal_nan) {
  return make([&] { return array_equal(wmx_get(a), wmx_get(b), equal_nan); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_scan(int32_t op, int32_t h, int32_t axis, int32_t has_axis, int32_t reverse,
                                      int32_t inclusive) {
  return make([&] {
    const array& a = wmx_get(h);
    auto ax = axis_of(axis, has_axis);
    switch (op) {
      case kCumsum: return cumsum(a, ax, reverse, inclusive);
      case kCumprod: return cumprod(a, ax, reverse, inclusive);
      case kCummax: return cummax(a, ax, reverse, inclusive);
      case kCummin: return cummin(a, ax, reverse, inclusive);
    }
    fail("webmx", "Unknown scan op code ", op, ".");
  });
}

// indices = 0: sort; 1: argsort.
EMSCRIPTEN_KEEPALIVE int32_t wmx_sort(int32_t indices, int32_t h, int32_t axis, int32_t has_axis) {
  return make([&] {
    return indices ? argsort(wmx_get(h), axis_of(axis, has_axis)) : sort(wmx_get(h), axis_of(axis, has_axis));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_topk(int32_t h, int32_t k, int32_t axis, int32_t has_axis) {
  return make([&] { return topk(wmx_get(h), k, axis_of(axis, has_axis)); });
}

}  // extern "C"

// The C ABI of the creation ops (core/math_ops.h, core/ops.h), in the
// conventions of api.cpp: int32 handles in and out, -1 on error with the
// "[op] ..." message in wmx_last_error().
#include <emscripten/emscripten.h>

#include <cstdint>

#include "error.h"
#include "handles.h"
#include "backend/cpu/kernels/convert.h"
#include "math_ops.h"
#include "ops.h"
#include "shape_limits.h"

using namespace wmx;

extern "C" {

// An evaluated array with uninitialised row-contiguous data for JS to fill.
EMSCRIPTEN_KEEPALIVE int32_t wmx_empty(int32_t dtype, const int32_t* shape, int32_t ndim) {
  return make([&] {
    Shape s = read_shape(shape, ndim);
    for (auto d : s)
      if (d < 0) fail("array", "Negative dimension in shape ", shape_str(s), ".");
    check_shape_limits(s, "array");
    return array::empty(s, dtype_from_code(dtype, "array"));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_scalar(double v, int32_t dtype) {
  return make([&] {
    const Dtype t = dtype_from_code(dtype, "array");
    array a = array::empty({}, t);
    store_converted(v, t, a.raw_data());  // astype's rules: defined for NaN/inf/out-of-range integers
    return a;
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_full(const int32_t* shape, int32_t ndim, double v, int32_t dtype) {
  return make([&] { return full(read_shape(shape, ndim), v, dtype_from_code(dtype, "full")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_arange(double start, double stop, double step, int32_t dtype) {
  return make([&] { return arange(start, stop, step, dtype_from_code(dtype, "arange")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linspace(double start, double stop, int32_t num, int32_t dtype) {
  return make([&] { return linspace(start, stop, num, dtype_from_code(dtype, "linspace")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_eye(int32_t n, int32_t m, int32_t k, int32_t dtype) {
  return make([&] { return eye(n, m, k, dtype_from_code(dtype, "eye")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_tri(int32_t n, int32_t m, int32_t k, int32_t dtype) {
  return make([&] { return tri(n, m, k, dtype_from_code(dtype, "tri")); });
}

// upper = 0: tril, 1: triu.
EMSCRIPTEN_KEEPALIVE int32_t wmx_tril(int32_t h, int32_t k, int32_t upper) {
  return make([&] { return upper ? triu(wmx_get(h), k) : tril(wmx_get(h), k); });
}

}  // extern "C"

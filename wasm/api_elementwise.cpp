// The C ABI of the elementwise ops: the unary and binary families of
// wasm/op_tables.def, and the elementwise ops with arguments of their own.
// Conventions of api.cpp: int32 handles in and out, -1 on error with the
// "[op] ..." message in wmx_last_error().
#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>

#include "bitwise_ops.h"
#include "error.h"
#include "handles.h"
#include "math_ops.h"
#include "ops.h"
#include "op_tables.h"
#include "reduce_ops.h"

using namespace wmx;
using namespace wmx_abi;

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_unary(int32_t op, int32_t h) {
  return make([&] {
    const array& a = wmx_get(h);
    switch (op) {
#include "op_tables_none.h"
#undef WMX_UNARY
#define WMX_UNARY(name) \
  case kUnary_##name:   \
    return wmx::name(a);
#include "op_tables.def"
#include "op_tables_none.h"
    }
    fail("webmx", "Unknown unary op code ", op, ".");
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_binary(int32_t op, int32_t a, int32_t b) {
  return make([&] {
    const array &x = wmx_get(a), &y = wmx_get(b);
    switch (op) {
#include "op_tables_none.h"
#undef WMX_BINARY
#define WMX_BINARY(name) \
  case kBinary_##name:   \
    return wmx::name(x, y);
#include "op_tables.def"
#include "op_tables_none.h"
    }
    fail("webmx", "Unknown binary op code ", op, ".");
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_astype(int32_t h, int32_t dtype) {
  return make([&] { return astype(wmx_get(h), dtype_from_code(dtype, "astype")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_round(int32_t h, int32_t decimals) {
  return make([&] { return round(wmx_get(h), decimals); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_where(int32_t cond, int32_t x, int32_t y) {
  return make([&] { return where(wmx_get(cond), wmx_get(x), wmx_get(y)); });
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

}  // extern "C"

// The C ABI of the linear-algebra, convolution and mx.fast ops
// (core/linalg_ops.h, core/conv_ops.h, core/fast_ops.h), in the conventions
// of api.cpp: int32 handles in and out, -1 on error with the "[op] ..."
// message in wmx_last_error(). Optional arrays are passed as handle -1.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>
#include <string>

#include "conv_ops.h"
#include "error.h"
#include "fast_ops.h"
#include "handles.h"
#include "linalg_ops.h"
#include "op_tables.h"
#include "ops.h"

using namespace wmx;
using namespace wmx_abi;

namespace {

std::optional<array> optional_handle(int32_t h) {
  if (h < 0) return std::nullopt;
  return wmx_get(h);
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_addmm(int32_t c, int32_t a, int32_t b, double alpha, double beta) {
  return make([&] { return addmm(wmx_get(c), wmx_get(a), wmx_get(b), alpha, beta); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_outer(int32_t a, int32_t b) {
  return make([&] { return outer(wmx_get(a), wmx_get(b)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_inner(int32_t a, int32_t b) {
  return make([&] { return inner(wmx_get(a), wmx_get(b)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_tensordot_n(int32_t a, int32_t b, int32_t axes) {
  return make([&] { return tensordot(wmx_get(a), wmx_get(b), axes); });
}

// axes: 2n ints, a's axes then b's.
EMSCRIPTEN_KEEPALIVE int32_t wmx_tensordot(int32_t a, int32_t b, const int32_t* axes, int32_t n) {
  return make([&] { return tensordot(wmx_get(a), wmx_get(b), read_ints(axes, n), read_ints(axes + n, n)); });
}

// subscripts: UTF-8, NUL-terminated; handles: n operand handles.
EMSCRIPTEN_KEEPALIVE int32_t wmx_einsum(const char* subscripts, const int32_t* handles, int32_t n) {
  return make([&] {
    std::vector<array> ops;
    for (int32_t i = 0; i < n; ++i) ops.push_back(wmx_get(handles[i]));
    return einsum(std::string(subscripts), ops);
  });
}

// The conv family of wasm/op_tables.def.
// params: stride[2], padding[2], dilation[2], groups (1-D ops read index 1 of each pair).
EMSCRIPTEN_KEEPALIVE int32_t wmx_conv(int32_t kind, int32_t x, int32_t w, const int32_t* p) {
  return make([&] {
    const array& a = wmx_get(x);
    const array& b = wmx_get(w);
    switch (kind) {
#include "op_tables_none.h"
#undef WMX_CONV
#define WMX_CONV(name, call) \
  case kConv_##name:         \
    return call;
#include "op_tables.def"
#include "op_tables_none.h"
    }
    fail("webmx", "Unknown convolution kind ", kind, ".");
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_rms_norm(int32_t x, int32_t weight, double eps) {
  return make([&] { return rms_norm(wmx_get(x), optional_handle(weight), eps); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_layer_norm(int32_t x, int32_t weight, int32_t bias, double eps) {
  return make([&] { return layer_norm(wmx_get(x), optional_handle(weight), optional_handle(bias), eps); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_rope(int32_t x, int32_t dims, int32_t traditional, double base, double scale,
                                      int32_t offset) {
  return make([&] { return rope(wmx_get(x), dims, traditional != 0, base, scale, offset); });
}

// mask: handle or -1; causal: 1 for MLX's "causal" mask.
EMSCRIPTEN_KEEPALIVE int32_t wmx_sdpa(int32_t q, int32_t k, int32_t v, double scale, int32_t mask, int32_t causal) {
  return make([&] {
    return scaled_dot_product_attention(wmx_get(q), wmx_get(k), wmx_get(v), scale, optional_handle(mask), causal != 0);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_matmul(int32_t a, int32_t b) {
  return make([&] { return matmul(wmx_get(a), wmx_get(b)); });
}

}  // extern "C"

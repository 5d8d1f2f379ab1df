// The C ABI of MLX's quantized matrix ops (core/quantized_ops.h) and of view,
// contiguous and depends (core/layout_ops.h), in the conventions of api.cpp:
// int32 handles in and out, -1 on error with the "[op] ..." message in
// wmx_last_error(); several results through results.h.
#include <emscripten/emscripten.h>

#include <cstdint>

#include "error.h"
#include "handles.h"
#include "layout_ops.h"
#include "quantized_ops.h"
#include "results.h"

using namespace wmx;

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_quantized_matmul(int32_t x, int32_t w, int32_t scales, int32_t biases,
                                                  int32_t transpose, int32_t group_size, int32_t bits) {
  return make([&] {
    return quantized_matmul(wmx_get(x), wmx_get(w), wmx_get(scales), wmx_get(biases), transpose != 0, group_size,
                            bits);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_dequantize(int32_t w, int32_t scales, int32_t biases, int32_t group_size,
                                            int32_t bits) {
  return make([&] { return dequantize(wmx_get(w), wmx_get(scales), wmx_get(biases), group_size, bits); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_view(int32_t h, int32_t dtype) {
  return make([&] { return view(wmx_get(h), dtype_from_code(dtype, "view")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_contiguous(int32_t h) {
  return make([&] { return contiguous(wmx_get(h)); });
}

// hs: n inputs, then m dependencies.
EMSCRIPTEN_KEEPALIVE int32_t wmx_depends(const int32_t* hs, int32_t n, int32_t m) {
  return guard<int32_t>(-1, [&] {
    return wmx_set_results(depends(read_arrays(hs, n), read_arrays(hs + n, m)));
  });
}

}  // extern "C"

// The C ABI of MLX's floating-point quantization modes (core/quantized_ops.h),
// in the conventions of api.cpp: int32 handles in and out (-1: an absent
// optional array), -1 on error with the "[op] ..." message in
// wmx_last_error(); several results through results.h. mode: 1 mxfp4,
// 2 mxfp8, 3 nvfp4 (kernels/fp_quantized.h).
#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>

#include "error.h"
#include "handles.h"
#include "quantized_ops.h"
#include "results.h"

using namespace wmx;

namespace {

std::optional<array> optional_array(int32_t h) {
  if (h < 0) return std::nullopt;
  return wmx_get(h);
}

FpMode fp_mode(int32_t mode) {
  if (mode < 1 || mode > 3) fail("quantize", "Invalid floating-point quantization mode code ", mode, ".");
  return FpMode(mode);
}

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_fp_quantize(int32_t w, int32_t mode, int32_t group_size, int32_t bits,
                                             int32_t global_scale) {
  return guard<int32_t>(-1, [&] {
    return wmx_set_results(fp_quantize(wmx_get(w), fp_mode(mode), group_size, bits, optional_array(global_scale)));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_fp_dequantize(int32_t w, int32_t scales, int32_t mode, int32_t group_size,
                                               int32_t bits, int32_t global_scale, int32_t dtype) {
  return make([&] {
    return fp_dequantize(wmx_get(w), wmx_get(scales), fp_mode(mode), group_size, bits, optional_array(global_scale),
                         dtype_from_code(dtype, "dequantize"));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_fp_quantized_matmul(int32_t x, int32_t w, int32_t scales, int32_t transpose,
                                                     int32_t mode, int32_t group_size, int32_t bits) {
  return make([&] {
    return fp_quantized_matmul(wmx_get(x), wmx_get(w), wmx_get(scales), transpose != 0, fp_mode(mode), group_size,
                               bits);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_qqmm(int32_t x, int32_t w, int32_t scales, int32_t mode, int32_t group_size,
                                      int32_t bits, int32_t global_scale_x, int32_t global_scale_w) {
  return make([&] {
    return qqmm(wmx_get(x), wmx_get(w), optional_array(scales), fp_mode(mode), group_size, bits,
                optional_array(global_scale_x), optional_array(global_scale_w));
  });
}

}  // extern "C"

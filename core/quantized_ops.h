// MLX's quantized matrix ops, with MLX's checks and "[op] ..." errors.
// Affine mode (format: primitives/quantized.h): affine quantize itself is
// composed in TypeScript (ts/quantized.ts) from these and the bitwise ops.
// The floating-point modes mxfp4, mxfp8, nvfp4 (primitives/fp_quantized.h)
// take uint8 scales, no biases, and nvfp4 an optional global scale.
#pragma once
#include <optional>

#include "array.h"
#include "backend/cpu/kernels/fp_quantized.h"

namespace wmx {

array quantized_matmul(const array& x, const array& w, const array& scales, const array& biases, bool transpose,
                       int group_size, int bits);
array dequantize(const array& w, const array& scales, const array& biases, int group_size, int bits);

// [codes, scales] of w in an fp mode.
std::vector<array> fp_quantize(const array& w, FpMode mode, int group_size, int bits,
                               const std::optional<array>& global_scale);
// dtype: MLX's default for the fp modes is bfloat16.
array fp_dequantize(const array& w, const array& scales, FpMode mode, int group_size, int bits,
                    const std::optional<array>& global_scale, Dtype dtype);
// x @ dequantize(w).T (transpose) or x @ dequantize(w), of x's dtype; `op`
// names the caller in errors (quantized_matmul, gather_qmm).
array fp_quantized_matmul(const array& x, const array& w, const array& scales, bool transpose, FpMode mode,
                          int group_size, int bits, const char* op = "quantized_matmul");
// MLX's qqmm: w either quantized (uint32 codes with scales) or floats.
array qqmm(const array& x, const array& w, const std::optional<array>& scales, FpMode mode, int group_size, int bits,
           const std::optional<array>& global_scale_x, const std::optional<array>& global_scale_w);

}  // namespace wmx

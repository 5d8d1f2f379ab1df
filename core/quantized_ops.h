// MLX's affine quantized matrix ops (format: primitives/quantized.h), with
// MLX's checks and "[op] ..." errors. quantize itself is composed in
// TypeScript (ts/quantized.ts) from these and the bitwise ops.
#pragma once
#include "array.h"

namespace wmx {

array quantized_matmul(const array& x, const array& w, const array& scales, const array& biases, bool transpose,
                       int group_size, int bits);
array dequantize(const array& w, const array& scales, const array& biases, int group_size, int bits);

}  // namespace wmx

// Convolutions with MLX's layouts and semantics: input (N, [H,] W, C_in),
// weight (C_out, [KH,] KW, C_in / groups), output (N, [OH,] OW, C_out).
// They lower to the Conv primitive (im2col + the packed GEMM); 1-D
// convolutions are 2-D ones of height 1.
#pragma once
#include <array>

#include "array.h"

namespace wmx {

array conv1d(const array& x, const array& w, int stride = 1, int padding = 0, int dilation = 1, int groups = 1);
array conv2d(const array& x, const array& w, std::array<int, 2> stride = {1, 1}, std::array<int, 2> padding = {0, 0},
             std::array<int, 2> dilation = {1, 1}, int groups = 1);
// The transpose (adjoint w.r.t. the input) of a convolution; weight
// (C_out, KH, KW, C_in / groups) as in MLX. Output size per axis:
// (in - 1) * stride - 2 * padding + dilation * (k - 1) + 1.
array conv_transpose2d(const array& x, const array& w, std::array<int, 2> stride = {1, 1},
                       std::array<int, 2> padding = {0, 0}, std::array<int, 2> dilation = {1, 1}, int groups = 1);
array conv_transpose1d(const array& x, const array& w, int stride = 1, int padding = 0, int dilation = 1,
                       int groups = 1);

}  // namespace wmx

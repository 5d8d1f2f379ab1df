// Kernels of the affine quantized matrix ops (primitives/quantized.h): one
// row of codes dequantized into floats, and the SIMD dot and axpy the
// quantized matmul runs on each dequantized row.
#pragma once
#include <cstdint>

namespace wmx {

// Dequantizes one row of n values: code i sits at bits [i*bits, (i+1)*bits)
// of the little-endian stream of words `w`; group g has scale s[g], bias b[g].
void dequantize_row(const uint32_t* w, const float* s, const float* b, int64_t n, int bits, int group_size,
                    float* out);

// sum_i a[i] * b[i] (two 4-lane accumulators, then the tail).
float dot_f32(const float* a, const float* b, int64_t n);

// y[i] += a * x[i].
void axpy_f32(float a, const float* x, float* y, int64_t n);

}  // namespace wmx

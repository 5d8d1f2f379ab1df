// Kernels of MLX's floating-point microscaling quantization modes
// (primitives/fp_quantized.h): the element and scale formats and one row
// quantized or dequantized group by group.
//
//   mxfp4: E2M1 elements, one E8M0 scale per 32 elements (OCP MX).
//   mxfp8: E4M3 elements, one E8M0 scale per 32 elements (OCP MX).
//   nvfp4: E2M1 elements, one E4M3 scale per 16 elements (NVIDIA), and an
//          optional float32 global scale g: the E4M3 scales then hold the
//          block scales times 448 * 6 / g, so they use E4M3's whole range.
//
// The conversions are MLX's (its Metal/CPU kernels), which differ from the
// specifications in a few places: E4M3 has no NaN (code 0x7F decodes to 480;
// NaN, infinities and magnitudes >= 480 encode to +-448), an E8M0 scale is
// the nearest power of two (log2 rounded half away from zero, clamped to
// [-127, 127]) rather than the spec's floor, and E8M0 code 0 decodes to
// 2^-127, code 255 to infinity.
#pragma once
#include <cstdint>

namespace wmx {

enum class FpMode : int { mxfp4 = 1, mxfp8 = 2, nvfp4 = 3 };

const char* fp_mode_name(FpMode mode);
// The group size and element bits each mode requires (32/4, 32/8, 16/4).
int fp_group_size(FpMode mode);
int fp_bits(FpMode mode);

uint8_t encode_e2m1(float x);  // round half to even, saturating at 6; NaN -> 0x7
float decode_e2m1(uint8_t code);
uint8_t encode_e4m3(float x);  // round half to even
float decode_e4m3(uint8_t code);
uint8_t encode_e8m0(float x);
float decode_e8m0(uint8_t code);

// Quantizes one row of n floats (n a multiple of the group size) into packed
// element codes (4-bit codes two to a byte, low nibble first; 8-bit codes one
// a byte) and one scale code per group. global_scale: nvfp4's g, or null for none.
void fp_quantize_row(const float* w, int64_t n, FpMode mode, const float* global_scale, uint8_t* codes,
                     uint8_t* scales);

// The floats a quantized row stands for (global_scale as above).
void fp_dequantize_row(const uint8_t* codes, const uint8_t* scales, int64_t n, FpMode mode, const float* global_scale,
                       float* out);

}  // namespace wmx

#include "backend/cpu/kernels/fp_quantized.h"

#include <cmath>
#include <cstring>

namespace wmx {

namespace {

constexpr float kE2M1Max = 6.0f, kE4M3Max = 448.0f;

uint32_t bits_of(float x) {
  uint32_t u;
  std::memcpy(&u, &x, 4);
  return u;
}
float float_of(uint32_t u) {
  float x;
  std::memcpy(&x, &u, 4);
  return x;
}

// The factor nvfp4's block scales are stored multiplied by (1 without a
// global scale): the largest block scale then maps to E4M3's maximum.
float scale_encoding(FpMode mode, const float* global_scale) {
  return mode == FpMode::nvfp4 && global_scale ? kE4M3Max * kE2M1Max / *global_scale : 1.0f;
}

uint8_t encode_scale(FpMode mode, float s) { return mode == FpMode::nvfp4 ? encode_e4m3(s) : encode_e8m0(s); }
float decode_scale(FpMode mode, uint8_t c) { return mode == FpMode::nvfp4 ? decode_e4m3(c) : decode_e8m0(c); }

}  // namespace

const char* fp_mode_name(FpMode mode) {
  return mode == FpMode::mxfp4 ? "mxfp4" : mode == FpMode::mxfp8 ? "mxfp8" : "nvfp4";
}
int fp_group_size(FpMode mode) { return mode == FpMode::nvfp4 ? 16 : 32; }
int fp_bits(FpMode mode) { return mode == FpMode::mxfp8 ? 8 : 4; }

uint8_t encode_e2m1(float x) {
  if (std::isnan(x)) return 0x7;
  const uint8_t sign = std::signbit(x) ? 0x8 : 0x0;
  const float a = std::fabs(x);
  // Midpoints between the representable magnitudes 0, .5, 1, 1.5, 2, 3, 4, 6;
  // a tie goes to the even code (>= where the upper code is even).
  uint8_t c;
  if (a > 5.0f) c = 7;
  else if (a >= 3.5f) c = 6;
  else if (a > 2.5f) c = 5;
  else if (a >= 1.75f) c = 4;
  else if (a > 1.25f) c = 3;
  else if (a >= 0.75f) c = 2;
  else if (a > 0.25f) c = 1;
  else c = 0;
  return c | sign;
}

float decode_e2m1(uint8_t code) {
  static const float magnitudes[8] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  const float m = magnitudes[code & 7];
  return code & 8 ? -m : m;
}

uint8_t encode_e4m3(float x) {
  const uint32_t u = bits_of(x);
  const uint32_t sign = u & 0x80000000u;
  uint32_t a = u ^ sign;
  uint8_t c;
  if (a >= bits_of(480.0f)) {
    c = 0x7E;  // saturate (NaN and infinities too, as MLX)
  } else if (a < bits_of(0x1p-6f)) {
    // Below the smallest normal: adding 2^14 leaves the value rounded (half
    // to even, by the float add) to a multiple of 2^-9, E4M3's subnormal
    // step, in the low mantissa bits.
    c = uint8_t(bits_of(float_of(a) + 16384.0f) - bits_of(16384.0f));
  } else {
    // Rebias the exponent (127 -> 7) and round the 23-bit mantissa to 3 bits,
    // half to even; a carry moves into the exponent.
    const uint32_t odd = (a >> 20) & 1u;
    a += (uint32_t(7 - 127) << 23) + 0x7FFFFu + odd;
    c = uint8_t(a >> 20);
  }
  return c | uint8_t(sign >> 24);
}

float decode_e4m3(uint8_t code) {
  const int e = (code >> 3) & 15, m = code & 7;
  const float v = e == 0 ? std::ldexp(float(m), -9) : std::ldexp(1.0f + float(m) / 8.0f, e - 7);
  return code & 0x80 ? -v : v;
}

uint8_t encode_e8m0(float x) {
  if (!std::isfinite(x)) return 0xFF;
  if (x < 0.0f) return 0x00;
  // log2(0) is -inf: the clamp below takes it to the smallest exponent.
  const float l = std::round(std::log2(x));
  const int e = l < -127.0f ? -127 : l > 127.0f ? 127 : int(l);
  return uint8_t(e + 127);
}

float decode_e8m0(uint8_t code) { return code == 0 ? 0x1p-127f : std::ldexp(1.0f, int(code) - 127); }

void fp_quantize_row(const float* w, int64_t n, FpMode mode, const float* global_scale, uint8_t* codes,
                     uint8_t* scales) {
  const int gs = fp_group_size(mode);
  const bool fp4 = fp_bits(mode) == 4;
  const float enc = scale_encoding(mode, global_scale);
  for (int64_t g = 0; g * gs < n; ++g) {
    const float* wg = w + g * gs;
    float amax = 0.0f;
    for (int i = 0; i < gs; ++i) amax = std::fmax(amax, std::fabs(wg[i]));  // NaN ignored
    const uint8_t sc = encode_scale(mode, amax / (fp4 ? kE2M1Max : kE4M3Max) * enc);
    scales[g] = sc;
    const float s = decode_scale(mode, sc);
    const float inv = s == 0.0f ? 0.0f : enc / s;
    if (fp4) {
      uint8_t* cg = codes + g * gs / 2;
      for (int i = 0; i < gs; i += 2)
        cg[i / 2] = uint8_t(encode_e2m1(wg[i] * inv) | (encode_e2m1(wg[i + 1] * inv) << 4));
    } else {
      uint8_t* cg = codes + g * gs;
      for (int i = 0; i < gs; ++i) cg[i] = encode_e4m3(wg[i] * inv);
    }
  }
}

void fp_dequantize_row(const uint8_t* codes, const uint8_t* scales, int64_t n, FpMode mode, const float* global_scale,
                       float* out) {
  const int gs = fp_group_size(mode);
  const bool fp4 = fp_bits(mode) == 4;
  const float dec = mode == FpMode::nvfp4 && global_scale ? *global_scale / (kE4M3Max * kE2M1Max) : 1.0f;
  for (int64_t g = 0; g * gs < n; ++g) {
    const float s = decode_scale(mode, scales[g]) * dec;
    float* og = out + g * gs;
    if (fp4) {
      const uint8_t* cg = codes + g * gs / 2;
      for (int i = 0; i < gs; i += 2) {
        og[i] = s * decode_e2m1(cg[i / 2] & 0xF);
        og[i + 1] = s * decode_e2m1(cg[i / 2] >> 4);
      }
    } else {
      const uint8_t* cg = codes + g * gs;
      for (int i = 0; i < gs; ++i) og[i] = s * decode_e4m3(cg[i]);
    }
  }
}

}  // namespace wmx

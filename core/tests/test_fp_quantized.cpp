// The fp quantization modes' element and scale formats
// (kernels/fp_quantized.h), code by code: every code survives decode then
// encode, midpoints round to the even code, and the values the
// specifications leave open (NaN, infinities, zero scales) get MLX's codes.
// Run under UBSan: no conversion may be undefined behaviour.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "backend/cpu/kernels/fp_quantized.h"

using namespace wmx;

TEST_CASE("E2M1: the 16 codes round-trip, midpoints go to the even code, NaN to 7") {
  for (int c = 0; c < 16; ++c) CHECK(encode_e2m1(decode_e2m1(uint8_t(c))) == c);
  CHECK(std::signbit(decode_e2m1(8)));
  for (int c = 0; c < 7; ++c) {
    const float mid = (decode_e2m1(uint8_t(c)) + decode_e2m1(uint8_t(c + 1))) / 2;
    CHECK(encode_e2m1(mid) == (c % 2 == 0 ? c : c + 1));
    CHECK(encode_e2m1(-mid) == ((c % 2 == 0 ? c : c + 1) | 8));
  }
  CHECK(encode_e2m1(100.0f) == 7);
  CHECK(encode_e2m1(-std::numeric_limits<float>::infinity()) == 15);
  CHECK(encode_e2m1(std::numeric_limits<float>::quiet_NaN()) == 7);
}

TEST_CASE("E4M3: codes round-trip (0x7F decodes to 480, MLX's), ties to even, saturation at 448") {
  for (int c = 0; c < 256; ++c) {
    if ((c & 0x7F) == 0x7F) continue;
    CHECK(encode_e4m3(decode_e4m3(uint8_t(c))) == c);
  }
  CHECK(decode_e4m3(0x01) == std::ldexp(1.0f, -9));
  CHECK(decode_e4m3(0x08) == std::ldexp(1.0f, -6));
  CHECK(decode_e4m3(0x7E) == 448.0f);
  CHECK(decode_e4m3(0x7F) == 480.0f);
  CHECK(decode_e4m3(0xFE) == -448.0f);
  for (int c = 0; c < 0x7E; ++c) {
    const float mid = (decode_e4m3(uint8_t(c)) + decode_e4m3(uint8_t(c + 1))) / 2;
    CHECK(encode_e4m3(mid) == (c % 2 == 0 ? c : c + 1));
  }
  CHECK(encode_e4m3(464.0f) == 0x7E);  // the tie between 448 and 480
  CHECK(encode_e4m3(470.0f) == 0x7F);
  CHECK(encode_e4m3(480.0f) == 0x7E);
  CHECK(encode_e4m3(-1e30f) == 0xFE);
  CHECK(encode_e4m3(std::numeric_limits<float>::infinity()) == 0x7E);
  CHECK(encode_e4m3(std::numeric_limits<float>::quiet_NaN()) == 0x7E);
  CHECK(encode_e4m3(std::ldexp(1.0f, -11)) == 0x00);  // a quarter of the smallest subnormal
}

TEST_CASE("E8M0: every code round-trips; zero takes code 0, negatives 0, NaN and infinity 255") {
  for (int c = 0; c < 256; ++c) CHECK(encode_e8m0(decode_e8m0(uint8_t(c))) == c);
  CHECK(decode_e8m0(0) == std::ldexp(1.0f, -127));
  CHECK(decode_e8m0(127) == 1.0f);
  CHECK(std::isinf(decode_e8m0(255)));
  CHECK(encode_e8m0(0.0f) == 0);
  CHECK(encode_e8m0(-2.0f) == 0);
  CHECK(encode_e8m0(std::numeric_limits<float>::quiet_NaN()) == 255);
  CHECK(encode_e8m0(1.4f) == 127);  // log2 1.4 = 0.49: the nearest power of two is 1
  CHECK(encode_e8m0(1.5f) == 128);  // log2 1.5 = 0.58
  CHECK(encode_e8m0(std::numeric_limits<float>::denorm_min()) == 0);  // 2^-149 clamps to 2^-127
}

TEST_CASE("a row quantized and dequantized: nvfp4's global scale cancels out") {
  float w[16], back[16];
  for (int i = 0; i < 16; ++i) w[i] = float(i) - 7.5f;
  uint8_t codes[8], scales[1];
  const float g = 7.5f;
  fp_quantize_row(w, 16, FpMode::nvfp4, &g, codes, scales);
  fp_dequantize_row(codes, scales, 16, FpMode::nvfp4, &g, back);
  // amax 7.5: block scale 7.5 / 6 * 2688 / 7.5 = 448, E4M3 exact; values / 1.25 round to E2M1.
  CHECK(scales[0] == 0x7E);
  for (int i = 0; i < 16; ++i) CHECK(back[i] == doctest::Approx(1.25f * decode_e2m1(encode_e2m1(w[i] / 1.25f))));
}

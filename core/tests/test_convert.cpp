// astype's element conversions (kernels/convert.h): every pair of dtypes on
// values C++ leaves undefined (NaN, infinities, out-of-range floats to
// integers) and the double-rounding traps of float16/bfloat16. Run under
// UBSan: none of these conversions may be undefined behaviour. GCC's
// -fsanitize=undefined leaves out float-cast-overflow, the check that matters
// here; these cases also pass with elementwise.cpp, ops.cpp and this file
// compiled with -fsanitize=address,undefined,float-cast-overflow (which does
// flag a plain int(NaN)).
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "backend/cpu/kernels/convert.h"
#include "backend/cpu/kernels/half_simd.h"
#include "ops.h"
#include "transforms.h"

using namespace wmx;

namespace {
template <typename R>
R from_double(double v) {
  return convert<double, R>(v);
}
}  // namespace

TEST_CASE("float to integer conversions are defined: NaN/inf -> 0, else truncate and wrap") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  CHECK(from_double<int32_t>(nan) == 0);
  CHECK(from_double<int32_t>(inf) == 0);
  CHECK(from_double<uint64_t>(-inf) == 0);
  CHECK(from_double<uint8_t>(-1.5) == 255);
  CHECK(from_double<uint8_t>(300.7) == 44);
  CHECK(from_double<int32_t>(1e20) == 1661992960);
  CHECK(from_double<int64_t>(1e20) == 7766279631452241920LL);
  CHECK(from_double<uint64_t>(-1.5) == std::numeric_limits<uint64_t>::max());
  CHECK(from_double<int64_t>(9223372036854775808.0) == std::numeric_limits<int64_t>::min());
  CHECK(from_double<int64_t>(-9223372036854775808.0) == std::numeric_limits<int64_t>::min());
  CHECK(from_double<uint64_t>(18446744073709551616.0) == 0);
  CHECK(from_double<int16_t>(-32769.9) == 32767);
  CHECK(convert<float, int8_t>(200.0f) == -56);
  CHECK(convert<float16_t, uint16_t>(float16_t(-1.0f)) == 65535);
  CHECK(convert<bfloat16_t, int32_t>(bfloat16_t(1e30f)) == 0);  // a multiple of 2^32
  CHECK(convert<double, bool>(nan));
  CHECK(!convert<float, bool>(-0.0f));
}

TEST_CASE("conversions to float16/bfloat16 round once from the exact value") {
  const double x = 1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40);  // just above a float16 tie
  CHECK(float(convert<double, float16_t>(x)) == 1.0f + 1.0f / 1024);
  CHECK(float(convert<double, float16_t>(-x)) == -(1.0f + 1.0f / 1024));
  CHECK(float(convert<double, bfloat16_t>(1.0 + std::ldexp(1.0, -8) + std::ldexp(1.0, -30))) == 1.0f + 1.0f / 128);
  CHECK(float(convert<int32_t, bfloat16_t>(16842753)) == 16908288.0f);  // 2^24 + 2^16 + 1 rounds up
  CHECK(float(convert<int64_t, bfloat16_t>((int64_t(1) << 60) + (int64_t(1) << 52) + 1)) == std::ldexp(1.0f, 60) + std::ldexp(1.0f, 53));
  CHECK(std::isinf(float(convert<double, float16_t>(65520.0))));
  CHECK(float(convert<double, float16_t>(65519.999)) == 65504.0f);
  CHECK(std::isinf(float(convert<double, bfloat16_t>(1e300))));
  CHECK(std::isnan(float(convert<double, float16_t>(std::nan("")))));
  CHECK(std::signbit(float(convert<double, float16_t>(-1e-300))));
}

TEST_CASE("astype runs every dtype pair on edge values without undefined behaviour") {
  const double vals[] = {0.0, -0.0, 1.5, -1.5, 255.5, -129.0, 65520.0, 3e9, -3e9, 1e20, -1e20, 1e300,
                         std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                         std::numeric_limits<double>::quiet_NaN(), 5e-324};
  const int64_t n = int64_t(sizeof(vals) / sizeof(vals[0]));
  array src = array::empty({n}, Dtype::float64);
  for (int64_t i = 0; i < n; ++i) src.data<double>()[i] = vals[i];
  for (int s = 0; s < kNumRealDtypes; ++s) {
    array x = astype(src, Dtype(s));
    for (int d = 0; d < kNumRealDtypes; ++d) {
      array y = astype(x, Dtype(d));
      eval(y);
      CHECK(y.size() == n);
    }
  }
  // float64 -> int32 -> the values the rule gives.
  array y = astype(src, Dtype::int32);
  eval(y);
  const int32_t want[] = {0, 0, 1, -1, 255, -129, 65520, -1294967296, 1294967296, 1661992960, -1661992960, 0, 0, 0, 0, 0};
  for (int64_t i = 0; i < n; ++i) CHECK(y.data<int32_t>()[i] == want[i]);
}

// kernels/half_simd.h: the SIMD conversions the elementwise kernels use for
// half types must give exactly half.h's scalar results (themselves checked
// above against hand-worked roundings), on every half and on floats around
// each rounding boundary (ties, subnormals, overflow, inf, NaN).

namespace {
template <typename H>
void check_half_simd_roundtrip() {
  std::vector<H> all(65536);
  for (uint32_t b = 0; b < 65536; ++b) all[b].bits = uint16_t(b);
  std::vector<float> wide(65536);
  half_simd::widen(all.data(), wide.data(), 65536);
  int widen_bad = 0;
  for (uint32_t b = 0; b < 65536; ++b) widen_bad += float_bits(wide[b]) != float_bits(float(all[b]));
  CHECK(widen_bad == 0);

  // Float bit patterns: a stride over all of them, and every pattern within
  // 3 steps of the float nearest each half value and each midpoint between
  // neighbouring halves (where rounding decides), both signs.
  std::vector<float> xs;
  for (uint64_t u = 0; u < (uint64_t(1) << 32); u += 4099) xs.push_back(bits_float(uint32_t(u)));
  for (uint32_t b = 0; b < 65535; ++b) {
    const double lo = double(wide[b]), hi = double(wide[b + 1]);
    for (double v : {lo, (lo + hi) / 2}) {
      if (!std::isfinite(v)) continue;
      const uint32_t c = float_bits(float(v));
      for (int d = -3; d <= 3; ++d) xs.push_back(bits_float(c + uint32_t(d)));
    }
  }
  for (uint32_t c : {0x477fe000u, 0x477ff000u, 0x477fefffu, 0x47800000u, 0x7f800000u, 0x7f800001u, 0x7fc00000u,
                     0x38800000u, 0x387fffffu, 0x33000000u, 0x33000001u, 0x32ffffffu, 0x00000001u})
    for (uint32_t s : {0u, 0x80000000u}) xs.push_back(bits_float(c | s));
  std::vector<H> narrow(xs.size());
  half_simd::narrow(xs.data(), narrow.data(), int64_t(xs.size()));
  int narrow_bad = 0;
  for (size_t i = 0; i < xs.size(); ++i) narrow_bad += narrow[i].bits != H(xs[i]).bits;
  CHECK(narrow_bad == 0);
  MESSAGE(xs.size(), " floats narrowed");
}
}  // namespace

TEST_CASE("SIMD float16 conversions match the scalar ones bit for bit") {
  check_half_simd_roundtrip<float16_t>();
  // hand values: 1, the smallest subnormal, 65504, a tie to even, overflow, NaN
  const float xs[8] = {1.0f, 5.9604645e-8f, 65504.0f, 1.00048828125f, 65520.0f, -INFINITY, NAN, -2.9802322e-8f};
  float16_t h[8];
  half_simd::narrow(xs, h, 8);
  CHECK(h[0].bits == 0x3c00);
  CHECK(h[1].bits == 0x0001);
  CHECK(h[2].bits == 0x7bff);
  CHECK(h[3].bits == 0x3c00);  // halfway between 1 and 1 + 2^-10: to even
  CHECK(h[4].bits == 0x7c00);
  CHECK(h[5].bits == 0xfc00);
  CHECK(h[6].bits == 0x7e00);
  CHECK(h[7].bits == 0x8000);  // -2^-25 is half the smallest subnormal: to even (zero)
}

TEST_CASE("SIMD bfloat16 conversions match the scalar ones bit for bit") {
  check_half_simd_roundtrip<bfloat16_t>();
}

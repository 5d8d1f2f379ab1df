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

#include "backend/cpu/kernels/convert.h"
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

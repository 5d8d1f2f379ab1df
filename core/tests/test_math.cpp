// Unary math, creation ops and where: values against std:: math, dtypes,
// specials, strided inputs, the SIMD float32 kernels' accuracy, and the
// primitives' transform rules checked numerically (called directly).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "error.h"
#include "backend/cpu/kernels/vmath.h"
#include "math_ops.h"
#include "ops.h"
#include "primitive.h"
#include "primitives/unary.h"
#include "tests/helpers.h"
#include "thread_pool.h"

using namespace wmx;
using wmx::test::f32;
using wmx::test::make;
using wmx::test::values;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

array f64(const std::vector<double>& v, Shape s) { return make<double>(v, std::move(s)); }

// Plain function pointers (captureless lambdas convert): cheaper to compile than std::function.
using UFn = array (*)(const array&);
using RFn = double (*)(double);

struct UnaryCase {
  const char* name;
  UFn op;
  RFn ref;
  std::vector<double> points;  // where the derivative exists
};

// Independent of the erfinv under test: bisection on the C library's erf in double.
double erfinv_ref(double y) {
  if (!(std::fabs(y) <= 1)) return std::nan("");  // NaN and |y| > 1
  if (std::fabs(y) == 1) return std::copysign(INFINITY, y);
  if (y == 0) return y;  // keeps the sign of -0
  double lo = -6, hi = 6;  // erf(6) rounds to 1 in double
  for (int i = 0; i < 200 && lo < hi; ++i) {
    double mid = 0.5 * (lo + hi);
    (std::erf(mid) < y ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Every floating op with its reference and points inside its domain.
const std::vector<UnaryCase>& cases() {
  static const std::vector<UnaryCase> c = {
      {"abs", abs, [](double x) { return std::fabs(x); }, {-2.5, -0.3, 0.7, 3}},
      {"negative", negative, [](double x) { return -x; }, {-2, 0.5, 3}},
      {"square", square, [](double x) { return x * x; }, {-2, 0.5, 3}},
      {"reciprocal", reciprocal, [](double x) { return 1 / x; }, {-2, 0.5, 3}},
      {"exp", exp, [](double x) { return std::exp(x); }, {-3, -0.2, 0.4, 2.5}},
      {"expm1", expm1, [](double x) { return std::expm1(x); }, {-2, 1e-3, 1.5}},
      {"log", log, [](double x) { return std::log(x); }, {0.1, 0.9, 2, 40}},
      {"log1p", log1p, [](double x) { return std::log1p(x); }, {-0.5, 1e-3, 3}},
      {"log2", log2, [](double x) { return std::log2(x); }, {0.3, 2, 9}},
      {"log10", log10, [](double x) { return std::log10(x); }, {0.3, 2, 90}},
      {"sqrt", sqrt, [](double x) { return std::sqrt(x); }, {0.3, 2, 9}},
      {"rsqrt", rsqrt, [](double x) { return 1 / std::sqrt(x); }, {0.3, 2, 9}},
      {"sin", sin, [](double x) { return std::sin(x); }, {-2, 0.3, 4}},
      {"cos", cos, [](double x) { return std::cos(x); }, {-2, 0.3, 4}},
      {"tan", tan, [](double x) { return std::tan(x); }, {-1.2, 0.3, 1}},
      {"arcsin", arcsin, [](double x) { return std::asin(x); }, {-0.7, 0.1, 0.9}},
      {"arccos", arccos, [](double x) { return std::acos(x); }, {-0.7, 0.1, 0.9}},
      {"arctan", arctan, [](double x) { return std::atan(x); }, {-3, 0.1, 20}},
      {"sinh", sinh, [](double x) { return std::sinh(x); }, {-2, 0.1, 3}},
      {"cosh", cosh, [](double x) { return std::cosh(x); }, {-2, 0.1, 3}},
      {"tanh", tanh, [](double x) { return std::tanh(x); }, {-2, 0.1, 0.7, 3}},
      {"arcsinh", arcsinh, [](double x) { return std::asinh(x); }, {-2, 0.1, 3}},
      {"arccosh", arccosh, [](double x) { return std::acosh(x); }, {1.2, 3, 10}},
      {"arctanh", arctanh, [](double x) { return std::atanh(x); }, {-0.8, 0.1, 0.6}},
      {"sigmoid", sigmoid, [](double x) { return 1 / (1 + std::exp(-x)); },
       {-5, -0.5, 0.3, 4}},
      {"erf", erf, [](double x) { return std::erf(x); }, {-1.5, 0.2, 0.9}},
      {"erfinv", erfinv, erfinv_ref, {-0.9, -0.2, 0.3, 0.99}},
  };
  return c;
}

// Distance in float32 ulps from the exact (double) reference; 0 when both are
// nan or the same infinity.
double ulps32(double got, double ref) {
  if (std::isnan(ref)) return std::isnan(got) ? 0 : 1e9;
  float fr = float(ref);
  if (std::isinf(fr) || std::isinf(got)) return double(fr) == got ? 0 : 1e9;
  float a = std::fabs(fr);
  double u = double(std::nextafter(a, INFINITY)) - double(a);
  u = std::max(u, 1.401298464324817e-45);
  return std::fabs(got - ref) / u;
}

// Relative closeness that treats nan and infinities as values.
bool close(double got, double ref, double eps, double abs_tol = 0) {
  if (std::isnan(ref)) return std::isnan(got);
  if (std::isinf(ref)) return got == ref;
  return std::fabs(got - ref) <= eps * std::fabs(ref) + abs_tol;
}

// The rules of y's primitive, applied to y's own inputs.
array vjp_rule(const array& y, const array& cot) {
  return y.primitive().vjp(y.inputs(), {cot}, {0}, {y})[0];
}
array jvp_rule(const array& y, const array& tan) { return y.primitive().jvp(y.inputs(), {tan}, {0})[0]; }

}  // namespace

TEST_CASE("unary float32 ops match std:: math, with specials") {
  std::vector<double> xs = {-3.5, -1, -0.75, -0.25, -0.0, 0.0, 0.25, 0.5, 0.9, 1, 1.5, 2, 7.25, 30, 100,
                            -100, 1e-30, -1e-30, 1e-40, kInf, -kInf, kNaN};
  std::vector<float> xf(xs.begin(), xs.end());
  for (const auto& c : cases()) {
    const std::string op_name = c.name;
    CAPTURE(op_name);
    array y = c.op(f32(xf, {int64_t(xf.size())}));
    CHECK(y.dtype() == Dtype::float32);
    auto got = values(y);
    for (size_t i = 0; i < xs.size(); ++i) {
      CAPTURE(xs[i]);
      CHECK(ulps32(got[i], c.ref(double(xf[i]))) <= 3);
    }
  }
}

TEST_CASE("float64, float16 and bfloat16 inputs keep their dtype") {
  std::vector<double> xs = {0.125, 0.5, 0.75, 0.9};
  for (const auto& c : cases()) {
    const std::string op_name = c.name;
    CAPTURE(op_name);
    auto g64 = values(c.op(f64(xs, {4})));
    for (size_t i = 0; i < xs.size(); ++i) CHECK(close(g64[i], c.ref(xs[i]), 1e-14));
    for (Dtype t : {Dtype::float16, Dtype::bfloat16}) {
      array y = c.op(astype(f64(xs, {4}), t));
      CHECK(y.dtype() == t);
      auto g = values(y);
      double eps = t == Dtype::float16 ? 2e-3 : 1.6e-2;
      for (size_t i = 0; i < xs.size(); ++i) {
        double x = values(astype(f64({xs[i]}, {}), t))[0];  // the rounded input
        CAPTURE(x);
        CAPTURE(g[i]);
        CHECK(close(g[i], c.ref(x), eps, 1e-6));
      }
    }
  }
}

TEST_CASE("output dtypes follow MLX") {
  array i = make<int32_t>({-3, 0, 5}, {3});
  array b = make<bool>({true, false, true}, {3});
  array u = make<uint8_t>({0, 7, 200}, {3});
  for (const auto& c : cases()) {
    const std::string op_name = c.name;
    CAPTURE(op_name);
    bool keeps = std::string(c.name) == "abs" || std::string(c.name) == "negative" || std::string(c.name) == "square";
    CHECK(c.op(i).dtype() == (keeps ? Dtype::int32 : Dtype::float32));
    CHECK(c.op(u).dtype() == (keeps ? Dtype::uint8 : Dtype::float32));
  }
  CHECK(values(exp(i)) == std::vector<double>{double(std::exp(-3.0f)), 1, double(std::exp(5.0f))});
  CHECK(values(sqrt(b)) == std::vector<double>{1, 0, 1});
  CHECK(sign(i).dtype() == Dtype::int32);
  CHECK(values(sign(i)) == std::vector<double>{-1, 0, 1});
  CHECK(values(sign(u)) == std::vector<double>{0, 1, 1});
  CHECK(values(abs(i)) == std::vector<double>{3, 0, 5});
  CHECK(values(negative(i)) == std::vector<double>{3, 0, -5});
  CHECK(values(square(i)) == std::vector<double>{9, 0, 25});
  CHECK(values(negative(u)) == std::vector<double>{0, 249, 56});  // wraps like MLX
  CHECK(values(abs(make<int8_t>({-128, -5}, {2}))) == std::vector<double>{-128, 5});
  CHECK(values(square(make<int32_t>({65536}, {1}))) == std::vector<double>{0});  // wraps, no UB
  CHECK(values(negative(make<int64_t>({std::numeric_limits<int64_t>::min()}, {1}))) ==
        std::vector<double>{double(std::numeric_limits<int64_t>::min())});
  CHECK(abs(b).dtype() == Dtype::bool_);
  CHECK(square(b).dtype() == Dtype::bool_);
  CHECK(values(square(b)) == std::vector<double>{1, 0, 1});
  CHECK(floor(i).dtype() == Dtype::int32);
  CHECK(values(ceil(i)) == std::vector<double>{-3, 0, 5});
  CHECK(values(round(u)) == std::vector<double>{0, 7, 200});
  CHECK(isnan(i).dtype() == Dtype::bool_);
  CHECK(values(isnan(i)) == std::vector<double>{0, 0, 0});
  CHECK(values(isinf(u)) == std::vector<double>{0, 0, 0});
  CHECK(values(isfinite(i)) == std::vector<double>{1, 1, 1});
  CHECK(logical_not(i).dtype() == Dtype::bool_);
  CHECK(values(logical_not(i)) == std::vector<double>{0, 1, 0});
  CHECK(values(logical_not(b)) == std::vector<double>{0, 1, 0});
  CHECK(reciprocal(i).dtype() == Dtype::float32);
  CHECK(values(reciprocal(make<int32_t>({2, -4}, {2}))) == std::vector<double>{0.5, -0.25});
  CHECK_THROWS_WITH(negative(b), "[negative] Not supported for bool, use logical_not instead.");
}

TEST_CASE("rounding, sign and the float predicates on specials") {
  array x = f32({-2.5f, -1.5f, -0.5f, 0.5f, 1.5f, 2.5f, 3.5f, -0.7f, 0.2f}, {9});
  CHECK(values(round(x)) == std::vector<double>{-2, -2, -0, 0, 2, 2, 4, -1, 0});
  CHECK(values(floor(x)) == std::vector<double>{-3, -2, -1, 0, 1, 2, 3, -1, 0});
  CHECK(values(ceil(x)) == std::vector<double>{-2, -1, -0, 1, 2, 3, 4, -0, 1});
  CHECK(values(round(f64({1.2345, -2.675, 12.5}, {3}), 2)) ==
        std::vector<double>{std::nearbyint(123.45) / 100, std::nearbyint(-267.5) / 100, 12.5});
  auto r1 = values(round(f32({15.0f, 25.0f, 1.26f}, {3}), -1));
  CHECK(r1 == std::vector<double>{20, 20, 0});
  array s = f32({-3, -0.0f, 0, 2, float(kInf), float(-kInf), float(kNaN)}, {7});
  CHECK(values(sign(s)) == std::vector<double>{-1, 0, 0, 1, 1, -1, 0});  // sign(nan) = 0, as MLX
  CHECK(values(isnan(s)) == std::vector<double>{0, 0, 0, 0, 0, 0, 1});
  CHECK(values(isinf(s)) == std::vector<double>{0, 0, 0, 0, 1, 1, 0});
  CHECK(values(isfinite(s)) == std::vector<double>{1, 1, 1, 1, 0, 0, 0});
  auto fl = values(floor(s));
  CHECK(std::isnan(fl[6]));
  CHECK(fl[4] == kInf);
  for (Dtype t : {Dtype::float16, Dtype::bfloat16, Dtype::float64}) {
    CAPTURE(name_of(t));
    CHECK(values(isnan(astype(s, t))) == std::vector<double>{0, 0, 0, 0, 0, 0, 1});
    CHECK(values(isinf(astype(s, t))) == std::vector<double>{0, 0, 0, 0, 1, 1, 0});
    CHECK(values(round(astype(x, t)))[0] == -2);
    CHECK(values(round(astype(x, t)))[5] == 2);
  }
  auto ex = values(exp(f32({89, 88.7f, -87.5f, -103, -104, -120, 0}, {7})));
  CHECK(ex[0] == kInf);
  CHECK(std::isfinite(ex[1]));
  CHECK(ex[2] > 0);
  CHECK(ex[3] > 0);
  CHECK(ex[3] < 1.17549435e-38);  // a denormal result
  CHECK(ex[5] == 0);
  CHECK(ex[6] == 1);
  auto lg = values(log(f32({0, -0.0f, -1, 1, 1e-45f, float(kInf)}, {6})));
  CHECK(lg[0] == -kInf);
  CHECK(lg[1] == -kInf);
  CHECK(std::isnan(lg[2]));
  CHECK(lg[3] == 0);
  CHECK(ulps32(lg[4], std::log(double(1e-45f))) <= 1);
  CHECK(lg[5] == kInf);
}

// The SIMD float32 kernels' accuracy bounds (README, "Accuracy"), in ulps
// from the correctly rounded result.
struct VecBound {
  const char* name;
  UFn op;
  RFn ref;
  double max_ulp;
};
const VecBound kVecBounds[] = {
    {"exp", exp, [](double t) { return std::exp(t); }, 1},
    {"expm1", expm1, [](double t) { return std::expm1(t); }, 2},
    {"log", log, [](double t) { return std::log(t); }, 1},
    {"log1p", log1p, [](double t) { return std::log1p(t); }, 2},
    {"tanh", tanh, [](double t) { return std::tanh(t); }, 3},
    {"sigmoid", sigmoid, [](double t) { return 1 / (1 + std::exp(-t)); }, 3},
    {"sin", sin, [](double t) { return std::sin(t); }, 2},
    {"cos", cos, [](double t) { return std::cos(t); }, 2},
    {"erf", erf, [](double t) { return std::erf(t); }, 3},
};

void check_vec_bounds(const std::vector<float>& xs) {
  set_num_threads(2);
  array x = f32(xs, {int64_t(xs.size())});
  for (const VecBound& v : kVecBounds) {
    const std::string op_name = v.name;
    CAPTURE(op_name);
    auto got = values(v.op(x));
    double worst = 0;
    float at = 0;
    for (size_t i = 0; i < xs.size(); ++i) {
      const double u = ulps32(got[i], v.ref(double(xs[i])));
      if (u > worst) worst = u, at = xs[i];
    }
    MESSAGE(op_name, " max ulp ", worst, " at ", at);
    CHECK(worst <= v.max_ulp);
  }
  set_num_threads(1);
}

TEST_CASE("SIMD float32 transcendentals stay within their ulp bounds over a sweep of all floats") {
  // Every 4099th bit pattern (~1M values, all exponents and signs, denormals,
  // infinities and NaNs), through the array kernels (so the vector path, its
  // tails and threads are used).
  std::vector<float> xs;
  for (uint64_t b = 0; b < (1ull << 32); b += 4099) {
    uint32_t u = uint32_t(b);
    float f;
    std::memcpy(&f, &u, 4);
    xs.push_back(f);
  }
  for (float s : {0.0f, -0.0f, float(kInf), -float(kInf), float(kNaN), 1e-45f, -1e-45f}) xs.push_back(s);
  check_vec_bounds(xs);
}

TEST_CASE("SIMD float32 transcendentals stay within their ulp bounds where they are hardest") {
  // Dense runs of consecutive floats: around 0 and +-1, the polynomial
  // switch points, exp's range ends, and the floats nearest multiples of
  // pi / 2 (up to sin/cos's fast-path limit and beyond it).
  std::vector<float> xs;
  auto run = [&](float c, int n) {
    float f = c;
    for (int i = 0; i < n; ++i) xs.push_back(f = std::nextafter(f, INFINITY));
    f = c;
    for (int i = 0; i < n; ++i) xs.push_back(f = std::nextafter(f, -INFINITY));
  };
  for (float c : {0.0f, 1.0f, -1.0f, 0.34657359f, -0.34657359f, 3.93f, -3.93f, 4.0f, -4.0f, 80.0f, -80.0f, 87.0f, -87.0f,
                  88.72f, -87.34f, -103.97f, 1e-4f, -1e-4f, 2.44140625e-4f, 131072.0f})
    run(c, 2000);
  for (double k = 1; k < 2e6; k = k * 1.37 + 1) run(float(k * 1.5707963267948966), 64);
  for (float v = -20; v <= 20; v += 1.0f / 1024) xs.push_back(v);
  check_vec_bounds(xs);
}

TEST_CASE("float32 erf is exactly +-1 wherever the rounded result is") {
  // The large-argument path holds |x| at 4 past the end of its fit: every
  // float from 3.9 to 4.5 (and its negative) whose erf rounds to 1 must give 1.
  std::vector<float> xs;
  for (float f = 3.9f; f < 4.5f; f = std::nextafter(f, INFINITY)) xs.push_back(f), xs.push_back(-f);
  auto got = values(erf(f32(xs, {int64_t(xs.size())})));
  int64_t checked = 0, wrong = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    const float want = float(std::erf(double(xs[i])));
    if (std::fabs(want) != 1.0f) continue;
    ++checked;
    if (got[i] != want) ++wrong;
  }
  CHECK(checked > 100000);
  CHECK(wrong == 0);
}

TEST_CASE("strided, broadcast and large inputs give the contiguous results") {
  set_num_threads(3);
  const int R = 300, C = 257;  // odd sizes: vector tails on every row
  std::vector<float> v(R * C);
  for (int i = 0; i < R * C; ++i) v[i] = float((i % 97) - 48) * 0.0625f;
  array a = f32(v, {R, C});
  array t = transpose(a);  // (C, R), strided
  for (const auto& c : cases()) {
    const std::string op_name = c.name;
    CAPTURE(op_name);
    auto direct = values(c.op(a));
    auto strided = values(c.op(t));
    bool same = true;
    for (int i = 0; i < R && same; ++i)
      for (int j = 0; j < C && same; ++j) {
        double p = direct[i * C + j], q = strided[j * R + i];
        same = (p == q) || (std::isnan(p) && std::isnan(q));
      }
    CHECK(same);
  }
  array row = f32({0.5f, -1, 2}, {3});
  array b = broadcast_to(row, {4, 3});
  auto e = values(exp(b));  // zero-stride input: every row equals exp(row)
  auto e_row = values(exp(row));
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 3; ++j) CHECK(e[i * 3 + j] == e_row[j]);
  set_num_threads(1);
}

TEST_CASE("erfinv inverts erf in double, up to the ends") {
  for (double y : {-0.999999, -0.5, -1e-10, 0.0, 1e-300, 0.3, 0.75, 0.999, 1 - 1e-12, 1 - 1.1102230246251565e-16}) {
    CAPTURE(y);
    double x = erfinv_scalar(y);
    if (y > 0.5) CHECK(std::erfc(x) == doctest::Approx(1 - y).epsilon(1e-12));
    else CHECK(std::erf(x) == doctest::Approx(y).epsilon(1e-14).scale(1e-300));
  }
  CHECK(erfinv_scalar(1) == kInf);
  CHECK(erfinv_scalar(-1) == -kInf);
  CHECK(std::isnan(erfinv_scalar(1.5)));
  CHECK(std::isnan(erfinv_scalar(kNaN)));
  CHECK(std::signbit(erfinv_scalar(-0.0)));
}

// ---- transform rules, checked numerically in float64 ----

TEST_CASE("vjp rules match central finite differences; jvp equals the vjp transposed") {
  for (const auto& c : cases()) {
    const std::string op_name = c.name;
    CAPTURE(op_name);
    const auto& P = c.points;
    const int n = int(P.size());
    array x = f64(P, {n});
    array y = c.op(x);
    if (!y.has_primitive() || y.inputs().empty() || y.inputs()[0].id() != x.id()) {
      // A composition (reciprocal): its rules live in the ops it is made of.
      auto g = values(y);
      (void)g;
      continue;
    }
    std::vector<double> cv(n), tv(n);
    for (int i = 0; i < n; ++i) cv[i] = 0.5 + 0.25 * i, tv[i] = 1.5 - 0.5 * i;
    array vja = vjp_rule(y, f64(cv, {n}));  // both before evaluating: eval detaches y
    array jva = jvp_rule(y, f64(tv, {n}));
    auto vj = values(vja);
    auto jv = values(jva);
    double dot_j = 0, dot_v = 0;
    for (int i = 0; i < n; ++i) {
      double h = 1e-6 * std::max(1.0, std::fabs(P[i]));
      double fd = (c.ref(P[i] + h) - c.ref(P[i] - h)) / (2 * h);
      CAPTURE(P[i]);
      CHECK(vj[i] == doctest::Approx(cv[i] * fd).epsilon(1e-6));
      CHECK(jv[i] == doctest::Approx(tv[i] * fd).epsilon(1e-6));
      dot_j += jv[i] * cv[i];
      dot_v += tv[i] * vj[i];
    }
    CHECK(dot_j == doctest::Approx(dot_v).epsilon(1e-12));
  }
}

TEST_CASE("piecewise-constant ops and stop_gradient have zero derivatives") {
  array x = f64({-1.5, 0.2, 2.7}, {3});
  array ones3 = f64({1, 1, 1}, {3});
  for (auto op : std::vector<UFn>{sign, floor, ceil, [](const array& a) { return round(a); }, stop_gradient}) {
    array y = op(x);
    array t = jvp_rule(y, ones3);
    CHECK(values(vjp_rule(y, ones3)) == std::vector<double>{0, 0, 0});
    CHECK(t.dtype() == Dtype::float64);
    CHECK(values(t) == std::vector<double>{0, 0, 0});
  }
  for (auto op : std::vector<UFn>{isnan, isinf, isfinite}) {
    array y = op(x);
    CHECK(jvp_rule(y, ones3).dtype() == Dtype::bool_);
    CHECK(values(vjp_rule(y, make<bool>({1, 1, 1}, {3}))) == std::vector<double>{0, 0, 0});
  }
  array ln = logical_not(make<bool>({true, false}, {2}));
  CHECK(values(jvp_rule(ln, make<bool>({1, 1}, {2}))) == std::vector<double>{0, 0});
  array sg = stop_gradient(x);
  CHECK(values(sg) == values(x));
}

TEST_CASE("vmap rules map elementwise and keep the batch axis, as a loop would") {
  // x: (3, 4) mapped over axis 1 -> four examples of shape (3,).
  std::vector<double> X = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.15, 0.25, 0.35, 0.45};
  array x = f64(X, {3, 4});
  for (const auto& c : cases()) {
    const std::string op_name = c.name;
    CAPTURE(op_name);
    array y = c.op(x);
    if (!y.has_primitive() || y.inputs().empty() || y.inputs()[0].id() != x.id()) continue;
    auto [outs, axes] = y.primitive().vmap({x}, {1});
    REQUIRE(axes.size() == 1);
    CHECK(axes[0] == 1);
    REQUIRE(outs[0].shape() == Shape{3, 4});
    auto got = values(outs[0]);
    for (int b = 0; b < 4; ++b) {
      array ex = f64({X[b], X[4 + b], X[8 + b]}, {3});
      auto want = values(c.op(ex));
      for (int i = 0; i < 3; ++i) CHECK(close(got[i * 4 + b], want[i], 0));
    }
  }
  array z = isnan(x);
  auto [o, ax] = z.primitive().vmap({x}, {0});
  CHECK(ax[0] == 0);
  CHECK(o[0].dtype() == Dtype::bool_);
}

// ---- creation ----

TEST_CASE("arange follows MLX") {
  CHECK(values(arange(5.0)) == std::vector<double>{0, 1, 2, 3, 4});
  CHECK(arange(5.0).dtype() == Dtype::float32);
  CHECK(values(arange(1, 2, 0.25)) == std::vector<double>{1, 1.25, 1.5, 1.75});
  CHECK(values(arange(5, 0, -2, Dtype::int32)) == std::vector<double>{5, 3, 1});
  CHECK(arange(5, 0, 1).shape() == Shape{0});
  CHECK(arange(0, 1, 0.3).shape() == Shape{4});
  CHECK(values(arange(-3, 3, 1.5, Dtype::float64)) == std::vector<double>{-3, -1.5, 0, 1.5});
  CHECK(values(arange(0, 3, 1, Dtype::float16)) == std::vector<double>{0, 1, 2});
  CHECK(values(arange(0, 3, 1, Dtype::uint8)) == std::vector<double>{0, 1, 2});
  auto big = values(arange(0, 100000, 1, Dtype::int32));  // crosses the thread grain
  CHECK(big[99999] == 99999);
  CHECK_THROWS_WITH(arange(0, 1, 0), "[arange] Cannot use a step of zero.");
  CHECK_THROWS_WITH(arange(0, kInf, 1), "[arange] Cannot use infinity for start or stop.");
  CHECK_THROWS_WITH(arange(kNaN, 1, 1), "[arange] Cannot use NaN for start, stop, or step.");
  CHECK_THROWS_WITH(arange(0, 1e12, 1), "[arange] Maximum size exceeded.");
  CHECK_THROWS_WITH(arange(0, 3, 1, Dtype::bool_), "[arange] bool is not supported for arange.");
}

TEST_CASE("linspace, eye, identity, tri, zeros_like, ones_like") {
  CHECK(values(linspace(0, 1, 5)) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  CHECK(values(linspace(2, 3, 1)) == std::vector<double>{2});
  CHECK(linspace(2, 3, 0).shape() == Shape{0});
  auto l = values(linspace(-1, 7, 50, Dtype::float64));
  CHECK(l.size() == 50);
  CHECK(l.front() == -1);
  CHECK(l.back() == 7);
  CHECK(l[7] == doctest::Approx(-1 + 8.0 * 7 / 49));
  CHECK(values(linspace(0, 10, 4, Dtype::int32)) == std::vector<double>{0, 3, 6, 10});
  CHECK_THROWS_WITH(linspace(0, 1, -1), "[linspace] number of samples, -1, must be non-negative.");

  CHECK(values(eye(2, 3)) == std::vector<double>{1, 0, 0, 0, 1, 0});
  CHECK(values(eye(3, 3, 1, Dtype::int32)) == std::vector<double>{0, 1, 0, 0, 0, 1, 0, 0, 0});
  CHECK(values(eye(3, 2, -1)) == std::vector<double>{0, 0, 1, 0, 0, 1});
  CHECK(values(eye(2, 2, 5)) == std::vector<double>{0, 0, 0, 0});
  CHECK(eye(2, 2, 0, Dtype::bool_).dtype() == Dtype::bool_);
  CHECK(values(identity(2)) == std::vector<double>{1, 0, 0, 1});
  CHECK_THROWS_WITH(eye(0, 2), "[eye] N and M must be positive integers.");

  CHECK(values(tri(3, 3)) == std::vector<double>{1, 0, 0, 1, 1, 0, 1, 1, 1});
  CHECK(values(tri(2, 4, 1, Dtype::int32)) == std::vector<double>{1, 1, 0, 0, 1, 1, 1, 0});
  CHECK(values(tri(3, 2, -1)) == std::vector<double>{0, 0, 1, 0, 1, 1});

  array a = make<int16_t>({1, 2, 3}, {3});
  CHECK(zeros_like(a).dtype() == Dtype::int16);
  CHECK(values(zeros_like(a)) == std::vector<double>{0, 0, 0});
  CHECK(values(ones_like(a)) == std::vector<double>{1, 1, 1});
}

TEST_CASE("tril and triu keep inf and nan out of the zeroed triangle, and batch") {
  array m = f32({1, float(kInf), 3, 4, 5, float(kNaN), 7, 8, 9}, {3, 3});
  auto lo = values(tril(m));
  CHECK(lo[0] == 1);
  CHECK(lo[1] == 0);
  CHECK(lo[2] == 0);
  CHECK(lo[5] == 0);
  CHECK(lo[8] == 9);
  auto up = values(triu(m, 1));
  CHECK(up[1] == kInf);
  CHECK(std::isnan(up[5]));
  CHECK(up[0] == 0);
  CHECK(up[4] == 0);
  std::vector<double> B(2 * 2 * 3);
  for (size_t i = 0; i < B.size(); ++i) B[i] = double(i + 1);
  array b = f64(B, {2, 2, 3});
  CHECK(values(tril(b, -1)) == std::vector<double>{0, 0, 0, 4, 0, 0, 0, 0, 0, 10, 0, 0});
  CHECK(values(triu(b)) == std::vector<double>{1, 2, 3, 0, 5, 6, 7, 8, 9, 0, 11, 12});
  CHECK(tril(make<int32_t>({1, 2, 3, 4}, {2, 2})).dtype() == Dtype::int32);
  CHECK_THROWS_WITH(tril(f32({1, 2}, {2})), "[tril] array must be at least 2-D");
  CHECK_THROWS_WITH(triu(f32({1}, {})), "[triu] array must be at least 2-D");
}

TEST_CASE("where broadcasts, promotes, and its rules check out") {
  array c = make<bool>({true, false, true}, {3});
  array x = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  array y = make<int32_t>({-1}, {});
  array w = where(c, x, y);
  CHECK(w.dtype() == Dtype::float32);
  CHECK(values(w) == std::vector<double>{1, -1, 3, 4, -1, 6});
  CHECK(values(where(make<int32_t>({0, 2}, {2}), make<int8_t>({1, 1}, {2}), make<int8_t>({7, 7}, {2}))) ==
        std::vector<double>{7, 1});
  CHECK(values(where(c, make<double>({1, 2, 3}, {3}), make<double>({9, 9, 9}, {3}))) ==
        std::vector<double>{1, 9, 3});
  CHECK_THROWS_WITH(where(c, f32({1, 2}, {2}), y), "[where] Shapes (3) and (2) cannot be broadcast.");

  // Rules on the Select node: inputs (cond, x, y) after broadcasting.
  array a = f64({1, 2, 3}, {3}), b = f64({10, 20, 30}, {3});
  array s = where(c, a, b);
  const auto in = s.inputs();
  auto prim = s.primitive_ptr();
  auto g = prim->vjp(in, {f64({0.5, 0.25, 2}, {3})}, {1, 2, 0}, {s});
  CHECK(values(g[0]) == std::vector<double>{0.5, 0, 2});
  CHECK(values(g[1]) == std::vector<double>{0, 0.25, 0});
  CHECK(values(g[2]) == std::vector<double>{0, 0, 0});
  auto t = prim->jvp(in, {f64({1, 1, 1}, {3}), f64({5, 5, 5}, {3})}, {1, 2});
  CHECK(values(t[0]) == std::vector<double>{1, 5, 1});
  auto t2 = prim->jvp(in, {f64({5, 5, 5}, {3})}, {2});
  CHECK(values(t2[0]) == std::vector<double>{0, 5, 0});
  // vmap with the condition unbatched and x batched on axis 1 of (3, 2).
  array xb = f64({1, 2, 3, 4, 5, 6}, {3, 2});
  auto [outs, axes] = prim->vmap({in[0], xb, in[2]}, {-1, 1, -1});
  array o = moveaxis(outs[0], axes[0], 0);
  CHECK(o.shape() == Shape{2, 3});
  CHECK(values(o) == std::vector<double>{1, 20, 5, 2, 20, 6});
  // Large and strided: the threaded driver.
  set_num_threads(2);
  const int n = 200000;
  std::vector<float> xv(n);
  for (int i = 0; i < n; ++i) xv[i] = float(i);
  array big = f32(xv, {400, 500});
  auto r = values(where(greater(transpose(big), f32({1000}, {})), f32({1}, {}), f32({0}, {})));
  CHECK(r[0] == 0);
  CHECK(r[2] == 0);  // transpose: element (0, j) is big[j][0] = 500 j
  CHECK(r[3] == 1);
  set_num_threads(1);
}

// core/reduce_ops.h: var/std, argmax/argmin, logsumexp, softmax, the extra
// binary ops, scans and sorting. Values against numpy-computed fixtures
// (generated offline with numpy, pasted as literals) and hand values;
// gradients against central finite differences in float64; vmap against a
// loop; errors; NaN handling; threaded sizes.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "reduce_ops.h"
#include "shape_ops.h"
#include "tests/helpers.h"
#include "backend/cpu/kernels/rows.h"
#include "thread_pool.h"
#include "transforms.h"

using namespace wmx;
using wmx::test::f32;
using wmx::test::make;
using wmx::test::values;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kNaN = std::numeric_limits<double>::quiet_NaN();

array f64(const std::vector<double>& v, Shape s) { return make<double>(v, std::move(s)); }
array i32(const std::vector<int32_t>& v, Shape s) { return make<int32_t>(v, std::move(s)); }

// The 3x4 matrix every numpy fixture below was computed from.
const std::vector<double> kX = {1.5, -2.0, 3.25, 0.5, 4.0, 4.0, -1.0, 2.5, 0.1, -0.7, 9.0, -3.3};
array X() { return f64(kX, {3, 4}); }
// Tie-free (X has two 4.0s), for derivatives of max-like and sorting ops.
array XG() { return f64({1.5, -2.0, 3.25, 0.5, 4.0, 4.2, -1.0, 2.5, 0.1, -0.7, 9.0, -3.3}, {3, 4}); }

void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-12) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      CHECK(std::isnan(got[i]));
    } else if (std::isinf(want[i])) {
      CHECK(got[i] == want[i]);
    } else {
      CHECK(got[i] == doctest::Approx(want[i]).epsilon(tol).scale(1.0));
    }
  }
}


// Gradient of f at x (float64) by value_and_grad vs central differences.
void check_grad(const std::function<array(const array&)>& f, const array& x0, double tol = 1e-6) {
  auto fn = [&](const std::vector<array>& in) { return std::vector<array>{f(in[0])}; };
  auto [val, g] = value_and_grad(fn, {x0}, {0});
  auto grad = values(g[0]);
  auto x = values(x0);
  const double h = 1e-6;
  for (size_t i = 0; i < x.size(); ++i) {
    auto xp = x, xm = x;
    xp[i] += h;
    xm[i] -= h;
    double fp = values(f(f64(xp, x0.shape())))[0], fm = values(f(f64(xm, x0.shape())))[0];
    CHECK(grad[i] == doctest::Approx((fp - fm) / (2 * h)).epsilon(tol).scale(1.0));
  }
}

// jvp of f at x along t vs central differences.
void check_jvp(const std::function<array(const array&)>& f, const array& x0, const array& t0, double tol = 1e-6) {
  auto fn = [&](const std::vector<array>& in) { return std::vector<array>{f(in[0])}; };
  auto [out, tan] = jvp(fn, {x0}, {t0});
  auto got = values(tan[0]);
  auto x = values(x0), t = values(t0);
  const double h = 1e-6;
  auto xp = x, xm = x;
  for (size_t i = 0; i < x.size(); ++i) {
    xp[i] += h * t[i];
    xm[i] -= h * t[i];
  }
  auto fp = values(f(f64(xp, x0.shape()))), fm = values(f(f64(xm, x0.shape())));
  REQUIRE(got.size() == fp.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx((fp[i] - fm[i]) / (2 * h)).epsilon(tol).scale(1.0));
}

// vmap(f) over axis 0 of x vs stacking f of each slice.
void check_vmap(const std::function<array(const array&)>& f, const array& x) {
  auto fn = [&](const std::vector<array>& in) { return std::vector<array>{f(in[0])}; };
  auto got = vmap(fn, {x}, {0}, {0})[0];
  std::vector<array> parts;
  for (int64_t i = 0; i < x.shape()[0]; ++i) parts.push_back(f(take(x, array::scalar(double(i), Dtype::int32), 0)));
  array want = stack(parts, 0);
  CHECK(got.shape() == want.shape());
  CHECK(got.dtype() == want.dtype());
  check_close(values(got), values(want));
}

// A weighted sum, so that gradients of every output element are exercised
// (infinite elements, e.g. an exclusive cummax's first, are left out).
array wsum(const array& y) {
  if (is_floating(y.dtype())) {
    array z = where(isinf(stop_gradient(y)), array::scalar(0, y.dtype()), y);
    array w = reshape(arange(1, double(y.size()) + 1, 1, y.dtype()), y.shape());
    return sum(multiply(z, multiply(w, array::scalar(0.37, y.dtype()))));
  }
  array w = reshape(arange(1, double(y.size()) + 1, 1, y.dtype()), y.shape());
  return sum(multiply(y, multiply(w, array::scalar(0.37, y.dtype()))));
}

}  // namespace

TEST_CASE("float32 column sums accumulate each column in double, row by row") {
  // [37, 13]: rows added into a double accumulator per column (four columns
  // at a time, then a tail), rounded to float once at the end.
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> U(-1e3f, 1e3f);
  const int R = 37, C = 13;
  std::vector<float> x(R * C);
  for (auto& v : x) v = U(rng);
  auto got = values(sum(f32(x, {R, C}), std::vector<int>{0}));
  for (int c = 0; c < C; ++c) {
    double acc = 0;
    for (int r = 0; r < R; ++r) acc += double(x[r * C + c]);
    CHECK(got[c] == double(float(acc)));
  }
}

TEST_CASE("var and std against numpy") {
  check_close(values(var(X(), {0})), {2.602222222222222, 6.642222222222222, 16.791666666666668, 5.786666666666666});
  check_close(values(var(X(), {1}, false, 1)), {4.807291666666667, 5.5625, 28.629166666666666});
  check_close(values(wmx::std(X(), {0, 1})), {3.1904887948400633});
  CHECK(var(X(), {1}, true).shape() == Shape{3, 1});
  CHECK(var(i32({1, 2, 3, 4}, {4}), {0}).dtype() == Dtype::float32);
  CHECK(values(var(i32({1, 2, 3, 4}, {4}), {0}))[0] == doctest::Approx(1.25));
  CHECK(std::isinf(values(var(f64({1, 2}, {2}), {0}, false, 2))[0]));
  CHECK(var(f32({1, 2}, {2}), {0}).dtype() == Dtype::float32);
  CHECK_THROWS_WITH(var(X(), {2}), "[var] Invalid axis 2 for an array with 2 dimensions.");
  CHECK_THROWS_WITH(wmx::std(X(), {0, 0}), "[std] Received duplicate axes.");
  check_grad([](const array& x) { return wsum(var(x, {1}, false, 1)); }, X());
  check_grad([](const array& x) { return wsum(wmx::std(x, {0})); }, X());
  check_vmap([](const array& x) { return var(x, {0}); }, X());
}

TEST_CASE("argmax and argmin") {
  auto am = argmax(X(), 1);
  CHECK(am.dtype() == Dtype::uint32);
  CHECK(values(am) == std::vector<double>{2, 0, 2});   // first of the tied 4.0s
  CHECK(values(argmin(X(), 0)) == std::vector<double>{2, 0, 1, 2});
  CHECK(values(argmax(X())) == std::vector<double>{10});
  CHECK(argmax(X(), true).shape() == Shape{1, 1});
  CHECK(argmin(X(), 0, true).shape() == Shape{1, 4});
  // NaN wins, as numpy.
  CHECK(values(argmax(f64({1, kNaN, 5, kNaN}, {4}), 0))[0] == 1);
  CHECK(values(argmin(f64({1, 0, kNaN}, {3}), 0))[0] == 2);
  CHECK(values(argmax(i32({3, 9, 9, -1}, {4}), 0))[0] == 1);
  CHECK(values(argmin(make<bool>({true, false, false}, {3}), 0))[0] == 1);
  // Strided input.
  CHECK(values(argmax(transpose(X()), 0)) == std::vector<double>{2, 0, 2});
  CHECK_THROWS_WITH(argmax(X(), 2), "[argmax] Invalid axis 2 for an array with 2 dimensions.");
  CHECK_THROWS_WITH(argmin(zeros({0}, Dtype::float32), 0), doctest::Contains("[argmin] Cannot argmin an array of size zero"));
  check_vmap([](const array& x) { return argmax(x, 0); }, X());
  check_vmap([](const array& x) { return argmin(x, -1, true); }, transpose(X()));
  // Zero gradient.
  auto fn = [](const std::vector<array>& in) { return std::vector<array>{sum(astype(argmax(in[0], 1), Dtype::float64))}; };
  CHECK(values(value_and_grad(fn, {X()}, {0}).second[0]) == std::vector<double>(12, 0.0));
}

TEST_CASE("argmax on threaded sizes") {
  set_num_threads(3);
  const int64_t r = 300, c = 517;
  std::vector<float> v(r * c);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  for (auto& e : v) e = u(rng);
  array x = f32(v, {r, c});
  auto a1 = values(argmax(x, 1)), a0 = values(argmin(x, 0));
  for (int64_t i = 0; i < r; ++i) {
    int64_t best = 0;
    for (int64_t j = 1; j < c; ++j)
      if (v[i * c + j] > v[i * c + best]) best = j;
    CHECK(a1[i] == double(best));
  }
  for (int64_t j = 0; j < c; ++j) {
    int64_t best = 0;
    for (int64_t i = 1; i < r; ++i)
      if (v[i * c + j] < v[best * c + j]) best = i;
    CHECK(a0[j] == double(best));
  }
  auto cs = values(cumsum(x, 1));
  double err = 0;
  for (int64_t i = 0; i < r; ++i) {
    double acc = 0;
    for (int64_t j = 0; j < c; ++j) {
      acc += v[i * c + j];
      err = std::max(err, std::abs(cs[i * c + j] - acc));
    }
  }
  CHECK(err < 1e-3);
  set_num_threads(1);
}

TEST_CASE("logsumexp, softmax, log_softmax") {
  check_close(values(logsumexp(X(), {1})), {3.467487041831277, 4.801942438946007, 9.000202203721448});
  check_close(values(softmax(X(), {0})),
              {0.0744652043545851, 0.002450391276291122, 0.003172539266396544, 0.1188858936018377, 0.9071719023322831,
               0.9885583961792507, 4.525384218136521e-05, 0.8784545371954792, 0.018362893313131984,
               0.008991212544458279, 0.996782206891422, 0.0026595692026830887});
  // Stability: huge inputs, infinities.
  check_close(values(logsumexp(f64({1000, 1000}, {2}), {0})), {1000 + std::log(2.0)});
  check_close(values(logsumexp(f64({-kInf, -kInf}, {2}), {0})), {-kInf});
  check_close(values(logsumexp(f64({kInf, 1}, {2}), {0})), {kInf});
  check_close(values(softmax(f32({1000, 1000, -1000}, {3}), {0})), {0.5, 0.5, 0}, 1e-6);
  check_close(values(log_softmax(f64({1000, 1000}, {2}), {0})), {-std::log(2.0), -std::log(2.0)});
  CHECK(logsumexp(X(), {1}, true).shape() == Shape{3, 1});
  CHECK(logsumexp(i32({1, 2}, {2}), {0}).dtype() == Dtype::float32);
  array h = astype(f32({1, 2, 3}, {3}), Dtype::float16);
  CHECK(softmax(h, {0}, true).dtype() == Dtype::float16);
  check_close(values(softmax(h, {0}, true)), {0.09003057, 0.24472847, 0.66524096}, 2e-3);
  CHECK_THROWS_WITH(softmax(X(), {3}), "[softmax] Invalid axis 3 for an array with 2 dimensions.");
  CHECK_THROWS_WITH(logsumexp(X(), {-3}), "[logsumexp] Invalid axis -3 for an array with 2 dimensions.");
  check_grad([](const array& x) { return wsum(logsumexp(x, {1})); }, X());
  check_grad([](const array& x) { return wsum(softmax(x, {0})); }, X());
  check_grad([](const array& x) { return wsum(log_softmax(x, {1})); }, X());
  check_jvp([](const array& x) { return softmax(x, {1}); }, X(), f64({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {3, 4}));
  check_vmap([](const array& x) { return softmax(x, {0}); }, X());
  // The single-axis kernel against the multi-axis composition, strided inputs, NaN.
  array big = reshape(arange(0, 60, 1, Dtype::float64), {3, 4, 5});
  array ref = softmax(big, {2, 0});  // composition
  array e = exp(subtract(big, max(big, {0, 2}, true)));
  check_close(values(ref), values(divide(e, sum(e, {0, 2}, true))));
  array t = transpose(big, {2, 1, 0});
  array se = exp(subtract(t, max(t, {1}, true)));
  check_close(values(softmax(t, {1})), values(divide(se, sum(se, {1}, true))));
  auto nan_row = values(softmax(f64({1, kNaN, 2}, {3}), {0}));
  for (double v : nan_row) CHECK(std::isnan(v));
  check_grad([](const array& x) { return wsum(softmax(x, {0, 1})); }, X());
}

TEST_CASE("floor_divide, remainder: Python semantics") {
  array a = i32({7, -7, 7, -7, 0, 5}, {6}), b = i32({2, 2, -2, -2, 3, -3}, {6});
  CHECK(values(floor_divide(a, b)) == std::vector<double>{3, -4, -4, 3, 0, -2});
  CHECK(values(remainder(a, b)) == std::vector<double>{1, 1, -1, -1, 0, -1});
  CHECK(floor_divide(a, b).dtype() == Dtype::int32);
  array af = f64({7.5, -7.5, 7.5, -7.5, 0, 5}, {6}), bf = f64({2, 2, -2, -2, 3, -3}, {6});
  check_close(values(floor_divide(af, bf)), {3.0, -4.0, -4.0, 3.0, 0.0, -2.0});
  check_close(values(remainder(af, bf)), {1.5, 0.5, -0.5, -1.5, 0.0, -1.0});
  // Division by zero: integers give 0 (no trap), floats follow IEEE.
  CHECK(values(floor_divide(i32({5}, {1}), i32({0}, {1})))[0] == 0);
  CHECK(values(remainder(i32({5}, {1}), i32({0}, {1})))[0] == 0);
  CHECK(std::isnan(values(remainder(f64({5}, {1}), f64({0}, {1})))[0]));
  CHECK(values(floor_divide(make<uint8_t>({200}, {1}), make<uint8_t>({7}, {1})))[0] == 28);
  CHECK_THROWS_WITH(remainder(f64({1, 2}, {2}), f64({1, 2, 3}, {3})), "[remainder] Shapes (2) and (3) cannot be broadcast.");
  auto g = [](const array& x) { return wsum(remainder(x, array::scalar(1.3, Dtype::float64))); };
  check_grad(g, X());
  check_grad([](const array& x) { return wsum(remainder(array::scalar(10.0, Dtype::float64), add(abs(x), array::scalar(0.5, Dtype::float64)))); },
             f64({1.1, 2.2, 3.7}, {3}));
}

TEST_CASE("power, arctan2, logaddexp") {
  CHECK(values(power(i32({2, 3, -2, 5, 1, -1}, {6}), i32({10, 3, 3, 0, -4, -3}, {6}))) ==
        std::vector<double>{1024, 27, -8, 1, 1, -1});
  CHECK(values(power(i32({2}, {1}), i32({-1}, {1})))[0] == 0);
  check_close(values(power(f64({2, 9, 0.5}, {3}), f64({0.5, 0.5, -2}, {3}))), {std::sqrt(2.0), 3, 4});
  check_close(values(arctan2(f64({1.0, -1.0, 0.5, -2.0}, {4}), f64({2.0, -3.0, -1.0, 0.0}, {4}))),
              {0.4636476090008061, -2.819842099193151, 2.677945044588987, -1.5707963267948966});
  CHECK(arctan2(i32({1}, {1}), i32({1}, {1})).dtype() == Dtype::float32);
  check_close(values(logaddexp(f64({1.0, -1000.0, 50.0, -kInf, kInf}, {5}), f64({2.0, -1000.0, -50.0, -kInf, 3}, {5}))),
              {2.313261687518223, -999.3068528194401, 50.0, -kInf, kInf});
  array p = f64({0.7, 1.3, 2.1}, {3});
  check_grad([](const array& x) { return wsum(power(x, array::scalar(2.5, Dtype::float64))); }, p);
  check_grad([](const array& x) { return wsum(power(array::scalar(1.7, Dtype::float64), x)); }, p);
  check_grad([](const array& x) { return wsum(arctan2(x, array::scalar(-0.4, Dtype::float64))); }, p);
  check_grad([](const array& x) { return wsum(arctan2(array::scalar(0.9, Dtype::float64), x)); }, p);
  check_grad([](const array& x) { return wsum(logaddexp(x, subtract(array::scalar(0.5, Dtype::float64), x))); }, X());
  check_jvp([](const array& x) { return power(x, x); }, p, f64({1, -2, 0.5}, {3}));
  check_jvp([](const array& x) { return arctan2(x, square(x)); }, p, f64({1, -2, 0.5}, {3}));
  check_vmap([](const array& x) { return power(abs(x), f64({1, 2, 0.5, 3}, {4})); }, X());
  check_vmap([](const array& x) { return arctan2(x, f64({1, 2, -0.5, 3}, {4})); }, X());
  check_vmap([](const array& x) { return floor_divide(x, f64({1, 2, -0.5, 3}, {4})); }, X());
}

TEST_CASE("logical ops, clip, isclose, allclose, array_equal") {
  array a = make<bool>({true, true, false, false}, {4}), b = make<bool>({true, false, true, false}, {4});
  CHECK(values(logical_and(a, b)) == std::vector<double>{1, 0, 0, 0});
  CHECK(values(logical_or(a, b)) == std::vector<double>{1, 1, 1, 0});
  CHECK(logical_or(f32({0, 2}, {2}), f32({0, 0}, {2})).dtype() == Dtype::bool_);
  CHECK(values(logical_or(f32({0, 2}, {2}), f32({0, 0}, {2}))) == std::vector<double>{0, 1});
  CHECK_THROWS_WITH(logical_and(a, make<bool>({true}, {1, 1, 3})), doctest::Contains("[logical_and]"));

  array x = f64({-3, -1, 0, 2, 5}, {5});
  CHECK(values(clip(x, array::scalar(-1, Dtype::float64), array::scalar(2, Dtype::float64))) ==
        std::vector<double>{-1, -1, 0, 2, 2});
  CHECK(values(clip(x, std::nullopt, array::scalar(0, Dtype::float64))) == std::vector<double>{-3, -1, 0, 0, 0});
  CHECK(values(clip(x, array::scalar(1, Dtype::float64), std::nullopt)) == std::vector<double>{1, 1, 1, 2, 5});
  CHECK_THROWS_WITH(clip(x, std::nullopt, std::nullopt), "[clip] At most one of a_min and a_max may be None.");

  array p = f64({1, 1, kInf, kInf, kNaN, 1e10}, {6}), q = f64({1 + 1e-6, 1.1, kInf, -kInf, kNaN, 1.00001e10}, {6});
  CHECK(values(isclose(p, q)) == std::vector<double>{1, 0, 1, 0, 0, 1});
  CHECK(values(isclose(p, q, 1e-5, 1e-8, true)) == std::vector<double>{1, 0, 1, 0, 1, 1});
  CHECK(values(isclose(p, q, 0.2)) == std::vector<double>{1, 1, 1, 0, 0, 1});
  CHECK(values(allclose(f64({1, 2}, {2}), f64({1, 2 + 1e-9}, {2})))[0] == 1);
  CHECK(values(allclose(f64({1, 2}, {2}), f64({1, 2.1}, {2})))[0] == 0);
  CHECK(allclose(f64({1, 2}, {2}), f64({1, 2}, {2})).shape() == Shape{});
  CHECK_THROWS_WITH(isclose(f64({1, 2}, {2}), f64({1, 2, 3}, {3})), "[isclose] Shapes (2) and (3) cannot be broadcast.");

  CHECK(values(array_equal(i32({1, 2}, {2}), f32({1, 2}, {2})))[0] == 1);
  CHECK(values(array_equal(i32({1, 2}, {2}), i32({1, 2}, {1, 2})))[0] == 0);
  CHECK(values(array_equal(f64({1, kNaN}, {2}), f64({1, kNaN}, {2})))[0] == 0);
  CHECK(values(array_equal(f64({1, kNaN}, {2}), f64({1, kNaN}, {2}), true))[0] == 1);
  CHECK(array_equal(f64({1}, {1}), f64({1}, {1})).dtype() == Dtype::bool_);
}

TEST_CASE("scans against numpy") {
  check_close(values(cumsum(X(), 1)), {1.5, -0.5, 2.75, 3.25, 4.0, 8.0, 7.0, 9.5, 0.1, -0.6, 8.4, 5.1000000000000005});
  check_close(values(cumprod(X(), 0)), {1.5, -2.0, 3.25, 0.5, 6.0, -8.0, -3.25, 1.25, 0.6000000000000001, 5.6, -29.25, -4.125});
  check_close(values(cummax(X(), 1)), {1.5, 1.5, 3.25, 3.25, 4.0, 4.0, 4.0, 4.0, 0.1, 0.1, 9.0, 9.0});
  check_close(values(cummin(X(), 1, true)), {-2.0, -2.0, 0.5, 0.5, -1.0, -1.0, -1.0, 2.5, -3.3, -3.3, -3.3, -3.3});
  // Exclusive and reverse, by hand.
  CHECK(values(cumsum(i32({1, 2, 3, 4}, {4}), 0, false, false)) == std::vector<double>{0, 1, 3, 6});
  CHECK(values(cumsum(i32({1, 2, 3, 4}, {4}), 0, true, false)) == std::vector<double>{9, 7, 4, 0});
  CHECK(values(cumsum(i32({1, 2, 3, 4}, {4}), 0, true, true)) == std::vector<double>{10, 9, 7, 4});
  CHECK(values(cumprod(i32({1, 2, 3, 4}, {4}), 0, false, false)) == std::vector<double>{1, 1, 2, 6});
  // Flattened (axis absent), dtypes.
  CHECK(values(cumsum(i32({1, 2, 3, 4}, {2, 2}), std::nullopt)) == std::vector<double>{1, 3, 6, 10});
  CHECK(cumsum(make<bool>({true, true}, {2}), 0).dtype() == Dtype::int32);
  CHECK(values(cumsum(make<bool>({true, true}, {2}), 0)) == std::vector<double>{1, 2});
  CHECK(cummax(make<bool>({false, true}, {2}), 0).dtype() == Dtype::bool_);
  CHECK(values(cummax(f64({1, kNaN, 3}, {3}), 0))[2] != values(cummax(f64({1, kNaN, 3}, {3}), 0))[2]);
  // Strided input.
  check_close(values(cumsum(transpose(X()), 0)), values(transpose(cumsum(X(), 1))));
  CHECK_THROWS_WITH(cumsum(X(), 2), "[cumsum] Invalid axis 2 for an array with 2 dimensions.");
  CHECK_THROWS_WITH(cumprod(array::scalar(1, Dtype::float32), 0), doctest::Contains("[cumprod]"));
}

TEST_CASE("scan gradients") {
  for (bool rev : {false, true})
    for (bool inc : {false, true}) {
      CAPTURE(rev);
      CAPTURE(inc);
      check_grad([=](const array& x) { return wsum(cumsum(x, 1, rev, inc)); }, X());
      check_grad([=](const array& x) { return wsum(cumprod(x, 0, rev, inc)); }, X());
      check_grad([=](const array& x) { return wsum(cummax(x, 1, rev, inc)); }, XG());
      check_grad([=](const array& x) { return wsum(cummin(x, 0, rev, inc)); }, XG());
      array t = f64({1, -2, 3, 0.5, 1, 2, -1, 0.3, 0.2, 4, -1, 1}, {3, 4});
      check_jvp([=](const array& x) { return cumprod(x, 1, rev, inc); }, X(), t);
      check_jvp([=](const array& x) { return where(isinf(stop_gradient(cummax(x, 1, rev, inc))), zeros({3, 4}, Dtype::float64), cummax(x, 1, rev, inc)); }, XG(), t);
      check_vmap([=](const array& x) { return cummin(x, 0, rev, inc); }, X());
    }
}

TEST_CASE("sort, argsort, topk") {
  check_close(values(sort(X(), 0)), {0.1, -2.0, -1.0, -3.3, 1.5, -0.7, 3.25, 0.5, 4.0, 4.0, 9.0, 2.5});
  CHECK(values(argsort(X(), 1)) == std::vector<double>{1, 3, 0, 2, 2, 3, 0, 1, 3, 1, 0, 2});
  CHECK(argsort(X()).dtype() == Dtype::uint32);
  check_close(values(sort(f64({3, kNaN, 1, -kInf}, {4}))), {-kInf, 1, 3, kNaN});
  CHECK(values(sort(i32({3, 1, 2, 4}, {2, 2}), std::nullopt)) == std::vector<double>{1, 2, 3, 4});
  CHECK(values(topk(i32({5, 1, 9, 3, 7}, {5}), 2)) == std::vector<double>{7, 9});
  CHECK(topk(X(), 3, 1).shape() == Shape{3, 3});
  CHECK(values(topk(X(), 1, 0)) == std::vector<double>{4.0, 4.0, 9.0, 2.5});
  CHECK_THROWS_WITH(topk(X(), 5, 1), "[topk] Received invalid k=5 along axis 1 for array with shape (3,4).");
  CHECK_THROWS_WITH(sort(X(), -3), "[sort] Invalid axis -3 for an array with 2 dimensions.");
  check_grad([](const array& x) { return wsum(sort(x, 1)); }, XG());
  check_grad([](const array& x) { return wsum(topk(x, 2, 0)); }, XG());
  check_jvp([](const array& x) { return sort(x, 0); }, XG(), f64({1, -2, 3, 0.5, 1, 2, -1, 0.3, 0.2, 4, -1, 1}, {3, 4}));
  check_vmap([](const array& x) { return sort(x, 0); }, X());
  check_vmap([](const array& x) { return argsort(x, -1); }, transpose(X()));
}

// ---- the one-pass row kernels (kernels/rows.h) against float64 references ----

namespace {

// float64 references, by the definitions the composed ops give: a NaN max
// (any NaN) makes the row NaN; an infinite max is the logsumexp.
double ref_max(const std::vector<double>& r) {
  double m = r[0];
  for (double v : r) m = (m != m || m > v) ? m : v;
  return m;
}
double ref_lse(const std::vector<double>& r) {
  double m = ref_max(r);
  if (!std::isfinite(m)) return m;
  double s = 0;
  for (double v : r) s += std::exp(v - m);
  return m + std::log(s);
}
std::vector<double> ref_softmax(const std::vector<double>& r) {
  double m = ref_max(r), s = 0;
  std::vector<double> e;
  for (double v : r) s += e.emplace_back(std::exp(v - m));
  for (double& v : e) v /= s;
  return e;
}
std::vector<double> ref_log_softmax(const std::vector<double>& r) {
  double l = ref_lse(r);
  std::vector<double> y;
  for (double v : r) y.push_back(v - l);
  return y;
}

double scale_of(const std::vector<double>& r) {
  double m = 0;
  for (double v : r) m = std::isfinite(v) ? std::max(m, std::abs(v)) : m;
  return m;
}

// Rows of a row-major [rows, n] value list.
std::vector<std::vector<double>> split_rows(const std::vector<double>& v, int64_t n) {
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i < v.size(); i += size_t(n)) out.emplace_back(v.begin() + i, v.begin() + i + n);
  return out;
}

// Checks op(x) along the last axis of [rows, n] values against ref, row by row.
// Softmax values (at most 1) are compared absolutely, the log outputs relative
// to their magnitude plus the row's largest finite input.
void check_rows(const std::vector<double>& got, const std::vector<double>& x, int64_t n, const char* what,
                double tol) {
  auto xr = split_rows(x, n);
  auto gr = split_rows(got, got.size() == xr.size() ? 1 : n);
  REQUIRE(gr.size() == xr.size());
  for (size_t r = 0; r < xr.size(); ++r) {
    std::vector<double> want;
    std::string w = what;
    if (w == "softmax") want = ref_softmax(xr[r]);
    else if (w == "log_softmax") want = ref_log_softmax(xr[r]);
    else want = {ref_lse(xr[r])};
    for (size_t i = 0; i < want.size(); ++i) {
      INFO(what, " row ", r, " element ", i, " n ", n);
      if (std::isnan(want[i])) CHECK(std::isnan(gr[r][i]));
      else if (std::isinf(want[i])) CHECK(gr[r][i] == want[i]);
      // x - lse cancels: its rounding scales with the inputs' magnitude.
      else CHECK(std::abs(gr[r][i] - want[i]) <= tol * (1 + std::abs(want[i]) + (w == "softmax" ? 0 : scale_of(xr[r]))));
    }
  }
}

// Deterministic test rows: large magnitudes, ties and a spread of scales.
std::vector<float> row_data(int64_t count, unsigned seed, float scale) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(count));
  for (auto& e : v) e = u(g) * scale;
  return v;
}

}  // namespace

TEST_CASE("row kernels: float32 rows of every length against float64") {
  // Lengths around the 4- and 8-wide SIMD steps and the 256-element stack buffer.
  for (int64_t n : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 255, 256, 257, 1000}) {
    for (float scale : {1.0f, 30.0f, 1e4f}) {
      auto v = row_data(3 * n, unsigned(n * 7 + int(scale)), scale);
      std::vector<double> x(v.begin(), v.end());
      array a = f32(v, {3, n});
      check_rows(values(softmax(a, {1})), x, n, "softmax", 2e-6);
      check_rows(values(log_softmax(a, {1})), x, n, "log_softmax", 2e-6);
      check_rows(values(logsumexp(a, {1})), x, n, "logsumexp", 2e-6);
      // float64 takes the scalar path: tight.
      array d = astype(a, Dtype::float64);
      check_rows(values(softmax(d, {1})), x, n, "softmax", 1e-13);
      check_rows(values(log_softmax(d, {1})), x, n, "log_softmax", 1e-13);
      check_rows(values(logsumexp(d, {1})), x, n, "logsumexp", 1e-13);
    }
  }
}

TEST_CASE("row kernels: infinities and NaN give the composed results") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  // 37 wide: the SIMD max loads 16, loops over 16 more, and 5 go through its
  // tail, so special values are placed in each part. Each row: (position, value) pairs
  // over a finite base row; -2 at position fills the row.
  const int64_t W = 37;
  const std::vector<std::vector<std::pair<int, float>>> specials = {
      {{-2, -inf}},                         // all -inf: softmax NaN, logsumexp -inf
      {{1, -inf}, {20, -inf}, {34, -inf}},  // some -inf: exact zeros / -inf
      {{2, inf}},                           // +inf in the body: logsumexp inf
      {{35, inf}},                          // +inf in the tail
      {{36, nan}},                          // NaN in the tail
      {{3, nan}},                           // NaN in the first loads
      {{21, nan}, {7, inf}},                // NaN in the loop beside +inf: NaN wins
      {{-2, -inf}, {26, nan}},              // NaN among -inf: NaN wins
      {{0, -1e30f}, {19, 1e30f}},           // huge magnitudes
  };
  std::vector<float> v;
  for (const auto& row : specials) {
    std::vector<float> r;
    for (int64_t i = 0; i < W; ++i) r.push_back(float(i % 7) - 2.5f);
    for (auto [pos, val] : row) {
      if (pos == -2) std::fill(r.begin(), r.end(), val);
      else r[size_t(pos)] = val;
    }
    v.insert(v.end(), r.begin(), r.end());
  }
  const int64_t R = int64_t(specials.size());
  std::vector<double> x(v.begin(), v.end());
  for (Dtype t : {Dtype::float32, Dtype::float64}) {
    array a = astype(f32(v, {R, W}), t);
    check_rows(values(softmax(a, {1})), x, W, "softmax", 2e-6);
    check_rows(values(log_softmax(a, {1})), x, W, "log_softmax", 2e-6);
    check_rows(values(logsumexp(a, {1})), x, W, "logsumexp", 2e-6);
  }
  // Spot values, so the reference itself is pinned.
  auto s = values(softmax(f32(v, {R, W}), {1}));
  CHECK(std::isnan(s[0]));
  CHECK(s[W + 1] == 0.0);
  auto l = values(logsumexp(f32(v, {R, W}), {1}));
  CHECK(l[0] == -kInf);
  CHECK(l[2] == kInf);
  CHECK(l[3] == kInf);
  for (int r : {4, 5, 6, 7}) CHECK(std::isnan(l[size_t(r)]));
  CHECK(l[8] == doctest::Approx(1e30));
}

TEST_CASE("row kernels: strided, batched and half inputs") {
  const int64_t n = 37;
  auto v = row_data(4 * 3 * n, 11u, 8.0f);
  std::vector<double> x(v.begin(), v.end());
  array a = f32(v, {4, 3, n});
  // The same rows reached through a transpose: the reduced axis has stride != 1.
  array at = transpose(a, {2, 0, 1});  // [n, 4, 3], rows along axis 0
  check_rows(values(transpose(softmax(at, {0}), {1, 2, 0})), x, n, "softmax", 2e-6);
  check_rows(values(transpose(log_softmax(at, {0}), {1, 2, 0})), x, n, "log_softmax", 2e-6);
  check_rows(values(logsumexp(at, {0})), x, n, "logsumexp", 2e-6);
  // Every second row through a strided slice: a batch stride that skips rows.
  array sl = slice(reshape(a, {12, n}), {{0, 12, 2}, {0, n, 1}});
  std::vector<double> xs;
  for (int r = 0; r < 12; r += 2) xs.insert(xs.end(), x.begin() + r * n, x.begin() + (r + 1) * n);
  check_rows(values(softmax(sl, {1})), xs, n, "softmax", 2e-6);
  check_rows(values(logsumexp(sl, {1})), xs, n, "logsumexp", 2e-6);
  // Half types compute in float32 and round once: within a half ulp or so.
  for (Dtype t : {Dtype::float16, Dtype::bfloat16}) {
    array h = astype(a, t);
    std::vector<double> xh = values(h);  // the rounded inputs are the reference's inputs
    const double tol = t == Dtype::float16 ? 1e-3 : 8e-3;
    CHECK(softmax(h, {2}).dtype() == t);
    CHECK(logsumexp(h, {2}).dtype() == t);
    check_rows(values(softmax(h, {2})), xh, n, "softmax", tol);
    check_rows(values(log_softmax(h, {2})), xh, n, "log_softmax", tol);
    check_rows(values(logsumexp(h, {2})), xh, n, "logsumexp", tol);
    check_rows(values(transpose(softmax(transpose(h, {2, 0, 1}), {0}), {1, 2, 0})), xh, n, "softmax", tol);
  }
  // Many rows, so that the threaded driver splits them (where threads exist).
  auto w = row_data(2000 * 50, 5u, 20.0f);
  std::vector<double> xw(w.begin(), w.end());
  check_rows(values(softmax(f32(w, {2000, 50}), {1})), xw, 50, "softmax", 2e-6);
  // logsumexp over every axis runs as one flattened row.
  check_close(values(logsumexp(a, {0, 1, 2})), {ref_lse(x)}, 2e-6);
  CHECK(logsumexp(a, {0, 1, 2}, true).shape() == Shape{1, 1, 1});
}

TEST_CASE("row kernels: gradients, jvp and vmap of the primitives") {
  check_grad([](const array& x) { return wsum(log_softmax(x, {0})); }, X());
  check_grad([](const array& x) { return wsum(logsumexp(x, {0}, true)); }, X());
  check_grad([](const array& x) { return wsum(logsumexp(x, {0, 1})); }, X());
  check_grad([](const array& x) { return wsum(softmax(x, {1})); }, X());
  const array t = f64({1, -2, 3, 4, 0.5, 6, -7, 8, 9, 1, 11, 2}, {3, 4});
  check_jvp([](const array& x) { return log_softmax(x, {1}); }, X(), t);
  check_jvp([](const array& x) { return log_softmax(x, {0}); }, X(), t);
  check_jvp([](const array& x) { return logsumexp(x, {1}); }, X(), t);
  check_jvp([](const array& x) { return logsumexp(x, {0}, true); }, X(), t);
  check_vmap([](const array& x) { return log_softmax(x, {0}); }, X());
  check_vmap([](const array& x) { return logsumexp(x, {0}); }, X());
  check_vmap([](const array& x) { return logsumexp(x, {0}, true); }, transpose(X(), {1, 0}));
  // Second order through the rules (the vjp of a vjp).
  auto g = [](const std::vector<array>& in) {
    auto [v, gr] = value_and_grad([](const std::vector<array>& a) { return std::vector<array>{sum(logsumexp(a[0], {1}))}; },
                                  in, {0});
    return std::vector<array>{wsum(gr[0])};
  };
  auto [v2, g2] = value_and_grad(g, {X()}, {0});
  // d/dx of sum(w * softmax(x)) along rows, by the softmax vjp in float64.
  array want = softmax(X(), {1});
  array w = multiply(reshape(arange(1, 13, 1, Dtype::float64), {3, 4}), array::scalar(0.37, Dtype::float64));
  array want_g = multiply(want, subtract(w, sum(multiply(w, want), {1}, true)));
  check_close(values(g2[0]), values(want_g), 1e-10);
}

TEST_CASE("row kernels: exp over x <= 0 against std::exp") {
  // Every 997th float from 0 down to -87 (through the bits), and the edges.
  double worst = 0;
  const float lo = -87.0f;
  uint32_t b0, b1;
  float zero = 0.0f;
  std::memcpy(&b0, &zero, 4);
  std::memcpy(&b1, &lo, 4);
  b0 = 0x80000000u;  // -0.0; negative floats grow in magnitude with their bits
  std::vector<float> xs;
  for (uint64_t b = b0; b <= b1; b += 997) {
    float x;
    uint32_t bb = uint32_t(b);
    std::memcpy(&x, &bb, 4);
    xs.push_back(x);
  }
  xs.push_back(lo);
  while (xs.size() % 4) xs.push_back(0.0f);  // whole vectors, so lo is checked
  for (size_t i = 0; i + 4 <= xs.size(); i += 4) {
    simd::f32x4 v = rows::vexp_nonpos(simd::load(&xs[i]));
    for (int k = 0; k < 4; ++k) {
      double want = std::exp(double(xs[i + k]));
      worst = std::max(worst, std::abs(double(v[k]) - want) / want);
    }
  }
  MESSAGE("vexp_nonpos max relative error ", worst);
  CHECK(worst < 4e-7);  // about 3 ulp
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  simd::f32x4 e = rows::vexp_nonpos(simd::f32x4{0.0f, -inf, nan, -87.5f});
  CHECK(e[0] == 1.0f);
  CHECK(e[1] == 0.0f);
  CHECK(std::isnan(e[2]));
  CHECK(e[3] == 0.0f);  // below the cutoff: flushed, not a wrong power of two
}

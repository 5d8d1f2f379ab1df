// Graph-level transforms: vjp/jvp/value_and_grad against finite differences
// and hand derivatives, composition, and deep graphs.
#include <doctest/doctest.h>

#include <random>

#include "ops.h"
#include "reduce_ops.h"
#include "tests/helpers.h"

using namespace wmx;
using wmx::test::make;
using wmx::test::values;

namespace {

array f64(const std::vector<double>& v, Shape s) { return make<double>(v, std::move(s)); }

std::vector<double> randn(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> N(0, 1);
  std::vector<double> v(n);
  for (auto& x : v) x = N(rng);
  return v;
}

// Central finite differences of a scalar function of one float64 array.
std::vector<double> numeric_grad(const std::function<array(const array&)>& f, const std::vector<double>& x0,
                                 const Shape& shape, double h = 1e-6) {
  std::vector<double> g(x0.size());
  for (size_t i = 0; i < x0.size(); ++i) {
    auto xp = x0, xm = x0;
    xp[i] += h;
    xm[i] -= h;
    g[i] = (values(f(f64(xp, shape)))[0] - values(f(f64(xm, shape)))[0]) / (2 * h);
  }
  return g;
}

void check_grad(const std::function<array(const array&)>& f, const Shape& shape, unsigned seed) {
  auto x0 = randn(size_t(shape_size(shape)), seed);
  auto [outs, grads] = value_and_grad([&](const std::vector<array>& in) { return std::vector<array>{f(in[0])}; },
                                      {f64(x0, shape)}, {0});
  auto got = values(grads[0]);
  auto want = numeric_grad(f, x0, shape);
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(1e-5));
}

}  // namespace

TEST_CASE("value_and_grad matches finite differences for the core ops") {
  array W = f64(randn(12, 1), {3, 4});
  array b = f64(randn(4, 2), {4});
  check_grad([&](const array& x) { return sum(multiply(add(matmul(x, W), b), matmul(x, W))); }, {2, 3}, 3);
  check_grad([&](const array& x) { return sum(divide(x, add(multiply(x, x), f64({1}, {})))); }, {5}, 4);
  check_grad([&](const array& x) { return sum(subtract(maximum(x, f64({0}, {})), minimum(x, transpose(x)))); },
             {3, 3}, 5);
  check_grad([&](const array& x) { return sum(max(x, {1})); }, {3, 4}, 6);
  check_grad([&](const array& x) { return sum(multiply(prod(x, {0}), f64({1, 2, 3}, {3}))); }, {2, 3}, 7);
  check_grad([&](const array& x) { return mean(reshape(transpose(x), {6}), {0}); }, {2, 3}, 8);
  check_grad([&](const array& x) { return sum(multiply(broadcast_to(x, {4, 2, 3}), f64(randn(24, 9), {4, 2, 3}))); },
             {2, 3}, 10);
}

TEST_CASE("gradients flow through astype and keep the primal's dtype") {
  Fn f = [](const std::vector<array>& in) { return std::vector<array>{sum(astype(multiply(in[0], in[0]), Dtype::float32))}; };
  auto [outs, grads] = value_and_grad(f, {f64({1.5, -2}, {2})}, {0});
  CHECK(grads[0].dtype() == Dtype::float64);
  CHECK(values(grads[0]) == std::vector<double>{3, -4});
}

TEST_CASE("jvp and vjp satisfy the adjoint identity <w, J v> = <J^T w, v>") {
  array W = f64(randn(12, 3), {4, 3});
  Fn f = [&](const std::vector<array>& in) {
    return std::vector<array>{matmul(multiply(in[0], in[0]), W), sum(in[0], {0})};
  };
  array x = f64(randn(8, 1), {2, 4});
  array v = f64(randn(8, 2), {2, 4});
  array w0 = f64(randn(6, 4), {2, 3});
  array w1 = f64(randn(4, 5), {4});
  auto [o1, jv] = jvp(f, {x}, {v});
  auto [o2, jtw] = vjp(f, {x}, {w0, w1});
  double lhs = values(sum(multiply(w0, jv[0])))[0] + values(sum(multiply(w1, jv[1])))[0];
  double rhs = values(sum(multiply(jtw[0], v)))[0];
  CHECK(lhs == doctest::Approx(rhs).epsilon(1e-10));
}

TEST_CASE("grad of grad of x^3 is 6x (third order composes too)") {
  Fn cube = [](const std::vector<array>& in) { return std::vector<array>{sum(multiply(multiply(in[0], in[0]), in[0]))}; };
  Fn d1 = [&](const std::vector<array>& in) { return std::vector<array>{sum(value_and_grad(cube, in, {0}).second[0])}; };
  Fn d2 = [&](const std::vector<array>& in) { return std::vector<array>{sum(value_and_grad(d1, in, {0}).second[0])}; };
  array x = f64({0.5, 2.0}, {2});
  CHECK(values(value_and_grad(cube, {x}, {0}).second[0]) == std::vector<double>{0.75, 12.0});
  CHECK(values(value_and_grad(d1, {x}, {0}).second[0]) == std::vector<double>{3.0, 12.0});
  CHECK(values(value_and_grad(d2, {x}, {0}).second[0]) == std::vector<double>{6.0, 6.0});
}

TEST_CASE("aux outputs, constants and evaluating inside the traced function") {
  array c = f64({3}, {});
  auto [outs, grads] = value_and_grad(
      [&](const std::vector<array>& in) {
        array y = multiply(in[0], in[1]);
        eval(y);  // an intermediate evaluated mid-trace keeps its graph
        return std::vector<array>{sum(multiply(y, c)), y};
      },
      {f64({1, 2}, {2}), f64({5, 7}, {2})}, {1});
  CHECK(values(outs[0])[0] == 57);
  CHECK(values(outs[1]) == std::vector<double>{5, 14});
  CHECK(values(grads[0]) == std::vector<double>{3, 6});
}

TEST_CASE("transform errors are tagged") {
  Fn vec = [](const std::vector<array>& in) { return std::vector<array>{multiply(in[0], in[0])}; };
  CHECK_THROWS_WITH(value_and_grad(vec, {f64({1, 2}, {2})}, {0}, "grad"),
                    "[grad] The function must return a scalar as its first output, got an array of shape (2).");
  CHECK_THROWS_WITH(vjp(vec, {f64({1, 2}, {2})}, {f64({1}, {1})}),
                    doctest::Contains("[vjp] Cotangent 0 has shape (1)"));
  CHECK_THROWS_WITH(jvp(vec, {f64({1, 2}, {2})}, {}), "[jvp] Expected 1 tangents (one per primal), got 0.");
}

TEST_CASE("a 100k-op chain differentiates without exhausting the stack") {
  Fn chain = [](const std::vector<array>& in) {
    array x = in[0];
    array half = f64({0.5}, {});
    for (int i = 0; i < 100000; ++i) x = add(multiply(x, half), half);
    return std::vector<array>{sum(x)};
  };
  auto [outs, grads] = value_and_grad(chain, {f64({1.0}, {1})}, {0});
  CHECK(values(outs[0])[0] == doctest::Approx(1.0));
  CHECK(values(grads[0])[0] == 0.0);  // 0.5^100000 underflows to exactly 0
}

TEST_CASE("custom_function checks the shapes its jvp and vmap rules return") {
  array x = f64({1, 2, 3, 4, 5, 6}, {2, 3});
  Fn twice = [](const std::vector<array>& in) { return std::vector<array>{multiply(in[0], f64({2}, {}))}; };
  auto with = [&](CustomRules rules) {
    return [twice, rules](const std::vector<array>& in) { return custom_function(twice, in, rules, "cf"); };
  };
  // A good vmap rule: batched along axis 1 of its (3, batch) output.
  VmapFn good = [](const std::vector<array>& in, const std::vector<int>& ax) {
    return std::pair{std::vector<array>{transpose(multiply(in[0], f64({3}, {})))}, std::vector<int>{1}};
  };
  auto out = vmap(with({nullptr, nullptr, good}), {x}, {0}, {0});
  CHECK(values(out[0]) == std::vector<double>{3, 6, 9, 12, 15, 18});

  auto rule_returning = [](array a, int axis) -> VmapFn {
    return [a, axis](const std::vector<array>&, const std::vector<int>&) {
      return std::pair{std::vector<array>{a}, std::vector<int>{axis}};
    };
  };
  CHECK_THROWS_WITH(vmap(with({nullptr, nullptr, rule_returning(f64({0, 0, 0}, {3}), 0)}), {x}, {0}, {0}),
                    "[cf] The vmap rule's output 0 has size 3 along its axis 0 but the batch size is 2.");
  CHECK_THROWS_WITH(vmap(with({nullptr, nullptr, rule_returning(f64({0, 0, 0, 0}, {2, 2}), 0)}), {x}, {0}, {0}),
                    "[cf] The vmap rule returned output 0 of shape (2,2) with axis 0 but one example of it has shape (3).");
  CHECK_THROWS_WITH(vmap(with({nullptr, nullptr, rule_returning(f64({0, 0}, {2}), 1)}), {x}, {0}, {0}),
                    "[cf] The vmap rule's output axis 1 is out of range for its output 0 of shape (2).");

  Fn bad_jvp = [](const std::vector<array>&) { return std::vector<array>{f64({1}, {1})}; };
  CHECK_THROWS_WITH(jvp(with({nullptr, bad_jvp, nullptr}), {x}, {x}),
                    "[cf] The jvp rule returned a tangent of shape (1) for output 0 of shape (2,3).");
  // The module stays usable after the errors.
  CHECK(values(jvp(with({}), {x}, {x}).second[0])[5] == 12);
}

TEST_CASE("prod's derivatives need no division: zeros in the input are fine") {
  // d/dx_i prod(x) = product of the others: (0, 2*3, 0*3, 0*2) for x = (2, 0, 3) row-wise
  array x = f64({2, 0, 3, 1, 4, 5}, {2, 3});
  auto [outs, grads] =
      vjp([](const std::vector<array>& in) { return std::vector<array>{prod(in[0], {1})}; }, {x}, {f64({1, 1}, {2})});
  CHECK(values(grads[0]) == std::vector<double>{0, 6, 0, 20, 5, 4});
  auto [o2, tans] = jvp([](const std::vector<array>& in) { return std::vector<array>{prod(in[0], {0, 1})}; }, {x},
                        {f64({0, 1, 0, 0, 0, 0}, {2, 3})});
  CHECK(values(tans[0]) == std::vector<double>{2 * 3 * 1 * 4 * 5});
}

TEST_CASE("casts to bool pass no derivative") {
  array x = f64({-1, 0.5, 2}, {3});
  Fn f = [](const std::vector<array>& in) {
    return std::vector<array>{sum(astype(astype(in[0], Dtype::bool_), Dtype::float64), {0})};
  };
  CHECK(values(vjp(f, {x}, {f64({1}, {})}).second[0]) == std::vector<double>{0, 0, 0});
  CHECK(values(jvp(f, {x}, {f64({1, 1, 1}, {3})}).second[0]) == std::vector<double>{0});
}

TEST_CASE("custom_function under vmap keeps its vjp rule for a grad outside the vmap") {
  // f(x) = sum(x^2) with a rule that answers 10 x c instead of 2 x c.
  Fn f = [](const std::vector<array>& in) { return std::vector<array>{sum(multiply(in[0], in[0]))}; };
  Fn rule = [](const std::vector<array>& a) { return std::vector<array>{multiply(multiply(a[0], a[1]), f64({10}, {}))}; };
  Fn custom = [&](const std::vector<array>& in) { return custom_function(f, in, {rule, nullptr, nullptr}, "cf"); };
  array X = f64({1, 2, 3, 4}, {2, 2});
  auto [outs, grads] = value_and_grad(
      [&](const std::vector<array>& in) { return std::vector<array>{sum(vmap(custom, in, {1}, {0})[0])}; }, {X}, {0});
  CHECK(values(outs[0]) == std::vector<double>{30});
  CHECK(values(grads[0]) == std::vector<double>{10, 20, 30, 40});
}

TEST_CASE("cumprod's derivatives with zeros in the input") {
  // y = (1, 2, 0, 0) for x = (1, 2, 0, 3): dsum(y)/dx = (1 + 2, 1, 1*2 + 1*2*3, 0)
  array x = f64({1, 2, 0, 3}, {4});
  Fn f = [](const std::vector<array>& in) { return std::vector<array>{cumprod(in[0], 0)}; };
  CHECK(values(vjp(f, {x}, {f64({1, 1, 1, 1}, {4})}).second[0]) == std::vector<double>{3, 1, 8, 0});
  // tangent along x_2 only: dy = (0, 0, x0 x1, x0 x1 x3)
  CHECK(values(jvp(f, {x}, {f64({0, 0, 1, 0}, {4})}).second[0]) == std::vector<double>{0, 0, 2, 6});
}

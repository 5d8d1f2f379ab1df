// vmap against explicit loops, its errors, and composition with grad.
#include <doctest/doctest.h>

#include "error.h"
#include "ops.h"
#include "tests/helpers.h"

using namespace wmx;
using wmx::test::make;
using wmx::test::values;

namespace {
array f64(const std::vector<double>& v, Shape s) { return make<double>(v, std::move(s)); }
std::vector<double> seq(int n, double scale = 1) {
  std::vector<double> v(n);
  for (int i = 0; i < n; ++i) v[i] = (i % 7 - 3) * scale + 0.25 * i;
  return v;
}
}  // namespace

TEST_CASE("vmap over a non-leading axis matches a loop, with an unmapped input") {
  // f(x: (3,), W: (3,4)) = matmul(x, W) * 2 + sum(x); map x over axis 1 of a (3,5) array.
  auto X = seq(15), Wv = seq(12, 0.5);
  array x = f64(X, {3, 5}), W = f64(Wv, {3, 4});
  Fn f = [](const std::vector<array>& in) {
    return std::vector<array>{add(multiply(matmul(in[0], in[1]), f64({2}, {})), sum(in[0]))};
  };
  auto out = vmap(f, {x, W}, {1, kNoAxis}, {0});
  REQUIRE(out[0].shape() == Shape{5, 4});
  auto got = values(out[0]);
  for (int b = 0; b < 5; ++b) {
    double s = X[0 * 5 + b] + X[1 * 5 + b] + X[2 * 5 + b];
    for (int j = 0; j < 4; ++j) {
      double m = 0;
      for (int k = 0; k < 3; ++k) m += X[k * 5 + b] * Wv[k * 4 + j];
      CHECK(got[b * 4 + j] == doctest::Approx(2 * m + s));
    }
  }
}

TEST_CASE("vmap rules for shape ops, reductions and broadcasting") {
  auto X = seq(24);
  array x = f64(X, {2, 3, 4});  // map over axis 2 (size 4): per-example (2,3)
  Fn f = [](const std::vector<array>& in) {
    array t = transpose(in[0]);                         // (3,2)
    array r = reshape(t, {6});                          // (6,)
    array m = max(in[0], {0});                          // (3,)
    array b = broadcast_to(m, {2, 3});                  // (2,3)
    return std::vector<array>{r, subtract(in[0], b), astype(m, Dtype::float32)};
  };
  auto out = vmap(f, {x}, {2}, {0, -1, 0});
  CHECK(out[0].shape() == Shape{4, 6});
  CHECK(out[1].shape() == Shape{2, 3, 4});
  CHECK(out[2].dtype() == Dtype::float32);
  auto r = values(out[0]);
  auto d = values(out[1]);
  for (int b = 0; b < 4; ++b) {
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) {
        double v = X[(i * 3 + j) * 4 + b];
        CHECK(r[b * 6 + j * 2 + i] == v);  // transpose then flatten
        double mx = std::max(X[(0 * 3 + j) * 4 + b], X[(1 * 3 + j) * 4 + b]);
        CHECK(d[(i * 3 + j) * 4 + b] == v - mx);
      }
  }
}

TEST_CASE("outputs that don't depend on a mapped input are broadcast; errors are tagged") {
  array x = f64({1, 2, 3}, {3});
  array c = f64({7, 8}, {2});
  Fn f = [&](const std::vector<array>& in) { return std::vector<array>{multiply(in[0], in[0]), c}; };
  auto out = vmap(f, {x}, {0}, {0, 1});
  CHECK(values(out[0]) == std::vector<double>{1, 4, 9});
  CHECK(out[1].shape() == Shape{2, 3});
  CHECK(values(out[1]) == std::vector<double>{7, 7, 7, 8, 8, 8});
  CHECK_THROWS_WITH(vmap(f, {x}, {1}, {0}), "[vmap] The axis 1 is out of range for input 0 of shape (3).");
  CHECK_THROWS_WITH(vmap(f, {x}, {kNoAxis}, {0}), doctest::Contains("[vmap] At least one input must be mapped"));
  Fn two = [](const std::vector<array>& in) { return std::vector<array>{add(in[0], in[1])}; };
  CHECK_THROWS_WITH(vmap(two, {x, c}, {0, 0}, {0}), doctest::Contains("[vmap] Inconsistent sizes"));
  Fn evals = [](const std::vector<array>& in) {
    eval(in[0]);
    return std::vector<array>{in[0]};
  };
  CHECK_THROWS_WITH(vmap(evals, {x}, {0}, {0}), doctest::Contains("[vmap] Can't evaluate"));
  CHECK(values(add(x, x)) == std::vector<double>{2, 4, 6});  // still usable
}

TEST_CASE("vmap of grad and grad of vmap") {
  Fn cube = [](const std::vector<array>& in) { return std::vector<array>{sum(multiply(multiply(in[0], in[0]), in[0]))}; };
  Fn dcube = [&](const std::vector<array>& in) { return value_and_grad(cube, in, {0}).second; };
  array x = f64({1, 2, 3}, {3});
  // per-example scalars: d/dx x^3 = 3x^2
  CHECK(values(vmap(dcube, {x}, {0}, {0})[0]) == std::vector<double>{3, 12, 27});
  Fn batched_sum = [&](const std::vector<array>& in) {
    return std::vector<array>{sum(vmap(cube, in, {0}, {0})[0])};
  };
  CHECK(values(value_and_grad(batched_sum, {x}, {0}).second[0]) == std::vector<double>{3, 12, 27});
}

TEST_CASE("vmap can't add a 65th dimension") {
  // The mapped function makes a 64-dimension array from its 63-dimension
  // slice; with the batch axis the result would have 65.
  auto x = make<float>({1.0f, 2.0f}, [] { Shape s(64, 1); s[0] = 2; return s; }());
  Fn f = [](const std::vector<array>& in) { return std::vector<array>{expand_dims(in[0], {0})}; };
  CHECK_THROWS_WITH(vmap(f, {x}, {0}, {0}), doctest::Contains("The shape has 65 dimensions; at most 64 are supported."));
  Fn g = [](const std::vector<array>& in) { return std::vector<array>{sum(in[0])}; };
  CHECK(vmap(g, {x}, {0}, {0})[0].shape() == Shape{2});
}

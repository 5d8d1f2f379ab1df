// mx.linalg's factorizations natively (under the sanitizers of the native
// build): reconstruction of random, batched, tall, wide, empty and 1 x 1
// inputs through the ops layer, and the singular-matrix error. The package
// tests (test/linalg_decomp.test.ts) cover values, gradients and messages.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "linalg.h"
#include "math_ops.h"
#include "ops.h"
#include "shape_ops.h"
#include "slicing.h"
#include "tests/helpers.h"

using namespace wmx;
using wmx::test::make;
using wmx::test::values;

namespace {

array random_f64(Shape s, unsigned seed) {
  std::mt19937 g(seed);
  std::normal_distribution<double> d;
  std::vector<double> v(shape_size(s));
  for (auto& x : v) x = d(g);
  return make<double>(v, std::move(s));
}

double max_diff(const array& a, const array& b) {
  auto x = values(a), y = values(b);
  REQUIRE(x.size() == y.size());
  double e = 0;
  for (size_t i = 0; i < x.size(); ++i) e = std::max(e, std::fabs(x[i] - y[i]));
  return e;
}

array mT(const array& x) { return swapaxes(x, -1, -2); }

// The first k entries along axis (negative: from the end).
array leading(const array& x, int axis, int64_t k) {
  std::vector<SliceArg> s(x.ndim());
  s[axis + x.ndim()].stop = k;
  return slice(x, s);
}

}  // namespace

TEST_CASE("linalg factorizations reconstruct their input") {
  const std::vector<Shape> shapes = {{1, 1}, {4, 4}, {2, 5, 3}, {2, 3, 5}, {0, 3, 3}, {3, 0, 2}};
  for (const Shape& s : shapes) {
    array a = random_f64(s, unsigned(shape_size(s)) + 1);
    const int m = int(s[s.size() - 2]), n = int(s.back()), k = std::min(m, n);
    auto qr = linalg::qr(a);
    CHECK(max_diff(matmul(qr[0], qr[1]), a) < 1e-12);
    auto usv = linalg::svd(a);
    array us = matmul(multiply(leading(usv[0], -1, k), expand_dims(usv[1], {-2})), leading(usv[2], -2, k));
    CHECK(max_diff(us, a) < 1e-12);
    if (m > 0) CHECK(max_diff(matmul(mT(usv[0]), usv[0]), broadcast_to(eye(m, m, 0, Dtype::float64), usv[0].shape())) < 1e-12);
    auto plu = linalg::lu(a);
    CHECK(max_diff(take_along_axis(matmul(plu[1], plu[2]), broadcast_to(expand_dims(plu[0], {-1}), a.shape()), -2), a) < 1e-12);
    if (m == n) {
      array inv = linalg::inv(add(a, multiply(eye(n, n, 0, Dtype::float64), array::scalar(4, Dtype::float64))));
      CHECK(values(inv).size() == size_t(shape_size(s)));
      array spd = add(matmul(a, mT(a)), eye(n, n, 0, Dtype::float64));
      array l = linalg::cholesky(spd);
      CHECK(max_diff(matmul(l, mT(l)), spd) < 1e-12);
      auto wv = linalg::eigh(spd);
      CHECK(max_diff(matmul(multiply(wv[1], expand_dims(wv[0], {-2})), mT(wv[1])), spd) < 1e-11);
    }
  }
}

TEST_CASE("linalg.inv of a singular matrix throws at eval and the next op works") {
  array a = make<double>({1, 2, 2, 4}, {2, 2});
  CHECK_THROWS_WITH(values(linalg::inv(a)), doctest::Contains("[linalg.inv] The matrix is singular"));
  CHECK(values(linalg::inv(make<double>({2, 0, 0, 4}, {2, 2}))) == std::vector<double>{0.5, 0, 0, 0.25});
}

// Linear-algebra compositions and mx.fast ops: values against numpy fixtures
// (computed offline, committed as literals), gradients by finite
// differences in float64, vmap against a loop, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>

#include "error.h"
#include "fast_ops.h"
#include "linalg_ops.h"
#include "math_ops.h"
#include "ops.h"
#include "shape_ops.h"
#include "tests/helpers.h"

using namespace wmx;
using wmx::test::f32;
using wmx::test::make;
using wmx::test::values;

namespace {

std::vector<double> iota_vals(int64_t n, double scale = 1.0, double shift = 0.0) {
  std::vector<double> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = double(i) * scale + shift;
  return v;
}
array f64(const std::vector<double>& v, Shape s) { return make<double>(v, std::move(s)); }
array ar(Shape s, double scale = 1.0, double shift = 0.0) { return f64(iota_vals(shape_size(s), scale, shift), s); }
array rnd(Shape s, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<double> v(shape_size(s));
  for (auto& x : v) x = u(g);
  return f64(v, s);
}

void check_close(const std::vector<double>& got, const std::vector<double>& want, double tol = 1e-9) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(tol).scale(1.0));
}

template <typename F>
void check_throws_tag(F&& f, const std::string& tag) {
  try {
    f();
    FAIL("expected an error tagged " << tag);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).rfind("[" + tag + "]", 0) == 0);
  }
}

// Gradient of sum(f(inputs) * r) by vjp vs central differences (float64).
void check_grad(const Fn& f, std::vector<array> inputs, unsigned seed = 7) {
  array y = f(inputs)[0];
  array r = rnd(y.shape(), seed);
  auto [outs, grads] = vjp(f, inputs, {r});
  const double h = 1e-6;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::vector<double> base = values(inputs[i]);
    std::vector<double> g = values(grads[i]);
    REQUIRE(g.size() == base.size());
    for (size_t k = 0; k < base.size(); ++k) {
      auto eval_at = [&](double d) {
        std::vector<double> v = base;
        v[k] += d;
        std::vector<array> in = inputs;
        in[i] = f64(v, inputs[i].shape());
        return values(sum(multiply(f(in)[0], r)))[0];
      };
      double fd = (eval_at(h) - eval_at(-h)) / (2 * h);
      CHECK(g[k] == doctest::Approx(fd).epsilon(1e-5).scale(1.0));
    }
  }
}

}  // namespace

TEST_CASE("addmm, outer, inner and tensordot match numpy") {
  array a = f32({-2, -1, 0, 1, 2, 3}, {2, 3});
  array b = f32({0, 0.5, 1, 1.5, 2, 2.5}, {3, 2});
  array c = f32({1, 2, 3, 4}, {2, 2});
  array r = addmm(c, a, b, 2.0, 0.5);
  CHECK(r.dtype() == Dtype::float32);
  CHECK(values(r) == std::vector<double>{-1.5, -4.0, 17.5, 24.0});
  // a @ b = [[-1, -2.5], [8, 11]] by hand; c = [1, -1] broadcasts over the rows.
  CHECK(values(addmm(f32({1, -1}, {2}), a, b)) == std::vector<double>{0, -3.5, 9, 10});
  array o = outer(f32({1, 2, 3}, {3}), f32({4, 5}, {1, 2}));
  CHECK(o.shape() == Shape{3, 2});
  CHECK(values(o) == std::vector<double>{4, 5, 8, 10, 12, 15});
  array A = ar({2, 3, 4});
  CHECK(values(tensordot(A, ar({3, 4}, 1, -5), 2)) == std::vector<double>{176, 248});
  array t = tensordot(A, ar({4, 3, 2}, 0.25), {1, 2}, {1, 0});
  CHECK(t.shape() == Shape{2, 2});
  CHECK(values(t) == std::vector<double>{220, 236.5, 616, 668.5});
  CHECK(values(inner(ar({2, 3}), ar({3, 3}, 1, -4))) == std::vector<double>{-7, 2, 11, -34, 2, 38});
  CHECK(values(inner(f32({1, 2, 3}, {3}), f32({4, 5, 6}, {3}))) == std::vector<double>{32});
  // integer tensordot keeps its dtype
  array ti = tensordot(make<int32_t>({1, 2, 3, 4}, {2, 2}), make<int32_t>({1, 1, 1, 1}, {2, 2}), 1);
  CHECK(ti.dtype() == Dtype::int32);
  CHECK(values(ti) == std::vector<double>{3, 3, 7, 7});
}

TEST_CASE("einsum matches numpy: explicit, implicit, diagonals, batches, chains") {
  array M = ar({3, 3});
  CHECK(values(einsum("ii->i", {M})) == std::vector<double>{0, 4, 8});
  CHECK(values(einsum("ii", {M})) == std::vector<double>{12});
  array X = ar({2, 3, 4}), Y = ar({2, 4, 5}, 0.1);
  check_close(values(einsum("bij,bjk->bik", {X, Y})),
              {7.0, 7.6, 8.2, 8.8, 9.4, 19.0, 21.2, 23.4, 25.6, 27.8, 31.0, 34.8, 38.6, 42.4, 46.2,
               151.0, 156.4, 161.8, 167.2, 172.6, 195.0, 202.0, 209.0, 216.0, 223.0, 239.0, 247.6, 256.2, 264.8, 273.4});
  CHECK(values(einsum("ij,jk", {M, ar({3, 2})})) == std::vector<double>{10, 13, 28, 40, 46, 67});
  CHECK(values(einsum("ij,jk,k->i", {M, ar({3, 2}), f64({1, -1}, {2})})) == std::vector<double>{-3, -12, -21});
  array tr = einsum("ijk->kji", {X});
  CHECK(tr.shape() == Shape{4, 3, 2});
  CHECK(values(tr) == values(transpose(X)));
  CHECK(values(einsum("i,i", {f64({1, 2, 3}, {3}), f64({4, 5, 6}, {3})})) == std::vector<double>{32});
  CHECK(values(einsum("i,j->ij", {f64({1, 2}, {2}), f64({3, 4, 5}, {3})})) ==
        std::vector<double>{3, 4, 5, 6, 8, 10});
  CHECK(values(einsum("ij->", {M})) == std::vector<double>{36});
  CHECK(values(einsum("ij->j", {M})) == std::vector<double>{9, 12, 15});
  // ellipses broadcast (numpy values)
  CHECK(values(einsum("...ij,...jk", {ar({2, 2, 3}), ar({3, 2})})) == std::vector<double>{10, 13, 28, 40, 46, 67, 64, 94});
  CHECK(values(einsum("i...i", {ar({3, 3, 3})})) == std::vector<double>{30, 39, 48});
  CHECK(values(einsum("...i,i...->...", {ar({2, 3}), ar({3, 2})})) == std::vector<double>{10, 40});
  array eb = einsum("b...,b...->...", {ar({2, 1, 3}), ar({2, 4, 1})});
  CHECK(eb.shape() == Shape{4, 3});
  CHECK(values(eb) == std::vector<double>{12, 16, 20, 15, 21, 27, 18, 26, 34, 21, 31, 41});
  // same as matmul on random data, with a label summed before contracting
  array P = rnd({3, 4, 2}, 1), Q = rnd({4, 5}, 2);
  check_close(values(einsum("ikz,kj->ij", {P, Q})), values(matmul(sum(P, {2}), Q)));
}

TEST_CASE("einsum and tensordot gradients by finite differences") {
  check_grad([](const std::vector<array>& in) { return std::vector<array>{einsum("bij,bjk->bki", {in[0], in[1]})}; },
             {rnd({2, 3, 4}, 3), rnd({2, 4, 2}, 4)});
  check_grad([](const std::vector<array>& in) { return std::vector<array>{einsum("ii,ij->j", {in[0], in[1]})}; },
             {rnd({3, 3}, 5), rnd({3, 2}, 6)});
  check_grad([](const std::vector<array>& in) { return std::vector<array>{tensordot(in[0], in[1], {0, 2}, {1, 0})}; },
             {rnd({2, 3, 4}, 8), rnd({4, 2, 2}, 9)});
  check_grad([](const std::vector<array>& in) { return std::vector<array>{addmm(in[0], in[1], in[2], 0.5, -2.0)}; },
             {rnd({3}, 10), rnd({2, 4}, 11), rnd({4, 3}, 12)});
}

TEST_CASE("einsum under vmap matches a loop") {
  array A = rnd({3, 2, 4}, 13), B = rnd({4, 5}, 14);
  auto f = [](const std::vector<array>& in) { return std::vector<array>{einsum("ij,jk->ki", {in[0], in[1]})}; };
  array v = vmap(f, {A, B}, {0, kNoAxis}, {0})[0];
  for (int i = 0; i < 3; ++i)
    check_close(values(take(v, array::scalar(i, Dtype::int32), 0)),
                values(f({take(A, array::scalar(i, Dtype::int32), 0), B})[0]));
}

TEST_CASE("linalg errors carry their op's tag") {
  array m = ar({2, 3});
  check_throws_tag([&] { einsum("ij,jk->ik", {m}); }, "einsum");
  check_throws_tag([&] { einsum("ij,jk->ik", {m, ar({2, 2})}); }, "einsum");
  check_throws_tag([&] { einsum("ijk", {m}); }, "einsum");
  check_throws_tag([&] { einsum("i...->i", {m}); }, "einsum");
  check_throws_tag([&] { einsum("...i...", {m}); }, "einsum");
  check_throws_tag([&] { einsum("...i,...i", {ar({2, 3}), ar({3, 3})}); }, "einsum");
  check_throws_tag([&] { einsum("ij->iz", {m}); }, "einsum");
  check_throws_tag([&] { einsum("ij->ii", {m}); }, "einsum");
  check_throws_tag([&] { einsum("i1", {m}); }, "einsum");
  check_throws_tag([&] { tensordot(m, m, 3); }, "tensordot");
  check_throws_tag([&] { tensordot(m, m, {0}, {1}); }, "tensordot");
  check_throws_tag([&] { tensordot(m, m, {0, 1}, {0}); }, "tensordot");
  check_throws_tag([&] { inner(m, ar({2, 2})); }, "inner");
  check_throws_tag([&] { addmm(ar({2, 2}), m, m); }, "addmm");
  check_throws_tag([&] { addmm(ar({3, 3}), m, ar({3, 2})); }, "addmm");
}

// ---- mx.fast ----

TEST_CASE("rms_norm and layer_norm match their formulas and have gradients") {
  array x = f64({1, 2, 3, 4, -1, 0, 1, 2}, {2, 4});
  array w = f64({1, 2, 0.5, -1}, {4});
  array b = f64({0.1, 0.2, 0.3, 0.4}, {4});
  std::vector<double> got = values(rms_norm(x, w, 1e-5));
  std::vector<double> gl = values(layer_norm(x, w, b, 1e-5));
  double xs[2][4] = {{1, 2, 3, 4}, {-1, 0, 1, 2}}, ws[4] = {1, 2, 0.5, -1}, bs[4] = {0.1, 0.2, 0.3, 0.4};
  for (int r = 0; r < 2; ++r) {
    double ms = 0, mu = 0, var = 0;
    for (double v : xs[r]) ms += v * v / 4, mu += v / 4;
    for (double v : xs[r]) var += (v - mu) * (v - mu) / 4;
    for (int i = 0; i < 4; ++i) {
      CHECK(got[r * 4 + i] == doctest::Approx(xs[r][i] / std::sqrt(ms + 1e-5) * ws[i]));
      CHECK(gl[r * 4 + i] == doctest::Approx((xs[r][i] - mu) / std::sqrt(var + 1e-5) * ws[i] + bs[i]));
    }
  }
  CHECK(rms_norm(f32({1, 2}, {2}), std::nullopt, 1e-5).dtype() == Dtype::float32);
  check_grad([](const std::vector<array>& in) { return std::vector<array>{rms_norm(in[0], in[1], 1e-5)}; },
             {rnd({3, 4}, 20), rnd({4}, 21)});
  check_grad([](const std::vector<array>& in) { return std::vector<array>{layer_norm(in[0], in[1], in[2], 1e-5)}; },
             {rnd({3, 4}, 22), rnd({4}, 23), rnd({4}, 24)});
  check_throws_tag([&] { rms_norm(x, f64({1, 2}, {2}), 1e-5); }, "rms_norm");
  check_throws_tag([&] { layer_norm(x, std::nullopt, f64({1}, {1}), 1e-5); }, "layer_norm");
}

TEST_CASE("rope rotates halves or pairs with MLX's angles") {
  const int T = 3, D = 6, dims = 4;
  array x = rnd({2, T, D}, 30);
  std::vector<double> xv = values(x);
  for (bool trad : {false, true}) {
    std::vector<double> y = values(rope(x, dims, trad, 10000.0, 0.5, 2));
    for (int b = 0; b < 2; ++b)
      for (int t = 0; t < T; ++t) {
        const double* r = &xv[(b * T + t) * D];
        const double* o = &y[(b * T + t) * D];
        for (int i = 0; i < dims / 2; ++i) {
          double th = (2 + t) * 0.5 * std::pow(10000.0, -2.0 * i / dims);
          int i1 = trad ? 2 * i : i, i2 = trad ? 2 * i + 1 : i + dims / 2;
          CHECK(o[i1] == doctest::Approx(r[i1] * std::cos(th) - r[i2] * std::sin(th)).epsilon(1e-6));
          CHECK(o[i2] == doctest::Approx(r[i1] * std::sin(th) + r[i2] * std::cos(th)).epsilon(1e-6));
        }
        for (int i = dims; i < D; ++i) CHECK(o[i] == r[i]);
      }
  }
  check_throws_tag([&] { rope(x, 3, false, 10000, 1, 0); }, "rope");
  check_throws_tag([&] { rope(x, 8, false, 10000, 1, 0); }, "rope");
}

TEST_CASE("scaled_dot_product_attention: reference, GQA, masks, gradients") {
  const int B = 1, Nq = 4, Nk = 2, Tq = 2, Tk = 3, D = 3;
  array q = rnd({B, Nq, Tq, D}, 40), k = rnd({B, Nk, Tk, D}, 41), v = rnd({B, Nk, Tk, D}, 42);
  std::vector<double> qv = values(q), kv = values(k), vv = values(v);
  auto ref = [&](int mode) {  // 0: none, 1: causal, 2: bool mask (key 0 masked for query 0)
    std::vector<double> out(B * Nq * Tq * D);
    for (int h = 0; h < Nq; ++h)
      for (int i = 0; i < Tq; ++i) {
        int hk = h / (Nq / Nk);
        double s[Tk], mx = -1e300, den = 0;
        for (int j = 0; j < Tk; ++j) {
          s[j] = 0;
          for (int d = 0; d < D; ++d) s[j] += qv[(h * Tq + i) * D + d] * kv[(hk * Tk + j) * D + d] * 0.7;
          bool keep = mode == 1 ? (j <= i + Tk - Tq) : mode == 2 ? !(i == 0 && j == 0) : true;
          if (!keep) s[j] = -INFINITY;
          mx = std::max(mx, s[j]);
        }
        for (int j = 0; j < Tk; ++j) den += std::exp(s[j] - mx);
        for (int d = 0; d < D; ++d) {
          double acc = 0;
          for (int j = 0; j < Tk; ++j) acc += std::exp(s[j] - mx) / den * vv[(hk * Tk + j) * D + d];
          out[(h * Tq + i) * D + d] = acc;
        }
      }
    return out;
  };
  check_close(values(scaled_dot_product_attention(q, k, v, 0.7, std::nullopt)), ref(0));
  check_close(values(scaled_dot_product_attention(q, k, v, 0.7, std::nullopt, true)), ref(1));
  array mask = make<bool>({false, true, true, true, true, true}, {Tq, Tk});
  check_close(values(scaled_dot_product_attention(q, k, v, 0.7, mask)), ref(2));
  // an additive mask of 0 / -inf is the same
  array add_mask = where(mask, f64({0}, {}), f64({-INFINITY}, {}));
  check_close(values(scaled_dot_product_attention(q, k, v, 0.7, add_mask)), ref(2));
  check_grad(
      [](const std::vector<array>& in) {
        return std::vector<array>{scaled_dot_product_attention(in[0], in[1], in[2], 0.5, std::nullopt, true)};
      },
      {rnd({1, 2, 3, 2}, 43), rnd({1, 1, 3, 2}, 44), rnd({1, 1, 3, 2}, 45)});
  check_throws_tag([&] { scaled_dot_product_attention(q, rnd({B, 3, Tk, D}, 1), rnd({B, 3, Tk, D}, 2), 1, std::nullopt); },
                   "scaled_dot_product_attention");
  check_throws_tag([&] { scaled_dot_product_attention(q, rnd({B, Nk, Tk, 2}, 1), v, 1, std::nullopt); },
                   "scaled_dot_product_attention");
  check_throws_tag([&] { scaled_dot_product_attention(q, k, v, 1, make<bool>({true, false}, {2})); },
                   "scaled_dot_product_attention");
}

// Matrix-vector products take their own kernels (no packing): check every
// layout they read against a float64 reference, with K not a multiple of the
// SIMD unroll and M large enough to be split across threads.
TEST_CASE("matmul of a matrix and a vector, either side and any layout, matches a float64 reference") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  auto random = [&](Shape s) {
    std::vector<float> v(size_t(s[0] * (s.size() > 1 ? s[1] : 1)));
    for (auto& x : v) x = u(rng);
    return test::f32(v, s);
  };
  for (auto [M, K] : {std::pair<int64_t, int64_t>{5, 3}, {37, 19}, {4096, 301}}) {
    array A = random({M, K});
    array x = random({K});
    const auto a = test::values(A), xv = test::values(x);
    auto check = [&](const array& got, bool transposed_product) {
      const auto g = test::values(got);
      REQUIRE(int64_t(g.size()) == M);
      for (int64_t i = 0; i < M; ++i) {
        double want = 0;
        for (int64_t k = 0; k < K; ++k) want += a[size_t(i * K + k)] * xv[size_t(k)];
        CHECK_MESSAGE(std::abs(g[size_t(i)] - want) <= 1e-5 * (1 + K), "M=", M, " K=", K, " i=", i, " t=", transposed_product);
      }
    };
    check(matmul(A, x), false);                          // A x: a dot per row of A
    check(matmul(x, transpose(A)), true);                // x A^T: B's columns contiguous, a dot per column
    std::vector<float> at(size_t(K * M));
    for (int64_t i = 0; i < M; ++i)
      for (int64_t k = 0; k < K; ++k) at[size_t(k * M + i)] = float(a[size_t(i * K + k)]);
    array At = test::f32(at, {K, M});                    // A^T stored row-contiguous
    check(matmul(x, At), true);                          // x B with B's rows contiguous: row accumulation
    check(matmul(transpose(At), x), false);              // A as a transposed view: strided rows
    check(squeeze(matmul(A, reshape(x, {K, 1})), {1}), false);  // N == 1 written as a matrix
  }
}

// Unit tests of the core: graph building, views, kernels, errors.
#include <doctest/doctest.h>

#include <numeric>
#include <random>

#include "error.h"
#include "ops.h"
#include "tests/helpers.h"
#include "thread_pool.h"

using namespace wmx;
using wmx::test::f32;
using wmx::test::make;
using wmx::test::values;

TEST_CASE("dtype promotion follows MLX's table") {
  CHECK(promote_types(Dtype::bool_, Dtype::int8) == Dtype::int8);
  CHECK(promote_types(Dtype::uint8, Dtype::int8) == Dtype::int16);
  CHECK(promote_types(Dtype::uint16, Dtype::int32) == Dtype::int32);
  CHECK(promote_types(Dtype::uint32, Dtype::int8) == Dtype::int64);
  CHECK(promote_types(Dtype::uint64, Dtype::int8) == Dtype::float32);
  CHECK(promote_types(Dtype::int64, Dtype::float16) == Dtype::float16);
  CHECK(promote_types(Dtype::float16, Dtype::bfloat16) == Dtype::float32);
  CHECK(promote_types(Dtype::float32, Dtype::float64) == Dtype::float64);
}

TEST_CASE("half conversions round to nearest even") {
  CHECK(float(float16_t(1.0f)) == 1.0f);
  CHECK(float(float16_t(65504.0f)) == 65504.0f);
  CHECK(std::isinf(float(float16_t(65520.0f))));
  CHECK(float(float16_t(1.0f + 1.0f / 2048)) == 1.0f);          // tie -> even
  CHECK(float(float16_t(1.0f + 3.0f / 2048)) == 1.0f + 2.0f / 1024);  // tie -> even (up)
  CHECK(float(float16_t(5.960464477539063e-08f)) == 5.960464477539063e-08f);  // smallest subnormal
  CHECK(std::isnan(float(float16_t(NAN))));
  CHECK(float(bfloat16_t(1.0f + 1.0f / 256)) == 1.0f);
  CHECK(float(bfloat16_t(3.0f)) == 3.0f);
}

TEST_CASE("add broadcasts and multiplies lazily") {
  array a = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  array b = f32({10, 20, 30}, {3});
  array c = add(a, b);
  CHECK_FALSE(c.is_evaluated());
  CHECK(values(c) == std::vector<double>{11, 22, 33, 14, 25, 36});
  CHECK(values(multiply(a, b)) == std::vector<double>{10, 40, 90, 40, 100, 180});
}

TEST_CASE("int32 and bool arithmetic keep MLX dtypes") {
  array a = make<int32_t>({1, 2, 3}, {3});
  array t = make<bool>({true, false, true}, {3});
  array s = add(a, t);
  CHECK(s.dtype() == Dtype::int32);
  CHECK(values(s) == std::vector<double>{2, 2, 4});
  CHECK(sum(t).dtype() == Dtype::int32);
  CHECK(values(sum(t)) == std::vector<double>{2});
  CHECK(divide(a, a).dtype() == Dtype::float32);
}

TEST_CASE("transpose is a view and matmul reads it without a copy") {
  array a = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  array t = transpose(a);
  eval(t);
  CHECK(t.buffer() == a.buffer());
  CHECK(values(t) == std::vector<double>{1, 4, 2, 5, 3, 6});
  array m = matmul(a, t);  // (2,3) x (3,2)
  CHECK(values(m) == std::vector<double>{14, 32, 32, 77});
}

TEST_CASE("reshape of a transposed view copies only when it must") {
  array a = f32({0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, {3, 4});
  array t = transpose(a);  // (4,3), not contiguous
  array r = reshape(t, {12});
  CHECK(values(r) == std::vector<double>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11});
  CHECK(r.buffer() != a.buffer());
  array e = reshape(t, {2, 2, 3});  // splitting the leading dim is a view
  eval(e);
  CHECK(e.buffer() == a.buffer());
  CHECK(values(e) == std::vector<double>{0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11});
}

// A plain triple loop as the reference for the packed GEMM.
static std::vector<double> ref_matmul(const std::vector<float>& a, const std::vector<float>& b, int M, int K, int N) {
  std::vector<double> c(M * N, 0.0);
  for (int i = 0; i < M; ++i)
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < N; ++j) c[i * N + j] += double(a[i * K + k]) * b[k * N + j];
  return c;
}

TEST_CASE("packed gemm matches a triple loop on odd and blocked sizes") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> U(-1, 1);
  for (auto [M, K, N] : {std::tuple{1, 1, 1}, {5, 7, 3}, {33, 300, 17}, {64, 513, 40}, {3, 2, 2100}, {130, 262, 10}}) {
    std::vector<float> a(M * K), b(K * N);
    for (auto& x : a) x = U(rng);
    for (auto& x : b) x = U(rng);
    auto got = values(matmul(f32(a, {M, K}), f32(b, {K, N})));
    auto want = ref_matmul(a, b, M, K, N);
    for (size_t i = 0; i < got.size(); ++i) REQUIRE(got[i] == doctest::Approx(want[i]).epsilon(1e-4));
    // A as a transposed view (its columns contiguous, as X^T in a weight
    // gradient), which packs through its own path.
    std::vector<float> at(K * M);
    for (int i = 0; i < M; ++i)
      for (int k = 0; k < K; ++k) at[k * M + i] = a[i * K + k];
    auto got_t = values(matmul(transpose(f32(at, {K, M})), f32(b, {K, N})));
    for (size_t i = 0; i < got_t.size(); ++i) REQUIRE(got_t[i] == doctest::Approx(want[i]).epsilon(1e-4));
    // B as a transposed view (x W^T), and both.
    std::vector<float> bt(N * K);
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < N; ++j) bt[j * K + k] = b[k * N + j];
    auto got_bt = values(matmul(f32(a, {M, K}), transpose(f32(bt, {N, K}))));
    for (size_t i = 0; i < got_bt.size(); ++i) REQUIRE(got_bt[i] == doctest::Approx(want[i]).epsilon(1e-4));
    auto got_tt = values(matmul(transpose(f32(at, {K, M})), transpose(f32(bt, {N, K}))));
    for (size_t i = 0; i < got_tt.size(); ++i) REQUIRE(got_tt[i] == doctest::Approx(want[i]).epsilon(1e-4));
  }
}

TEST_CASE("a batch of small products, threaded across the batch, matches a triple loop") {
  // [16, 1, 9, 16] x [1, 16, 16, 7]: 256 broadcast products of 1008
  // multiply-adds, each under the size that threads inside one product, in
  // tasks of 65 products.
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> U(-1, 1);
  const int M = 9, K = 16, N = 7;
  const int BA = 16, BB = 16;
  std::vector<float> a(BA * M * K), b(BB * K * N);
  for (auto& x : a) x = U(rng);
  for (auto& x : b) x = U(rng);
  set_num_threads(3);
  auto got = values(matmul(f32(a, {BA, 1, M, K}), f32(b, {1, BB, K, N})));
  set_num_threads(1);
  REQUIRE(got.size() == size_t(BA * BB * M * N));
  for (int i = 0; i < BA; ++i)
    for (int j = 0; j < BB; ++j) {
      std::vector<float> ai(a.begin() + i * M * K, a.begin() + (i + 1) * M * K);
      std::vector<float> bj(b.begin() + j * K * N, b.begin() + (j + 1) * K * N);
      auto want = ref_matmul(ai, bj, M, K, N);
      for (int e = 0; e < M * N; ++e) REQUIRE(got[(i * BB + j) * M * N + e] == doctest::Approx(want[e]).epsilon(1e-5));
    }
}

TEST_CASE("batched matmul broadcasts batch dims and handles 1-D operands") {
  array a = f32({1, 2, 3, 4, 5, 6, 7, 8}, {2, 2, 2});
  array b = f32({1, 0, 0, 1}, {2, 2});
  CHECK(values(matmul(a, b)) == std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8});
  array v = f32({1, 1}, {2});
  array r = matmul(a, v);
  CHECK(r.shape() == Shape{2, 2});
  CHECK(values(r) == std::vector<double>{3, 7, 11, 15});
  CHECK(matmul(v, v).shape() == Shape{});
}

TEST_CASE("sum over axes, keepdims, and strided inputs") {
  array a = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK(values(sum(a)) == std::vector<double>{21});
  CHECK(values(sum(a, {0})) == std::vector<double>{5, 7, 9});
  CHECK(values(sum(a, {-1})) == std::vector<double>{6, 15});
  CHECK(sum(a, {1}, true).shape() == Shape{2, 1});
  CHECK(values(sum(transpose(a), {1})) == std::vector<double>{5, 7, 9});
  CHECK(values(sum(f32({}, {0, 3}), {0})) == std::vector<double>{0, 0, 0});
}

TEST_CASE("large reductions and elementwise ops cross the threading threshold") {
  set_num_threads(3);
  const int n = 1 << 20;
  std::vector<float> v(n);
  std::iota(v.begin(), v.end(), 0.0f);
  for (auto& x : v) x = float(int(x) % 7);
  array a = f32(v, {1024, 1024});
  double want = 0;
  for (auto x : v) want += x;
  CHECK(values(sum(a))[0] == doctest::Approx(want));
  auto rows = values(sum(a, {1}));
  double r0 = 0;
  for (int j = 0; j < 1024; ++j) r0 += v[j];
  CHECK(rows[0] == doctest::Approx(r0));
  auto doubled = values(add(a, a));
  CHECK(doubled[n - 1] == 2 * v[n - 1]);
  set_num_threads(1);
}

TEST_CASE("errors name the op and the shapes") {
  array a = f32({1, 2, 3, 4, 5, 6}, {2, 3});
  CHECK_THROWS_WITH(matmul(a, a), doctest::Contains("[matmul] Last dimension of first input with shape (2,3)"));
  CHECK_THROWS_WITH(add(a, f32({1, 2}, {2})), "[add] Shapes (2,3) and (2) cannot be broadcast.");
  CHECK_THROWS_WITH(reshape(a, {4, 2}), "[reshape] Cannot reshape array of size 6 into shape (4,2).");
  CHECK_THROWS_WITH(sum(a, {2}), "[sum] Invalid axis 2 for an array with 2 dimensions.");
  CHECK_THROWS_WITH(matmul(make<int32_t>({1}, {1, 1}), make<int32_t>({1}, {1, 1})),
                    doctest::Contains("[matmul] Only real floating point types"));
}

TEST_CASE("a chain of 100k ops evaluates and frees without recursion") {
  array x = f32({1}, {1});
  array one = f32({1}, {1});
  for (int i = 0; i < 100000; ++i) x = add(x, one);
  CHECK(values(x)[0] == 100001);
  array y = f32({0}, {1});
  for (int i = 0; i < 100000; ++i) y = add(y, one);
  y = array();  // dropping an unevaluated deep graph must not recurse either
}

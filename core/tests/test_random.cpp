// core/random.h and the RandomBits primitive: threefry2x32-20 against the
// Random123 known-answer vectors, MLX's/JAX's split of key 0, bit layout,
// samplers' ranges and moments, determinism (keys, seed, threads), vmap over
// keys, errors.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/random_bits.h"
#include "random.h"
#include "reduce_ops.h"
#include "shape_ops.h"
#include "tests/helpers.h"
#include "thread_pool.h"
#include "transforms.h"

using namespace wmx;
using wmx::test::values;

namespace {

std::vector<uint32_t> u32(array a) {
  a = astype(a, Dtype::uint32);
  std::vector<uint32_t> out;
  for (double v : values(a)) out.push_back(uint32_t(v));
  return out;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

// Absolute bounds, not doctest::Approx: Approx(x).epsilon(e) allows e * max(1, |x|),
// so for a frequency of 0.1 `epsilon(0.1)` accepted anything in [0, 0.2]. A sample
// mean of n draws with standard deviation sd lies within 5 sd / sqrt(n) of the true
// mean (central limit theorem; two-sided p = 6e-7), and with fixed keys the check is
// deterministic. test/random_stats.test.ts has the full KS / chi-square checks.
double mean_bound(double sd, size_t n) { return 5 * sd / std::sqrt(double(n)); }

}  // namespace

TEST_CASE("threefry2x32-20 known answers (Random123 kat_vectors)") {
  // counter, key -> output
  auto r = threefry2x32({0u, 0u}, {0u, 0u});
  CHECK(r.first == 0x6b200159u);
  CHECK(r.second == 0x99ba4efeu);
  r = threefry2x32({0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu});
  CHECK(r.first == 0x1cb996fcu);
  CHECK(r.second == 0xbb002be7u);
  r = threefry2x32({0x13198a2eu, 0x03707344u}, {0x243f6a88u, 0x85a308d3u});
  CHECK(r.first == 0xc4923a9cu);
  CHECK(r.second == 0x483df7a0u);
}

TEST_CASE("key and split match MLX/JAX") {
  CHECK(u32(random::key(0)) == std::vector<uint32_t>{0, 0});
  CHECK(u32(random::key((uint64_t(7) << 32) | 9)) == std::vector<uint32_t>{7, 9});
  // jax.random.split(jax.random.PRNGKey(0)) (MLX's split lays out bits the same way).
  array s = random::split(random::key(0));
  CHECK(s.shape() == Shape{2, 2});
  CHECK(u32(s) == std::vector<uint32_t>{4146024105u, 967050713u, 2718843009u, 1272950319u});
  CHECK(random::split(random::key(0), 5).shape() == Shape{5, 2});
  CHECK_THROWS_WITH(random::split(zeros({3}, Dtype::uint32)), "[split] Expected key shape (2) but received (3).");
  CHECK_THROWS_WITH(random::split(zeros({2}, Dtype::int32)), "[split] Expected key type uint32 but received int32.");
}

TEST_CASE("bits layout: widths, odd sizes, threads") {
  array k = random::key(42);
  auto w4 = u32(random::bits({5}, 4, k));
  // Word j and word half+!even+j come from counter (j, half+!even+j); the odd last word from (half, 0).
  auto h0 = threefry2x32({0, 42}, {0, 3}), h1 = threefry2x32({0, 42}, {1, 4}), h2 = threefry2x32({0, 42}, {2, 0});
  CHECK(w4 == std::vector<uint32_t>{h0.first, h1.first, h2.first, h0.second, h1.second});
  // Narrow widths are the same bytes, cut short.
  auto w1 = u32(random::bits({7}, 1, k));
  auto w4b = u32(random::bits({2}, 4, k));
  uint8_t bytes[8];
  std::memcpy(bytes, w4b.data(), 8);
  auto g = threefry2x32({0, 42}, {0, 1});
  // 7 bytes -> 2 words, half = 1, even: counter (0, 1) gives words 0 and 1 (the second cut to 3 bytes).
  std::memcpy(bytes, &g.first, 4);
  std::memcpy(bytes + 4, &g.second, 4);
  for (int i = 0; i < 7; ++i) CHECK(w1[i] == bytes[i]);
  CHECK(random::bits({3}, 2, k).dtype() == Dtype::uint16);
  CHECK_THROWS_WITH(random::bits({3}, 3, k), "[bits] Bit width must be in {1, 2, 4} but got 3.");
  CHECK_THROWS_WITH(random::bits({-1}, 4, k), "[bits] Negative dimension in shape (-1).");
  CHECK(random::bits({0}, 4, k).size() == 0);
  // Threaded sizes give the same bits.
  auto one = u32(random::bits({100001}, 4, k));
  set_num_threads(3);
  auto three = u32(random::bits({100001}, 4, k));
  set_num_threads(1);
  CHECK(one == three);
}

TEST_CASE("vmap over keys") {
  array keys = random::split(random::key(3), 4);
  auto fn = [](const std::vector<array>& in) { return std::vector<array>{random::uniform(array::scalar(0, Dtype::float32), array::scalar(1, Dtype::float32), {3}, Dtype::float32, in[0])}; };
  array got = vmap(fn, {keys}, {0}, {0})[0];
  CHECK(got.shape() == Shape{4, 3});
  auto g = values(got);
  for (int i = 0; i < 4; ++i) {
    array ki = reshape(take(keys, array::scalar(i, Dtype::int32), 0), {2});
    auto w = values(fn({ki})[0]);
    for (int j = 0; j < 3; ++j) CHECK(g[i * 3 + j] == w[j]);
  }
}

TEST_CASE("samplers: ranges, moments, determinism") {
  array k = random::key(1);
  array zero = array::scalar(0, Dtype::float32), one = array::scalar(1, Dtype::float32);
  auto u = values(random::uniform(zero, one, {20000}, Dtype::float32, k));
  for (double v : u) CHECK((v >= 0 && v < 1));
  CHECK(std::abs(mean_of(u) - 0.5) < mean_bound(std::sqrt(1.0 / 12), u.size()));
  CHECK(values(random::uniform(zero, one, {20000}, Dtype::float32, k)) == u);  // same key, same numbers
  // bits -> float as MLX: u = min(bits / (2^32 - 1), nextafter(1, 0)).
  auto b = u32(random::bits({4}, 4, random::key(5)));
  auto u4 = values(random::uniform(zero, one, {4}, Dtype::float32, random::key(5)));
  for (int i = 0; i < 4; ++i)
    CHECK(u4[i] == double(std::min(float(b[i]) / 4294967295.0f, std::nextafter(1.0f, 0.0f))));
  auto ul = values(random::uniform(array::scalar(-3, Dtype::float32), array::scalar(5, Dtype::float32), {1000}, Dtype::float32, k));
  for (double v : ul) CHECK((v >= -3 && v < 5));
  CHECK(random::uniform(zero, one, {2}, Dtype::float16, k).dtype() == Dtype::float16);
  CHECK_THROWS_WITH(random::uniform(zero, one, {2}, Dtype::int32, k),
                    "[uniform] Can only generate uniform numbers with real floating point type.");
  CHECK_THROWS_WITH(random::uniform(zeros({3}, Dtype::float32), one, {2}, Dtype::float32, k),
                    "[uniform] Shapes (2) and (3) cannot be broadcast.");

  auto n = values(random::normal({20000}, Dtype::float32, 0, 1, k));
  double m = mean_of(n), v = 0;
  for (double x : n) v += (x - m) * (x - m);
  v /= double(n.size());
  CHECK(std::abs(m) < mean_bound(1, n.size()));
  // The sample variance of N(0,1) has standard deviation sqrt(2 / n).
  CHECK(std::abs(v - 1) < mean_bound(std::sqrt(2.0), n.size()));
  auto n2 = values(random::normal({4}, Dtype::float32, 3, 2, k));
  auto n1 = values(random::normal({4}, Dtype::float32, 0, 1, k));
  for (int i = 0; i < 4; ++i) CHECK(n2[i] == doctest::Approx(3 + 2 * n1[i]).epsilon(1e-5));

  auto ri = random::randint(array::scalar(-2, Dtype::int32), array::scalar(3, Dtype::int32), {5000}, Dtype::int32, k);
  CHECK(ri.dtype() == Dtype::int32);
  auto rv = values(ri);
  std::vector<int> counts(5, 0);
  for (double x : rv) {
    CHECK((x >= -2 && x < 3));
    if (x >= -2 && x < 3) counts[int(x) + 2]++;
  }
  // Each count is binomial(5000, 1/5): mean 1000, sd sqrt(5000 * 0.2 * 0.8) = 28.3.
  for (int c : counts) CHECK(std::abs(c - 1000) < 5 * std::sqrt(5000 * 0.2 * 0.8));
  CHECK_THROWS_WITH(random::randint(zero, one, {2}, Dtype::float32, k), "[randint] randint only accepts integer dtypes and bool.");

  auto be = values(random::bernoulli(array::scalar(0.3, Dtype::float32), Shape{20000}, k));
  CHECK(std::abs(mean_of(be) - 0.3) < mean_bound(std::sqrt(0.3 * 0.7), be.size()));
  CHECK(mean_of(values(random::bernoulli(array::scalar(1, Dtype::float32), Shape{100}, k))) == 1);
  CHECK(mean_of(values(random::bernoulli(array::scalar(0, Dtype::float32), Shape{100}, k))) == 0);
  CHECK(random::bernoulli(zeros({3, 2}, Dtype::float32), std::nullopt, k).shape() == Shape{3, 2});
  CHECK_THROWS_WITH(random::bernoulli(array::scalar(1, Dtype::int32), Shape{2}, k),
                    "[bernoulli] bernoulli probability `p` must be a float type.");

  auto tn = values(random::truncated_normal(array::scalar(-1, Dtype::float32), array::scalar(0.5, Dtype::float32), Shape{5000}, Dtype::float32, k));
  int on_bounds = 0;
  for (double x : tn) {
    CHECK((x >= -1 && x <= 0.5));
    on_bounds += x == -1 || x == 0.5;
  }
  // A continuous law puts no mass on its bounds (a formula off by sqrt(2) clamps ~20% there).
  CHECK(on_bounds <= 2);
  {
    // N(0,1) truncated to [a, b]: mean (phi(a) - phi(b)) / Z, variance 1 + (a phi(a) - b phi(b)) / Z - mean^2.
    auto phi = [](double x) { return std::exp(-x * x / 2) / std::sqrt(2 * M_PI); };
    auto Phi = [](double x) { return 0.5 * (1 + std::erf(x / std::sqrt(2.0))); };
    double a = -1, b = 0.5, z = Phi(b) - Phi(a);
    double mu = (phi(a) - phi(b)) / z, var = 1 + (a * phi(a) - b * phi(b)) / z - mu * mu;
    CHECK(std::abs(mean_of(tn) - mu) < mean_bound(std::sqrt(var), tn.size()));
  }
  // Gumbel: mean Euler's constant, standard deviation pi / sqrt(6).
  auto gu = values(random::gumbel({20000}, Dtype::float32, k));
  CHECK(std::abs(mean_of(gu) - 0.5772156649015329) < mean_bound(M_PI / std::sqrt(6.0), gu.size()));
  CHECK(random::truncated_normal(zeros({3}, Dtype::float32), ones({2, 1}, Dtype::float32), std::nullopt, Dtype::float32, k).shape() == Shape{2, 3});

  // categorical: frequencies follow softmax(logits).
  array logits = log(wmx::test::f32({0.1f, 0.6f, 0.3f}, {3}));
  auto c = random::categorical(logits, -1, std::nullopt, 20000, k);
  CHECK(c.shape() == Shape{20000});
  CHECK(c.dtype() == Dtype::uint32);
  std::vector<double> freq(3, 0);
  for (double x : values(c)) freq[int(x)] += 1.0 / 20000;
  const double p[3] = {0.1, 0.6, 0.3};
  for (int i = 0; i < 3; ++i) CHECK(std::abs(freq[i] - p[i]) < mean_bound(std::sqrt(p[i] * (1 - p[i])), 20000));
  array l2 = zeros({4, 5}, Dtype::float32);
  CHECK(random::categorical(l2, 0, std::nullopt, std::nullopt, k).shape() == Shape{5});
  CHECK(random::categorical(l2, -1, Shape{2, 4}, std::nullopt, k).shape() == Shape{2, 4});
  CHECK(random::categorical(l2, 1, std::nullopt, 7, k).shape() == Shape{4, 7});
  CHECK_THROWS_WITH(random::categorical(l2, 2, std::nullopt, std::nullopt, k), "[categorical] Invalid axis 2 for logits with 2 dimensions.");
  CHECK_THROWS_WITH(random::categorical(l2, 0, Shape{3}, 2, k), "[categorical] At most one of shape or num_samples can be specified.");
}

TEST_CASE("global key: seed resets, draws advance") {
  random::seed(11);
  auto a = values(random::bits({4}));
  auto b = values(random::bits({4}));
  random::seed(11);
  CHECK(values(random::bits({4})) == a);
  CHECK(values(random::bits({4})) == b);
  CHECK(a != b);
  // The first draw uses the second half of split(key(11)).
  array k1 = reshape(take(random::split(random::key(11)), array::scalar(1, Dtype::int32), 0), {2});
  CHECK(values(random::bits({4}, 4, k1)) == a);
}

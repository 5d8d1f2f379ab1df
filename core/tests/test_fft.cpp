// complex64, mx.fft and linalg.eig natively (under the sanitizers of the
// native build): the FFT kernel against a naive DFT over lengths that take
// the radix-2 and Bluestein paths, on strided inputs and along inner axes;
// an rfft/irfft round trip; eig's A v = w v. The package tests
// (test/fft.test.ts, test/complex.test.ts, test/linalg_eig.test.ts) cover
// the API, gradients and messages.
#include <doctest/doctest.h>

#include <cmath>
#include <complex>
#include <vector>

#include "complex_ops.h"
#include "fft.h"
#include "linalg.h"
#include "ops.h"
#include "tests/helpers.h"

using namespace wmx;
using wmx::test::make;
using wmx::test::values;

namespace {

using cd = std::complex<double>;

std::vector<double> ramp(int n, double scale) {
  std::vector<double> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[size_t(i)] = std::sin(1.3 * i + scale) + 0.25 * scale;
  return v;
}

std::vector<cd> read_complex(array z) {
  std::vector<double> re = values(real(z)), im = values(imag(z));
  std::vector<cd> out;
  for (size_t i = 0; i < re.size(); ++i) out.emplace_back(re[i], im[i]);
  return out;
}

}  // namespace

TEST_CASE("fft of complex lines matches a naive DFT (radix-2 and Bluestein lengths)") {
  for (int n : {1, 2, 3, 5, 8, 12, 17, 32, 45}) {
    std::vector<double> re = ramp(n, 0.5), im = ramp(n, -1.0);
    array z = make_complex(make<double>(re, {n}), make<double>(im, {n}));
    std::vector<cd> got = read_complex(fft_nd(z, {0}, false, false, FFTNorm::backward, "fft"));
    for (int k = 0; k < n; ++k) {
      cd want = 0;
      for (int j = 0; j < n; ++j) want += cd(re[size_t(j)], im[size_t(j)]) * std::polar(1.0, -2 * M_PI * double(j) * k / n);
      CHECK(std::abs(got[size_t(k)] - want) <= 1e-4 * (1 + n));
    }
  }
}

TEST_CASE("fft along an inner axis of a transposed (strided) input equals the fft of its copy") {
  array x = make<float>(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {3, 5});
  array t = transpose(x);  // (5, 3), strided
  std::vector<cd> a = read_complex(fft_nd(t, {0}, false, false, FFTNorm::backward, "fft"));
  std::vector<cd> b = read_complex(transpose(fft_nd(x, {1}, false, false, FFTNorm::backward, "fft")));
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(std::abs(a[i] - b[i]) <= 1e-5);
}

TEST_CASE("irfft(rfft(x), n) returns x for even and odd n") {
  for (int n : {1, 6, 7, 19}) {
    std::vector<double> v = ramp(n, 2.0);
    array x = make<double>(v, {n});
    array h = fft_nd(x, {0}, true, false, FFTNorm::backward, "rfft");
    CHECK(h.shape(0) == n / 2 + 1);
    std::vector<double> back = values(fft_nd(h, {n}, {0}, true, true, FFTNorm::backward, "irfft"));
    for (int i = 0; i < n; ++i) CHECK(std::abs(back[size_t(i)] - v[size_t(i)]) <= 1e-5);
  }
}

TEST_CASE("eig: A v = w v for a non-symmetric matrix with a complex pair") {
  const int n = 5;
  std::vector<double> a(static_cast<size_t>(n * n));
  for (int i = 0; i < n * n; ++i) a[size_t(i)] = std::cos(0.7 * i * i + 1.0);
  auto r = linalg::eig(make<double>(a, {n, n}));
  std::vector<cd> w = read_complex(r[0]), v = read_complex(r[1]);
  for (int k = 0; k < n; ++k)
    for (int i = 0; i < n; ++i) {
      cd av = 0;
      for (int j = 0; j < n; ++j) av += a[size_t(i * n + j)] * v[size_t(j * n + k)];
      CHECK(std::abs(av - w[size_t(k)] * v[size_t(i * n + k)]) <= 1e-4);
    }
}

#include "backend/cpu/kernels/fft.h"

#include <cmath>

namespace wmx {

namespace {
int64_t next_pow2(int64_t n) {
  int64_t m = 1;
  while (m < n) m <<= 1;
  return m;
}
bool is_pow2(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }
}  // namespace

FFTPlan::FFTPlan(int64_t n, bool inverse) : n_(n), inverse_(inverse) {
  m_ = is_pow2(n) ? n : next_pow2(2 * n - 1);
  twiddle_.resize(size_t(m_ / 2));
  for (int64_t k = 0; k < m_ / 2; ++k) {
    const double a = -2.0 * M_PI * double(k) / double(m_);
    twiddle_[k] = {std::cos(a), std::sin(a)};
  }
  if (m_ == n) return;
  // Bluestein: jk = (j^2 + k^2 - (k - j)^2) / 2 turns the DFT into a
  // convolution with the chirp, run as a power-of-two cyclic convolution.
  // k^2 is reduced mod 2n first so the angle keeps its precision for large k.
  const double sign = inverse ? 1.0 : -1.0;
  chirp_.resize(size_t(n));
  for (int64_t k = 0; k < n; ++k) {
    const int64_t k2 = (k * k) % (2 * n);
    const double a = sign * M_PI * double(k2) / double(n);
    chirp_[k] = {std::cos(a), std::sin(a)};
  }
  kernel_.assign(size_t(m_), {0.0, 0.0});
  kernel_[0] = std::conj(chirp_[0]);
  for (int64_t k = 1; k < n; ++k) kernel_[k] = kernel_[m_ - k] = std::conj(chirp_[k]);
  radix2(kernel_.data(), false);
  const double scale = 1.0 / double(m_);  // the inverse transform's 1/m, folded in once
  for (auto& v : kernel_) v *= scale;
}

// In-place iterative radix-2 transform of length m_ (exponent sign -1, or +1
// with conj_twiddle).
void FFTPlan::radix2(std::complex<double>* a, bool conj_twiddle) const {
  const int64_t m = m_;
  for (int64_t i = 1, j = 0; i < m; ++i) {  // bit reversal
    int64_t bit = m >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (int64_t len = 2; len <= m; len <<= 1) {
    const int64_t half = len / 2, step = m / len;
    for (int64_t s = 0; s < m; s += len) {
      for (int64_t k = 0; k < half; ++k) {
        std::complex<double> w = twiddle_[k * step];
        if (conj_twiddle) w = std::conj(w);
        const std::complex<double> u = a[s + k], v = a[s + k + half] * w;
        a[s + k] = u + v;
        a[s + k + half] = u - v;
      }
    }
  }
}

void FFTPlan::run(std::complex<double>* line, std::vector<std::complex<double>>& work) const {
  if (m_ == n_) {
    radix2(line, inverse_);
    return;
  }
  work.assign(size_t(m_), {0.0, 0.0});
  for (int64_t k = 0; k < n_; ++k) work[k] = line[k] * chirp_[k];
  radix2(work.data(), false);
  for (int64_t k = 0; k < m_; ++k) work[k] *= kernel_[k];
  radix2(work.data(), true);
  for (int64_t k = 0; k < n_; ++k) line[k] = work[k] * chirp_[k];
}

}  // namespace wmx

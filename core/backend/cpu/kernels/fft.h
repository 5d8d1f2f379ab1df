// One-dimensional complex DFTs of any length, in double precision: radix-2
// for powers of two, Bluestein's chirp-z (a power-of-two convolution) for
// the other lengths.
#pragma once
#include <complex>
#include <cstdint>
#include <vector>

namespace wmx {

// The transforms of length n, planned once (twiddles and chirp) and applied
// to many lines.
class FFTPlan {
 public:
  // inverse: exponent sign +1; neither direction scales by 1/n.
  FFTPlan(int64_t n, bool inverse);
  // Transforms `line` (n values) in place; `work` is scratch the plan sizes.
  void run(std::complex<double>* line, std::vector<std::complex<double>>& work) const;

 private:
  int64_t n_;
  bool inverse_;
  int64_t m_;  // power-of-two length of the transform actually run (n, or Bluestein's)
  std::vector<std::complex<double>> twiddle_;  // exp(-+2 pi i k / m), k < m / 2
  std::vector<std::complex<double>> chirp_;  // Bluestein: exp(-+i pi k^2 / n), k < n
  std::vector<std::complex<double>> kernel_;  // Bluestein: the transformed conjugate chirp
  void radix2(std::complex<double>* a, bool conj_twiddle) const;
};

}  // namespace wmx

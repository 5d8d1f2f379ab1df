// The CPU kernels of the complex64 primitives (MakeComplex, Real/Imag, FFT, Eig) (their shapes and transform rules:
// core/primitives/complex.cpp).
#include "primitives/complex.h"

#include <complex>

#include "error.h"
#include "backend/cpu/kernels/eig.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/fft.h"

namespace wmx {

namespace {

void make_complex_run(const void* xv, int64_t sx, const void* yv, int64_t sy, void* zv, int64_t n) {
  const float* x = static_cast<const float*>(xv);
  const float* y = static_cast<const float*>(yv);
  complex64_t* z = static_cast<complex64_t*>(zv);
  for (int64_t i = 0; i < n; ++i) z[i] = {x[i * sx], y[i * sy]};
}
template <bool Imag>
void part_run(const void* xv, int64_t sx, void* yv, int64_t n) {
  const complex64_t* x = static_cast<const complex64_t*>(xv);
  float* y = static_cast<float*>(yv);
  for (int64_t i = 0; i < n; ++i) y[i] = Imag ? x[i * sx].im : x[i * sx].re;
}

}  // namespace

void MakeComplex::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  binary_driver(in[0], in[1], out[0], &make_complex_run);
}
void ComplexPart::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  unary_driver(in[0], out[0], imag_ ? &part_run<true> : &part_run<false>);
}
void FFT::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array x = in[0];
  array& o = out[0];
  if (!x.row_contiguous()) {
    array c = array::empty(x.shape(), x.dtype());
    copy_convert(x, c);
    x = c;
  }
  o.allocate();
  if (o.size() == 0) return;
  const int64_t n = o.shape()[axis_];
  int64_t inner = 1;
  for (int d = axis_ + 1; d < o.ndim(); ++d) inner *= o.shape()[d];
  const int64_t outer = o.size() / (n * inner);
  const FFTPlan plan(n, inverse_);
  std::vector<std::complex<double>> line(static_cast<size_t>(n)), work;
  const complex64_t* src = x.data<complex64_t>();
  complex64_t* dst = o.data<complex64_t>();
  for (int64_t b = 0; b < outer; ++b) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t base = b * n * inner + i;
      for (int64_t k = 0; k < n; ++k) line[k] = {src[base + k * inner].re, src[base + k * inner].im};
      plan.run(line.data(), work);
      for (int64_t k = 0; k < n; ++k) dst[base + k * inner] = {float(line[k].real()), float(line[k].imag())};
    }
  }
}
void Eig::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = array::empty(in[0].shape(), Dtype::float64);
  copy_convert(in[0], a);  // row-major float64
  const int n = int(a.shape(-1));
  const int64_t mat = int64_t(n) * n, count = n == 0 ? 0 : a.size() / mat;
  for (auto& o : out) o.allocate();
  std::vector<std::complex<double>> w(static_cast<size_t>(n)), v(vectors_ ? static_cast<size_t>(mat) : 0);
  for (int64_t b = 0; b < count; ++b) {
    if (!lin::eig(a.data<double>() + b * mat, n, w.data(), vectors_ ? v.data() : nullptr))
      fail(vectors_ ? "linalg.eig" : "linalg.eigvals", "The QR algorithm did not converge.");
    complex64_t* wo = out[0].data<complex64_t>() + b * n;
    for (int i = 0; i < n; ++i) wo[i] = {float(w[i].real()), float(w[i].imag())};
    if (!vectors_) continue;
    complex64_t* vo = out[1].data<complex64_t>() + b * mat;
    for (int64_t i = 0; i < mat; ++i) vo[i] = {float(v[i].real()), float(v[i].imag())};
  }
}
}  // namespace wmx

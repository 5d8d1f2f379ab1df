#include "primitives/complex.h"

#include <complex>

#include "complex_ops.h"
#include "error.h"
#include "backend/cpu/kernels/eig.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/fft.h"
#include "linalg.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"

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

// ---- MakeComplex ----

void MakeComplex::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  binary_driver(in[0], in[1], out[0], &make_complex_run);
}
std::vector<array> MakeComplex::vjp(const std::vector<array>&, const std::vector<array>& cot,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> r;
  for (int i : argnums) r.push_back(i == 0 ? real(cot[0]) : imag(cot[0]));
  return r;
}
std::vector<array> MakeComplex::jvp(const std::vector<array>& primals, const std::vector<array>& tan,
                                    const std::vector<int>& argnums) {
  array re = zeros_like(primals[0]), im = zeros_like(primals[1]);
  for (size_t k = 0; k < argnums.size(); ++k) (argnums[k] == 0 ? re : im) = tan[k];
  return {make_complex(re, im)};
}
std::pair<std::vector<array>, std::vector<int>> MakeComplex::vmap(const std::vector<array>& in,
                                                                  const std::vector<int>& axes) {
  auto x = align_batched(in, axes);
  return {{make_complex(x[0], x[1])}, {0}};
}

// ---- Real / Imag ----

void ComplexPart::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  unary_driver(in[0], out[0], imag_ ? &part_run<true> : &part_run<false>);
}
std::vector<array> ComplexPart::vjp(const std::vector<array>&, const std::vector<array>& cot,
                                    const std::vector<int>&, const std::vector<array>&) {
  array zero = zeros_like(cot[0]);
  return {imag_ ? make_complex(zero, cot[0]) : make_complex(cot[0], zero)};
}
std::vector<array> ComplexPart::jvp(const std::vector<array>&, const std::vector<array>& tan,
                                    const std::vector<int>&) {
  return {imag_ ? imag(tan[0]) : real(tan[0])};
}
std::pair<std::vector<array>, std::vector<int>> ComplexPart::vmap(const std::vector<array>& in,
                                                                  const std::vector<int>& axes) {
  return {{imag_ ? imag(in[0]) : real(in[0])}, {axes[0]}};
}

// ---- FFT ----

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
// Unscaled transforms: the adjoint of one direction is the other.
std::vector<array> FFT::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                            const std::vector<array>&) {
  return {fft_along(cot[0], axis_, !inverse_)};
}
std::vector<array> FFT::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {fft_along(tan[0], axis_, inverse_)};
}
std::pair<std::vector<array>, std::vector<int>> FFT::vmap(const std::vector<array>& in,
                                                          const std::vector<int>& axes) {
  const int b = axes[0];
  return {{fft_along(in[0], b >= 0 && b <= axis_ ? axis_ + 1 : axis_, inverse_)}, {b}};
}

// ---- Eig ----

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
std::pair<std::vector<array>, std::vector<int>> Eig::vmap(const std::vector<array>& in, const std::vector<int>& axes) {
  const array a = batch_first(in[0], axes[0]);
  if (!vectors_) return {{linalg::eigvals(a)}, {axes[0] >= 0 ? 0 : -1}};
  auto r = linalg::eig(a);
  return {r, std::vector<int>(r.size(), axes[0] >= 0 ? 0 : -1)};
}

}  // namespace wmx

#include "primitives/complex.h"

#include <complex>

#include "complex_ops.h"
#include "error.h"
#include "linalg.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"

namespace wmx {

// ---- MakeComplex ----

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

std::pair<std::vector<array>, std::vector<int>> Eig::vmap(const std::vector<array>& in, const std::vector<int>& axes) {
  const array a = batch_first(in[0], axes[0]);
  if (!vectors_) return {{linalg::eigvals(a)}, {axes[0] >= 0 ? 0 : -1}};
  auto r = linalg::eig(a);
  return {r, std::vector<int>(r.size(), axes[0] >= 0 ? 0 : -1)};
}

}  // namespace wmx

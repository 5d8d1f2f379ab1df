// The CPU kernels of the factorization primitives (their shapes and transform rules:
// core/primitives/linalg_decomp.cpp).
#include "primitives/linalg_decomp.h"

#include <algorithm>
#include <cstdint>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/linalg_kernels.h"

namespace wmx {

namespace {

// A row-contiguous float64 copy of `x` (the kernels' working precision).
array widen(const array& x) {
  array w(x.shape(), Dtype::float64, nullptr, {});
  copy_convert(x, w);
  return w;
}

array scratch(const Shape& shape) { return array::empty(shape, Dtype::float64); }

// Fills `out` (float32 or float64) from its float64 result.
void store(const array& result, array& out) { copy_convert(result, out); }

int64_t batch_count(const Shape& s, int matrix_axes) {
  return shape_size(Shape(s.begin(), s.end() - matrix_axes));
}

}  // namespace

void Inverse::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = widen(in[0]);
  const int n = int(a.shape(-1));
  const int64_t mat = int64_t(n) * n, count = batch_count(a.shape(), 2);
  for (int64_t b = 0; b < count; ++b) {
    double* m = a.data<double>() + b * mat;
    const int info = tri_ ? lin::tri_inverse(m, n, upper_) : lin::inverse(m, n);
    if (info != 0)
      fail(tri_ ? "linalg.tri_inv" : "linalg.inv", "The matrix is singular: ",
           tri_ ? "its diagonal entry " : "LU factorization found a zero pivot in column ", info - 1,
           tri_ ? " is zero." : ".");
  }
  store(a, out[0]);
}

void Cholesky::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = widen(in[0]);
  const int n = int(a.shape(-1));
  const int64_t mat = int64_t(n) * n, count = batch_count(a.shape(), 2);
  for (int64_t b = 0; b < count; ++b) lin::cholesky(a.data<double>() + b * mat, n, upper_);
  store(a, out[0]);
}

void QRF::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = widen(in[0]);
  const int m = int(a.shape(-2)), n = int(a.shape(-1)), k = std::min(m, n);
  array q = scratch(out[0].shape()), r = scratch(out[1].shape());
  const int64_t count = batch_count(a.shape(), 2);
  for (int64_t b = 0; b < count; ++b)
    lin::qr(a.data<double>() + b * m * n, m, n, q.data<double>() + b * m * k, r.data<double>() + b * k * n);
  store(q, out[0]);
  store(r, out[1]);
}

void SVD::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = widen(in[0]);
  const int64_t m = a.shape(-2), n = a.shape(-1), k = std::min(m, n);
  const int64_t count = batch_count(a.shape(), 2);
  array s = scratch(compute_uv_ ? out[1].shape() : out[0].shape());
  array u = compute_uv_ ? scratch(out[0].shape()) : array();
  array vt = compute_uv_ ? scratch(out[2].shape()) : array();
  for (int64_t b = 0; b < count; ++b)
    lin::svd(a.data<double>() + b * m * n, int(m), int(n), s.data<double>() + b * k,
             compute_uv_ ? u.data<double>() + b * m * m : nullptr, compute_uv_ ? vt.data<double>() + b * n * n : nullptr);
  if (!compute_uv_) return store(s, out[0]);
  store(u, out[0]);
  store(s, out[1]);
  store(vt, out[2]);
}

void Eigh::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = widen(in[0]);
  const int64_t n = a.shape(-1), count = batch_count(a.shape(), 2);
  array w = scratch(out[0].shape());
  array v = vectors_ ? scratch(out[1].shape()) : array();
  for (int64_t b = 0; b < count; ++b)
    lin::eigh(a.data<double>() + b * n * n, int(n), uplo_ == "U", w.data<double>() + b * n,
              vectors_ ? v.data<double>() + b * n * n : nullptr);
  store(w, out[0]);
  if (vectors_) store(v, out[1]);
}

void LUF::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = widen(in[0]);
  const int m = int(a.shape(-2)), n = int(a.shape(-1)), k = std::min(m, n);
  const int64_t count = batch_count(a.shape(), 2);
  out[1].allocate();
  out[2].allocate();
  std::vector<int> piv(k);
  for (int64_t b = 0; b < count; ++b) {
    lin::lu_factor(a.data<double>() + b * m * n, m, n, piv.data());  // a zero pivot is no error, as getrf's info > 0
    uint32_t* pivots = out[1].data<uint32_t>() + b * k;
    uint32_t* rows = out[2].data<uint32_t>() + b * m;
    for (int j = 0; j < m; ++j) rows[j] = uint32_t(j);
    for (int j = 0; j < k; ++j) pivots[j] = uint32_t(piv[j]);
    // rows[i]: the row of LU that row i of A became, so that A = L[rows] U
    // (the swaps undone in reverse order, as MLX).
    for (int j = k - 1; j >= 0; --j) std::swap(rows[j], rows[piv[j]]);
  }
  store(a, out[0]);
}

}  // namespace wmx

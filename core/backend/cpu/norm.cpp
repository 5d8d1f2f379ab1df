// The CPU kernels of RMSNorm and LayerNorm (their shapes and transform rules:
// core/primitives/norm.cpp).
#include "primitives/norm.h"

#include <cmath>
#include <optional>
#include <vector>

#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/norm_rows.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// A contiguous copy of a (any strides) as dtype t, or a itself when it already is one.
array contiguous_as(const array& a, Dtype t) {
  if (a.dtype() == t && a.row_contiguous()) return a;
  array c = array::empty(a.shape(), t);
  copy_convert(a, c);
  return c;
}

// Runs row(x_row, w, b, y_row, n) over every row of x along its last axis,
// threaded over rows; T is float (float32 kernels; other dtypes go through
// float copies, rounded once at the end) or double.
template <typename T, typename Row>
void norm_rows(const std::vector<array>& in, bool has_weight, bool has_bias, array& out, Row row) {
  constexpr Dtype work = std::is_same_v<T, float> ? Dtype::float32 : Dtype::float64;
  const array x = contiguous_as(in[0], work);
  int k = 1;
  const std::optional<array> w = has_weight ? std::optional<array>(contiguous_as(in[k++], work)) : std::nullopt;
  const std::optional<array> b = has_bias ? std::optional<array>(contiguous_as(in[k++], work)) : std::nullopt;
  const bool direct = out.dtype() == work;
  array y = direct ? out : array::empty(out.shape(), work);
  if (direct) out.allocate();
  const int64_t n = x.shape(-1), rows = n == 0 ? 0 : x.size() / n;
  const T* px = x.data<T>();
  const T* pw = w ? w->data<T>() : nullptr;
  const T* pb = b ? b->data<T>() : nullptr;
  T* py = y.data<T>();
  parallel_for(rows, std::max<int64_t>(1, (int64_t(1) << 14) / std::max<int64_t>(n, 1)), [&](int64_t s, int64_t e) {
    for (int64_t r = s; r < e; ++r) row(px + r * n, pw, pb, py + r * n, n);
  });
  if (!direct) copy_convert(y, out);
}

// The float64 rows: the same definitions, scalar.
void rms_norm_f64(const double* x, const double* w, double eps, double* y, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += x[i] * x[i];
  const double r = 1.0 / std::sqrt(s / double(n) + eps);
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * r * (w ? w[i] : 1.0);
}
void layer_norm_f64(const double* x, const double* w, const double* b, double eps, double* y, int64_t n) {
  double s = 0, v = 0;
  for (int64_t i = 0; i < n; ++i) s += x[i];
  const double mu = s / double(n);
  for (int64_t i = 0; i < n; ++i) v += (x[i] - mu) * (x[i] - mu);
  const double r = 1.0 / std::sqrt(v / double(n) + eps);
  for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - mu) * r * (w ? w[i] : 1.0) + (b ? b[i] : 0.0);
}

}  // namespace

void RMSNorm::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  if (in[0].dtype() == Dtype::float64) {
    const double eps = eps_;
    norm_rows<double>(in, has_weight_, false, out[0], [eps](const double* x, const double* w, const double*, double* y,
                                                            int64_t n) { rms_norm_f64(x, w, eps, y, n); });
  } else {
    const float eps = float(eps_);
    norm_rows<float>(in, has_weight_, false, out[0], [eps](const float* x, const float* w, const float*, float* y,
                                                          int64_t n) { rows::rms_norm_f32(x, w, eps, y, n); });
  }
}

void LayerNorm::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  if (in[0].dtype() == Dtype::float64) {
    const double eps = eps_;
    norm_rows<double>(in, has_weight_, has_bias_, out[0],
                      [eps](const double* x, const double* w, const double* b, double* y, int64_t n) {
                        layer_norm_f64(x, w, b, eps, y, n);
                      });
  } else {
    const float eps = float(eps_);
    norm_rows<float>(in, has_weight_, has_bias_, out[0],
                     [eps](const float* x, const float* w, const float* b, float* y, int64_t n) {
                       rows::layer_norm_f32(x, w, b, eps, y, n);
                     });
  }
}

}  // namespace wmx

// The CPU kernels of the axis primitives (softmax rows, scans, arg-reductions, sort) (their shapes and transform rules:
// core/primitives/scan.cpp).
#include "primitives/scan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "backend/cpu/kernels/rows.h"
#include "backend/cpu/kernels/strided.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// Processes one line of n elements: x[i * sx] -> y[i * sy].
using LineRun = void (*)(const void* x, int64_t sx, void* y, int64_t sy, int64_t n, const void* params);

// Calls run for every line of `in` along `axis`; `out` has in's shape except
// possibly along `axis`. Compiled once for all types. Threads take the rows of
// the collapsed layout; with `every_line` every line is a row of its own (the
// row kernels: a [rows, n] input along its last axis collapses to one row of
// lines, which would otherwise run on one thread).
void axis_driver(const array& in, int axis, const array& out, LineRun run, const void* params,
                 bool every_line = false) {
  if (in.size() == 0 || out.size() == 0) return;
  Shape sh;
  Strides si, so;
  for (int d = 0; d < in.ndim(); ++d) {
    if (d == axis) continue;
    sh.push_back(in.shape()[d]);
    si.push_back(in.strides()[d]);
    so.push_back(out.strides()[d]);
  }
  auto L = collapse_layout<2>(sh, {&si, &so});
  if (every_line) {  // a trailing size-1 dim: for_each_run's odometer walks lines, parallel_for splits them
    L.shape.push_back(1);
    for (auto& st : L.strides) st.push_back(0);
  }
  const int64_t n = in.shape()[axis], sx = in.strides()[axis], sy = out.strides()[axis];
  const char* x = static_cast<const char*>(in.raw_data());
  char* y = static_cast<char*>(out.raw_data());
  const int64_t ix = int64_t(in.itemsize()), iy = int64_t(out.itemsize());
  auto lines = [&](int64_t b, int64_t e) {
    for_each_run(L, b, e, [&](const std::array<int64_t, 2>& off, int64_t m, const std::array<int64_t, 2>& st) {
      for (int64_t k = 0; k < m; ++k) run(x + (off[0] + k * st[0]) * ix, sx, y + (off[1] + k * st[1]) * iy, sy, n, params);
    });
  };
  int64_t rows = L.rows();
  int64_t per_row = std::max<int64_t>(1, L.inner() * n);
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 15) / per_row);
  if (rows > 1) parallel_for(rows, grain, lines);
  else lines(0, rows);
}

// ---- scans ----

struct ScanParams {
  bool reverse, inclusive;
};

template <typename A> A scan_init(ScanType t) {
  switch (t) {
    case ScanType::sum: return A(0);
    case ScanType::prod: return A(1);
    case ScanType::max:
      if constexpr (std::numeric_limits<A>::has_infinity) return -std::numeric_limits<A>::infinity();
      else return std::numeric_limits<A>::lowest();
    default:
      if constexpr (std::numeric_limits<A>::has_infinity) return std::numeric_limits<A>::infinity();
      else return std::numeric_limits<A>::max();
  }
}

template <typename T, ScanType K>
void scan_run(const void* xv, int64_t sx, void* yv, int64_t sy, int64_t n, const void* pv) {
  using A = compute_t<T>;
  const T* x = static_cast<const T*>(xv);
  T* y = static_cast<T*>(yv);
  const auto& p = *static_cast<const ScanParams*>(pv);
  A acc = scan_init<A>(K);
  for (int64_t j = 0; j < n; ++j) {
    int64_t i = p.reverse ? n - 1 - j : j;
    A v = A(x[i * sx]);
    if (!p.inclusive) y[i * sy] = T(acc);
    if constexpr (K == ScanType::sum) acc = A(acc + v);
    else if constexpr (K == ScanType::prod) acc = A(acc * v);
    else if constexpr (K == ScanType::max) acc = (acc != acc || acc > v) ? acc : v;  // NaN sticks
    else acc = (acc != acc || acc < v) ? acc : v;
    if (p.inclusive) y[i * sy] = T(acc);
  }
}

// ---- arg reductions ----

template <typename T, bool Max>
void arg_run(const void* xv, int64_t sx, void* yv, int64_t, int64_t n, const void*) {
  using A = compute_t<T>;
  const T* x = static_cast<const T*>(xv);
  uint32_t best_i = 0;
  A best = A(x[0]);
  for (int64_t i = 1; i < n && best == best; ++i) {
    A v = A(x[i * sx]);
    bool better = Max ? (v > best) : (v < best);
    if (better || v != v) {
      best = v;
      best_i = uint32_t(i);
    }
  }
  *static_cast<uint32_t*>(yv) = best_i;
}

// ---- sort ----

template <typename A> bool nan_last_less(A a, A b) {
  if (b != b) return a == a;
  return a < b;
}

// One stable index sort serves both outputs (one sort instantiation per type
// keeps compile time down); sort writes the values in that order.
template <typename T>
void sort_run(const void* xv, int64_t sx, void* yv, int64_t sy, int64_t n, const void* pv) {
  using A = compute_t<T>;
  const T* x = static_cast<const T*>(xv);
  const bool indices = *static_cast<const bool*>(pv);
  std::vector<A> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = A(x[i * sx]);
  std::vector<uint32_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0u);
  std::stable_sort(idx.begin(), idx.end(), [&](uint32_t a, uint32_t b) { return nan_last_less(v[a], v[b]); });
  if (indices) {
    uint32_t* y = static_cast<uint32_t*>(yv);
    for (int64_t i = 0; i < n; ++i) y[i * sy] = idx[i];
  } else {
    T* y = static_cast<T*>(yv);
    for (int64_t i = 0; i < n; ++i) y[i * sy] = x[idx[i] * sx];
  }
}

// ---- softmax, log_softmax, logsumexp: one pass per row ----

enum class RowOp { softmax, log_softmax, logsumexp };

template <RowOp K> void row_f32(const float* x, float* y, int64_t n) {
  if constexpr (K == RowOp::softmax) rows::softmax_f32(x, y, n);
  else if constexpr (K == RowOp::log_softmax) rows::log_softmax_f32(x, y, n);
  else *y = rows::logsumexp_f32(x, n);
}

// float32, float16, bfloat16: the float32 SIMD row kernel, straight on the
// data for a contiguous float32 line, else on a float copy of the line
// (half types round once, at the end). logsumexp writes one value.
template <typename T, RowOp K>
void row_run(const void* xv, int64_t sx, void* yv, int64_t sy, int64_t n, const void*) {
  const T* x = static_cast<const T*>(xv);
  T* y = static_cast<T*>(yv);
  if constexpr (std::is_same_v<T, float>) {
    if (sx == 1 && (sy == 1 || K == RowOp::logsumexp)) return row_f32<K>(x, y, n);
  }
  float small[256];  // short rows (many of them, typically) skip the heap
  std::vector<float> big;
  float* buf = small;
  if (n > 256) {
    big.resize(size_t(n));
    buf = big.data();
  }
  for (int64_t i = 0; i < n; ++i) buf[i] = float(x[i * sx]);
  if constexpr (K == RowOp::logsumexp) {
    float r;
    row_f32<K>(buf, &r, n);
    *y = T(r);
  } else {
    row_f32<K>(buf, buf, n);
    for (int64_t i = 0; i < n; ++i) y[i * sy] = T(buf[i]);
  }
}

// float64: scalar, the same definitions as rows.h.
template <RowOp K>
void row_run_f64(const void* xv, int64_t sx, void* yv, int64_t sy, int64_t n, const void*) {
  const double* x = static_cast<const double*>(xv);
  double* y = static_cast<double*>(yv);
  double m = x[0];
  for (int64_t i = 1; i < n; ++i) m = (m != m || m > x[i * sx]) ? m : x[i * sx];
  if constexpr (K == RowOp::softmax) {
    double s = 0;
    for (int64_t i = 0; i < n; ++i) s += (y[i * sy] = std::exp(x[i * sx] - m));
    const double inv = 1.0 / s;
    for (int64_t i = 0; i < n; ++i) y[i * sy] *= inv;
  } else {
    double l = 0;  // log(sum(exp(x - m))); an infinite or NaN max stands alone
    if (std::isfinite(m)) {
      double s = 0;
      for (int64_t i = 0; i < n; ++i) s += std::exp(x[i * sx] - m);
      l = std::log(s);
    }
    if constexpr (K == RowOp::logsumexp) *y = m + l;
    else for (int64_t i = 0; i < n; ++i) y[i * sy] = (x[i * sx] - m) - l;
  }
}

template <RowOp K> LineRun row_run_for(Dtype t) {
  switch (t) {
    case Dtype::float16: return &row_run<float16_t, K>;
    case Dtype::bfloat16: return &row_run<bfloat16_t, K>;
    case Dtype::float64: return &row_run_f64<K>;
    default: return &row_run<float, K>;  // the ops layer only emits floating inputs
  }
}

}  // namespace

void Softmax::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  axis_driver(in[0], axis_, out[0], row_run_for<RowOp::softmax>(in[0].dtype()), nullptr, /*every_line=*/true);
}

void LogSoftmax::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  axis_driver(in[0], axis_, out[0], row_run_for<RowOp::log_softmax>(in[0].dtype()), nullptr, /*every_line=*/true);
}

void LogSumExp::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  axis_driver(in[0], axis_, out[0], row_run_for<RowOp::logsumexp>(in[0].dtype()), nullptr, /*every_line=*/true);
}

void Scan::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  ScanParams params{reverse_, inclusive_};
  LineRun run = dispatch_dtype(in[0].dtype(), [&](auto t) -> LineRun {
    using T = decltype(t);
    switch (type_) {
      case ScanType::sum: return &scan_run<T, ScanType::sum>;
      case ScanType::prod: return &scan_run<T, ScanType::prod>;
      case ScanType::max: return &scan_run<T, ScanType::max>;
      default: return &scan_run<T, ScanType::min>;
    }
  });
  axis_driver(in[0], axis_, out[0], run, &params);
}

void ArgReduce::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  LineRun run = dispatch_dtype(in[0].dtype(), [&](auto t) -> LineRun {
    using T = decltype(t);
    return is_max_ ? &arg_run<T, true> : &arg_run<T, false>;
  });
  axis_driver(in[0], axis_, out[0], run, nullptr);
}

void Sort::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  LineRun run = dispatch_dtype(in[0].dtype(), [&](auto t) -> LineRun { return &sort_run<decltype(t)>; });
  axis_driver(in[0], axis_, out[0], run, &indices_);
}

}  // namespace wmx

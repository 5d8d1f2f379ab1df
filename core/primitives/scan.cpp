#include "primitives/scan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include "backend/cpu/kernels/rows.h"
#include "backend/cpu/kernels/strided.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"
#include "reduce_ops.h"
#include "shape_ops.h"
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

namespace {
// vmap of a primitive along one axis: the batch goes first, the op is applied
// again along the shifted axis, and the result is batched at 0 (or not at all).
template <typename Op>
std::pair<std::vector<array>, std::vector<int>> along_batched(const array& in, int batch_axis, int axis, Op op) {
  array x = batch_first(in, batch_axis);
  return {{op(x, batch_axis >= 0 ? axis + 1 : axis)}, {batch_axis >= 0 ? 0 : -1}};
}
}  // namespace

// ---- Softmax ----

void Softmax::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  axis_driver(in[0], axis_, out[0], row_run_for<RowOp::softmax>(in[0].dtype()), nullptr, /*every_line=*/true);
}

// With y = softmax(x): vjp y * (c - sum(c * y)); jvp y * (t - sum(t * y)).
std::vector<array> Softmax::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                const std::vector<array>& out) {
  const array& y = out[0];
  return {multiply(y, subtract(cot[0], sum(multiply(cot[0], y), {axis_}, true)))};
}
std::vector<array> Softmax::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  array y = softmax(p[0], {axis_});
  return {multiply(y, subtract(tan[0], sum(multiply(tan[0], y), {axis_}, true)))};
}
std::pair<std::vector<array>, std::vector<int>> Softmax::vmap(const std::vector<array>& in,
                                                                  const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_, [&](const array& x, int axis) { return softmax(x, {axis}); });
}

// ---- LogSoftmax ----

void LogSoftmax::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  axis_driver(in[0], axis_, out[0], row_run_for<RowOp::log_softmax>(in[0].dtype()), nullptr, /*every_line=*/true);
}

// With y = log_softmax(x), softmax = exp(y): vjp c - exp(y) * sum(c);
// jvp t - sum(t * exp(y)).
std::vector<array> LogSoftmax::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                   const std::vector<array>& out) {
  return {subtract(cot[0], multiply(exp(out[0]), sum(cot[0], {axis_}, true)))};
}
std::vector<array> LogSoftmax::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                   const std::vector<int>&) {
  array y = log_softmax(p[0], {axis_});
  return {subtract(tan[0], sum(multiply(tan[0], exp(y)), {axis_}, true))};
}
std::pair<std::vector<array>, std::vector<int>> LogSoftmax::vmap(const std::vector<array>& in,
                                                                     const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_, [&](const array& x, int axis) { return log_softmax(x, {axis}); });
}

// ---- LogSumExp ----

void LogSumExp::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  axis_driver(in[0], axis_, out[0], row_run_for<RowOp::logsumexp>(in[0].dtype()), nullptr, /*every_line=*/true);
}

// With l = logsumexp(x) (axis kept): vjp c * exp(x - l) = c * softmax(x);
// jvp sum(t * exp(x - l)).
std::vector<array> LogSumExp::vjp(const std::vector<array>& p, const std::vector<array>& cot, const std::vector<int>&,
                                  const std::vector<array>& out) {
  return {multiply(cot[0], exp(subtract(p[0], out[0])))};
}
std::vector<array> LogSumExp::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  array l = logsumexp(p[0], {axis_}, true);
  return {sum(multiply(tan[0], exp(subtract(p[0], l))), {axis_}, true)};
}
std::pair<std::vector<array>, std::vector<int>> LogSumExp::vmap(const std::vector<array>& in,
                                                                    const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_, [&](const array& x, int axis) { return logsumexp(x, {axis}, true); });
}

// ---- Scan ----

const char* Scan::name() const {
  switch (type_) {
    case ScanType::sum: return "CumSum";
    case ScanType::prod: return "CumProd";
    case ScanType::max: return "CumMax";
    default: return "CumMin";
  }
}

bool Scan::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Scan*>(&o);
  return p && p->type_ == type_ && p->axis_ == axis_ && p->reverse_ == reverse_ && p->inclusive_ == inclusive_;
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

namespace {

array scan_op(ScanType t, const array& x, int axis, bool reverse, bool inclusive) {
  switch (t) {
    case ScanType::sum: return cumsum(x, axis, reverse, inclusive);
    case ScanType::prod: return cumprod(x, axis, reverse, inclusive);
    case ScanType::max: return cummax(x, axis, reverse, inclusive);
    default: return cummin(x, axis, reverse, inclusive);
  }
}

// For cummax/cummin: W[..., i, j] (i the output position, j the input
// position, along two trailing axes) is 1 where y_i took its value from x_j:
// j is the last "record" (x_j == inclusive scan at j) at or before i in scan
// order (strictly before i for exclusive scans). Both derivatives are
// contractions with W: vjp dx_j = sum_i W_ij c_i, jvp dy_i = sum_j W_ij t_j.
array owner_matrix(ScanType t, const array& x, int axis, bool reverse, bool inclusive) {
  array xl = moveaxis(x, axis, -1);
  const int64_t n = xl.shape(-1);
  array yin = scan_op(t, xl, -1, reverse, true);
  array rec = astype(equal(xl, yin), Dtype::int32);  // records
  array cm = cumsum(rec, -1, reverse, true);         // record count up to j (in scan order)
  array pos = arange(0, double(n), 1, Dtype::int32);
  array i = reshape(pos, {n, 1}), j = reshape(pos, {1, n});
  // j at or before i in scan order (strictly before for exclusive).
  array order = reverse ? (inclusive ? greater_equal(j, i) : greater(j, i)) : (inclusive ? less_equal(j, i) : less(j, i));
  // The owner of output i is the record whose count equals the count at i
  // (inclusive) or just before i (exclusive).
  array cm_i = expand_dims(inclusive ? cm : cumsum(rec, -1, reverse, false), {-1});  // [..., n, 1]
  array cm_j = expand_dims(cm, {-2});                                                // [..., 1, n]
  array w = logical_and(logical_and(order, astype(expand_dims(rec, {-2}), Dtype::bool_)), equal(cm_i, cm_j));
  return astype(w, x.dtype());
}

// cumprod's derivatives without dividing by zeros. Only the first zero z
// along the axis (in scan order) needs care: outputs whose window doesn't
// reach z have no zero factor, so y / x_j works for them; outputs whose
// window holds z depend (to first order) on x_z alone, through y'_i, the
// scan with x_z replaced by 1 (y'_i is 0 when the window holds a second zero).
struct CumprodParts {
  array y;             // the scan
  array y1;            // the scan with the first zero replaced by 1
  array x_safe;        // x with zeros replaced by 1 (for the quotients)
  array first_zero;    // bool: the first zero along the axis
  array before_zero;   // bool: positions before the first zero
  array window_zero;   // bool: outputs whose window holds a zero
};
CumprodParts cumprod_parts(const array& x, int axis, bool reverse, bool inclusive) {
  array zero = array::scalar(0, x.dtype()), one = array::scalar(1, x.dtype());
  array is_zero = equal(x, zero);
  array zi = astype(is_zero, Dtype::int32);
  array none_before = equal(cumsum(zi, axis, reverse, false), array::scalar(0, Dtype::int32));
  array first = logical_and(none_before, is_zero);
  array before = logical_and(none_before, logical_not(is_zero));
  array x1 = where(first, one, x);
  return {cumprod(x, axis, reverse, inclusive),
          cumprod(x1, axis, reverse, inclusive),
          where(is_zero, one, x),
          first,
          before,
          greater(cumsum(zi, axis, reverse, inclusive), array::scalar(0, Dtype::int32))};
}

}  // namespace

std::vector<array> Scan::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                             const std::vector<int>&, const std::vector<array>& out) {
  const array& x = p[0];
  const array& c = cot[0];
  switch (type_) {
    case ScanType::sum: return {cumsum(c, axis_, !reverse_, inclusive_)};
    case ScanType::prod: {
      // dx_j = sum over outputs i whose window holds j of c_i * (product of the window without x_j).
      CumprodParts q = cumprod_parts(x, axis_, reverse_, inclusive_);
      array from_y = divide(cumsum(multiply(c, q.y), axis_, !reverse_, inclusive_), q.x_safe);
      array from_y1 = cumsum(multiply(c, q.y1), axis_, !reverse_, inclusive_);
      array zero = full_like(x, 0.0, from_y.dtype());
      return {where(q.before_zero, from_y, where(q.first_zero, from_y1, zero))};
    }
    default: {
      array w = owner_matrix(type_, x, axis_, reverse_, inclusive_);  // [..., i, j]
      array cl = expand_dims(moveaxis(c, axis_, -1), {-1});           // [..., i, 1]
      array g = sum(multiply(w, cl), {-2});                            // [..., j]
      return {moveaxis(g, -1, axis_)};
    }
  }
}

std::vector<array> Scan::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  const array& x = p[0];
  const array& t = tan[0];
  switch (type_) {
    case ScanType::sum: return {cumsum(t, axis_, reverse_, inclusive_)};
    case ScanType::prod: {
      CumprodParts q = cumprod_parts(x, axis_, reverse_, inclusive_);
      array no_zero = multiply(q.y, cumsum(divide(t, q.x_safe), axis_, reverse_, inclusive_));
      array t_first = sum(where(q.first_zero, t, full_like(t, 0.0, t.dtype())), {axis_}, true);
      return {where(q.window_zero, multiply(t_first, q.y1), no_zero)};
    }
    default: {
      array w = owner_matrix(type_, x, axis_, reverse_, inclusive_);  // [..., i, j]
      array tl = expand_dims(moveaxis(t, axis_, -1), {-2});           // [..., 1, j]
      array g = sum(multiply(w, tl), {-1});                            // [..., i]
      return {moveaxis(g, -1, axis_)};
    }
  }
}

std::pair<std::vector<array>, std::vector<int>> Scan::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  array x = batch_first(in[0], ax[0]);
  int axis = ax[0] >= 0 ? axis_ + 1 : axis_;
  return {{scan_op(type_, x, axis, reverse_, inclusive_)}, {ax[0] >= 0 ? 0 : -1}};
}

// ---- ArgReduce ----

bool ArgReduce::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const ArgReduce*>(&o);
  return p && p->is_max_ == is_max_ && p->axis_ == axis_;
}

void ArgReduce::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  LineRun run = dispatch_dtype(in[0].dtype(), [&](auto t) -> LineRun {
    using T = decltype(t);
    return is_max_ ? &arg_run<T, true> : &arg_run<T, false>;
  });
  axis_driver(in[0], axis_, out[0], run, nullptr);
}

std::vector<array> ArgReduce::vjp(const std::vector<array>& p, const std::vector<array>&, const std::vector<int>&,
                                  const std::vector<array>&) {
  return {full_like(p[0], 0.0, p[0].dtype())};
}
std::vector<array> ArgReduce::jvp(const std::vector<array>& p, const std::vector<array>&, const std::vector<int>&) {
  Shape s = p[0].shape();
  s[axis_] = 1;
  return {zeros(s, Dtype::uint32)};
}
std::pair<std::vector<array>, std::vector<int>> ArgReduce::vmap(const std::vector<array>& in,
                                                                const std::vector<int>& ax) {
  array x = batch_first(in[0], ax[0]);
  int axis = ax[0] >= 0 ? axis_ + 1 : axis_;
  return {{is_max_ ? argmax(x, axis, true) : argmin(x, axis, true)}, {ax[0] >= 0 ? 0 : -1}};
}

// ---- Sort ----

bool Sort::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Sort*>(&o);
  return p && p->axis_ == axis_ && p->indices_ == indices_;
}

void Sort::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].allocate();
  LineRun run = dispatch_dtype(in[0].dtype(), [&](auto t) -> LineRun { return &sort_run<decltype(t)>; });
  axis_driver(in[0], axis_, out[0], run, &indices_);
}

std::vector<array> Sort::vjp(const std::vector<array>& p, const std::vector<array>& cot, const std::vector<int>&,
                             const std::vector<array>&) {
  if (indices_) return {full_like(p[0], 0.0, p[0].dtype())};
  // sort(x) = take_along_axis(x, argsort(x)): scatter the cotangent back. The
  // permutation is locally constant (as in MLX), so higher orders never ask
  // for a gradient of the integer indices.
  array idx = stop_gradient(argsort(p[0], axis_));
  return {put_along_axis(full_like(p[0], 0.0, cot[0].dtype()), idx, cot[0], axis_)};
}
std::vector<array> Sort::jvp(const std::vector<array>& p, const std::vector<array>& tan, const std::vector<int>&) {
  if (indices_) return {full_like(p[0], 0.0, Dtype::uint32)};
  return {take_along_axis(tan[0], stop_gradient(argsort(p[0], axis_)), axis_)};
}
std::pair<std::vector<array>, std::vector<int>> Sort::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return along_batched(in[0], ax[0], axis_,
                       [&](const array& x, int axis) { return indices_ ? argsort(x, axis) : sort(x, axis); });
}

}  // namespace wmx

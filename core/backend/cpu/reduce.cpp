// The CPU kernels of the reductions (their shapes and transform rules:
// core/primitives/reduce.cpp).
#include "primitives/reduce.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "backend/cpu/kernels/reductions.h"
#include "backend/cpu/kernels/strided.h"
#include "thread_pool.h"

namespace wmx {

namespace {

using namespace reduction;

// Reduces n contiguous elements. float32 sums run four SIMD accumulators
// over blocks of 1024 elements and add the block sums in double: summing many
// terms into one float32 would otherwise let rounding errors pile up
// linearly (a sum of 2^18 equal terms drifted by 1.4e-4 before this).
template <typename T, typename A, typename Op>
A reduce_contiguous(const T* x, int64_t n, Op op) {
  if constexpr (std::is_same_v<T, float> && std::is_same_v<Op, SumOp<double>>) {
    double total = 0;
    int64_t i = 0;
    while (i + 16 <= n) {
      const int64_t end = std::min(n - (n - i) % 16, i + kSumBlock);
      total += double(sum16(x + i, end - i));
      i = end;
    }
    for (; i < n; ++i) total += x[i];
    return total;
  } else {
    A acc = Op::init();
    for (int64_t i = 0; i < n; ++i) acc = op(acc, A(x[i]));
    return acc;
  }
}

// acc[i * sa] = op(acc[i * sa], x[i * sx]) for i < n; sa == 0 folds the run
// into one accumulator.
using ReduceRun = void (*)(const void* x, int64_t sx, void* acc, int64_t sa, int64_t n);

template <typename T, typename A, typename Op>
void reduce_run(const void* xv, int64_t sx, void* av, int64_t sa, int64_t n) {
  const T* x = static_cast<const T*>(xv);
  A* acc = static_cast<A*>(av);
  Op op{};
  if (sa == 0 && sx == 1) {
    *acc = op(*acc, reduce_contiguous<T, A>(x, n, op));
  } else if (sa == 0) {
    A a = *acc;
    for (int64_t i = 0; i < n; ++i) a = op(a, A(x[i * sx]));
    *acc = a;
  } else if (sx == 1 && sa == 1) {
    int64_t i = 0;
    if constexpr (std::is_same_v<T, float> && std::is_same_v<Op, SumOp<double>>) {
      // A row added into double accumulators (column sums: a bias gradient
      // over the batch), widened four at a time; same order, same results.
      for (; i + 4 <= n; i += 4) {
        const simd::f32x4 v = simd::load(x + i);
        simd::f64x2 lo, hi;
        std::memcpy(&lo, acc + i, 16);
        std::memcpy(&hi, acc + i + 2, 16);
        lo += __builtin_convertvector(__builtin_shufflevector(v, v, 0, 1), simd::f64x2);
        hi += __builtin_convertvector(__builtin_shufflevector(v, v, 2, 3), simd::f64x2);
        std::memcpy(acc + i, &lo, 16);
        std::memcpy(acc + i + 2, &hi, 16);
      }
    }
    for (; i < n; ++i) acc[i] = op(acc[i], A(x[i]));
  } else {
    for (int64_t i = 0; i < n; ++i) acc[i * sa] = op(acc[i * sa], A(x[i * sx]));
  }
}

// Walks the input with `astr` the accumulator strides in input index space
// (0 along reduced axes). Compiled once for all types.
void reduce_driver(const array& in, const Strides& astr, void* acc, size_t acc_item, ReduceRun run) {
  const char* x = static_cast<const char*>(in.raw_data());
  char* a = static_cast<char*>(acc);
  const int64_t ix = int64_t(in.itemsize()), ia = int64_t(acc_item);
  auto L = collapse_layout<2>(in.shape(), {&in.strides(), &astr});
  auto visit = [&](const std::array<int64_t, 2>& off, int64_t n, const std::array<int64_t, 2>& st) {
    run(x + off[0] * ix, st[0], a + off[1] * ia, st[1], n);
  };
  // Threads take disjoint slices of the outermost dimension when it is kept
  // (so no two threads touch the same accumulator).
  int64_t outer = L.shape.size() > 1 ? L.shape[0] : 1;
  if (outer > 1 && L.strides[1][0] != 0) {
    int64_t per = L.rows() / outer;
    int64_t grain = std::max<int64_t>(1, (int64_t(1) << 15) / std::max<int64_t>(1, per * L.inner()));
    parallel_for(outer, grain, [&](int64_t b, int64_t e) { for_each_run(L, b * per, e * per, visit); });
  } else {
    for_each_run(L, 0, L.rows(), visit);
  }
}

template <typename T, typename R, typename A, typename Op>
void reduce_typed(const array& in, array& out, const std::vector<int>& axes) {
  out.allocate();
  Strides astr = out.strides();
  for (int ax : axes) astr[ax] = 0;
  const int64_t n = out.size();
  if constexpr (std::is_same_v<A, R>) {
    R* o = out.data<R>();
    std::fill(o, o + n, Op::init());
    if (in.size() > 0) reduce_driver(in, astr, o, sizeof(A), &reduce_run<T, A, Op>);
  } else {  // half types accumulate in float
    std::vector<A> acc(n, Op::init());
    if (in.size() > 0) reduce_driver(in, astr, acc.data(), sizeof(A), &reduce_run<T, A, Op>);
    R* o = out.data<R>();
    for (int64_t i = 0; i < n; ++i) o[i] = R(acc[i]);
  }
}

}  // namespace

void NumberOfElements::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  double n = 1;
  for (int a : axes_) n *= double(in[0].shape()[a]);
  array v = array::scalar(inverted_ ? 1.0 / n : n, dtype_);
  out[0].allocate();
  std::memcpy(out[0].raw_data(), v.raw_data(), v.itemsize());
}
void Reduce::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& x = in[0];
  array& y = out[0];
  if (type_ == ReduceType::all || type_ == ReduceType::any) {
    dispatch_dtype(x.dtype(), [&](auto t) {
      using T = decltype(t);
      if (type_ == ReduceType::all) reduce_typed<T, bool, bool, AllOp>(x, y, axes_);
      else reduce_typed<T, bool, bool, AnyOp>(x, y, axes_);
    });
    return;
  }
  // Sum/prod may widen (bool -> int32); the ops layer chose y's dtype.
  dispatch_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_same_v<T, bool>) {
      using A = int32_t;
      switch (type_) {
        case ReduceType::sum: return reduce_typed<T, A, A, SumOp<A>>(x, y, axes_);
        case ReduceType::prod: return reduce_typed<T, A, A, ProdOp<A>>(x, y, axes_);
        case ReduceType::max: return reduce_typed<T, bool, bool, AnyOp>(x, y, axes_);
        default: return reduce_typed<T, bool, bool, AllOp>(x, y, axes_);
      }
    } else {
      using A = compute_t<T>;
      switch (type_) {
        case ReduceType::sum:
          // Floating sums accumulate in double whatever the layout (strided
          // and column sums too), and round once at the end.
          if constexpr (std::is_floating_point_v<A>) return reduce_typed<T, T, double, SumOp<double>>(x, y, axes_);
          else return reduce_typed<T, T, A, SumOp<A>>(x, y, axes_);
        case ReduceType::prod: return reduce_typed<T, T, A, ProdOp<A>>(x, y, axes_);
        case ReduceType::max: return reduce_typed<T, T, A, MaxOp<A>>(x, y, axes_);
        default: return reduce_typed<T, T, A, MinOp<A>>(x, y, axes_);
      }
    }
  });
}

}  // namespace wmx

// The CPU kernels of Matmul (their shapes and transform rules:
// core/primitives/matmul.cpp).
#include "primitives/matmul.h"

#include <algorithm>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/gemm.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// Calls f(a_offset, b_offset, c_offset) for every matrix of the batch. A
// product too small to be threaded inside (under kGemmParallelMacs, as
// attention's per-head products) is threaded across the batch instead, about
// 64K multiply-adds a task; larger ones run one after another, each threaded.
template <typename F>
void for_each_batch(const array& a, const array& b, const array& c, int64_t macs, F&& f) {
  const int nb = c.ndim() - 2;
  Shape batch(c.shape().begin(), c.shape().begin() + nb);
  int64_t count = shape_size(batch);
  const int64_t mat = c.shape(-2) * c.shape(-1);
  auto run = [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) {
      int64_t r = i, oa = 0, ob = 0;
      for (int d = nb - 1; d >= 0; --d) {
        int64_t idx = r % batch[d];
        r /= batch[d];
        oa += idx * a.strides()[d];
        ob += idx * b.strides()[d];
      }
      f(oa, ob, i * mat);
    }
  };
  if (macs >= kGemmParallelMacs) return run(0, count);
  parallel_for(count, std::max<int64_t>(1, (kGemmParallelMacs / 16) / std::max<int64_t>(1, macs)), run);
}

// Half-precision inputs are widened to float32 once, multiplied, and narrowed.
array widen_to_f32(const array& x) {
  array w(x.shape(), Dtype::float32, nullptr, {});
  copy_convert(x, w);
  return w;
}

}  // namespace

void Matmul::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array a = in[0], b = in[1];
  array& c = out[0];
  const int64_t M = a.shape(-2), K = a.shape(-1), N = b.shape(-1);
  const int na = a.ndim(), nbd = b.ndim();
  switch (c.dtype()) {
    case Dtype::float32:
    case Dtype::float16:
    case Dtype::bfloat16: {
      const bool half = c.dtype() != Dtype::float32;
      if (half) {
        a = widen_to_f32(a);
        b = widen_to_f32(b);
      }
      array cf = half ? array(c.shape(), Dtype::float32, nullptr, {}) : c;
      cf.allocate();
      for_each_batch(a, b, cf, M * N * K, [&](int64_t oa, int64_t ob, int64_t oc) {
        gemm_f32(M, N, K, {a.data<float>() + oa, a.strides()[na - 2], a.strides()[na - 1]},
                 {b.data<float>() + ob, b.strides()[nbd - 2], b.strides()[nbd - 1]}, cf.data<float>() + oc, N);
      });
      if (half) {
        copy_convert(cf, c);
      }
      return;
    }
    case Dtype::float64: {
      c.allocate();
      for_each_batch(a, b, c, M * N * K, [&](int64_t oa, int64_t ob, int64_t oc) {
        gemm_f64(M, N, K, {a.data<double>() + oa, a.strides()[na - 2], a.strides()[na - 1]},
                 {b.data<double>() + ob, b.strides()[nbd - 2], b.strides()[nbd - 1]}, c.data<double>() + oc, N);
      });
      return;
    }
    default:
      break;  // the ops layer rejects other dtypes
  }
}

}  // namespace wmx

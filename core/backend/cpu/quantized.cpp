// The CPU kernels of the affine quantization primitives (their shapes and transform rules:
// core/primitives/quantized.cpp).
#include "primitives/quantized.h"

#include <algorithm>
#include <vector>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/quantized.h"
#include "thread_pool.h"

namespace wmx {

array row_contiguous_as(const array& x, Dtype t) {
  if (x.dtype() == t && x.row_contiguous() && x.is_evaluated()) return x;
  array out(x.shape(), t, nullptr, {});
  copy_convert(x, out);
  return out;
}

namespace {

// The number of matrices in a batch of them.
int64_t batch_count(const array& w) { return w.size() / (w.shape(-2) * w.shape(-1)); }

}  // namespace

// The products run in float32 whatever the floating dtype (half inputs are
// widened, float64 narrowed), and the output is converted back.
void QuantizedMatmul::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array x = row_contiguous_as(in[0], Dtype::float32);
  const array w = row_contiguous_as(in[1], Dtype::uint32);
  const array s = row_contiguous_as(in[2], Dtype::float32);
  const array b = row_contiguous_as(in[3], Dtype::float32);
  array& o = out[0];
  array of = o.dtype() == Dtype::float32 ? o : array(o.shape(), Dtype::float32, nullptr, {});
  of.allocate();
  const int bits = bits_, gs = group_size_;
  const int64_t wrows = w.shape(-2), wwords = w.shape(-1);
  const int64_t groups = s.shape(-1);
  const int64_t K = x.shape(-1), N = o.shape(-1);
  const int64_t nbatch = w.ndim() > 2 ? batch_count(w) : 1;
  const int64_t M = x.size() / (K * nbatch);  // rows of x per weight matrix
  const float* xp = x.data<float>();
  const uint32_t* wp = w.data<uint32_t>();
  const float* sp = s.data<float>();
  const float* bp = b.data<float>();
  float* op = of.data<float>();
  for (int64_t bi = 0; bi < nbatch; ++bi) {
    const float* xb = xp + bi * M * K;
    const uint32_t* wb = wp + bi * wrows * wwords;
    const float* sb = sp + bi * wrows * groups;
    const float* bb = bp + bi * wrows * groups;
    float* ob = op + bi * M * N;
    if (transpose_) {
      // w is (N, K): each output column n is one dequantized row of w dotted
      // with every row of x. Threads take blocks of columns.
      parallel_for(N, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, M * K / 64)), [&](int64_t n0, int64_t n1) {
        std::vector<float> row(K);
        for (int64_t n = n0; n < n1; ++n) {
          dequantize_row(wb + n * wwords, sb + n * groups, bb + n * groups, K, bits, gs, row.data());
          for (int64_t m = 0; m < M; ++m) ob[m * N + n] = dot_f32(xb + m * K, row.data(), K);
        }
      });
    } else {
      // w is (K, N): output row m accumulates x[m, k] times dequantized row k.
      // Threads take blocks of output rows, each dequantizing the rows of w.
      parallel_for(M, std::max<int64_t>(1, 64), [&](int64_t m0, int64_t m1) {
        std::vector<float> row(N);
        for (int64_t m = m0; m < m1; ++m) std::fill(ob + m * N, ob + (m + 1) * N, 0.0f);
        for (int64_t k = 0; k < K; ++k) {
          dequantize_row(wb + k * wwords, sb + k * groups, bb + k * groups, N, bits, gs, row.data());
          for (int64_t m = m0; m < m1; ++m) axpy_f32(xb[m * K + k], row.data(), ob + m * N, N);
        }
      });
    }
  }
  if (o.dtype() != Dtype::float32) copy_convert(of, o);
}

void Dequantize::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array w = row_contiguous_as(in[0], Dtype::uint32);
  const array s = row_contiguous_as(in[1], Dtype::float32);
  const array b = row_contiguous_as(in[2], Dtype::float32);
  array& o = out[0];
  array of = o.dtype() == Dtype::float32 ? o : array(o.shape(), Dtype::float32, nullptr, {});
  of.allocate();
  const int64_t rows = w.size() / w.shape(-1), wwords = w.shape(-1), n = o.shape(-1), groups = s.shape(-1);
  const uint32_t* wp = w.data<uint32_t>();
  const float* sp = s.data<float>();
  const float* bp = b.data<float>();
  float* op = of.data<float>();
  parallel_for(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, n)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r)
      dequantize_row(wp + r * wwords, sp + r * groups, bp + r * groups, n, bits_, group_size_, op + r * n);
  });
  if (o.dtype() != Dtype::float32) copy_convert(of, o);
}

}  // namespace wmx

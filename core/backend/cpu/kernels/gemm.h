// Matrix multiply kernels: C (M x N, row-contiguous with leading dim ldc) =
// A (M x K) * B (K x N), where A and B are addressed by (row, column) strides
// so transposed views need no copy.
#pragma once
#include <cstdint>

namespace wmx {

struct MatrixView {
  const void* data;
  int64_t row_stride;  // in elements
  int64_t col_stride;
};

// A product of fewer multiply-adds runs on the calling thread alone (some
// tens of microseconds): handing its packing and tiles to the pool costs more
// than the pool saves. A batch of such products is threaded across the batch.
constexpr int64_t kGemmParallelMacs = int64_t(1) << 20;

// Packed, register-blocked single-precision GEMM (BLIS-style); threaded.
void gemm_f32(int64_t M, int64_t N, int64_t K, MatrixView A, MatrixView B, float* C, int64_t ldc);
// Straightforward blocked double-precision GEMM.
void gemm_f64(int64_t M, int64_t N, int64_t K, MatrixView A, MatrixView B, double* C, int64_t ldc);

}  // namespace wmx

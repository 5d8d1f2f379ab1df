#include "backend/cpu/kernels/gemm.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "backend/cpu/kernels/simd.h"
#include "thread_pool.h"

namespace wmx {

namespace {

using simd::f32x4;

// Micro-tile of C held in registers: MR rows x NR columns = 8 SIMD
// accumulators, plus 2 B vectors and 1 broadcast A value: 11 of the 16 SIMD
// registers V8 has on x86, so nothing spills.
constexpr int MR = 4;
constexpr int NR = 8;
constexpr int64_t KC = 256;  // depth of one packed block (A panel 4 KB, B panel 8 KB: L1)
constexpr int64_t NC = 2048;  // columns of B packed at once (KC*NC floats = 2 MB)
constexpr int64_t kDirectBRows = 128;  // at most this many rows of A read a row-major B unpacked (see gemm_f32)

// The 4x4 block whose rows start at s0..s3, transposed in registers: its
// column i goes to d_i (packing reads along one axis and stores along the other).
inline void transpose4x4(const float* s0, const float* s1, const float* s2, const float* s3, float* d0, float* d1,
                         float* d2, float* d3) {
  const f32x4 a = simd::load(s0), b = simd::load(s1), c = simd::load(s2), d = simd::load(s3);
  const f32x4 ab_lo = __builtin_shufflevector(a, b, 0, 4, 1, 5), ab_hi = __builtin_shufflevector(a, b, 2, 6, 3, 7);
  const f32x4 cd_lo = __builtin_shufflevector(c, d, 0, 4, 1, 5), cd_hi = __builtin_shufflevector(c, d, 2, 6, 3, 7);
  simd::store(d0, __builtin_shufflevector(ab_lo, cd_lo, 0, 1, 4, 5));
  simd::store(d1, __builtin_shufflevector(ab_lo, cd_lo, 2, 3, 6, 7));
  simd::store(d2, __builtin_shufflevector(ab_hi, cd_hi, 0, 1, 4, 5));
  simd::store(d3, __builtin_shufflevector(ab_hi, cd_hi, 2, 3, 6, 7));
}

// Packs rows [0, M) of A's columns [k0, k0+kc) as MR-row panels: panel p holds
// A[p*MR + r][k0 + k] at p*MR*kc + k*MR + r; rows past M are zero.
void pack_a(const float* A, int64_t rs, int64_t cs, int64_t M, int64_t k0, int64_t kc, float* out, bool par) {
  int64_t panels = (M + MR - 1) / MR;
  parallel_for(panels, par ? 16 : panels, [&](int64_t pb, int64_t pe) {
    for (int64_t p = pb; p < pe; ++p) {
      float* dst = out + p * MR * kc;
      if (rs == 1 && (p + 1) * MR <= M) {
        // A's columns are contiguous (a transposed view, as X^T in a weight
        // gradient): a panel's MR rows at depth k are MR adjacent floats, one
        // vector, where the loop below would read each on its own line.
        static_assert(MR == 4, "one f32x4 per depth step");
        const float* src = A + p * MR + k0 * cs;
        for (int64_t k = 0; k < kc; ++k) simd::store(dst + k * MR, simd::load(src + k * cs));
        continue;
      }
      if (cs == 1 && (p + 1) * MR <= M) {
        // Rows contiguous: 4x4 blocks transposed in registers, four vector
        // stores where the loop below stores one float at a time (for a
        // narrow B the packing of A is as long as the product).
        const float* r0 = A + p * MR * rs + k0;
        const float *r1 = r0 + rs, *r2 = r1 + rs, *r3 = r2 + rs;
        int64_t k = 0;
        for (; k + 4 <= kc; k += 4) {
          float* d = dst + k * MR;
          transpose4x4(r0 + k, r1 + k, r2 + k, r3 + k, d, d + 4, d + 8, d + 12);
        }
        for (; k < kc; ++k) {
          dst[k * MR] = r0[k], dst[k * MR + 1] = r1[k], dst[k * MR + 2] = r2[k], dst[k * MR + 3] = r3[k];
        }
        continue;
      }
      for (int r = 0; r < MR; ++r) {
        int64_t row = p * MR + r;
        if (row < M) {
          const float* src = A + row * rs + k0 * cs;
          for (int64_t k = 0; k < kc; ++k) dst[k * MR + r] = src[k * cs];
        } else {
          for (int64_t k = 0; k < kc; ++k) dst[k * MR + r] = 0.0f;
        }
      }
    }
  });
}

// Packs B's rows [k0, k0+kc) and columns [j0, j0+nc) as NR-column panels.
void pack_b(const float* B, int64_t rs, int64_t cs, int64_t k0, int64_t kc, int64_t j0, int64_t nc,
            float* out, bool par) {
  int64_t panels = (nc + NR - 1) / NR;
  parallel_for(panels, par ? 8 : panels, [&](int64_t pb, int64_t pe) {
    for (int64_t p = pb; p < pe; ++p) {
      float* dst = out + p * NR * kc;
      int64_t cols = std::min<int64_t>(NR, nc - p * NR);
      if (rs == 1 && cols == NR) {
        // B's columns are contiguous (a transposed view: x W^T in a linear
        // layer, q k^T in attention): 4 columns x 4 depths at a time, loaded
        // down the columns and transposed in registers, where the loop below
        // would gather each float from its own column.
        static_assert(NR % 4 == 0, "whole 4-column groups");
        for (int c0 = 0; c0 < NR; c0 += 4) {
          const float* col = B + k0 + (j0 + p * NR + c0) * cs;
          int64_t k = 0;
          for (; k + 4 <= kc; k += 4) {
            float* d = dst + k * NR + c0;
            transpose4x4(col + k, col + cs + k, col + 2 * cs + k, col + 3 * cs + k, d, d + NR, d + 2 * NR, d + 3 * NR);
          }
          for (; k < kc; ++k)
            for (int c = 0; c < 4; ++c) dst[k * NR + c0 + c] = col[c * cs + k];
        }
        continue;
      }
      for (int64_t k = 0; k < kc; ++k) {
        const float* src = B + (k0 + k) * rs + (j0 + p * NR) * cs;
        float* d = dst + k * NR;
        if (cs == 1 && cols == NR) {
          std::memcpy(d, src, NR * sizeof(float));
        } else {
          int64_t c = 0;
          for (; c < cols; ++c) d[c] = src[c * cs];
          for (; c < NR; ++c) d[c] = 0.0f;
        }
      }
    }
  });
}

// C[0:MR, 0:NR] (+)= Apanel * Bpanel over kc; `accumulate` adds to C. The
// B panel's depth steps are ldb floats apart (NR when packed).
inline void micro_kernel(int64_t kc, const float* a, const float* b, int64_t ldb, float* C, int64_t ldc, int rows,
                         int cols, bool accumulate) {
  f32x4 c00 = simd::splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (int64_t k = 0; k < kc; ++k) {
    f32x4 b0 = simd::load(b), b1 = simd::load(b + 4);
    f32x4 a0 = simd::splat(a[0]);
    c00 += a0 * b0;
    c01 += a0 * b1;
    f32x4 a1 = simd::splat(a[1]);
    c10 += a1 * b0;
    c11 += a1 * b1;
    f32x4 a2 = simd::splat(a[2]);
    c20 += a2 * b0;
    c21 += a2 * b1;
    f32x4 a3 = simd::splat(a[3]);
    c30 += a3 * b0;
    c31 += a3 * b1;
    a += MR;
    b += ldb;
  }
  if (rows == MR && cols == NR) {
    f32x4 acc[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}};
    for (int r = 0; r < MR; ++r) {
      float* crow = C + r * ldc;
      if (accumulate) {
        simd::store(crow, simd::load(crow) + acc[r][0]);
        simd::store(crow + 4, simd::load(crow + 4) + acc[r][1]);
      } else {
        simd::store(crow, acc[r][0]);
        simd::store(crow + 4, acc[r][1]);
      }
    }
    return;
  }
  float tile[MR][NR];
  simd::store(tile[0], c00), simd::store(tile[0] + 4, c01);
  simd::store(tile[1], c10), simd::store(tile[1] + 4, c11);
  simd::store(tile[2], c20), simd::store(tile[2] + 4, c21);
  simd::store(tile[3], c30), simd::store(tile[3] + 4, c31);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) C[r * ldc + c] = accumulate ? C[r * ldc + c] + tile[r][c] : tile[r][c];
}

// Matrix-vector products (one side of the product is a single row or column)
// are bound by reading the matrix once, not by multiply-adds: packing panels
// for them, as the GEMM does, costs more than the product. These read the
// matrix in place instead.

// y[i * ys] = sum_k A[i, k] * x[k * xs] for i in [0, M): one dot product per
// row, in SIMD when the row and x are contiguous; threaded over rows.
void gemv_rows(int64_t M, int64_t K, const float* A, int64_t ars, int64_t acs, const float* x, int64_t xs,
               float* y, int64_t ys) {
  const bool contiguous = acs == 1 && xs == 1;
  parallel_for(M, M * K >= kGemmParallelMacs ? std::max<int64_t>(1, 16384 / std::max<int64_t>(1, K)) : M,
               [&](int64_t ib, int64_t ie) {
    for (int64_t i = ib; i < ie; ++i) {
      const float* a = A + i * ars;
      float sum = 0;
      int64_t k = 0;
      if (contiguous) {
        f32x4 s0 = simd::splat(0), s1 = s0, s2 = s0, s3 = s0;
        for (; k + 16 <= K; k += 16) {
          s0 += simd::load(a + k) * simd::load(x + k);
          s1 += simd::load(a + k + 4) * simd::load(x + k + 4);
          s2 += simd::load(a + k + 8) * simd::load(x + k + 8);
          s3 += simd::load(a + k + 12) * simd::load(x + k + 12);
        }
        for (; k + 4 <= K; k += 4) s0 += simd::load(a + k) * simd::load(x + k);
        sum = simd::hsum((s0 + s1) + (s2 + s3));
      }
      for (; k < K; ++k) sum += a[k * acs] * x[k * xs];
      y[i * ys] = sum;
    }
  });
}

// y[j] = sum_k x[k * xs] * B[k, j] for j in [0, N), B's rows contiguous: y
// accumulates x[k] * (row k of B), in SIMD, threaded over column blocks.
void gemv_cols(int64_t N, int64_t K, const float* B, int64_t brs, const float* x, int64_t xs, float* y) {
  constexpr int64_t kBlock = 1024;  // columns per task: a block of y stays in L1 while k runs
  parallel_for((N + kBlock - 1) / kBlock, N * K >= kGemmParallelMacs ? 1 : (N + kBlock - 1) / kBlock,
               [&](int64_t tb, int64_t te) {
    for (int64_t t = tb; t < te; ++t) {
      const int64_t j0 = t * kBlock, j1 = std::min(N, j0 + kBlock);
      std::fill(y + j0, y + j1, 0.0f);
      for (int64_t k = 0; k < K; ++k) {
        const float* b = B + k * brs;
        const float xk = x[k * xs];
        const f32x4 v = simd::splat(xk);
        int64_t j = j0;
        for (; j + 4 <= j1; j += 4) simd::store(y + j, simd::load(y + j) + v * simd::load(b + j));
        for (; j < j1; ++j) y[j] += xk * b[j];
      }
    }
  });
}

}  // namespace

void gemm_f32(int64_t M, int64_t N, int64_t K, MatrixView Av, MatrixView Bv, float* C, int64_t ldc) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    for (int64_t i = 0; i < M; ++i) std::fill(C + i * ldc, C + i * ldc + N, 0.0f);
    return;
  }
  const float* A = static_cast<const float*>(Av.data);
  const float* B = static_cast<const float*>(Bv.data);
  if (N == 1) return gemv_rows(M, K, A, Av.row_stride, Av.col_stride, B, Bv.row_stride, C, ldc);
  if (M == 1) {
    // C = a B: B's rows contiguous -> accumulate rows; B's columns contiguous
    // (a transposed view) -> one dot product per column.
    if (Bv.col_stride == 1) return gemv_cols(N, K, B, Bv.row_stride, A, Av.col_stride, C);
    return gemv_rows(N, K, B, Bv.col_stride, Bv.row_stride, A, Av.col_stride, C, 1);
  }
  const int64_t m_panels = (M + MR - 1) / MR;
  const bool par = M * N * K >= kGemmParallelMacs;
  // A row-major B of whole panels is read in place when few A panels reuse
  // it: packing costs a pass over B (a weight gradient's B is the whole
  // batch of activations) that only pays back over many A panels.
  const bool direct_b = Bv.col_stride == 1 && N % NR == 0 && M <= kDirectBRows;
  // Packing writes every element it hands the micro-kernel: no zero fill.
  std::unique_ptr<float[]> apack(new float[size_t(m_panels * MR * std::min(K, KC))]);
  std::unique_ptr<float[]> bpack(direct_b ? nullptr : new float[size_t(((std::min(N, NC) + NR - 1) / NR) * NR * std::min(K, KC))]);
  for (int64_t k0 = 0; k0 < K; k0 += KC) {
    const int64_t kc = std::min(KC, K - k0);
    const bool accumulate = k0 > 0;
    pack_a(A, Av.row_stride, Av.col_stride, M, k0, kc, apack.get(), par);
    for (int64_t j0 = 0; j0 < N; j0 += NC) {
      const int64_t nc = std::min(NC, N - j0);
      if (!direct_b) pack_b(B, Bv.row_stride, Bv.col_stride, k0, kc, j0, nc, bpack.get(), par);
      const int64_t n_panels = (nc + NR - 1) / NR;
      // Tasks are (4-panel row block) x (8-panel column block) tiles of C.
      const int64_t mb = 4, nb = 8;
      const int64_t mt = (m_panels + mb - 1) / mb, nt = (n_panels + nb - 1) / nb;
      parallel_for(mt * nt, par ? 1 : mt * nt, [&](int64_t tb, int64_t te) {
        for (int64_t t = tb; t < te; ++t) {
          int64_t pm0 = (t / nt) * mb, pn0 = (t % nt) * nb;
          for (int64_t pm = pm0; pm < std::min(m_panels, pm0 + mb); ++pm) {
            for (int64_t pn = pn0; pn < std::min(n_panels, pn0 + nb); ++pn) {
              int rows = int(std::min<int64_t>(MR, M - pm * MR));
              int cols = int(std::min<int64_t>(NR, nc - pn * NR));
              const float* b = direct_b ? B + k0 * Bv.row_stride + j0 + pn * NR : bpack.get() + pn * NR * kc;
              micro_kernel(kc, apack.get() + pm * MR * kc, b, direct_b ? Bv.row_stride : NR,
                           C + pm * MR * ldc + j0 + pn * NR, ldc, rows, cols, accumulate);
            }
          }
        }
      });
    }
  }
}

void gemm_f64(int64_t M, int64_t N, int64_t K, MatrixView Av, MatrixView Bv, double* C, int64_t ldc) {
  const double* A = static_cast<const double*>(Av.data);
  const double* B = static_cast<const double*>(Bv.data);
  parallel_for(M, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, N * K)), [&](int64_t ib, int64_t ie) {
    for (int64_t i = ib; i < ie; ++i) {
      double* c = C + i * ldc;
      std::fill(c, c + N, 0.0);
      for (int64_t k = 0; k < K; ++k) {
        const double a = A[i * Av.row_stride + k * Av.col_stride];
        const double* b = B + k * Bv.row_stride;
        if (Bv.col_stride == 1) {
          for (int64_t j = 0; j < N; ++j) c[j] += a * b[j];
        } else {
          for (int64_t j = 0; j < N; ++j) c[j] += a * b[j * Bv.col_stride];
        }
      }
    }
  });
}

}  // namespace wmx

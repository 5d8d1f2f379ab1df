// The CPU kernels of the convolution primitive (their shapes and transform rules:
// core/primitives/conv.cpp).
#include "primitives/conv.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/gemm.h"
#include "thread_pool.h"

namespace wmx {

namespace {

struct Geo {
  int64_t N, H, W, C, O, KH, KW, Cg, Og, OH, OW, G;
  int64_t P() const { return N * OH * OW; }
  int64_t Kd() const { return KH * KW * Cg; }
};

Geo geometry(const Shape& xs, const Shape& ws, const Shape& ys, int groups) {
  Geo g;
  g.N = xs[0], g.H = xs[1], g.W = xs[2], g.C = xs[3];
  g.O = ws[0], g.KH = ws[1], g.KW = ws[2], g.Cg = ws[3];
  g.OH = ys[1], g.OW = ys[2];
  g.G = groups;
  g.Og = g.O / groups;
  return g;
}

// Row-contiguous copy of `a` as dtype t (or `a` itself when it already is one).
array contiguous_as(const array& a, Dtype t) {
  if (a.dtype() == t && a.row_contiguous() && a.offset() == 0 && a.buffer()->nbytes >= a.nbytes()) return a;
  array c(a.shape(), t, nullptr, {});
  copy_convert(a, c);
  return c;
}

template <typename T>
void gemm(int64_t M, int64_t N, int64_t K, MatrixView A, MatrixView B, T* C, int64_t ldc) {
  if constexpr (std::is_same_v<T, float>)
    gemm_f32(M, N, K, A, B, C, ldc);
  else
    gemm_f64(M, N, K, A, B, C, ldc);
}

// Rows [p0, p1) of group g's column matrix: cols[(p - p0) * Kd + (ky*KW + kx)*Cg + c].
template <typename T>
void im2col(const Geo& g, const ConvParams& cp, const T* x, int64_t grp, int64_t p0, int64_t p1, T* cols) {
  const int64_t Kd = g.Kd();
  parallel_for(p1 - p0, 64, [&](int64_t b, int64_t e) {
    for (int64_t p = p0 + b; p < p0 + e; ++p) {
      int64_t ox = p % g.OW, t = p / g.OW, oy = t % g.OH, n = t / g.OH;
      T* row = cols + (p - p0) * Kd;
      for (int64_t ky = 0; ky < g.KH; ++ky) {
        int64_t iy = oy * cp.stride[0] + ky * cp.dilation[0] - cp.padding[0];
        for (int64_t kx = 0; kx < g.KW; ++kx) {
          int64_t ix = ox * cp.stride[1] + kx * cp.dilation[1] - cp.padding[1];
          T* dst = row + (ky * g.KW + kx) * g.Cg;
          if (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) {
            std::memset(dst, 0, sizeof(T) * g.Cg);
          } else {
            std::memcpy(dst, x + ((n * g.H + iy) * g.W + ix) * g.C + grp * g.Cg, sizeof(T) * g.Cg);
          }
        }
      }
    }
  });
}

// Adds rows [p0, p1) of a column matrix into x (group grp); serial over rows
// that may overlap, parallel over images.
template <typename T>
void col2im(const Geo& g, const ConvParams& cp, const T* cols, int64_t grp, int64_t p0, int64_t p1, T* x) {
  const int64_t Kd = g.Kd(), per = g.OH * g.OW;
  const int64_t n0 = p0 / per, n1 = (p1 + per - 1) / per;
  parallel_for(n1 - n0, 1, [&](int64_t b, int64_t e) {
    for (int64_t n = n0 + b; n < n0 + e; ++n) {
      int64_t q0 = std::max(p0, n * per), q1 = std::min(p1, (n + 1) * per);
      for (int64_t p = q0; p < q1; ++p) {
        int64_t ox = p % g.OW, oy = (p / g.OW) % g.OH;
        const T* row = cols + (p - p0) * Kd;
        for (int64_t ky = 0; ky < g.KH; ++ky) {
          int64_t iy = oy * cp.stride[0] + ky * cp.dilation[0] - cp.padding[0];
          if (iy < 0 || iy >= g.H) continue;
          for (int64_t kx = 0; kx < g.KW; ++kx) {
            int64_t ix = ox * cp.stride[1] + kx * cp.dilation[1] - cp.padding[1];
            if (ix < 0 || ix >= g.W) continue;
            const T* src = row + (ky * g.KW + kx) * g.Cg;
            T* dst = x + ((n * g.H + iy) * g.W + ix) * g.C + grp * g.Cg;
            for (int64_t c = 0; c < g.Cg; ++c) dst[c] += src[c];
          }
        }
      }
    }
  });
}

// Rows of the column matrix handled per pass (bounds the scratch buffer).
int64_t chunk_rows(const Geo& g) {
  const int64_t budget = int64_t(1) << 22;  // elements
  return std::max<int64_t>(1, std::min<int64_t>(g.P(), budget / std::max<int64_t>(1, g.Kd())));
}

// A 1x1 kernel with unit stride, no padding: x itself is the column matrix.
bool pointwise(const Geo& g, const ConvParams& cp) {
  return g.KH == 1 && g.KW == 1 && cp.stride[0] == 1 && cp.stride[1] == 1 && cp.padding[0] == 0 &&
         cp.padding[1] == 0 && g.OH == g.H && g.OW == g.W;
}

template <typename T>
void run(ConvMode mode, const ConvParams& cp, const Geo& g, const T* in0, const T* in1, T* out) {
  const int64_t Kd = g.Kd(), P = g.P();
  if (pointwise(g, cp)) {
    for (int64_t grp = 0; grp < g.G; ++grp) {
      const T* w = mode == ConvMode::WeightGrad ? nullptr : in1 + grp * g.Og * Kd;
      if (mode == ConvMode::Forward)
        gemm<T>(P, g.Og, Kd, {in0 + grp * g.Cg, g.C, 1}, {w, 1, Kd}, out + grp * g.Og, g.O);
      else if (mode == ConvMode::InputGrad)
        gemm<T>(P, Kd, g.Og, {in0 + grp * g.Og, g.O, 1}, {w, Kd, 1}, out + grp * g.Cg, g.C);
      else
        gemm<T>(g.Og, Kd, P, {in1 + grp * g.Og, 1, g.O}, {in0 + grp * g.Cg, g.C, 1}, out + grp * g.Og * Kd, Kd);
    }
    return;
  }
  const int64_t rows = chunk_rows(g);
  // Scratch for one chunk of the column matrix (uninitialised: every row is written).
  std::unique_ptr<T[]> cols_buf(new T[size_t(std::max<int64_t>(1, std::min(rows, P) * Kd))]);
  T* cols = cols_buf.get();
  switch (mode) {
    case ConvMode::Forward: {  // in0 = x, in1 = w, out = y (P x O)
      for (int64_t grp = 0; grp < g.G; ++grp)
        for (int64_t p0 = 0; p0 < P; p0 += rows) {
          int64_t p1 = std::min(P, p0 + rows);
          im2col(g, cp, in0, grp, p0, p1, cols);
          // y[p, grp*Og + o] = sum_k cols[p, k] * w[grp*Og + o, k]
          gemm<T>(p1 - p0, g.Og, Kd, {cols, Kd, 1}, {in1 + grp * g.Og * Kd, 1, Kd}, out + p0 * g.O + grp * g.Og, g.O);
        }
      return;
    }
    case ConvMode::InputGrad: {  // in0 = y, in1 = w, out = x
      std::memset(out, 0, sizeof(T) * size_t(g.N * g.H * g.W * g.C));
      for (int64_t grp = 0; grp < g.G; ++grp)
        for (int64_t p0 = 0; p0 < P; p0 += rows) {
          int64_t p1 = std::min(P, p0 + rows);
          // cols[p, k] = sum_o y[p, grp*Og + o] * w[grp*Og + o, k]
          gemm<T>(p1 - p0, Kd, g.Og, {in0 + p0 * g.O + grp * g.Og, g.O, 1}, {in1 + grp * g.Og * Kd, Kd, 1}, cols, Kd);
          col2im(g, cp, cols, grp, p0, p1, out);
        }
      return;
    }
    case ConvMode::WeightGrad: {  // in0 = x, in1 = y, out = w (O x Kd)
      std::vector<T> part;
      if (P > rows) part.resize(size_t(g.Og * Kd));
      std::memset(out, 0, sizeof(T) * size_t(g.O * Kd));
      for (int64_t grp = 0; grp < g.G; ++grp)
        for (int64_t p0 = 0; p0 < P; p0 += rows) {
          int64_t p1 = std::min(P, p0 + rows);
          im2col(g, cp, in0, grp, p0, p1, cols);
          // w[grp*Og + o, k] = sum_p y[p, grp*Og + o] * cols[p, k]
          T* dst = out + grp * g.Og * Kd;
          T* c = P > rows ? part.data() : dst;
          gemm<T>(g.Og, Kd, p1 - p0, {in1 + p0 * g.O + grp * g.Og, 1, g.O}, {cols, Kd, 1}, c, Kd);
          if (P > rows)
            for (int64_t i = 0; i < g.Og * Kd; ++i) dst[i] += part[i];
        }
      return;
    }
  }
}

}  // namespace

void Conv::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array& r = out[0];
  const array* xs = nullptr;
  const array* ws = nullptr;
  const array* ys = nullptr;
  if (mode_ == ConvMode::Forward) xs = &in[0], ws = &in[1], ys = &r;
  else if (mode_ == ConvMode::InputGrad) ys = &in[0], ws = &in[1], xs = &r;
  else xs = &in[0], ys = &in[1], ws = &r;
  Geo g = geometry(xs->shape(), ws->shape(), ys->shape(), p_.groups);
  const Dtype t = r.dtype() == Dtype::float64 ? Dtype::float64 : Dtype::float32;
  array a = contiguous_as(in[0], t), b = contiguous_as(in[1], t);
  array o = r.dtype() == t ? r : array(r.shape(), t, nullptr, {});
  o.allocate();
  if (r.size() > 0) {
    if (t == Dtype::float32)
      run<float>(mode_, p_, g, a.data<float>(), b.data<float>(), o.data<float>());
    else
      run<double>(mode_, p_, g, a.data<double>(), b.data<double>(), o.data<double>());
  }
  if (r.dtype() != t) copy_convert(o, r);
}

}  // namespace wmx

#include "primitives/conv.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/gemm.h"
#include "ops.h"
#include "shape_ops.h"
#include "thread_pool.h"

namespace wmx {

Shape conv_output_shape(const Shape& x, const Shape& w, const ConvParams& p, const char* op) {
  Shape out{x[0], 0, 0, w[0]};
  for (int i = 0; i < 2; ++i) {
    const int64_t eff = int64_t(p.dilation[i]) * (w[1 + i] - 1) + 1;
    const int64_t padded = x[1 + i] + 2 * int64_t(p.padding[i]);
    if (padded < eff)
      fail(op, "The padded input (", padded, ") is smaller than the dilated kernel (", eff, ") along spatial axis ", i,
           ".");
    out[1 + i] = (padded - eff) / p.stride[i] + 1;
  }
  return out;
}

std::vector<Shape> Conv::output_shapes(const std::vector<Shape>& in) const {
  if (mode_ != ConvMode::Forward) return {};
  if (in[0][3] != in[1][3] * p_.groups)
    fail("compile", "shapeless: Conv got an input of shape ", shape_str(in[0]), " for a weight of shape ",
         shape_str(in[1]), ".");
  return {conv_output_shape(in[0], in[1], p_, "compile")};
}

const char* Conv::name() const {
  switch (mode_) {
    case ConvMode::Forward: return "Convolution";
    case ConvMode::InputGrad: return "ConvInputGrad";
    default: return "ConvWeightGrad";
  }
}

array conv_node(ConvMode mode, const ConvParams& p, const array& a, const array& b, const Shape& shape) {
  return array(shape, a.dtype(), std::make_shared<Conv>(mode, p, shape), {a, b});
}

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

// ---- transform rules ----

namespace {

// Slot of each mode's output: Forward -> y (2), InputGrad -> x (0), WeightGrad -> w (1).
// Slots of its inputs in order.
int out_slot(ConvMode m) { return m == ConvMode::Forward ? 2 : m == ConvMode::InputGrad ? 0 : 1; }
std::array<int, 2> in_slots(ConvMode m) {
  if (m == ConvMode::Forward) return {0, 1};
  if (m == ConvMode::InputGrad) return {2, 1};
  return {0, 2};
}

// The mode that produces slot `s` from the other two slots (given in slot order).
array produce(int s, const ConvParams& p, const array* slot, const Shape& shape) {
  if (s == 2) return conv_node(ConvMode::Forward, p, slot[0], slot[1], shape);
  if (s == 0) return conv_node(ConvMode::InputGrad, p, slot[2], slot[1], shape);
  return conv_node(ConvMode::WeightGrad, p, slot[0], slot[2], shape);
}

}  // namespace

std::vector<array> Conv::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                             const std::vector<int>& argnums, const std::vector<array>& outputs) {
  // T(x, w, y) = <y, conv(x, w)>; this mode's output is dT/d(slot o). With
  // cotangent G in slot o, the cotangent of input slot s is the mode that
  // produces slot s from G and the remaining input.
  const int o = out_slot(mode_);
  auto ins = in_slots(mode_);
  std::vector<array> res;
  for (int arg : argnums) {
    array slot[3];
    slot[ins[0]] = primals[0];
    slot[ins[1]] = primals[1];
    slot[o] = astype(cot[0], outputs[0].dtype());
    res.push_back(produce(ins[arg], p_, slot, primals[arg].shape()));
  }
  return res;
}

std::vector<array> Conv::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                             const std::vector<int>& argnums) {
  // Linear in each input: the sum of the mode applied with one tangent each.
  array out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    std::vector<array> in = primals;
    in[argnums[i]] = astype(tangents[i], primals[argnums[i]].dtype());
    array term = conv_node(mode_, p_, in[0], in[1], out_shape_);
    out = out.valid() ? add(out, term) : term;
  }
  return {out};
}

std::pair<std::vector<array>, std::vector<int>> Conv::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  // Forward and InputGrad are per image: a batch on their first operand only
  // folds into N. Everything else loops over the batch and stacks.
  if (mode_ != ConvMode::WeightGrad && ax[0] >= 0 && ax[1] < 0) {
    array a = in[0];
    if (ax[0] != 0) a = moveaxis(a, ax[0], 0);
    const int64_t B = a.shape(0);
    Shape fs = a.shape();
    fs.erase(fs.begin());
    fs[0] *= B;
    Shape os = out_shape_;
    os[0] *= B;
    array r = conv_node(mode_, p_, reshape(a, fs), in[1], os);
    Shape rs = out_shape_;
    rs.insert(rs.begin(), B);
    return {{reshape(r, rs)}, {0}};
  }
  // Otherwise the batch becomes groups: example b's channels follow example
  // b-1's, so group b*G + g of the folded operands is group g of example b.
  // Image operands (N, H, W, C) -> (N, H, W, B*C); weights (O, ...) -> (B*O, ...).
  const int64_t B = ax[0] >= 0 ? in[0].shape(ax[0]) : in[1].shape(ax[1]);
  auto ins = in_slots(mode_);
  auto fold = [&](const array& a, int axis, int slot) {
    array x = axis >= 0 ? moveaxis(a, axis, 0) : broadcast_to(expand_dims(a, {0}), [&] {
      Shape s = a.shape();
      s.insert(s.begin(), B);
      return s;
    }());
    Shape s = x.shape();
    if (slot == 1) return reshape(x, {B * s[1], s[2], s[3], s[4]});
    return reshape(moveaxis(x, 0, 3), {s[1], s[2], s[3], B * s[4]});
  };
  array a = fold(in[0], ax[0], ins[0]), b = fold(in[1], ax[1], ins[1]);
  ConvParams p = p_;
  p.groups *= int(B);
  const int o = out_slot(mode_);
  Shape os = out_shape_;
  if (o == 1) os[0] *= B;
  else os[3] *= B;
  array r = conv_node(mode_, p, a, b, os);
  if (o == 1) {
    Shape rs = out_shape_;
    rs.insert(rs.begin(), B);
    return {{reshape(r, rs)}, {0}};
  }
  r = reshape(r, {out_shape_[0], out_shape_[1], out_shape_[2], B, out_shape_[3]});
  return {{r}, {3}};
}

}  // namespace wmx

#include "primitives/quantized.h"

#include <algorithm>
#include <vector>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "quantized_ops.h"
#include "reduce_ops.h"
#include "shape_ops.h"

namespace wmx {

namespace {

// `a` as `rank` dims for the weights' gradient: extra leading dims folded
// into the rows, missing ones added as size 1.
array to_rank(const array& a, int rank) {
  if (a.ndim() > rank) return flatten(a, 0, a.ndim() - rank);
  Shape s(rank - a.ndim(), 1);
  s.insert(s.end(), a.shape().begin(), a.shape().end());
  return reshape(a, s);
}

}  // namespace

bool QuantizedMatmul::is_equivalent(const Primitive& o) const {
  auto* q = dynamic_cast<const QuantizedMatmul*>(&o);
  return q && q->group_size_ == group_size_ && q->bits_ == bits_ && q->transpose_ == transpose_;
}
bool Dequantize::is_equivalent(const Primitive& o) const {
  auto* q = dynamic_cast<const Dequantize*>(&o);
  return q && q->group_size_ == group_size_ && q->bits_ == bits_;
}

// For shapeless compile: x's shape with the last axis the weights' outer size.
std::vector<Shape> QuantizedMatmul::output_shapes(const std::vector<Shape>& in) const {
  Shape out = in[0];
  out.back() = transpose_ ? in[1][in[1].size() - 2] : in[1].back() * 32 / bits_;
  return {out};
}
std::vector<Shape> Dequantize::output_shapes(const std::vector<Shape>& in) const {
  Shape out = in[0];
  out.back() = out.back() * 32 / bits_;
  return {out};
}

// ---- transform rules (MLX's) ----

std::vector<array> QuantizedMatmul::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                        const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  std::optional<array> dsb;  // d(loss)/d(dequantized w), grouped: shared by scales and biases
  for (int arg : argnums) {
    if (arg == 0) {
      out.push_back(quantized_matmul(cot[0], p[1], p[2], p[3], !transpose_, group_size_, bits_));
    } else if (arg == 1) {
      fail("QuantizedMatmul::vjp", "no gradient wrt the quantized weights.");
    } else {
      if (!dsb) {
        const int nd = p[1].ndim();
        array fc = to_rank(cot[0], nd), fx = to_rank(p[0], nd);
        array dw = transpose_ ? matmul(swapaxes(fc, -1, -2), fx) : matmul(swapaxes(fx, -1, -2), fc);
        dsb = unflatten(dw, -1, {-1, group_size_});
      }
      if (arg == 3) {
        out.push_back(sum(*dsb, {-1}, false));
      } else {
        array wq = dequantize(p[1], ones_like(p[2]), zeros_like(p[3]), group_size_, bits_);
        wq = unflatten(wq, -1, {-1, group_size_});
        out.push_back(sum(multiply(*dsb, wq), {-1}, false));
      }
    }
  }
  return out;
}

// The product is linear in x, and jointly linear in (scales, biases) (the
// dequantized matrix is scales * codes + biases): the tangent is the sum of
// quantized_matmul(t_x, w, s, b) and quantized_matmul(x, w, t_s, t_b), with
// zeros for a missing one. (MLX has the x part only.)
std::vector<array> QuantizedMatmul::jvp(const std::vector<array>& p, const std::vector<array>& tangents,
                                        const std::vector<int>& argnums) {
  std::optional<array> tx, ts, tb;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) tx = tangents[i];
    else if (argnums[i] == 1) fail("QuantizedMatmul::jvp", "No JVP wrt the quantized matrix yet.");
    else if (argnums[i] == 2) ts = tangents[i];
    else tb = tangents[i];
  }
  std::optional<array> out;
  if (tx) out = quantized_matmul(*tx, p[1], p[2], p[3], transpose_, group_size_, bits_);
  if (ts || tb) {
    array t = quantized_matmul(p[0], p[1], ts ? *ts : zeros_like(p[2]), tb ? *tb : zeros_like(p[3]), transpose_,
                               group_size_, bits_);
    out = out ? add(*out, t) : t;
  }
  return {*out};
}

namespace {

// `a` with its batch axis first, or (unbatched) a new leading axis of size 1
// that broadcasting stretches.
array lead_batch(const array& a, int axis) { return axis >= 0 ? moveaxis(a, axis, 0) : expand_dims(a, {0}); }

// Inserts size-1 axes after the leading batch axis until `a` has `rank` dims.
array pad_after_batch(const array& a, int rank) {
  Shape s = a.shape();
  s.insert(s.begin() + 1, rank - a.ndim(), 1);
  return reshape(a, s);
}

}  // namespace

// The batch axis goes first everywhere. With unbatched weights, x keeps its
// extra leading axis and the 2-D weights apply to every row; otherwise the
// weights get a batch axis (size 1 when unbatched) and x and the weights
// broadcast over their batch dims.
std::pair<std::vector<array>, std::vector<int>> QuantizedMatmul::vmap(const std::vector<array>& in,
                                                                      const std::vector<int>& axes) {
  const bool w_batched = axes[1] >= 0 || axes[2] >= 0 || axes[3] >= 0;
  if (!w_batched) {
    array x = moveaxis(in[0], axes[0], 0);
    return {{quantized_matmul(x, in[1], in[2], in[3], transpose_, group_size_, bits_)}, {0}};
  }
  array w = lead_batch(in[1], axes[1]), s = lead_batch(in[2], axes[2]), b = lead_batch(in[3], axes[3]);
  const int64_t nb = std::max({w.shape(0), s.shape(0), b.shape(0)});
  auto stretch = [&](const array& a) {
    Shape sh = a.shape();
    sh[0] = nb;
    return broadcast_to(a, sh);
  };
  w = stretch(w), s = stretch(s), b = stretch(b);
  array x = lead_batch(in[0], axes[0]);
  const bool vector = x.ndim() == 2;  // a vector per example: one row, squeezed after
  if (vector) x = expand_dims(x, {1});
  const int rank = std::max(x.ndim(), w.ndim());
  x = pad_after_batch(x, rank);
  w = pad_after_batch(w, rank), s = pad_after_batch(s, rank), b = pad_after_batch(b, rank);
  array outp = quantized_matmul(x, w, s, b, transpose_, group_size_, bits_);
  if (vector) outp = squeeze(outp, {-2});
  return {{outp}, {0}};
}

std::vector<array> Dequantize::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) fail("Dequantize::vjp", "no gradient wrt the quantized weights.");
    array g = unflatten(cot[0], -1, {-1, group_size_});
    if (arg == 2) {
      out.push_back(sum(g, {-1}, false));
    } else {
      array wq = unflatten(dequantize(p[0], ones_like(p[1]), zeros_like(p[2]), group_size_, bits_), -1,
                           {-1, group_size_});
      out.push_back(sum(multiply(g, wq), {-1}, false));
    }
  }
  return out;
}

std::vector<array> Dequantize::jvp(const std::vector<array>& p, const std::vector<array>& tangents,
                                   const std::vector<int>& argnums) {
  std::optional<array> acc;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 0) fail("Dequantize::jvp", "no JVP wrt the quantized weights.");
    array t = expand_dims(tangents[i], {-1});
    if (argnums[i] == 1) {
      array wq = unflatten(dequantize(p[0], ones_like(p[1]), zeros_like(p[2]), group_size_, bits_), -1,
                           {-1, group_size_});
      t = multiply(t, wq);
    } else {
      Shape sh = t.shape();
      sh.back() = group_size_;
      t = broadcast_to(t, sh);
    }
    t = flatten(t, -2, -1);
    acc = acc ? add(*acc, t) : t;
  }
  return {*acc};
}

std::pair<std::vector<array>, std::vector<int>> Dequantize::vmap(const std::vector<array>& in,
                                                                 const std::vector<int>& axes) {
  array w = lead_batch(in[0], axes[0]), s = lead_batch(in[1], axes[1]), b = lead_batch(in[2], axes[2]);
  const int64_t nb = std::max({w.shape(0), s.shape(0), b.shape(0)});
  auto stretch = [&](const array& a) {
    Shape sh = a.shape();
    sh[0] = nb;
    return broadcast_to(a, sh);
  };
  return {{dequantize(stretch(w), stretch(s), stretch(b), group_size_, bits_)}, {0}};
}

}  // namespace wmx

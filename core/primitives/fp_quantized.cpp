#include "primitives/fp_quantized.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "error.h"
#include "math_ops.h"
#include "primitives/quantized.h"
#include "ops.h"
#include "quantized_ops.h"
#include "shape_ops.h"

namespace wmx {

namespace {

// `a` with its batch axis first, or (unbatched) a new leading axis of size 1.
array lead_batch(const array& a, int axis) { return axis >= 0 ? moveaxis(a, axis, 0) : expand_dims(a, {0}); }

}  // namespace

// ---- FpQuantize ----

bool FpQuantize::is_equivalent(const Primitive& o) const {
  auto* q = dynamic_cast<const FpQuantize*>(&o);
  return q && q->mode_ == mode_ && q->global_scale_ == global_scale_;
}

std::vector<Shape> FpQuantize::output_shapes(const std::vector<Shape>& in) const {
  Shape codes = in[0], scales = in[0];
  codes.back() = codes.back() * fp_bits(mode_) / 32;
  scales.back() = scales.back() / fp_group_size(mode_);
  return {codes, scales};
}

// The outputs are integer codes: no gradient flows through them.
std::vector<array> FpQuantize::vjp(const std::vector<array>& p, const std::vector<array>&,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) out.push_back(zeros_like(p[arg]));
  return out;
}

std::vector<array> FpQuantize::jvp(const std::vector<array>& p, const std::vector<array>&, const std::vector<int>&) {
  std::vector<Shape> shapes = output_shapes({p[0].shape()});
  return {zeros(shapes[0], Dtype::uint32), zeros(shapes[1], Dtype::uint8)};
}

// Rows quantize independently: the batch axis goes first.
std::pair<std::vector<array>, std::vector<int>> FpQuantize::vmap(const std::vector<array>& in,
                                                                 const std::vector<int>& axes) {
  if (global_scale_ && axes[1] >= 0) fail("FpQuantize::vmap", "A batched global scale is not supported.");
  std::vector<array> args = {moveaxis(in[0], axes[0], 0)};
  if (global_scale_) args.push_back(in[1]);
  auto outs = array::make_arrays(output_shapes({args[0].shape()}), {Dtype::uint32, Dtype::uint8},
                                 std::make_shared<FpQuantize>(mode_, global_scale_), args);
  return {outs, {0, 0}};
}

// ---- FpDequantize ----

bool FpDequantize::is_equivalent(const Primitive& o) const {
  auto* q = dynamic_cast<const FpDequantize*>(&o);
  return q && q->mode_ == mode_ && q->global_scale_ == global_scale_ && q->dtype_ == dtype_;
}

std::vector<Shape> FpDequantize::output_shapes(const std::vector<Shape>& in) const {
  Shape out = in[0];
  out.back() = out.back() * 32 / fp_bits(mode_);
  return {out};
}

// MLX has no gradient w.r.t. the codes or the fp scales; the global scale
// (nvfp4) enters linearly: out = global_scale * dequantize(w, scales) / (448 * 6).
std::vector<array> FpDequantize::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                     const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) fail("FpDequantize::vjp", "no gradient wrt the quantized weights.");
    if (arg == 1) fail("FpDequantize::vjp", "no gradient wrt scales in ", fp_mode_name(mode_), " quantization.");
    array base = array(cot[0].shape(), Dtype::float32, std::make_shared<FpDequantize>(mode_, false, Dtype::float32),
                       {p[0], p[1]});
    array g = sum(flatten(multiply(astype(cot[0], Dtype::float32), base)), {0}, false);
    g = divide(g, array::scalar(448.0 * 6.0, Dtype::float32));
    out.push_back(reshape(g, p[2].shape()));
  }
  return out;
}

std::vector<array> FpDequantize::jvp(const std::vector<array>& p, const std::vector<array>& tangents,
                                     const std::vector<int>& argnums) {
  std::optional<array> acc;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] != 2) fail("FpDequantize::jvp", "no JVP wrt the quantized weights or their scales.");
    Shape shape = output_shapes({p[0].shape()})[0];
    array base =
        array(shape, Dtype::float32, std::make_shared<FpDequantize>(mode_, false, Dtype::float32), {p[0], p[1]});
    array t = multiply(base, divide(reshape(astype(tangents[i], Dtype::float32), {}),
                                    array::scalar(448.0 * 6.0, Dtype::float32)));
    acc = t;
  }
  return {*acc};
}

std::pair<std::vector<array>, std::vector<int>> FpDequantize::vmap(const std::vector<array>& in,
                                                                   const std::vector<int>& axes) {
  if (global_scale_ && axes[2] >= 0) fail("FpDequantize::vmap", "A batched global scale is not supported.");
  array w = lead_batch(in[0], axes[0]), s = lead_batch(in[1], axes[1]);
  const int64_t nb = std::max(w.shape(0), s.shape(0));
  Shape ws = w.shape(), ss = s.shape();
  ws[0] = nb, ss[0] = nb;
  std::vector<array> args = {broadcast_to(w, ws), broadcast_to(s, ss)};
  if (global_scale_) args.push_back(in[2]);
  Shape out = output_shapes({ws})[0];
  return {{array(out, dtype_, std::make_shared<FpDequantize>(mode_, global_scale_, dtype_), args)}, {0}};
}

// ---- QQMatmul ----

bool QQMatmul::is_equivalent(const Primitive& o) const {
  auto* q = dynamic_cast<const QQMatmul*>(&o);
  return q && q->mode_ == mode_ && q->w_quantized_ == w_quantized_ && q->global_scales_ == global_scales_;
}

std::vector<Shape> QQMatmul::output_shapes(const std::vector<Shape>& in) const {
  return {{in[0][0], in[1][0]}};
}

// MLX's straight-through rule: the quantization is taken as the identity,
// and each gradient is itself a qqmm (of the cotangent with w.T for x, of
// its transpose with x.T for w), the cotangent's global scale its largest
// magnitude. Weights given quantized have none (qqmm then asks for scales).
std::vector<array> QQMatmul::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                 const std::vector<int>& argnums, const std::vector<array>&) {
  const size_t ng = w_quantized_ ? 3 : 2;
  std::optional<array> gc, gx, gw;
  if (global_scales_) {
    gc = astype(max(flatten(abs(cot[0])), {0}, false), Dtype::float32);
    gx = p[ng], gw = p[ng + 1];
  }
  const int gs = fp_group_size(mode_), bits = fp_bits(mode_);
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) out.push_back(qqmm(cot[0], swapaxes(p[1], -1, -2), std::nullopt, mode_, gs, bits, gc, gw));
    else if (arg == 1)
      out.push_back(qqmm(swapaxes(cot[0], -1, -2), swapaxes(p[0], -1, -2), std::nullopt, mode_, gs, bits, gc, gx));
    else out.push_back(zeros_like(p[arg]));
  }
  return out;
}

}  // namespace wmx

#include "primitives/fp_quantized.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/quantized.h"
#include "math_ops.h"
#include "primitives/quantized.h"
#include "ops.h"
#include "quantized_ops.h"
#include "shape_ops.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// The global scale input at `index` as a float, or null when there is none.
struct GlobalScale {
  std::optional<array> a;
  float value = 0.0f;
  const float* get() const { return a ? &value : nullptr; }
};
GlobalScale global_scale(const std::vector<array>& in, bool present, size_t index) {
  GlobalScale g;
  if (present) {
    g.a = row_contiguous_as(in[index], Dtype::float32);
    g.value = g.a->data<float>()[0];
  }
  return g;
}

// `a` with its batch axis first, or (unbatched) a new leading axis of size 1.
array lead_batch(const array& a, int axis) { return axis >= 0 ? moveaxis(a, axis, 0) : expand_dims(a, {0}); }

// Each row of the float32 matrix `rows` (r x k) quantized and dequantized in
// place: the values the mode can represent, as MLX's qqmm uses them.
void round_trip_rows(float* rows, int64_t r, int64_t k, FpMode mode, const float* g) {
  const int gs = fp_group_size(mode);
  parallel_for(r, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, k)), [&](int64_t r0, int64_t r1) {
    std::vector<uint8_t> codes(k), scales(k / gs);
    for (int64_t i = r0; i < r1; ++i) {
      fp_quantize_row(rows + i * k, k, mode, g, codes.data(), scales.data());
      fp_dequantize_row(codes.data(), scales.data(), k, mode, g, rows + i * k);
    }
  });
}

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

void FpQuantize::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array w = row_contiguous_as(in[0], Dtype::float32);
  const GlobalScale g = global_scale(in, global_scale_, 1);
  out[0].allocate();
  out[1].allocate();
  const int64_t k = w.shape(-1), rows = k == 0 ? 0 : w.size() / k;
  const int64_t code_bytes = k * fp_bits(mode_) / 8, groups = k / fp_group_size(mode_);
  const float* wp = w.data<float>();
  uint8_t* cp = reinterpret_cast<uint8_t*>(out[0].data<uint32_t>());  // little-endian words, byte by byte
  uint8_t* sp = out[1].data<uint8_t>();
  parallel_for(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, k)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r)
      fp_quantize_row(wp + r * k, k, mode_, g.get(), cp + r * code_bytes, sp + r * groups);
  });
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

void FpDequantize::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array w = row_contiguous_as(in[0], Dtype::uint32);
  const array s = row_contiguous_as(in[1], Dtype::uint8);
  const GlobalScale g = global_scale(in, global_scale_, 2);
  array& o = out[0];
  array of = o.dtype() == Dtype::float32 ? o : array(o.shape(), Dtype::float32, nullptr, {});
  of.allocate();
  const int64_t k = o.shape(-1), rows = k == 0 ? 0 : o.size() / k;
  const int64_t code_bytes = k * fp_bits(mode_) / 8, groups = k / fp_group_size(mode_);
  const uint8_t* cp = reinterpret_cast<const uint8_t*>(w.data<uint32_t>());
  const uint8_t* sp = s.data<uint8_t>();
  float* op = of.data<float>();
  parallel_for(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(1, k)), [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r)
      fp_dequantize_row(cp + r * code_bytes, sp + r * groups, k, mode_, g.get(), op + r * k);
  });
  if (o.dtype() != Dtype::float32) copy_convert(of, o);
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

// MLX's GPU semantics: x's rows quantized and dequantized (with x's global
// scale), the weights dequantized (or, given as floats, quantized and
// dequantized with w's global scale), then x @ w.T in float32.
void QQMatmul::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const size_t ng = w_quantized_ ? 3 : 2;  // index of the first global scale
  const GlobalScale gx = global_scale(in, global_scales_, ng), gw = global_scale(in, global_scales_, ng + 1);
  const int64_t m = in[0].shape(0), k = in[0].shape(1), n = in[1].shape(0);
  array x = array::empty({m, k}, Dtype::float32);
  copy_convert(in[0], x);
  round_trip_rows(x.data<float>(), m, k, mode_, gx.get());
  array w = array::empty({n, k}, Dtype::float32);
  if (w_quantized_) {
    const array wq = row_contiguous_as(in[1], Dtype::uint32), s = row_contiguous_as(in[2], Dtype::uint8);
    const int64_t code_bytes = k * fp_bits(mode_) / 8, groups = k / fp_group_size(mode_);
    const uint8_t* cp = reinterpret_cast<const uint8_t*>(wq.data<uint32_t>());
    for (int64_t r = 0; r < n; ++r)
      fp_dequantize_row(cp + r * code_bytes, s.data<uint8_t>() + r * groups, k, mode_, gw.get(),
                        w.data<float>() + r * k);
  } else {
    copy_convert(in[1], w);
    round_trip_rows(w.data<float>(), n, k, mode_, gw.get());
  }
  array& o = out[0];
  array of = o.dtype() == Dtype::float32 ? o : array(o.shape(), Dtype::float32, nullptr, {});
  of.allocate();
  const float *xp = x.data<float>(), *wp = w.data<float>();
  float* op = of.data<float>();
  parallel_for(n, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, m * k / 64)), [&](int64_t n0, int64_t n1) {
    for (int64_t j = n0; j < n1; ++j)
      for (int64_t i = 0; i < m; ++i) op[i * n + j] = dot_f32(xp + i * k, wp + j * k, k);
  });
  if (o.dtype() != Dtype::float32) copy_convert(of, o);
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

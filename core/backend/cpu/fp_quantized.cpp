// The CPU kernels of the floating-point quantization primitives (their shapes and transform rules:
// core/primitives/fp_quantized.cpp).
#include "primitives/fp_quantized.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/quantized.h"
#include "primitives/quantized.h"
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

}  // namespace wmx

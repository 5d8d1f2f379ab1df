#include "primitives/matmul.h"

#include <algorithm>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/gemm.h"
#include "ops.h"
#include "primitives/vmap_util.h"

namespace wmx {

namespace {

// Calls f(a_offset, b_offset, c_offset) for every matrix of the batch.
template <typename F>
void for_each_batch(const array& a, const array& b, const array& c, F&& f) {
  const int nb = c.ndim() - 2;
  Shape batch(c.shape().begin(), c.shape().begin() + nb);
  int64_t count = shape_size(batch);
  const int64_t mat = c.shape(-2) * c.shape(-1);
  for (int64_t i = 0; i < count; ++i) {
    int64_t r = i, oa = 0, ob = 0;
    for (int d = nb - 1; d >= 0; --d) {
      int64_t idx = r % batch[d];
      r /= batch[d];
      oa += idx * a.strides()[d];
      ob += idx * b.strides()[d];
    }
    f(oa, ob, i * mat);
  }
}

// Half-precision inputs are widened to float32 once, multiplied, and narrowed.
array widen_to_f32(const array& x) {
  array w(x.shape(), Dtype::float32, nullptr, {});
  copy_convert(x, w);
  return w;
}

}  // namespace

std::vector<Shape> Matmul::output_shapes(const std::vector<Shape>& in) const {
  const Shape &a = in[0], &b = in[1];
  if (a.size() != b.size() || a[a.size() - 1] != b[b.size() - 2] || !std::equal(a.begin(), a.end() - 2, b.begin()))
    fail("compile", "shapeless: Matmul got operands of shapes ", shape_str(a), " and ", shape_str(b),
         ", which don't multiply.");
  Shape out(a.begin(), a.end() - 1);
  out.push_back(b.back());
  return {out};
}

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
      for_each_batch(a, b, cf, [&](int64_t oa, int64_t ob, int64_t oc) {
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
      for_each_batch(a, b, c, [&](int64_t oa, int64_t ob, int64_t oc) {
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

// ---- transform rules ----

namespace wmx {

namespace {
array swap_last(const array& a) {
  std::vector<int> axes = all_axes(a.ndim());
  std::swap(axes[a.ndim() - 1], axes[a.ndim() - 2]);
  return transpose(a, axes);
}
}  // namespace

std::vector<array> Matmul::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  // C = A B: dA = dC B^T, dB = A^T dC (batch dims are already broadcast).
  std::vector<array> out;
  for (int arg : argnums) out.push_back(arg == 0 ? matmul(cot[0], swap_last(p[1])) : matmul(swap_last(p[0]), cot[0]));
  return out;
}

std::vector<array> Matmul::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                               const std::vector<int>& argnums) {
  array out = argnums[0] == 0 ? matmul(tan[0], p[1]) : matmul(p[0], tan[0]);
  if (argnums.size() > 1) out = add(out, matmul(p[0], tan[1]));
  return {out};
}

}  // namespace wmx

namespace wmx {

// Per-example operands have equal batch ranks (the ops layer broadcast them),
// so a leading batch axis on either one broadcasts against the other.
std::pair<std::vector<array>, std::vector<int>> Matmul::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return {{matmul(batch_first(in[0], ax[0]), batch_first(in[1], ax[1]))}, {0}};
}

}  // namespace wmx

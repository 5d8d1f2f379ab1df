// The CPU kernels of Fused (compiled elementwise chains) (their shapes and transform rules:
// core/primitives/fused.cpp).
#include "primitives/fused.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/half_simd.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// How a tile reads one input: in place (contiguous, full shape), as a
// scalar (stride 0), or gathered through broadcast strides into scratch.
template <typename T>
struct Source {
  const T* base;
  enum { kDirect, kScalar, kGather } mode;
  Strides strides;  // kGather: strides into the output shape (0 on broadcast dims)
};

template <typename T>
Source<T> make_source(const array& in, const Shape& shape) {
  const T* base = in.data<T>();
  if (in.size() == 1) return {base, Source<T>::kScalar, {}};
  if (in.shape() == shape && in.row_contiguous()) return {base, Source<T>::kDirect, {}};
  const int diff = int(shape.size()) - in.ndim();
  Strides s(shape.size(), 0);
  for (int i = 0; i < in.ndim(); ++i) s[i + diff] = in.shape()[i] == 1 ? 0 : in.strides()[i];
  return {base, Source<T>::kGather, std::move(s)};
}

// dst[k] = element start + k of `src` read through its broadcast strides.
// Along the last axis a run is copied (stride 1), splatted (stride 0: a
// column broadcast) or strided: the first two are what bias adds and
// normalisations feed a fused chain, and a per-element loop over them made
// fused chains slower than the unfused kernels.
template <typename T>
void gather_tile(const Source<T>& src, const Shape& shape, int64_t start, int64_t n, T* dst) {
  const int r = int(shape.size());
  int64_t idx_small[8];
  std::vector<int64_t> idx_big(r > 8 ? r : 0);
  int64_t* idx = r > 8 ? idx_big.data() : idx_small;
  int64_t rest = start, off = 0;
  for (int d = r - 1; d >= 0; --d) {
    idx[d] = rest % shape[d];
    rest /= shape[d];
    off += idx[d] * src.strides[d];
  }
  const int64_t inner = shape[r - 1], step = src.strides[r - 1];
  for (int64_t done = 0; done < n;) {
    const int64_t m = std::min(n - done, inner - idx[r - 1]);
    const T* p = src.base + off;
    if (step == 1) std::memcpy(dst + done, p, size_t(m) * sizeof(T));
    else if (step == 0) std::fill_n(dst + done, m, *p);
    else for (int64_t k = 0; k < m; ++k) dst[done + k] = p[k * step];
    done += m;
    off += m * step;
    idx[r - 1] += m;
    for (int d = r - 1; d > 0 && idx[d] == shape[d]; --d) {  // carry
      off -= idx[d] * src.strides[d];
      idx[d] = 0;
      ++idx[d - 1];
      off += src.strides[d - 1];
    }
  }
}

}  // namespace

// The chain over the output, tile by tile, in elements of T: float32 runs
// its steps on the inputs in place and writes the last step to the output;
// a half type (H) widens each input tile to float, rounds every step's
// result to H (so each value is what the unfused H kernel would have
// stored) and narrows the last one into the output.
template <typename T>
void Fused::run_tiles(const std::vector<array>& inputs, array& out) const {
  constexpr bool kHalf = !std::is_same_v<T, float>;
  const Shape& shape = out.shape();
  const int64_t total = out.size();
  std::vector<Source<T>> sources;
  int num_gathers = 0, num_widened = 0;
  for (auto& in : inputs) {
    sources.push_back(make_source<T>(in, shape));
    num_gathers += sources.back().mode == Source<T>::kGather;
    num_widened += sources.back().mode != Source<T>::kScalar;
  }
  T* y = out.data<T>();
  const int64_t tiles = (total + kFusedTile - 1) / kFusedTile;
  const int nvals = num_inputs_ + int(steps_.size());
  // float tiles: the steps' slots, then (float32) the gathered inputs or
  // (halves) the widened inputs and the last step's result.
  const int float_tiles = num_slots_ + (kHalf ? num_widened + 1 : num_gathers);
  parallel_for(tiles, std::max<int64_t>(1, kElementwiseGrain / kFusedTile), [&](int64_t tb, int64_t te) {
    std::vector<float> scratch(size_t(float_tiles) * kFusedTile);
    std::vector<T> staged(kHalf && num_gathers > 0 ? kFusedTile : 0);  // a half input gathered before widening
    std::vector<float> scalars(kHalf ? num_inputs_ : 0);
    std::vector<const float*> ptr(nvals);
    std::vector<int64_t> stride(nvals);
    for (int64_t t = tb; t < te; ++t) {
      const int64_t start = t * kFusedTile, n = std::min(kFusedTile, total - start);
      float* input_dst = scratch.data() + size_t(num_slots_) * kFusedTile;
      for (int k = 0; k < num_inputs_; ++k) {
        const Source<T>& s = sources[k];
        stride[k] = s.mode == Source<T>::kScalar ? 0 : 1;
        if constexpr (kHalf) {
          if (s.mode == Source<T>::kScalar) {
            scalars[k] = float(s.base[0]);
            ptr[k] = &scalars[k];
            continue;
          }
          const T* h = s.base + start;
          if (s.mode == Source<T>::kGather) {
            gather_tile(s, shape, start, n, staged.data());
            h = staged.data();
          }
          half_simd::widen(h, input_dst, n);
        } else {
          if (s.mode == Source<T>::kDirect) {
            ptr[k] = s.base + start;
            continue;
          }
          if (s.mode == Source<T>::kScalar) {
            ptr[k] = s.base;
            continue;
          }
          gather_tile(s, shape, start, n, input_dst);
        }
        ptr[k] = input_dst;
        input_dst += kFusedTile;
      }
      for (size_t j = 0; j < steps_.size(); ++j) {
        const bool last = slot_[j] < 0;
        float* dst;
        if constexpr (kHalf) dst = last ? input_dst : scratch.data() + size_t(slot_[j]) * kFusedTile;
        else dst = last ? y + start : scratch.data() + size_t(slot_[j]) * kFusedTile;
        const auto& a = steps_[j].args;
        if (kernels_[j].unary) kernels_[j].unary(ptr[a[0]], stride[a[0]], dst, n);
        else kernels_[j].binary(ptr[a[0]], stride[a[0]], ptr[a[1]], stride[a[1]], dst, n);
        if constexpr (kHalf) {
          if (last) half_simd::narrow(dst, y + start, n);
          else half_simd::round_through<T>(dst, n);
        }
        ptr[num_inputs_ + j] = dst;
        stride[num_inputs_ + j] = 1;
      }
    }
  });
}

void Fused::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  array& out = outputs[0];
  const Dtype t = out.dtype();
  for (auto& in : inputs)
    if (in.dtype() != t)
      fail("compile", "A fused ", name_of(t), " kernel got a ", name_of(in.dtype()), " input.");
  out.allocate();
  if (out.size() == 0) return;
  switch (t) {
    case Dtype::float32: return run_tiles<float>(inputs, out);
    case Dtype::float16: return run_tiles<float16_t>(inputs, out);
    case Dtype::bfloat16: return run_tiles<bfloat16_t>(inputs, out);
    default: fail("compile", "A fused kernel can't compute ", name_of(t), ".");
  }
}

}  // namespace wmx

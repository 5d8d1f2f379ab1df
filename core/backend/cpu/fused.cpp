// The CPU kernels of Fused (compiled elementwise chains) (their shapes and transform rules:
// core/primitives/fused.cpp).
#include "primitives/fused.h"

#include <algorithm>
#include <cstring>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// How a tile reads one input: in place (contiguous, full shape), as a
// scalar (stride 0), or gathered through broadcast strides into scratch.
struct Source {
  const float* base;
  enum { kDirect, kScalar, kGather } mode;
  Strides strides;  // kGather: strides into the output shape (0 on broadcast dims)
};

Source make_source(const array& in, const Shape& shape) {
  const float* base = in.data<float>();
  if (in.size() == 1) return {base, Source::kScalar, {}};
  if (in.shape() == shape && in.row_contiguous()) return {base, Source::kDirect, {}};
  const int diff = int(shape.size()) - in.ndim();
  Strides s(shape.size(), 0);
  for (int i = 0; i < in.ndim(); ++i) s[i + diff] = in.shape()[i] == 1 ? 0 : in.strides()[i];
  return {base, Source::kGather, std::move(s)};
}

// dst[k] = element start + k of `src` read through its broadcast strides.
// Along the last axis a run is copied (stride 1), splatted (stride 0: a
// column broadcast) or strided: the first two are what bias adds and
// normalisations feed a fused chain, and a per-element loop over them made
// fused chains slower than the unfused kernels.
void gather_tile(const Source& src, const Shape& shape, int64_t start, int64_t n, float* dst) {
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
    const float* p = src.base + off;
    if (step == 1) std::memcpy(dst + done, p, size_t(m) * sizeof(float));
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

void Fused::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  array& out = outputs[0];
  for (auto& in : inputs)
    if (in.dtype() != Dtype::float32) fail("compile", "A fused kernel got a ", name_of(in.dtype()), " input.");
  out.allocate();
  const Shape& shape = out.shape();
  const int64_t total = out.size();
  if (total == 0) return;
  std::vector<Source> sources;
  int num_gathers = 0;
  for (auto& in : inputs) {
    sources.push_back(make_source(in, shape));
    num_gathers += sources.back().mode == Source::kGather;
  }
  float* y = out.data<float>();
  const int64_t tiles = (total + kFusedTile - 1) / kFusedTile;
  const int nvals = num_inputs_ + int(steps_.size());
  parallel_for(tiles, std::max<int64_t>(1, kElementwiseGrain / kFusedTile), [&](int64_t tb, int64_t te) {
    std::vector<float> scratch(size_t(num_slots_ + num_gathers) * kFusedTile);
    std::vector<const float*> ptr(nvals);
    std::vector<int64_t> stride(nvals);
    for (int64_t t = tb; t < te; ++t) {
      const int64_t start = t * kFusedTile, n = std::min(kFusedTile, total - start);
      float* gather_dst = scratch.data() + size_t(num_slots_) * kFusedTile;
      for (int k = 0; k < num_inputs_; ++k) {
        const Source& s = sources[k];
        stride[k] = s.mode == Source::kScalar ? 0 : 1;
        if (s.mode == Source::kDirect) ptr[k] = s.base + start;
        else if (s.mode == Source::kScalar) ptr[k] = s.base;
        else {
          gather_tile(s, shape, start, n, gather_dst);
          ptr[k] = gather_dst;
          gather_dst += kFusedTile;
        }
      }
      for (size_t j = 0; j < steps_.size(); ++j) {
        float* dst = slot_[j] < 0 ? y + start : scratch.data() + size_t(slot_[j]) * kFusedTile;
        const auto& a = steps_[j].args;
        if (kernels_[j].unary) kernels_[j].unary(ptr[a[0]], stride[a[0]], dst, n);
        else kernels_[j].binary(ptr[a[0]], stride[a[0]], ptr[a[1]], stride[a[1]], dst, n);
        ptr[num_inputs_ + j] = dst;
        stride[num_inputs_ + j] = 1;
      }
    }
  });
}

}  // namespace wmx

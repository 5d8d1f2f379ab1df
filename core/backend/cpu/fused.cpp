// The CPU kernels of Fused (compiled elementwise chains, and FusedReduce:
// such a chain ending in a reduction); their shapes and transform rules are
// in core/primitives/fused.cpp.
#include "primitives/fused.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/half_simd.h"
#include "backend/cpu/kernels/reductions.h"
#include "primitives/reduce.h"
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

// The chain over tiles of its output, in elements of T: tile k of `items`
// covers the elements [start, start + n) that tile_of(k) gives (at most
// kFusedTile). float32 steps read the inputs in place, and the last step
// writes to `direct` + start when it is given; otherwise, and for a half
// type (H), each input tile is widened to float first, every step's result
// is rounded to H (so each value is what the unfused H kernel would have
// stored), and the last step's result goes to scratch, which sink(k, result,
// n) is then given. Items are spread over the threads.
template <typename T>
void Fused::run_tiles(const std::vector<array>& inputs, const Shape& shape, int64_t items, const TileOf& tile_of,
                      const TileSink& sink, float* direct) const {
  constexpr bool kHalf = !std::is_same_v<T, float>;
  std::vector<Source<T>> sources;
  int num_gathers = 0, num_widened = 0;
  for (auto& in : inputs) {
    sources.push_back(make_source<T>(in, shape));
    num_gathers += sources.back().mode == Source<T>::kGather;
    num_widened += sources.back().mode != Source<T>::kScalar;
  }
  const int nvals = num_inputs_ + int(steps_.size());
  // float tiles: the steps' slots, the gathered (float32) or widened (half)
  // inputs, and the last step's result when it doesn't go to `direct`.
  const int float_tiles = num_slots_ + (kHalf ? num_widened : num_gathers) + (direct ? 0 : 1);
  parallel_for(items, std::max<int64_t>(1, kElementwiseGrain / kFusedTile), [&](int64_t tb, int64_t te) {
    std::vector<float> scratch(size_t(float_tiles) * kFusedTile);
    std::vector<T> staged(kHalf && num_gathers > 0 ? kFusedTile : 0);  // a half input gathered before widening
    std::vector<float> scalars(kHalf ? num_inputs_ : 0);
    std::vector<const float*> ptr(nvals);
    std::vector<int64_t> stride(nvals);
    for (int64_t t = tb; t < te; ++t) {
      const auto [start, n] = tile_of(t);
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
        float* dst = !last ? scratch.data() + size_t(slot_[j]) * kFusedTile : direct ? direct + start : input_dst;
        const auto& a = steps_[j].args;
        if (kernels_[j].unary) kernels_[j].unary(ptr[a[0]], stride[a[0]], dst, n);
        else kernels_[j].binary(ptr[a[0]], stride[a[0]], ptr[a[1]], stride[a[1]], dst, n);
        if constexpr (kHalf) {
          if (!last) half_simd::round_through<T>(dst, n);
        }
        ptr[num_inputs_ + j] = dst;
        stride[num_inputs_ + j] = 1;
      }
      if (!direct) sink(t, ptr[nvals - 1], n);
    }
  });
}

namespace {

using reduction::MaxOp;
using reduction::MinOp;

// A row's tiles are 1024-aligned to its start, so each full tile is one of
// the Reduce kernel's sum blocks and a row's last tile holds its last block
// and its tail.
static_assert(kFusedTile == reduction::kSumBlock);

// One tile of a float32 sum as the Reduce kernel adds it: its block's SIMD
// sum and its tail values (the last n mod 16, added one at a time), kept
// apart so that the row's total is formed in the kernel's order and rounds
// alike (Fused::run_reduce).
struct SumTile {
  double block = 0;
  float tail[15];
  int tail_len = 0;
};

SumTile sum_tile(const float* x, int64_t n) {
  SumTile r;
  const int64_t body = n - n % 16;
  if (body > 0) r.block = double(reduction::sum16(x, body));
  for (int64_t i = body; i < n; ++i) r.tail[r.tail_len++] = x[i];
  return r;
}

// x folded with the Reduce kernel's max or min, from its initial value.
template <typename Op>
float fold(const float* x, int64_t n) {
  Op op;
  float acc = Op::init();
  for (int64_t i = 0; i < n; ++i) acc = op(acc, x[i]);
  return acc;
}

}  // namespace

// The chain reduced over its trailing `reduce_->axes()`: each row of the
// chain's output (the reduced elements, contiguous in row-major order) is
// computed in 1024-element tiles and reduced as it comes, never stored.
// Results equal the unfused Reduce bit for bit: sums as SumTile says, and
// max / min fold each tile, then the tiles' results in order (their fold
// keeps the first NaN and the later of equal values either way).
void Fused::run_reduce(const std::vector<array>& inputs, array& out) const {
  const int64_t rows = out.size(), len = rows ? shape_size(shape_) / rows : 0;
  float* y = out.data<float>();
  const bool is_sum = reduce_->type() == ReduceType::sum;
  auto extreme = [is_max = reduce_->type() == ReduceType::max](const float* x, int64_t n) {
    return is_max ? fold<MaxOp<float>>(x, n) : fold<MinOp<float>>(x, n);
  };
  if (len == 0) {  // empty rows: the reduction's identity
    std::fill(y, y + rows, is_sum ? 0.0f : extreme(nullptr, 0));
    return;
  }
  const int64_t segs = (len + kFusedTile - 1) / kFusedTile;
  std::vector<SumTile> sums(is_sum ? size_t(rows * segs) : 0);
  std::vector<float> extremes(is_sum ? 0 : size_t(rows * segs));
  auto tile_of = [&](int64_t k) {
    const int64_t row = k / segs, seg = k % segs;
    return std::pair<int64_t, int64_t>{row * len + seg * kFusedTile, std::min(kFusedTile, len - seg * kFusedTile)};
  };
  auto sink = [&](int64_t k, const float* r, int64_t n) {
    if (is_sum) sums[size_t(k)] = sum_tile(r, n);
    else extremes[size_t(k)] = extreme(r, n);
  };
  run_tiles<float>(inputs, shape_, rows * segs, tile_of, sink, nullptr);
  for (int64_t row = 0; row < rows; ++row) {
    if (is_sum) {
      double total = 0;
      for (int64_t seg = 0; seg < segs; ++seg) {
        const SumTile& t = sums[size_t(row * segs + seg)];
        total += t.block;
        for (int i = 0; i < t.tail_len; ++i) total += t.tail[i];
      }
      y[row] = float(total);
    } else {
      y[row] = extreme(&extremes[size_t(row * segs)], segs);
    }
  }
}

void Fused::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  array& out = outputs[0];
  const Dtype t = out.dtype();
  for (auto& in : inputs)
    if (in.dtype() != t)
      fail("compile", "A fused ", name_of(t), " kernel got a ", name_of(in.dtype()), " input.");
  out.allocate();
  if (out.size() == 0) return;
  if (reduce_) {
    if (t != Dtype::float32) fail("compile", "A fused reduction can't compute ", name_of(t), ".");
    return run_reduce(inputs, out);
  }
  const Shape& shape = out.shape();
  const int64_t total = out.size();
  auto tile_of = [total](int64_t k) {
    return std::pair<int64_t, int64_t>{k * kFusedTile, std::min(kFusedTile, total - k * kFusedTile)};
  };
  const int64_t tiles = (total + kFusedTile - 1) / kFusedTile;
  auto narrow_into = [&](auto* y) {
    return [y](int64_t k, const float* r, int64_t n) { half_simd::narrow(r, y + k * kFusedTile, n); };
  };
  switch (t) {
    case Dtype::float32: return run_tiles<float>(inputs, shape, tiles, tile_of, {}, out.data<float>());
    case Dtype::float16:
      return run_tiles<float16_t>(inputs, shape, tiles, tile_of, narrow_into(out.data<float16_t>()), nullptr);
    case Dtype::bfloat16:
      return run_tiles<bfloat16_t>(inputs, shape, tiles, tile_of, narrow_into(out.data<bfloat16_t>()), nullptr);
    default: fail("compile", "A fused kernel can't compute ", name_of(t), ".");
  }
}

}  // namespace wmx

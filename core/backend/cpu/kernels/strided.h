// Iteration over N operands that share a shape but have their own strides
// (views, broadcasts). Adjacent dimensions that are contiguous in every
// operand are merged first, so a row-contiguous operand set becomes one long
// run and kernels only see (pointer offsets, length, inner strides).
#pragma once
#include <array>
#include <cstdint>

#include "array.h"

namespace wmx {

template <size_t N>
struct StridedLayout {
  Shape shape;                     // collapsed; never empty (a scalar becomes {1})
  std::array<Strides, N> strides;  // per operand, collapsed alike
  int64_t rows() const {           // product of all but the last dimension
    int64_t r = 1;
    for (size_t i = 0; i + 1 < shape.size(); ++i) r *= shape[i];
    return r;
  }
  int64_t inner() const { return shape.back(); }
};

template <size_t N>
StridedLayout<N> collapse_layout(const Shape& shape, const std::array<const Strides*, N>& strides) {
  StridedLayout<N> out;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 1) continue;  // size-1 dims carry no stride information
    bool merge = !out.shape.empty();
    for (size_t k = 0; k < N && merge; ++k)
      merge = out.strides[k].back() == (*strides[k])[d] * shape[d];
    if (merge) {
      out.shape.back() *= shape[d];
      for (size_t k = 0; k < N; ++k) out.strides[k].back() = (*strides[k])[d];
    } else {
      out.shape.push_back(shape[d]);
      for (size_t k = 0; k < N; ++k) out.strides[k].push_back((*strides[k])[d]);
    }
  }
  if (out.shape.empty()) {
    out.shape.push_back(1);
    for (size_t k = 0; k < N; ++k) out.strides[k].push_back(1);
  }
  return out;
}

// Calls f(offsets, length, inner_strides) for rows [row_begin, row_end) of
// the layout; offsets are element offsets of each operand's run start.
template <size_t N, typename F>
void for_each_run(const StridedLayout<N>& L, int64_t row_begin, int64_t row_end, F&& f) {
  const int nd = int(L.shape.size());
  std::array<int64_t, N> inner_strides;
  for (size_t k = 0; k < N; ++k) inner_strides[k] = L.strides[k][nd - 1];
  if (nd == 1) {
    std::array<int64_t, N> offs{};
    if (row_begin < row_end) f(offs, L.shape[0], inner_strides);
    return;
  }
  // Multi-index of row_begin over the outer dims.
  std::vector<int64_t> idx(nd - 1);
  std::array<int64_t, N> offs{};
  int64_t r = row_begin;
  for (int d = nd - 2; d >= 0; --d) {
    idx[d] = r % L.shape[d];
    r /= L.shape[d];
    for (size_t k = 0; k < N; ++k) offs[k] += idx[d] * L.strides[k][d];
  }
  for (int64_t row = row_begin; row < row_end; ++row) {
    f(offs, L.shape[nd - 1], inner_strides);
    for (int d = nd - 2; d >= 0; --d) {  // odometer increment
      for (size_t k = 0; k < N; ++k) offs[k] += L.strides[k][d];
      if (++idx[d] < L.shape[d]) break;
      for (size_t k = 0; k < N; ++k) offs[k] -= L.strides[k][d] * L.shape[d];
      idx[d] = 0;
    }
  }
}

}  // namespace wmx

// The CPU kernels of the view primitives and Copy (their shapes and transform rules:
// core/primitives/views.cpp).
#include "primitives/views.h"

#include <algorithm>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"

namespace wmx {

void copy_to_contiguous(const array& in, array& out) { copy_convert(in, out); }

void Reshape::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  Strides s;
  if (reshape_strides(in[0], out[0].shape(), s)) {
    out[0].set_view(in[0], std::move(s), in[0].offset());
  } else {
    copy_to_contiguous(in[0], out[0]);
  }
}
void Flatten::eval_cpu(const std::vector<array>& in, std::vector<array>& out) { Reshape(out[0].shape()).eval_cpu(in, out); }
void Squeeze::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  Strides s;
  for (int d = 0; d < in[0].ndim(); ++d)
    if (!axis_listed(axes_, d)) s.push_back(in[0].strides()[d]);
  out[0].set_view(in[0], std::move(s), in[0].offset());
}
void ExpandDims::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  Strides s;
  for (int d = 0, k = 0; d < out[0].ndim(); ++d) s.push_back(axis_listed(axes_, d) ? 0 : in[0].strides()[k++]);
  out[0].set_view(in[0], std::move(s), in[0].offset());
}
void Transpose::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  Strides s(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) s[i] = in[0].strides()[axes_[i]];
  out[0].set_view(in[0], std::move(s), in[0].offset());
}
void Broadcast::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& a = in[0];
  int diff = int(shape_.size()) - a.ndim();
  Strides s(shape_.size(), 0);
  for (int i = 0; i < a.ndim(); ++i) s[i + diff] = a.shape()[i] == 1 ? 0 : a.strides()[i];
  out[0].set_view(a, std::move(s), a.offset());
}
void AsType::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  copy_convert(in[0], out[0]);
}
void Copy::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].set_view(in[0], in[0].strides(), in[0].offset());
}
}  // namespace wmx

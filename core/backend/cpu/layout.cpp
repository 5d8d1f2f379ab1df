// The CPU kernels of View, Contiguous and Depends (their shapes and transform rules:
// core/primitives/layout.cpp).
#include "primitives/layout.h"

#include <algorithm>
#include <cstring>

#include "backend/cpu/kernels/elementwise.h"

namespace wmx {

namespace {

// A row-contiguous version of `x` (x itself when it already is one).
array row_major(const array& x) {
  if (x.row_contiguous()) return x;
  array out(x.shape(), x.dtype(), nullptr, {});
  copy_convert(x, out);
  return out;
}

}  // namespace

void View::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array x = row_major(in[0]);
  out[0].allocate();
  std::memcpy(out[0].raw_data(), x.raw_data(), size_t(x.nbytes()));
}

void Contiguous::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  if (in[0].row_contiguous()) {
    out[0].set_view(in[0], in[0].strides(), in[0].offset());
  } else {
    copy_convert(in[0], out[0]);
  }
}
void Depends::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  for (size_t i = 0; i < out.size(); ++i) out[i].set_view(in[i], in[i].strides(), in[i].offset());
}

}  // namespace wmx

#include "primitives/vmap_util.h"

#include <algorithm>

#include "ops.h"

namespace wmx {

array batch_first(const array& a, int axis) { return axis < 0 ? a : moveaxis(a, axis, 0); }

std::vector<array> align_batched(const std::vector<array>& inputs, const std::vector<int>& axes) {
  int rank = 0;  // largest per-example rank
  for (size_t i = 0; i < inputs.size(); ++i) rank = std::max(rank, inputs[i].ndim() - (axes[i] >= 0 ? 1 : 0));
  std::vector<array> out;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (axes[i] < 0) {
      out.push_back(inputs[i]);
      continue;
    }
    array x = batch_first(inputs[i], axes[i]);
    Shape s = x.shape();
    s.insert(s.begin() + 1, rank - (x.ndim() - 1), 1);
    out.push_back(reshape(x, s));
  }
  return out;
}

}  // namespace wmx

// MLX's view, contiguous and depends (primitives/layout.h).
#pragma once
#include <vector>

#include "array.h"

namespace wmx {

// The same bytes read as `dtype`: the last axis scales by the size ratio.
array view(const array& a, Dtype dtype);
// A row-contiguous copy (the values are a's).
array contiguous(const array& a);
// `inputs`, evaluated only together with `dependencies`.
std::vector<array> depends(const std::vector<array>& inputs, const std::vector<array>& dependencies);

}  // namespace wmx

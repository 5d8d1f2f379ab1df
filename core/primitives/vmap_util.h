// Helpers shared by the primitives' vmap rules: they bring batched operands
// to a common layout (batch axis first) so a rule can reapply its op.
#pragma once
#include <vector>

#include "array.h"

namespace wmx {

// `a` with its batch axis (if any, axis >= 0) moved to the front.
array batch_first(const array& a, int axis);

// For elementwise ops: every batched operand gets its batch axis first and
// size-1 dims after it up to the largest per-example rank, so that plain
// broadcasting lines the operands up; unbatched operands are unchanged.
std::vector<array> align_batched(const std::vector<array>& inputs, const std::vector<int>& axes);

}  // namespace wmx

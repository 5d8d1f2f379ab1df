// Graph evaluation (and, later, the function transformations).
#pragma once
#include <vector>

#include "array.h"

namespace wmx {

// Computes every array in `outputs` (and what they depend on). Iterative, so
// graphs of any depth evaluate without recursion; intermediates are released
// as soon as their last consumer has run.
void eval(const std::vector<array>& outputs);
inline void eval(const array& a) { eval(std::vector<array>{a}); }

}  // namespace wmx

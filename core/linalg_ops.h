// Linear-algebra compositions (MLX semantics): addmm, outer, inner,
// tensordot and einsum, lowered to transpose / reshape / matmul / sum so
// that their transform rules come from those ops.
#pragma once
#include <string>
#include <vector>

#include "array.h"

namespace wmx {

// alpha * (a @ b) + beta * c.
array addmm(const array& c, const array& a, const array& b, double alpha = 1.0, double beta = 1.0);
// Outer product of the flattened inputs.
array outer(const array& a, const array& b);
// Sum product over the last axes (multiply when either is a scalar).
array inner(const array& a, const array& b);
// Contracts the last `axes` axes of a with the first `axes` axes of b.
array tensordot(const array& a, const array& b, int axes = 2);
array tensordot(const array& a, const array& b, const std::vector<int>& axes_a, const std::vector<int>& axes_b);
// numpy/MLX einsum: "ij,jk->ik", implicit output ("ij,jk"), repeated indices
// within one operand (diagonals), ellipses ("...ij,...jk->...ik", broadcast).
array einsum(const std::string& subscripts, const std::vector<array>& operands);

}  // namespace wmx

// Reductions, normalisers, extra binary ops, scans and sorting (MLX
// semantics, "[op] ..." errors). Many are compositions of existing ops;
// argmax/argmin, the scans, sort and the binary ops floor_divide, remainder,
// power and arctan2 have their own primitives (primitives/scan.h,
// primitives/binary_extra.h).
#pragma once
#include <optional>
#include <vector>

#include "array.h"

namespace wmx {

// ---- reductions and normalisers ----
// Variance/standard deviation over `axes` with divisor N - ddof (two-pass:
// mean first). Integer inputs give float32.
array var(const array& a, const std::vector<int>& axes, bool keepdims = false, int ddof = 0);
array std(const array& a, const std::vector<int>& axes, bool keepdims = false, int ddof = 0);
// First index of the max/min along `axis` (uint32); without axis, of the flattened array.
array argmax(const array& a, int axis, bool keepdims = false);
array argmax(const array& a, bool keepdims = false);
array argmin(const array& a, int axis, bool keepdims = false);
array argmin(const array& a, bool keepdims = false);
// log(sum(exp(a))) computed stably (max subtracted; infinite maxima pass through).
array logsumexp(const array& a, const std::vector<int>& axes, bool keepdims = false);
array softmax(const array& a, const std::vector<int>& axes, bool precise = false);
array log_softmax(const array& a, const std::vector<int>& axes, bool precise = false);

// ---- binary ----
array floor_divide(const array& a, const array& b);  // Python's //
array remainder(const array& a, const array& b);     // Python's % (sign of b)
array power(const array& a, const array& b);
array arctan2(const array& a, const array& b);  // float output
array logaddexp(const array& a, const array& b);  // float output
array logical_and(const array& a, const array& b);  // bool output
array logical_or(const array& a, const array& b);
// min/max may be absent (not both).
array clip(const array& a, const std::optional<array>& a_min, const std::optional<array>& a_max);
array isclose(const array& a, const array& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
array allclose(const array& a, const array& b, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false);
array array_equal(const array& a, const array& b, bool equal_nan = false);  // bool scalar

// ---- scans (axis absent: over the flattened array) ----
array cumsum(const array& a, std::optional<int> axis, bool reverse = false, bool inclusive = true);
array cumprod(const array& a, std::optional<int> axis, bool reverse = false, bool inclusive = true);
array cummax(const array& a, std::optional<int> axis, bool reverse = false, bool inclusive = true);
array cummin(const array& a, std::optional<int> axis, bool reverse = false, bool inclusive = true);

// ---- sorting (axis absent: over the flattened array) ----
array sort(const array& a, std::optional<int> axis = -1);
array argsort(const array& a, std::optional<int> axis = -1);  // uint32
// The k largest elements along axis (in ascending order).
array topk(const array& a, int k, std::optional<int> axis = -1);

}  // namespace wmx

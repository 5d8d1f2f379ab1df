#include "primitives/binary_extra.h"

#include <cmath>
#include <type_traits>

#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"
#include "reduce_ops.h"

namespace wmx {

// ---- transform rules (vjp: one cotangent per argnum; jvp: tangents[i] is for argnums[i]) ----

namespace {

template <typename F>
std::vector<array> each(const std::vector<int>& argnums, F&& rule) {
  std::vector<array> out;
  for (int arg : argnums) out.push_back(rule(arg));
  return out;
}
// Sum over argnums of d(out)/d(arg) * t.
template <typename F>
array jvp_sum(const std::vector<array>& tangents, const std::vector<int>& argnums, F&& deriv) {
  array out = multiply(tangents[0], deriv(argnums[0]));
  for (size_t i = 1; i < argnums.size(); ++i) out = add(out, multiply(tangents[i], deriv(argnums[i])));
  return out;
}

}  // namespace

// floor_divide is piecewise constant.
std::vector<array> FloorDivide::vjp(const std::vector<array>& p, const std::vector<array>&,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  return each(argnums, [&](int arg) { return zeros_like(p[arg]); });
}
std::vector<array> FloorDivide::jvp(const std::vector<array>& p, const std::vector<array>&,
                                    const std::vector<int>&) {
  return {zeros_like(p[0])};
}

// a % b = a - floor(a / b) * b: d/da = 1, d/db = -floor(a / b).
static array rem_deriv(const std::vector<array>& p, int arg) {
  if (arg == 0) return full_like(p[0], 1.0, p[0].dtype());
  return negative(floor_divide(p[0], p[1]));
}
std::vector<array> Remainder::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  return each(argnums, [&](int arg) { return arg == 0 ? cot[0] : multiply(cot[0], rem_deriv(p, 1)); });
}
std::vector<array> Remainder::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                  const std::vector<int>& argnums) {
  return {jvp_sum(tan, argnums, [&](int arg) { return rem_deriv(p, arg); })};
}

// d(a^b)/da = b a^(b-1); d(a^b)/db = a^b log(a) (0 where a == 0, as MLX).
static array pow_deriv(const std::vector<array>& p, const array& out, int arg) {
  const array& a = p[0];
  const array& b = p[1];
  if (arg == 0) return multiply(b, power(a, subtract(b, array::scalar(1, b.dtype()))));
  array la = where(equal(a, array::scalar(0, a.dtype())), array::scalar(0, a.dtype()), log(a));
  return multiply(out, la);
}
std::vector<array> Power::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                              const std::vector<int>& argnums, const std::vector<array>& out) {
  return each(argnums, [&](int arg) { return multiply(cot[0], pow_deriv(p, out[0], arg)); });
}
std::vector<array> Power::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                              const std::vector<int>& argnums) {
  array out = power(p[0], p[1]);
  return {jvp_sum(tan, argnums, [&](int arg) { return pow_deriv(p, out, arg); })};
}

// atan2(a, b): d/da = b / (a^2 + b^2); d/db = -a / (a^2 + b^2).
static array atan2_deriv(const std::vector<array>& p, int arg) {
  array den = add(square(p[0]), square(p[1]));
  return arg == 0 ? divide(p[1], den) : divide(negative(p[0]), den);
}

// d/da logaddexp(a, b) = exp(a) / (exp(a) + exp(b)) = sigmoid(a - b): 0.5 each
// at a tie (as MLX), and 1/0 when one argument is +inf and the other finite.
static array lae_deriv(const std::vector<array>& p, int arg) {
  return sigmoid(arg == 0 ? subtract(p[0], p[1]) : subtract(p[1], p[0]));
}

// Rules of a primitive whose partial derivatives `deriv(p, arg)` need no output.
#define WMX_DERIV_RULES(Name, deriv)                                                                     \
  std::vector<array> Name::vjp(const std::vector<array>& p, const std::vector<array>& cot,               \
                               const std::vector<int>& argnums, const std::vector<array>&) {             \
    return each(argnums, [&](int arg) { return multiply(cot[0], deriv(p, arg)); });                      \
  }                                                                                                      \
  std::vector<array> Name::jvp(const std::vector<array>& p, const std::vector<array>& tan,               \
                               const std::vector<int>& argnums) {                                        \
    return {jvp_sum(tan, argnums, [&](int arg) { return deriv(p, arg); })};                              \
  }
WMX_DERIV_RULES(ArcTan2, atan2_deriv)
WMX_DERIV_RULES(LogAddExp, lae_deriv)
#undef WMX_DERIV_RULES

#define WMX_EXTRA_VMAP(Name, op)                                                                         \
  std::pair<std::vector<array>, std::vector<int>> Name::vmap(const std::vector<array>& in,               \
                                                             const std::vector<int>& axes) {             \
    auto x = align_batched(in, axes);                                                                    \
    return {{op(x[0], x[1])}, {0}};                                                                      \
  }
WMX_EXTRA_VMAP(FloorDivide, floor_divide)
WMX_EXTRA_VMAP(Remainder, remainder)
WMX_EXTRA_VMAP(Power, power)
WMX_EXTRA_VMAP(ArcTan2, arctan2)
WMX_EXTRA_VMAP(LogAddExp, logaddexp)
#undef WMX_EXTRA_VMAP

}  // namespace wmx

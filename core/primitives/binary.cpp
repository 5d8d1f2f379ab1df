#include "primitives/binary.h"

#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"

namespace wmx {

}  // namespace wmx

// ---- transform rules ----
// vjp: one cotangent per requested argument (argnums holds 0 and/or 1);
// jvp: tangents[i] belongs to primals[argnums[i]].

namespace wmx {

namespace {

// Sums the jvp contributions d(out)/d(arg) * tangent over the given args.
template <typename F>
array jvp_sum(const std::vector<array>& tangents, const std::vector<int>& argnums, F&& term) {
  array out = term(argnums[0], tangents[0]);
  for (size_t i = 1; i < argnums.size(); ++i) out = add(out, term(argnums[i], tangents[i]));
  return out;
}

template <typename F>
std::vector<array> vjp_each(const std::vector<int>& argnums, F&& rule) {
  std::vector<array> out;
  for (int arg : argnums) out.push_back(rule(arg));
  return out;
}

std::vector<array> zero_vjps(const std::vector<array>& primals, const std::vector<int>& argnums) {
  return vjp_each(argnums, [&](int arg) { return zeros_like(primals[arg]); });
}

}  // namespace

std::vector<array> Add::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>& argnums,
                            const std::vector<array>&) {
  return vjp_each(argnums, [&](int) { return cot[0]; });
}
std::vector<array> Add::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>& argnums) {
  return {jvp_sum(tan, argnums, [](int, const array& t) { return t; })};
}

std::vector<array> Subtract::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                                 const std::vector<int>& argnums, const std::vector<array>&) {
  return vjp_each(argnums, [&](int arg) {
    return arg == 0 ? cot[0] : subtract(zeros_like(cot[0]), cot[0]);
  });
}
std::vector<array> Subtract::jvp(const std::vector<array>&, const std::vector<array>& tan,
                                 const std::vector<int>& argnums) {
  return {jvp_sum(tan, argnums, [](int arg, const array& t) { return arg == 0 ? t : subtract(zeros_like(t), t); })};
}

std::vector<array> Multiply::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                 const std::vector<int>& argnums, const std::vector<array>&) {
  return vjp_each(argnums, [&](int arg) { return multiply(cot[0], p[1 - arg]); });
}
std::vector<array> Multiply::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                 const std::vector<int>& argnums) {
  return {jvp_sum(tan, argnums, [&](int arg, const array& t) { return multiply(t, p[1 - arg]); })};
}

std::vector<array> Divide::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                               const std::vector<int>& argnums, const std::vector<array>& out) {
  // d(a/b)/da = 1/b; d(a/b)/db = -(a/b)/b
  return vjp_each(argnums, [&](int arg) {
    return arg == 0 ? divide(cot[0], p[1]) : subtract(zeros_like(cot[0]), divide(multiply(cot[0], out[0]), p[1]));
  });
}
std::vector<array> Divide::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                               const std::vector<int>& argnums) {
  return {jvp_sum(tan, argnums, [&](int arg, const array& t) {
    return arg == 0 ? divide(t, p[1]) : subtract(zeros_like(t), divide(multiply(t, p[0]), multiply(p[1], p[1])));
  })};
}

// The gradient goes to the input that was selected (to `a` on ties for max, as MLX).
std::vector<array> Maximum::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  return vjp_each(argnums, [&](int arg) {
    array mask = arg == 0 ? greater_equal(p[0], p[1]) : less(p[0], p[1]);
    return multiply(cot[0], astype(mask, cot[0].dtype()));
  });
}
std::vector<array> Maximum::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                const std::vector<int>& argnums) {
  return {jvp_sum(tan, argnums, [&](int arg, const array& t) {
    array mask = arg == 0 ? greater_equal(p[0], p[1]) : less(p[0], p[1]);
    return multiply(t, astype(mask, t.dtype()));
  })};
}
std::vector<array> Minimum::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  return vjp_each(argnums, [&](int arg) {
    array mask = arg == 0 ? less_equal(p[0], p[1]) : greater(p[0], p[1]);
    return multiply(cot[0], astype(mask, cot[0].dtype()));
  });
}
std::vector<array> Minimum::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                const std::vector<int>& argnums) {
  return {jvp_sum(tan, argnums, [&](int arg, const array& t) {
    array mask = arg == 0 ? less_equal(p[0], p[1]) : greater(p[0], p[1]);
    return multiply(t, astype(mask, t.dtype()));
  })};
}

// Comparisons are piecewise constant: zero derivatives.
#define WMX_ZERO_RULES(Name)                                                                            \
  std::vector<array> Name::vjp(const std::vector<array>& p, const std::vector<array>&,                  \
                               const std::vector<int>& argnums, const std::vector<array>&) {           \
    return zero_vjps(p, argnums);                                                                       \
  }                                                                                                     \
  std::vector<array> Name::jvp(const std::vector<array>& p, const std::vector<array>& tan,               \
                               const std::vector<int>&) {                                               \
    /* zeros of the tangent's dtype, as MLX (a bool tangent would poison sums of tangents) */            \
    return {zeros(broadcast_shapes(p[0].shape(), p[1].shape(), #Name), tan[0].dtype())};                 \
  }
WMX_ZERO_RULES(Equal)
WMX_ZERO_RULES(NotEqual)
WMX_ZERO_RULES(Less)
WMX_ZERO_RULES(LessEqual)
WMX_ZERO_RULES(Greater)
WMX_ZERO_RULES(GreaterEqual)
#undef WMX_ZERO_RULES

}  // namespace wmx

// ---- vmap rules: align the operands (batch first) and reapply the op ----

namespace wmx {

#define WMX_BINARY_VMAP(Name, op)                                                                        \
  std::pair<std::vector<array>, std::vector<int>> Name::vmap(const std::vector<array>& in,               \
                                                             const std::vector<int>& axes) {             \
    auto x = align_batched(in, axes);                                                                    \
    return {{op(x[0], x[1])}, {0}};                                                                      \
  }
WMX_BINARY_VMAP(Add, add)
WMX_BINARY_VMAP(Subtract, subtract)
WMX_BINARY_VMAP(Multiply, multiply)
WMX_BINARY_VMAP(Divide, divide)
WMX_BINARY_VMAP(Maximum, maximum)
WMX_BINARY_VMAP(Minimum, minimum)
WMX_BINARY_VMAP(Equal, equal)
WMX_BINARY_VMAP(NotEqual, not_equal)
WMX_BINARY_VMAP(Less, less)
WMX_BINARY_VMAP(LessEqual, less_equal)
WMX_BINARY_VMAP(Greater, greater)
WMX_BINARY_VMAP(GreaterEqual, greater_equal)
#undef WMX_BINARY_VMAP

}  // namespace wmx

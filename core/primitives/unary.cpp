#include "primitives/unary.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "error.h"
#include "math_ops.h"
#include "ops.h"

namespace wmx {

}  // namespace wmx

// ---- transform rules ----
// A smooth unary op has vjp = cotangent * f'(x) and jvp = tangent * f'(x).
// f'(x) is written with `x` (the primal) and `y()` (the output: the vjp has
// it, the jvp recomputes it). Piecewise-constant ops have zero derivatives.

namespace wmx {

namespace {
array cst(double v, const array& like) { return array::scalar(v, like.dtype()); }
}  // namespace

#define WMX_SMOOTH_RULES(Name, fwd, ...)                                                         \
  std::vector<array> Name::vjp(const std::vector<array>& p, const std::vector<array>& cot,      \
                               const std::vector<int>&, const std::vector<array>& out) {        \
    const array& x = p[0];                                                                      \
    auto y = [&] { return out[0]; };                                                            \
    (void)x;                                                                                    \
    (void)y;                                                                                    \
    return {multiply(cot[0], __VA_ARGS__)};                                                     \
  }                                                                                             \
  std::vector<array> Name::jvp(const std::vector<array>& p, const std::vector<array>& tg,       \
                               const std::vector<int>&) {                                       \
    const array& x = p[0];                                                                      \
    auto y = [&] { return fwd(x); };                                                            \
    (void)x;                                                                                    \
    (void)y;                                                                                    \
    return {multiply(tg[0], __VA_ARGS__)};                                                      \
  }

WMX_SMOOTH_RULES(Abs, abs, sign(x))
WMX_SMOOTH_RULES(Square, square, multiply(cst(2, x), x))
WMX_SMOOTH_RULES(Exp, exp, y())
WMX_SMOOTH_RULES(Expm1, expm1, add(y(), cst(1, x)))
WMX_SMOOTH_RULES(Log, log, reciprocal(x))
WMX_SMOOTH_RULES(Log1p, log1p, reciprocal(add(x, cst(1, x))))
WMX_SMOOTH_RULES(Log2, log2, reciprocal(multiply(x, cst(0.69314718055994530942, x))))
WMX_SMOOTH_RULES(Log10, log10, reciprocal(multiply(x, cst(2.30258509299404568402, x))))
WMX_SMOOTH_RULES(Sqrt, sqrt, divide(cst(0.5, x), y()))
WMX_SMOOTH_RULES(Rsqrt, rsqrt, divide(multiply(cst(-0.5, x), y()), x))
WMX_SMOOTH_RULES(Sin, sin, cos(x))
WMX_SMOOTH_RULES(Cos, cos, negative(sin(x)))
WMX_SMOOTH_RULES(Tan, tan, reciprocal(square(cos(x))))
WMX_SMOOTH_RULES(ArcSin, arcsin, rsqrt(subtract(cst(1, x), square(x))))
WMX_SMOOTH_RULES(ArcCos, arccos, negative(rsqrt(subtract(cst(1, x), square(x)))))
WMX_SMOOTH_RULES(ArcTan, arctan, reciprocal(add(cst(1, x), square(x))))
WMX_SMOOTH_RULES(Sinh, sinh, cosh(x))
WMX_SMOOTH_RULES(Cosh, cosh, sinh(x))
WMX_SMOOTH_RULES(Tanh, tanh, subtract(cst(1, x), square(y())))
WMX_SMOOTH_RULES(ArcSinh, arcsinh, rsqrt(add(square(x), cst(1, x))))
WMX_SMOOTH_RULES(ArcCosh, arccosh, rsqrt(subtract(square(x), cst(1, x))))
WMX_SMOOTH_RULES(ArcTanh, arctanh, reciprocal(subtract(cst(1, x), square(x))))
WMX_SMOOTH_RULES(Sigmoid, sigmoid, multiply(y(), subtract(cst(1, x), y())))
WMX_SMOOTH_RULES(Erf, erf, multiply(cst(1.12837916709551257390, x), exp(negative(square(x)))))
WMX_SMOOTH_RULES(ErfInv, erfinv, multiply(cst(0.88622692545275801365, x), exp(square(y()))))
#undef WMX_SMOOTH_RULES

std::vector<array> Negative::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                 const std::vector<array>&) {
  return {negative(cot[0])};
}
std::vector<array> Negative::jvp(const std::vector<array>&, const std::vector<array>& tg, const std::vector<int>&) {
  return {negative(tg[0])};
}

// Zero cotangent for the input; zero tangent of the output's dtype.
#define WMX_ZERO_RULES(Name, out_dtype)                                                            \
  std::vector<array> Name::vjp(const std::vector<array>& p, const std::vector<array>&,            \
                               const std::vector<int>&, const std::vector<array>&) {              \
    return {zeros_like(p[0])};                                                                    \
  }                                                                                               \
  std::vector<array> Name::jvp(const std::vector<array>& p, const std::vector<array>&,            \
                               const std::vector<int>&) {                                         \
    return {full_like(p[0], 0.0, out_dtype)};                                                      \
  }
WMX_ZERO_RULES(Sign, p[0].dtype())
WMX_ZERO_RULES(Floor, p[0].dtype())
WMX_ZERO_RULES(Ceil, p[0].dtype())
WMX_ZERO_RULES(Round, p[0].dtype())
WMX_ZERO_RULES(StopGradient, p[0].dtype())
WMX_ZERO_RULES(IsNaN, Dtype::bool_)
WMX_ZERO_RULES(IsInf, Dtype::bool_)
WMX_ZERO_RULES(IsFinite, Dtype::bool_)
WMX_ZERO_RULES(LogicalNot, Dtype::bool_)
#undef WMX_ZERO_RULES

// vmap: elementwise, so the op applies to the batched input as is and the
// batch axis stays where it was.
#define WMX_UNARY_VMAP(Name, fn)                                                                  \
  std::pair<std::vector<array>, std::vector<int>> Name::vmap(const std::vector<array>& in,        \
                                                             const std::vector<int>& ax) {        \
    return {{fn(in[0])}, {ax[0]}};                                                                \
  }
#define WMX_UNARY_VMAP_ENTRY(P, f, kind) WMX_UNARY_VMAP(P, f)
WMX_UNARY_OPS(WMX_UNARY_VMAP_ENTRY)
#undef WMX_UNARY_VMAP_ENTRY
#undef WMX_UNARY_VMAP

}  // namespace wmx

#include "primitives/unary.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/vmath.h"
#include "backend/cpu/kernels/vtrig.h"
#include "math_ops.h"
#include "ops.h"

namespace wmx {

// ---- scalar helpers ----

double erfinv_scalar(double y) {
  if (!(y >= -1.0 && y <= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (y == 1.0 || y == -1.0) return std::copysign(std::numeric_limits<double>::infinity(), y);
  const double a = std::fabs(y);
  // Initial guess: Giles' single-precision approximation (2010), then Newton
  // steps on erf, or on erfc near +-1 where 1 - a is exact and erf saturates.
  double w = -std::log((1.0 - a) * (1.0 + a)), p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  double x = p * a;
  for (int i = 0; i < 3; ++i) {
    const double f = a < 0.5 ? std::erf(x) - a : (1.0 - a) - std::erfc(x);
    const double d = 1.1283791670955126 * std::exp(-x * x);
    if (d == 0.0 || f == 0.0) break;
    x -= f / d;
  }
  return std::copysign(x, y);
}

namespace {

// ---- kernels ----
// Functors take and return compute_t<T> (float for the half types).

template <typename C> C wrap_neg(C x) {
  if constexpr (std::is_integral_v<C>) return C(uint64_t(0) - uint64_t(x));  // no signed overflow
  else return -x;
}

struct AbsOp {
  template <typename C> C operator()(C x) const {
    if constexpr (std::is_same_v<C, bool> || std::is_unsigned_v<C>) return x;
    else if constexpr (std::is_integral_v<C>) return x < 0 ? wrap_neg(x) : x;
    else return std::fabs(x);
  }
};
struct NegativeOp {
  template <typename C> C operator()(C x) const { return wrap_neg(x); }
};
struct SignOp {  // sign(nan) = 0, as MLX
  template <typename C> C operator()(C x) const {
    if constexpr (std::is_same_v<C, bool>) return x;
    else if constexpr (std::is_unsigned_v<C>) return C(x != 0);
    else return C(int(x > C(0)) - int(x < C(0)));
  }
};
struct SquareOp {
  template <typename C> C operator()(C x) const {
    if constexpr (std::is_same_v<C, bool>) return x;
    else if constexpr (std::is_integral_v<C>) return C(uint64_t(x) * uint64_t(x));  // wraps, as MLX
    else return x * x;
  }
};

struct ExpOp {
  template <typename C> C operator()(C x) const { return std::exp(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vexp(x); }
};
struct LogOp {
  template <typename C> C operator()(C x) const { return std::log(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vlog(x); }
};
struct TanhOp {
  template <typename C> C operator()(C x) const { return std::tanh(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vtanh(x); }
};
struct SigmoidOp {
  template <typename C> C operator()(C x) const {
    const C e = std::exp(-std::fabs(x));
    return x < C(0) ? e / (C(1) + e) : C(1) / (C(1) + e);
  }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vsigmoid(x); }
};
struct Expm1Op {
  template <typename C> C operator()(C x) const { return std::expm1(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vexpm1(x); }
};
struct Log1pOp {
  template <typename C> C operator()(C x) const { return std::log1p(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vlog1p(x); }
};
struct SinOp {
  template <typename C> C operator()(C x) const { return std::sin(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vsin(x); }
};
struct CosOp {
  template <typename C> C operator()(C x) const { return std::cos(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vcos(x); }
};
struct ErfOp {
  template <typename C> C operator()(C x) const { return std::erf(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::verf(x); }
};
struct ErfInvOp {
  template <typename C> C operator()(C x) const { return C(erfinv_scalar(double(x))); }
};

template <typename Op>
concept HasVec = requires(simd::f32x4 v) { Op::vec(v); };

// float32 through Op::vec, four lanes at a time (strided inputs are gathered
// and the tail padded, so every element goes through the same code).
template <typename Op>
void vec_run(const void* xv, int64_t sx, void* yv, int64_t n) {
  using namespace simd;
  const float* x = static_cast<const float*>(xv);
  float* y = static_cast<float*>(yv);
  int64_t i = 0;
  if (sx == 1) {
    for (; i + 8 <= n; i += 8) {
      const f32x4 a = Op::vec(load(x + i)), b = Op::vec(load(x + i + 4));
      store(y + i, a);
      store(y + i + 4, b);
    }
    for (; i + 4 <= n; i += 4) store(y + i, Op::vec(load(x + i)));
  } else {
    for (; i + 4 <= n; i += 4)
      store(y + i, Op::vec(f32x4{x[i * sx], x[(i + 1) * sx], x[(i + 2) * sx], x[(i + 3) * sx]}));
  }
  if (i < n) {
    f32x4 v = splat(0.0f);
    for (int64_t k = 0; i + k < n; ++k) v[k] = x[(i + k) * sx];
    const f32x4 r = Op::vec(v);
    for (int64_t k = 0; i + k < n; ++k) y[i + k] = r[k];
  }
}

[[noreturn]] void bad_dtype(const char* op, Dtype t) {
  fail(op, "Unsupported dtype ", name_of(t), " for this kernel.");
}

// The float32 run of Op: SIMD through Op::vec where it has one.
template <typename Op>
UnaryRun float32_run() {
  if constexpr (HasVec<Op>) return &vec_run<Op>;
  else return &unary_run<float, float, Op>;
}

// Floating ops: input float16, bfloat16, float32 or float64; output of type R
// (the input's own type unless Bool).
template <typename Op, bool Bool = false>
void float_kernel(const array& x, array& y, const char* op) {
  UnaryRun run = nullptr;
  switch (x.dtype()) {
    case Dtype::float16: run = &unary_run<float16_t, std::conditional_t<Bool, bool, float16_t>, Op>; break;
    case Dtype::bfloat16: run = &unary_run<bfloat16_t, std::conditional_t<Bool, bool, bfloat16_t>, Op>; break;
    case Dtype::float32:
      if constexpr (!Bool) run = float32_run<Op>();
      else run = &unary_run<float, bool, Op>;
      break;
    case Dtype::float64: run = &unary_run<double, std::conditional_t<Bool, bool, double>, Op>; break;
    default: bad_dtype(op, x.dtype());
  }
  unary_driver(x, y, run);
}

// Ops defined on every dtype, output dtype = input dtype.
template <typename Op>
void any_kernel(const array& x, array& y) {
  dispatch_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    unary_driver(x, y, &unary_run<T, T, Op>);
  });
}

}  // namespace

#define WMX_FLOAT_EVAL(Name, ...)                                                      \
  void Name::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {        \
    float_kernel<__VA_ARGS__>(in[0], out[0], #Name);                                   \
  }                                                                                    \
  Float32Kernel Name::float32_kernel() const { return {float32_run<__VA_ARGS__>()}; }
#define WMX_FLOAT_LAMBDA_EVAL(Name, expr) WMX_FLOAT_EVAL(Name, decltype([](auto x) { return expr; }))
#define WMX_PREDICATE_EVAL(Name, expr)                                                 \
  void Name::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {        \
    float_kernel<decltype([](auto x) { return bool(expr); }), true>(in[0], out[0], #Name); \
  }                                                                                    \
  Float32Kernel Name::float32_kernel() const { return {}; } /* bool output */
#define WMX_ANY_EVAL(Name, Op)                                                         \
  void Name::eval_cpu(const std::vector<array>& in, std::vector<array>& out) { any_kernel<Op>(in[0], out[0]); } \
  Float32Kernel Name::float32_kernel() const { return {&unary_run<float, float, Op>}; }

WMX_ANY_EVAL(Abs, AbsOp)
WMX_ANY_EVAL(Sign, SignOp)
WMX_ANY_EVAL(Square, SquareOp)
void Negative::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  if (in[0].dtype() == Dtype::bool_) bad_dtype("Negative", Dtype::bool_);
  any_kernel<NegativeOp>(in[0], out[0]);
}
Float32Kernel Negative::float32_kernel() const { return {&unary_run<float, float, NegativeOp>}; }

WMX_FLOAT_EVAL(Exp, ExpOp)
WMX_FLOAT_EVAL(Log, LogOp)
WMX_FLOAT_EVAL(Tanh, TanhOp)
WMX_FLOAT_EVAL(Sigmoid, SigmoidOp)
WMX_FLOAT_EVAL(ErfInv, ErfInvOp)
WMX_FLOAT_EVAL(Expm1, Expm1Op)
WMX_FLOAT_EVAL(Log1p, Log1pOp)
WMX_FLOAT_EVAL(Sin, SinOp)
WMX_FLOAT_EVAL(Cos, CosOp)
WMX_FLOAT_EVAL(Erf, ErfOp)
WMX_FLOAT_LAMBDA_EVAL(Log2, std::log2(x))
WMX_FLOAT_LAMBDA_EVAL(Log10, std::log10(x))
WMX_FLOAT_LAMBDA_EVAL(Sqrt, std::sqrt(x))
WMX_FLOAT_LAMBDA_EVAL(Rsqrt, decltype(x)(1) / std::sqrt(x))
WMX_FLOAT_LAMBDA_EVAL(Tan, std::tan(x))
WMX_FLOAT_LAMBDA_EVAL(ArcSin, std::asin(x))
WMX_FLOAT_LAMBDA_EVAL(ArcCos, std::acos(x))
WMX_FLOAT_LAMBDA_EVAL(ArcTan, std::atan(x))
WMX_FLOAT_LAMBDA_EVAL(Sinh, std::sinh(x))
WMX_FLOAT_LAMBDA_EVAL(Cosh, std::cosh(x))
WMX_FLOAT_LAMBDA_EVAL(ArcSinh, std::asinh(x))
// The guard: emscripten's musl acosh/acoshf return finite garbage for x <= -2.
WMX_FLOAT_LAMBDA_EVAL(ArcCosh, x < decltype(x)(1) ? std::numeric_limits<decltype(x)>::quiet_NaN() : std::acosh(x))
WMX_FLOAT_LAMBDA_EVAL(ArcTanh, std::atanh(x))
WMX_FLOAT_LAMBDA_EVAL(Floor, std::floor(x))
WMX_FLOAT_LAMBDA_EVAL(Ceil, std::ceil(x))
WMX_FLOAT_LAMBDA_EVAL(Round, std::nearbyint(x))  // default rounding mode: half to even

WMX_PREDICATE_EVAL(IsNaN, x != x)
WMX_PREDICATE_EVAL(IsInf, std::isinf(x))
WMX_PREDICATE_EVAL(IsFinite, std::isfinite(x))

void LogicalNot::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  if (in[0].dtype() != Dtype::bool_) bad_dtype("LogicalNot", in[0].dtype());
  unary_driver(in[0], out[0], &unary_run<bool, bool, decltype([](bool x) { return !x; })>);
}

void StopGradient::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  out[0].set_view(in[0], in[0].strides(), in[0].offset());
}
// Not fused: LogicalNot works on bools, and StopGradient must stay a node of
// its own so that gradients of a compiled function still stop at it.
Float32Kernel LogicalNot::float32_kernel() const { return {}; }
Float32Kernel StopGradient::float32_kernel() const { return {}; }

#undef WMX_FLOAT_EVAL
#undef WMX_FLOAT_LAMBDA_EVAL
#undef WMX_PREDICATE_EVAL
#undef WMX_ANY_EVAL

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

// The CPU kernels of the unary elementwise primitives (their shapes and transform rules:
// core/primitives/unary.cpp).
#include "primitives/unary.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/vmath.h"
#include "backend/cpu/kernels/vtrig.h"

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
  static simd::i32x4 rare(simd::f32x4 x) { return simd::vexp_rare(x); }
  static simd::f32x4 fast(simd::f32x4 x) { return simd::vexp_normal(x); }
};
struct LogOp {
  template <typename C> C operator()(C x) const { return std::log(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vlog(x); }
  static simd::i32x4 rare(simd::f32x4 x) { return simd::vlog_rare(x); }
  static simd::f32x4 fast(simd::f32x4 x) { return simd::vlog_normal(x); }
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
  static simd::i32x4 rare(simd::f32x4 x) { return simd::vexp_rare(x); }
  static simd::f32x4 fast(simd::f32x4 x) { return simd::vsigmoid<simd::vexp_normal>(x); }
};
struct Expm1Op {
  template <typename C> C operator()(C x) const { return std::expm1(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vexpm1(x); }
};
struct Log1pOp {
  template <typename C> C operator()(C x) const { return std::log1p(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vlog1p(x); }
  static simd::i32x4 rare(simd::f32x4 x) { return simd::vlog_rare(simd::splat(1.0f) + x); }
  static simd::f32x4 fast(simd::f32x4 x) { return simd::vlog1p_normal(x); }
};
struct SinOp {
  template <typename C> C operator()(C x) const { return std::sin(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vsin(x); }
  static simd::i32x4 rare(simd::f32x4 x) { return simd::trig::beyond_float(x); }
  static simd::f32x4 fast(simd::f32x4 x) { return simd::vsin_normal(x); }
};
struct CosOp {
  template <typename C> C operator()(C x) const { return std::cos(x); }
  static simd::f32x4 vec(simd::f32x4 x) { return simd::vcos(x); }
  static simd::i32x4 rare(simd::f32x4 x) { return simd::trig::beyond_float(x); }
  static simd::f32x4 fast(simd::f32x4 x) { return simd::vcos_normal(x); }
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
// An Op whose vec has a short path: fast(v) equals vec(v) where no lane of
// rare(v) is set.
template <typename Op>
concept HasFastPath = requires(simd::f32x4 v) { Op::rare(v); Op::fast(v); };

// y[i] = F(x[i]) over [i, e), two vectors an iteration ((e - i) a multiple of 8).
template <simd::f32x4 (*F)(simd::f32x4)>
inline void vec_span(const float* x, float* y, int64_t i, int64_t e) {
  using namespace simd;
  for (; i < e; i += 8) {
    const f32x4 a = F(load(x + i)), b = F(load(x + i + 4));
    store(y + i, a);
    store(y + i + 4, b);
  }
}

// float32 through Op::vec, four lanes at a time (strided inputs are gathered
// and the tail padded, so every element goes through the same code). y must
// not alias x: a block may be run twice.
template <typename Op>
void vec_run(const void* xv, int64_t sx, void* yv, int64_t n) {
  using namespace simd;
  const float* x = static_cast<const float*>(xv);
  float* y = static_cast<float*>(yv);
  int64_t i = 0;
  if (sx == 1) {
    if constexpr (HasFastPath<Op>) {
      // Optimistic blocks (in L1): the short path with no branch per
      // vector, its rare lanes gathered on the way; a block that had any
      // is run again through vec. About 7% faster than a branch per vector
      // for exp, 15% for sin and cos; a separate test pass cost more.
      constexpr int64_t kBlock = 512;
      while (i + 8 <= n) {
        const int64_t e = i + std::min(kBlock, (n - i) & ~int64_t(7));
        i32x4 rare = splat_i(0);
        for (int64_t k = i; k < e; k += 8) {
          const f32x4 a = load(x + k), b = load(x + k + 4);
          rare |= Op::rare(a) | Op::rare(b);
          store(y + k, Op::fast(a));
          store(y + k + 4, Op::fast(b));
        }
        if (any(rare)) [[unlikely]] vec_span<Op::vec>(x, y, i, e);
        i = e;
      }
    } else {
      vec_span<Op::vec>(x, y, i, n & ~int64_t(7));
      i = n & ~int64_t(7);
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

// A half type's run of Op: blocks widened to float and run through the
// float32 run (SIMD through Op::vec where it has one).
template <typename H, typename Op>
void half_run(const void* x, int64_t sx, void* y, int64_t n) {
  half_unary_via_float<H, H>(x, sx, y, n, float32_run<Op>());
}

// Floating ops: input float16, bfloat16, float32 or float64; output of type R
// (the input's own type unless Bool).
template <typename Op, bool Bool = false>
void float_kernel(const array& x, array& y, const char* op) {
  UnaryRun run = nullptr;
  switch (x.dtype()) {
    case Dtype::float16:
      if constexpr (!Bool) run = &half_run<float16_t, Op>;
      else run = &unary_run<float16_t, bool, Op>;
      break;
    case Dtype::bfloat16:
      if constexpr (!Bool) run = &half_run<bfloat16_t, Op>;
      else run = &unary_run<bfloat16_t, bool, Op>;
      break;
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

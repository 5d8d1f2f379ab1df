// The C ABI of the unary math and creation ops (core/math_ops.h), in the
// conventions of api.cpp: int32 handles in and out, -1 on error with the
// "[op] ..." message in wmx_last_error().
#include <emscripten/emscripten.h>

#include <cstdint>

#include "error.h"
#include "handles.h"
#include "math_ops.h"

using namespace wmx;

namespace {

// Codes of wmx_unary; ts/math.ts mirrors them.
enum UnaryOp : int32_t {
  kAbs, kNegative, kSign, kExp, kExpm1, kLog, kLog1p, kLog2, kLog10, kSqrt, kRsqrt, kSquare,
  kReciprocal, kSin, kCos, kTan, kArcsin, kArccos, kArctan, kSinh, kCosh, kTanh, kArcsinh,
  kArccosh, kArctanh, kSigmoid, kErf, kErfinv, kFloor, kCeil, kIsnan, kIsinf, kIsfinite,
  kLogicalNot, kStopGradient, kZerosLike, kOnesLike,
};

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_unary(int32_t op, int32_t h) {
  return make([&] {
    const array& a = wmx_get(h);
    switch (op) {
      case kAbs: return abs(a);
      case kNegative: return negative(a);
      case kSign: return sign(a);
      case kExp: return exp(a);
      case kExpm1: return expm1(a);
      case kLog: return log(a);
      case kLog1p: return log1p(a);
      case kLog2: return log2(a);
      case kLog10: return log10(a);
      case kSqrt: return sqrt(a);
      case kRsqrt: return rsqrt(a);
      case kSquare: return square(a);
      case kReciprocal: return reciprocal(a);
      case kSin: return sin(a);
      case kCos: return cos(a);
      case kTan: return tan(a);
      case kArcsin: return arcsin(a);
      case kArccos: return arccos(a);
      case kArctan: return arctan(a);
      case kSinh: return sinh(a);
      case kCosh: return cosh(a);
      case kTanh: return tanh(a);
      case kArcsinh: return arcsinh(a);
      case kArccosh: return arccosh(a);
      case kArctanh: return arctanh(a);
      case kSigmoid: return sigmoid(a);
      case kErf: return erf(a);
      case kErfinv: return erfinv(a);
      case kFloor: return floor(a);
      case kCeil: return ceil(a);
      case kIsnan: return isnan(a);
      case kIsinf: return isinf(a);
      case kIsfinite: return isfinite(a);
      case kLogicalNot: return logical_not(a);
      case kStopGradient: return stop_gradient(a);
      case kZerosLike: return zeros_like(a);
      case kOnesLike: return ones_like(a);
    }
    fail("webmx", "Unknown unary op code ", op, ".");
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_round(int32_t h, int32_t decimals) {
  return make([&] { return round(wmx_get(h), decimals); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_arange(double start, double stop, double step, int32_t dtype) {
  return make([&] { return arange(start, stop, step, dtype_from_code(dtype, "arange")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linspace(double start, double stop, int32_t num, int32_t dtype) {
  return make([&] { return linspace(start, stop, num, dtype_from_code(dtype, "linspace")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_eye(int32_t n, int32_t m, int32_t k, int32_t dtype) {
  return make([&] { return eye(n, m, k, dtype_from_code(dtype, "eye")); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_tri(int32_t n, int32_t m, int32_t k, int32_t dtype) {
  return make([&] { return tri(n, m, k, dtype_from_code(dtype, "tri")); });
}

// upper = 0: tril, 1: triu.
EMSCRIPTEN_KEEPALIVE int32_t wmx_tril(int32_t h, int32_t k, int32_t upper) {
  return make([&] { return upper ? triu(wmx_get(h), k) : tril(wmx_get(h), k); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_where(int32_t cond, int32_t x, int32_t y) {
  return make([&] { return where(wmx_get(cond), wmx_get(x), wmx_get(y)); });
}

}  // extern "C"

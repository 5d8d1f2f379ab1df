// The unary primitives, one entry each: X(Primitive, op function, how the op
// builds its node). The list declares the op functions (math_ops.h), the
// primitive classes and their vmap rules (primitives/unary.h, unary.cpp), and
// defines the op functions of the `same` and `floating` kinds (math_ops.cpp).
// A new unary op is an entry here, its kernel and derivative in unary.cpp,
// and (to reach JS) an entry in wasm/op_tables.def.
//
// Kinds:
//   same      output dtype = input dtype, node built as is;
//   floating  computed in (and returning) at least float32 (MLX's
//             at_least_float: integer and bool inputs become float32);
//   custom    the op function in math_ops.cpp is written out (dtype rules
//             or shortcuts of its own);
//   decimals  custom, with a `decimals` argument (declared in math_ops.h).
#pragma once

#define WMX_UNARY_OPS(X)                     \
  X(Abs, abs, custom)                        \
  X(Negative, negative, custom)              \
  X(Sign, sign, same)                        \
  X(Square, square, same)                    \
  X(Exp, exp, floating)                      \
  X(Expm1, expm1, floating)                  \
  X(Log, log, floating)                      \
  X(Log1p, log1p, floating)                  \
  X(Log2, log2, floating)                    \
  X(Log10, log10, floating)                  \
  X(Sqrt, sqrt, floating)                    \
  X(Rsqrt, rsqrt, floating)                  \
  X(Sin, sin, floating)                      \
  X(Cos, cos, floating)                      \
  X(Tan, tan, floating)                      \
  X(ArcSin, arcsin, floating)                \
  X(ArcCos, arccos, floating)                \
  X(ArcTan, arctan, floating)                \
  X(Sinh, sinh, floating)                    \
  X(Cosh, cosh, floating)                    \
  X(Tanh, tanh, floating)                    \
  X(ArcSinh, arcsinh, floating)              \
  X(ArcCosh, arccosh, floating)              \
  X(ArcTanh, arctanh, floating)              \
  X(Sigmoid, sigmoid, floating)              \
  X(Erf, erf, floating)                      \
  X(ErfInv, erfinv, floating)                \
  X(Floor, floor, custom)                    \
  X(Ceil, ceil, custom)                      \
  X(Round, round, decimals)                  \
  X(IsNaN, isnan, custom)                    \
  X(IsInf, isinf, custom)                    \
  X(IsFinite, isfinite, custom)              \
  X(LogicalNot, logical_not, custom)         \
  X(StopGradient, stop_gradient, same)

// Helpers for expanding by kind: WMX_UNARY_BY_KIND(prefix, kind) pastes
// prefix##kind, so an expansion defines one macro per kind it cares about.
#define WMX_UNARY_BY_KIND(prefix, kind) prefix##kind

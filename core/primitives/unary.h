// Unary elementwise primitives. The ops layer (math_ops.cpp) has already cast
// the input to the dtype the kernel computes in (float32 for integer inputs
// of transcendental ops), so each kernel sees the input dtype it expects:
//   - Abs, Negative, Sign, Square: every dtype, output dtype = input dtype;
//   - Floor, Ceil, Round and the transcendental ops: floating inputs only;
//   - IsNaN, IsInf, IsFinite: floating inputs, bool output;
//   - LogicalNot: bool in, bool out;
//   - StopGradient: any dtype, a view of its input.
#pragma once
#include "primitive.h"

namespace wmx {

WMX_ELEMENTWISE_PRIMITIVE(Abs)
WMX_ELEMENTWISE_PRIMITIVE(Negative)
WMX_ELEMENTWISE_PRIMITIVE(Sign)
WMX_ELEMENTWISE_PRIMITIVE(Square)
WMX_ELEMENTWISE_PRIMITIVE(Exp)
WMX_ELEMENTWISE_PRIMITIVE(Expm1)
WMX_ELEMENTWISE_PRIMITIVE(Log)
WMX_ELEMENTWISE_PRIMITIVE(Log1p)
WMX_ELEMENTWISE_PRIMITIVE(Log2)
WMX_ELEMENTWISE_PRIMITIVE(Log10)
WMX_ELEMENTWISE_PRIMITIVE(Sqrt)
WMX_ELEMENTWISE_PRIMITIVE(Rsqrt)
WMX_ELEMENTWISE_PRIMITIVE(Sin)
WMX_ELEMENTWISE_PRIMITIVE(Cos)
WMX_ELEMENTWISE_PRIMITIVE(Tan)
WMX_ELEMENTWISE_PRIMITIVE(ArcSin)
WMX_ELEMENTWISE_PRIMITIVE(ArcCos)
WMX_ELEMENTWISE_PRIMITIVE(ArcTan)
WMX_ELEMENTWISE_PRIMITIVE(Sinh)
WMX_ELEMENTWISE_PRIMITIVE(Cosh)
WMX_ELEMENTWISE_PRIMITIVE(Tanh)
WMX_ELEMENTWISE_PRIMITIVE(ArcSinh)
WMX_ELEMENTWISE_PRIMITIVE(ArcCosh)
WMX_ELEMENTWISE_PRIMITIVE(ArcTanh)
WMX_ELEMENTWISE_PRIMITIVE(Sigmoid)
WMX_ELEMENTWISE_PRIMITIVE(Erf)
WMX_ELEMENTWISE_PRIMITIVE(ErfInv)
WMX_ELEMENTWISE_PRIMITIVE(Floor)
WMX_ELEMENTWISE_PRIMITIVE(Ceil)
WMX_ELEMENTWISE_PRIMITIVE(Round)  // half to even; decimals are handled by the ops layer
WMX_ELEMENTWISE_PRIMITIVE(IsNaN)
WMX_ELEMENTWISE_PRIMITIVE(IsInf)
WMX_ELEMENTWISE_PRIMITIVE(IsFinite)
WMX_ELEMENTWISE_PRIMITIVE(LogicalNot)
WMX_ELEMENTWISE_PRIMITIVE(StopGradient)  // the identity, with zero derivatives

// erf^-1 in double precision (exported for tests and scalar use): +-inf at
// +-1, nan outside [-1, 1].
double erfinv_scalar(double y);

}  // namespace wmx

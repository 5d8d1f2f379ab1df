// Unary elementwise primitives. The ops layer (math_ops.cpp) has already cast
// the input to the dtype the kernel computes in (float32 for integer inputs
// of transcendental ops), so each kernel sees the input dtype it expects:
//   - Abs, Negative, Sign, Square: every dtype, output dtype = input dtype;
//   - Floor, Ceil, Round and the transcendental ops: floating inputs only;
//   - IsNaN, IsInf, IsFinite: floating inputs, bool output;
//   - LogicalNot: bool in, bool out;
//   - StopGradient: any dtype, a view of its input.
// Round is half to even; its decimals are handled by the ops layer.
#pragma once
#include "primitive.h"
#include "unary_list.h"

namespace wmx {

// One class per entry of core/unary_list.h.
#define WMX_DECLARE_UNARY_PRIMITIVE(P, f, kind) WMX_ELEMENTWISE_PRIMITIVE(P)
WMX_UNARY_OPS(WMX_DECLARE_UNARY_PRIMITIVE)
#undef WMX_DECLARE_UNARY_PRIMITIVE

// erf^-1 in double precision (exported for tests and scalar use): +-inf at
// +-1, nan outside [-1, 1].
double erfinv_scalar(double y);

}  // namespace wmx

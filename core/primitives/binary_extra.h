// More binary elementwise primitives (see binary.h: inputs arrive broadcast
// and cast to one dtype by the ops layer, core/reduce_ops.cpp).
#pragma once
#include "primitive.h"

namespace wmx {

WMX_ELEMENTWISE_PRIMITIVE(FloorDivide)  // Python's // (integers: floor of the quotient; x // 0 = 0)
WMX_ELEMENTWISE_PRIMITIVE(Remainder)    // Python's % (result has the sign of the divisor; x % 0 = 0 for integers)
WMX_ELEMENTWISE_PRIMITIVE(Power)
WMX_ELEMENTWISE_PRIMITIVE(ArcTan2)
WMX_ELEMENTWISE_PRIMITIVE(LogAddExp)  // log(exp(a) + exp(b)), its own primitive so that ties split the gradient

}  // namespace wmx

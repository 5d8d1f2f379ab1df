// Binary elementwise primitives. Inputs arrive already broadcast to the output
// shape and cast to a common dtype by the ops layer, so a kernel sees one
// element type; comparisons output bool.
#pragma once
#include "primitive.h"

namespace wmx {

WMX_ELEMENTWISE_PRIMITIVE(Add)
WMX_ELEMENTWISE_PRIMITIVE(Subtract)
WMX_ELEMENTWISE_PRIMITIVE(Multiply)
WMX_ELEMENTWISE_PRIMITIVE(Divide)
WMX_ELEMENTWISE_PRIMITIVE(Maximum)
WMX_ELEMENTWISE_PRIMITIVE(Minimum)
WMX_ELEMENTWISE_PRIMITIVE(Equal)
WMX_ELEMENTWISE_PRIMITIVE(NotEqual)
WMX_ELEMENTWISE_PRIMITIVE(Less)
WMX_ELEMENTWISE_PRIMITIVE(LessEqual)
WMX_ELEMENTWISE_PRIMITIVE(Greater)
WMX_ELEMENTWISE_PRIMITIVE(GreaterEqual)

}  // namespace wmx

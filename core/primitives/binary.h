// Binary elementwise primitives. Inputs arrive already broadcast to the output
// shape and cast to a common dtype by the ops layer, so a kernel sees one
// element type; comparisons output bool.
#pragma once
#include "primitive.h"

namespace wmx {

#define WMX_BINARY(Name)                                                                           \
  class Name : public Primitive {                                                                  \
   public:                                                                                         \
    const char* name() const override { return #Name; }                                            \
    void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;         \
    WMX_TRANSFORM_RULES                                                                            \
    Float32Kernel float32_kernel() const override;                                                 \
    bool keeps_shape() const override { return true; }                                             \
    bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Name*>(&o); } \
  };

WMX_BINARY(Add)
WMX_BINARY(Subtract)
WMX_BINARY(Multiply)
WMX_BINARY(Divide)
WMX_BINARY(Maximum)
WMX_BINARY(Minimum)
WMX_BINARY(Equal)
WMX_BINARY(NotEqual)
WMX_BINARY(Less)
WMX_BINARY(LessEqual)
WMX_BINARY(Greater)
WMX_BINARY(GreaterEqual)

#undef WMX_BINARY

}  // namespace wmx

// More binary elementwise primitives (see binary.h: inputs arrive broadcast
// and cast to one dtype by the ops layer, core/reduce_ops.cpp).
#pragma once
#include "primitive.h"

namespace wmx {

#define WMX_BINARY_EXTRA(Name)                                                                     \
  class Name : public Primitive {                                                                  \
   public:                                                                                         \
    const char* name() const override { return #Name; }                                            \
    void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;         \
    WMX_TRANSFORM_RULES                                                                            \
    Float32Kernel float32_kernel() const override;                                                 \
    bool keeps_shape() const override { return true; }                                             \
    bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Name*>(&o); } \
  };

WMX_BINARY_EXTRA(FloorDivide)  // Python's // (integers: floor of the quotient; x // 0 = 0)
WMX_BINARY_EXTRA(Remainder)    // Python's % (result has the sign of the divisor; x % 0 = 0 for integers)
WMX_BINARY_EXTRA(Power)
WMX_BINARY_EXTRA(ArcTan2)

#undef WMX_BINARY_EXTRA

}  // namespace wmx

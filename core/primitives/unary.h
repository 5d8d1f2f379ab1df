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

#define WMX_UNARY(Name)                                                                            \
  class Name : public Primitive {                                                                  \
   public:                                                                                         \
    const char* name() const override { return #Name; }                                            \
    void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;         \
    WMX_TRANSFORM_RULES                                                                            \
    Float32Kernel float32_kernel() const override;                                                 \
    bool keeps_shape() const override { return true; }                                             \
    bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Name*>(&o); } \
  };

WMX_UNARY(Abs)
WMX_UNARY(Negative)
WMX_UNARY(Sign)
WMX_UNARY(Square)
WMX_UNARY(Exp)
WMX_UNARY(Expm1)
WMX_UNARY(Log)
WMX_UNARY(Log1p)
WMX_UNARY(Log2)
WMX_UNARY(Log10)
WMX_UNARY(Sqrt)
WMX_UNARY(Rsqrt)
WMX_UNARY(Sin)
WMX_UNARY(Cos)
WMX_UNARY(Tan)
WMX_UNARY(ArcSin)
WMX_UNARY(ArcCos)
WMX_UNARY(ArcTan)
WMX_UNARY(Sinh)
WMX_UNARY(Cosh)
WMX_UNARY(Tanh)
WMX_UNARY(ArcSinh)
WMX_UNARY(ArcCosh)
WMX_UNARY(ArcTanh)
WMX_UNARY(Sigmoid)
WMX_UNARY(Erf)
WMX_UNARY(ErfInv)
WMX_UNARY(Floor)
WMX_UNARY(Ceil)
WMX_UNARY(Round)  // half to even; decimals are handled by the ops layer
WMX_UNARY(IsNaN)
WMX_UNARY(IsInf)
WMX_UNARY(IsFinite)
WMX_UNARY(LogicalNot)
WMX_UNARY(StopGradient)  // the identity, with zero derivatives

#undef WMX_UNARY

// erf^-1 in double precision (exported for tests and scalar use): +-inf at
// +-1, nan outside [-1, 1].
double erfinv_scalar(double y);

}  // namespace wmx

// Primitives behind the creation ops that aren't compositions: Arange (no
// inputs) and Select (where), which tril/triu need so that inf and nan
// outside the kept triangle don't turn into nan as they would under a
// multiplication by a 0/1 mask.
#pragma once
#include "primitive.h"

namespace wmx {

// out[i] = start + i * step, computed in double and converted to the output dtype.
class Arange : public Primitive {
 public:
  Arange(double start, double stop, double step) : start_(start), stop_(stop), step_(step) {}
  const char* name() const override { return "Arange"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  PrimitiveState state() const override { return {{"start", start_}, {"stop", stop_}, {"step", step_}}; }
  bool is_equivalent(const Primitive& o) const override;

 private:
  double start_, stop_, step_;
};

// out = cond ? x : y. Inputs arrive broadcast to the output shape, cond as
// bool and x, y in the output dtype (the ops layer's where()).
class Select : public Primitive {
 public:
  const char* name() const override { return "Select"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Select*>(&o); }
  bool keeps_shape() const override { return true; }
};

}  // namespace wmx

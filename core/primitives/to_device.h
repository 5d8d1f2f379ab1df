// ToDevice: the copy of an array to another device. Placement inserts one
// wherever a node reads an input that lives on the other device, so moves
// are visible in graphs and transforms differentiate through them.
#pragma once
#include "primitive.h"

namespace wmx {

class ToDevice : public Primitive {
 public:
  WMX_ACCEPTS_COMPLEX
  explicit ToDevice(Device target) : target_(target) {}
  const char* name() const override { return "ToDevice"; }
  Device target() const { return target_; }
  // To the CPU: copies the input's read-back host copy (asyncEval brings it back first).
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  // To the GPU: uploads the input's bytes.
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool keeps_shape() const override { return true; }
  bool is_equivalent(const Primitive& o) const override {
    auto p = dynamic_cast<const ToDevice*>(&o);
    return p && p->target_ == target_;
  }
  PrimitiveState state() const override { return {{"device", std::string(device_name(target_))}}; }

 private:
  Device target_;
};

}  // namespace wmx

// Matrix product of the last two axes; batch axes arrive broadcast to a
// common shape (views) from the ops layer.
#pragma once
#include "primitive.h"

namespace wmx {

class Matmul : public Primitive {
 public:
  const char* name() const override { return "Matmul"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums, const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  bool is_equivalent(const Primitive& o) const override { return dynamic_cast<const Matmul*>(&o); }
};

}  // namespace wmx

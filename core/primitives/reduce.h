// Reductions over a set of axes. The primitive's output keeps the reduced
// axes as size 1 (the ops layer squeezes them unless keepdims).
#pragma once
#include "primitive.h"

namespace wmx {

enum class ReduceType { sum, prod, max, min, all, any };

class Reduce : public Primitive {
 public:
  Reduce(ReduceType type, std::vector<int> axes) : type_(type), axes_(std::move(axes)) {}
  const char* name() const override;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums, const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  bool is_equivalent(const Primitive& o) const override;
  ReduceType type() const { return type_; }
  const std::vector<int>& axes() const { return axes_; }

 private:
  ReduceType type_;
  std::vector<int> axes_;  // sorted, non-negative
};

}  // namespace wmx

#include "primitive.h"

#include "backend/gpu/gpu_backend.h"
#include "error.h"

namespace wmx {

void Primitive::eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  gpu::dispatch(*this, inputs, outputs);
}

std::vector<array> Primitive::vjp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&, const std::vector<array>&) {
  fail(name(), "The vjp of this primitive is not implemented.");
}

std::vector<array> Primitive::jvp(const std::vector<array>&, const std::vector<array>&,
                                  const std::vector<int>&) {
  fail(name(), "The jvp of this primitive is not implemented.");
}

std::pair<std::vector<array>, std::vector<int>> Primitive::vmap(const std::vector<array>&,
                                                                const std::vector<int>&) {
  fail(name(), "vmap of this primitive is not implemented.");
}

std::vector<Shape> Primitive::output_shapes(const std::vector<Shape>& inputs) const {
  if (!keeps_shape() || inputs.empty()) return {};
  for (const Shape& s : inputs)
    if (s != inputs[0])
      fail("compile", "shapeless: ", name(), " got operands of shapes ", shape_str(inputs[0]), " and ", shape_str(s),
           "; they had one shape when traced, so the trace has no broadcast for them.");
  return {inputs[0]};
}

}  // namespace wmx

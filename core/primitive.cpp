#include "primitive.h"

#include <string_view>
#include <utility>

#include "backend/gpu/gpu_backend.h"
#include "error.h"

namespace wmx {

void check_complex_support(const Primitive* p, const std::vector<array>& inputs, const std::vector<Dtype>& outputs) {
  if (!p || p->accepts_complex()) return;
  bool complex = false;
  for (const auto& a : inputs) complex |= is_complex(a.dtype());
  for (Dtype t : outputs) complex |= is_complex(t);
  if (!complex) return;
  // The op behind the primitive as MLX names it: the name in snake case
  // ("FloorDivide" -> "floor_divide"), except where MLX's differs.
  static const std::pair<const char*, const char*> kOpNames[] = {
      {"CumSum", "cumsum"},       {"CumProd", "cumprod"},     {"CumMax", "cummax"},   {"CumMin", "cummin"},
      {"ArgMax", "argmax"},       {"ArgMin", "argmin"},       {"ArcTan2", "arctan2"}, {"LogAddExp", "logaddexp"},
      {"LogSumExp", "logsumexp"}, {"Select", "where"},        {"RMSNorm", "rms_norm"}, {"LUF", "lu_factor"},
      {"QRF", "qr"},              {"SVD", "svd"},             {"Inverse", "inv"},     {"RandomBits", "bits"},
      {"Convolution", "conv_general"},
  };
  for (const auto& [prim, name] : kOpNames)
    if (std::string_view(p->name()) == prim) fail(name, "complex64 is not supported.");
  std::string op;
  for (const char* c = p->name(); *c; ++c) {
    if (*c >= 'A' && *c <= 'Z') {
      if (!op.empty()) op += '_';
      op += char(*c - 'A' + 'a');
    } else {
      op += *c;
    }
  }
  fail(op.c_str(), "complex64 is not supported.");
}

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

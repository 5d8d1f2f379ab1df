#include "primitives/fused.h"

#include <algorithm>

#include "error.h"
#include "ops.h"
#include "transforms.h"

namespace wmx {

Fused::Fused(int num_inputs, std::vector<Step> steps, Shape shape, bool shapeless, std::shared_ptr<Reduce> reduce)
    : num_inputs_(num_inputs), steps_(std::move(steps)), reduce_(std::move(reduce)), shape_(std::move(shape)),
      shapeless_(shapeless) {
  if (reduce_ && shapeless_) fail("compile", "A fused reduction is not shapeless.");
  const int n = int(steps_.size());
  // Scratch tiles by liveness: a step's tile is free again after its last
  // reader has run (not during, so a run never writes over its own input).
  std::vector<int> last_use(n, -1);
  for (int j = 0; j < n; ++j) {
    const Float32Kernel k = steps_[j].primitive->float32_kernel();
    if (k.arity() == 0 || size_t(k.arity()) != steps_[j].args.size())
      fail("compile", "Cannot fuse ", steps_[j].primitive->name(), ".");
    kernels_.push_back(k);
    for (int a : steps_[j].args) {
      if (a < 0 || a >= num_inputs + j) fail("compile", "Bad fused step argument ", a, ".");
      if (a >= num_inputs) last_use[a - num_inputs] = j;
    }
  }
  std::vector<int> free_slots;
  slot_.assign(n, -1);
  for (int j = 0; j < n; ++j) {
    if (j + 1 < n) {
      if (free_slots.empty()) free_slots.push_back(num_slots_++);
      slot_[j] = free_slots.back();
      free_slots.pop_back();
    }
    for (int i = 0; i < j; ++i)
      if (last_use[i] == j && slot_[i] >= 0) {
        free_slots.push_back(slot_[i]);
        last_use[i] = -1;
      }
  }
}

std::shared_ptr<Fused> Fused::with_reduction(std::shared_ptr<Reduce> reduce) const {
  if (shapeless_ || reduce_) return nullptr;
  return std::make_shared<Fused>(num_inputs_, steps_, shape_, false, std::move(reduce));
}

std::string Fused::describe() const {
  std::string s = std::string(name()) + "(";
  for (size_t j = 0; j < steps_.size(); ++j) s += (j ? "," : "") + std::string(steps_[j].primitive->name());
  if (reduce_) s += "," + std::string(reduce_->name());
  return s + ")";
}

PrimitiveState Fused::state() const {
  PrimitiveState st{{"inputs", int64_t(num_inputs_)}};
  std::string steps;
  for (size_t j = 0; j < steps_.size(); ++j) {
    if (j) steps += ';';
    steps += steps_[j].primitive->name();
    for (int a : steps_[j].args) steps += ' ' + std::to_string(a);
    for (auto& [key, value] : steps_[j].primitive->state()) st.emplace_back("s" + std::to_string(j) + "." + key, value);
  }
  st.emplace_back("steps", std::move(steps));
  if (reduce_) {
    st.emplace_back("reduce", std::string(reduce_->name()));
    for (auto& [key, value] : reduce_->state()) st.emplace_back("reduce." + key, value);
  }
  return st;
}

array Fused::expand(const std::vector<array>& inputs, const Shape& shape) const {
  std::vector<array> values;
  for (auto& in : inputs) values.push_back(in.shape() == shape ? in : broadcast_to(in, shape));
  const Dtype dtype = values.empty() ? Dtype::float32 : values[0].dtype();  // a chain has one dtype
  for (const auto& s : steps_) {
    std::vector<array> args;
    for (int a : s.args) args.push_back(values[a]);
    values.emplace_back(shape, dtype, s.primitive, std::move(args));
  }
  if (!reduce_) return values.back();
  return array(reduce_->output_shapes({shape})[0], dtype, reduce_, {values.back()});
}

Shape Fused::shape_for(const std::vector<array>& inputs) const {
  if (!shapeless_) return shape_;
  std::vector<Shape> shapes;
  for (auto& in : inputs) shapes.push_back(in.shape());
  return output_shapes(shapes)[0];
}

std::vector<Shape> Fused::output_shapes(const std::vector<Shape>& inputs) const {
  if (!shapeless_) return {};
  Shape s;
  for (auto& in : inputs) s = broadcast_shapes(s, in, "compile");
  return {s};
}

// ---- transform rules: through the expanded chain ----

namespace {

// The chain as a function of the inputs listed in argnums, the others held at `primals`.
Fn chain_of(const Fused& fused, const std::vector<array>& primals, const std::vector<int>& argnums, Shape shape) {
  return [&fused, primals, argnums, shape](const std::vector<array>& x) {
    std::vector<array> all = primals;
    for (size_t i = 0; i < argnums.size(); ++i) all[argnums[i]] = x[i];
    return std::vector<array>{fused.expand(all, shape)};
  };
}

std::vector<array> listed(const std::vector<array>& all, const std::vector<int>& argnums) {
  std::vector<array> out;
  for (int a : argnums) out.push_back(all[a]);
  return out;
}

}  // namespace

std::vector<array> Fused::vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                              const std::vector<int>& argnums, const std::vector<array>& outputs) {
  Fn chain = chain_of(*this, primals, argnums, reduce_ ? shape_for(primals) : outputs[0].shape());
  return wmx::vjp(chain, listed(primals, argnums), cotangents).second;
}

std::vector<array> Fused::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                              const std::vector<int>& argnums) {
  Fn chain = chain_of(*this, primals, argnums, shape_for(primals));
  return wmx::jvp(chain, listed(primals, argnums), tangents).second;
}

std::pair<std::vector<array>, std::vector<int>> Fused::vmap(const std::vector<array>& inputs,
                                                            const std::vector<int>& axes) {
  std::vector<int> in_axes;
  for (int a : axes) in_axes.push_back(a < 0 ? kNoAxis : a);
  auto chain = [&](const std::vector<array>& x) { return std::vector<array>{expand(x, shape_for(x))}; };
  return {wmx::vmap(chain, inputs, in_axes, {0}), {0}};
}

}  // namespace wmx

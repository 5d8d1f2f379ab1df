#include "primitives/layout.h"

#include <algorithm>
#include <cstring>

#include "layout_ops.h"
#include "math_ops.h"
#include "ops.h"

namespace wmx {

bool View::is_equivalent(const Primitive& o) const {
  auto* v = dynamic_cast<const View*>(&o);
  return v && v->dtype_ == dtype_ && v->from_ == from_;
}

// For shapeless compile: the last axis scaled by the byte ratio.
std::vector<Shape> View::output_shapes(const std::vector<Shape>& in) const {
  Shape out = in[0];
  const int64_t ib = int64_t(size_of(from_)), ob = int64_t(size_of(dtype_));
  if (!out.empty()) out.back() = ib < ob ? out.back() / (ob / ib) : out.back() * (ib / ob);
  return {out};
}

// The byte ratio rescales the last axis, so a batch axis there moves first.
std::pair<std::vector<array>, std::vector<int>> View::vmap(const std::vector<array>& in, const std::vector<int>& axes) {
  int ax = axes[0];
  array x = in[0];
  if (ax >= 0 && ax == x.ndim() - 1) x = moveaxis(x, ax, 0), ax = 0;
  return {{view(x, dtype_)}, {ax}};
}

std::vector<array> Contiguous::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                   const std::vector<array>&) {
  return {cot[0]};
}
std::vector<array> Contiguous::jvp(const std::vector<array>&, const std::vector<array>& tangents,
                                   const std::vector<int>&) {
  return {tangents[0]};
}
std::pair<std::vector<array>, std::vector<int>> Contiguous::vmap(const std::vector<array>& in,
                                                                 const std::vector<int>& axes) {
  return {{contiguous(in[0])}, axes};
}

// The passed-through inputs get their cotangents, the dependencies zeros (MLX).
std::vector<array> Depends::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) out.push_back(size_t(arg) < cot.size() ? cot[arg] : zeros_like(p[arg]));
  return out;
}
// One tangent per output: its input's tangent when given, else zeros.
std::vector<array> Depends::jvp(const std::vector<array>& p, const std::vector<array>& tangents,
                                const std::vector<int>& argnums) {
  std::vector<array> out;
  for (int i = 0; i < n_; ++i) {
    auto it = std::find(argnums.begin(), argnums.end(), i);
    out.push_back(it != argnums.end() ? tangents[it - argnums.begin()] : zeros_like(p[i]));
  }
  return out;
}
std::pair<std::vector<array>, std::vector<int>> Depends::vmap(const std::vector<array>& in,
                                                              const std::vector<int>& axes) {
  std::vector<array> inputs(in.begin(), in.begin() + n_), deps(in.begin() + n_, in.end());
  return {depends(inputs, deps), std::vector<int>(axes.begin(), axes.begin() + n_)};
}

}  // namespace wmx

#include "primitives/creation.h"

#include <algorithm>
#include <cstring>

#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"

namespace wmx {

// ---- Arange ----

bool Arange::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Arange*>(&o);
  return p && p->start_ == start_ && p->stop_ == stop_ && p->step_ == step_;
}

// ---- Select ----
// The kernel only moves bytes, so it is instantiated per element size (4
// instantiations), not per dtype.

// d/dx where(c, x, y) = c, d/dy = !c; the condition gets a zero cotangent.
std::vector<array> Select::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) out.push_back(zeros_like(p[0]));
    else if (arg == 1) out.push_back(where(p[0], cot[0], zeros_like(cot[0])));
    else out.push_back(where(p[0], zeros_like(cot[0]), cot[0]));
  }
  return out;
}

std::vector<array> Select::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                               const std::vector<int>& argnums) {
  array tx, ty;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] == 1) tx = tan[i];
    if (argnums[i] == 2) ty = tan[i];
  }
  if (!tx.valid() && !ty.valid()) return {full_like(p[1], 0.0, p[1].dtype())};
  if (!tx.valid()) tx = zeros_like(ty);
  if (!ty.valid()) ty = zeros_like(tx);
  return {where(p[0], tx, ty)};
}

std::pair<std::vector<array>, std::vector<int>> Select::vmap(const std::vector<array>& in,
                                                             const std::vector<int>& axes) {
  auto x = align_batched(in, axes);
  return {{where(x[0], x[1], x[2])}, {0}};
}

}  // namespace wmx

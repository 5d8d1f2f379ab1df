#include "primitives/matmul.h"

#include <algorithm>

#include "error.h"
#include "ops.h"
#include "primitives/vmap_util.h"

namespace wmx {

std::vector<Shape> Matmul::output_shapes(const std::vector<Shape>& in) const {
  const Shape &a = in[0], &b = in[1];
  if (a.size() != b.size() || a[a.size() - 1] != b[b.size() - 2] || !std::equal(a.begin(), a.end() - 2, b.begin()))
    fail("compile", "shapeless: Matmul got operands of shapes ", shape_str(a), " and ", shape_str(b),
         ", which don't multiply.");
  Shape out(a.begin(), a.end() - 1);
  out.push_back(b.back());
  return {out};
}

}  // namespace wmx

// ---- transform rules ----

namespace wmx {

namespace {
array swap_last(const array& a) {
  std::vector<int> axes = all_axes(a.ndim());
  std::swap(axes[a.ndim() - 1], axes[a.ndim() - 2]);
  return transpose(a, axes);
}
}  // namespace

std::vector<array> Matmul::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  // C = A B: dA = dC B^T, dB = A^T dC (batch dims are already broadcast).
  std::vector<array> out;
  for (int arg : argnums) out.push_back(arg == 0 ? matmul(cot[0], swap_last(p[1])) : matmul(swap_last(p[0]), cot[0]));
  return out;
}

std::vector<array> Matmul::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                               const std::vector<int>& argnums) {
  array out = argnums[0] == 0 ? matmul(tan[0], p[1]) : matmul(p[0], tan[0]);
  if (argnums.size() > 1) out = add(out, matmul(p[0], tan[1]));
  return {out};
}

}  // namespace wmx

namespace wmx {

// Per-example operands have equal batch ranks (the ops layer broadcast them),
// so a leading batch axis on either one broadcasts against the other.
std::pair<std::vector<array>, std::vector<int>> Matmul::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return {{matmul(batch_first(in[0], ax[0]), batch_first(in[1], ax[1]))}, {0}};
}

}  // namespace wmx

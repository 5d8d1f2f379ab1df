#include "primitives/views.h"

#include <algorithm>

#include "error.h"
#include "ops.h"
#include "backend/gpu/gpu_backend.h"
#include "primitives/vmap_util.h"
#include "shape_ops.h"

namespace wmx {

// Strides for viewing `in` with `shape` without copying, if they exist: each
// run of input dims that is contiguous in memory can be re-split freely.
bool reshape_strides(const array& in, const Shape& shape, Strides& out) {
  if (in.row_contiguous() || in.size() == 0) {
    out = row_major_strides(shape);
    return true;
  }
  // Group input dims (dropping size 1) into maximal memory-contiguous chunks.
  Shape ish;
  Strides ist;
  for (int i = 0; i < in.ndim(); ++i) {
    if (in.shape()[i] == 1) continue;
    if (!ish.empty() && ist.back() == in.strides()[i] * in.shape()[i]) {
      ish.back() *= in.shape()[i];
      ist.back() = in.strides()[i];
    } else {
      ish.push_back(in.shape()[i]);
      ist.push_back(in.strides()[i]);
    }
  }
  // Walk output dims innermost first, carving each out of the innermost
  // chunk not yet used up; a dim that straddles two chunks needs a copy.
  out.assign(shape.size(), 0);
  int c = int(ish.size()) - 1;
  int64_t consumed = 1;  // product of output dims already taken from chunk c
  for (int i = int(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 1) continue;
    if (c < 0 || ish[c] % (consumed * shape[i]) != 0) return false;
    out[i] = ist[c] * consumed;
    consumed *= shape[i];
    if (consumed == ish[c]) {
      --c;
      consumed = 1;
    }
  }
  return c < 0;
}

bool Reshape::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Reshape*>(&o);
  return p && p->shape_ == shape_ && p->written_ == written_ && p->split_ == split_;
}
std::vector<Shape> Reshape::output_shapes(const std::vector<Shape>& in) const {
  if (in.size() == 2) {
    if (shape_size(in[0]) != shape_size(in[1]))
      fail("compile", "shapeless: can't reshape ", shape_str(in[0]), " to the shape ", shape_str(in[1]), ".");
    return {in[1]};
  }
  if (split_) return {unflattened_shape(in[0], split_->axis, split_->sizes)};
  if (!written_) return {};
  return {reshaped_shape(shape_size(in[0]), *written_)};
}

// Shape rules of the axis-changing views (their ops validated the axes).
static Shape flattened(const Shape& in, int start, int end) {
  Shape out(in.begin(), in.begin() + start);
  int64_t n = 1;
  for (int d = start; d <= end; ++d) n *= in[d];
  out.push_back(n);
  out.insert(out.end(), in.begin() + end + 1, in.end());
  return out;
}
bool axis_listed(const std::vector<int>& axes, int d) { return std::find(axes.begin(), axes.end(), d) != axes.end(); }

void Reshape::eval_gpu(const std::vector<array>& in, std::vector<array>& out) {
  Strides s;
  if (reshape_strides(in[0], out[0].shape(), s)) out[0].set_view(in[0], std::move(s), in[0].offset());
  else gpu::dispatch(*this, in, out);
}
void Flatten::eval_gpu(const std::vector<array>& in, std::vector<array>& out) { Reshape(out[0].shape()).eval_gpu(in, out); }
bool Flatten::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Flatten*>(&o);
  return p && p->start_ == start_ && p->end_ == end_;
}
std::vector<Shape> Flatten::output_shapes(const std::vector<Shape>& in) const { return {flattened(in[0], start_, end_)}; }

std::vector<Shape> Squeeze::output_shapes(const std::vector<Shape>& in) const {
  Shape out;
  for (int d = 0; d < int(in[0].size()); ++d) {
    if (!axis_listed(axes_, d)) out.push_back(in[0][d]);
    else if (in[0][d] != 1)
      fail("compile", "shapeless: Squeeze of axis ", d, " needs size 1, got an input of shape ", shape_str(in[0]), ".");
  }
  return {out};
}

std::vector<Shape> ExpandDims::output_shapes(const std::vector<Shape>& in) const {
  Shape out;
  const int nd = int(in[0].size() + axes_.size());
  for (int d = 0, k = 0; d < nd; ++d) out.push_back(axis_listed(axes_, d) ? 1 : in[0][k++]);
  return {out};
}

bool Transpose::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Transpose*>(&o);
  return p && p->axes_ == axes_;
}
std::vector<Shape> Transpose::output_shapes(const std::vector<Shape>& in) const {
  Shape out;
  for (int a : axes_) out.push_back(in[0][a]);
  return {out};
}

bool Broadcast::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Broadcast*>(&o);
  return p && p->shape_ == shape_ && p->written_ == written_;
}

std::vector<Shape> Broadcast::output_shapes(const std::vector<Shape>& in) const {
  if (written_) {
    check_broadcast_to(in[0], shape_, "broadcast_to");
    return {shape_};
  }
  if (in.size() < 2) return {};  // follows its reader (compile_passes.cpp)
  if (broadcast_shapes(in[0], in[1], "compile") != in[1])
    fail("compile", "shapeless: Broadcast of shape ", shape_str(in[0]), " can't take the shape ", shape_str(in[1]), ".");
  return {in[1]};
}

bool AsType::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const AsType*>(&o);
  return p && p->dtype_ == dtype_;
}

}  // namespace wmx

// ---- transform rules ----
// Shape primitives are linear: the vjp applies the adjoint shape change to the
// cotangent, the jvp applies the same change to the tangent.

namespace wmx {

// A second input is a shape donor (reshape_like): its data gets no gradient.
std::vector<array> Reshape::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                                const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums)
    out.push_back(arg == 0 ? reshape_like(cot[0], primals[0]) : full_like(primals[1], 0.0, primals[1].dtype()));
  return out;
}
std::vector<array> Reshape::jvp(const std::vector<array>& primals, const std::vector<array>& tan,
                                const std::vector<int>& argnums) {
  if (argnums[0] != 0) return {full_like(primals[1], 0.0, primals[0].dtype())};  // only the donor moved
  if (primals.size() > 1) return {reshape_like(tan[0], primals[1])};
  if (split_) return {unflatten(tan[0], split_->axis, split_->sizes)};
  return {written_ ? reshape_as_written(tan[0], *written_) : reshape(tan[0], shape_)};
}

std::vector<array> Flatten::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                                const std::vector<int>&, const std::vector<array>&) {
  return {reshape_like(cot[0], primals[0])};
}
std::vector<array> Flatten::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {flatten(tan[0], start_, end_)};
}

std::vector<array> Squeeze::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                const std::vector<array>&) {
  return {expand_dims(cot[0], axes_)};
}
std::vector<array> Squeeze::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {squeeze(tan[0], axes_)};
}

std::vector<array> ExpandDims::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                                   const std::vector<array>&) {
  return {squeeze(cot[0], axes_)};
}
std::vector<array> ExpandDims::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {expand_dims(tan[0], axes_)};
}

std::vector<array> Transpose::vjp(const std::vector<array>&, const std::vector<array>& cot,
                                  const std::vector<int>&, const std::vector<array>&) {
  std::vector<int> inverse(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) inverse[axes_[i]] = int(i);
  return {transpose(cot[0], inverse)};
}
std::vector<array> Transpose::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {transpose(tan[0], axes_)};
}

std::vector<array> Broadcast::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                                  const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 1) {  // the shape donor: its data doesn't matter
      out.push_back(full_like(primals[1], 0.0, primals[1].dtype()));
      continue;
    }
    // Sum over the dims the broadcast created or stretched. Keeping the
    // summed axes leaves the leading new ones to drop (a squeeze, not a
    // reshape to `in`, so the rule holds for any shape under shapeless compile).
    const Shape& in = primals[0].shape();
    int diff = int(shape_.size()) - int(in.size());
    std::vector<int> axes;
    for (int i = 0; i < int(shape_.size()); ++i)
      if (i < diff || (in[i - diff] == 1 && shape_[i] != 1)) axes.push_back(i);
    array r = sum(cot[0], axes, true);
    std::vector<int> leading;
    for (int i = 0; i < diff; ++i) leading.push_back(i);
    out.push_back(leading.empty() ? r : squeeze(r, leading));
  }
  return out;
}
std::vector<array> Broadcast::jvp(const std::vector<array>& primals, const std::vector<array>& tan,
                                  const std::vector<int>& argnums) {
  for (size_t k = 0; k < argnums.size(); ++k)
    if (argnums[k] == 0)
      return {primals.size() > 1 ? broadcast_like(tan[k], primals[1]) : broadcast_to(tan[k], shape_)};
  return {full_like(primals[1], 0.0, primals[0].dtype())};  // only the donor moved
}

// A cast to or from bool is piecewise constant: its derivative is zero (so
// logical ops built from casts, like logical_and, pass no gradient). Other
// casts pass the derivative through, as MLX.
std::vector<array> AsType::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                               const std::vector<int>&, const std::vector<array>&) {
  if (dtype_ == Dtype::bool_ || primals[0].dtype() == Dtype::bool_)
    return {full_like(primals[0], 0.0, primals[0].dtype())};
  return {astype(cot[0], primals[0].dtype())};
}
std::vector<array> AsType::jvp(const std::vector<array>& primals, const std::vector<array>& tan,
                               const std::vector<int>&) {
  if (dtype_ == Dtype::bool_ || primals[0].dtype() == Dtype::bool_) return {full_like(primals[0], 0.0, dtype_)};
  return {astype(tan[0], dtype_)};
}

std::vector<array> Copy::vjp(const std::vector<array>&, const std::vector<array>& cot, const std::vector<int>&,
                             const std::vector<array>&) {
  return {cot[0]};
}
std::vector<array> Copy::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {tan[0]};
}

}  // namespace wmx

// ---- vmap rules: move the batch axis first, then redo the op on the rest ----

namespace wmx {

std::pair<std::vector<array>, std::vector<int>> Reshape::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  if (ax[0] < 0) return {{reshape(in[0], shape_)}, {-1}};  // only a shape donor is batched
  array x = batch_first(in[0], ax[0]);
  // (Not as written under shapeless: a -1 for the batch would also take in a
  // per-example size that no longer fits, where the eager op throws.)
  Shape s = shape_;
  s.insert(s.begin(), x.shape()[0]);
  return {{reshape(x, s)}, {0}};
}

// The per-example axes, shifted past a leading batch axis.
static std::vector<int> after_batch(const std::vector<int>& axes) {
  std::vector<int> out;
  for (int a : axes) out.push_back(a + 1);
  return out;
}

std::pair<std::vector<array>, std::vector<int>> Flatten::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return {{flatten(batch_first(in[0], ax[0]), start_ + 1, end_ + 1)}, {0}};
}
std::pair<std::vector<array>, std::vector<int>> Squeeze::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return {{squeeze(batch_first(in[0], ax[0]), after_batch(axes_))}, {0}};
}
std::pair<std::vector<array>, std::vector<int>> ExpandDims::vmap(const std::vector<array>& in,
                                                                 const std::vector<int>& ax) {
  return {{expand_dims(batch_first(in[0], ax[0]), after_batch(axes_))}, {0}};
}

std::pair<std::vector<array>, std::vector<int>> Transpose::vmap(const std::vector<array>& in,
                                                                const std::vector<int>& ax) {
  std::vector<int> perm{0};
  for (int a : after_batch(axes_)) perm.push_back(a);
  return {{transpose(batch_first(in[0], ax[0]), perm)}, {0}};
}

std::pair<std::vector<array>, std::vector<int>> Broadcast::vmap(const std::vector<array>& in,
                                                                const std::vector<int>& ax) {
  // A shape donor's values don't matter: only the broadcast input's batch does.
  if (ax[0] < 0) return {{broadcast_to(in[0], shape_)}, {-1}};
  array x = batch_first(in[0], ax[0]);
  Shape s = x.shape();  // (B, per-example...): pad per-example rank up to the target's
  s.insert(s.begin() + 1, shape_.size() - (s.size() - 1), 1);
  Shape target = shape_;
  target.insert(target.begin(), s[0]);
  return {{broadcast_to(reshape(x, s), target)}, {0}};
}

std::pair<std::vector<array>, std::vector<int>> AsType::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return {{astype(in[0], dtype_)}, {ax[0]}};
}

std::pair<std::vector<array>, std::vector<int>> Copy::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  return {{in[0]}, {ax[0]}};
}

}  // namespace wmx

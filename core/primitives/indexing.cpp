#include "primitives/indexing.h"

#include "compile.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <string>
#include <type_traits>
#include <cstring>
#include <functional>
#include <string_view>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/vmap_util.h"
#include "shape_ops.h"

namespace wmx {

// ---------------------------------------------------------------- Slice

bool Slice::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Slice*>(&o);
  return p && p->start_ == start_ && p->step_ == step_ && p->written_ == written_;
}

namespace {
// A written index resolved against an input shape: per-axis start, step and length.
struct Region {
  Shape start, step, len;
};
Region resolve(const Shape& in, const std::vector<WrittenAxis>& written) {
  Region r{Shape(in.size()), Shape(in.size()), Shape(in.size())};
  for (size_t d = 0; d < in.size(); ++d) {
    SliceRange x = written_range(in[d], written[d], int(d), "index");
    r.start[d] = x.start;
    r.step[d] = x.step;
    r.len[d] = x.len;
  }
  return r;
}
// A batch axis in front of a written index: taken whole.
std::vector<WrittenAxis> batched(std::vector<WrittenAxis> written) {
  if (!written.empty()) written.insert(written.begin(), WrittenAxis{});
  return written;
}
}  // namespace

std::vector<Shape> Slice::output_shapes(const std::vector<Shape>& in) const {
  if (written_.empty()) return {};
  return {resolve(in[0], written_).len};
}
std::shared_ptr<Primitive> Slice::for_shapes(const std::vector<Shape>& in, const std::vector<Shape>&) const {
  Region r = resolve(in[0], written_);
  return std::make_shared<Slice>(r.start, r.step, r.len, written_);
}

bool SliceUpdate::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const SliceUpdate*>(&o);
  return p && p->start_ == start_ && p->step_ == step_ && p->written_ == written_;
}
std::vector<Shape> SliceUpdate::output_shapes(const std::vector<Shape>& in) const {
  if (written_.empty()) return {};
  if (resolve(in[0], written_).len != in[1])
    fail("compile", "shapeless: a slice update of shape ", shape_str(in[1]), " doesn't fit its region of an array of shape ",
         shape_str(in[0]), ".");
  return {in[0]};
}
std::shared_ptr<Primitive> SliceUpdate::for_shapes(const std::vector<Shape>& in, const std::vector<Shape>&) const {
  Region r = resolve(in[0], written_);
  return std::make_shared<SliceUpdate>(r.start, r.step, written_);
}

// ---------------------------------------------------------------- Gather

bool Gather::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Gather*>(&o);
  return p && p->axes_ == axes_ && p->slice_sizes_ == slice_sizes_;
}

std::vector<Shape> Gather::output_shapes(const std::vector<Shape>& in) const {
  if (!whole_) return {};
  for (size_t k = 2; k < in.size(); ++k)
    if (in[k] != in[1])
      fail("compile", "shapeless: Gather got index arrays of shapes ", shape_str(in[1]), " and ", shape_str(in[k]),
           "; they had one shape when traced.");
  Shape out = in.size() > 1 ? in[1] : Shape{};
  for (int d = 0; d < int(in[0].size()); ++d)
    out.push_back(std::find(axes_.begin(), axes_.end(), d) != axes_.end() ? 1 : in[0][d]);
  return {out};
}

std::shared_ptr<Primitive> Gather::for_shapes(const std::vector<Shape>& in, const std::vector<Shape>& out) const {
  const Shape& o = out[0];
  Shape sizes(o.end() - int64_t(in[0].size()), o.end());
  return std::make_shared<Gather>(axes_, sizes, tag_, whole_);
}

// ---------------------------------------------------------------- Scatter

const char* Scatter::name() const {
  switch (op_) {
    case ScatterOp::set: return "Scatter";
    case ScatterOp::add: return "ScatterAdd";
    case ScatterOp::prod: return "ScatterProd";
    case ScatterOp::max: return "ScatterMax";
    case ScatterOp::min: return "ScatterMin";
  }
  return "Scatter";
}

bool Scatter::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Scatter*>(&o);
  return p && p->op_ == op_ && p->axes_ == axes_ && p->whole_ == whole_;
}
std::vector<Shape> Scatter::output_shapes(const std::vector<Shape>& in) const {
  if (!whole_) return {};
  return {in[0]};
}

// ---------------------------------------------------------------- Concatenate

std::vector<Shape> Concatenate::output_shapes(const std::vector<Shape>& in) const {
  Shape out = in[0];
  out[axis_] = 0;
  for (const Shape& s : in) {
    Shape other = s;
    other[axis_] = 0;
    if (other != out)
      fail("compile", "shapeless: Concatenate got operands of shapes ", shape_str(in[0]), " and ", shape_str(s),
           ", which differ off axis ", axis_, ".");
  }
  for (const Shape& s : in) out[axis_] += s[axis_];
  return {out};
}

bool Concatenate::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const Concatenate*>(&o);
  return p && p->axis_ == axis_;
}

// ---------------------------------------------------------------- ConcatPart

namespace {
// `region`'s part of a concatenation of `operands` along `axis`.
array concat_part(const array& region, const std::vector<array>& operands, int axis, int part) {
  std::vector<array> inputs{region};
  inputs.insert(inputs.end(), operands.begin(), operands.end());
  return array(operands[part].shape(), region.dtype(), std::make_shared<ConcatPart>(axis, part), inputs);
}
}  // namespace

int64_t ConcatPart::offset(const std::vector<array>& in) const {
  int64_t off = 0;
  for (int i = 0; i < part_; ++i) off += in[1 + i].shape()[axis_];
  return off;
}
bool ConcatPart::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const ConcatPart*>(&o);
  return p && p->axis_ == axis_ && p->part_ == part_;
}
std::vector<Shape> ConcatPart::output_shapes(const std::vector<Shape>& in) const {
  const std::vector<Shape> parts(in.begin() + 1, in.end());
  if (Concatenate(axis_).output_shapes(parts)[0] != in[0])
    fail("compile", "shapeless: a concatenation's gradient of shape ", shape_str(in[0]),
         " doesn't match its operands' shapes.");
  return {in[1 + part_]};
}

// ---------------------------------------------------------------- AsStrided

bool AsStrided::is_equivalent(const Primitive& o) const {
  auto p = dynamic_cast<const AsStrided*>(&o);
  return p && p->shape_ == shape_ && p->strides_ == strides_ && p->offset_ == offset_;
}

// ---------------------------------------------------------------- graph builders

array make_slice(const array& a, const Shape& start, const Shape& step, const Shape& out_shape,
                 std::vector<WrittenAxis> written) {
  // Shapeless: a node even for an identity, which may not be one on replay
  // (a slice without `written` then rejects the trace instead of dropping out).
  bool identity = out_shape == a.shape() && written.empty() && !tracing_shapeless();
  for (int d = 0; d < a.ndim() && identity; ++d) identity = start[d] == 0 && step[d] == 1;
  if (identity) return a;
  return array(out_shape, a.dtype(), std::make_shared<Slice>(start, step, out_shape, std::move(written)), {a});
}

array make_slice_update(const array& a, const array& update, const Shape& start, const Shape& step,
                        std::vector<WrittenAxis> written) {
  return array(a.shape(), a.dtype(), std::make_shared<SliceUpdate>(start, step, std::move(written)),
               {a, astype(update, a.dtype())});
}

array make_gather(const array& a, const std::vector<array>& indices, const std::vector<int>& axes,
                  const Shape& slice_sizes, const char* tag) {
  Shape I;
  for (auto& x : indices) {
    if (!is_integral(x.dtype()))
      fail(tag, "Indices must be integers, got ", name_of(x.dtype()), ".");
    I = broadcast_shapes(I, x.shape(), tag);
  }
  std::vector<array> inputs{a};
  for (auto& x : indices) inputs.push_back(broadcast_to(x, I, tag));
  Shape out = I;
  out.insert(out.end(), slice_sizes.begin(), slice_sizes.end());
  bool whole = true;
  for (int d = 0; d < a.ndim(); ++d) {
    const bool indexed = std::find(axes.begin(), axes.end(), d) != axes.end();
    whole = whole && slice_sizes[d] == (indexed ? 1 : a.shape()[d]);
  }
  return array(out, a.dtype(), std::make_shared<Gather>(axes, slice_sizes, tag, whole), inputs);
}

array make_scatter(const array& a, const std::vector<array>& indices, const array& updates,
                   const std::vector<int>& axes, ScatterOp op, const char* tag, bool whole) {
  Shape I;
  for (auto& x : indices) {
    if (!is_integral(x.dtype()))
      fail(tag, "Indices must be integers, got ", name_of(x.dtype()), ".");
    I = broadcast_shapes(I, x.shape(), tag);
  }
  if (updates.ndim() < a.ndim())
    fail(tag, "Updates of shape ", shape_str(updates.shape()), " must have at least ", a.ndim(), " dimensions.");
  const int nI = updates.ndim() - a.ndim();
  Shape uI(updates.shape().begin(), updates.shape().begin() + nI);
  if (!indices.empty() && uI != I)
    fail(tag, "The updates' leading dimensions ", shape_str(uI), " must match the indices' shape ", shape_str(I), ".");
  std::vector<array> inputs{a};
  for (auto& x : indices) inputs.push_back(broadcast_to(x, I, tag));
  inputs.push_back(astype(updates, a.dtype()));
  return array(a.shape(), a.dtype(), std::make_shared<Scatter>(op, axes, tag, whole), inputs);
}

}  // namespace wmx

// ---------------------------------------------------------------- transform rules

namespace wmx {

namespace {

[[noreturn]] void index_grad_error(const char* tag) {
  fail(tag, "Cannot compute the gradient with respect to the indices; wrap them in stopGradient.");
}

// Indices that come straight out of stop_gradient carry no derivative.
bool stopped(const array& x) {
  return x.has_primitive() && std::string_view(x.primitive().name()) == "StopGradient";
}
void check_index_arg(const array& x, const char* tag) {
  if (!stopped(x)) index_grad_error(tag);
}

Shape slice_of(const Shape& s, int from) { return Shape(s.begin() + from, s.end()); }

// Indices of a batched gather/scatter: every index batch-first with size B
// (unbatched ones broadcast), plus, when `with_arange`, an arange over the
// batch for the new leading axis. Returns the new index list.
std::vector<array> batch_indices(const std::vector<array>& idx, const std::vector<int>& ax, int64_t B,
                                 bool with_arange) {
  Shape I;
  for (size_t k = 0; k < idx.size(); ++k) {
    Shape s = idx[k].shape();
    if (ax[k] >= 0) s.erase(s.begin() + ax[k]);
    I = broadcast_shapes(I, s, "vmap");
  }
  Shape BI = I;
  BI.insert(BI.begin(), B);
  std::vector<array> out;
  if (with_arange) {
    Shape s(BI.size(), 1);
    s[0] = B;
    out.push_back(broadcast_to(reshape(arange(0.0, double(B), 1.0, Dtype::int32), s), BI));
  }
  for (size_t k = 0; k < idx.size(); ++k) {
    array x = ax[k] >= 0 ? batch_first(idx[k], ax[k]) : expand_dims(idx[k], {0});
    // Line up per-example dims on the right before broadcasting.
    Shape s = x.shape();
    s.insert(s.begin() + 1, BI.size() - s.size(), 1);
    out.push_back(broadcast_to(reshape(x, s), BI));
  }
  return out;
}

int64_t batch_size(const std::vector<array>& in, const std::vector<int>& ax) {
  for (size_t i = 0; i < in.size(); ++i)
    if (ax[i] >= 0) return in[i].shape()[ax[i]];
  return 1;
}

array to_batched(const array& x, int ax, int64_t B) {
  if (ax >= 0) return batch_first(x, ax);
  Shape s = x.shape();
  s.insert(s.begin(), B);
  return broadcast_to(expand_dims(x, {0}), s);
}

}  // namespace

// ---- Slice: the vjp writes the cotangent into zeros ----

std::vector<array> Slice::vjp(const std::vector<array>& p, const std::vector<array>& cot, const std::vector<int>&,
                              const std::vector<array>&) {
  return {make_slice_update(zeros_like(p[0]), cot[0], start_, step_, written_)};
}
std::vector<array> Slice::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {make_slice(tan[0], start_, step_, shape_, written_)};
}
std::pair<std::vector<array>, std::vector<int>> Slice::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  array x = batch_first(in[0], ax[0]);
  Shape start = start_, step = step_, shape = shape_;
  start.insert(start.begin(), 0);
  step.insert(step.begin(), 1);
  shape.insert(shape.begin(), x.shape()[0]);
  return {{make_slice(x, start, step, shape, batched(written_))}, {0}};
}

// ---- SliceUpdate ----

std::vector<array> SliceUpdate::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg == 0) out.push_back(make_slice_update(cot[0], full_like(p[1], 0.0, cot[0].dtype()), start_, step_, written_));
    else out.push_back(make_slice(cot[0], start_, step_, p[1].shape(), written_));
  }
  return out;
}
std::vector<array> SliceUpdate::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                    const std::vector<int>& argnums) {
  array ts, tu;
  for (size_t i = 0; i < argnums.size(); ++i) (argnums[i] == 0 ? ts : tu) = tan[i];
  if (!ts.valid()) ts = full_like(p[0], 0.0, tu.dtype());
  if (!tu.valid()) tu = full_like(p[1], 0.0, ts.dtype());
  return {make_slice_update(ts, tu, start_, step_, written_)};
}
std::pair<std::vector<array>, std::vector<int>> SliceUpdate::vmap(const std::vector<array>& in,
                                                                  const std::vector<int>& ax) {
  int64_t B = batch_size(in, ax);
  Shape start = start_, step = step_;
  start.insert(start.begin(), 0);
  step.insert(step.begin(), 1);
  return {{make_slice_update(to_batched(in[0], ax[0], B), to_batched(in[1], ax[1], B), start, step, batched(written_))},
          {0}};
}

// ---- Gather: the vjp is a scatter-add ----

std::vector<array> Gather::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                               const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg != 0) {
      check_index_arg(p[arg], tag_);
      out.push_back(zeros_like(p[arg]));
      continue;
    }
    std::vector<array> idx(p.begin() + 1, p.end());
    out.push_back(make_scatter(zeros_like(p[0]), idx, cot[0], axes_, ScatterOp::add, tag_, whole_));
  }
  return out;
}
std::vector<array> Gather::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                               const std::vector<int>& argnums) {
  for (int arg : argnums)
    if (arg != 0) check_index_arg(p[arg], tag_);
  std::vector<array> idx(p.begin() + 1, p.end());
  if (argnums[0] != 0) return {zeros_like(make_gather(p[0], idx, axes_, slice_sizes_, tag_))};
  return {make_gather(tan[0], idx, axes_, slice_sizes_, tag_)};
}
std::pair<std::vector<array>, std::vector<int>> Gather::vmap(const std::vector<array>& in,
                                                             const std::vector<int>& ax) {
  const int64_t B = batch_size(in, ax);
  std::vector<array> idx(in.begin() + 1, in.end());
  std::vector<int> iax(ax.begin() + 1, ax.end());
  if (ax[0] < 0) {  // only the indices are batched: the batch becomes a leading index dim
    return {{make_gather(in[0], batch_indices(idx, iax, B, false), axes_, slice_sizes_, tag_)}, {0}};
  }
  array a = batch_first(in[0], ax[0]);
  std::vector<int> axes{0};
  for (int x : axes_) axes.push_back(x + 1);
  Shape sizes = slice_sizes_;
  sizes.insert(sizes.begin(), 1);
  std::vector<array> bidx = batch_indices(idx, iax, B, true);
  array g = make_gather(a, bidx, axes, sizes, tag_);  // (B, I..., 1, slice...)
  Shape s = g.shape();
  s.erase(s.begin() + bidx[0].ndim());
  return {{reshape(g, s)}, {0}};
}

// ---- Scatter ----

std::vector<array> Scatter::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                const std::vector<int>& argnums, const std::vector<array>& outs) {
  const array& a = p[0];
  const array& u = p.back();
  const array& c = cot[0];
  std::vector<array> idx(p.begin() + 1, p.end() - 1);
  const int last = int(p.size()) - 1;
  const Shape U = slice_of(u.shape(), u.ndim() - a.ndim());
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg != 0 && arg != last) {
      check_index_arg(p[arg], tag_);
      out.push_back(zeros_like(p[arg]));
      continue;
    }
    if (arg == 0) {
      switch (op_) {
        case ScatterOp::set: out.push_back(make_scatter(c, idx, full_like(u, 0.0, c.dtype()), axes_, op_, tag_)); break;
        case ScatterOp::add: out.push_back(c); break;
        case ScatterOp::prod: out.push_back(make_scatter(c, idx, u, axes_, op_, tag_)); break;
        default: out.push_back(multiply(c, astype(equal(a, outs[0]), c.dtype()))); break;
      }
    } else {
      array g = make_gather(c, idx, axes_, U, tag_);
      switch (op_) {
        case ScatterOp::set:
        case ScatterOp::add: out.push_back(g); break;
        case ScatterOp::prod:
          out.push_back(divide(make_gather(multiply(c, outs[0]), idx, axes_, U, tag_), u));
          break;
        default:
          out.push_back(multiply(g, astype(equal(u, make_gather(outs[0], idx, axes_, U, tag_)), c.dtype())));
          break;
      }
    }
  }
  return out;
}
std::vector<array> Scatter::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                const std::vector<int>& argnums) {
  const array& a = p[0];
  const array& u = p.back();
  const int last = int(p.size()) - 1;
  std::vector<array> idx(p.begin() + 1, p.end() - 1);
  array ta, tu;
  for (size_t i = 0; i < argnums.size(); ++i) {
    if (argnums[i] != 0 && argnums[i] != last) {
      check_index_arg(p[argnums[i]], tag_);
      continue;
    }
    (argnums[i] == 0 ? ta : tu) = tan[i];
  }
  if (!ta.valid() && !tu.valid()) return {zeros_like(a)};
  if (!ta.valid()) ta = full_like(a, 0.0, tu.dtype());
  if (!tu.valid()) tu = full_like(u, 0.0, ta.dtype());
  if (op_ == ScatterOp::set || op_ == ScatterOp::add) return {make_scatter(ta, idx, tu, axes_, op_, tag_)};
  array out = make_scatter(a, idx, u, axes_, op_, tag_);
  if (op_ == ScatterOp::prod) {
    // d(a * prod u) = da * prod u + out * sum(du / u)
    return {add(make_scatter(ta, idx, u, axes_, op_, tag_),
                multiply(out, make_scatter(zeros_like(ta), idx, divide(tu, u), axes_, ScatterOp::add, tag_)))};
  }
  // max/min: the tangent of the selected value (averaged over tied updates).
  const Shape U = slice_of(u.shape(), u.ndim() - a.ndim());
  array mu = astype(equal(u, make_gather(out, idx, axes_, U, tag_)), ta.dtype());
  array num = make_scatter(zeros_like(ta), idx, multiply(tu, mu), axes_, ScatterOp::add, tag_);
  array cnt = make_scatter(zeros_like(ta), idx, mu, axes_, ScatterOp::add, tag_);
  array tsel = divide(num, maximum(cnt, array::scalar(1.0, ta.dtype())));
  return {where(equal(a, out), ta, tsel)};
}
std::pair<std::vector<array>, std::vector<int>> Scatter::vmap(const std::vector<array>& in,
                                                              const std::vector<int>& ax) {
  const int64_t B = batch_size(in, ax);
  const array& a0 = in[0];
  const array& u0 = in.back();
  std::vector<array> idx(in.begin() + 1, in.end() - 1);
  std::vector<int> iax(ax.begin() + 1, ax.end() - 1);
  array a = to_batched(a0, ax[0], B);
  std::vector<array> bidx = batch_indices(idx, iax, B, true);
  array u = to_batched(u0, ax.back(), B);  // (B, I..., U...)
  const int nI = u.ndim() - 1 - (a.ndim() - 1);
  Shape s = u.shape();
  s.insert(s.begin() + 1 + nI, 1);
  // The indices' shape must be (B, I...): broadcast the updates' I too.
  std::vector<int> axes{0};
  for (int x : axes_) axes.push_back(x + 1);
  return {{make_scatter(a, bidx, reshape(u, s), axes, op_, tag_)}, {0}};
}

// ---- Concatenate ----

std::vector<array> Concatenate::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                    const std::vector<int>& argnums, const std::vector<array>&) {
  if (tracing_shapeless()) {  // regions placed by the operands' shapes at run time
    std::vector<array> out;
    for (int arg : argnums) out.push_back(concat_part(cot[0], p, axis_, arg));
    return out;
  }
  std::vector<int64_t> offsets{0};
  for (auto& x : p) offsets.push_back(offsets.back() + x.shape()[axis_]);
  std::vector<array> out;
  for (int arg : argnums) {
    Shape start(cot[0].ndim(), 0), step(cot[0].ndim(), 1);
    start[axis_] = offsets[arg];
    out.push_back(make_slice(cot[0], start, step, p[arg].shape()));
  }
  return out;
}
std::vector<array> Concatenate::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                    const std::vector<int>& argnums) {
  std::vector<array> ts(p.size());
  for (size_t i = 0; i < argnums.size(); ++i) ts[argnums[i]] = tan[i];
  Dtype t = tan[0].dtype();
  Shape shape = p[0].shape();
  shape[axis_] = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (!ts[i].valid()) ts[i] = full_like(p[i], 0.0, t);
    shape[axis_] += p[i].shape()[axis_];
  }
  return {array(shape, t, std::make_shared<Concatenate>(axis_), ts)};
}
std::pair<std::vector<array>, std::vector<int>> Concatenate::vmap(const std::vector<array>& in,
                                                                  const std::vector<int>& ax) {
  const int64_t B = batch_size(in, ax);
  std::vector<array> xs;
  for (size_t i = 0; i < in.size(); ++i) xs.push_back(to_batched(in[i], ax[i], B));
  Shape shape = xs[0].shape();
  shape[axis_ + 1] = 0;
  for (auto& x : xs) shape[axis_ + 1] += x.shape()[axis_ + 1];
  return {{array(shape, xs[0].dtype(), std::make_shared<Concatenate>(axis_ + 1), xs)}, {0}};
}

// ---- ConcatPart: a view of its first input; the operands only give shapes ----

std::vector<array> ConcatPart::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                   const std::vector<int>& argnums, const std::vector<array>&) {
  std::vector<array> out;
  for (int arg : argnums) {
    if (arg != 0) {
      out.push_back(full_like(p[arg], 0.0, p[arg].dtype()));
      continue;
    }
    Shape start(p[0].ndim(), 0), step(p[0].ndim(), 1);
    start[axis_] = offset(p);
    out.push_back(make_slice_update(full_like(p[0], 0.0, cot[0].dtype()), cot[0], start, step));
  }
  return out;
}
std::vector<array> ConcatPart::jvp(const std::vector<array>& p, const std::vector<array>& tan,
                                   const std::vector<int>& argnums) {
  if (argnums[0] != 0) return {full_like(p[1 + part_], 0.0, p[0].dtype())};  // only the operands moved
  return {concat_part(tan[0], std::vector<array>(p.begin() + 1, p.end()), axis_, part_)};
}
std::pair<std::vector<array>, std::vector<int>> ConcatPart::vmap(const std::vector<array>& in,
                                                                 const std::vector<int>& ax) {
  // The region from the operands' per-example shapes, as a plain slice.
  auto per_example = [&](int i) {
    Shape s = in[1 + i].shape();
    if (ax[1 + i] >= 0) s.erase(s.begin() + ax[1 + i]);
    return s;
  };
  int64_t off = 0;
  for (int i = 0; i < part_; ++i) off += per_example(i)[axis_];
  if (ax[0] < 0) {
    Shape start(in[0].ndim(), 0), step(in[0].ndim(), 1);
    start[axis_] = off;
    return {{make_slice(in[0], start, step, per_example(part_))}, {-1}};
  }
  array x = batch_first(in[0], ax[0]);
  Shape start(x.ndim(), 0), step(x.ndim(), 1), shape = per_example(part_);
  start[axis_ + 1] = off;
  shape.insert(shape.begin(), x.shape()[0]);
  return {{make_slice(x, start, step, shape)}, {0}};
}

// ---- AsStrided: the vjp scatter-adds into the flat input ----

std::vector<array> AsStrided::vjp(const std::vector<array>& p, const std::vector<array>& cot,
                                  const std::vector<int>&, const std::vector<array>&) {
  const int64_t n = shape_size(shape_);
  array pos = array::empty({n}, Dtype::int64);
  int64_t* q = pos.data<int64_t>();
  std::vector<int64_t> idx(shape_.size(), 0);
  int64_t off = offset_;
  for (int64_t i = 0; i < n; ++i) {
    q[i] = off;
    for (int d = int(shape_.size()) - 1; d >= 0; --d) {
      off += strides_[d];
      if (++idx[d] < shape_[d]) break;
      off -= strides_[d] * shape_[d];
      idx[d] = 0;
    }
  }
  array flat = zeros({p[0].size()}, cot[0].dtype());
  array g = make_scatter(flat, {pos}, reshape(cot[0], {n, 1}), {0}, ScatterOp::add, "as_strided");
  return {reshape(g, p[0].shape())};
}
std::vector<array> AsStrided::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {array(shape_, tan[0].dtype(), std::make_shared<AsStrided>(shape_, strides_, offset_), {tan[0]})};
}
std::pair<std::vector<array>, std::vector<int>> AsStrided::vmap(const std::vector<array>& in,
                                                                const std::vector<int>& ax) {
  array x = batch_first(in[0], ax[0]);
  Shape shape = shape_;
  Strides strides = strides_;
  shape.insert(shape.begin(), x.shape()[0]);
  strides.insert(strides.begin(), shape_size(slice_of(x.shape(), 1)));
  return {{array(shape, x.dtype(), std::make_shared<AsStrided>(shape, strides, offset_), {x})}, {0}};
}

}  // namespace wmx

#include "primitives/conv.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "error.h"
#include "ops.h"
#include "shape_ops.h"

namespace wmx {

Shape conv_output_shape(const Shape& x, const Shape& w, const ConvParams& p, const char* op) {
  Shape out{x[0], 0, 0, w[0]};
  for (int i = 0; i < 2; ++i) {
    const int64_t eff = int64_t(p.dilation[i]) * (w[1 + i] - 1) + 1;
    const int64_t padded = x[1 + i] + 2 * int64_t(p.padding[i]);
    if (padded < eff)
      fail(op, "The padded input (", padded, ") is smaller than the dilated kernel (", eff, ") along spatial axis ", i,
           ".");
    out[1 + i] = (padded - eff) / p.stride[i] + 1;
  }
  return out;
}

std::vector<Shape> Conv::output_shapes(const std::vector<Shape>& in) const {
  if (mode_ != ConvMode::Forward) return {};
  if (in[0][3] != in[1][3] * p_.groups)
    fail("compile", "shapeless: Conv got an input of shape ", shape_str(in[0]), " for a weight of shape ",
         shape_str(in[1]), ".");
  return {conv_output_shape(in[0], in[1], p_, "compile")};
}

const char* Conv::name() const {
  switch (mode_) {
    case ConvMode::Forward: return "Convolution";
    case ConvMode::InputGrad: return "ConvInputGrad";
    default: return "ConvWeightGrad";
  }
}

array conv_node(ConvMode mode, const ConvParams& p, const array& a, const array& b, const Shape& shape) {
  return array(shape, a.dtype(), std::make_shared<Conv>(mode, p, shape), {a, b});
}

// ---- transform rules ----

namespace {

// Slot of each mode's output: Forward -> y (2), InputGrad -> x (0), WeightGrad -> w (1).
// Slots of its inputs in order.
int out_slot(ConvMode m) { return m == ConvMode::Forward ? 2 : m == ConvMode::InputGrad ? 0 : 1; }
std::array<int, 2> in_slots(ConvMode m) {
  if (m == ConvMode::Forward) return {0, 1};
  if (m == ConvMode::InputGrad) return {2, 1};
  return {0, 2};
}

// The mode that produces slot `s` from the other two slots (given in slot order).
array produce(int s, const ConvParams& p, const array* slot, const Shape& shape) {
  if (s == 2) return conv_node(ConvMode::Forward, p, slot[0], slot[1], shape);
  if (s == 0) return conv_node(ConvMode::InputGrad, p, slot[2], slot[1], shape);
  return conv_node(ConvMode::WeightGrad, p, slot[0], slot[2], shape);
}

}  // namespace

std::vector<array> Conv::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                             const std::vector<int>& argnums, const std::vector<array>& outputs) {
  // T(x, w, y) = <y, conv(x, w)>; this mode's output is dT/d(slot o). With
  // cotangent G in slot o, the cotangent of input slot s is the mode that
  // produces slot s from G and the remaining input.
  const int o = out_slot(mode_);
  auto ins = in_slots(mode_);
  std::vector<array> res;
  for (int arg : argnums) {
    array slot[3];
    slot[ins[0]] = primals[0];
    slot[ins[1]] = primals[1];
    slot[o] = astype(cot[0], outputs[0].dtype());
    res.push_back(produce(ins[arg], p_, slot, primals[arg].shape()));
  }
  return res;
}

std::vector<array> Conv::jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                             const std::vector<int>& argnums) {
  // Linear in each input: the sum of the mode applied with one tangent each.
  array out;
  for (size_t i = 0; i < argnums.size(); ++i) {
    std::vector<array> in = primals;
    in[argnums[i]] = astype(tangents[i], primals[argnums[i]].dtype());
    array term = conv_node(mode_, p_, in[0], in[1], out_shape_);
    out = out.valid() ? add(out, term) : term;
  }
  return {out};
}

std::pair<std::vector<array>, std::vector<int>> Conv::vmap(const std::vector<array>& in, const std::vector<int>& ax) {
  // Forward and InputGrad are per image: a batch on their first operand only
  // folds into N. Everything else loops over the batch and stacks.
  if (mode_ != ConvMode::WeightGrad && ax[0] >= 0 && ax[1] < 0) {
    array a = in[0];
    if (ax[0] != 0) a = moveaxis(a, ax[0], 0);
    const int64_t B = a.shape(0);
    Shape fs = a.shape();
    fs.erase(fs.begin());
    fs[0] *= B;
    Shape os = out_shape_;
    os[0] *= B;
    array r = conv_node(mode_, p_, reshape(a, fs), in[1], os);
    Shape rs = out_shape_;
    rs.insert(rs.begin(), B);
    return {{reshape(r, rs)}, {0}};
  }
  // Otherwise the batch becomes groups: example b's channels follow example
  // b-1's, so group b*G + g of the folded operands is group g of example b.
  // Image operands (N, H, W, C) -> (N, H, W, B*C); weights (O, ...) -> (B*O, ...).
  const int64_t B = ax[0] >= 0 ? in[0].shape(ax[0]) : in[1].shape(ax[1]);
  auto ins = in_slots(mode_);
  auto fold = [&](const array& a, int axis, int slot) {
    array x = axis >= 0 ? moveaxis(a, axis, 0) : broadcast_to(expand_dims(a, {0}), [&] {
      Shape s = a.shape();
      s.insert(s.begin(), B);
      return s;
    }());
    Shape s = x.shape();
    if (slot == 1) return reshape(x, {B * s[1], s[2], s[3], s[4]});
    return reshape(moveaxis(x, 0, 3), {s[1], s[2], s[3], B * s[4]});
  };
  array a = fold(in[0], ax[0], ins[0]), b = fold(in[1], ax[1], ins[1]);
  ConvParams p = p_;
  p.groups *= int(B);
  const int o = out_slot(mode_);
  Shape os = out_shape_;
  if (o == 1) os[0] *= B;
  else os[3] *= B;
  array r = conv_node(mode_, p, a, b, os);
  if (o == 1) {
    Shape rs = out_shape_;
    rs.insert(rs.begin(), B);
    return {{reshape(r, rs)}, {0}};
  }
  r = reshape(r, {out_shape_[0], out_shape_[1], out_shape_[2], B, out_shape_[3]});
  return {{r}, {3}};
}

}  // namespace wmx

#include "primitives/custom.h"

#include <algorithm>

#include "error.h"
#include "ops.h"

namespace wmx {

std::vector<array> CustomTransforms::vjp(const std::vector<array>& in, const std::vector<array>& cot,
                                         const std::vector<int>& argnums, const std::vector<array>& outs) {
  std::vector<array> p = primals(in);
  std::vector<array> all;
  if (rules_.vjp) {
    std::vector<array> args = p;
    args.insert(args.end(), cot.begin(), cot.end());
    args.insert(args.end(), outs.begin(), outs.end());
    all = rules_.vjp(args);
    if (all.size() != p.size())
      fail(tag_, "The vjp rule must return one cotangent per primal (", p.size(), "), got ", all.size(), ".");
    for (size_t i = 0; i < p.size(); ++i)
      if (all[i].shape() != p[i].shape())
        fail(tag_, "The vjp rule returned a cotangent of shape ", shape_str(all[i].shape()), " for primal ", i,
             " of shape ", shape_str(p[i].shape()), ".");
  } else {
    all = wmx::vjp(fun_, p, cot).second;  // recompute the forward pass here
  }
  std::vector<array> res;
  for (int a : argnums) res.push_back(a < num_primals_ ? all[a] : full_like(in[a], 0.0, in[a].dtype()));
  return res;
}

std::vector<array> CustomTransforms::jvp(const std::vector<array>& in, const std::vector<array>& tan,
                                         const std::vector<int>& argnums) {
  std::vector<array> p = primals(in);
  std::vector<array> t;
  for (auto& x : p) t.push_back(full_like(x, 0.0, x.dtype()));
  for (size_t k = 0; k < argnums.size(); ++k)
    if (argnums[k] < num_primals_) t[argnums[k]] = tan[k];
  size_t n_out = in.size() - num_primals_;
  if (!rules_.jvp) return wmx::jvp(fun_, p, t).second;
  // The rule gets the primals, their tangents (zeros where an input has none),
  // and last an int32 flag per primal: 1 where it has a tangent, so that the
  // JS side can hand the rule null for the others, as MLX passes None.
  std::vector<int32_t> has(p.size(), 0);
  for (int a : argnums)
    if (a < num_primals_) has[a] = 1;
  std::vector<array> args = p;
  args.insert(args.end(), t.begin(), t.end());
  array flags = array::empty({int64_t(has.size())}, Dtype::int32);
  std::copy(has.begin(), has.end(), flags.data<int32_t>());
  args.push_back(flags);
  std::vector<array> res = rules_.jvp(args);
  if (res.size() != n_out)
    fail(tag_, "The jvp rule must return one tangent per output (", n_out, "), got ", res.size(), ".");
  for (size_t k = 0; k < n_out; ++k)
    if (res[k].shape() != in[num_primals_ + k].shape())
      fail(tag_, "The jvp rule returned a tangent of shape ", shape_str(res[k].shape()), " for output ", k,
           " of shape ", shape_str(in[num_primals_ + k].shape()), ".");
  return res;
}

// The vmap rule's outputs must be fn's per-example outputs with (where the
// axis is not -1) a batch axis of the batch size inserted. The node's inputs
// after the primals are fn's outputs as the vmap walk batched them, which
// tells both the per-example shapes and the batch size.
void CustomTransforms::check_vmap_rule_outputs(const std::vector<array>& in, const std::vector<int>& axes,
                                               const std::vector<array>& outs, const std::vector<int>& oax) const {
  int64_t batch = -1;
  for (size_t i = 0; i < in.size(); ++i)
    if (axes[i] >= 0) batch = in[i].shape()[axes[i]];
  for (size_t k = 0; k < outs.size(); ++k) {
    const array& ref = in[num_primals_ + k];
    Shape want = ref.shape();
    if (axes[num_primals_ + k] >= 0) want.erase(want.begin() + axes[num_primals_ + k]);
    Shape got = outs[k].shape();
    int ax = oax[k];
    if (ax < -1 || ax >= int(got.size()))
      fail(tag_, "The vmap rule's output axis ", ax, " is out of range for its output ", k, " of shape ",
           shape_str(got), ".");
    if (ax >= 0) {
      if (got[ax] != batch)
        fail(tag_, "The vmap rule's output ", k, " has size ", got[ax], " along its axis ", ax,
             " but the batch size is ", batch, ".");
      got.erase(got.begin() + ax);
    }
    if (got != want)
      fail(tag_, "The vmap rule returned output ", k, " of shape ", shape_str(outs[k].shape()), " with axis ", ax,
           " but one example of it has shape ", shape_str(want), ".");
  }
}

std::pair<std::vector<array>, std::vector<int>> CustomTransforms::vmap(const std::vector<array>& in,
                                                                       const std::vector<int>& axes) {
  std::vector<array> p = primals(in);
  std::vector<int> ax(axes.begin(), axes.begin() + num_primals_);
  size_t n_out = in.size() - num_primals_;
  if (rules_.vmap) {
    auto [outs, oax] = rules_.vmap(p, ax);
    if (outs.size() != n_out || oax.size() != n_out)
      fail(tag_, "The vmap rule must return ", n_out, " outputs and as many output axes, got ", outs.size(),
           " outputs and ", oax.size(), " axes.");
    check_vmap_rule_outputs(in, axes, outs, oax);
    return {outs, oax};
  }
  // No vmap rule: the batched call is a custom node again, with the vmapped
  // function and the vmapped vjp/jvp rules, so that a grad or jvp taken
  // outside this vmap still uses the user's rules (and a checkpoint still
  // recomputes). Outputs are batched at axis 0.
  std::vector<int> in_axes;
  for (int a : ax) in_axes.push_back(a < 0 ? kNoAxis : a);
  Fn fun = [f = fun_, in_axes](const std::vector<array>& xs) { return wmx::vmap(f, xs, in_axes, {0}); };
  CustomRules rules;
  if (rules_.vjp) {
    // Arguments: the primals (batched as in_axes), then cotangents and outputs (batched at 0).
    rules.vjp = [r = rules_.vjp, in_axes](const std::vector<array>& args) {
      std::vector<int> arg_axes = in_axes;
      arg_axes.resize(args.size(), 0);
      std::vector<array> cots = wmx::vmap(r, args, arg_axes, {0});
      // Back to each primal's layout: an unbatched primal gets the sum over the batch.
      for (size_t i = 0; i < cots.size() && i < in_axes.size(); ++i) {
        if (in_axes[i] == kNoAxis) cots[i] = sum(cots[i], {0});
        else if (in_axes[i] != 0) cots[i] = moveaxis(cots[i], 0, in_axes[i]);
      }
      return cots;
    };
  }
  if (rules_.jvp) {
    // Arguments: the primals, then their tangents, batched alike.
    rules.jvp = [r = rules_.jvp, in_axes](const std::vector<array>& args) {
      std::vector<int> arg_axes = in_axes;
      arg_axes.insert(arg_axes.end(), in_axes.begin(), in_axes.end());
      arg_axes.push_back(kNoAxis);  // the has-tangent flags are not batched
      return wmx::vmap(r, args, arg_axes, {0});
    };
  }
  std::vector<array> outs = custom_function(fun, p, std::move(rules), tag_);
  return {outs, std::vector<int>(outs.size(), 0)};
}

}  // namespace wmx

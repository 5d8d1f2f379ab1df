#include "transforms.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "error.h"
#include "graph_walk.h"
#include "math_ops.h"
#include "ops.h"
#include "primitive.h"
#include "primitives/custom.h"
#include "primitives/placeholder.h"
#include "primitives/unary.h"
#include "primitives/views.h"

namespace wmx {

namespace {

// Tracer copies of the inputs: new nodes (so the trace can tell them apart
// from other uses of the same arrays) that share the inputs' data.
std::vector<array> make_tracers(const std::vector<array>& inputs) {
  std::vector<array> out;
  auto copy = std::make_shared<Copy>();
  for (auto& in : inputs) {
    array t(in.shape(), in.dtype(), copy, {in});
    t.set_tracer(true);
    out.push_back(t);
  }
  return out;
}

// The nodes on a path from `sources` to `outputs`, in topological order
// (inputs before consumers). Explicit-stack DFS: no recursion.
// `on_path` receives the ids of the sources and of every tape node's outputs.
// With `cut_stop_gradient` (reverse mode), paths through stop_gradient don't count.
std::vector<array> trace_tape(const std::vector<array>& sources, const std::vector<array>& outputs,
                              std::unordered_set<const ArrayNode*>& on_path, bool cut_stop_gradient = false) {
  std::unordered_set<const ArrayNode*> source_ids;
  for (auto& s : sources) source_ids.insert(s.id());
  std::unordered_map<const ArrayNode*, bool> depends;  // visited node -> reaches a source
  std::vector<array> tape;
  auto enter = [&](const array& a) {
    if (depends.count(a.id())) return false;
    if (source_ids.count(a.id())) {
      depends[a.id()] = true;
      return false;
    }
    // Leaves (and, in reverse mode, stop_gradient) don't depend on the sources.
    depends[a.id()] = false;  // provisional for the others; set when visited
    return a.has_primitive() && !(cut_stop_gradient && dynamic_cast<const StopGradient*>(&a.primitive()));
  };
  walk_post_order(outputs, enter, [&](array& a) {
    bool dep = false;
    for (auto& in : a.inputs()) dep = dep || depends[in.id()];
    if (!dep) return;
    for (auto& s : a.outputs())
      if (s.has_primitive()) depends[s.id()] = true;
    tape.push_back(std::move(a));
  });
  for (auto& [id, dep] : depends)
    if (dep) on_path.insert(id);
  return tape;
}

// `b` (a cotangent or tangent) must match `a` (its output or primal) in shape,
// and in dtype when `same_dtype` (vjp casts a cotangent to its output's dtype, as MLX).
void check_like(const array& a, const array& b, const char* tag, const char* what, size_t i, const char* of,
                bool same_dtype = true) {
  if (a.shape() != b.shape())
    fail(tag, what, " ", i, " has shape ", shape_str(b.shape()), " but the corresponding ", of, " has shape ",
         shape_str(a.shape()), ".");
  if (same_dtype && a.dtype() != b.dtype())
    fail(tag, what, " ", i, " has dtype ", name_of(b.dtype()), " but the corresponding ", of, " has dtype ",
         name_of(a.dtype()), ".");
}

}  // namespace

std::pair<std::vector<array>, std::vector<array>> vjp(const Fn& fun, const std::vector<array>& primals,
                                                      const std::vector<array>& cotangents) {
  TracingScope tracing;
  std::vector<array> tracers = make_tracers(primals);
  std::vector<array> outputs = fun(tracers);
  if (cotangents.size() != outputs.size())
    fail("vjp", "Expected ", outputs.size(), " cotangents (one per output), got ", cotangents.size(), ".");
  for (size_t i = 0; i < outputs.size(); ++i) check_like(outputs[i], cotangents[i], "vjp", "Cotangent", i, "output", false);

  std::unordered_set<const ArrayNode*> on_path;
  std::vector<array> tape = trace_tape(tracers, outputs, on_path, /*cut_stop_gradient=*/true);
  std::unordered_map<const ArrayNode*, array> cot;
  auto accumulate = [&](const array& target, const array& c) {
    auto it = cot.find(target.id());
    if (it == cot.end()) cot.emplace(target.id(), c);
    else it->second = add(it->second, c);
  };
  for (size_t i = 0; i < outputs.size(); ++i) accumulate(outputs[i], astype(cotangents[i], outputs[i].dtype()));

  for (auto it = tape.rbegin(); it != tape.rend(); ++it) {
    const array& a = *it;
    std::vector<array> outs = a.outputs();
    std::vector<array> out_cots;
    bool any = false;
    for (auto& o : outs) {
      auto f = cot.find(o.id());
      if (f != cot.end()) {
        out_cots.push_back(f->second);
        any = true;
      } else {
        out_cots.push_back(full_like(o, 0.0, o.dtype()));
      }
    }
    if (!any) continue;
    std::vector<int> argnums;
    for (size_t i = 0; i < a.inputs().size(); ++i) {
      // Only inputs downstream of this vjp's primals need a cotangent.
      if (on_path.count(a.inputs()[i].id())) argnums.push_back(int(i));
    }
    if (argnums.empty()) continue;
    std::vector<array> in_cots = a.primitive().vjp(a.inputs(), out_cots, argnums, outs);
    for (size_t k = 0; k < argnums.size(); ++k) accumulate(a.inputs()[argnums[k]], in_cots[k]);
    for (auto& o : outs) cot.erase(o.id());  // no longer needed: frees memory early
  }

  std::vector<array> grads;
  for (size_t i = 0; i < primals.size(); ++i) {
    auto f = cot.find(tracers[i].id());
    grads.push_back(f != cot.end() ? astype(f->second, primals[i].dtype())
                                   : full_like(primals[i], 0.0, primals[i].dtype()));
  }
  return {outputs, grads};
}

std::pair<std::vector<array>, std::vector<array>> jvp(const Fn& fun, const std::vector<array>& primals,
                                                      const std::vector<array>& tangents) {
  if (tangents.size() != primals.size())
    fail("jvp", "Expected ", primals.size(), " tangents (one per primal), got ", tangents.size(), ".");
  for (size_t i = 0; i < primals.size(); ++i) check_like(primals[i], tangents[i], "jvp", "Tangent", i, "primal");
  TracingScope tracing;
  std::vector<array> tracers = make_tracers(primals);
  std::vector<array> outputs = fun(tracers);
  std::unordered_set<const ArrayNode*> on_path;
  std::vector<array> tape = trace_tape(tracers, outputs, on_path);

  std::unordered_map<const ArrayNode*, array> tan;
  for (size_t i = 0; i < tracers.size(); ++i) tan.emplace(tracers[i].id(), astype(tangents[i], primals[i].dtype()));
  for (const array& a : tape) {
    std::vector<int> argnums;
    std::vector<array> in_tans;
    for (size_t i = 0; i < a.inputs().size(); ++i) {
      auto f = tan.find(a.inputs()[i].id());
      if (f != tan.end()) {
        argnums.push_back(int(i));
        in_tans.push_back(f->second);
      }
    }
    if (argnums.empty()) continue;
    std::vector<array> outs = a.outputs();
    std::vector<array> out_tans = a.primitive().jvp(a.inputs(), in_tans, argnums);
    for (size_t k = 0; k < outs.size() && k < out_tans.size(); ++k) tan.emplace(outs[k].id(), out_tans[k]);
  }
  std::vector<array> result;
  for (auto& o : outputs) {
    auto f = tan.find(o.id());
    // A floating output's tangent takes its dtype; a bool or integer output
    // (a comparison) keeps the tangent's floating zeros, as in MLX.
    if (f == tan.end()) result.push_back(full_like(o, 0.0, o.dtype()));
    else result.push_back(is_floating(o.dtype()) ? astype(f->second, o.dtype()) : f->second);
  }
  return {outputs, result};
}


std::vector<array> vmap(const Fn& fun, const std::vector<array>& inputs, const std::vector<int>& in_axes,
                        const std::vector<int>& out_axes) {
  if (in_axes.size() != inputs.size())
    fail("vmap", "Got ", in_axes.size(), " input axes for ", inputs.size(), " inputs.");
  int64_t size = -1;
  int sized_input = -1;
  std::vector<int> axes(inputs.size(), kNoAxis);
  std::vector<array> args = inputs, placeholders, mapped;
  std::vector<int> mapped_axes;
  auto placeholder = std::make_shared<Placeholder>("vmap", "a mapped input");
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (in_axes[i] == kNoAxis) continue;
    const array& x = inputs[i];
    int ax = in_axes[i] < 0 ? in_axes[i] + x.ndim() : in_axes[i];
    if (ax < 0 || ax >= x.ndim())
      fail("vmap", "The axis ", in_axes[i], " is out of range for input ", i, " of shape ", shape_str(x.shape()), ".");
    if (size >= 0 && x.shape()[ax] != size)
      fail("vmap", "Inconsistent sizes along the mapped axes: input ", sized_input, " has size ", size,
           " but input ", i, " has size ", x.shape()[ax], " along axis ", ax, ".");
    size = x.shape()[ax];
    sized_input = int(i);
    axes[i] = ax;
    Shape s = x.shape();
    s.erase(s.begin() + ax);
    array p(s, x.dtype(), placeholder, {});
    p.set_tracer(true);
    args[i] = p;
    placeholders.push_back(p);
    mapped.push_back(x);
    mapped_axes.push_back(ax);
  }
  if (size < 0) fail("vmap", "At least one input must be mapped (all input axes are None).");

  TracingScope tracing;
  std::vector<array> outputs = fun(args);
  if (out_axes.size() != outputs.size() && out_axes.size() != 1)
    fail("vmap", "Got ", out_axes.size(), " output axes for ", outputs.size(), " outputs.");
  std::unordered_set<const ArrayNode*> on_path;
  std::vector<array> tape = trace_tape(placeholders, outputs, on_path);

  std::unordered_map<const ArrayNode*, std::pair<array, int>> batched;
  for (size_t k = 0; k < placeholders.size(); ++k) batched.emplace(placeholders[k].id(), std::pair{mapped[k], mapped_axes[k]});
  for (const array& a : tape) {
    std::vector<array> ins;
    std::vector<int> in_ax;
    for (auto& in : a.inputs()) {
      auto f = batched.find(in.id());
      ins.push_back(f != batched.end() ? f->second.first : in);
      in_ax.push_back(f != batched.end() ? f->second.second : -1);
    }
    std::vector<array> siblings = a.outputs();
    if (std::all_of(in_ax.begin(), in_ax.end(), [](int x) { return x < 0; })) {
      // Every input came out unbatched (a rule found it the same for every
      // example): so is this node, recomputed on those inputs.
      std::vector<Shape> shapes;
      std::vector<Dtype> dtypes;
      for (auto& o : siblings) {
        shapes.push_back(o.shape());
        dtypes.push_back(o.dtype());
      }
      std::vector<array> outs = siblings.size() == 1
                                    ? std::vector<array>{array(shapes[0], dtypes[0], a.primitive_ptr(), ins)}
                                    : array::make_arrays(shapes, dtypes, a.primitive_ptr(), ins);
      for (size_t k = 0; k < siblings.size(); ++k) batched.emplace(siblings[k].id(), std::pair{outs[k], -1});
      continue;
    }
    auto [outs, oax] = a.primitive().vmap(ins, in_ax);
    for (size_t k = 0; k < siblings.size() && k < outs.size(); ++k)
      batched.emplace(siblings[k].id(), std::pair{outs[k], oax[k]});
  }

  std::vector<array> results;
  for (size_t j = 0; j < outputs.size(); ++j) {
    int want = out_axes.size() == 1 ? out_axes[0] : out_axes[j];
    auto f = batched.find(outputs[j].id());
    if (f != batched.end() && f->second.second < 0) {  // a rule found it the same for every example
      outputs[j] = f->second.first;
      f = batched.end();
    }
    if (want == kNoAxis) {
      if (f != batched.end())
        fail("vmap", "Output ", j, " depends on a mapped input, so its output axis can't be None.");
      results.push_back(outputs[j]);
      continue;
    }
    int rank = outputs[j].ndim() + 1;
    int ax = want < 0 ? want + rank : want;
    if (ax < 0 || ax >= rank)
      fail("vmap", "The output axis ", want, " is out of range for output ", j, " with ", rank, " dimensions once mapped.");
    if (f != batched.end()) {
      results.push_back(moveaxis(f->second.first, f->second.second, ax));
    } else {  // doesn't depend on a mapped input: the same value for every slice
      array e = expand_dims(outputs[j], {ax});
      Shape s = e.shape();
      s[ax] = size;
      results.push_back(broadcast_to(e, s));
    }
  }
  return results;
}

std::vector<array> custom_function(const Fn& fun, const std::vector<array>& inputs, CustomRules rules,
                                   const char* tag) {
  std::vector<array> outs = fun(inputs);
  // The outputs enter the custom node with their gradients stopped: every
  // derivative goes through the node's own rules.
  std::vector<array> node_inputs = inputs;
  std::vector<Shape> shapes;
  std::vector<Dtype> dtypes;
  for (auto& o : outs) {
    node_inputs.push_back(stop_gradient(o));
    shapes.push_back(o.shape());
    dtypes.push_back(o.dtype());
  }
  if (outs.empty()) return outs;
  auto prim = std::make_shared<CustomTransforms>(int(inputs.size()), fun, std::move(rules), tag);
  return array::make_arrays(std::move(shapes), dtypes, prim, node_inputs);
}

std::vector<array> checkpoint(const Fn& fun, const std::vector<array>& inputs) {
  // No vjp rule: the node's vjp re-traces `fun` from the primals.
  return custom_function(fun, inputs, {}, "checkpoint");
}

std::pair<std::vector<array>, std::vector<array>> value_and_grad(const Fn& fun, const std::vector<array>& inputs,
                                                                 const std::vector<int>& argnums, const char* tag) {
  for (int a : argnums)
    if (a < 0 || size_t(a) >= inputs.size())
      fail(tag, "Can't compute the gradient of input ", a, " of ", inputs.size(), " inputs.");
  std::vector<array> diff;
  for (int a : argnums) diff.push_back(inputs[a]);
  std::vector<array> outputs;
  // Differentiate only the chosen inputs; the others enter the trace as constants.
  Fn inner = [&](const std::vector<array>& tracers) {
    std::vector<array> args = inputs;
    for (size_t k = 0; k < argnums.size(); ++k) args[argnums[k]] = tracers[k];
    outputs = fun(args);
    if (outputs.empty()) fail(tag, "The function must return at least one array.");
    if (outputs[0].ndim() != 0)
      fail(tag, "The function must return a scalar as its first output, got an array of shape ",
           shape_str(outputs[0].shape()), ".");
    return std::vector<array>{outputs[0]};
  };
  // The seed cotangent takes the loss's dtype, known once `inner` has run:
  // trace through a wrapper that casts the loss to float32 first.
  Fn seeded = [&](const std::vector<array>& tracers) {
    std::vector<array> out = inner(tracers);
    return std::vector<array>{astype(out[0], Dtype::float32)};
  };
  auto [_, grads] = vjp(seeded, diff, {array::scalar(1.0, Dtype::float32)});
  return {outputs, grads};
}

}  // namespace wmx

// compile's graph passes: no-op removal, elementwise fusion, dead nodes.
#include <algorithm>
#include <unordered_map>

#include "backend/gpu/gpu_backend.h"
#include "compile_graph.h"
#include "error.h"
#include "ops.h"
#include "primitives/fused.h"
#include "primitives/reduce.h"
#include "primitives/matmul.h"
#include "primitives/unary.h"
#include "primitives/to_device.h"
#include "primitives/views.h"

namespace wmx {

void CompiledGraph::index_values() {
  value_shapes.assign(num_values, {});
  value_dtypes.assign(num_values, Dtype::float32);
  producer.assign(num_values, -1);
  for (int i = 0; i < num_inputs; ++i) {
    value_shapes[i] = input_shapes[i];
    value_dtypes[i] = input_dtypes[i];
  }
  for (size_t c = 0; c < constants.size(); ++c) {
    value_shapes[num_inputs + c] = constants[c].shape();
    value_dtypes[num_inputs + c] = constants[c].dtype();
  }
  for (size_t n = 0; n < nodes.size(); ++n)
    for (size_t k = 0; k < nodes[n].shapes.size(); ++k) {
      const int v = nodes[n].first_output + int(k);
      value_shapes[v] = nodes[n].shapes[k];
      value_dtypes[v] = nodes[n].dtypes[k];
      producer[v] = int(n);
    }
}

namespace {

// An identity: a view to the same shape, a cast to the same dtype, a Copy.
bool is_noop(const CompiledGraph& g, const CompiledGraph::Node& n) {
  if (n.shapes.size() != 1 || n.inputs.size() != 1) return false;
  const Primitive* p = n.primitive.get();
  const int in = n.inputs[0];
  const bool same = g.value_shapes[in] == n.shapes[0] && g.value_dtypes[in] == n.dtypes[0];
  if (!same) return false;
  // A ToDevice node is placement's: replay places nodes afresh.
  if (dynamic_cast<const Copy*>(p) || dynamic_cast<const AsType*>(p) || dynamic_cast<const ToDevice*>(p)) return true;
  // Shapeless: a reshape or broadcast the caller wrote may be an identity
  // only at the traced shape.
  if (dynamic_cast<const Broadcast*>(p) || dynamic_cast<const Reshape*>(p)) return !g.under_shapeless;
  if (auto t = dynamic_cast<const Transpose*>(p)) {
    for (size_t i = 0; i < t->axes().size(); ++i)
      if (t->axes()[i] != int(i)) return false;
    return true;
  }
  return false;
}

bool fusable(const CompiledGraph& g, const CompiledGraph::Node& n) {
  if (n.shapes.size() != 1) return false;
  // A chain runs on one device: a node placed elsewhere by a `stream` option stays out.
  if (n.device != default_device()) return false;
  // float32 chains; on the CPU also float16 and bfloat16 ones (the GPU's
  // chain kernel is float32). Every input has the node's own dtype, so a
  // group, which grows through readers, has one dtype throughout.
  const Dtype t = n.dtypes[0];
  const bool half = t == Dtype::float16 || t == Dtype::bfloat16;
  if (t != Dtype::float32 && !(half && default_device() == Device::cpu)) return false;
  // A primitive without a float32 kernel has arity 0 (so do nullary ones like
  // Arange, which have no inputs either: they can't be steps).
  const int arity = n.primitive->float32_kernel().arity();
  if (arity == 0 || size_t(arity) != n.inputs.size()) return false;
  for (int v : n.inputs)
    if (g.value_dtypes[v] != t || g.value_shapes[v] != n.shapes[0]) return false;
  // In a GPU trace a step must be one the GPU runs (the backend generates one
  // kernel for the chain from its steps' expressions), else fusing it would
  // move the chain's values to the CPU and back.
  if (default_device() == Device::gpu) {
    static const Fused chain(0, {}, {});  // only its name is asked for
    const std::vector<Dtype> in(n.inputs.size(), Dtype::float32);
    if (!gpu::supports(chain, in, {Dtype::float32}) || !gpu::supports(*n.primitive, in, {Dtype::float32}))
      return false;
  }
  return true;
}

// The fusion cost rule. On the CPU a fused chain runs its steps tile by
// tile through the float32 kernels, and each input that broadcasts (a bias
// row, a per-row mean) is first gathered into a tile of its own; the
// unfused kernels read such operands in place. Measured (2026-12-06, a
// 512K-element chain): x * w + b with row vectors w, b ran 2x slower fused,
// while chains of contiguous inputs gain from fusion as they grow. So a
// group is fused on the CPU only when it has more than twice as many steps
// as gathered inputs. A GPU chain reads broadcast inputs in registers: no rule.
bool worth_fusing_on_cpu(const CompiledGraph& g, const std::vector<int>& inputs, const Shape& shape, size_t steps) {
  if (default_device() == Device::gpu) return true;
  size_t gathered = 0;
  for (int v : inputs)
    if (g.value_shapes[v] != shape && shape_size(g.value_shapes[v]) > 1) ++gathered;
  return steps > 2 * gathered;
}

// A Reduce node that can end the chain producing its input: a float32 sum,
// max or min over trailing axes, on the CPU (the GPU's chain kernel has no
// reduction), not under shapeless (its axes would have to follow the shape).
bool reduction_ends_chain(const CompiledGraph& g, const CompiledGraph::Node& n) {
  const auto* r = dynamic_cast<const Reduce*>(n.primitive.get());
  if (!r || g.under_shapeless || default_device() != Device::cpu || n.device != Device::cpu) return false;
  if (r->type() != ReduceType::sum && r->type() != ReduceType::max && r->type() != ReduceType::min) return false;
  if (n.dtypes[0] != Dtype::float32 || g.value_dtypes[n.inputs[0]] != Dtype::float32) return false;
  const auto& axes = r->axes();
  const int rank = int(g.value_shapes[n.inputs[0]].size());
  if (axes.empty()) return false;
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - int(axes.size()) + int(i)) return false;
  // Rows shorter than a tile are each a tile of their own, and the per-tile
  // work of the fused kernel then outweighs the pass it saves: x.square()
  // .sum(-1) over [512, 64] took 95 us fused against 29 unfused (single
  // thread), about even at [128, 512], ahead from [64, 4096].
  int64_t row = 1;
  for (int a : axes) row *= g.value_shapes[n.inputs[0]][a];
  return row >= kFusedTile;
}

}  // namespace

void remove_noops(CompiledGraph& g) {
  g.index_values();
  std::vector<int> alias(g.num_values);
  for (int v = 0; v < g.num_values; ++v) alias[v] = v;
  std::vector<CompiledGraph::Node> kept;
  for (auto& n : g.nodes) {
    for (int& v : n.inputs) v = alias[v];
    if (is_noop(g, n)) alias[n.first_output] = n.inputs[0];
    else kept.push_back(std::move(n));
  }
  g.nodes = std::move(kept);
  for (int& v : g.outputs) v = alias[v];
  g.index_values();
}

// Groups grow from their root (a fusable node whose result is read outside
// the group) towards its inputs: a fusable node joins when every reader of
// its result is in one group of the same shape. Every member is then an
// ancestor of the root and nothing outside reads a member but the root, so
// a group never depends on itself through an outside node, and its only
// output is the root's.
void fuse_elementwise(CompiledGraph& g) {
  g.index_values();
  const int nn = int(g.nodes.size());
  std::vector<std::vector<int>> readers(g.num_values);
  std::vector<bool> escapes(g.num_values, false);
  for (int i = 0; i < nn; ++i)
    for (int v : g.nodes[i].inputs) readers[v].push_back(i);
  for (int v : g.outputs) escapes[v] = true;

  std::vector<int> group(nn, -1);  // root node index of each fusable node
  for (int i = nn - 1; i >= 0; --i) {
    if (!fusable(g, g.nodes[i])) continue;
    const int v = g.nodes[i].first_output;
    int root = -1;
    bool joins = !escapes[v] && !readers[v].empty();
    for (int r : readers[v]) {
      if (!joins) break;
      if (group[r] < 0 || (root >= 0 && group[r] != root)) joins = false;
      root = group[r];
    }
    group[i] = joins ? root : i;
  }

  std::vector<std::vector<int>> members(nn);
  for (int i = 0; i < nn; ++i)
    if (group[i] >= 0) members[group[i]].push_back(i);  // ascending: evaluation order
  std::vector<bool> removed(nn, false);
  for (int root = 0; root < nn; ++root) {
    if (members[root].size() < 2) continue;
    const Shape shape = g.nodes[root].shapes[0];
    std::unordered_map<int, int> local;  // value id -> fused value index
    std::vector<int> inputs;             // value ids of the fused node's inputs
    auto add_input = [&](int v) {
      auto it = local.find(-1 - v);
      if (it != local.end()) return it->second;
      inputs.push_back(v);
      return local[-1 - v] = int(inputs.size()) - 1;
    };
    auto input_of = [&](int v) {
      // Read through a Broadcast: the fused kernel broadcasts its inputs itself.
      // A shape donor (broadcast_like under a shapeless trace) stays an
      // input, unread, so that the fused node's shape follows it.
      // A broadcast to a shape the caller wrote stays a node of its own under
      // shapeless: its target doesn't follow the fused node's operands.
      const int p = g.producer[v];
      const auto* bc = p >= 0 ? dynamic_cast<const Broadcast*>(g.nodes[p].primitive.get()) : nullptr;
      if (bc && !(g.under_shapeless && bc->written())) {
        if (g.nodes[p].inputs.size() > 1) add_input(g.nodes[p].inputs[1]);
        v = g.nodes[p].inputs[0];
      }
      return add_input(v);
    };
    // First pass: inputs (their indices must come before the steps').
    for (int m : members[root])
      for (int v : g.nodes[m].inputs)
        if (g.producer[v] < 0 || group[g.producer[v]] != root) input_of(v);
    if (!worth_fusing_on_cpu(g, inputs, shape, members[root].size())) continue;
    std::vector<Fused::Step> steps;
    for (int m : members[root]) {
      Fused::Step s{g.nodes[m].primitive, {}};
      for (int v : g.nodes[m].inputs)
        s.args.push_back(g.producer[v] >= 0 && group[g.producer[v]] == root ? local.at(v) : input_of(v));
      local[g.nodes[m].first_output] = int(inputs.size() + steps.size());
      steps.push_back(std::move(s));
    }
    const int n_in = int(inputs.size());
    auto fused = std::make_shared<Fused>(n_in, std::move(steps), shape, g.shapeless);
    CompiledGraph::Node& r = g.nodes[root];
    r.primitive = fused;
    r.inputs = inputs;
    for (int m : members[root])
      if (m != root) removed[m] = true;
  }
  std::vector<CompiledGraph::Node> kept;
  for (int i = 0; i < nn; ++i)
    if (!removed[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.index_values();
}

void remove_dead(CompiledGraph& g) {
  std::vector<bool> used(g.num_values, false);
  for (int v : g.outputs) used[v] = true;
  std::vector<bool> keep(g.nodes.size(), false);
  for (int i = int(g.nodes.size()) - 1; i >= 0; --i) {
    const auto& n = g.nodes[i];
    for (size_t k = 0; k < n.shapes.size(); ++k) keep[i] = keep[i] || used[n.first_output + k];
    if (keep[i])
      for (int v : n.inputs) used[v] = true;
  }
  std::vector<CompiledGraph::Node> kept;
  for (size_t i = 0; i < g.nodes.size(); ++i)
    if (keep[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.index_values();
}

namespace {

// A Broadcast whose target, under shapeless replay, comes from the node that
// reads it (one without a shape donor, see broadcast_like).
bool follows_reader(const CompiledGraph::Node& n) {
  auto b = dynamic_cast<const Broadcast*>(n.primitive.get());
  return n.inputs.size() == 1 && b && !b->written();
}

// The shape a Broadcast operand of `reader` takes for these value shapes:
// what the reader's other operands call for. For an elementwise reader, the
// common shape of its operands before their broadcasts; for a Matmul, the
// operands' common batch shape followed by this operand's own matrix shape.
Shape broadcast_target(const CompiledGraph& g, int reader, int operand, const std::vector<Shape>& shapes) {
  const auto& r = g.nodes[reader];
  std::vector<Shape> sources;
  for (int v : r.inputs) {
    const int p = g.producer[v];
    const bool through = p >= 0 && follows_reader(g.nodes[p]);
    sources.push_back(shapes[through ? g.nodes[p].inputs[0] : v]);
  }
  Shape out;
  if (dynamic_cast<const Matmul*>(r.primitive.get())) {
    for (auto& s : sources) {
      if (s.size() < 2) return {};
      out = broadcast_shapes(out, Shape(s.begin(), s.end() - 2), "compile");
    }
    const Shape& own = sources[operand];
    out.insert(out.end(), own.end() - 2, own.end());
    return out;
  }
  for (auto& s : sources) out = broadcast_shapes(out, s, "compile");
  return out;
}

}  // namespace

// Fills g.shape_order: nodes after those whose output shapes they need
// (Kahn's algorithm). A Broadcast needs the sources of its reader's operands.
static void order_shapes(CompiledGraph& g) {
  const int nn = int(g.nodes.size());
  std::vector<std::vector<int>> dependents(nn);
  std::vector<int> pending(nn, 0);
  auto needs = [&](int node, int v) {
    int p = g.producer[v];
    if (p < 0 || p == node) return;
    dependents[p].push_back(node);
    ++pending[node];
  };
  auto source = [&](int v) {
    const int p = g.producer[v];
    return p >= 0 && follows_reader(g.nodes[p]) ? g.nodes[p].inputs[0] : v;
  };
  for (int i = 0; i < nn; ++i) {
    for (int v : g.nodes[i].inputs) needs(i, v);
    const int reader = g.broadcast_reader[i].first;
    if (reader >= 0)
      for (int v : g.nodes[reader].inputs) needs(i, source(v));
  }
  g.shape_order.clear();
  for (int i = 0; i < nn; ++i)
    if (pending[i] == 0) g.shape_order.push_back(i);
  for (size_t k = 0; k < g.shape_order.size(); ++k)
    for (int d : dependents[g.shape_order[k]])
      if (--pending[d] == 0) g.shape_order.push_back(d);
  if (int(g.shape_order.size()) != nn)
    fail("compile", "shapeless: a broadcast's shape depends on values computed from it; compile without shapeless.");
}

std::vector<Shape> shapeless_output_shapes(const CompiledGraph& g, size_t node, const std::vector<Shape>& shapes) {
  const auto& n = g.nodes[node];
  if (!g.follows_inputs[node]) return n.shapes;
  const auto [reader, operand] = g.broadcast_reader[node];
  if (reader >= 0) return {broadcast_target(g, reader, operand, shapes)};
  std::vector<Shape> ins;
  for (int v : n.inputs) ins.push_back(shapes[v]);
  return n.primitive->output_shapes(ins);
}

void plan_shapeless(CompiledGraph& g) {
  g.index_values();
  const size_t nn = g.nodes.size();
  std::vector<std::vector<std::pair<int, int>>> readers(g.num_values);  // (node, operand)
  for (size_t i = 0; i < nn; ++i)
    for (size_t k = 0; k < g.nodes[i].inputs.size(); ++k) readers[g.nodes[i].inputs[k]].push_back({int(i), int(k)});
  // Which nodes' shapes follow the inputs: those reading a value that does,
  // and Broadcasts read next to such a value (their target follows it). A
  // Broadcast can come before the reader's other operands, hence the fixpoint.

  auto can_follow = [&](int r) {
    const Primitive& p = *g.nodes[r].primitive;
    return p.keeps_shape() || dynamic_cast<const Fused*>(&p) || dynamic_cast<const Matmul*>(&p);
  };
  std::vector<bool> dependent(g.num_values, false);
  for (int v = 0; v < g.num_inputs; ++v) dependent[v] = true;
  g.follows_inputs.assign(nn, false);
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < nn; ++i) {
      const auto& n = g.nodes[i];
      bool dep = false;
      for (int v : n.inputs) dep = dep || dependent[v];
      if (follows_reader(n))
        for (auto [r, operand] : readers[n.first_output])
          if (can_follow(r))
            for (int v : g.nodes[r].inputs) dep = dep || (v != n.first_output && dependent[v]);
      if (!dep || g.follows_inputs[i]) continue;
      g.follows_inputs[i] = changed = true;
      for (size_t k = 0; k < n.shapes.size(); ++k) dependent[n.first_output + k] = true;
    }
  }
  g.broadcast_reader.assign(nn, {-1, -1});
  // Replay the plan on the traced shapes: every rule must give them back.
  const std::vector<Shape>& shapes = g.value_shapes;
  for (size_t i = 0; i < nn; ++i) {
    const auto& n = g.nodes[i];
    if (!g.follows_inputs[i]) continue;
    if (follows_reader(n)) {
      for (auto [r, operand] : readers[n.first_output]) {
        if (!can_follow(r)) continue;
        if (broadcast_target(g, r, operand, shapes) == n.shapes[0]) {
          g.broadcast_reader[i] = {r, operand};
          break;
        }
      }
      if (g.broadcast_reader[i].first < 0)
        fail("compile", "shapeless: ", n.origin ? std::string("in ") + n.origin + ": " : std::string(),
             "a broadcast to the fixed shape ", shape_str(n.shapes[0]),
             " can't follow its input's shape (nothing that reads it has operands of that shape); compile "
             "without shapeless.");
      continue;
    }
    std::vector<Shape> out = shapeless_output_shapes(g, i, shapes);  // on the traced shapes
    if (out.empty())
      fail("compile", "shapeless: ", CompiledGraph::describe(n),
           " fixes its output shape when traced, so the function can't be replayed on other shapes (shapeless "
           "compile supports elementwise ops, broadcasting, transposes, squeeze/expandDims/flatten, reductions, "
           "matmul, take, concatenate, and reshapes, slices, splits and integer indexes as written); compile without "
           "shapeless.");
    if (out != n.shapes)
      fail("compile", "shapeless: ", CompiledGraph::describe(n), "'s output shape ", shape_str(n.shapes[0]),
           " can't be worked out from its operands' shapes; compile without shapeless.");
  }
  order_shapes(g);
}

// A reduction that ends a chain: Reduce(Fused(...)) becomes one FusedReduce
// node when nothing else reads the chain's result, and so does a Reduce of a
// single fusable elementwise node (a chain of one step). The chain's output
// is then reduced tile by tile as it is computed, never stored: a sum of
// squared differences reads its inputs once and writes only the sums.
void fuse_reductions(CompiledGraph& g) {
  g.index_values();
  const int nn = int(g.nodes.size());
  std::vector<int> readers(g.num_values, 0);
  std::vector<bool> escapes(g.num_values, false);
  for (const auto& n : g.nodes)
    for (int v : n.inputs) ++readers[v];
  for (int v : g.outputs) escapes[v] = true;
  std::vector<bool> removed(nn, false);
  for (int i = 0; i < nn; ++i) {
    CompiledGraph::Node& r = g.nodes[i];
    if (!reduction_ends_chain(g, r)) continue;
    const int v = r.inputs[0], p = g.producer[v];
    if (p < 0 || readers[v] != 1 || escapes[v]) continue;
    const CompiledGraph::Node& c = g.nodes[p];
    const auto* chain = dynamic_cast<const Fused*>(c.primitive.get());
    std::shared_ptr<Fused> fused;
    auto reduce = std::static_pointer_cast<Reduce>(r.primitive);
    if (chain) {
      fused = chain->with_reduction(reduce);
    } else if (fusable(g, c)) {
      Fused::Step step{c.primitive, {}};
      for (size_t k = 0; k < c.inputs.size(); ++k) step.args.push_back(int(k));
      fused = std::make_shared<Fused>(int(c.inputs.size()), std::vector<Fused::Step>{std::move(step)}, c.shapes[0],
                                      false, reduce);
    } else {
      continue;
    }
    if (!fused) continue;
    r.primitive = fused;
    r.inputs = c.inputs;
    removed[p] = true;
  }
  std::vector<CompiledGraph::Node> kept;
  for (int i = 0; i < nn; ++i)
    if (!removed[i]) kept.push_back(std::move(g.nodes[i]));
  g.nodes = std::move(kept);
  g.index_values();
}

}  // namespace wmx

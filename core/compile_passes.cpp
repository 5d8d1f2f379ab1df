// compile's graph passes: no-op removal, elementwise fusion, dead nodes.
#include <algorithm>
#include <unordered_map>

#include "compile_graph.h"
#include "error.h"
#include "primitives/fused.h"
#include "primitives/unary.h"
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
  if (dynamic_cast<const Copy*>(p) || dynamic_cast<const Broadcast*>(p) || dynamic_cast<const Reshape*>(p) ||
      dynamic_cast<const AsType*>(p))
    return true;
  if (auto t = dynamic_cast<const Transpose*>(p)) {
    for (size_t i = 0; i < t->axes().size(); ++i)
      if (t->axes()[i] != int(i)) return false;
    return true;
  }
  return false;
}

bool fusable(const CompiledGraph& g, const CompiledGraph::Node& n) {
  if (n.shapes.size() != 1 || n.dtypes[0] != Dtype::float32) return false;
  if (size_t(n.primitive->float32_kernel().arity()) != n.inputs.size()) return false;
  for (int v : n.inputs)
    if (g.value_dtypes[v] != Dtype::float32 || g.value_shapes[v] != n.shapes[0]) return false;
  return true;
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
    auto input_of = [&](int v) {
      // Read through a Broadcast: the fused kernel broadcasts its inputs itself.
      const int p = g.producer[v];
      if (p >= 0 && dynamic_cast<const Broadcast*>(g.nodes[p].primitive.get())) v = g.nodes[p].inputs[0];
      auto it = local.find(-1 - v);
      if (it != local.end()) return it->second;
      inputs.push_back(v);
      return local[-1 - v] = int(inputs.size()) - 1;
    };
    // First pass: inputs (their indices must come before the steps').
    for (int m : members[root])
      for (int v : g.nodes[m].inputs)
        if (g.producer[v] < 0 || group[g.producer[v]] != root) input_of(v);
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

void plan_shapeless(CompiledGraph& g) {
  g.index_values();
  std::vector<std::vector<int>> readers(g.num_values);
  for (size_t i = 0; i < g.nodes.size(); ++i)
    for (int v : g.nodes[i].inputs) readers[v].push_back(int(i));
  auto is_broadcast = [&](int node) { return dynamic_cast<const Broadcast*>(g.nodes[node].primitive.get()) != nullptr; };
  g.broadcast_sources.assign(g.nodes.size(), {});
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    if (n.primitive->keeps_shape() || dynamic_cast<const Transpose*>(n.primitive.get())) continue;
    if (is_broadcast(int(i))) {
      // The shape comes from the elementwise node that reads it: the common
      // shape of that node's operands before their broadcasts.
      for (int r : readers[n.first_output]) {
        if (!g.nodes[r].primitive->keeps_shape()) continue;
        for (int v : g.nodes[r].inputs) {
          const int p = g.producer[v];
          g.broadcast_sources[i].push_back(p >= 0 && is_broadcast(p) ? g.nodes[p].inputs[0] : v);
        }
        break;
      }
      if (!g.broadcast_sources[i].empty()) continue;
      fail("compile", "shapeless: a broadcast_to a fixed shape ", shape_str(n.shapes[0]),
           " can't follow its input's shape; compile without shapeless.");
    }
    fail("compile", "shapeless: ", n.primitive->name(),
         " fixes its output shape when traced, so the function can't be replayed on other shapes "
         "(shapeless compile supports elementwise ops, broadcasting and transposes); compile without shapeless.");
  }
}

}  // namespace wmx

#include "compile.h"

#include "compile_graph.h"
#include "graph_walk.h"
#include "ops.h"
#include "primitives/fused.h"
#include "primitives/views.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "error.h"
#include "primitives/placeholder.h"

namespace wmx {


namespace {

int g_shapeless_tracing = 0;  // compile traces on the thread that calls it, as the transforms do

// A key for merging equal scalar constants: dtype + bytes of the value.
bool scalar_key(const array& a, std::string& key) {
  if (a.size() != 1 || !a.is_evaluated() || a.has_primitive()) return false;
  key.assign(1, char(a.dtype()));
  key.append(static_cast<const char*>(a.raw_data()), a.itemsize());
  for (auto d : a.shape()) key += "," + std::to_string(d);
  return true;
}

// A root of an enclosing transform's trace (its placeholder or tracer copy):
// a tracer none of whose inputs is one. Compile's own tracers never get here.
bool is_enclosing_trace_root(const array& a) {
  if (!a.is_tracer()) return false;
  for (auto& in : a.inputs())
    if (in.is_tracer()) return false;
  return true;
}

// Nodes made inside a ShapelessOrigin during shapeless traces: the op each
// came from. Filled by ArrayNode's constructor (note_node_origin), read when
// the graph is numbered, cleared when the outermost shapeless trace ends.
const char* g_origin = nullptr;
std::unordered_map<const ArrayNode*, const char*> g_origins;

const char* origin_of(const array& a) {
  auto it = g_origins.find(a.id());
  return it == g_origins.end() ? nullptr : it->second;
}

}  // namespace

void note_node_origin(const ArrayNode* node) {
  if (g_shapeless_tracing == 0) return;
  if (g_origin)
    g_origins[node] = g_origin;
  else if (!g_origins.empty())
    g_origins.erase(node);  // a new node where a noted one was freed
}

ShapelessOrigin::ShapelessOrigin(const char* op) : previous_(g_origin) {
  if (g_shapeless_tracing > 0 && !g_origin) g_origin = op;
}
ShapelessOrigin::~ShapelessOrigin() { g_origin = previous_; }

std::string CompiledGraph::describe(const Node& n) {
  std::string name = n.primitive->name();
  return n.origin ? std::string(n.origin) + " (its " + name + ")" : name;
}

bool tracing_shapeless() { return g_shapeless_tracing > 0; }

std::shared_ptr<CompiledGraph> compile_trace(const Fn& fun, const std::vector<array>& inputs, bool fuse,
                                             bool shapeless) {
  auto g = std::make_shared<CompiledGraph>();
  g->shapeless = shapeless;
  g->under_shapeless = shapeless || tracing_shapeless();
  g->num_inputs = int(inputs.size());
  auto placeholder = std::make_shared<Placeholder>("compile", "the inputs");
  std::vector<array> tracers;
  for (auto& in : inputs) {
    array t(in.shape(), in.dtype(), placeholder, {});
    t.set_tracer(true);
    tracers.push_back(t);
    g->input_shapes.push_back(in.shape());
    g->input_dtypes.push_back(in.dtype());
  }
  std::vector<array> outputs;
  if (shapeless && !tracing_shapeless()) g_origins.clear();  // none left from a trace that threw
  {
    TracingScope tracing;
    struct ShapelessScope {
      bool on;
      explicit ShapelessScope(bool s) : on(s) { g_shapeless_tracing += on; }
      ~ShapelessScope() { g_shapeless_tracing -= on; }
    } shapeless_scope(shapeless);
    outputs = fun(tracers);
  }

  // Number every value reachable from the outputs.
  std::unordered_map<const ArrayNode*, int> id;
  for (int i = 0; i < g->num_inputs; ++i) id[tracers[i].id()] = i;
  std::vector<array> constants;
  std::map<std::string, int> scalar_ids;
  std::vector<array> order;  // representative node of each primitive, post-order
  std::unordered_map<const ArrayNode*, bool> visited;
  std::unordered_set<const ArrayNode*> originals;
  for (auto& in : inputs) originals.insert(in.id());
  auto enter = [&](const array& a) {
    if (id.count(a.id()) || visited.count(a.id())) return false;
    // The function reached one of the arrays it was called with other than
    // through its tracer (a closure over an argument, or over state derived
    // from one): the trace would bake in that call's value (MLX's check).
    const bool original = originals.count(a.id()) > 0;
    if (original && !a.is_tracer())
      fail("compile",
           "Attempting to compile a function with uncaptured inputs is not allowed: the function uses an array it "
           "is called with (or one computed from it outside the function) through a closure or an object, not "
           "through its arguments or `inputs`, so the trace would keep this call's value. Pass it as an argument, "
           "or list the state it belongs to in `inputs`.");
    // A value of an enclosing transform's trace (a vmap'd input or grad's
    // tracer the function closes over, or a helper compiled inside a vmap'd
    // function closing over what it is called with): kept as it is, as MLX
    // keeps arrays without a primitive, and valid for this call only.
    if (original || is_enclosing_trace_root(a)) {
      g->reusable = false;
    } else if (a.has_primitive()) {
      visited[a.id()] = true;
      for (auto& s : a.outputs())
        if (s.has_primitive()) visited[s.id()] = true;
      return true;
    }
    // A constant (or an enclosing trace's value); an equal scalar may already be one.
    std::string key;
    if (scalar_key(a, key)) {
      auto it = scalar_ids.find(key);
      if (it != scalar_ids.end()) {
        id[a.id()] = it->second;
        return false;
      }
      scalar_ids[key] = g->num_inputs + int(constants.size());
    }
    id[a.id()] = g->num_inputs + int(constants.size());
    constants.push_back(a);
    return false;
  };
  walk_post_order(outputs, enter, [&](array& a) { order.push_back(std::move(a)); });
  g->constants = constants;
  g->traced_nodes = order.size();

  // Emit nodes, eliminating common subexpressions: a node equal to an
  // earlier one (equivalent primitive, same input values) reuses its outputs.
  int next_value = g->num_inputs + int(constants.size());
  std::vector<int> node_of_value;  // for CSE candidates: value -> node index
  std::multimap<std::vector<int>, size_t> by_inputs;
  for (const array& a : order) {
    std::vector<int> ins;
    for (auto& in : a.inputs()) ins.push_back(id.at(in.id()));
    std::vector<array> outs = a.outputs();
    bool merged = false;
    // Under shapeless replay an implicit Broadcast takes its shape from the
    // node that reads it: two of them that agree at the traced shape may
    // disagree at the next (x broadcast against y here and against z there,
    // with |y| == |z| only by chance), so they are never merged.
    const auto* bc = dynamic_cast<const Broadcast*>(&a.primitive());
    const bool reader_shaped = g->under_shapeless && bc && !bc->written() && a.inputs().size() == 1;
    auto range = by_inputs.equal_range(ins);
    if (reader_shaped) range.first = range.second;
    for (auto it = range.first; it != range.second && !merged; ++it) {
      const auto& n = g->nodes[it->second];
      if (n.shapes.size() != outs.size() || !a.primitive().is_equivalent(*n.primitive)) continue;
      bool same = true;
      for (size_t k = 0; k < outs.size(); ++k)
        same = same && n.shapes[k] == outs[k].shape() && n.dtypes[k] == outs[k].dtype();
      if (!same) continue;
      for (size_t k = 0; k < outs.size(); ++k) id[outs[k].id()] = n.first_output + int(k);
      merged = true;
    }
    if (merged) continue;
    CompiledGraph::Node n{a.primitive_ptr(), ins, {}, {}, next_value, origin_of(a), a.device()};
    for (size_t k = 0; k < outs.size(); ++k) {
      n.shapes.push_back(outs[k].shape());
      n.dtypes.push_back(outs[k].dtype());
      id[outs[k].id()] = next_value++;
    }
    by_inputs.emplace(ins, g->nodes.size());
    g->nodes.push_back(std::move(n));
  }
  if (!tracing_shapeless()) g_origins.clear();  // the outermost shapeless trace is done with them
  for (auto& o : outputs) g->outputs.push_back(id.at(o.id()));
  g->num_values = next_value;
  remove_noops(*g);
  if (fuse) {
    fuse_elementwise(*g);
    fuse_reductions(*g);
  }
  remove_dead(*g);
  if (shapeless) plan_shapeless(*g);
  return g;
}

std::vector<array> compile_replay(const CompiledGraph& g, const std::vector<array>& inputs) {
  if (int(inputs.size()) != g.num_inputs)
    fail("compile", "The compiled function takes ", g.num_inputs, " arrays, got ", inputs.size(), ".");
  for (int i = 0; i < g.num_inputs; ++i) {
    if (g.shapeless && inputs[i].ndim() == int(g.input_shapes[i].size()) && inputs[i].dtype() == g.input_dtypes[i])
      continue;
    if (inputs[i].shape() != g.input_shapes[i] || inputs[i].dtype() != g.input_dtypes[i])
      fail("compile", "Input ", i, " has shape ", shape_str(inputs[i].shape()), " and dtype ",
           name_of(inputs[i].dtype()), " but the function was traced with shape ", shape_str(g.input_shapes[i]),
           " and dtype ", name_of(g.input_dtypes[i]), ".");
  }
  std::vector<array> values(g.num_values);
  std::copy(inputs.begin(), inputs.end(), values.begin());
  std::copy(g.constants.begin(), g.constants.end(), values.begin() + g.num_inputs);
  // Shapeless: every node's output shapes for these inputs, worked out first
  // (a Broadcast's may need values after it in evaluation order).
  std::vector<std::vector<Shape>> node_shapes;
  if (g.shapeless) {
    std::vector<Shape> shapes(g.num_values);
    for (int i = 0; i < g.num_inputs + int(g.constants.size()); ++i) shapes[i] = values[i].shape();
    node_shapes.resize(g.nodes.size());
    for (int i : g.shape_order) {
      {
        // A failure here names the call the user wrote (see error.h).
        const char* outer = shapeless_origin;
        shapeless_origin = g.nodes[i].origin ? g.nodes[i].origin : outer;
        struct Restore {
          const char* value;
          ~Restore() { shapeless_origin = value; }
        } restore{outer};
        node_shapes[i] = shapeless_output_shapes(g, i, shapes);
      }
      for (size_t k = 0; k < node_shapes[i].size(); ++k) shapes[g.nodes[i].first_output + k] = node_shapes[i][k];
    }
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    std::vector<array> ins;
    for (int v : n.inputs) ins.push_back(values[v]);
    std::vector<Shape> out_shapes = n.shapes;
    std::shared_ptr<Primitive> primitive = n.primitive;
    if (g.shapeless) {
      out_shapes = std::move(node_shapes[i]);
      // Primitives that hold shapes (a Broadcast's target, a slice's start
      // counted from the end) are rebuilt for new ones.
      bool changed = out_shapes != n.shapes;
      for (size_t k = 0; k < ins.size() && !changed; ++k) changed = ins[k].shape() != g.value_shapes[n.inputs[k]];
      if (changed) {
        std::vector<Shape> in_shapes;
        for (auto& x : ins) in_shapes.push_back(x.shape());
        if (auto p = n.primitive->for_shapes(in_shapes, out_shapes)) primitive = std::move(p);
      }
    }
    // Placed where the trace placed it (the cache key holds the default device the trace ran with).
    struct OnDevice {
      Device previous = default_device();
      bool changed = false;
      explicit OnDevice(Device d) {
        if (d != previous) set_default_device(d), changed = true;
      }
      ~OnDevice() {
        if (changed) set_default_device(previous);  // previous was settable a moment ago: can't throw
      }
    } on_device(n.device);
    std::vector<array> outs = n.shapes.size() == 1
                                  ? std::vector<array>{array(out_shapes[0], n.dtypes[0], primitive, ins)}
                                  : array::make_arrays(out_shapes, n.dtypes, primitive, ins);
    for (size_t k = 0; k < outs.size(); ++k) values[n.first_output + k] = std::move(outs[k]);
  }
  std::vector<array> result;
  for (int v : g.outputs) result.push_back(values[v]);
  return result;
}

size_t compiled_node_count(const CompiledGraph& g) { return g.nodes.size(); }
bool compiled_reusable(const CompiledGraph& g) { return g.reusable; }
size_t compiled_traced_node_count(const CompiledGraph& g) { return g.traced_nodes; }

std::string compiled_describe(const CompiledGraph& g) {
  std::string s;
  for (const auto& n : g.nodes) {
    if (!s.empty()) s += " ";
    auto f = dynamic_cast<const Fused*>(n.primitive.get());
    s += f ? f->describe() : n.primitive->name();
  }
  return s;
}

}  // namespace wmx

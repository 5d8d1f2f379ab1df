// The graph compile records (internal to compile.cpp and compile_passes.cpp).
// Values are numbered: inputs first, then constants, then node outputs in
// trace order. Passes may drop nodes, so value ids need not be contiguous
// among the remaining nodes; replay indexes values by id.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "device.h"
#include "primitive.h"

namespace wmx {

struct CompiledGraph {
  struct Node {
    std::shared_ptr<Primitive> primitive;
    std::vector<int> inputs;  // value ids
    std::vector<Shape> shapes;
    std::vector<Dtype> dtypes;
    int first_output;  // value id of output 0; output k is first_output + k
    const char* origin = nullptr;  // the user's call that made it (ShapelessOrigin), for errors
    // Where the trace placed it: the default device, or the one an op's
    // `stream` option (or withDevice inside the function) chose; replay puts it there again.
    Device device = Device::cpu;
  };
  // "take_along_axis (its Reshape)", or the primitive's name when the user made the node.
  static std::string describe(const Node& n);
  int num_inputs = 0;
  std::vector<Shape> input_shapes;
  std::vector<Dtype> input_dtypes;
  std::vector<array> constants;  // value ids num_inputs ...
  std::vector<Node> nodes;       // in evaluation order
  std::vector<int> outputs;      // value ids
  int num_values = 0;
  size_t traced_nodes = 0;
  // False when the function closed over a value of an enclosing transform's
  // trace: the graph holds that value and is right for this call only.
  bool reusable = true;
  // Shapeless graphs replay on inputs of any shape with the traced ranks and
  // dtypes. A node that depends on the inputs then gets its output shapes
  // from its primitive's output_shapes(), except a Broadcast, whose target
  // follows the node that reads it (`broadcast_reader`: that node and which
  // of its operands the broadcast is). Nodes that don't depend on the
  // inputs (constants made inside the function) keep their traced shapes.
  bool shapeless = false;
  // Traced inside a shapeless trace (or shapeless itself): its nodes end up
  // in a graph that replays on new shapes, so a node that is an identity only
  // at the traced shape stays.
  bool under_shapeless = false;
  std::vector<bool> follows_inputs;                    // by node
  std::vector<std::pair<int, int>> broadcast_reader;  // by node; (-1, -1) unless a Broadcast
  // Nodes in an order to work out their shapes in: a Broadcast's target
  // needs its reader's other operands, which may come after it.
  std::vector<int> shape_order;

  // Shape and dtype of every value, by id (filled by index_values()).
  std::vector<Shape> value_shapes;
  std::vector<Dtype> value_dtypes;
  std::vector<int> producer;  // node index of each value (-1: input or constant)
  void index_values();
};

// Simplification passes, run in this order by compile_trace:
// identity primitives removed (their output is their input);
void remove_noops(CompiledGraph& g);
// chains of float32 elementwise primitives fused into Fused nodes;
void fuse_elementwise(CompiledGraph& g);
// a float32 sum / max / min over trailing axes ending such a chain (or a
// single elementwise node) merged into it (FusedReduce), on the CPU;
void fuse_reductions(CompiledGraph& g);
// nodes whose outputs nothing reads removed;
void remove_dead(CompiledGraph& g);
// for shapeless graphs: check every node can replay on other shapes (its
// shape rule gives back the traced shapes) and pick the reader each
// Broadcast takes its shape from, or throw naming the node.
void plan_shapeless(CompiledGraph& g);

// A planned shapeless node's output shapes, given every value's shape so far.
std::vector<Shape> shapeless_output_shapes(const CompiledGraph& g, size_t node, const std::vector<Shape>& shapes);

}  // namespace wmx

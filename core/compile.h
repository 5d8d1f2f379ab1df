// compile: trace a function once into a graph of primitives, simplify it, and
// replay it on new inputs without running the function again (MLX's
// compile). Simplification merges equal scalar constants, eliminates common
// subexpressions and identity primitives, and fuses chains of float32
// elementwise primitives into single tiled kernels. A traced graph is keyed by its
// caller (function, input shapes and dtypes): replay requires inputs of the
// traced shapes and dtypes.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "transforms.h"

namespace wmx {

struct CompiledGraph;

// Traces fun on placeholders for `inputs` and simplifies the graph: equal
// scalar constants are merged and common subexpressions eliminated.
// `fuse` false skips elementwise fusion (for benchmarks and debugging).
// `shapeless`: the graph replays on inputs of any shape with the traced
// ranks and dtypes; tracing throws if the function has a node whose output
// shape can't follow its inputs' (see Primitive::output_shapes).
std::shared_ptr<CompiledGraph> compile_trace(const Fn& fun, const std::vector<array>& inputs, bool fuse = true,
                                             bool shapeless = false);

// fun(inputs) computed from the recorded graph (lazily, like any op).
std::vector<array> compile_replay(const CompiledGraph& graph, const std::vector<array>& inputs);

// True while a shapeless compile traces on this thread (compile inside it
// included): ops that would bake a number taken from a shape into the graph,
// like mean's divisor, compute it from the shape at run time instead.
bool tracing_shapeless();

// While alive in a shapeless trace, the nodes made are the work of `op`, the
// call the user wrote (take_along_axis, fast.rope...): shapeless errors about
// them name it rather than an internal Reshape or Slice. The outermost wins.
class ShapelessOrigin {
 public:
  explicit ShapelessOrigin(const char* op);
  ~ShapelessOrigin();
  ShapelessOrigin(const ShapelessOrigin&) = delete;
  ShapelessOrigin& operator=(const ShapelessOrigin&) = delete;

 private:
  const char* previous_;
};

// False when the traced function closed over a value of an enclosing
// transform's trace (a vmap'd input, a grad tracer): the graph holds that
// value, so it replays correctly only within this call and must not be cached.
bool compiled_reusable(const CompiledGraph& graph);

// Primitive nodes in the graph after simplification (and before, for tests).
size_t compiled_node_count(const CompiledGraph& graph);
size_t compiled_traced_node_count(const CompiledGraph& graph);
// The primitives in evaluation order, e.g. "Matmul Fused(Add,Tanh) Sum".
std::string compiled_describe(const CompiledGraph& graph);

}  // namespace wmx

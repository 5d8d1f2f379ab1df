// Fused: a chain of elementwise primitives that compile merged into one node
// (see compile_passes.cpp), of float32, or on the CPU also of float16 or
// bfloat16 (computed in float, each step rounded to the type as the unfused
// kernels round it). It is evaluated tile by tile: every step runs its
// primitive's float32 run over a tile of up to kFusedTile elements, so
// intermediates live in a few cache-resident scratch tiles instead of whole
// arrays, and no JS or graph overhead sits between steps.
// Inputs are read with broadcasting into the output shape: a Broadcast that
// the ops layer put in front of an elementwise op is folded into the read.
// The transforms expand the chain back into its primitives.
#pragma once
#include <functional>
#include <string>
#include <utility>

#include "primitive.h"
#include "primitives/reduce.h"

namespace wmx {

constexpr int64_t kFusedTile = 1024;

class Fused : public Primitive {
 public:
  // A step applies `primitive` to values: value k < num_inputs is input k,
  // value num_inputs + j is the result of step j. The last step is the output.
  struct Step {
    std::shared_ptr<Primitive> primitive;
    std::vector<int> args;
  };
  // `shape` is the traced output shape; with `shapeless`, the rules use the
  // inputs' broadcast shape instead (a shapeless graph broadcasts only to
  // that), so the node replays on inputs of other shapes.
  // With `reduce` (a sum, max or min over trailing axes; float32, not
  // shapeless), the node's output is the chain's output so reduced, and the
  // chain's values are never stored ("FusedReduce").
  Fused(int num_inputs, std::vector<Step> steps, Shape shape, bool shapeless = false,
        std::shared_ptr<Reduce> reduce = nullptr);

  const char* name() const override { return reduce_ ? "FusedReduce" : "Fused"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  std::vector<Shape> output_shapes(const std::vector<Shape>& inputs) const override;
  // For a backend outside C++ (the WebGPU one generates one kernel per chain):
  // "inputs", the number of inputs; "steps", one "Name a b" per step joined
  // by ";" (args as in Step); and each step's own state as "s<j>.<key>".
  PrimitiveState state() const override;

  // This chain ending in `reduce` (null for a shapeless chain or one that
  // already ends in a reduction).
  std::shared_ptr<Fused> with_reduction(std::shared_ptr<Reduce> reduce) const;
  // "Fused(Exp,Multiply,Add)": the primitives in evaluation order.
  std::string describe() const;
  // The chain as ordinary primitives on `inputs` (each broadcast to `shape`),
  // then the reduction if there is one.
  array expand(const std::vector<array>& inputs, const Shape& shape) const;

 private:
  int num_inputs_;
  std::vector<Step> steps_;
  std::vector<Float32Kernel> kernels_;
  std::vector<int> slot_;  // scratch tile of each step's result (-1: the output)
  int num_slots_ = 0;
  std::shared_ptr<Reduce> reduce_;
  Shape shape_;  // the chain's output shape as traced, before any reduction (jvp and vmap need it)
  bool shapeless_;
  Shape shape_for(const std::vector<array>& inputs) const;
  // The CPU kernels (backend/cpu/fused.cpp): the chain tile by tile in
  // elements of T (float, float16_t or bfloat16_t), and the chain reduced.
  using TileOf = std::function<std::pair<int64_t, int64_t>(int64_t)>;
  using TileSink = std::function<void(int64_t, const float*, int64_t)>;
  template <typename T>
  void run_tiles(const std::vector<array>& inputs, const Shape& shape, int64_t items, const TileOf& tile_of,
                 const TileSink& sink, float* direct) const;
  void run_reduce(const std::vector<array>& inputs, array& out) const;
};

}  // namespace wmx

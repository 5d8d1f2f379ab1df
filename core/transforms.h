// Graph evaluation and the function transformations. Transforms trace a
// function on tracer copies of its inputs, then walk the recorded graph
// (iteratively: no recursion, so 100k-node graphs are fine) applying each
// primitive's rules. Functions may be C++ or, through wasm/, JavaScript.
#pragma once
#include <mutex>
#include <exception>
#include <functional>
#include <utility>
#include <vector>

#include "array.h"

namespace wmx {

// Computes every array in `outputs` (and what they depend on). Intermediates
// are released as soon as their last consumer has run; arrays that are part
// of a transform's trace keep their graph.
void eval(const std::vector<array>& outputs);
inline void eval(const array& a) { eval(std::vector<array>{a}); }

// GPU arrays that evaluating `outputs` must read on the CPU (inputs of
// ToDevice(cpu) nodes) and that have no host copy yet, whose own graphs need
// no such read: asyncEval evaluates and downloads these, then asks again.
std::vector<array> gpu_reads_pending(const std::vector<array>& outputs);
// Whether `outputs` or the graph that computes them touch the GPU (then
// evaluation must run on the thread that owns it, with readback).
bool graph_uses_gpu(const std::vector<array>& outputs);
// Holds evaluation off while a caller reads graph nodes that an evaluation
// (the async evaluator's thread included) would update in place.
std::unique_lock<std::recursive_mutex> hold_evaluation();

// Evaluates `outputs` on the core's async thread (threaded builds; inline
// otherwise) and then calls done(error) there (error null on success).
// Evaluations never overlap: a synchronous eval waits for a running one.
void eval_async(std::vector<array> outputs, std::function<void(std::exception_ptr)> done);

using Fn = std::function<std::vector<array>(const std::vector<array>&)>;

// Reverse mode: (fun(primals), cotangents of the primals).
std::pair<std::vector<array>, std::vector<array>> vjp(const Fn& fun, const std::vector<array>& primals,
                                                      const std::vector<array>& cotangents);

// Forward mode: (fun(primals), tangents of the outputs).
std::pair<std::vector<array>, std::vector<array>> jvp(const Fn& fun, const std::vector<array>& primals,
                                                      const std::vector<array>& tangents);

// A function with its own transform rules, as MLX's custom_function. Rules
// left empty fall back to transforming `fun` itself. Signatures (flat lists):
//   vjp(primals ++ cotangents ++ outputs) -> one cotangent per primal
//   jvp(primals ++ tangents)              -> one tangent per output
//   vmap(inputs, axes)                    -> (outputs, output axes)   (axis -1: unbatched)
using VmapFn =
    std::function<std::pair<std::vector<array>, std::vector<int>>(const std::vector<array>&, const std::vector<int>&)>;
struct CustomRules {
  Fn vjp;
  Fn jvp;
  VmapFn vmap;
};
std::vector<array> custom_function(const Fn& fun, const std::vector<array>& inputs, CustomRules rules,
                                   const char* tag = "custom_function");

// fun's outputs; under a gradient, fun runs again in the backward pass
// instead of its intermediates being kept.
std::vector<array> checkpoint(const Fn& fun, const std::vector<array>& inputs);

// (fun(inputs), gradients of fun's first output w.r.t. inputs[argnums]).
// The first output must be a scalar; the others ride along (aux outputs).
std::pair<std::vector<array>, std::vector<array>> value_and_grad(const Fn& fun, const std::vector<array>& inputs,
                                                                 const std::vector<int>& argnums,
                                                                 const char* tag = "value_and_grad");

// Vectorising map: fun applied to slices of `inputs` along `in_axes`, with
// the results stacked along `out_axes`. kNoAxis marks an input that is not
// mapped (broadcast to every call) or an output that must not be mapped;
// negative axes count from the end. Outputs that don't depend on a mapped
// input are broadcast along their out axis. out_axes is read only after fun
// returns, so a caller tracing a foreign function may fill it during the call.
constexpr int kNoAxis = -2147483647 - 1;
std::vector<array> vmap(const Fn& fun, const std::vector<array>& inputs, const std::vector<int>& in_axes,
                        const std::vector<int>& out_axes);

}  // namespace wmx

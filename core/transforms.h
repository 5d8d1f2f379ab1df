// Graph evaluation and the function transformations. Transforms trace a
// function on tracer copies of its inputs, then walk the recorded graph
// (iteratively: no recursion, so 100k-node graphs are fine) applying each
// primitive's rules. Functions may be C++ or, through wasm/, JavaScript.
#pragma once
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

using Fn = std::function<std::vector<array>(const std::vector<array>&)>;

// Reverse mode: (fun(primals), cotangents of the primals).
std::pair<std::vector<array>, std::vector<array>> vjp(const Fn& fun, const std::vector<array>& primals,
                                                      const std::vector<array>& cotangents);

// Forward mode: (fun(primals), tangents of the outputs).
std::pair<std::vector<array>, std::vector<array>> jvp(const Fn& fun, const std::vector<array>& primals,
                                                      const std::vector<array>& tangents);

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

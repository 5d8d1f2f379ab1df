// compile's C ABI: traced graphs live in a table here, referenced by id from
// the JS compiled function's cache (which frees them when it is disposed or
// collected).
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <memory>
#include <string>
#include <vector>

#include "compile.h"
#include "error.h"
#include "handles.h"
#include "js_callbacks.h"
#include "results.h"

using namespace wmx;

namespace {
std::vector<std::shared_ptr<CompiledGraph>> g_graphs;

const CompiledGraph& graph(int32_t id) {
  if (id < 0 || size_t(id) >= g_graphs.size() || !g_graphs[id])
    fail("compile", "Invalid compiled graph id ", id, ".");
  return *g_graphs[id];
}

}  // namespace

extern "C" {

// Traces the JS function `fn` on placeholders shaped like `inputs`. Returns
// the graph id; the results are the outputs for these inputs.
// flags: bit 0 fuse elementwise chains, bit 1 shapeless.
EMSCRIPTEN_KEEPALIVE int32_t wmx_compile_trace(int32_t fn, const int32_t* inputs, int32_t n, int32_t flags) {
  return guard<int32_t>(-1, [&] {
    std::vector<array> in = read_arrays(inputs, n);
    auto g = compile_trace(js_function(fn), in, (flags & 1) != 0, (flags & 2) != 0);
    wmx_set_results(compile_replay(*g, in));
    g_graphs.push_back(std::move(g));
    return int32_t(g_graphs.size() - 1);
  });
}

// Runs a traced graph on new inputs; returns the number of results.
EMSCRIPTEN_KEEPALIVE int32_t wmx_compile_call(int32_t id, const int32_t* inputs, int32_t n) {
  return guard<int32_t>(-1, [&] {
    auto outs = compile_replay(graph(id), read_arrays(inputs, n));
    int32_t count = int32_t(outs.size());
    wmx_set_results(std::move(outs));
    return count;
  });
}

// 1 if the graph may be cached and replayed, 0 if it holds a value of an
// enclosing transform's trace (valid for the call that traced it only).
EMSCRIPTEN_KEEPALIVE int32_t wmx_compile_reusable(int32_t id) {
  return guard<int32_t>(-1, [&] { return int32_t(compiled_reusable(graph(id))); });
}

EMSCRIPTEN_KEEPALIVE void wmx_compile_free(int32_t id) {
  if (id >= 0 && size_t(id) < g_graphs.size()) g_graphs[id].reset();
}

}  // extern "C"

namespace {

// What `compiled.traces` shows of one graph, as a JS object (through embind):
// {nodes: after simplification, traced: as traced, graph: its primitives in
// evaluation order}. null for an unknown id, with the message in wmx_last_error().
emscripten::val compiled_trace(int32_t id) {
  return guard<emscripten::val>(emscripten::val::null(), [&] {
    const CompiledGraph& g = graph(id);
    emscripten::val info = emscripten::val::object();
    info.set("nodes", int(compiled_node_count(g)));
    info.set("traced", int(compiled_traced_node_count(g)));
    info.set("graph", compiled_describe(g));
    return info;
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(webmx_compile) { emscripten::function("compiledTrace", &compiled_trace); }

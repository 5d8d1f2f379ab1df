// compile's C ABI: traced graphs live in a table here, referenced by id from
// the JS compiled function's cache (which frees them when it is disposed or
// collected).
#include <emscripten/emscripten.h>

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

std::vector<array> read_arrays(const int32_t* hs, int32_t n) {
  std::vector<array> out;
  for (int32_t i = 0; i < n; ++i) out.push_back(wmx_get(hs[i]));
  return out;
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

// out[0] = nodes after simplification, out[1] = nodes as traced.
EMSCRIPTEN_KEEPALIVE int32_t wmx_compile_stats(int32_t id, int32_t* out) {
  return guard<int32_t>(-1, [&] {
    out[0] = int32_t(compiled_node_count(graph(id)));
    out[1] = int32_t(compiled_traced_node_count(graph(id)));
    return 0;
  });
}

// 1 if the graph may be cached and replayed, 0 if it holds a value of an
// enclosing transform's trace (valid for the call that traced it only).
EMSCRIPTEN_KEEPALIVE int32_t wmx_compile_reusable(int32_t id) {
  return guard<int32_t>(-1, [&] { return int32_t(compiled_reusable(graph(id))); });
}

// The graph's primitives in evaluation order (valid until the next call).
EMSCRIPTEN_KEEPALIVE const char* wmx_compile_describe(int32_t id) {
  static std::string text;
  text.clear();
  guard<int32_t>(-1, [&] {
    text = compiled_describe(graph(id));
    return 0;
  });
  return text.c_str();
}

EMSCRIPTEN_KEEPALIVE void wmx_compile_free(int32_t id) {
  if (id >= 0 && size_t(id) < g_graphs.size()) g_graphs[id].reset();
}

}  // extern "C"

// The transforms' C ABI. JS functions take part in C++ transforms through a
// callback: C++ hands the JS side handles of tracer arrays, the JS function
// runs (building graph nodes through the ordinary op exports) and hands back
// handles of its outputs — as MLX's Python binding calls Python back.
#include <emscripten/emscripten.h>

#include <cstdlib>
#include <stdexcept>

#include "handles.h"
#include "transforms.h"

using namespace wmx;

// Calls the JS function registered under `fn` with `n` input handles (which
// JS takes ownership of). Returns the number of output handles, written to a
// malloc'd buffer stored in *out (C++ takes ownership of both), or -1 when the
// JS function threw (JS keeps the exception to rethrow it as is).
// (Parameter names are JS identifiers in the glue: `in` would not parse.)
EM_JS(int32_t, wmx_js_call, (int32_t fn, const int32_t* inputs, int32_t n, int32_t** out), {
  return Module["wmxCall"](fn, inputs, n, out);
});

namespace {

// Thrown through the C++ frames when the JS callback failed; the text is a
// fallback only, since JS rethrows its own exception object.
struct JsCallbackError : std::runtime_error {
  JsCallbackError() : std::runtime_error("[webmx] The JavaScript function raised an exception.") {}
};

// With `axes`, the JS function answers its output handles followed by one
// int per output (vmap's output axes), which are stored there.
Fn js_function(int32_t fn, std::vector<int>* axes = nullptr) {
  return [fn, axes](const std::vector<array>& inputs) {
    std::vector<int32_t> handles;
    for (auto& a : inputs) handles.push_back(wmx_put(a));
    int32_t* out = nullptr;
    int32_t n = wmx_js_call(fn, handles.data(), int32_t(handles.size()), &out);
    if (n < 0) throw JsCallbackError();
    if (axes) {
      n /= 2;
      axes->assign(out + n, out + 2 * n);
    }
    std::vector<array> outputs;
    for (int32_t i = 0; i < n; ++i) {
      outputs.push_back(wmx_get(out[i]));
      wmx_drop(out[i]);
    }
    std::free(out);
    return outputs;
  };
}

std::vector<array> g_results;  // the last transform's results, until JS takes them

std::vector<array> read_arrays(const int32_t* hs, int32_t n) {
  std::vector<array> out;
  for (int32_t i = 0; i < n; ++i) out.push_back(wmx_get(hs[i]));
  return out;
}

int32_t set_results(std::vector<array> a, const std::vector<array>& b) {
  a.insert(a.end(), b.begin(), b.end());
  g_results = std::move(a);
  return int32_t(g_results.size());
}

}  // namespace

extern "C" {

// Moves the last transform's results into new handles at `out`.
EMSCRIPTEN_KEEPALIVE int32_t wmx_take_results(int32_t* out) {
  int32_t n = int32_t(g_results.size());
  for (int32_t i = 0; i < n; ++i) out[i] = wmx_put(g_results[i]);
  g_results.clear();
  return n;
}

// Results: fn's outputs, then one gradient per argnum.
EMSCRIPTEN_KEEPALIVE int32_t wmx_value_and_grad(int32_t fn, const int32_t* inputs, int32_t n, const int32_t* argnums,
                                                int32_t nargs, int32_t tag) {
  return guard<int32_t>(-1, [&] {
    auto [outs, grads] = value_and_grad(js_function(fn), read_arrays(inputs, n), read_ints(argnums, nargs),
                                        tag == 0 ? "grad" : "valueAndGrad");
    return set_results(std::move(outs), grads);
  });
}

// Results: fn's outputs, then one cotangent per primal.
EMSCRIPTEN_KEEPALIVE int32_t wmx_vjp(int32_t fn, const int32_t* primals, int32_t np, const int32_t* cotangents,
                                     int32_t nc) {
  return guard<int32_t>(-1, [&] {
    auto [outs, cots] = vjp(js_function(fn), read_arrays(primals, np), read_arrays(cotangents, nc));
    return set_results(std::move(outs), cots);
  });
}

// Results: fn's outputs, then one tangent per output.
EMSCRIPTEN_KEEPALIVE int32_t wmx_jvp(int32_t fn, const int32_t* primals, int32_t np, const int32_t* tangents,
                                     int32_t nt) {
  return guard<int32_t>(-1, [&] {
    auto [outs, tans] = jvp(js_function(fn), read_arrays(primals, np), read_arrays(tangents, nt));
    return set_results(std::move(outs), tans);
  });
}

// Results: fn's outputs, mapped. in_axes holds one int per input (INT32_MIN:
// not mapped); the JS function reports the output axes with its outputs.
EMSCRIPTEN_KEEPALIVE int32_t wmx_vmap(int32_t fn, const int32_t* inputs, int32_t n, const int32_t* in_axes) {
  return guard<int32_t>(-1, [&] {
    std::vector<int> out_axes;
    auto outs = vmap(js_function(fn, &out_axes), read_arrays(inputs, n), read_ints(in_axes, n), out_axes);
    return set_results(std::move(outs), {});
  });
}

}  // extern "C"

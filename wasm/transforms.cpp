// The transforms' C ABI. JS functions take part in C++ transforms through a
// callback: C++ hands the JS side handles of tracer arrays, the JS function
// runs (building graph nodes through the ordinary op exports) and hands back
// handles of its outputs — as MLX's Python binding calls Python back.
#include <emscripten/emscripten.h>

#include <emscripten/threading.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "handles.h"
#include "js_callbacks.h"
#include "results.h"
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

// Tells JS that C++ no longer needs the callback registered under `fn`.
EM_JS(void, wmx_js_release, (int32_t fn), { Module["wmxRelease"](fn); });

namespace {

// Thrown through the C++ frames when the JS callback failed; the text is a
// fallback only, since JS rethrows its own exception object.
struct JsCallbackError : std::runtime_error {
  JsCallbackError() : std::runtime_error("[webmx] The JavaScript function raised an exception.") {}
};

}  // namespace

Fn js_function(int32_t fn, std::vector<int>* axes) {
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

namespace {

// Graph nodes may die on the async eval thread, which can't reach the JS of
// the main thread: their releases wait here until the main thread next calls in.
std::mutex g_release_mutex;
std::vector<int32_t> g_pending_releases;

void release_callback(int32_t id) {
  if (emscripten_is_main_runtime_thread()) {
    wmx_js_release(id);
  } else {
    std::lock_guard<std::mutex> lk(g_release_mutex);
    g_pending_releases.push_back(id);
  }
}

void flush_pending_releases() {
  std::vector<int32_t> ids;
  {
    std::lock_guard<std::mutex> lk(g_release_mutex);
    ids.swap(g_pending_releases);
  }
  for (int32_t id : ids) wmx_js_release(id);
}

// A JS callback that C++ keeps (a custom function's rules live as long as
// the graph node holding them): released when the last copy goes.
struct JsCallbackRef {
  int32_t id;
  explicit JsCallbackRef(int32_t i) : id(i) {}
  ~JsCallbackRef() { release_callback(id); }
};

Fn persistent_function(int32_t id) {
  if (id == 0) return nullptr;
  auto ref = std::make_shared<JsCallbackRef>(id);
  return [ref](const std::vector<array>& inputs) { return js_function(ref->id)(inputs); };
}

// The vmap rule gets the axes as a trailing int32 array and answers like
// vmap's callback: output handles, then one axis per output.
VmapFn persistent_vmap_rule(int32_t id) {
  if (id == 0) return nullptr;
  auto ref = std::make_shared<JsCallbackRef>(id);
  return [ref](const std::vector<array>& inputs, const std::vector<int>& axes) {
    array ax = array::empty({int64_t(axes.size())}, Dtype::int32);
    std::copy(axes.begin(), axes.end(), ax.data<int32_t>());
    std::vector<array> args = inputs;
    args.push_back(ax);
    std::vector<int> out_axes;
    std::vector<array> outs = js_function(ref->id, &out_axes)(args);
    return std::pair{outs, out_axes};
  };
}


}  // namespace

extern "C" {

// Moves the last transform's results into new handles at `out`.
EMSCRIPTEN_KEEPALIVE int32_t wmx_take_results(int32_t* out) {
  flush_pending_releases();
  return wmx_move_results(out);
}

// Results: fn's outputs, then one gradient per argnum.
EMSCRIPTEN_KEEPALIVE int32_t wmx_value_and_grad(int32_t fn, const int32_t* inputs, int32_t n, const int32_t* argnums,
                                                int32_t nargs, int32_t tag) {
  return guard<int32_t>(-1, [&] {
    auto [outs, grads] = value_and_grad(js_function(fn), read_arrays(inputs, n), read_ints(argnums, nargs),
                                        tag == 0 ? "grad" : "valueAndGrad");
    return wmx_set_results(std::move(outs), grads);
  });
}

// Results: fn's outputs, then one cotangent per primal.
EMSCRIPTEN_KEEPALIVE int32_t wmx_vjp(int32_t fn, const int32_t* primals, int32_t np, const int32_t* cotangents,
                                     int32_t nc) {
  return guard<int32_t>(-1, [&] {
    auto [outs, cots] = vjp(js_function(fn), read_arrays(primals, np), read_arrays(cotangents, nc));
    return wmx_set_results(std::move(outs), cots);
  });
}

// Results: fn's outputs, then one tangent per output.
EMSCRIPTEN_KEEPALIVE int32_t wmx_jvp(int32_t fn, const int32_t* primals, int32_t np, const int32_t* tangents,
                                     int32_t nt) {
  return guard<int32_t>(-1, [&] {
    auto [outs, tans] = jvp(js_function(fn), read_arrays(primals, np), read_arrays(tangents, nt));
    return wmx_set_results(std::move(outs), tans);
  });
}

// Results: fn's outputs, mapped. in_axes holds one int per input (INT32_MIN:
// not mapped); the JS function reports the output axes with its outputs.
EMSCRIPTEN_KEEPALIVE int32_t wmx_vmap(int32_t fn, const int32_t* inputs, int32_t n, const int32_t* in_axes) {
  return guard<int32_t>(-1, [&] {
    std::vector<int> out_axes;
    auto outs = vmap(js_function(fn, &out_axes), read_arrays(inputs, n), read_ints(in_axes, n), out_axes);
    return wmx_set_results(std::move(outs), {});
  });
}

// A custom function call: fn and its rules are callback ids that C++ now
// owns (0: no rule). Results: fn's outputs.
EMSCRIPTEN_KEEPALIVE int32_t wmx_custom_function(int32_t fn, int32_t vjp_rule, int32_t jvp_rule, int32_t vmap_rule,
                                                 const int32_t* inputs, int32_t n) {
  // Take ownership first, so every id is released even if the call fails.
  Fn f = persistent_function(fn);
  CustomRules rules{persistent_function(vjp_rule), persistent_function(jvp_rule), persistent_vmap_rule(vmap_rule)};
  return guard<int32_t>(-1, [&] {
    return wmx_set_results(custom_function(f, read_arrays(inputs, n), std::move(rules), "customFunction"), {});
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_checkpoint(int32_t fn, const int32_t* inputs, int32_t n) {
  Fn f = persistent_function(fn);
  return guard<int32_t>(-1, [&] { return wmx_set_results(checkpoint(f, read_arrays(inputs, n)), {}); });
}

// ---- asynchronous evaluation ----

// Shared with JS: `state` is 0 while running, 1 when done, 2 on error (JS
// waits on it with Atomics.waitAsync where it can, else polls).
struct AsyncJob {
  std::atomic<int32_t> state{0};
  std::string error;
};

// Starts evaluating the arrays; returns the job (its first field is the state word).
EMSCRIPTEN_KEEPALIVE AsyncJob* wmx_async_eval(const int32_t* handles, int32_t n) {
  return guard<AsyncJob*>(nullptr, [&] {
    auto* job = new AsyncJob();
    eval_async(read_arrays(handles, n), [job](std::exception_ptr e) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          job->error = ex.what();
        } catch (...) {
          job->error = "[asyncEval] Unknown error.";
        }
      }
      job->state.store(e ? 2 : 1);
      // Wake JS's Atomics.waitAsync on the state word itself (std::atomic's
      // notify may wait on a proxy address instead).
      emscripten_futex_wake(reinterpret_cast<volatile void*>(&job->state), 1 << 30);
    });
    return job;
  });
}

// Frees a finished job: 0, or -1 with the evaluation's error as the last error.
EMSCRIPTEN_KEEPALIVE int32_t wmx_async_finish(AsyncJob* job) {
  flush_pending_releases();
  int32_t rc = job->state.load() == 2 ? -1 : 0;
  if (rc) wmx_set_error(job->error);
  delete job;
  return rc;
}

}  // extern "C"

// The C ABI of devices: the default device, where an array lives, and the
// steps of reading GPU arrays back (asyncEval: find the GPU values a graph
// must read on the CPU, evaluate them, download each buffer into its host
// copy, repeat). Downloads themselves are async WebGPU work done in
// ts/webgpu/; the backend interface is embind (gpu_bindings.cpp).
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>

#include "backend/gpu/gpu_backend.h"
#include "error.h"
#include "graph_dot.h"
#include "handles.h"
#include "placement.h"
#include "results.h"
#include "transforms.h"

using namespace wmx;

namespace {
Device device_arg(int32_t d, const char* op) {
  if (d != 0 && d != 1) fail(op, "Unknown device code ", d, ".");
  return Device(d);
}
}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_set_default_device(int32_t d) {
  return guard<int32_t>(-1, [&] {
    set_default_device(device_arg(d, "set_default_device"));
    return 0;
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_default_device() { return int32_t(default_device()); }

EMSCRIPTEN_KEEPALIVE int32_t wmx_device(int32_t h) {
  return guard<int32_t>(-1, [&] { return int32_t(wmx_get(h).device()); });
}

// 1 when reading the array synchronously needs it brought back from the GPU first.
EMSCRIPTEN_KEEPALIVE int32_t wmx_needs_readback(int32_t h) {
  return guard<int32_t>(-1, [&] {
    const array& a = wmx_get(h);
    return int32_t(a.device() == Device::gpu && !a.host_readable());
  });
}

// A constant just written in host memory, moved to the GPU when that is the
// default device and the backend stores its dtype; it keeps its host bytes,
// so it stays readable synchronously.
EMSCRIPTEN_KEEPALIVE int32_t wmx_place_constant(int32_t h) {
  return guard<int32_t>(-1, [&] {
    if (default_device() == Device::gpu) move_constant_to_gpu(wmx_get(h));
    return 0;
  });
}

// The graph of the arrays as DOT text (graph_dot.h); null on error. Valid
// until the next call.
EMSCRIPTEN_KEEPALIVE const char* wmx_graph_dot(const int32_t* handles, int32_t n) {
  static std::string text;
  return guard<const char*>(nullptr, [&] {
    text = graph_dot(read_arrays(handles, n));
    return text.c_str();
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_graph_uses_gpu(const int32_t* handles, int32_t n) {
  return guard<int32_t>(-1, [&] { return int32_t(graph_uses_gpu(read_arrays(handles, n))); });
}

// The GPU arrays to evaluate and download next (see gpu_reads_pending), as results.
EMSCRIPTEN_KEEPALIVE int32_t wmx_gpu_reads_pending(const int32_t* handles, int32_t n) {
  return guard<int32_t>(-1, [&] { return wmx_set_results(gpu_reads_pending(read_arrays(handles, n))); });
}

// For an evaluated GPU array without a host copy: 1, with out[0] = its
// buffer id and out[1] = the buffer's bytes (what to download); else 0.
EMSCRIPTEN_KEEPALIVE int32_t wmx_gpu_download_source(int32_t h, double* out) {
  return guard<int32_t>(-1, [&] {
    const array& a = wmx_get(h);
    if (a.device() != Device::gpu || !a.is_evaluated() || a.host_readable()) return 0;
    out[0] = double(a.buffer()->gpu_buffer);
    out[1] = double(a.buffer()->nbytes);
    return 1;
  });
}

// The host copy of a GPU array's buffer, made now if it has none (JS writes
// the downloaded bytes there). 0 on error.
EMSCRIPTEN_KEEPALIVE uintptr_t wmx_gpu_host_copy(int32_t h) {
  return guard<uintptr_t>(0, [&] {
    const array& a = wmx_get(h);
    if (a.device() != Device::gpu || !a.is_evaluated()) fail("asyncEval", "Not an evaluated GPU array.");
    return reinterpret_cast<uintptr_t>(a.buffer()->make_host_copy());
  });
}

}  // extern "C"

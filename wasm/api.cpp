// The C ABI that ts/ calls. Hot per-op calls go through plain exported
// functions taking and returning integer handles: measured in Node 20 this
// costs ~0.06 us per call against ~1-1.5 us for an embind method returning a
// new object (DESIGN.md), so per-op dispatch stays well under 1 us.
//
// Conventions:
// - An array is an int32 handle into a table owned here; JS releases it.
// - Lists of ints (shapes, axes) are passed as (pointer, count) into wasm memory.
// - Every function catches C++ exceptions: it returns -1 (or 0 for pointers)
//   and wmx_last_error() holds the "[op] ..." message, which ts/ rethrows as
//   an Error. Nothing is left half-done, so the module stays usable.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "allocator.h"
#include "backend/gpu/gpu_backend.h"
#include "error.h"
#include "handles.h"
#include "readback.h"
#include "primitives/views.h"
#include "shape_limits.h"
#include "thread_pool.h"
#include "transforms.h"

using namespace wmx;

const array& wmx_readable(int32_t h) {
  const array& a = wmx_get(h);
  eval(a);
  if (!a.row_contiguous()) {
    array c(a.shape(), a.dtype(), nullptr, {});
    copy_to_contiguous(a, c);
    wmx_replace(h, c);  // same values, now contiguous; later reads are free
  }
  return wmx_get(h);
}

extern "C" {

EMSCRIPTEN_KEEPALIVE const char* wmx_last_error() { return wmx_error().c_str(); }

EMSCRIPTEN_KEEPALIVE int32_t wmx_init(int32_t threads) {
  return guard<int32_t>(-1, [&] {
    set_num_threads(threads);
    return num_threads();
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_num_threads() { return num_threads(); }

EMSCRIPTEN_KEEPALIVE int32_t wmx_release(int32_t h) {
  return guard<int32_t>(-1, [&] {
    wmx_drop(h);
    return 0;
  });
}

// A second handle on the same array (JS hands arrays it is about to dispose
// to C++ this way).
EMSCRIPTEN_KEEPALIVE int32_t wmx_retain(int32_t h) {
  return make([&] { return wmx_get(h); });
}

// out[0] = live handles, out[1] = bytes held by array buffers, out[2] = peak
// of out[1], out[3] = bytes of freed buffers cached for reuse, out[4] = bytes
// in GPU buffers that arrays hold.
EMSCRIPTEN_KEEPALIVE void wmx_memory(double* out) {
  auto s = allocator::stats();
  out[0] = double(wmx_live_count());
  out[1] = double(s.live_bytes);
  out[2] = double(s.peak_bytes);
  out[3] = double(s.cache_bytes);
  out[4] = double(gpu::live_bytes());
}

EMSCRIPTEN_KEEPALIVE void wmx_set_cache_limit(double bytes) { allocator::set_cache_limit(size_t(bytes)); }
EMSCRIPTEN_KEEPALIVE void wmx_clear_cache() { allocator::clear_cache(); }

// ---- inspection ----

EMSCRIPTEN_KEEPALIVE int32_t wmx_dtype(int32_t h) {
  return guard<int32_t>(-1, [&] { return int32_t(wmx_get(h).dtype()); });
}

// The most dimensions an array may have (shape_limits.h): JS sizes its shape
// reads and checks nested lists against it.
EMSCRIPTEN_KEEPALIVE int32_t wmx_max_ndim() { return kMaxNdim; }

// Writes the shape into out (room for `cap` dims) and returns ndim.
EMSCRIPTEN_KEEPALIVE int32_t wmx_shape(int32_t h, int32_t* out, int32_t cap) {
  return guard<int32_t>(-1, [&] {
    const array& a = wmx_get(h);
    for (int i = 0; i < a.ndim() && i < cap; ++i) out[i] = int32_t(a.shape()[i]);
    return int32_t(a.ndim());
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_is_evaluated(int32_t h) {
  return guard<int32_t>(-1, [&] { return int32_t(wmx_get(h).is_evaluated()); });
}

// 1 while the array is part of a transform's or compile's trace.
EMSCRIPTEN_KEEPALIVE int32_t wmx_is_tracer(int32_t h) {
  return guard<int32_t>(-1, [&] { return int32_t(wmx_get(h).is_tracer()); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_eval(const int32_t* handles, int32_t n) {
  return guard<int32_t>(-1, [&] {
    std::vector<array> outs;
    outs.reserve(n);
    for (int i = 0; i < n; ++i) outs.push_back(wmx_get(handles[i]));
    eval(outs);
    return 0;
  });
}

// Pointer to the array's data in row-major order (see wmx_readable). 0 on error.
EMSCRIPTEN_KEEPALIVE uintptr_t wmx_data(int32_t h) {
  return guard<uintptr_t>(0, [&] { return reinterpret_cast<uintptr_t>(wmx_readable(h).raw_data()); });
}

}  // extern "C"

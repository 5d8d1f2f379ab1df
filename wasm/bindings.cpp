// The object-shaped part of the boundary, through embind. Per-op calls stay
// on the plain C ABI (api*.cpp): an embind call costs ~1-1.5 us against
// ~0.06 us for an exported function taking int handles (DESIGN.md), and ops
// are the hot path. embind carries what is shaped like an object instead:
//   - dataView: a TypedArray over an array's bytes in wasm memory (embind's
//     memory_view), with no copy;
//   - coreInfo: what this build of the core is (a value_object);
//   - compiledTrace (in compile.cpp, beside the graphs it reads): a compiled
//     graph's description as a JS object;
//   - GpuBackend (in gpu_bindings.cpp): the GPU backend interface, a C++
//     abstract class that ts/webgpu/ implements in TypeScript.
// Memory statistics stay on the C ABI on purpose: the safety net reads them
// after every eval, also at the memory limit, and an embind value_object is
// marshalled through a malloc'd copy, which can fail exactly there.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>

#include "handles.h"
#include "readback.h"
#include "shape_limits.h"
#include "thread_pool.h"

using namespace wmx;

namespace {

// The bytes of handle h's evaluated, row-contiguous data as a Uint8Array
// view of wasm memory (TS reinterprets it as the dtype's TypedArray over the
// same buffer). null on error, with the message in wmx_last_error().
emscripten::val data_view(int32_t h) {
  return guard<emscripten::val>(emscripten::val::null(), [&] {
    const array& a = wmx_readable(h);
    const auto* bytes = static_cast<const uint8_t*>(a.raw_data());
    return emscripten::val(emscripten::typed_memory_view(a.nbytes(), bytes));
  });
}

struct CoreInfo {
  int threads;         // compute threads the core uses (1 for the single-thread build)
  bool threaded;       // built with pthreads
  bool simd;           // built with SIMD128
  int max_ndim;        // the most dimensions an array may have
  int pointer_bytes;   // 4: wasm32
};

CoreInfo core_info() {
#ifdef WMX_THREADS
  constexpr bool threaded = true;
#else
  constexpr bool threaded = false;
#endif
#ifdef __wasm_simd128__
  constexpr bool simd = true;
#else
  constexpr bool simd = false;
#endif
  return {num_threads(), threaded, simd, kMaxNdim, int(sizeof(void*))};
}

}  // namespace

EMSCRIPTEN_BINDINGS(webmx) {
  emscripten::value_object<CoreInfo>("CoreInfo")
      .field("threads", &CoreInfo::threads)
      .field("threaded", &CoreInfo::threaded)
      .field("simd", &CoreInfo::simd)
      .field("maxNdim", &CoreInfo::max_ndim)
      .field("pointerBytes", &CoreInfo::pointer_bytes);
  emscripten::function("coreInfo", &core_info);
  emscripten::function("dataView", &data_view);
}

// The GPU backend interface (core/backend/gpu/gpu_backend.h) across the
// boundary: embind's `allow_subclass` lets ts/webgpu/ implement the C++
// abstract class in TypeScript (`Module.GpuBackend.implement({...})`), and
// each virtual call becomes a call of the JS object's method. A kernel call
// arrives in JS as a plain object: {op, state, inputs, outputs}, operands as
// {buffer, dtype, shape, strides, offset}.
//
// JS errors must not unwind through C++ frames: the TS methods catch their
// own errors, keep the first, and the TS side raises it after the C++ call
// returns.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <variant>

#include "backend/gpu/gpu_backend.h"

using namespace wmx;
using emscripten::val;

namespace {

val numbers(const std::vector<int64_t>& xs) {
  val a = val::array();
  for (size_t i = 0; i < xs.size(); ++i) a.set(i, double(xs[i]));
  return a;
}

val numbers(const std::vector<int>& xs) {
  val a = val::array();
  for (size_t i = 0; i < xs.size(); ++i) a.set(i, xs[i]);
  return a;
}

val state_value(const StateValue& v) {
  return std::visit(
      [](const auto& x) -> val {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::vector<int64_t>>) return numbers(x);
        else if constexpr (std::is_same_v<T, int64_t>) return val(double(x));
        else return val(x);
      },
      v);
}

val operand(const gpu::Operand& o) {
  val v = val::object();
  v.set("buffer", o.buffer);
  v.set("dtype", int(o.dtype));
  v.set("shape", numbers(o.shape));
  v.set("strides", numbers(o.strides));
  v.set("offset", double(o.offset));
  return v;
}

val operands(const std::vector<gpu::Operand>& os) {
  val a = val::array();
  for (size_t i = 0; i < os.size(); ++i) a.set(i, operand(os[i]));
  return a;
}

struct BackendWrapper : public emscripten::wrapper<gpu::Backend> {
  EMSCRIPTEN_WRAPPER(BackendWrapper);
  uint32_t allocate(double nbytes) override { return call<uint32_t>("allocate", nbytes); }
  void release(uint32_t buffer) override { call<void>("release", buffer); }
  void upload(uint32_t buffer, uintptr_t host, double nbytes) override {
    call<void>("upload", buffer, double(host), nbytes);
  }
  bool supports(const std::string& op, const std::vector<int>& in, const std::vector<int>& out) override {
    return call<bool>("supports", op, numbers(in), numbers(out));
  }
  void dispatch(const gpu::Dispatch& d) override {
    val state = val::object();
    for (auto& [key, value] : d.state) state.set(key, state_value(value));
    val v = val::object();
    v.set("op", d.op);
    v.set("state", state);
    v.set("inputs", operands(d.inputs));
    v.set("outputs", operands(d.outputs));
    call<void>("dispatch", v);
  }
  void flush() override { call<void>("flush"); }
};

void set_gpu_backend(gpu::Backend* backend) { gpu::set_backend(backend); }

}  // namespace

EMSCRIPTEN_BINDINGS(webmx_gpu) {
  emscripten::class_<gpu::Backend>("GpuBackend").allow_subclass<BackendWrapper>("GpuBackendWrapper");
  emscripten::function("setGpuBackend", &set_gpu_backend, emscripten::allow_raw_pointers());
}

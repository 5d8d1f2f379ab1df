#include "gpu_backend.h"

#include <map>
#include <mutex>
#include <thread>

#include "../../error.h"

namespace wmx::gpu {

namespace {
struct State {
  Backend* backend = nullptr;
  std::thread::id owner;
  bool recorded = false;  // kernels recorded since the last flush
  uint64_t live = 0;
  std::map<std::string, bool> supported;  // "op:in,..>out,..": the backend's answer
  std::mutex released_mu;
  std::vector<uint32_t> released;  // buffers freed off the owning thread
};
State& state() {
  static State* s = new State();  // outlives static arrays
  return *s;
}

Backend& owned_backend(const char* op) {
  State& s = state();
  if (!s.backend) fail(op, "No GPU backend is open: call `await mx.init({gpu: true})` first.");
  if (std::this_thread::get_id() != s.owner)
    fail(op, "GPU work must be issued from the thread that opened the GPU (the async evaluator can't).");
  // Buffers dropped on another thread are returned now, on the owning one.
  std::vector<uint32_t> pending;
  {
    std::lock_guard<std::mutex> lk(s.released_mu);
    pending.swap(s.released);
  }
  for (uint32_t b : pending) s.backend->release(b);
  return *s.backend;
}

std::string signature(const char* op, const std::vector<Dtype>& in, const std::vector<Dtype>& out) {
  std::string key = op;
  key += ':';
  for (Dtype t : in) key += std::to_string(int(t)) + ',';
  key += '>';
  for (Dtype t : out) key += std::to_string(int(t)) + ',';
  return key;
}

Operand operand(const array& a) {
  return {a.buffer()->gpu_buffer, a.dtype(), a.shape(), a.strides(), a.offset()};
}
}  // namespace

void set_backend(Backend* backend) {
  State& s = state();
  s.backend = backend;
  s.owner = std::this_thread::get_id();
  s.supported.clear();
  s.recorded = false;
}

bool available() { return state().backend != nullptr; }

bool supports(const Primitive& p, const std::vector<Dtype>& inputs, const std::vector<Dtype>& outputs) {
  State& s = state();
  if (!s.backend) return false;
  std::string key = signature(p.name(), inputs, outputs);
  auto it = s.supported.find(key);
  if (it != s.supported.end()) return it->second;
  std::vector<int> in, out;
  for (Dtype t : inputs) in.push_back(int(t));
  for (Dtype t : outputs) out.push_back(int(t));
  bool ok = owned_backend("gpu").supports(p.name(), in, out);
  s.supported[key] = ok;
  return ok;
}

uint32_t allocate(uint64_t nbytes) {
  uint32_t id = owned_backend("malloc").allocate(double(nbytes));
  if (id == 0) fail("malloc", "Unable to allocate ", nbytes, " bytes on the GPU.");
  state().live += nbytes;
  return id;
}

void release(uint32_t buffer, uint64_t nbytes) {
  State& s = state();
  s.live -= nbytes;
  if (!s.backend) return;  // the backend was closed: its buffers went with it
  if (std::this_thread::get_id() == s.owner) {
    s.backend->release(buffer);
  } else {
    std::lock_guard<std::mutex> lk(s.released_mu);
    s.released.push_back(buffer);
  }
}

void upload(uint32_t buffer, const void* host, uint64_t nbytes) {
  owned_backend("upload").upload(buffer, reinterpret_cast<uintptr_t>(host), double(nbytes));
}

void dispatch(const Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  Backend& b = owned_backend(p.name());
  for (auto& o : outputs) o.allocate();
  Dispatch d{p.name(), p.state(), {}, {}};
  for (auto& a : inputs) d.inputs.push_back(operand(a));
  for (auto& a : outputs) d.outputs.push_back(operand(a));
  b.dispatch(d);
  state().recorded = true;
}

void flush() {
  State& s = state();
  if (!s.backend || !s.recorded) return;
  s.recorded = false;
  owned_backend("eval").flush();
}

uint64_t live_bytes() { return state().live; }

}  // namespace wmx::gpu

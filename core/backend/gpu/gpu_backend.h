// The C++ side of the GPU backend: an abstract interface that a backend
// outside C++ implements (ts/webgpu/, plugged in by wasm/gpu_bindings.cpp
// through embind). Nothing here knows about emscripten or WebGPU.
//
// The core owns the graph and the decisions (placement, views, copies); the
// backend owns device memory and kernels. A buffer is an opaque id. A kernel
// call describes one primitive: its name, its parameters (Primitive::state),
// and each operand's buffer, dtype, shape, strides and offset, so a backend
// can run strided views without copies.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../../array.h"
#include "../../primitive.h"

namespace wmx::gpu {

struct Operand {
  uint32_t buffer;
  Dtype dtype;
  Shape shape;
  Strides strides;  // in elements
  int64_t offset;   // in elements
};

struct Dispatch {
  std::string op;  // Primitive::name()
  PrimitiveState state;
  std::vector<Operand> inputs, outputs;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // A device buffer of at least `nbytes` bytes; its id is never 0.
  virtual uint32_t allocate(double nbytes) = 0;
  virtual void release(uint32_t buffer) = 0;
  // Copies `nbytes` bytes at `host` (an address in the module's memory) to the start of `buffer`.
  virtual void upload(uint32_t buffer, uintptr_t host, double nbytes) = 0;
  // Whether a kernel exists for `op` with these input and output dtypes.
  virtual bool supports(const std::string& op, const std::vector<int>& input_dtypes,
                        const std::vector<int>& output_dtypes) = 0;
  // Records one kernel; outputs are already allocated.
  virtual void dispatch(const Dispatch& d) = 0;
  // Submits what was recorded since the last flush.
  virtual void flush() = 0;
};

// Installs the backend (null closes it). The calling thread becomes the one
// that may talk to it: WebGPU objects belong to the JS thread that made them.
void set_backend(Backend* backend);
bool available();

// Whether `p` can run on the GPU with these dtypes (asked once per op and dtypes, then cached).
bool supports(const Primitive& p, const std::vector<Dtype>& inputs, const std::vector<Dtype>& outputs);

// A fresh GPU buffer for `nbytes` and its release (deferred to the owning
// thread when called from another one, e.g. by the async evaluator).
uint32_t allocate(uint64_t nbytes);
void release(uint32_t buffer, uint64_t nbytes);
void upload(uint32_t buffer, const void* host, uint64_t nbytes);

// Runs `p` through the backend: allocates the outputs and records the kernel.
void dispatch(const Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs);
// Submits recorded work, if any.
void flush();

// Bytes in GPU buffers that arrays hold.
uint64_t live_bytes();

}  // namespace wmx::gpu

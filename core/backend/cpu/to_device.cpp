// The CPU kernels of ToDevice (their shapes and transform rules:
// core/primitives/to_device.cpp).
#include "primitives/to_device.h"

#include "error.h"
#include "placement.h"
#include "primitives/views.h"

namespace wmx {

void ToDevice::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& a = in[0];
  if (a.device() == Device::cpu) {
    out[0].set_view(a, a.strides(), a.offset());
    return;
  }
  if (!a.host_readable())
    fail("eval", "This graph reads a GPU result on the CPU (an op without a GPU kernel, or an array used with "
         "{stream: mx.cpu}), and GPU memory can only be read asynchronously: use `await mx.asyncEval(...)` "
         "or `await x.data()` instead of a synchronous eval or read.");
  copy_to_contiguous(a, out[0]);  // reads the host copy; out[0] is a CPU node, so it allocates host memory
}

}  // namespace wmx

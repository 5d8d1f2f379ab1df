#include "primitives/to_device.h"

#include "backend/gpu/gpu_backend.h"
#include "error.h"
#include "placement.h"
#include "primitives/views.h"

namespace wmx {

void ToDevice::eval_gpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& a = in[0];
  if (a.device() == Device::gpu) {
    out[0].set_view(a, a.strides(), a.offset());
    return;
  }
  array host = a;
  if (!a.row_contiguous() || a.offset() != 0 || a.buffer()->nbytes != a.nbytes()) {
    host = array(a.shape(), a.dtype(), nullptr, {});
    copy_to_contiguous(a, host);
  }
  out[0].allocate();
  if (a.nbytes()) gpu::upload(out[0].buffer()->gpu_buffer, host.raw_data(), a.nbytes());
}

std::vector<array> ToDevice::vjp(const std::vector<array>& primals, const std::vector<array>& cot,
                                 const std::vector<int>&, const std::vector<array>&) {
  return {to_device(cot[0], primals[0].device())};
}
std::vector<array> ToDevice::jvp(const std::vector<array>&, const std::vector<array>& tan, const std::vector<int>&) {
  return {to_device(tan[0], target_)};
}
std::pair<std::vector<array>, std::vector<int>> ToDevice::vmap(const std::vector<array>& in,
                                                               const std::vector<int>& ax) {
  return {{to_device(in[0], target_)}, {ax[0]}};
}

}  // namespace wmx

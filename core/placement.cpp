#include "placement.h"

#include "backend/gpu/gpu_backend.h"
#include "primitives/to_device.h"

namespace wmx {

Device place(const Primitive* p, std::vector<array>& inputs, const std::vector<Dtype>& output_dtypes) {
  if (!p) return Device::cpu;
  if (auto move = dynamic_cast<const ToDevice*>(p)) return move->target();
  Device d = default_device();
  if (d == Device::gpu) {
    std::vector<Dtype> in;
    in.reserve(inputs.size());
    for (auto& a : inputs) in.push_back(a.dtype());
    if (!gpu::supports(*p, in, output_dtypes)) d = Device::cpu;
  }
  for (auto& a : inputs)
    if (a.device() != d) a = to_device(a, d);
  return d;
}

void move_constant_to_gpu(const array& a) {
  if (a.device() == Device::gpu || a.has_primitive() || !a.is_evaluated()) return;
  if (!gpu::supports(ToDevice(Device::gpu), {a.dtype()}, {a.dtype()})) return;
  auto host = a.buffer();
  if (a.offset() != 0 || !a.row_contiguous() || host->nbytes != a.nbytes()) return;
  auto moved = std::make_shared<Data>(host->nbytes, Device::gpu);
  if (host->nbytes) gpu::upload(moved->gpu_buffer, host->ptr, host->nbytes);
  moved->ptr = host->ptr;  // the host bytes become the GPU data's host copy
  host->ptr = nullptr;
  auto& node = *a.node();
  node.data = std::move(moved);
  node.device = Device::gpu;
}

array to_device(const array& a, Device d) {
  if (a.device() == d) return a;
  return array(a.shape(), a.dtype(), std::make_shared<ToDevice>(d), {a});
}

}  // namespace wmx

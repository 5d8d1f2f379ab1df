#include "device.h"

#include "backend/gpu/gpu_backend.h"
#include "error.h"

namespace wmx {

namespace {
Device g_default = Device::cpu;  // graphs are built on the thread that calls the API
}

const char* device_name(Device d) { return d == Device::gpu ? "gpu" : "cpu"; }

Device default_device() { return g_default; }

void set_default_device(Device d) {
  if (d == Device::gpu && !gpu::available())
    fail("set_default_device", "No GPU backend is open: call `await mx.init({gpu: true})` first.");
  g_default = d;
}

}  // namespace wmx

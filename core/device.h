// Devices: where an array's data lives and which backend runs the primitive
// that makes it. As in MLX, every node carries one; unlike MLX (unified
// memory), the CPU cannot read GPU memory, so an input on the other device
// reaches a node through an explicit ToDevice node (primitives/to_device.h).
#pragma once
#include <cstdint>

namespace wmx {

enum class Device : uint8_t { cpu = 0, gpu = 1 };

const char* device_name(Device d);

// The device that new nodes are placed on (mx.setDefaultDevice, withDevice,
// an op's `stream` option). Set by the thread that builds graphs.
Device default_device();
void set_default_device(Device d);

}  // namespace wmx

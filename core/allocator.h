// The one place data buffers are allocated and freed, so that caching, limits
// and accounting (mx.memory) have a single home.
#pragma once
#include <cstddef>
#include <cstdint>

namespace wmx::allocator {

// Throws "[malloc] ..." naming the size when the memory can't be had.
void* malloc(size_t nbytes);
void free(void* ptr, size_t nbytes);

struct Stats {
  size_t live_bytes;   // bytes in buffers that arrays hold
  size_t peak_bytes;   // high-water mark of live_bytes
};
Stats stats();

}  // namespace wmx::allocator

// The one place data buffers are allocated and freed, so that caching, limits
// and accounting (mx.memory) have a single home.
//
// wasm memory never shrinks, and a training loop frees and allocates the same
// sizes every step: freed buffers go to a cache of size buckets that later
// allocations of the same bucket reuse, so a steady loop doesn't grow the heap
// through fragmentation. The cache is bounded (set_cache_limit).
#pragma once
#include <cstddef>
#include <cstdint>

namespace wmx::allocator {

// What an out-of-memory error tells the user to do (also used for std::bad_alloc at the boundary).
extern const char* const kOutOfMemoryAdvice;

// Throws "[malloc] Unable to allocate N bytes ..." when the memory can't be had.
void* malloc(uint64_t nbytes);
void free(void* ptr, uint64_t nbytes);

struct Stats {
  size_t live_bytes;   // bytes in buffers that arrays hold
  size_t peak_bytes;   // high-water mark of live_bytes
  size_t cache_bytes;  // bytes of freed buffers kept for reuse
};
Stats stats();

// Bytes the cache may keep (default 256 MiB); shrinking it frees the excess now.
void set_cache_limit(size_t bytes);
// Frees every cached buffer.
void clear_cache();

}  // namespace wmx::allocator

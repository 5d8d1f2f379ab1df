#include "allocator.h"

#include <atomic>
#include <cstdlib>

#include "error.h"

namespace wmx::allocator {

namespace {
std::atomic<size_t> g_live{0};
std::atomic<size_t> g_peak{0};
// Kernels read data with 16-byte SIMD loads; aligning buffers keeps those
// loads on one cache line for contiguous arrays.
constexpr size_t kAlign = 16;
}  // namespace

void* malloc(size_t nbytes) {
  size_t padded = (nbytes + kAlign - 1) / kAlign * kAlign;
  if (padded == 0) padded = kAlign;
  void* p = std::aligned_alloc(kAlign, padded);
  if (!p) fail("malloc", "Unable to allocate ", nbytes, " bytes.");
  size_t live = g_live.fetch_add(nbytes) + nbytes;
  size_t peak = g_peak.load();
  while (live > peak && !g_peak.compare_exchange_weak(peak, live)) {
  }
  return p;
}

void free(void* ptr, size_t nbytes) {
  if (!ptr) return;
  g_live.fetch_sub(nbytes);
  std::free(ptr);
}

Stats stats() { return {g_live.load(), g_peak.load()}; }

}  // namespace wmx::allocator

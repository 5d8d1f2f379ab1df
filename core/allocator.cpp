#include "allocator.h"

#include <cstdlib>
#include <limits>
#include <map>
#include <mutex>
#include <vector>

#include "error.h"

namespace wmx::allocator {

namespace {

// Kernels read data with 16-byte SIMD loads; aligning buffers keeps those
// loads on one cache line for contiguous arrays.
constexpr size_t kAlign = 16;

// Buckets: multiples of 16 bytes up to 4 KiB, then powers of two up to 1 MiB,
// then multiples of 64 KiB (a wasm page). At most 1/8 of a buffer is slack
// beyond the first tiers.
size_t bucket_size(size_t n) {
  if (n <= 4096) return n == 0 ? kAlign : (n + kAlign - 1) / kAlign * kAlign;
  if (n <= (size_t(1) << 20)) {
    size_t b = 4096;
    while (b < n) b <<= 1;
    if (b - n > n / 8) b = (n + 4095) / 4096 * 4096;  // avoid doubling mid-sized buffers
    return b;
  }
  return (n + 65535) / 65536 * 65536;
}

struct State {
  std::mutex mu;
  size_t live = 0, peak = 0, cached = 0;
  size_t limit = size_t(256) << 20;
  std::map<size_t, std::vector<void*>> cache;  // bucket size -> free buffers
};
State& state() {
  static State* s = new State();  // outlives static destructors of arrays
  return *s;
}

void trim_locked(State& s, size_t target) {
  // Free the largest buffers first: they return the most memory to dlmalloc.
  while (s.cached > target && !s.cache.empty()) {
    auto it = std::prev(s.cache.end());
    std::free(it->second.back());
    it->second.pop_back();
    s.cached -= it->first;
    if (it->second.empty()) s.cache.erase(it);
  }
}

}  // namespace

const char* const kOutOfMemoryAdvice =
    "out of memory (wasm memory ends at 4 GiB). Free arrays you no longer need with dispose(), `using` or "
    "mx.tidy(), then try again.";

void* malloc(uint64_t nbytes) {
  if (nbytes > std::numeric_limits<size_t>::max() - 65536)
    fail("malloc", "Unable to allocate ", nbytes, " bytes: more than this build's address space.");
  State& s = state();
  size_t b = bucket_size(size_t(nbytes));
  void* p = nullptr;
  {
    std::lock_guard<std::mutex> lk(s.mu);
    auto it = s.cache.find(b);
    if (it != s.cache.end()) {
      p = it->second.back();
      it->second.pop_back();
      s.cached -= b;
      if (it->second.empty()) s.cache.erase(it);
    }
  }
  if (!p) {
    p = std::aligned_alloc(kAlign, b);
    if (!p) {  // give the cache back and try once more
      {
        std::lock_guard<std::mutex> lk(s.mu);
        trim_locked(s, 0);
      }
      p = std::aligned_alloc(kAlign, b);
    }
    if (!p) fail("malloc", "Unable to allocate ", nbytes, " bytes: ", kOutOfMemoryAdvice);
  }
  std::lock_guard<std::mutex> lk(s.mu);
  s.live += b;
  if (s.live > s.peak) s.peak = s.live;
  return p;
}

void free(void* ptr, uint64_t nbytes) {
  if (!ptr) return;
  State& s = state();
  size_t b = bucket_size(size_t(nbytes));
  std::lock_guard<std::mutex> lk(s.mu);
  s.live -= b;
  if (b <= s.limit) {
    s.cache[b].push_back(ptr);
    s.cached += b;
    trim_locked(s, s.limit);
  } else {
    std::free(ptr);
  }
}

Stats stats() {
  State& s = state();
  std::lock_guard<std::mutex> lk(s.mu);
  return {s.live, s.peak, s.cached};
}

void set_cache_limit(size_t bytes) {
  State& s = state();
  std::lock_guard<std::mutex> lk(s.mu);
  s.limit = bytes;
  trim_locked(s, bytes);
}

void clear_cache() {
  State& s = state();
  std::lock_guard<std::mutex> lk(s.mu);
  trim_locked(s, 0);
}

}  // namespace wmx::allocator

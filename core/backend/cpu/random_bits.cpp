// The CPU kernels of RandomBits (their shapes and transform rules:
// core/primitives/random_bits.cpp).
#include "primitives/random_bits.h"

#include <cstring>

#include "thread_pool.h"

namespace wmx {

std::pair<uint32_t, uint32_t> threefry2x32(std::pair<uint32_t, uint32_t> key, std::pair<uint32_t, uint32_t> count) {
  static constexpr uint32_t rot[2][4] = {{13, 15, 26, 6}, {17, 29, 16, 24}};
  const uint32_t ks[3] = {key.first, key.second, key.first ^ key.second ^ 0x1BD11BDAu};
  uint32_t x0 = count.first + ks[0], x1 = count.second + ks[1];
  for (uint32_t i = 0; i < 5; ++i) {
    for (uint32_t r : rot[i % 2]) {
      x0 += x1;
      x1 = (x1 << r) | (x1 >> (32 - r));
      x1 ^= x0;
    }
    x0 += ks[(i + 1) % 3];
    x1 += ks[(i + 2) % 3] + i + 1;
  }
  return {x0, x1};
}

void RandomBits::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& keys = in[0];
  array& y = out[0];
  y.allocate();
  const int64_t num_keys = keys.size() / 2;
  if (num_keys == 0 || y.size() == 0) return;
  const uint64_t bytes_per_key = uint64_t(y.size() / num_keys) * y.itemsize();
  const uint64_t words = (bytes_per_key + 3) / 4;  // uint32 words per key (the last may be partial)
  const uint64_t half = words / 2;
  const bool even = words % 2 == 0;
  char* base = static_cast<char*>(y.raw_data());
  // Keys may be strided: walk the last axis by its stride.
  const uint32_t* kp = keys.data<uint32_t>();
  const int64_t kn = keys.ndim();
  auto key_at = [&](int64_t i) {
    int64_t flat = 2 * i, off = 0;
    for (int64_t d = kn - 1; d >= 0; --d) {
      off += (flat % keys.shape()[d]) * keys.strides()[d];
      flat /= keys.shape()[d];
    }
    return std::make_pair(kp[off], kp[off + keys.strides()[kn - 1]]);
  };
  for (int64_t i = 0; i < num_keys; ++i) {
    char* c = base + i * bytes_per_key;
    auto key = key_at(i);
    // Word w of this key's block; the last word may be cut short.
    auto put = [&](uint64_t w, uint32_t v) {
      if (4 * w + 4 <= bytes_per_key) std::memcpy(c + 4 * w, &v, 4);
      else std::memcpy(c + 4 * w, &v, bytes_per_key - 4 * w);
    };
    // Counter (j, half + !even + j) fills words j and half + !even + j.
    const uint64_t second0 = half + (even ? 0 : 1);
    parallel_for(int64_t(half), 1 << 13, [&](int64_t b, int64_t e) {
      for (int64_t j = b; j < e; ++j) {
        auto r = threefry2x32(key, {uint32_t(j), uint32_t(second0 + j)});
        put(uint64_t(j), r.first);
        put(second0 + uint64_t(j), r.second);
      }
    });
    if (!even) put(half, threefry2x32(key, {uint32_t(half), 0u}).first);
  }
}

}  // namespace wmx

#include "backend/cpu/kernels/quantized.h"

#include "backend/cpu/kernels/simd.h"

namespace wmx {

void dequantize_row(const uint32_t* w, const float* s, const float* b, int64_t n, int bits, int group_size,
                    float* out) {
  const uint32_t mask = (1u << bits) - 1u;
  if (32 % bits == 0) {  // 2, 4, 8 bits: codes never straddle two words
    const int per_word = 32 / bits;
    for (int64_t g = 0; g < n / group_size; ++g) {
      const float sg = s[g], bg = b[g];
      const uint32_t* wg = w + g * group_size / per_word;
      float* og = out + g * group_size;
      for (int j = 0; j < group_size / per_word; ++j) {
        const uint32_t word = wg[j];
        for (int e = 0; e < per_word; ++e) og[j * per_word + e] = sg * float((word >> (e * bits)) & mask) + bg;
      }
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {  // 3, 5, 6 bits: a code may straddle two words
    const int64_t bit = i * bits;
    const int64_t word = bit >> 5;
    const int shift = int(bit & 31);
    uint64_t v = w[word] >> shift;
    if (shift + bits > 32) v |= uint64_t(w[word + 1]) << (32 - shift);
    const int64_t g = i / group_size;
    out[i] = s[g] * float(uint32_t(v) & mask) + b[g];
  }
}

float dot_f32(const float* a, const float* b, int64_t n) {
  using namespace simd;
  f32x4 acc0 = splat(0), acc1 = splat(0);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    acc0 += load(a + i) * load(b + i);
    acc1 += load(a + i + 4) * load(b + i + 4);
  }
  float sum = hsum(acc0 + acc1);
  for (; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

void axpy_f32(float a, const float* x, float* y, int64_t n) {
  using namespace simd;
  const f32x4 av = splat(a);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) store(y + i, load(y + i) + av * load(x + i));
  for (; i < n; ++i) y[i] += a * x[i];
}

}  // namespace wmx

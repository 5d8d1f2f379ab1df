// RandomBits: counter-based random bits from threefry2x32 (20 rounds, as
// JAX and MLX), laid out exactly as MLX's CPU kernel so the same key gives
// the same bits. Input: keys of shape (N1, ..., NK, 2) uint32; output shape
// (N1, ..., NK, M...) of uint8/16/32 (width 1/2/4 bytes), each key filling
// its own contiguous block of M... elements.
#pragma once
#include <cstdint>
#include <utility>

#include "primitive.h"

namespace wmx {

// One threefry2x32-20 block: the Random123 hash of `count` under `key`.
std::pair<uint32_t, uint32_t> threefry2x32(std::pair<uint32_t, uint32_t> key, std::pair<uint32_t, uint32_t> count);

class RandomBits : public Primitive {
 public:
  RandomBits(Shape shape, int width) : shape_(std::move(shape)), width_(width) {}
  const char* name() const override { return "RandomBits"; }
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override;
  WMX_TRANSFORM_RULES
  bool is_equivalent(const Primitive& o) const override;

 private:
  Shape shape_;  // per-key shape
  int width_;
};

}  // namespace wmx

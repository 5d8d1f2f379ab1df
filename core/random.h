// mx.random: MLX's splittable counter-based generator (threefry2x32). A key
// is a uint32 array of shape (2); samplers take an optional key and, without
// one, split the global key (reset by seed). Same key, same numbers, on every
// build: bits are pure integer arithmetic and the float conversions follow MLX.
#pragma once
#include <cstdint>
#include <optional>

#include "array.h"

namespace wmx::random {

array key(uint64_t seed);
void seed(uint64_t seed);
// The next key of the global sequence (splits the global key).
array next_key();
// Raw bits: uint8/uint16/uint32 for width 1/2/4.
array bits(const Shape& shape, int width = 4, const std::optional<array>& key = std::nullopt);
// num new keys, shape (num, 2).
array split(const array& key, int num = 2);

array uniform(const array& low, const array& high, const Shape& shape, Dtype dtype = Dtype::float32,
              const std::optional<array>& key = std::nullopt);
array normal(const Shape& shape, Dtype dtype = Dtype::float32, double loc = 0, double scale = 1,
             const std::optional<array>& key = std::nullopt);
// Integers in [low, high).
array randint(const array& low, const array& high, const Shape& shape, Dtype dtype = Dtype::int32,
              const std::optional<array>& key = std::nullopt);
// shape absent: p's shape.
array bernoulli(const array& p, const std::optional<Shape>& shape = std::nullopt,
                const std::optional<array>& key = std::nullopt);
// shape absent: lower and upper broadcast together.
array truncated_normal(const array& lower, const array& upper, const std::optional<Shape>& shape = std::nullopt,
                       Dtype dtype = Dtype::float32, const std::optional<array>& key = std::nullopt);
array gumbel(const Shape& shape, Dtype dtype = Dtype::float32, const std::optional<array>& key = std::nullopt);
// Samples indices from the distribution softmax(logits) along axis; at most
// one of shape and num_samples.
array categorical(const array& logits, int axis = -1, const std::optional<Shape>& shape = std::nullopt,
                  std::optional<int> num_samples = std::nullopt, const std::optional<array>& key = std::nullopt);

}  // namespace wmx::random

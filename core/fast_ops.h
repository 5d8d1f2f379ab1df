// mx.fast: rms_norm, layer_norm, rope and scaled_dot_product_attention as
// compositions of existing ops (MLX's results; transform rules for free).
#pragma once
#include <optional>
#include <string>

#include "array.h"

namespace wmx {

// x * rsqrt(mean(x^2, -1) + eps) * weight (weight over the last axis; optional).
array rms_norm(const array& x, const std::optional<array>& weight, double eps);
// (x - mean) * rsqrt(var + eps) * weight + bias over the last axis.
array layer_norm(const array& x, const std::optional<array>& weight, const std::optional<array>& bias, double eps);
// Rotary embeddings of the first `dims` features of the last axis, positions
// along axis -2: angle (offset + t) * scale * base^(-2i / dims).
// traditional: rotate consecutive pairs; else the two halves.
array rope(const array& x, int dims, bool traditional, double base, double scale, int offset);
// softmax(scale * q k^T + mask) v over (B, N, T, D) operands; k and v may have
// fewer heads (grouped-query attention). mask: boolean (true = attend),
// additive, or `causal` (lower-right aligned, as MLX).
array scaled_dot_product_attention(const array& q, const array& k, const array& v, double scale,
                                   const std::optional<array>& mask, bool causal = false);

}  // namespace wmx

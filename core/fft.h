// mx.fft (MLX semantics): complex and real discrete Fourier transforms over
// any axes and lengths, and the frequency shifts. Built from the FFT
// primitive (one axis, unscaled) and layout ops, so gradients and vmap
// follow from theirs.
#pragma once
#include <vector>

#include "array.h"

namespace wmx {

enum class FFTNorm { backward = 0, ortho = 1, forward = 2 };

// The transform of `a` over `axes`, each axis first truncated or zero-padded
// to its entry of `n` (for irfft kinds, n is the output length of the last
// axis and its input is taken at n / 2 + 1). real: rfft (forward, real input,
// last axis halved) or irfft (inverse, real output). op: the error tag.
array fft_nd(const array& a, const Shape& n, const std::vector<int>& axes, bool real, bool inverse, FFTNorm norm,
             const char* op);
// As fft_nd with n the input's sizes along axes (irfft: 2 * (size - 1) on the last).
array fft_nd(const array& a, const std::vector<int>& axes, bool real, bool inverse, FFTNorm norm, const char* op);

// Rolls each of `axes` by half its length (inverse: back).
array fftshift(const array& a, const std::vector<int>& axes, bool inverse, const char* op);

}  // namespace wmx

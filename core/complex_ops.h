// complex64 ops. Each is built from the primitives of primitives/complex.h
// (MakeComplex, Real, Imag, FFT) and real float32 ops, so it inherits their
// gradients, vmap and compile support. The real ops (ops.cpp, math_ops.cpp)
// hand complex operands to these; any op without a complex form here throws
// "[op] complex64 is not supported." (MLX rejects complex in many ops too).
#pragma once
#include <vector>

#include "array.h"

namespace wmx {

// re + i im, float32 parts (cast to float32, broadcast together).
array make_complex(const array& re, const array& im);
// The real / imaginary part as float32; real inputs: the input / zeros, as in MLX.
array real(const array& a);
array imag(const array& a);
array conjugate(const array& a);
// `a` as complex64 (real dtypes: the value as the real part).
array to_complex(const array& a);

// The unscaled DFT of `a` (cast to complex64) along `axis` (non-negative);
// inverse: the conjugate transform, without the 1/n.
array fft_along(const array& a, int axis, bool inverse);

// The complex forms of the real ops, called by them when an operand is complex64.
array complex_unary(const char* op, const array& a);
array complex_binary(const char* op, const array& a, const array& b);
array complex_reduce(const char* op, const array& a, const std::vector<int>& axes, bool keepdims);
array complex_matmul(const array& a, const array& b);

}  // namespace wmx

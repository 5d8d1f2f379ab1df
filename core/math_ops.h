// Unary math and creation operations (MLX semantics), building graph nodes
// like ops.h. Output dtypes as MLX: transcendental ops promote integer and
// bool inputs to float32; abs/negative/sign/square keep the dtype; floor,
// ceil and round return integer inputs unchanged; isnan/isinf/isfinite and
// logical_not give bool.
#pragma once
#include "array.h"

namespace wmx {

// ---- unary ----
array abs(const array& a);
array negative(const array& a);
array sign(const array& a);
array square(const array& a);
array reciprocal(const array& a);
array exp(const array& a);
array expm1(const array& a);
array log(const array& a);
array log1p(const array& a);
array log2(const array& a);
array log10(const array& a);
array sqrt(const array& a);
array rsqrt(const array& a);
array sin(const array& a);
array cos(const array& a);
array tan(const array& a);
array arcsin(const array& a);
array arccos(const array& a);
array arctan(const array& a);
array sinh(const array& a);
array cosh(const array& a);
array tanh(const array& a);
array arcsinh(const array& a);
array arccosh(const array& a);
array arctanh(const array& a);
array sigmoid(const array& a);
array erf(const array& a);
array erfinv(const array& a);
array floor(const array& a);
array ceil(const array& a);
array round(const array& a, int decimals = 0);  // half to even
array isnan(const array& a);
array isinf(const array& a);
array isfinite(const array& a);
array logical_not(const array& a);
array stop_gradient(const array& a);

// ---- creation ----
// MLX's arange: ceil((stop - start) / step) elements start + i * step.
array arange(double start, double stop, double step, Dtype dtype = Dtype::float32);
array arange(double stop, Dtype dtype = Dtype::float32);
array linspace(double start, double stop, int num = 50, Dtype dtype = Dtype::float32);
array eye(int n, int m, int k = 0, Dtype dtype = Dtype::float32);
array identity(int n, Dtype dtype = Dtype::float32);
array zeros_like(const array& a);
array ones_like(const array& a);
// tri(n, m, k)[i, j] = j <= i + k.
array tri(int n, int m, int k = 0, Dtype dtype = Dtype::float32);
array tril(const array& x, int k = 0);
array triu(const array& x, int k = 0);

// where(cond, x, y): x where cond is true, else y; the three broadcast, x and
// y promote to a common dtype (MLX semantics).
array where(const array& cond, const array& x, const array& y);

}  // namespace wmx

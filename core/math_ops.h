// Unary math and creation operations (MLX semantics), building graph nodes
// like ops.h. Output dtypes as MLX: transcendental ops promote integer and
// bool inputs to float32; abs/negative/sign/square keep the dtype; floor,
// ceil and round return integer inputs unchanged; isnan/isinf/isfinite and
// logical_not give bool.
#pragma once
#include "array.h"
#include "unary_list.h"

namespace wmx {

// ---- unary ----
// The ops of core/unary_list.h (every kind but `decimals` takes one array).
#define WMX_DECLARE_UNARY_same(f) array f(const array& a);
#define WMX_DECLARE_UNARY_floating(f) array f(const array& a);
#define WMX_DECLARE_UNARY_custom(f) array f(const array& a);
#define WMX_DECLARE_UNARY_decimals(f)
#define WMX_DECLARE_UNARY(P, f, kind) WMX_UNARY_BY_KIND(WMX_DECLARE_UNARY_, kind)(f)
WMX_UNARY_OPS(WMX_DECLARE_UNARY)
#undef WMX_DECLARE_UNARY
#undef WMX_DECLARE_UNARY_same
#undef WMX_DECLARE_UNARY_floating
#undef WMX_DECLARE_UNARY_custom
#undef WMX_DECLARE_UNARY_decimals
array round(const array& a, int decimals = 0);  // half to even
array reciprocal(const array& a);               // 1 / a in at least float32 (a composite, no primitive)

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

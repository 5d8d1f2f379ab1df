#include "math_ops.h"

#include <climits>
#include <cmath>
#include <memory>

#include "complex_ops.h"
#include "error.h"
#include "ops.h"
#include "primitives/creation.h"
#include "primitives/unary.h"
#include "reduce_ops.h"

namespace wmx {

namespace {

// MLX's at_least_float: floating dtypes stay, integers and bool become float32.
Dtype at_least_float(Dtype t) { return is_inexact(t) ? t : Dtype::float32; }

template <typename P>
array unary(const array& a, Dtype compute, Dtype out) {
  array x = astype(a, compute);
  return array(x.shape(), out, std::make_shared<P>(), {x});
}
// Same dtype in and out.
template <typename P>
array same(const array& a) {
  return unary<P>(a, a.dtype(), a.dtype());
}
// Transcendental: computed in (and returning) at least float32.
template <typename P>
array floating(const array& a) {
  Dtype t = at_least_float(a.dtype());
  return unary<P>(a, t, t);
}

}  // namespace

// ---- unary ----

// The `same` and `floating` ops of core/unary_list.h; the `custom` ones follow.
// complex64 operands go to complex_unary (which knows the ops MLX supports on complex).
#define WMX_DEFINE_UNARY_same(P, f) \
  array f(const array& a) { return is_complex(a.dtype()) ? complex_unary(#f, a) : same<P>(a); }
#define WMX_DEFINE_UNARY_floating(P, f) \
  array f(const array& a) { return is_complex(a.dtype()) ? complex_unary(#f, a) : floating<P>(a); }
#define WMX_DEFINE_UNARY_custom(P, f)
#define WMX_DEFINE_UNARY_decimals(P, f)
#define WMX_DEFINE_UNARY(P, f, kind) WMX_UNARY_BY_KIND(WMX_DEFINE_UNARY_, kind)(P, f)
WMX_UNARY_OPS(WMX_DEFINE_UNARY)
#undef WMX_DEFINE_UNARY
#undef WMX_DEFINE_UNARY_same
#undef WMX_DEFINE_UNARY_floating
#undef WMX_DEFINE_UNARY_custom
#undef WMX_DEFINE_UNARY_decimals

array abs(const array& a) {
  if (is_complex(a.dtype())) return complex_unary("abs", a);
  if (a.dtype() == Dtype::bool_ || kind_of(a.dtype()) == DtypeKind::unsigned_int) return a;
  return same<Abs>(a);
}
array negative(const array& a) {
  if (is_complex(a.dtype())) return complex_unary("negative", a);
  if (a.dtype() == Dtype::bool_) fail("negative", "Not supported for bool, use logical_not instead.");
  return same<Negative>(a);
}
array reciprocal(const array& a) {
  Dtype t = at_least_float(a.dtype());
  return divide(array::scalar(1.0, t), astype(a, t));
}

// Integer (and bool) inputs are already whole: returned unchanged, as MLX.
array floor(const array& a) {
  if (is_complex(a.dtype())) fail("floor", "complex64 is not supported."); return is_floating(a.dtype()) ? same<Floor>(a) : a; }
array ceil(const array& a) {
  if (is_complex(a.dtype())) fail("ceil", "complex64 is not supported."); return is_floating(a.dtype()) ? same<Ceil>(a) : a; }
array round(const array& a, int decimals) {
  if (is_complex(a.dtype())) fail("round", "complex64 is not supported.");
  if (!is_floating(a.dtype())) return a;
  if (decimals == 0) return same<Round>(a);
  // MLX: round(a * 10^d) / 10^d, the scale in a's dtype.
  array scale = array::scalar(std::pow(10.0, decimals), a.dtype());
  return divide(same<Round>(multiply(a, scale)), scale);
}

array isnan(const array& a) {
  if (is_complex(a.dtype())) return logical_or(isnan(real(a)), isnan(imag(a)));
  if (!is_floating(a.dtype())) return full_like(a, 0.0, Dtype::bool_);
  return unary<IsNaN>(a, a.dtype(), Dtype::bool_);
}
array isinf(const array& a) {
  if (is_complex(a.dtype())) return logical_or(isinf(real(a)), isinf(imag(a)));
  if (!is_floating(a.dtype())) return full_like(a, 0.0, Dtype::bool_);
  return unary<IsInf>(a, a.dtype(), Dtype::bool_);
}
array isfinite(const array& a) {
  if (is_complex(a.dtype())) return logical_and(isfinite(real(a)), isfinite(imag(a)));
  if (!is_floating(a.dtype())) return full_like(a, 1.0, Dtype::bool_);
  return unary<IsFinite>(a, a.dtype(), Dtype::bool_);
}
array logical_not(const array& a) { return unary<LogicalNot>(a, Dtype::bool_, Dtype::bool_); }

// ---- creation ----

array arange(double start, double stop, double step, Dtype dtype) {
  if (dtype == Dtype::bool_) fail("arange", "bool is not supported for arange.");
  if (std::isnan(start) || std::isnan(stop) || std::isnan(step))
    fail("arange", "Cannot use NaN for start, stop, or step.");
  if (std::isinf(start) || std::isinf(stop)) fail("arange", "Cannot use infinity for start or stop.");
  if (step == 0) fail("arange", "Cannot use a step of zero.");
  double real_size = std::ceil((stop - start) / step);
  if (real_size > double(INT_MAX)) fail("arange", "Maximum size exceeded.");
  int64_t size = real_size > 0 ? int64_t(real_size) : 0;
  return array({size}, dtype, std::make_shared<Arange>(start, stop, step), {});
}
array arange(double stop, Dtype dtype) { return arange(0.0, stop, 1.0, dtype); }

array linspace(double start, double stop, int num, Dtype dtype) {
  if (num < 0) fail("linspace", "number of samples, ", num, ", must be non-negative.");
  if (num == 1) return astype(full({1}, start, dtype == Dtype::float64 ? dtype : Dtype::float32), dtype);
  // MLX's formula: (1 - t) * start + t * stop with t = i / (num - 1), in
  // float32 (float64 when asked for), so both ends are exact.
  Dtype t_dtype = dtype == Dtype::float64 ? Dtype::float64 : Dtype::float32;
  array t = divide(arange(0.0, double(num), 1.0, t_dtype), array::scalar(double(num - 1), t_dtype));
  array t_bar = subtract(array::scalar(1.0, t_dtype), t);
  array r = add(multiply(t_bar, array::scalar(start, t_dtype)), multiply(t, array::scalar(stop, t_dtype)));
  return astype(r, dtype);
}

array eye(int n, int m, int k, Dtype dtype) {
  if (n <= 0 || m <= 0) fail("eye", "N and M must be positive integers.");
  array i = reshape(arange(0.0, double(n), 1.0, Dtype::int32), {n, 1});
  array j = reshape(arange(double(-k), double(m - k), 1.0, Dtype::int32), {1, m});
  return astype(equal(i, j), dtype);  // j - k == i
}
array identity(int n, Dtype dtype) {
  if (n <= 0) fail("identity", "N must be a positive integer.");
  return eye(n, n, 0, dtype);
}

array zeros_like(const array& a) { return full_like(a, 0.0, a.dtype()); }
array ones_like(const array& a) { return full_like(a, 1.0, a.dtype()); }

array tri(int n, int m, int k, Dtype dtype) {
  if (n < 0 || m < 0) fail("tri", "N and M must be non-negative integers.");
  array l = reshape(arange(0.0, double(n), 1.0, Dtype::int32), {n, 1});
  array r = reshape(arange(double(-k), double(m - k), 1.0, Dtype::int32), {1, m});
  return astype(greater_equal(l, r), dtype);
}
array tril(const array& x, int k) {
  if (x.ndim() < 2) fail("tril", "array must be at least 2-D");
  int n = int(x.shape(-2)), m = int(x.shape(-1));
  return where(tri(n, m, k, Dtype::bool_), x, zeros_like(x));
}
array triu(const array& x, int k) {
  if (x.ndim() < 2) fail("triu", "array must be at least 2-D");
  int n = int(x.shape(-2)), m = int(x.shape(-1));
  return where(tri(n, m, k - 1, Dtype::bool_), zeros_like(x), x);
}

array where(const array& cond, const array& x, const array& y) {
  Dtype t = promote_types(x.dtype(), y.dtype());
  if (is_complex(t))
    return make_complex(where(cond, real(to_complex(x)), real(to_complex(y))),
                        where(cond, imag(to_complex(x)), imag(to_complex(y))));
  Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), x.shape(), "where"), y.shape(), "where");
  array c = broadcast_to(astype(cond, Dtype::bool_), shape, "where");
  array a = broadcast_to(astype(x, t), shape, "where");
  array b = broadcast_to(astype(y, t), shape, "where");
  return array(shape, t, std::make_shared<Select>(), {c, a, b});
}

}  // namespace wmx

#include "complex_ops.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/complex.h"
#include "reduce_ops.h"
#include "shape_ops.h"

namespace wmx {

namespace {

bool is(const char* op, const char* name) { return std::strcmp(op, name) == 0; }

array f32(double v) { return array::scalar(v, Dtype::float32); }

}  // namespace

array make_complex(const array& re, const array& im) {
  Shape shape = broadcast_shapes(re.shape(), im.shape(), "complex");
  array r = broadcast_to(astype(re, Dtype::float32), shape, "complex");
  array i = broadcast_to(astype(im, Dtype::float32), shape, "complex");
  return array(shape, Dtype::complex64, std::make_shared<MakeComplex>(), {r, i});
}

array real(const array& a) {
  if (!is_complex(a.dtype())) return a;
  return array(a.shape(), Dtype::float32, std::make_shared<ComplexPart>(false), {a});
}
array imag(const array& a) {
  if (!is_complex(a.dtype())) return zeros_like(a);
  return array(a.shape(), Dtype::float32, std::make_shared<ComplexPart>(true), {a});
}
array conjugate(const array& a) {
  if (!is_complex(a.dtype())) return a;
  return make_complex(real(a), negative(imag(a)));
}
array to_complex(const array& a) {
  if (is_complex(a.dtype())) return a;
  array re = astype(a, Dtype::float32);
  return make_complex(re, zeros_like(re));
}

array fft_along(const array& a, int axis, bool inverse) {
  array x = to_complex(a);
  return array(x.shape(), Dtype::complex64, std::make_shared<FFT>(axis, inverse), {x});
}

// ---- elementwise ----

array complex_unary(const char* op, const array& a) {
  const array re = real(a), im = imag(a);
  if (is(op, "negative")) return make_complex(negative(re), negative(im));
  if (is(op, "abs")) return sqrt(add(multiply(re, re), multiply(im, im)));
  if (is(op, "square")) return complex_binary("multiply", a, a);
  if (is(op, "exp")) {  // e^re (cos im + i sin im)
    array m = exp(re);
    return make_complex(multiply(m, cos(im)), multiply(m, sin(im)));
  }
  if (is(op, "log"))  // log|a| + i arg(a)
    return make_complex(log(complex_unary("abs", a)), arctan2(im, re));
  if (is(op, "sqrt")) {
    // Principal root: sqrt((|a| + re) / 2) + i sign(im) sqrt((|a| - re) / 2).
    array r = complex_unary("abs", a);
    array half = f32(0.5);
    array s = sqrt(multiply(add(r, re), half));
    array t = sqrt(multiply(subtract(r, re), half));
    return make_complex(s, where(less(im, f32(0.0)), negative(t), t));
  }
  if (is(op, "rsqrt")) return complex_binary("divide", f32(1.0), complex_unary("sqrt", a));
  if (is(op, "log2")) return complex_binary("divide", complex_unary("log", a), f32(std::log(2.0)));
  if (is(op, "log10")) return complex_binary("divide", complex_unary("log", a), f32(std::log(10.0)));
  // sin(x + iy) = sin x cosh y + i cos x sinh y, and the like.
  if (is(op, "sin")) return make_complex(multiply(sin(re), cosh(im)), multiply(cos(re), sinh(im)));
  if (is(op, "cos")) return make_complex(multiply(cos(re), cosh(im)), negative(multiply(sin(re), sinh(im))));
  if (is(op, "sinh")) return make_complex(multiply(sinh(re), cos(im)), multiply(cosh(re), sin(im)));
  if (is(op, "cosh")) return make_complex(multiply(cosh(re), cos(im)), multiply(sinh(re), sin(im)));
  if (is(op, "tan")) return complex_binary("divide", complex_unary("sin", a), complex_unary("cos", a));
  if (is(op, "tanh")) return complex_binary("divide", complex_unary("sinh", a), complex_unary("cosh", a));
  if (is(op, "stop_gradient")) return make_complex(stop_gradient(re), stop_gradient(im));
  fail(op, "complex64 is not supported.");
}

array complex_binary(const char* op, const array& a, const array& b) {
  const array x = to_complex(a), y = to_complex(b);
  const array xr = real(x), xi = imag(x), yr = real(y), yi = imag(y);
  if (is(op, "add")) return make_complex(add(xr, yr), add(xi, yi));
  if (is(op, "subtract")) return make_complex(subtract(xr, yr), subtract(xi, yi));
  if (is(op, "multiply"))
    return make_complex(subtract(multiply(xr, yr), multiply(xi, yi)), add(multiply(xr, yi), multiply(xi, yr)));
  if (is(op, "divide")) {
    array d = add(multiply(yr, yr), multiply(yi, yi));
    return make_complex(divide(add(multiply(xr, yr), multiply(xi, yi)), d),
                        divide(subtract(multiply(xi, yr), multiply(xr, yi)), d));
  }
  if (is(op, "equal")) return logical_and(equal(xr, yr), equal(xi, yi));
  if (is(op, "not_equal")) return logical_or(not_equal(xr, yr), not_equal(xi, yi));
  fail(op, "complex64 is not supported.");
}

// ---- reductions ----

namespace {

// The product over the last axis by halving: O(log n) complex multiplies.
array prod_last_axis(array x) {
  for (;;) {
    const int64_t n = x.shape(-1);
    if (n == 1) return squeeze(x, {-1});
    if (n == 0) {
      Shape s = x.shape();
      s.pop_back();
      return to_complex(ones(s, Dtype::float32));
    }
    if (n % 2) {
      Shape s = x.shape();
      s.back() = 1;
      x = concatenate({x, to_complex(ones(s, Dtype::float32))}, -1);
    }
    const int64_t h = x.shape(-1) / 2;
    std::vector<SliceArg> lo(size_t(x.ndim())), hi(size_t(x.ndim()));
    lo.back() = {0, h, 1};
    hi.back() = {h, 2 * h, 1};
    x = complex_binary("multiply", slice(x, lo), slice(x, hi));
  }
}

}  // namespace

array complex_reduce(const char* op, const array& a, const std::vector<int>& axes_in, bool keepdims) {
  if (is(op, "sum")) return make_complex(sum(real(a), axes_in, keepdims), sum(imag(a), axes_in, keepdims));
  if (is(op, "mean")) return make_complex(mean(real(a), axes_in, keepdims), mean(imag(a), axes_in, keepdims));
  if (!is(op, "prod")) fail(op, "complex64 is not supported.");
  std::vector<int> axes;
  for (int ax : axes_in) axes.push_back(normalize_axis(ax, a.ndim(), "prod"));
  std::sort(axes.begin(), axes.end());
  if (std::adjacent_find(axes.begin(), axes.end()) != axes.end()) fail("prod", "Received duplicate axes.");
  // Reduced axes last, flattened into one.
  std::vector<int> perm;
  Shape kept, kept_dims = a.shape();
  for (int d = 0; d < a.ndim(); ++d)
    if (!std::binary_search(axes.begin(), axes.end(), d)) {
      perm.push_back(d);
      kept.push_back(a.shape()[d]);
    }
  int64_t n = 1;
  for (int d : axes) {
    perm.push_back(d);
    n *= a.shape()[d];
    kept_dims[d] = 1;
  }
  Shape flat = kept;
  flat.push_back(n);
  array r = prod_last_axis(reshape(transpose(a, perm), flat));
  return reshape(r, keepdims ? kept_dims : kept);
}

array complex_matmul(const array& a, const array& b) {
  const array x = to_complex(a), y = to_complex(b);
  const array xr = real(x), xi = imag(x), yr = real(y), yi = imag(y);
  return make_complex(subtract(matmul(xr, yr), matmul(xi, yi)), add(matmul(xr, yi), matmul(xi, yr)));
}

}  // namespace wmx

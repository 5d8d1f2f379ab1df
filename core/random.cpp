#include "random.h"

#include <algorithm>

#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>

#include "error.h"
#include "math_ops.h"
#include "ops.h"
#include "primitives/random_bits.h"
#include "shape_limits.h"
#include "reduce_ops.h"
#include "shape_ops.h"
#include "transforms.h"

namespace wmx::random {

namespace {

std::mutex& key_mutex() {
  static std::mutex m;
  return m;
}
array& global_key() {
  static array k = key(uint64_t(std::chrono::system_clock::now().time_since_epoch().count()));
  return k;
}

array check_key(const std::optional<array>& k, const char* op) {
  if (!k) return next_key();
  if (k->dtype() != Dtype::uint32) fail(op, "Expected key type uint32 but received ", name_of(k->dtype()), ".");
  if (k->shape() != Shape{2}) fail(op, "Expected key shape (2) but received ", shape_str(k->shape()), ".");
  return *k;
}

void check_shape(const Shape& shape, const char* op) {
  for (auto d : shape)
    if (d < 0) fail(op, "Negative dimension in shape ", shape_str(shape), ".");
  check_shape_limits(shape, op);
}

}  // namespace

array key(uint64_t seed) {
  array k = array::empty({2}, Dtype::uint32);
  k.data<uint32_t>()[0] = uint32_t(seed >> 32);
  k.data<uint32_t>()[1] = uint32_t(seed);
  return k;
}

void seed(uint64_t s) {
  std::lock_guard<std::mutex> lock(key_mutex());
  global_key() = key(s);
}

array next_key() {
  std::lock_guard<std::mutex> lock(key_mutex());
  array& g = global_key();
  array ks = random::split(g, 2);
  // The global key is evaluated eagerly here so it never holds a graph.
  array a = reshape(take(ks, array::scalar(0, Dtype::int32), 0), {2});
  array b = reshape(take(ks, array::scalar(1, Dtype::int32), 0), {2});
  eval(std::vector<array>{a, b});
  g = a;
  return b;
}

array bits(const Shape& shape, int width, const std::optional<array>& key_in) {
  check_shape(shape, "bits");
  Dtype t;
  switch (width) {
    case 4: t = Dtype::uint32; break;
    case 2: t = Dtype::uint16; break;
    case 1: t = Dtype::uint8; break;
    default: fail("bits", "Bit width must be in {1, 2, 4} but got ", width, ".");
  }
  array k = check_key(key_in, "bits");
  return array(shape, t, std::make_shared<RandomBits>(shape, width), {k});
}

array split(const array& key, int num) {
  if (num < 0) fail("split", "The number of keys must be non-negative, got ", num, ".");
  check_key(key, "split");
  return bits({num, 2}, 4, key);
}

array uniform(const array& low, const array& high, const Shape& shape, Dtype dtype, const std::optional<array>& key) {
  if (!is_floating(dtype)) fail("uniform", "Can only generate uniform numbers with real floating point type.");
  check_shape(shape, "uniform");
  array lo = astype(low, dtype), hi = astype(high, dtype);
  array range = subtract(hi, lo);
  if (broadcast_shapes(shape, range.shape(), "uniform") != shape)
    fail("uniform", "Cannot generate random values of shape ", shape_str(shape), " from broadcasted shape ",
         shape_str(broadcast_shapes(shape, range.shape(), "uniform")), ".");
  // Values in [0, below_one] (below_one: the largest value < 1 of dtype), as MLX.
  double below_one = dtype == Dtype::float16    ? 1.0 - std::ldexp(1.0, -11)
                     : dtype == Dtype::bfloat16 ? 1.0 - std::ldexp(1.0, -8)
                                                : double(std::nextafter(1.0f, 0.0f));
  array k = check_key(key, "uniform");
  array u = divide(astype(bits(shape, 4, k), Dtype::float32), array::scalar(4294967295.0, Dtype::float32));
  u = astype(minimum(u, array::scalar(below_one, Dtype::float32)), dtype);
  return add(multiply(range, u), lo);
}

array normal(const Shape& shape, Dtype dtype, double loc, double scale, const std::optional<array>& key) {
  if (!is_floating(dtype)) fail("normal", "Can only generate normal numbers with floating point type.");
  check_shape(shape, "normal");  // here, so that errors name normal, not the uniform below
  const std::optional<array> k = check_key(key, "normal");
  array low = array::scalar(std::nextafter(-1.0f, 0.0f), Dtype::float32);
  array high = array::scalar(1.0, Dtype::float32);
  array s = uniform(low, high, shape, Dtype::float32, k);
  array out = multiply(array::scalar(std::sqrt(2.0) * scale, dtype), astype(erfinv(s), dtype));
  if (loc != 0) out = add(array::scalar(loc, dtype), out);
  return out;
}

namespace {
// The value of a one-element array already computed and readable on the host.
std::optional<double> known_scalar(const array& a) {
  if (a.size() != 1 || !a.is_evaluated() || !a.host_readable()) return std::nullopt;
  return dispatch_dtype(a.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_arithmetic_v<T>) return double(a.data<T>()[0]);
    else return double(float(a.data<T>()[0]));
  });
}
}  // namespace

array randint(const array& low, const array& high, const Shape& shape, Dtype dtype, const std::optional<array>& key) {
  if (is_floating(dtype)) fail("randint", "randint only accepts integer dtypes and bool.");
  check_shape(shape, "randint");
  // Known bounds within int32 (the usual case): the same numbers in 32-bit
  // arithmetic, which the GPU has (the int64 route below falls back to the
  // CPU there). raw % range is exact in uint32, and low + that lands in
  // [low, high), so wrapping int32 addition gives it exactly.
  const auto l = known_scalar(low), h = known_scalar(high);
  if (l && h && std::isfinite(*l) && std::isfinite(*h)) {
    const double lo = std::floor(*l), hi = std::ceil(*h);
    if (lo >= -2147483648.0 && hi <= 2147483647.0) {
      const double range = std::max(hi - lo, 1.0);
      array raw = bits(shape, 4, check_key(key, "randint"));
      array rem = remainder(raw, array::scalar(range, Dtype::uint32));
      return astype(add(astype(rem, Dtype::int32), array::scalar(lo, Dtype::int32)), dtype);
    }
  }
  array lo = astype(floor(astype(low, Dtype::float64)), Dtype::int64);
  array hi = astype(ceil(astype(high, Dtype::float64)), Dtype::int64);
  array range = subtract(hi, lo);
  if (broadcast_shapes(shape, range.shape(), "randint") != shape)
    fail("randint", "Cannot generate random values of shape ", shape_str(shape), " from broadcasted shape ",
         shape_str(broadcast_shapes(shape, range.shape(), "randint")), ".");
  // Reduce 32 random bits modulo the range (empty ranges give low).
  array r = maximum(range, array::scalar(1, Dtype::int64));
  array raw = astype(bits(shape, 4, check_key(key, "randint")), Dtype::int64);
  return astype(add(lo, remainder(raw, r)), dtype);
}

array bernoulli(const array& p, const std::optional<Shape>& shape_in, const std::optional<array>& key) {
  if (!is_floating(p.dtype())) fail("bernoulli", "bernoulli probability `p` must be a float type.");
  Shape shape = shape_in ? *shape_in : p.shape();
  check_shape(shape, "bernoulli");
  if (broadcast_shapes(shape, p.shape(), "bernoulli") != shape)
    fail("bernoulli", "shape of `p` is incompatible with argument `shape`.");
  // bits < p * nextabove(2^32 - 1): p >= 1 always true, p <= 0 always false.
  double upper = double(std::nextafter(4294967295.0f, std::numeric_limits<float>::max()));
  array b = astype(bits(shape, 4, check_key(key, "bernoulli")), Dtype::float32);
  return less(b, multiply(astype(p, Dtype::float32), array::scalar(upper, Dtype::float32)));
}

array truncated_normal(const array& lower, const array& upper, const std::optional<Shape>& shape_in, Dtype dtype,
                       const std::optional<array>& key) {
  if (!is_floating(dtype)) fail("truncated_normal", "truncated_normal only accepts floating point dtypes.");
  Shape shape = shape_in ? *shape_in : broadcast_shapes(lower.shape(), upper.shape(), "truncated_normal");
  array sqrt2 = array::scalar(std::sqrt(2.0), dtype);
  array lo = astype(lower, dtype), hi = astype(upper, dtype);
  array a = erf(divide(lo, sqrt2)), b = erf(divide(hi, sqrt2));
  if (broadcast_shapes(shape, broadcast_shapes(a.shape(), b.shape(), "truncated_normal"), "truncated_normal") != shape)
    fail("truncated_normal", "Cannot generate random values of shape ", shape_str(shape), " from bounds of shapes ",
         shape_str(lower.shape()), " and ", shape_str(upper.shape()), ".");
  check_shape(shape, "truncated_normal");
  array u = uniform(a, b, shape, dtype, check_key(key, "truncated_normal"));
  array out = multiply(sqrt2, erfinv(u));
  return maximum(minimum(hi, out), lo);
}

array gumbel(const Shape& shape, Dtype dtype, const std::optional<array>& key_in) {
  // Checked here so that errors name gumbel rather than the uniform it draws from.
  if (!is_floating(dtype)) fail("gumbel", "Can only generate gumbel numbers with real floating point type.");
  check_shape(shape, "gumbel");
  const std::optional<array> key = check_key(key_in, "gumbel");
  return negative(log(negative(log(uniform(array::scalar(0, dtype), array::scalar(1, dtype), shape, dtype, key)))));
}

array categorical(const array& logits_in, int axis_in, const std::optional<Shape>& shape_in,
                  std::optional<int> num_samples, const std::optional<array>& key) {
  if (shape_in && num_samples) fail("categorical", "At most one of shape or num_samples can be specified.");
  if (logits_in.ndim() == 0) fail("categorical", "Invalid axis ", axis_in, " for logits with 0 dimensions.");
  int axis = axis_in < 0 ? axis_in + logits_in.ndim() : axis_in;
  if (axis < 0 || axis >= logits_in.ndim())
    fail("categorical", "Invalid axis ", axis_in, " for logits with ", logits_in.ndim(), " dimensions.");
  array logits = logits_in;
  Shape shape = logits.shape();
  shape.erase(shape.begin() + axis);
  if (num_samples) {
    if (*num_samples < 0) fail("categorical", "num_samples must be non-negative, got ", *num_samples, ".");
    logits = expand_dims(logits, {-1});
    shape.push_back(*num_samples);
  } else if (shape_in) {
    if (broadcast_shapes(*shape_in, shape, "categorical") != *shape_in)
      fail("categorical", "Requested shape ", shape_str(*shape_in), " is not broadcast compatible with reduced logits shape",
           shape_str(shape), ".");
    shape = *shape_in;
  }
  // No samples asked for (a 0 in the shape): an empty result, as MLX, not argmax's error on an empty input.
  if (std::find(shape.begin(), shape.end(), 0) != shape.end()) return zeros(shape, Dtype::uint32);
  // Gumbel-max: argmax(logits + gumbel) along axis.
  Shape gshape = shape;
  int64_t offset = axis + int64_t(shape.size()) - logits.ndim() + 1;
  gshape.insert(gshape.begin() + offset, logits.shape()[axis]);
  array g = gumbel(gshape, Dtype::float32, key);
  return argmax(add(g, logits), int(offset), false);
}

}  // namespace wmx::random

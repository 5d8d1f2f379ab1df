#include "fft.h"

#include <algorithm>
#include <cmath>

#include "complex_ops.h"
#include "error.h"
#include "ops.h"
#include "shape_ops.h"

namespace wmx {

namespace {

std::vector<SliceArg> along(int ndim, int axis, SliceArg s) {
  std::vector<SliceArg> v(static_cast<size_t>(ndim));
  v[size_t(axis)] = s;
  return v;
}

// `x` truncated or zero-padded at the end of `axis` to length `len`.
array fit(const array& x, int axis, int64_t len) {
  const int64_t have = x.shape()[axis];
  if (have == len) return x;
  if (have > len) return slice(x, along(x.ndim(), axis, {0, len, 1}));
  Shape z = x.shape();
  z[axis] = len - have;
  return concatenate({x, zeros(z, x.dtype())}, axis);
}

// The full spectrum of length `len` along `axis` from its first len / 2 + 1
// entries (a real signal's: X[len - k] = conj(X[k])).
array hermitian_full(const array& x, int axis, int64_t len) {
  const int64_t m = x.shape()[axis], rest = len - m;
  if (rest == 0) return x;
  array mirrored = conjugate(slice(x, along(x.ndim(), axis, {rest, 0, -1})));  // X[rest], ..., X[1]
  return concatenate({x, mirrored}, axis);
}

}  // namespace

array fft_nd(const array& a, const Shape& n, const std::vector<int>& axes_in, bool real_kind, bool inverse,
             FFTNorm norm, const char* op) {
  if (a.ndim() < 1) fail(op, "Requires array with at least one dimension.");
  if (n.size() != axes_in.size()) fail(op, "Shape and axes have different sizes.");
  if (axes_in.empty()) return a;
  std::vector<int> axes;
  for (int ax : axes_in) {
    if (ax < -a.ndim() || ax >= a.ndim())
      fail(op, "Invalid axis ", ax, " received for array with ", a.ndim(), " dimensions.");
    axes.push_back(ax < 0 ? ax + a.ndim() : ax);
  }
  std::vector<int> sorted = axes;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) fail(op, "Duplicated axis received.");
  for (int64_t v : n)
    if (v <= 0) fail(op, "Invalid FFT output size requested ", shape_str(n), ".");

  const int last = axes.back();
  array x = real_kind && !inverse ? astype(a, Dtype::float32) : to_complex(a);
  for (size_t i = 0; i < axes.size(); ++i)
    x = fit(x, axes[i], real_kind && inverse && axes[i] == last ? n[i] / 2 + 1 : n[i]);

  array out;
  if (!real_kind) {
    out = x;
    for (int ax : axes) out = fft_along(out, ax, inverse);
  } else if (!inverse) {
    // The last axis first, so its halving shrinks the other transforms.
    out = fft_along(x, last, false);
    out = slice(out, along(out.ndim(), last, {0, n.back() / 2 + 1, 1}));
    for (size_t i = 0; i + 1 < axes.size(); ++i) out = fft_along(out, axes[i], false);
  } else {
    out = x;
    for (size_t i = 0; i + 1 < axes.size(); ++i) out = fft_along(out, axes[i], true);
    out = real(fft_along(hermitian_full(out, last, n.back()), last, true));
  }

  double count = 1;
  for (int64_t v : n) count *= double(v);
  const double scale = norm == FFTNorm::ortho ? 1.0 / std::sqrt(count)
                       : (norm == FFTNorm::backward) == inverse ? 1.0 / count
                                                                : 1.0;
  if (scale == 1.0) return out;
  return multiply(out, array::scalar(scale, Dtype::float32));
}

array fft_nd(const array& a, const std::vector<int>& axes, bool real_kind, bool inverse, FFTNorm norm,
             const char* op) {
  if (a.ndim() < 1) fail(op, "Requires array with at least one dimension.");
  Shape n;
  for (int ax : axes) {
    if (ax < -a.ndim() || ax >= a.ndim())
      fail(op, "Invalid axis ", ax, " received for array with ", a.ndim(), " dimensions.");
    n.push_back(a.shape(ax));
  }
  if (real_kind && inverse && !n.empty()) n.back() = (n.back() - 1) * 2;
  return fft_nd(a, n, axes, real_kind, inverse, norm, op);
}

array fftshift(const array& a, const std::vector<int>& axes, bool inverse, const char* op) {
  array x = a;
  for (int ax : axes) {
    if (ax < -a.ndim() || ax >= a.ndim())
      fail(op, "Invalid axis ", ax, " for array with ", a.ndim(), " dimensions.");
    const int axis = ax < 0 ? ax + a.ndim() : ax;
    const int64_t len = a.shape()[axis];
    if (len < 2) continue;
    // Roll by len / 2 (inverse: by -(len / 2)): the last `shift` entries move to the front.
    const int64_t shift = inverse ? len - len / 2 : len / 2;
    x = concatenate({slice(x, along(x.ndim(), axis, {len - shift, len, 1})),
                     slice(x, along(x.ndim(), axis, {0, len - shift, 1}))},
                    axis);
  }
  return x;
}

}  // namespace wmx

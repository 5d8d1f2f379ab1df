#include "backend/cpu/kernels/elementwise.h"

#include <algorithm>

#include "error.h"
#include "backend/cpu/kernels/convert.h"
#include "backend/cpu/kernels/half_simd.h"
#include "backend/cpu/kernels/strided.h"
#include "thread_pool.h"

namespace wmx {

void unary_driver(const array& a, array& out, UnaryRun run) {
  out.allocate();
  // Nothing to do, and a collapsed empty layout can have a zero-length
  // inner run (the grain below would divide by it).
  if (out.size() == 0) return;
  const char* pa = static_cast<const char*>(a.raw_data());
  char* po = static_cast<char*>(out.raw_data());
  const int64_t ia = int64_t(a.itemsize()), io = int64_t(out.itemsize());
  // out is row-contiguous with a's size but maybe another shape (a reshape
  // that had to copy): walk it in a's row-major order.
  const Strides ostr = row_major_strides(a.shape());
  auto L = collapse_layout<2>(a.shape(), {&a.strides(), &ostr});
  if (L.shape.size() == 1) {
    const int64_t s = L.strides[0][0];
    parallel_for(L.inner(), kElementwiseGrain,
                 [&](int64_t b, int64_t e) { run(pa + b * s * ia, s, po + b * io, e - b); });
    return;
  }
  parallel_for(L.rows(), std::max<int64_t>(1, kElementwiseGrain / L.inner()), [&](int64_t rb, int64_t re) {
    for_each_run(L, rb, re, [&](const std::array<int64_t, 2>& off, int64_t n, const std::array<int64_t, 2>& st) {
      run(pa + off[0] * ia, st[0], po + off[1] * io, n);
    });
  });
}

void binary_driver(const array& a, const array& b, array& out, BinaryRun run) {
  out.allocate();
  if (out.size() == 0) return;  // as in unary_driver
  const char* pa = static_cast<const char*>(a.raw_data());
  const char* pb = static_cast<const char*>(b.raw_data());
  char* po = static_cast<char*>(out.raw_data());
  const int64_t ia = int64_t(a.itemsize()), io = int64_t(out.itemsize());
  auto L = collapse_layout<3>(out.shape(), {&a.strides(), &b.strides(), &out.strides()});
  if (L.shape.size() == 1) {  // one long run: split it across threads
    const int64_t sa = L.strides[0][0], sb = L.strides[1][0];
    parallel_for(L.inner(), kElementwiseGrain, [&](int64_t s, int64_t e) {
      run(pa + s * sa * ia, sa, pb + s * sb * ia, sb, po + s * io, e - s);
    });
    return;
  }
  parallel_for(L.rows(), std::max<int64_t>(1, kElementwiseGrain / L.inner()), [&](int64_t rb, int64_t re) {
    for_each_run(L, rb, re, [&](const std::array<int64_t, 3>& off, int64_t n, const std::array<int64_t, 3>& st) {
      run(pa + off[0] * ia, st[0], pb + off[1] * ia, st[1], po + off[2] * io, n);
    });
  });
}

// Elements per block of a half run: a few KiB of float scratch on the stack,
// small enough to stay in L1 between the widen, the run and the narrow.
constexpr int64_t kHalfBlock = 512;

namespace {
// n elements of a half operand, x[i * sx], as floats in buf. A zero stride
// (a broadcast scalar) widens one element; the caller passes stride 0 on.
template <typename H>
const float* widen_operand(const H* x, int64_t sx, int64_t n, float* buf) {
  if (sx == 0) {
    buf[0] = float(x[0]);
  } else if (sx == 1) {
    half_simd::widen(x, buf, n);
  } else {
    for (int64_t i = 0; i < n; ++i) buf[i] = float(x[i * sx]);
  }
  return buf;
}
}  // namespace

template <typename H, typename R>
void half_unary_via_float(const void* xv, int64_t sx, void* yv, int64_t n, UnaryRun frun) {
  const H* x = static_cast<const H*>(xv);
  R* y = static_cast<R*>(yv);
  float xb[kHalfBlock], yb[kHalfBlock];
  for (int64_t i = 0; i < n; i += kHalfBlock) {
    const int64_t m = std::min(kHalfBlock, n - i);
    const float* xf = widen_operand(x + i * sx, sx, m, xb);
    if constexpr (std::is_same_v<R, H>) {
      frun(xf, sx == 0 ? 0 : 1, yb, m);
      half_simd::narrow(yb, y + i, m);
    } else {
      frun(xf, sx == 0 ? 0 : 1, y + i, m);
    }
  }
}

template <typename H, typename R>
void half_binary_via_float(const void* xv, int64_t sx, const void* yv, int64_t sy, void* zv, int64_t n,
                           BinaryRun frun) {
  const H* x = static_cast<const H*>(xv);
  const H* y = static_cast<const H*>(yv);
  R* z = static_cast<R*>(zv);
  float xb[kHalfBlock], yb[kHalfBlock], zb[kHalfBlock];
  for (int64_t i = 0; i < n; i += kHalfBlock) {
    const int64_t m = std::min(kHalfBlock, n - i);
    const float* xf = widen_operand(x + i * sx, sx, m, xb);
    const float* yf = widen_operand(y + i * sy, sy, m, yb);
    const int64_t fx = sx == 0 ? 0 : 1, fy = sy == 0 ? 0 : 1;
    if constexpr (std::is_same_v<R, H>) {
      frun(xf, fx, yf, fy, zb, m);
      half_simd::narrow(zb, z + i, m);
    } else {
      frun(xf, fx, yf, fy, z + i, m);
    }
  }
}

template void half_unary_via_float<float16_t, float16_t>(const void*, int64_t, void*, int64_t, UnaryRun);
template void half_unary_via_float<float16_t, bool>(const void*, int64_t, void*, int64_t, UnaryRun);
template void half_unary_via_float<bfloat16_t, bfloat16_t>(const void*, int64_t, void*, int64_t, UnaryRun);
template void half_unary_via_float<bfloat16_t, bool>(const void*, int64_t, void*, int64_t, UnaryRun);
template void half_binary_via_float<float16_t, float16_t>(const void*, int64_t, const void*, int64_t, void*, int64_t, BinaryRun);
template void half_binary_via_float<float16_t, bool>(const void*, int64_t, const void*, int64_t, void*, int64_t, BinaryRun);
template void half_binary_via_float<bfloat16_t, bfloat16_t>(const void*, int64_t, const void*, int64_t, void*, int64_t, BinaryRun);
template void half_binary_via_float<bfloat16_t, bool>(const void*, int64_t, const void*, int64_t, void*, int64_t, BinaryRun);

namespace {
// y[i] = convert(x[i * sx]) (kernels/convert.h); same-type pairs are plain copies.
template <typename T, typename R>
void convert_run(const void* xv, int64_t sx, void* yv, int64_t n) {
  const T* x = static_cast<const T*>(xv);
  R* y = static_cast<R*>(yv);
  if constexpr (is_half_type<T> && std::is_same_v<R, float>) {
    if (sx == 1) return half_simd::widen(x, y, n);
  } else if constexpr (std::is_same_v<T, float> && is_half_type<R>) {
    if (sx == 1) return half_simd::narrow(x, y, n);
  }
  if (sx == 1) {
    for (int64_t i = 0; i < n; ++i) y[i] = convert<T, R>(x[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = convert<T, R>(x[i * sx]);
  }
}

// The conversion run for every (source, destination) dtype pair.
struct ConvertTable {
  UnaryRun runs[kNumRealDtypes][kNumRealDtypes];
  ConvertTable() {
    for (int s = 0; s < kNumRealDtypes; ++s)
      for (int d = 0; d < kNumRealDtypes; ++d)
        dispatch_dtype(Dtype(s), [&](auto t) {
          dispatch_dtype(Dtype(d), [&](auto r) {
            runs[s][d] = &convert_run<decltype(t), decltype(r)>;
          });
        });
  }
};
}  // namespace

void copy_convert(const array& in, array& out) {
  static const ConvertTable table;
  if (is_complex(in.dtype()) || is_complex(out.dtype())) {
    // Only moves: conversions to and from complex64 are built from Real,
    // Imag and MakeComplex nodes (core/complex_ops.cpp). The 8 bytes move as
    // one integer, so NaN payloads survive.
    if (in.dtype() != out.dtype()) fail("astype", "No conversion kernel from ", name_of(in.dtype()), " to ", name_of(out.dtype()), ".");
    unary_driver(in, out, &convert_run<uint64_t, uint64_t>);
    return;
  }
  unary_driver(in, out, table.runs[int(in.dtype())][int(out.dtype())]);
}

}  // namespace wmx

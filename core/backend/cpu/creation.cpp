// The CPU kernels of Arange and Select (their shapes and transform rules:
// core/primitives/creation.cpp).
#include "primitives/creation.h"

#include <algorithm>
#include <cstring>

#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/strided.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// o[i - first] = start + i * step for i in [first, last), from the element's
// own index so that a value doesn't depend on how threads split the range
// (the GPU kernel, ts/webgpu/kernels/arange.ts, computes the same sum).
template <typename T>
void arange_fill(void* p, int64_t first, int64_t last, double start, double step) {
  T* o = static_cast<T*>(p);
  for (int64_t i = first; i < last; ++i) o[i - first] = T(static_cast<compute_t<T>>(start + double(i) * step));
}
}  // namespace

void Arange::eval_cpu(const std::vector<array>&, std::vector<array>& out) {
  out[0].allocate();
  const int64_t n = out[0].size();
  dispatch_dtype(out[0].dtype(), [&](auto t) {
    using T = decltype(t);
    void* p = out[0].raw_data();
    parallel_for(n, kElementwiseGrain, [&](int64_t b, int64_t e) {
      arange_fill<T>(static_cast<T*>(p) + b, b, e, start_, step_);
    });
  });
}

namespace {

using SelectRun = void (*)(const bool* c, int64_t sc, const void* x, int64_t sx, const void* y, int64_t sy,
                           void* o, int64_t n);

template <typename U>
void select_run(const bool* c, int64_t sc, const void* xv, int64_t sx, const void* yv, int64_t sy, void* ov,
                int64_t n) {
  const U* x = static_cast<const U*>(xv);
  const U* y = static_cast<const U*>(yv);
  U* o = static_cast<U*>(ov);
  if (sc == 1 && sx == 1 && sy == 1) {
    for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? x[i] : y[i];
  } else {
    for (int64_t i = 0; i < n; ++i) o[i] = c[i * sc] ? x[i * sx] : y[i * sy];
  }
}

void select_driver(const array& c, const array& x, const array& y, array& out, SelectRun run) {
  out.allocate();
  const bool* pc = c.data<bool>();
  const char* px = static_cast<const char*>(x.raw_data());
  const char* py = static_cast<const char*>(y.raw_data());
  char* po = static_cast<char*>(out.raw_data());
  const int64_t is = int64_t(out.itemsize());
  auto L = collapse_layout<4>(out.shape(), {&c.strides(), &x.strides(), &y.strides(), &out.strides()});
  auto visit = [&](const std::array<int64_t, 4>& off, int64_t n, const std::array<int64_t, 4>& st) {
    run(pc + off[0], st[0], px + off[1] * is, st[1], py + off[2] * is, st[2], po + off[3] * is, n);
  };
  if (L.shape.size() == 1) {
    parallel_for(L.inner(), kElementwiseGrain, [&](int64_t b, int64_t e) {
      std::array<int64_t, 4> off{b * L.strides[0][0], b * L.strides[1][0], b * L.strides[2][0], b};
      visit(off, e - b, {L.strides[0][0], L.strides[1][0], L.strides[2][0], 1});
    });
    return;
  }
  parallel_for(L.rows(), std::max<int64_t>(1, kElementwiseGrain / L.inner()),
               [&](int64_t rb, int64_t re) { for_each_run(L, rb, re, visit); });
}

}  // namespace

void Select::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  if (out[0].size() == 0) {
    out[0].allocate();
    return;
  }
  SelectRun run = nullptr;
  switch (out[0].itemsize()) {
    case 1: run = &select_run<uint8_t>; break;
    case 2: run = &select_run<uint16_t>; break;
    case 4: run = &select_run<uint32_t>; break;
    default: run = &select_run<uint64_t>; break;
  }
  select_driver(in[0], in[1], in[2], out[0], run);
}

}  // namespace wmx

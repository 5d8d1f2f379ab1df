// The CPU kernels of the slicing, gather, scatter and concatenation primitives (their shapes and transform rules:
// core/primitives/indexing.cpp).
#include "primitives/indexing.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <string>
#include <type_traits>
#include <cstring>
#include <functional>
#include <string_view>

#include "error.h"
#include "backend/cpu/kernels/elementwise.h"
#include "backend/cpu/kernels/strided.h"
#include "thread_pool.h"

namespace wmx {

namespace {

// d[i * ds] = s[i * ss] for i < n, strides in elements of U.
using CopyRun = void (*)(const char* s, int64_t ss, char* d, int64_t ds, int64_t n);

template <typename U>
void copy_run(const char* sv, int64_t ss, char* dv, int64_t ds, int64_t n) {
  const U* s = reinterpret_cast<const U*>(sv);
  U* d = reinterpret_cast<U*>(dv);
  if (ss == 1 && ds == 1) {
    std::memcpy(d, s, size_t(n) * sizeof(U));
  } else if (ss == 0) {
    const U v = *s;
    for (int64_t i = 0; i < n; ++i) d[i * ds] = v;
  } else {
    for (int64_t i = 0; i < n; ++i) d[i * ds] = s[i * ss];
  }
}

CopyRun copy_run_for(size_t itemsize) {
  switch (itemsize) {
    case 1: return &copy_run<uint8_t>;
    case 2: return &copy_run<uint16_t>;
    case 4: return &copy_run<uint32_t>;
    default: return &copy_run<uint64_t>;
  }
}

// Copies `shape` elements from src (strides ss) to dst (strides ds), same dtype.
void strided_copy(const Shape& shape, const char* src, const Strides& ss, char* dst, const Strides& ds,
                  size_t item) {
  if (shape_size(shape) == 0) return;
  auto L = collapse_layout<2>(shape, {&ss, &ds});
  CopyRun run = copy_run_for(item);
  const int64_t isz = int64_t(item);
  if (L.shape.size() == 1) {
    const int64_t s0 = L.strides[0][0], d0 = L.strides[1][0];
    parallel_for(L.inner(), kElementwiseGrain,
                 [&](int64_t b, int64_t e) { run(src + b * s0 * isz, s0, dst + b * d0 * isz, d0, e - b); });
    return;
  }
  parallel_for(L.rows(), std::max<int64_t>(1, kElementwiseGrain / L.inner()), [&](int64_t rb, int64_t re) {
    for_each_run(L, rb, re, [&](const std::array<int64_t, 2>& off, int64_t n, const std::array<int64_t, 2>& st) {
      run(src + off[0] * isz, st[0], dst + off[1] * isz, st[1], n);
    });
  });
}

// The index at row-major position `pos` of `idx`, as text (for messages).
std::string index_value_str(const array& idx, int64_t pos) {
  int64_t off = 0;
  for (int d = idx.ndim() - 1; d >= 0; --d) {
    off += (pos % idx.shape()[d]) * idx.strides()[d];
    pos /= idx.shape()[d];
  }
  return dispatch_dtype(idx.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T>) return std::to_string(uint64_t(idx.data<T>()[off]));
    else if constexpr (std::is_integral_v<T>) return std::to_string(int64_t(idx.data<T>()[off]));
    else return std::to_string(double(idx.data<T>()[off]));
  });
}

// base[i] += w * stride for every index x = idx[i] (row-major over idx's
// shape), w being x wrapped once when negative. Returns the row-major
// position of the first index with w outside [0, room], or -1 if all are in
// range. The scan runs on the pool for large index arrays, so it must not
// throw (thread_pool.h): each chunk records its first bad position and the
// caller reports the smallest one, the same on every build.
int64_t add_index_offsets(const array& idx, int64_t dim, int64_t room, int64_t stride, int64_t* base) {
  if (idx.size() == 0) return -1;
  const Strides cs = row_major_strides(idx.shape());
  auto L = collapse_layout<2>(idx.shape(), {&idx.strides(), &cs});
  std::atomic<int64_t> first_bad{INT64_MAX};
  auto publish = [&](int64_t bad) {
    int64_t cur = first_bad.load(std::memory_order_relaxed);
    while (bad < cur && !first_bad.compare_exchange_weak(cur, bad, std::memory_order_relaxed)) {
    }
  };
  dispatch_dtype(idx.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_integral_v<T>) {
      const T* p = idx.data<T>();
      // One run of `len` indices at p[s], strides ss; positions o, o + so, ...
      auto run = [&](int64_t s, int64_t ss, int64_t o, int64_t so, int64_t len) {
        int64_t bad = INT64_MAX;
        for (int64_t j = 0; j < len; ++j) {
          const T x = p[s + j * ss];
          int64_t w;
          if constexpr (std::is_signed_v<T>) w = x < 0 ? int64_t(x) + dim : int64_t(x);
          else w = uint64_t(x) > uint64_t(INT64_MAX) ? -1 : int64_t(x);
          if (w < 0 || w > room) {
            bad = std::min(bad, o + j * so);
          } else {
            base[o + j * so] += w * stride;
          }
        }
        if (bad != INT64_MAX) publish(bad);
      };
      if (L.shape.size() == 1) {
        const int64_t s0 = L.strides[0][0], o0 = L.strides[1][0];
        parallel_for(L.inner(), kElementwiseGrain,
                     [&](int64_t b, int64_t e) { run(b * s0, s0, b * o0, o0, e - b); });
      } else {
        parallel_for(L.rows(), std::max<int64_t>(1, kElementwiseGrain / L.inner()), [&](int64_t rb, int64_t re) {
          for_each_run(L, rb, re,
                       [&](const std::array<int64_t, 2>& off, int64_t len, const std::array<int64_t, 2>& st) {
                         run(off[0], st[0], off[1], st[1], len);
                       });
        });
      }
    } else {
      publish(0);  // unreachable: the graph builders admit integer indices only
    }
  });
  const int64_t bad = first_bad.load();
  return bad == INT64_MAX ? -1 : bad;
}

// Element offsets (with `strides`) of the slice starts selected by the
// indices; negative indices wrap once, out-of-range ones are an error,
// thrown here on the calling thread before anything is written.
std::vector<int64_t> index_offsets(const std::vector<array>& indices, const std::vector<int>& axes,
                                   const Shape& dims, const Shape& slice, const Strides& strides, int64_t n,
                                   const char* tag) {
  std::vector<int64_t> base(size_t(n), 0);
  for (size_t k = 0; k < indices.size(); ++k) {
    const int ax = axes[k];
    const int64_t dim = dims[ax];
    const int64_t bad = add_index_offsets(indices[k], dim, dim - slice[ax], strides[ax], base.data());
    if (bad < 0) continue;
    const std::string x = index_value_str(indices[k], bad);
    if (!is_integral(indices[k].dtype())) fail(tag, "Indices must be integers, got ", name_of(indices[k].dtype()), ".");
    if (slice[ax] == 1) fail(tag, "Index ", x, " is out of bounds for axis ", ax, " with size ", dim, ".");
    fail(tag, "Start index ", x, " with a slice of size ", slice[ax], " is out of bounds for axis ", ax, " with size ",
         dim, ".");
  }
  return base;
}

// Scatter runs: o[i * so] = op(o[i * so], u[i * su]).
using ScatterRun = void (*)(const char* u, int64_t su, char* o, int64_t so, int64_t n);

template <typename T, typename Op>
void scatter_run(const char* uv, int64_t su, char* ov, int64_t so, int64_t n) {
  using C = compute_t<T>;
  const T* u = reinterpret_cast<const T*>(uv);
  T* o = reinterpret_cast<T*>(ov);
  Op op{};
  for (int64_t i = 0; i < n; ++i) o[i * so] = T(op(C(o[i * so]), C(u[i * su])));
}

struct AddOp {
  template <typename C> C operator()(C a, C b) const { return a + b; }
};
struct ProdOp {
  template <typename C> C operator()(C a, C b) const { return a * b; }
};
struct MaxOp {
  template <typename C> C operator()(C a, C b) const { return (a != a || a > b) ? a : b; }
};
struct MinOp {
  template <typename C> C operator()(C a, C b) const { return (a != a || a < b) ? a : b; }
};

struct ScatterTable {
  ScatterRun runs[4][kNumRealDtypes];  // add, prod, max, min
  ScatterTable() {
    for (int d = 0; d < kNumRealDtypes; ++d)
      dispatch_dtype(Dtype(d), [&](auto t) {
        using T = decltype(t);
        runs[0][d] = &scatter_run<T, AddOp>;
        runs[1][d] = &scatter_run<T, ProdOp>;
        runs[2][d] = &scatter_run<T, MaxOp>;
        runs[3][d] = &scatter_run<T, MinOp>;
      });
  }
};

}  // namespace

void Slice::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& a = in[0];
  Strides s(a.ndim());
  int64_t off = a.offset();
  const bool empty = out[0].size() == 0;
  for (int d = 0; d < a.ndim(); ++d) {
    s[d] = a.strides()[d] * step_[d];
    if (!empty) off += start_[d] * a.strides()[d];
  }
  out[0].set_view(a, std::move(s), off);
}
void SliceUpdate::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& u = in[1];
  array& o = out[0];
  copy_convert(in[0], o);
  if (u.size() == 0) return;
  Strides ds(o.ndim());
  int64_t off = 0;
  for (int d = 0; d < o.ndim(); ++d) {
    ds[d] = o.strides()[d] * step_[d];
    off += start_[d] * o.strides()[d];
  }
  char* dst = static_cast<char*>(o.raw_data()) + off * int64_t(o.itemsize());
  strided_copy(u.shape(), static_cast<const char*>(u.raw_data()), u.strides(), dst, ds, o.itemsize());
}
void Gather::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& a = in[0];
  array& o = out[0];
  const std::vector<array> idx(in.begin() + 1, in.end());
  const Shape I = idx.empty() ? Shape{} : idx[0].shape();
  const int64_t n = shape_size(I);
  // Validate every index before writing anything (on this thread: errors propagate).
  std::vector<int64_t> base = index_offsets(idx, axes_, a.shape(), slice_sizes_, a.strides(), n, tag_);
  o.allocate();
  if (o.size() == 0) return;
  const int64_t chunk = shape_size(slice_sizes_);
  const size_t item = a.itemsize();
  const char* src = static_cast<const char*>(a.raw_data());
  char* dst = static_cast<char*>(o.raw_data());
  const Strides cs = row_major_strides(slice_sizes_);
  if (n <= 4) {  // few large slices: parallel inside each
    for (int64_t i = 0; i < n; ++i)
      strided_copy(slice_sizes_, src + base[size_t(i)] * int64_t(item), a.strides(),
                   dst + i * chunk * int64_t(item), cs, item);
    return;
  }
  auto L = collapse_layout<2>(slice_sizes_, {&a.strides(), &cs});
  CopyRun run = copy_run_for(item);
  const int64_t isz = int64_t(item);
  parallel_for(n, std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(1, chunk)), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const char* s = src + base[size_t(i)] * isz;
      char* d = dst + i * chunk * isz;
      for_each_run(L, 0, L.rows(), [&](const std::array<int64_t, 2>& off, int64_t len, const std::array<int64_t, 2>& st) {
        run(s + off[0] * isz, st[0], d + off[1] * isz, st[1], len);
      });
    }
  });
}
void Scatter::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  static const ScatterTable table;
  const array& a = in[0];
  const array& u = in.back();
  array& o = out[0];
  const std::vector<array> idx(in.begin() + 1, in.end() - 1);
  const int nI = u.ndim() - a.ndim();
  const Shape I(u.shape().begin(), u.shape().begin() + nI);
  const Shape U(u.shape().begin() + nI, u.shape().end());
  const int64_t n = shape_size(I);
  const Strides ostr = row_major_strides(a.shape());
  std::vector<int64_t> base = index_offsets(idx, axes_, a.shape(), U, ostr, n, tag_);
  copy_convert(a, o);
  if (u.size() == 0) return;
  const Strides ust(u.strides().begin() + nI, u.strides().end());
  const Strides uhead(u.strides().begin(), u.strides().begin() + nI);
  auto L = collapse_layout<2>(U, {&ust, &o.strides()});
  ScatterRun run = op_ == ScatterOp::set ? ScatterRun(copy_run_for(o.itemsize()))
                                         : table.runs[int(op_) - 1][int(o.dtype())];
  const int64_t isz = int64_t(o.itemsize());
  const char* up = static_cast<const char*>(u.raw_data());
  char* op = static_cast<char*>(o.raw_data());
  // In order, so duplicates accumulate (and the last `set` wins).
  std::vector<int64_t> mi(size_t(nI), 0);
  int64_t uoff = 0;
  for (int64_t i = 0; i < n; ++i) {
    const char* us = up + uoff * isz;
    char* os = op + base[size_t(i)] * isz;
    for_each_run(L, 0, L.rows(), [&](const std::array<int64_t, 2>& off, int64_t len, const std::array<int64_t, 2>& st) {
      run(us + off[0] * isz, st[0], os + off[1] * isz, st[1], len);
    });
    for (int d = nI - 1; d >= 0; --d) {
      uoff += uhead[d];
      if (++mi[d] < I[d]) break;
      uoff -= uhead[d] * I[d];
      mi[d] = 0;
    }
  }
}
void Concatenate::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  array& o = out[0];
  o.allocate();
  if (o.size() == 0) return;
  char* dst = static_cast<char*>(o.raw_data());
  const int64_t isz = int64_t(o.itemsize());
  int64_t pos = 0;
  for (const array& x : in) {
    strided_copy(x.shape(), static_cast<const char*>(x.raw_data()), x.strides(),
                 dst + pos * o.strides()[axis_] * isz, o.strides(), o.itemsize());
    pos += x.shape()[axis_];
  }
}
void ConcatPart::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  const array& a = in[0];
  const int64_t off = out[0].size() == 0 ? 0 : offset(in) * a.strides()[axis_];
  out[0].set_view(a, a.strides(), a.offset() + off);
}
void AsStrided::eval_cpu(const std::vector<array>& in, std::vector<array>& out) {
  if (in[0].row_contiguous()) {
    out[0].set_view(in[0], strides_, in[0].offset() + offset_);
    return;
  }
  array c(in[0].shape(), in[0].dtype(), nullptr, {});
  copy_convert(in[0], c);
  out[0].set_view(c, strides_, c.offset() + offset_);
}
}  // namespace wmx

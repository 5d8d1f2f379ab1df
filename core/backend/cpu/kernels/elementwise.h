// Elementwise kernels, split in two so compile time stays linear in the
// number of ops and dtypes: the drivers (collapse dims, walk strided and
// broadcast operands, split across threads) are compiled once, and each
// op x dtype only instantiates a tiny "run" function over one 1-D run of
// elements. The unit-stride branches of a run vectorise (SIMD128 in wasm).
// The output is always freshly allocated and row-contiguous.
#pragma once
#include <type_traits>

#include "array.h"
#include "backend/cpu/kernels/runs.h"

namespace wmx {

// Below this many elements a kernel runs on the calling thread only.
constexpr int64_t kElementwiseGrain = 1 << 15;

void unary_driver(const array& a, array& out, UnaryRun run);
void binary_driver(const array& a, const array& b, array& out, BinaryRun run);

// Op is a stateless callable type (a functor or the type of a captureless
// lambda); arithmetic happens in compute_t<T>.
template <typename T>
constexpr bool is_half_type = std::is_same_v<T, float16_t> || std::is_same_v<T, bfloat16_t>;

// Half-type runs: blocks of elements widened to float (kernels/half_simd.h),
// run through the float run `frun`, and narrowed back when the output is
// the half type R (otherwise frun writes R directly, e.g. bool). Defined in
// elementwise.cpp for H = float16_t and bfloat16_t; R = H or bool.
template <typename H, typename R>
void half_unary_via_float(const void* x, int64_t sx, void* y, int64_t n, UnaryRun frun);
template <typename H, typename R>
void half_binary_via_float(const void* x, int64_t sx, const void* y, int64_t sy, void* z, int64_t n, BinaryRun frun);

// The float type a half run computes its R output in.
template <typename T, typename R>
using float_out_t = std::conditional_t<std::is_same_v<R, T>, float, R>;

template <typename T, typename R, typename Op>
void unary_run(const void* xv, int64_t sx, void* yv, int64_t n) {
  if constexpr (is_half_type<T> && (std::is_same_v<R, T> || std::is_same_v<R, bool>)) {
    half_unary_via_float<T, R>(xv, sx, yv, n, &unary_run<float, float_out_t<T, R>, Op>);
    return;
  }
  using C = compute_t<T>;
  const T* x = static_cast<const T*>(xv);
  R* y = static_cast<R*>(yv);
  Op op{};
  if (sx == 1) {
    for (int64_t i = 0; i < n; ++i) y[i] = R(op(C(x[i])));
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = R(op(C(x[i * sx])));
  }
}

template <typename T, typename R, typename Op>
void binary_run(const void* xv, int64_t sx, const void* yv, int64_t sy, void* zv, int64_t n) {
  if constexpr (is_half_type<T> && (std::is_same_v<R, T> || std::is_same_v<R, bool>)) {
    half_binary_via_float<T, R>(xv, sx, yv, sy, zv, n, &binary_run<float, float_out_t<T, R>, Op>);
    return;
  }
  using C = compute_t<T>;
  const T* x = static_cast<const T*>(xv);
  const T* y = static_cast<const T*>(yv);
  R* z = static_cast<R*>(zv);
  Op op{};
  // Zero stride = a scalar broadcast along the run: hoist it so the loop vectorises.
  if (sx == 1 && sy == 1) {
    for (int64_t i = 0; i < n; ++i) z[i] = R(op(C(x[i]), C(y[i])));
  } else if (sx == 1 && sy == 0) {
    const C s = C(*y);
    for (int64_t i = 0; i < n; ++i) z[i] = R(op(C(x[i]), s));
  } else if (sx == 0 && sy == 1) {
    const C s = C(*x);
    for (int64_t i = 0; i < n; ++i) z[i] = R(op(s, C(y[i])));
  } else {
    for (int64_t i = 0; i < n; ++i) z[i] = R(op(C(x[i * sx]), C(y[i * sy])));
  }
}

struct Identity {
  template <typename C> C operator()(C x) const { return x; }
};

// Copies `in` (any strides) into out's fresh row-contiguous buffer as out's dtype.
void copy_convert(const array& in, array& out);

}  // namespace wmx

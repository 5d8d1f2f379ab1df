// The C ABI of mx.linalg (core/linalg.h), in the conventions of api.cpp:
// int32 handles in and out, -1 on error with the "[linalg.op] ..." message
// in wmx_last_error(). Ops with several outputs return their count and leave
// them in the results protocol (wasm/results.h).
#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>
#include <string>

#include "handles.h"
#include "linalg.h"
#include "results.h"

using namespace wmx;

namespace {

std::optional<std::vector<int>> optional_axes(const int32_t* axes, int32_t n, int32_t has_axis) {
  if (!has_axis) return std::nullopt;
  return read_ints(axes, n);
}

template <typename F>
int32_t results(F&& f) {
  return guard<int32_t>(-1, [&] { return wmx_set_results(f()); });
}

}  // namespace

extern "C" {

// has_ord = 0: MLX's norm without ord; otherwise ord is the numeric ord.
EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_norm(int32_t h, int32_t has_ord, double ord, const int32_t* axes, int32_t naxes,
                                             int32_t has_axis, int32_t keepdims) {
  return make([&] {
    auto ax = optional_axes(axes, naxes, has_axis);
    return has_ord ? linalg::norm(wmx_get(h), ord, ax, keepdims != 0) : linalg::norm(wmx_get(h), ax, keepdims != 0);
  });
}

// ord: "fro", "f" or "nuc" (UTF-8, NUL-terminated).
EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_norm_str(int32_t h, const char* ord, const int32_t* axes, int32_t naxes,
                                                 int32_t has_axis, int32_t keepdims) {
  return make([&] { return linalg::norm(wmx_get(h), std::string(ord), optional_axes(axes, naxes, has_axis), keepdims != 0); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_qr(int32_t h) {
  return results([&] { return linalg::qr(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_svd(int32_t h, int32_t compute_uv) {
  return results([&] { return linalg::svd(wmx_get(h), compute_uv != 0); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_inv(int32_t h) {
  return make([&] { return linalg::inv(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_tri_inv(int32_t h, int32_t upper) {
  return make([&] { return linalg::tri_inv(wmx_get(h), upper != 0); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_pinv(int32_t h) {
  return make([&] { return linalg::pinv(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_cholesky(int32_t h, int32_t upper) {
  return make([&] { return linalg::cholesky(wmx_get(h), upper != 0); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_cholesky_inv(int32_t h, int32_t upper) {
  return make([&] { return linalg::cholesky_inv(wmx_get(h), upper != 0); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_lu(int32_t h) {
  return results([&] { return linalg::lu(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_lu_factor(int32_t h) {
  return results([&] { return linalg::lu_factor(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_solve(int32_t a, int32_t b) {
  return make([&] { return linalg::solve(wmx_get(a), wmx_get(b)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_solve_triangular(int32_t a, int32_t b, int32_t upper) {
  return make([&] { return linalg::solve_triangular(wmx_get(a), wmx_get(b), upper != 0); });
}

// uplo: "L" or "U" (UTF-8, NUL-terminated).
EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_eigh(int32_t h, const char* uplo) {
  return results([&] { return linalg::eigh(wmx_get(h), std::string(uplo)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_eigvalsh(int32_t h, const char* uplo) {
  return make([&] { return linalg::eigvalsh(wmx_get(h), std::string(uplo)); });
}

// Results: eigenvalues, eigenvectors (complex64).
EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_eig(int32_t h) {
  return results([&] { return linalg::eig(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_eigvals(int32_t h) {
  return make([&] { return linalg::eigvals(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_cross(int32_t a, int32_t b, int32_t axis) {
  return make([&] { return linalg::cross(wmx_get(a), wmx_get(b), axis); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_det(int32_t h) {
  return make([&] { return linalg::det(wmx_get(h)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_linalg_slogdet(int32_t h) {
  return results([&] { return linalg::slogdet(wmx_get(h)); });
}

}  // extern "C"

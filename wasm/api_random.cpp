// The C ABI of core/random.h (ts/random.ts), in the conventions of api.cpp:
// int32 handles in and out, -1 on error with the "[op] ..." message in
// wmx_last_error(). A key handle of -1 means "use the global key"; a shape
// length of -1 means "no shape given". Seeds arrive as two uint32 halves.
#include <emscripten/emscripten.h>

#include <cstdint>
#include <optional>

#include "error.h"
#include "handles.h"
#include "random.h"

using namespace wmx;

namespace {

std::optional<array> key_of(int32_t h) { return h < 0 ? std::nullopt : std::optional<array>(wmx_get(h)); }
std::optional<Shape> opt_shape(const int32_t* p, int32_t n) {
  return n < 0 ? std::nullopt : std::optional<Shape>(read_shape(p, n));
}
uint64_t seed_of(int32_t hi, int32_t lo) { return (uint64_t(uint32_t(hi)) << 32) | uint64_t(uint32_t(lo)); }

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_key(int32_t hi, int32_t lo) {
  return make([&] { return random::key(seed_of(hi, lo)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_seed(int32_t hi, int32_t lo) {
  return guard<int32_t>(-1, [&] {
    random::seed(seed_of(hi, lo));
    return 0;
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_split(int32_t key, int32_t num) {
  return make([&] { return random::split(wmx_get(key), num); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_bits(const int32_t* shape, int32_t ndim, int32_t width, int32_t key) {
  return make([&] { return random::bits(read_shape(shape, ndim), width, key_of(key)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_uniform(int32_t low, int32_t high, const int32_t* shape, int32_t ndim,
                                                int32_t dtype, int32_t key) {
  return make([&] {
    return random::uniform(wmx_get(low), wmx_get(high), read_shape(shape, ndim), dtype_from_code(dtype, "uniform"),
                           key_of(key));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_normal(const int32_t* shape, int32_t ndim, int32_t dtype, double loc,
                                               double scale, int32_t key) {
  return make([&] {
    return random::normal(read_shape(shape, ndim), dtype_from_code(dtype, "normal"), loc, scale, key_of(key));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_randint(int32_t low, int32_t high, const int32_t* shape, int32_t ndim,
                                                int32_t dtype, int32_t key) {
  return make([&] {
    return random::randint(wmx_get(low), wmx_get(high), read_shape(shape, ndim), dtype_from_code(dtype, "randint"),
                           key_of(key));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_bernoulli(int32_t p, const int32_t* shape, int32_t ndim, int32_t key) {
  return make([&] { return random::bernoulli(wmx_get(p), opt_shape(shape, ndim), key_of(key)); });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_truncated_normal(int32_t lower, int32_t upper, const int32_t* shape,
                                                         int32_t ndim, int32_t dtype, int32_t key) {
  return make([&] {
    return random::truncated_normal(wmx_get(lower), wmx_get(upper), opt_shape(shape, ndim),
                                    dtype_from_code(dtype, "truncated_normal"), key_of(key));
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_random_gumbel(const int32_t* shape, int32_t ndim, int32_t dtype, int32_t key) {
  return make([&] { return random::gumbel(read_shape(shape, ndim), dtype_from_code(dtype, "gumbel"), key_of(key)); });
}

// num_samples < 0: none.
EMSCRIPTEN_KEEPALIVE int32_t wmx_random_categorical(int32_t logits, int32_t axis, const int32_t* shape, int32_t ndim,
                                                    int32_t num_samples, int32_t key) {
  return make([&] {
    return random::categorical(wmx_get(logits), axis, opt_shape(shape, ndim),
                               num_samples < 0 ? std::nullopt : std::optional<int>(num_samples), key_of(key));
  });
}

}  // extern "C"

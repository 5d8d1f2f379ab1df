// The C ABI of complex64 and mx.fft (core/complex_ops.h, core/fft.h).
// Conventions of api.cpp: int32 handles in and out, -1 on error with the
// "[op] ..." message in wmx_last_error().
#include <emscripten/emscripten.h>

#include <cstdint>

#include "complex_ops.h"
#include "error.h"
#include "fft.h"
#include "handles.h"

using namespace wmx;

namespace {

// The transforms by code, as ts/fft.ts numbers them: the error tag (the
// namespaced op name), whether it is real (rfft*/irfft*) and inverse.
struct FFTKind {
  const char* name;
  bool real, inverse;
};
constexpr FFTKind kFFTKinds[] = {
    {"fft.fft", false, false},   {"fft.ifft", false, true},   {"fft.fft2", false, false},  {"fft.ifft2", false, true},
    {"fft.fftn", false, false},  {"fft.ifftn", false, true},  {"fft.rfft", true, false},   {"fft.irfft", true, true},
    {"fft.rfft2", true, false},  {"fft.irfft2", true, true},  {"fft.rfftn", true, false},  {"fft.irfftn", true, true},
};

}  // namespace

extern "C" {

EMSCRIPTEN_KEEPALIVE int32_t wmx_complex(int32_t re, int32_t im) {
  return make([&] { return make_complex(wmx_get(re), wmx_get(im)); });
}

// part: 0 real, 1 imag, 2 conjugate.
EMSCRIPTEN_KEEPALIVE int32_t wmx_complex_part(int32_t h, int32_t part) {
  return make([&] {
    const array& a = wmx_get(h);
    if (part == 0) return real(a);
    if (part == 1) return imag(a);
    return conjugate(a);
  });
}

// kind: an index into kFFTKinds; axes: naxes ints; sizes: naxes ints, or
// has_sizes == 0 for the input's own sizes; norm: 0 backward, 1 ortho, 2 forward.
EMSCRIPTEN_KEEPALIVE int32_t wmx_fft(int32_t h, int32_t kind, const int32_t* axes, int32_t naxes,
                                     const int32_t* sizes, int32_t has_sizes, int32_t norm) {
  return make([&] {
    if (kind < 0 || kind >= int32_t(sizeof(kFFTKinds) / sizeof(kFFTKinds[0])))
      fail("fft.fft", "Unknown transform code ", kind, ".");
    const FFTKind& k = kFFTKinds[kind];
    if (norm < 0 || norm > 2) fail(k.name, "Invalid norm code ", norm, ".");
    const array& a = wmx_get(h);
    std::vector<int> ax = read_ints(axes, naxes);
    if (has_sizes) return fft_nd(a, read_shape(sizes, naxes), ax, k.real, k.inverse, FFTNorm(norm), k.name);
    return fft_nd(a, ax, k.real, k.inverse, FFTNorm(norm), k.name);
  });
}

EMSCRIPTEN_KEEPALIVE int32_t wmx_fftshift(int32_t h, const int32_t* axes, int32_t naxes, int32_t inverse) {
  return make([&] {
    return fftshift(wmx_get(h), read_ints(axes, naxes), inverse != 0, inverse ? "fft.ifftshift" : "fft.fftshift");
  });
}

}  // extern "C"

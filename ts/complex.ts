// complex64 on `mx` (wasm/api_fft.cpp, core/complex_ops.h): building a
// complex array from its parts and taking it apart. Arithmetic on complex64
// goes through the ordinary ops (add, multiply, exp, sum, matmul, ...), which
// hand complex operands to the core's complex forms.

import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar } from "./array.js";
import { requireArray } from "./args.js";
import { withOperands, wrap } from "./operands.js";
import { streamed } from "./stream.js";

const m = () => core().m;

/**
 * `re + i * im` as complex64 (webmx's spelling of Python's `a + 1j * b`):
 * the parts are cast to float32 and broadcast together.
 */
export const complex = streamed("complex", function complex(re: ArrayOrScalar, im: ArrayOrScalar): MxArray {
  return withOperands([[re, null], [im, null]], "complex", ([r, i]) => wrap(m()._wmx_complex(r!, i!)));
});

function part(a: MxArray, which: number, op: string): MxArray {
  return wrap(m()._wmx_complex_part(requireArray(a, op).handle, which));
}

/** The real part (float32 for complex64; a real array is returned as it is). */
export const real = streamed("real", (a: MxArray) => part(a, 0, "real"));

/** The imaginary part (float32 for complex64; zeros for a real array). */
export const imag = streamed("imag", (a: MxArray) => part(a, 1, "imag"));

/** The complex conjugate (a real array is returned as it is). */
export const conjugate = streamed("conjugate", (a: MxArray) => part(a, 2, "conjugate"));

/** MLX's alias of conjugate. */
export const conj = streamed("conj", (a: MxArray) => part(a, 2, "conj"));

// The ops sweep's rows for complex64 and mx.fft, in the format of
// reference_sweep_rows.ts, which adds them to its table and master list.
// complex64 is float32 inside (as in MLX), so every row runs in float32 and
// returns real parts: the real and imaginary parts of a complex result, or a
// real result. Finite differences then check the complex gradient rules
// (MakeComplex, Real, Imag, FFT) through real losses.
import { mx } from "./setup.js";
import type { Row } from "./reference_sweep.js";

type A = any;
const F = mx.fft;
/** A complex result as its two real parts. */
const parts = (z: A): A[] => [mx.real(z), mx.imag(z)];

export const fftRows: Row[] = [
  { op: "complex", inputs: [[2, 3], [3]], f32: true, fn: (re, im) => parts(mx.complex(re, im)) },
  { op: "complex", label: "through sin, tanh, log, matmul", inputs: [[2, 2], [2, 2]], f32: true,
    fn: (a, b) => { const c = mx.complex(a, b); return parts(mx.matmul(mx.sin(c), mx.log(mx.tanh(c).add(2)))); } },
  { op: "real", inputs: [[2, 3], [2, 3]], f32: true, fn: (a, b) => mx.real(mx.multiply(mx.complex(a, b), mx.complex(b, a))) },
  { op: "imag", inputs: [[2, 3], [2, 3]], f32: true, fn: (a, b) => mx.imag(mx.divide(mx.complex(a, b), mx.complex(b.add(2), a))) },
  { op: "conjugate", inputs: [[4], [4]], f32: true, fn: (a, b) => parts(mx.exp(mx.conjugate(mx.complex(a, b)))) },
  { op: "conj", inputs: [[4], [4]], f32: true, fn: (a, b) => parts(mx.sqrt(mx.conj(mx.complex(a.add(2), b)))) },
  { op: "fft.fft", inputs: [[2, 5]], f32: true, fn: (x) => parts(F.fft(x)) },
  { op: "fft.fft", label: "complex input, n 7 along axis 0", inputs: [[3, 2], [3, 2]], f32: true, fn: (a, b) => parts(F.fft(mx.complex(a, b), 7, 0)) },
  { op: "fft.fft", label: "length 8, ortho", inputs: [[8]], f32: true, fn: (x) => parts(F.fft(x, null, -1, "ortho")) },
  { op: "fft.ifft", inputs: [[3, 6], [3, 6]], f32: true, fn: (a, b) => parts(F.ifft(mx.complex(a, b))) },
  { op: "fft.ifft", label: "n 4 (truncated), forward", inputs: [[6]], f32: true, fn: (x) => parts(F.ifft(x, 4, -1, "forward")) },
  { op: "fft.rfft", inputs: [[2, 7]], f32: true, fn: (x) => parts(F.rfft(x)) },
  { op: "fft.rfft", label: "even n 6 (padded) along axis 0", inputs: [[5, 2]], f32: true, fn: (x) => parts(F.rfft(x, 6, 0)) },
  { op: "fft.irfft", inputs: [[2, 4], [2, 4]], f32: true, fn: (a, b) => F.irfft(mx.complex(a, b)) },
  { op: "fft.irfft", label: "odd n 5", inputs: [[3], [3]], f32: true, fn: (a, b) => F.irfft(mx.complex(a, b), 5) },
  { op: "fft.fft2", inputs: [[2, 3, 4]], f32: true, fn: (x) => parts(F.fft2(x)) },
  { op: "fft.ifft2", inputs: [[3, 3], [3, 3]], f32: true, fn: (a, b) => parts(F.ifft2(mx.complex(a, b), [2, 4])) },
  { op: "fft.fftn", inputs: [[2, 3, 2]], f32: true, fn: (x) => parts(F.fftn(x)) },
  { op: "fft.ifftn", inputs: [[2, 3], [2, 3]], f32: true, fn: (a, b) => parts(F.ifftn(mx.complex(a, b), null, [0])) },
  { op: "fft.rfft2", inputs: [[3, 5]], f32: true, fn: (x) => parts(F.rfft2(x)) },
  { op: "fft.irfft2", inputs: [[3, 3], [3, 3]], f32: true, fn: (a, b) => F.irfft2(mx.complex(a, b)) },
  { op: "fft.rfftn", inputs: [[2, 2, 3]], f32: true, fn: (x) => parts(F.rfftn(x)) },
  { op: "fft.irfftn", inputs: [[2, 3], [2, 3]], f32: true, fn: (a, b) => F.irfftn(mx.complex(a, b), [3, 5], [0, 1]) },
  { op: "fft.fftshift", inputs: [[3, 4]], f32: true, fn: (x) => F.fftshift(x) },
  { op: "fft.ifftshift", inputs: [[5, 2]], f32: true, fn: (x) => F.ifftshift(x, [0]) },
];

export const FFT_OPS = [
  ..."complex real imag conjugate conj".split(" "),
  ..."fft ifft fft2 ifft2 fftn ifftn rfft irfft rfft2 irfft2 rfftn irfftn fftshift ifftshift fftfreq rfftfreq".split(" ").map((n) => `fft.${n}`),
];

/** Operations without a sweep row, and why. */
export const FFT_NOT_SWEPT: Record<string, string> = {
  "fft.fftfreq": "no array argument",
  "fft.rfftfreq": "no array argument",
};

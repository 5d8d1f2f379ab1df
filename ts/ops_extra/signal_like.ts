// Signal-processing helpers of MLX (mlx/ops.cpp and python/src/ops.cpp):
// the window functions bartlett, hanning, hamming and blackman, and convolve.

import { MxArray } from "../array.js";
import { float32 } from "../dtype.js";
import { intArg, requireArray } from "../args.js";
import { arange, ones, zeros } from "../creation.js";
import { abs, cos, multiply, sin, square, subtract, add } from "../elementwise.js";
import { conv1d } from "../linalg.js";
import { pad, reshape } from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { scalarOf } from "./common.js";
import { flip } from "./shape_like.js";
import { streamed } from "../stream.js";

/** A window of M float32 points built from n = 0..M-1; empty for M < 1 and [1] for M = 1, as MLX. */
function windowOf(op: string, M: number, f: (n: MxArray, m: number) => MxArray): MxArray {
  const m = intArg(M, "M", op);
  if (m < 1) return zeros([0], float32);
  if (m === 1) return ones([1], float32);
  return tidy(() => f(arange(0, m, float32), m));
}

const f32 = (v: number) => scalarOf(v, float32);

/** The triangular window: 1 - |2n / (M - 1) - 1|. */
export const bartlett = streamed("bartlett", (M: number) =>
  windowOf("bartlett", M, (n, m) => subtract(f32(1), abs(subtract(multiply(f32(2 / (m - 1)), n), f32(1))))));

/** The Hann window: sin(pi n / (M - 1))^2. */
export const hanning = streamed("hanning", (M: number) => windowOf("hanning", M, (n, m) => square(sin(multiply(f32(Math.PI / (m - 1)), n)))));

/** The Hamming window: 0.54 - 0.46 cos(2 pi n / (M - 1)). */
export const hamming = streamed("hamming", (M: number) =>
  windowOf("hamming", M, (n, m) => subtract(f32(0.54), multiply(f32(0.46), cos(multiply(f32((2 * Math.PI) / (m - 1)), n))))));

/** The Blackman window: 0.34 - 0.5 cos(x) + 0.16 cos(x)^2 with x = 2 pi n / (M - 1) (= 0.42 - 0.5 cos x + 0.08 cos 2x). */
export const blackman = streamed("blackman", (M: number) =>
  windowOf("blackman", M, (n, m) => {
    const c = cos(multiply(f32((2 * Math.PI) / (m - 1)), n));
    return add(subtract(f32(0.34), multiply(f32(0.5), c)), multiply(f32(0.16), square(c)));
  }));

/**
 * The discrete convolution of two 1-D arrays (the longer one is the signal,
 * the kernel flipped as in signal processing). mode "full" (default) gives
 * every overlap, "same" the signal's length, "valid" only full overlaps.
 */
export const convolve = streamed("convolve", function convolve(a: MxArray, v: MxArray, mode: "full" | "same" | "valid" = "full"): MxArray {
  const op = "convolve";
  const x = requireArray(a, op), y = requireArray(v, op);
  if (x.ndim !== 1 || y.ndim !== 1) throw new Error(`[${op}] Inputs must be 1D.`);
  if (x.size === 0 || y.size === 0) throw new Error(`[${op}] Inputs cannot be empty.`);
  if (mode !== "full" && mode !== "same" && mode !== "valid") throw new Error(`[${op}] Invalid mode.`);
  const [sig, ker] = x.size < y.size ? [y, x] : [x, y];
  const k = ker.size;
  return tidy(() => {
    let input = reshape(sig, [1, -1, 1]);
    const weight = reshape(flip(ker), [1, -1, 1]);
    let padding = 0;
    if (mode === "full") padding = k - 1;
    else if (mode === "same") {
      if (k % 2) padding = Math.floor(k / 2);
      else {
        // even kernels pad one more on the left
        const left = k / 2;
        input = pad(input, [[0, 0], [left, Math.max(0, left - 1)], [0, 0]]);
      }
    }
    return reshape(conv1d(input, weight, { padding }), [-1]);
  });
});

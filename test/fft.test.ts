// mx.fft against a naive O(n^2) DFT in float64 (pure JS): every transform
// over lengths that take each path of the core (1, powers of two for
// radix-2, odd and prime lengths for Bluestein), with MLX's n/s padding and
// truncation, axes and norms; round trips; fftshift against hand values;
// vmap against a loop; a gradient through a prime length against finite
// differences. (test/ops_sweep_fft.test.ts sweeps every op's gradients.)
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

type C = { re: number[]; im: number[] };

/** The DFT of one line in float64: sum_j x_j exp(-+2 pi i jk / n), without scaling. */
function dft(x: C, inverse = false): C {
  const n = x.re.length, s = inverse ? 1 : -1;
  const re = new Array<number>(n).fill(0), im = new Array<number>(n).fill(0);
  for (let k = 0; k < n; ++k)
    for (let j = 0; j < n; ++j) {
      const a = (s * 2 * Math.PI * ((j * k) % n)) / n;
      re[k]! += x.re[j]! * Math.cos(a) - x.im[j]! * Math.sin(a);
      im[k]! += x.re[j]! * Math.sin(a) + x.im[j]! * Math.cos(a);
    }
  return { re, im };
}

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = (seed * 2654435761) % 4294967296;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return Math.fround(s / 2147483648 - 1);
  });
}

const parts = (z: mx.Array): C => {
  const d = z.dataSync() as Float32Array;
  const re: number[] = [], im: number[] = [];
  for (let i = 0; i < d.length; i += 2) {
    re.push(d[i]!);
    im.push(d[i + 1]!);
  }
  return { re, im };
};
const complexOf = (x: C, shape = [x.re.length]) => mx.complex(mx.array(x.re), mx.array(x.im)).reshape(shape);

/** The largest error relative to the largest magnitude of the reference (float32 storage). */
function expectNear(got: C, want: C, tol = 2e-6) {
  expect(got.re.length).toBe(want.re.length);
  let err = 0, scale = 1;
  for (let i = 0; i < want.re.length; ++i) {
    err = Math.max(err, Math.abs(got.re[i]! - want.re[i]!), Math.abs(got.im[i]! - want.im[i]!));
    scale = Math.max(scale, Math.abs(want.re[i]!), Math.abs(want.im[i]!));
  }
  expect(err / scale).toBeLessThanOrEqual(tol * Math.max(1, Math.log2(want.re.length)));
}
const real = (re: number[]): C => ({ re, im: re.map(() => 0) });
const scale = (x: C, f: number): C => ({ re: x.re.map((v) => v * f), im: x.im.map((v) => v * f) });
/** `x` cut or zero-padded to n. */
const fit = (x: C, n: number): C => ({
  re: Array.from({ length: n }, (_, i) => x.re[i] ?? 0),
  im: Array.from({ length: n }, (_, i) => x.im[i] ?? 0),
});
/** A real signal's full spectrum from its first n / 2 + 1 entries. */
const hermitian = (h: C, n: number): C => fit(
  { re: Array.from({ length: n }, (_, k) => (k < h.re.length ? h.re[k]! : h.re[n - k]!)),
    im: Array.from({ length: n }, (_, k) => (k < h.re.length ? h.im[k]! : -h.im[n - k]!)) }, n);

const LENGTHS = [1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 16, 17, 31, 64, 97, 100];

describe("mx.fft 1-D against a naive DFT", () => {
  it("fft and ifft of complex inputs, every length", () => mx.tidy(() => {
    for (const n of LENGTHS) {
      const x = { re: values(n, n), im: values(n, n + 1000) };
      const z = complexOf(x);
      const f = mx.fft.fft(z);
      expect(f.dtype).toBe(mx.complex64);
      expectNear(parts(f), dft(x));
      expectNear(parts(mx.fft.ifft(z)), scale(dft(x, true), 1 / n));
      // round trip
      expectNear(parts(mx.fft.ifft(f)), x);
    }
  }));

  it("fft of a real input, and n truncating or padding", () => mx.tidy(() => {
    const x = values(9, 3);
    expectNear(parts(mx.fft.fft(mx.array(x))), dft(real(x)));
    for (const n of [4, 9, 11, 16]) expectNear(parts(mx.fft.fft(mx.array(x), n)), dft(fit(real(x), n)));
    // integer inputs are cast
    expectNear(parts(mx.fft.fft(mx.array([1, 2, 3], mx.int32))), dft(real([1, 2, 3])));
  }));

  it("norms: backward, ortho, forward", () => mx.tidy(() => {
    const n = 7;
    const x = { re: values(n, 5), im: values(n, 6) };
    const z = complexOf(x);
    expectNear(parts(mx.fft.fft(z, null, -1, "ortho")), scale(dft(x), 1 / Math.sqrt(n)));
    expectNear(parts(mx.fft.fft(z, null, -1, "forward")), scale(dft(x), 1 / n));
    expectNear(parts(mx.fft.ifft(z, null, -1, "ortho")), scale(dft(x, true), 1 / Math.sqrt(n)));
    expectNear(parts(mx.fft.ifft(z, null, -1, "forward")), dft(x, true));
    expectNear(parts(mx.fft.fft(z, null, -1, "backward")), dft(x));
  }));

  it("rfft gives the n / 2 + 1 non-negative frequencies; irfft inverts it", () => mx.tidy(() => {
    for (const n of LENGTHS) {
      const x = values(n, 40 + n);
      const full = dft(real(x));
      const h = mx.fft.rfft(mx.array(x));
      expect(h.shape).toEqual([Math.floor(n / 2) + 1]);
      expectNear(parts(h), fit(full, Math.floor(n / 2) + 1));
      const back = mx.fft.irfft(h, n);
      expect(back.dtype).toBe(mx.float32);
      expectNear(real(Array.from(back.dataSync() as Float32Array)), real(x));
    }
  }));

  it("irfft of a half spectrum against the full inverse DFT; default n = 2 (m - 1); imaginary DC ignored", () => mx.tidy(() => {
    for (const [m, n] of [[4, 6], [4, 7], [5, undefined], [3, 3], [6, 4], [1, 1]] as const) {
      const h = { re: values(m, m * 7), im: values(m, m * 11) };
      const len = n ?? 2 * (m - 1);
      const want = scale(dft(hermitian(fit(h, Math.floor(len / 2) + 1), len), true), 1 / len);
      const got = mx.fft.irfft(complexOf(h), n);
      expect(got.shape).toEqual([len]);
      expectNear(real(Array.from(got.dataSync() as Float32Array)), { re: want.re, im: want.re.map(() => 0) });
    }
  }));

  it("along another axis of a batch", () => mx.tidy(() => {
    const rows = 3, n = 5;
    const data = values(rows * n, 77);
    const x = mx.array(data).reshape([rows, n]);
    const byCol = parts(mx.fft.fft(x, null, 0)); // shape (3, 5): columns transformed
    for (let j = 0; j < n; ++j) {
      const col = Array.from({ length: rows }, (_, i) => data[i * n + j]!);
      const want = dft(real(col));
      const got = { re: [0, 1, 2].map((i) => byCol.re[i * n + j]!), im: [0, 1, 2].map((i) => byCol.im[i * n + j]!) };
      expectNear(got, want);
    }
  }));
});

/** A 2-D (rows x cols) complex array's DFT over both axes, by the reference. */
function dft2(x: C, rows: number, cols: number, inverse = false): C {
  const out: C = { re: [...x.re], im: [...x.im] };
  for (let i = 0; i < rows; ++i) {
    const r = dft({ re: out.re.slice(i * cols, i * cols + cols), im: out.im.slice(i * cols, i * cols + cols) }, inverse);
    for (let j = 0; j < cols; ++j) [out.re[i * cols + j], out.im[i * cols + j]] = [r.re[j]!, r.im[j]!];
  }
  for (let j = 0; j < cols; ++j) {
    const c = dft({ re: Array.from({ length: rows }, (_, i) => out.re[i * cols + j]!), im: Array.from({ length: rows }, (_, i) => out.im[i * cols + j]!) }, inverse);
    for (let i = 0; i < rows; ++i) [out.re[i * cols + j], out.im[i * cols + j]] = [c.re[i]!, c.im[i]!];
  }
  return out;
}

describe("mx.fft 2-D and n-D", () => {
  it("fft2 / ifft2 / fftn / ifftn over the last two axes and all axes", () => mx.tidy(() => {
    for (const [r, c] of [[3, 5], [4, 4], [1, 7], [6, 2]] as const) {
      const x = { re: values(r * c, r * 10 + c), im: values(r * c, r * 10 + c + 500) };
      const z = complexOf(x, [r, c]);
      expectNear(parts(mx.fft.fft2(z)), dft2(x, r, c));
      expectNear(parts(mx.fft.fftn(z)), dft2(x, r, c));
      expectNear(parts(mx.fft.ifft2(z)), scale(dft2(x, r, c, true), 1 / (r * c)));
      expectNear(parts(mx.fft.ifftn(z)), scale(dft2(x, r, c, true), 1 / (r * c)));
      expectNear(parts(mx.fft.ifftn(mx.fft.fftn(z))), x);
    }
  }));

  it("fft2 with s pads and truncates each axis; a batch axis in front", () => mx.tidy(() => {
    const x = { re: values(12, 1), im: values(12, 2) };
    const z = complexOf(x, [3, 4]);
    const got = mx.fft.fft2(z, [4, 3]);
    expect(got.shape).toEqual([4, 3]);
    // padded rows, truncated columns
    const fitted: C = { re: [], im: [] };
    for (let i = 0; i < 4; ++i)
      for (let j = 0; j < 3; ++j) {
        fitted.re.push(i < 3 ? x.re[i * 4 + j]! : 0);
        fitted.im.push(i < 3 ? x.im[i * 4 + j]! : 0);
      }
    expectNear(parts(got), dft2(fitted, 4, 3));
    // two batch entries, each transformed alone
    const y = { re: values(24, 9), im: values(24, 10) };
    const b = parts(mx.fft.fft2(complexOf(y, [2, 3, 4])));
    for (let k = 0; k < 2; ++k) {
      const one = { re: y.re.slice(k * 12, k * 12 + 12), im: y.im.slice(k * 12, k * 12 + 12) };
      expectNear({ re: b.re.slice(k * 12, k * 12 + 12), im: b.im.slice(k * 12, k * 12 + 12) }, dft2(one, 3, 4));
    }
    // fftn over named axes
    expectNear(parts(mx.fft.fftn(z, null, [0])), parts(mx.fft.fft(z, null, 0)));
    expectNear(parts(mx.fft.fftn(z, [3, 4], [0, 1])), dft2(x, 3, 4));
  }));

  it("rfft2 / rfftn halve the last axis; irfft2 / irfftn invert them (even and odd lengths)", () => mx.tidy(() => {
    for (const [r, c] of [[3, 5], [4, 6], [2, 1]] as const) {
      const x = values(r * c, 50 + r * c);
      const full = dft2(real(x), r, c);
      const m = Math.floor(c / 2) + 1;
      const want: C = { re: [], im: [] };
      for (let i = 0; i < r; ++i)
        for (let j = 0; j < m; ++j) {
          want.re.push(full.re[i * c + j]!);
          want.im.push(full.im[i * c + j]!);
        }
      const a = mx.array(x).reshape([r, c]);
      const h2 = mx.fft.rfft2(a);
      expect(h2.shape).toEqual([r, m]);
      expectNear(parts(h2), want);
      expectNear(parts(mx.fft.rfftn(a)), want);
      expectNear(real(Array.from(mx.fft.irfft2(h2, [r, c]).dataSync() as Float32Array)), real(x));
      expectNear(real(Array.from(mx.fft.irfftn(h2, [r, c], [0, 1]).dataSync() as Float32Array)), real(x));
    }
    // irfftn's default: the last axis becomes 2 (m - 1)
    expect(mx.fft.irfftn(mx.zeros([3, 4], mx.complex64)).shape).toEqual([3, 6]);
  }));
});

describe("fftshift / ifftshift", () => {
  it("roll by half the length, as numpy (hand values)", () => mx.tidy(() => {
    expect(mx.fft.fftshift(mx.arange(5)).tolist()).toEqual([3, 4, 0, 1, 2]);
    expect(mx.fft.ifftshift(mx.arange(5)).tolist()).toEqual([2, 3, 4, 0, 1]);
    expect(mx.fft.fftshift(mx.arange(6)).tolist()).toEqual([3, 4, 5, 0, 1, 2]);
    expect(mx.fft.ifftshift(mx.arange(6)).tolist()).toEqual([3, 4, 5, 0, 1, 2]);
    expect(mx.fft.fftshift(mx.arange(6).reshape([2, 3])).tolist()).toEqual([[5, 3, 4], [2, 0, 1]]);
    expect(mx.fft.fftshift(mx.arange(6).reshape([2, 3]), [1]).tolist()).toEqual([[2, 0, 1], [5, 3, 4]]);
    expect(mx.fft.ifftshift(mx.fft.fftshift(mx.arange(7))).tolist()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const z = mx.array([{ re: 0, im: 1 }, { re: 2, im: 3 }, { re: 4, im: 5 }]);
    expect(mx.fft.fftshift(z).tolist()).toEqual([{ re: 4, im: 5 }, { re: 0, im: 1 }, { re: 2, im: 3 }]);
  }));
});

describe("fftfreq / rfftfreq", () => {
  it("numpy's sample frequencies (hand values)", () => mx.tidy(() => {
    expect(mx.fft.fftfreq(5).tolist()).toEqual([0, 0.2, 0.4, -0.4, -0.2].map(Math.fround));
    expect(mx.fft.fftfreq(4, 0.5).tolist()).toEqual([0, 0.5, -1, -0.5]);
    expect(mx.fft.fftfreq(1).tolist()).toEqual([0]);
    expect(mx.fft.rfftfreq(5).tolist()).toEqual([0, 0.2, 0.4].map(Math.fround));
    expect(mx.fft.rfftfreq(4, 2).tolist()).toEqual([0, 0.125, 0.25]);
    expect(mx.fft.fftfreq(6).dtype).toBe(mx.float32);
  }));
});

describe("mx.fft under transforms", () => {
  it("vmap of fft, rfft and irfft equals a loop", () => mx.tidy(() => {
    const x = mx.array(values(4 * 7, 3)).reshape([4, 7]);
    for (const [f, inAxis] of [
      [(a: mx.Array) => mx.fft.fft(a), 0],
      [(a: mx.Array) => mx.fft.rfft(a, 6), 1],
      [(a: mx.Array) => mx.fft.irfft(mx.fft.rfft(a)), 0],
      [(a: mx.Array) => mx.fft.fftshift(mx.fft.fft(a, 5)), 1],
    ] as const) {
      const batched = mx.vmap(f as any, { inAxes: inAxis })(x) as mx.Array;
      const rows = (inAxis === 0 ? [0, 1, 2, 3] : [0, 1, 2, 3, 4, 5, 6]).map((i) =>
        f(inAxis === 0 ? x.index(i) : x.index(mx.slice(), i)));
      const want = mx.stack(rows);
      expect(batched.shape).toEqual(want.shape);
      const g = Array.from(batched.dataSync() as Float32Array), w = Array.from(want.dataSync() as Float32Array);
      expect(Math.max(...g.map((v, i) => Math.abs(v - w[i]!)))).toBeLessThanOrEqual(1e-5);
    }
  }));

  it("grad through a prime-length (Bluestein) fft against finite differences, and jvp", () => mx.tidy(() => {
    const n = 13;
    const x0 = values(n, 21);
    const w = mx.array(values(n, 22));
    const loss = (x: mx.Array) => mx.sum(mx.multiply(mx.abs(mx.fft.fft(x)), w));
    const g = Array.from((mx.grad(loss)(mx.array(x0)) as mx.Array).dataSync() as Float32Array);
    const at = (v: number[]) => mx.tidy(() => loss(mx.array(Float32Array.from(v))).item() as number);
    const h = 1e-2;
    for (let i = 0; i < n; ++i) {
      const p = [...x0], m = [...x0];
      p[i]! += h;
      m[i]! -= h;
      expect(Math.abs(g[i]! - (at(p) - at(m)) / (2 * h))).toBeLessThanOrEqual(2e-2);
    }
    // jvp of the (linear) fft is the fft of the tangent
    const t = mx.array(values(n, 23));
    const [, [tan]] = mx.jvp((a: mx.Array) => mx.fft.fft(a), [mx.array(x0)], [t]) as any;
    expectNear(parts(tan), dft(real(Array.from(t.dataSync() as Float32Array))));
  }));

  it("compiles", () => mx.tidy(() => {
    const f = mx.compile((a: mx.Array) => mx.fft.irfft(mx.fft.rfft(a).multiply(2), 8));
    const x = mx.array(values(8, 4));
    const got = Array.from(f(x).dataSync() as Float32Array), want = Array.from(x.dataSync() as Float32Array);
    expect(Math.max(...got.map((v, i) => Math.abs(v - 2 * want[i]!)))).toBeLessThanOrEqual(1e-5);
  }));
});

describe("mx.fft bad arguments", () => {
  it("tagged errors; the module stays usable", () => {
    const x = mx.ones([2, 3]);
    expect(() => mx.fft.fft(x, 0)).toThrowError(/^\[fft.fft\] Invalid FFT output size requested \(0\)/);
    expect(() => mx.fft.rfftn(x, [2, 2])).toThrowError(/^\[fft.rfftn\] `axes` should not be `None`/);
    expect(() => mx.fft.fft2(x, null, [1, -1])).toThrowError(/^\[fft.fft2\] Duplicated axis received/);
    expect(() => mx.fft.irfft(x, null, 4)).toThrowError(/^\[fft.irfft\] Invalid axis 4 received for array with 2 dimensions/);
    expect(() => mx.fft.fft(x, null, -1, "both" as any)).toThrowError(/^\[fft.fft\] Invalid norm string both/);
    expect(mx.fft.fft(mx.array([1, 1])).tolist()).toEqual([{ re: 2, im: 0 }, { re: 0, im: 0 }]);
    x.dispose();
  });
});

// MLX's floating-point microscaling modes (mxfp4, mxfp8, nvfp4) of
// quantize, dequantize, quantizedMatmul, gatherQmm and qqmm, against a
// float64 pure-JS reference of the formats written from their definitions
// (OCP Microscaling Formats spec: E2M1, E4M3, E8M0; NVIDIA's nvfp4: E2M1
// with E4M3 block scales over 16 values and a float32 global scale), with
// MLX's departures from them (E4M3 without NaN, saturating encoders, E8M0
// as the nearest power of two), hand-checked codes, and MLX's errors.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

type A = any;
const f = Math.fround;
const flat = (a: A) => Array.from(a.astype(mx.float32).dataSync() as Float32Array);
const bytes = (a: A) => Array.from(new Uint8Array((a.dataSync() as Uint32Array | Uint8Array).slice().buffer));
const rnd = (shape: number[], seed: number, s = 1) =>
  mx.array(Float32Array.from(ref.rand(ref.size(shape), seed).map((v) => v * s))).reshape(shape);

// ---- the reference formats (float64) ----

/** E2M1 magnitudes by code (1 sign, 2 exponent bits with bias 1, 1 mantissa bit; no inf/NaN). */
const E2M1 = [0, 0.5, 1, 1.5, 2, 3, 4, 6];

/** E4M3 magnitude of a 7-bit code: bias 7, subnormals at exponent 0; MLX reads 0x7F (the spec's NaN) as 480. */
function e4m3Magnitude(c: number): number {
  const e = c >> 3, m = c & 7;
  return e === 0 ? m * 2 ** -9 : (1 + m / 8) * 2 ** (e - 7);
}

/** The code of the magnitude nearest `a` among `table`, ties to the even code. */
function nearestCode(a: number, table: number[]): number {
  let best = 0;
  for (let c = 1; c < table.length; ++c) {
    const d = Math.abs(a - table[c]!), bd = Math.abs(a - table[best]!);
    if (d < bd || (d === bd && c % 2 === 0)) best = c;
  }
  return best;
}

const signBit = (x: number) => x < 0 || Object.is(x, -0);

/** MLX's E2M1 encoder: nearest, ties to even, saturating at 6; NaN gives code 7 (+6). */
function encE2M1(x: number): number {
  if (Number.isNaN(x)) return 7;
  return nearestCode(Math.min(Math.abs(x), 6), E2M1) | (signBit(x) ? 8 : 0);
}
const decE2M1 = (c: number) => (c & 8 ? -1 : 1) * E2M1[c & 7]!;

const E4M3 = Array.from({ length: 128 }, (_, c) => e4m3Magnitude(c));
/** MLX's E4M3 encoder: nearest (0x7F = 480 included), ties to even; |x| >= 480, inf and NaN give +-448 (0x7E). */
function encE4M3(x: number): number {
  const a = Math.abs(x);
  const c = Number.isNaN(x) || a >= 480 ? 0x7e : nearestCode(a, E4M3);
  return c | (signBit(x) && !Number.isNaN(x) ? 0x80 : 0);
}
const decE4M3 = (c: number) => (c & 0x80 ? -1 : 1) * E4M3[c & 0x7f]!;

/** MLX's E8M0 encoder: 2^round(log2 x) (half away from zero), exponent clamped to [-127, 127]; 0 -> code 0. */
function encE8M0(x: number): number {
  if (!Number.isFinite(x)) return 255;
  if (x <= 0) return 0;
  const l = Math.log2(x);
  const n = Math.sign(l) * Math.round(Math.abs(l));
  return Math.min(Math.max(n, -127), 127) + 127;
}
const decE8M0 = (c: number) => (c === 0 ? 2 ** -127 : 2 ** (c - 127));

type Mode = "mxfp4" | "mxfp8" | "nvfp4";
const GROUP: Record<Mode, number> = { mxfp4: 32, mxfp8: 32, nvfp4: 16 };
const BITS: Record<Mode, number> = { mxfp4: 4, mxfp8: 8, nvfp4: 4 };

interface RefQ { codes: number[]; scales: number[] }

/** Quantizes float32 rows group by group in float32 steps, as MLX's kernels. */
function refQuantize(w: number[], mode: Mode, g?: number): RefQ {
  const gs = GROUP[mode], fp4 = BITS[mode] === 4;
  const enc = mode === "nvfp4" && g !== undefined ? f(2688 / g) : 1;
  const codes: number[] = [], scales: number[] = [];
  for (let i = 0; i < w.length; i += gs) {
    const grp = w.slice(i, i + gs);
    const amax = grp.reduce((m, v) => (Number.isNaN(v) ? m : Math.max(m, Math.abs(v))), 0);
    const d = f(f(amax / (fp4 ? 6 : 448)) * enc);
    const sc = mode === "nvfp4" ? encE4M3(d) : encE8M0(d);
    scales.push(sc);
    const s = mode === "nvfp4" ? decE4M3(sc) : decE8M0(sc);
    const inv = s === 0 ? 0 : f(enc / s);
    for (const v of grp) codes.push(fp4 ? encE2M1(f(v * inv)) : encE4M3(f(v * inv)));
  }
  return { codes, scales };
}

/** The float32 values of quantized rows. */
function refDequantize(q: RefQ, mode: Mode, g?: number): number[] {
  const gs = GROUP[mode], fp4 = BITS[mode] === 4;
  const dec = mode === "nvfp4" && g !== undefined ? f(g / 2688) : 1;
  return q.codes.map((c, i) => {
    const sc = q.scales[Math.floor(i / gs)]!;
    const s = f((mode === "nvfp4" ? decE4M3(sc) : decE8M0(sc)) * dec);
    return f(s * (fp4 ? decE2M1(c) : decE4M3(c)));
  });
}

/** Element codes as the bytes of MLX's uint32 words (4-bit codes two a byte, low nibble first). */
function packBytes(codes: number[], bits: number): number[] {
  if (bits === 8) return codes;
  const out: number[] = [];
  for (let i = 0; i < codes.length; i += 2) out.push(codes[i]! | (codes[i + 1]! << 4));
  return out;
}

const words = (bs: number[], shape: number[]) => mx.array(new Uint32Array(Uint8Array.from(bs).buffer)).reshape(shape);

/** Row-major (m x k) @ (n x k).T in float64. */
function mmT(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < m; ++i)
    for (let j = 0; j < n; ++j) {
      let s = 0;
      for (let p = 0; p < k; ++p) s += a[i * k + p]! * b[j * k + p]!;
      out.push(s);
    }
  return out;
}
const transposed = (a: number[], r: number, c: number) => Array.from({ length: r * c }, (_, i) => a[(i % r) * c + Math.floor(i / r)]!);

function expectClose(got: number[], want: number[], tol = 1e-5) {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  got.forEach((v, i) => expect(Math.abs(v - want[i]!), `element ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol * scale));
}

function expectError(fn: () => unknown, msg: string | RegExp) {
  expect(fn).toThrowError(msg);
  expect(mx.array([1, 2]).add(1).tolist()).toEqual([2, 3]);
}

const E8M0_ONE = 127;

describe("the formats, hand-checked through dequantize", () => {
  it("all 16 E2M1 codes (mxfp4, scale 2^0)", () => {
    // Codes 0..15 then 15..0: nibbles low first, so word 0 is 0x76543210.
    const codes = [...Array.from({ length: 16 }, (_, i) => i), ...Array.from({ length: 16 }, (_, i) => 15 - i)];
    const w = words(packBytes(codes, 4), [1, 4]);
    expect(Array.from(w.dataSync() as Uint32Array).slice(0, 2)).toEqual([0x76543210, 0xfedcba98]);
    const got = flat(mx.dequantize(w, mx.array([[E8M0_ONE]], mx.uint8), null, 32, 4, { mode: "mxfp4", dtype: mx.float32 }));
    const want = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0, -0.5, -1, -1.5, -2, -3, -4, -6];
    expect(got).toEqual([...want, ...want.slice().reverse()]);
    expect(Object.is(got[8], -0)).toBe(true);
    // The reference agrees code by code.
    expect(codes.map(decE2M1)).toEqual(got);
  });

  it("E4M3 extremes (mxfp8, scale 2^0): subnormals, 1, the largest normal, MLX's 0x7F", () => {
    const table: [number, number][] = [
      [0x00, 0], [0x01, 2 ** -9], [0x07, 7 * 2 ** -9], [0x08, 2 ** -6], [0x38, 1], [0x3c, 1.5],
      [0x77, 240], [0x78, 256], [0x7e, 448], [0x7f, 480], [0x80, -0], [0x81, -(2 ** -9)], [0xb8, -1], [0xfe, -448],
    ];
    const codes = Array.from({ length: 32 }, (_, i) => table[i % table.length]![0]);
    const got = flat(mx.dequantize(words(codes, [1, 8]), mx.array([[E8M0_ONE]], mx.uint8), null, 32, 8, { mode: "mxfp8", dtype: mx.float32 }));
    codes.forEach((c, i) => {
      expect(got[i], `code ${c.toString(16)}`).toBe(table[i % table.length]![1]);
      expect(decE4M3(c)).toBe(got[i]);
    });
  });

  it("E8M0 scales: 2^(c - 127), code 0 = 2^-127, code 255 = infinity (MLX)", () => {
    const scales = [0, 1, 100, 127, 130, 254, 255];
    const codes = new Array(32 * scales.length).fill(0x38); // E4M3 1.0
    const got = flat(mx.dequantize(words(codes, [scales.length, 8]), mx.array(scales, mx.uint8).reshape([-1, 1]), null, 32, 8, { mode: "mxfp8", dtype: mx.float32 }));
    scales.forEach((s, i) => expect(got[i * 32]).toBe(f(decE8M0(s))));
    expect(got[0]).toBe(f(2 ** -127));
    expect(got[6 * 32]).toBe(Infinity);
  });

  it("nvfp4: E4M3 block scales, and the global scale divides them by 448 * 6 / g", () => {
    const codes = Array.from({ length: 16 }, (_, i) => i);
    const w = words(packBytes(codes, 4), [1, 2]);
    const s = mx.array([[0x40]], mx.uint8); // E4M3 2.0
    expect(flat(mx.dequantize(w, s, null, 16, 4, { mode: "nvfp4", dtype: mx.float32 }))).toEqual(codes.map((c) => 2 * decE2M1(c)));
    const g = mx.array(1344, mx.float32); // 2688 / g = 2: values halve
    expect(flat(mx.dequantize(w, s, null, 16, 4, { mode: "nvfp4", dtype: mx.float32, globalScale: g }))).toEqual(codes.map((c) => decE2M1(c)));
  });
});

describe("the global scale's derivative (nvfp4 dequantize is linear in it)", () => {
  it("grad and jvp w.r.t. the global scale: dequantize without it, over 448 * 6", () => {
    const [wq, s] = mx.quantize(rnd([2, 32], 3), 16, 4, { mode: "nvfp4" });
    const c = rnd([2, 32], 4);
    const base = mx.dequantize(wq, s, null, 16, 4, { mode: "nvfp4", dtype: mx.float32 });
    const want = flat(base).reduce((a, v, i) => a + v * flat(c)[i]!, 0) / 2688;
    const dq = (g: A) => mx.dequantize(wq, s, null, 16, 4, { mode: "nvfp4", dtype: mx.float32, globalScale: g });
    const g = mx.array(3, mx.float32);
    expectClose(flat((mx.grad((gg: A) => dq(gg).mul(c).sum()) as A)(g)), [want]);
    const [, [t]] = mx.jvp(dq, [g], [mx.array(2, mx.float32)]) as A;
    expectClose(flat(t), flat(base).map((v) => (2 * v) / 2688));
  });
});

describe("quantize: MLX's encoders", () => {
  it("mxfp4 rounds to nearest with ties to even, -0.25 to -0, and NaN to +6", () => {
    // amax 6: scale 2^round(log2(1)) = 1, so the values are encoded as they are.
    const vals = [0.25, 0.26, 0.75, 1.25, 1.75, 2.5, 2.6, 3.5, 5, 6, -0.25, -0.75, -5, -5.5, 0.1, -0.1];
    const row = [...vals, ...vals];
    const [wq, s] = mx.quantize(mx.array([row]), undefined, undefined, { mode: "mxfp4" });
    expect(wq.dtype).toBe(mx.uint32);
    expect(wq.shape).toEqual([1, 4]);
    expect(s.dtype).toBe(mx.uint8);
    expect(Array.from(s.dataSync() as Uint8Array)).toEqual([127]);
    const want = [0, 1, 2, 2, 4, 4, 5, 6, 6, 7, 8, 10, 14, 15, 0, 8];
    expect(bytes(wq)).toEqual(packBytes([...want, ...want], 4));
    expect(row.map(encE2M1)).toEqual([...want, ...want]);
    const withNaN = row.slice();
    withNaN[3] = NaN;
    const [nq, ns] = mx.quantize(mx.array([withNaN]), 32, 4, { mode: "mxfp4" });
    expect(bytes(ns)).toEqual([127]); // NaN leaves the group's maximum alone
    expect(bytes(nq)[1]! >> 4).toBe(7);
  });

  it("mxfp8 saturates: E8M0 rounds the scale to the nearest power of two, so values reach 448 * 2^0.5", () => {
    // amax / 448 = 1.4: log2 rounds to 0, scale 1; 627.2 saturates to 448,
    // 470 rounds to MLX's 480 (0x7F), 464 ties to 448, -500 to -448; below
    // 2^-6 the step is 2^-9: half a step ties to 0, one and a half to 2 steps.
    const vals = [627.2, 470, 464, 465, -500, 1, -(2 ** -9), 2 ** -10, 3 * 2 ** -10, 0.1];
    const row = Array.from({ length: 32 }, (_, i) => (i < vals.length ? vals[i]! : 0));
    const [wq, s] = mx.quantize(mx.array([row]), 32, 8, { mode: "mxfp8" });
    expect(bytes(s)).toEqual([127]);
    const got = bytes(wq);
    expect(got.slice(0, 9)).toEqual([0x7e, 0x7f, 0x7e, 0x7f, 0xfe, 0x38, 0x81, 0x00, 0x02]);
    expect(got).toEqual(row.map((v) => encE4M3(f(v))));
    // NaN and infinity in the group: infinity makes the scale 255 (inf);
    // a NaN element alone encodes to 448.
    const [, si] = mx.quantize(mx.array([row.map((v, i) => (i === 5 ? Infinity : v))]), 32, 8, { mode: "mxfp8" });
    expect(bytes(si)).toEqual([255]);
    const [qn] = mx.quantize(mx.array([row.map((v, i) => (i === 5 ? NaN : v))]), 32, 8, { mode: "mxfp8" });
    expect(bytes(qn)[5]).toBe(0x7e);
  });

  it("an all-zero group has E8M0 code 0 and dequantizes to zeros", () => {
    for (const mode of ["mxfp4", "mxfp8", "nvfp4"] as Mode[]) {
      const [wq, s] = mx.quantize(mx.zeros([2, 64]), null as A, null as A, { mode });
      expect(bytes(s).every((b) => b === 0)).toBe(true);
      expect(flat(mx.dequantize(wq, s, null, null as A, null as A, { mode })).every((v) => v === 0)).toBe(true);
    }
  });

  for (const mode of ["mxfp4", "mxfp8", "nvfp4"] as Mode[]) {
    for (const global of mode === "nvfp4" ? [false, true] : [false]) {
      it(`${mode}${global ? " with a global scale" : ""}: codes, scales and values match the reference`, () => {
        const rows = 4, k = 128;
        const w = rnd([rows, k], 7 + k + mode.length, 3);
        const data = Array.from(w.dataSync() as Float32Array);
        const g = global ? f(Math.max(...data.map(Math.abs))) : undefined;
        const ga = global ? mx.array(g!, mx.float32) : null;
        const [wq, s] = mx.quantize(w, null as A, null as A, { mode, globalScale: ga });
        expect(wq.shape).toEqual([rows, (k * BITS[mode]) / 32]);
        expect(s.shape).toEqual([rows, k / GROUP[mode]]);
        const want = refQuantize(data, mode, g);
        expect(bytes(s)).toEqual(want.scales);
        expect(bytes(wq)).toEqual(packBytes(want.codes, BITS[mode]));
        // dequantize: MLX's default dtype for the fp modes is bfloat16.
        const d = mx.dequantize(wq, s, null, null as A, null as A, { mode, globalScale: ga });
        expect(d.dtype).toBe(mx.bfloat16);
        const d32 = mx.dequantize(wq, s, null, null as A, null as A, { mode, globalScale: ga, dtype: mx.float32 });
        expect(flat(d32)).toEqual(refDequantize(want, mode, g));
        expect(flat(d)).toEqual(flat(d32.astype(mx.bfloat16)));
        // Round-trip bound: within half the largest code gap times the group's scale.
        const gs = GROUP[mode];
        const deq = flat(d32);
        for (let i = 0; i < data.length; ++i) {
          const amax = Math.max(...data.slice(i - (i % gs), i - (i % gs) + gs).map(Math.abs));
          const bound = BITS[mode] === 4 ? amax / 4 : Math.abs(data[i]!) / 16 + amax * 2 ** -9;
          expect(Math.abs(deq[i]! - data[i]!), `element ${i}`).toBeLessThanOrEqual(bound);
        }
      });
    }
  }

  it("values the format holds round-trip exactly; half-precision inputs and batch dims", () => {
    const lut = [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.5, -1, -1.5, -2, -3, -4, -6];
    const vals = Array.from({ length: 2 * 3 * 64 }, (_, i) => (i % 32 === 0 ? 6 : lut[(i * 7) % lut.length]!) * 0.25);
    const w = mx.array(vals).reshape([2, 3, 64]).astype(mx.bfloat16);
    const [wq, s] = mx.quantize(w, 32, 4, { mode: "mxfp4" });
    expect(wq.shape).toEqual([2, 3, 8]);
    expect(s.shape).toEqual([2, 3, 2]);
    expect(flat(mx.dequantize(wq, s, null, 32, 4, { mode: "mxfp4", dtype: mx.float32 }))).toEqual(vals);
  });
});

describe("quantizedMatmul and gatherQmm in the fp modes", () => {
  for (const mode of ["mxfp4", "mxfp8", "nvfp4"] as Mode[]) {
    it(`${mode}: x @ w.T and x @ w against dequantize-then-matmul`, () => {
      const M = 3, N = 5, K = 64;
      const w = rnd([N, K], 30 + mode.length);
      const [wq, s] = mx.quantize(w, null as A, null as A, { mode });
      const W = refDequantize(refQuantize(Array.from(w.dataSync() as Float32Array), mode), mode); // (N, K)
      const x = rnd([M, K], 40);
      const out = mx.quantizedMatmul(x, wq, s, null, { mode });
      expect(out.shape).toEqual([M, N]);
      expect(out.dtype).toBe(mx.float32);
      expectClose(flat(out), mmT(flat(x), W, M, K, N));
      const x2 = rnd([M, N], 41);
      const out2 = mx.quantizedMatmul(x2, wq, s, null, { mode, transpose: false });
      expect(out2.shape).toEqual([M, K]);
      expectClose(flat(out2), mmT(flat(x2), transposed(W, N, K), M, N, K));
      // x's dtype is the output's.
      expect(mx.quantizedMatmul(x.astype(mx.float16), wq, s, null, { mode }).dtype).toBe(mx.float16);
      // The gradient w.r.t. x is the cotangent times the dequantized weights (MLX).
      const c = rnd([M, N], 42);
      const gx = (mx.grad((xx: A) => mx.quantizedMatmul(xx, wq, s, null, { mode }).mul(c).sum()) as A)(x);
      expectClose(flat(gx), mmT(flat(c), transposed(W, N, K), M, N, K));
    });
  }

  it("batched weights broadcast with x; gatherQmm picks matrices by index", () => {
    const [wq, s] = mx.quantize(rnd([3, 4, 64], 50), 32, 8, { mode: "mxfp8" });
    const x = rnd([2, 1, 1, 64], 51);
    const deq = mx.dequantize(wq, s, null, 32, 8, { mode: "mxfp8", dtype: mx.float32 });
    const out = mx.quantizedMatmul(x, wq, s, null, { mode: "mxfp8" });
    expect(out.shape).toEqual([2, 3, 1, 4]);
    expectClose(flat(out), flat(mx.matmul(x, deq.swapaxes(-1, -2))));
    const xs = rnd([2, 1, 64], 52);
    const li = mx.array([1, 0, 1], mx.uint32), ri = mx.array([2, 2, 0], mx.uint32);
    const got = mx.gatherQmm(xs, wq, s, null, li, ri, { mode: "mxfp8" });
    expect(got.shape).toEqual([3, 1, 4]);
    const want = mx.stack([0, 1, 2].map((i) => mx.matmul(xs.index([1, 0, 1][i]!), deq.index([2, 2, 0][i]!).T)));
    expectClose(flat(got), flat(want));
  });

  it("vmap over x matches a loop; compile gives the eager values", () => {
    const [wq, s] = mx.quantize(rnd([4, 32], 60), 32, 4, { mode: "mxfp4" });
    const xs = rnd([3, 2, 32], 61);
    const fn = (x: A) => mx.quantizedMatmul(x, wq, s, null, { mode: "mxfp4" });
    expectClose(flat((mx.vmap(fn) as A)(xs)), flat(mx.stack([0, 1, 2].map((i) => fn(xs.index(i))))));
    expect(flat((mx.compile(fn) as A)(xs))).toEqual(flat(fn(xs)));
    // vmap of quantize and dequantize over the weights (batch axis in the middle), against a loop.
    const ws = rnd([4, 3, 32], 62);
    const q = (w: A) => mx.quantize(w, 32, 8, { mode: "mxfp8" });
    const [vq, vs] = (mx.vmap(q, { inAxes: [1] }) as A)(ws);
    const loop = [0, 1, 2].map((i) => q(ws.index(mx.slice(), i)));
    expect(bytes(vq)).toEqual(bytes(mx.stack(loop.map((l) => l[0]))));
    expect(bytes(vs)).toEqual(bytes(mx.stack(loop.map((l) => l[1]))));
    const d = (w: A, sc: A) => mx.dequantize(w, sc, null, 32, 8, { mode: "mxfp8", dtype: mx.float32 });
    expect(flat((mx.vmap(d, { inAxes: [0, 0] }) as A)(vq, vs))).toEqual(flat(mx.stack(loop.map((l) => d(l[0], l[1])))));
    const qm = (w: A, sc: A) => mx.quantizedMatmul(xs.index(0), w, sc, null, { mode: "mxfp8" });
    expectClose(flat((mx.vmap(qm) as A)(vq, vs)), flat(mx.stack(loop.map((l) => qm(l[0], l[1])))));
  });
});

describe("qqmm", () => {
  /** The float32 values x's rows become when quantized and dequantized. */
  const roundTrip = (x: number[], mode: Mode, g?: number) => refDequantize(refQuantize(x, mode, g), mode, g);

  for (const mode of ["nvfp4", "mxfp8", "mxfp4"] as Mode[]) {
    for (const global of mode === "nvfp4" ? [false, true] : [false]) {
      it(`${mode}${global ? " with global scales" : ""}: quantized and float weights against the reference`, () => {
        const M = 3, N = 4, K = 64;
        const x = rnd([M, K], 70, 2), w = rnd([N, K], 71);
        const xs = Array.from(x.dataSync() as Float32Array), ws = Array.from(w.dataSync() as Float32Array);
        const gxv = global ? f(Math.max(...xs.map(Math.abs))) : undefined;
        const gwv = global ? f(Math.max(...ws.map(Math.abs))) : undefined;
        const opts = { mode, globalScaleX: global ? mx.array(gxv!, mx.float32) : null, globalScaleW: global ? mx.array(gwv!, mx.float32) : null };
        const want = mmT(roundTrip(xs, mode, gxv), roundTrip(ws, mode, gwv), M, K, N);
        const [wq, s] = mx.quantize(w, null as A, null as A, { mode, globalScale: opts.globalScaleW });
        const yq = mx.qqmm(x, wq, s, opts);
        expect(yq.shape).toEqual([M, N]);
        expect(yq.dtype).toBe(mx.float32);
        expectClose(flat(yq), want);
        expectClose(flat(mx.qqmm(x, w, null, opts)), want);
        // MLX's test: qqmm equals dequantize(quantize(x)) @ dequantize(w).T.
        const xh = mx.dequantize(...(mx.quantize(x, null as A, null as A, { mode, globalScale: opts.globalScaleX }) as [A, A]), null, null as A, null as A, { mode, globalScale: opts.globalScaleX, dtype: mx.float32 });
        const wh = mx.dequantize(wq, s, null, null as A, null as A, { mode, globalScale: opts.globalScaleW, dtype: mx.float32 });
        expectClose(flat(yq), flat(mx.matmul(xh, wh.T)));
      });
    }
  }

  it("a vector x, leading axes of x, x's dtype; nvfp4 is the default mode", () => {
    const w = rnd([5, 32], 80);
    const [wq, s] = mx.quantize(w, 16, 4, { mode: "nvfp4" });
    const x = rnd([2, 3, 32], 81);
    const y = mx.qqmm(x, wq, s);
    expect(y.shape).toEqual([2, 3, 5]);
    expectClose(flat(y), flat(mx.qqmm(x.reshape([6, 32]), wq, s)));
    const v = mx.qqmm(x.index(0).index(0), wq, s);
    expect(v.shape).toEqual([5]);
    expectClose(flat(v), flat(y.index(0).index(0)));
    expect(mx.qqmm(x.astype(mx.bfloat16), wq, s).dtype).toBe(mx.bfloat16);
  });

  it("gradients are MLX's straight-through ones: qqmm of the cotangent", () => {
    const M = 32, N = 32, K = 32, mode: Mode = "mxfp8";
    const x = rnd([M, K], 90), w = rnd([N, K], 91), c = rnd([M, N], 92);
    const loss = (xx: A, ww: A) => mx.qqmm(xx, ww, null, { mode }).mul(c).sum();
    const [gx, gw] = (mx.grad(loss, { argnums: [0, 1] }) as A)(x, w);
    const cs = flat(c), xs = flat(x), ws = flat(w);
    // d/dx = qqmm(c, w.T): c's rows and w.T's rows (length N) quantized.
    expectClose(flat(gx), mmT(roundTrip(cs, mode), roundTrip(transposed(ws, N, K), mode), M, N, K), 1e-4);
    // d/dw = qqmm(c.T, x.T): c.T's rows and x.T's rows (length M) quantized.
    expectClose(flat(gw), mmT(roundTrip(transposed(cs, M, N), mode), roundTrip(transposed(xs, M, K), mode), N, M, K), 1e-4);
    // Weights given quantized have no gradient: MLX's rule asks qqmm for their scales.
    const [wq, s] = mx.quantize(w, null as A, null as A, { mode });
    expectError(() => (mx.grad((xx: A) => mx.qqmm(xx, wq, s, { mode }).sum()) as A)(x),
      "[qqmm] Scales must be provided if second argument is quantized.");
  });
});

describe("fp mode errors (MLX's messages)", () => {
  it("bad arguments are tagged errors and the module stays usable", () => {
    const w = rnd([4, 64], 100);
    const [wq, s] = mx.quantize(w, 32, 4, { mode: "mxfp4" });
    const x = rnd([2, 64], 101);
    expectError(() => mx.quantize(w, 32, 4, { mode: "int4" }), "[quantize] Invalid quantization mode 'int4'.");
    expectError(() => mx.quantize(w, 64, 4, { mode: "mxfp4" }), "[quantize] mxfp4 quantization requires group size 32 but got 64.");
    expectError(() => mx.quantize(w, 32, 3, { mode: "mxfp4" }), "[quantize] mxfp4 quantization requires bits to be 4 but got 3.");
    expectError(() => mx.quantize(w, 32, 7, { mode: "mxfp8" }), "[quantize] mxfp8 quantization requires bits to be 8 but got 7.");
    expectError(() => mx.quantize(w, 32, 4, { globalScale: mx.array(1) }), "[quantize] Global scale is only supported for 'nvfp4' quantization mode.");
    expectError(() => mx.quantize(w, null as A, null as A, { mode: "mxfp4", globalScale: mx.array(1, mx.float32) }), "[quantize] Global scale is only supported for 'nvfp4' quantization mode.");
    expectError(() => mx.quantize(w, null as A, null as A, { mode: "nvfp4", globalScale: mx.array([1, 2], mx.float32) }), "[quantize] Global scale must be a scalar but got shape (2).");
    expectError(() => mx.quantize(w, null as A, null as A, { mode: "nvfp4", globalScale: mx.array(1, mx.float16) }), "[quantize] Global scale must have dtype float32 but got float16.");
    expectError(() => mx.quantize(mx.zeros([2, 48]), null as A, null as A, { mode: "mxfp4" }), /^\[quantize\] The last dimension of the matrix needs to be divisible by the quantization group size 32/);
    expectError(() => mx.dequantize(wq, s, null, 64, 4, { mode: "mxfp4" }), "[dequantize] mxfp4 quantization requires group size 32 but got 64.");
    expectError(() => mx.dequantize(wq, s, null, 32, 4, { mode: "mxfp4", dtype: mx.int32 }), "[dequantize] Only real floating types are supported but output dtype == int32.");
    expectError(() => mx.dequantize(wq, s.astype(mx.float32), null, 32, 4, { mode: "mxfp4" }), "[dequantize] Scale type must be uint8 but received type float32.");
    expectError(() => mx.dequantize(wq, s, s, 32, 4, { mode: "mxfp4" }), "[dequantize] Biases must be null for quantization mode 'mxfp4'.");
    expectError(() => mx.dequantize(wq, s.index(mx.slice(), mx.slice(0, 1)), null, 32, 4, { mode: "mxfp4" }), /^\[dequantize\] Shape of scales does not match the matrix given the quantization parameters/);
    expectError(() => mx.quantizedMatmul(x, wq, s, null, { mode: "mxfp8" }), /^\[quantized_matmul\] The shapes of the weight and scales are incompatible based on bits and group_size/);
    expectError(() => mx.quantizedMatmul(x, wq, s, s, { mode: "mxfp4" }), "[quantized_matmul] Biases must be null for quantization mode 'mxfp4'.");
    expectError(() => mx.quantizedMatmul(x.astype(mx.int32), wq, s, null, { mode: "mxfp4" }), "[quantized_matmul] Only real floating types are supported but x.dtype() == int32.");
    expectError(() => mx.quantizedMatmul(rnd([2, 32], 1), wq, s, null, { mode: "mxfp4" }), /^\[quantized_matmul\] Last dimension of first input with shape \(\.\.\., 32\) does not match the expanded quantized matrix \(64, 4\)/);
    expectError(() => mx.gatherQmm(x, wq, s, s, null, null, { mode: "mxfp4" }), "[gather_qmm] Biases must be null for quantization mode 'mxfp4'.");
    expectError(() => mx.qqmm(x, wq, null, { mode: "mxfp4" }), "[qqmm] Scales must be provided if second argument is quantized.");
    expectError(() => mx.qqmm(x, w, null, { mode: "affine" }), /^\[qqmm\] Quantization mode 'affine' is not supported/);
    expectError(() => mx.qqmm(x.reshape([1, 2, 64]), w.reshape([1, 4, 64]), null, { mode: "mxfp8" }), "[qqmm] Only 2D inputs are supported but x.ndim() == 3 and w.ndim() == 3.");
    expectError(() => mx.qqmm(x.astype(mx.float64), w), "[qqmm] Only real floating types except float64 are supported but first argument dtype == float64.");
    expectError(() => mx.qqmm(x, w.astype(mx.int32)), "[qqmm] Only real floating types except float64 are supported but second argument dtype == int32.");
    expectError(() => mx.qqmm(x, rnd([4, 32], 2)), "[qqmm] Last dimension of first input with shape (2,64) must match last dimension of second input with shape (4,32).");
    expectError(() => mx.qqmm(x, w, null, { globalScaleX: mx.array(1, mx.float32) }), "[qqmm] For nvfp4 mode, either both global_scale_x and global_scale_w must be provided, or neither.");
    expectError(() => mx.qqmm(x, w, null, { mode: "mxfp8", globalScaleX: mx.array(1, mx.float32) }), "[qqmm] Global scale is only supported for 'nvfp4' quantization mode.");
    expectError(() => mx.qqmm(x, w, null, { mode: "mxfp8", groupSize: 16 }), "[qqmm] mxfp8 quantization requires group size 32 but got 16.");
    expectError(() => (mx as A).qqmm(x, w, null, { groupsize: 16 }), /^\[qqmm\]/);
  });
});

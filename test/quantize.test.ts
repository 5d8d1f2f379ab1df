// MLX's affine quantization (quantize, dequantize, quantizedMatmul,
// gatherQmm) against a pure-JS reference of MLX's format and scheme
// (mlx/backend/cpu/quantized.cpp: float32 arithmetic, codes as a
// little-endian bit stream in uint32 words) and hand-packed words: every
// supported bits and group size, both layouts, batched weights, gradients
// (x, scales, biases) against the reference's analytic ones, vmap against a
// loop, and MLX's errors.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

type A = any;
const f = Math.fround;
const flat = (a: A) => Array.from(a.astype(mx.float64).dataSync() as Float64Array);
const rnd = (shape: number[], seed: number, s = 1) =>
  mx.array(Float32Array.from(ref.rand(ref.size(shape), seed).map((v) => v * s))).reshape(shape);

interface Quantized { words: number[]; scales: number[]; biases: number[]; codes: number[] }

/** MLX's affine quantization of row-major rows of length k (float32 steps, as its CPU kernel). */
function refQuantize(w: number[], k: number, gs: number, bits: number): Quantized {
  const nBins = f(2 ** bits - 1);
  const codes: number[] = [], scales: number[] = [], biases: number[] = [];
  for (let g0 = 0; g0 < w.length; g0 += gs) {
    const grp = w.slice(g0, g0 + gs).map(f);
    const wMax = Math.max(...grp), wMin = Math.min(...grp);
    const minEdge = Math.abs(wMin) > Math.abs(wMax);
    let scale = Math.max(f(f(wMax - wMin) / nBins), f(1e-7));
    scale = minEdge ? scale : -scale;
    const edge = minEdge ? wMin : wMax;
    const q0 = rint(f(edge / scale));
    let bias = 0;
    if (q0 !== 0) {
      scale = f(edge / q0);
      bias = edge;
    }
    for (const v of grp) codes.push(Math.min(Math.max(rint(f(f(v - bias) / scale)), 0), 2 ** bits - 1));
    scales.push(scale);
    biases.push(bias);
  }
  return { words: pack(codes, k, bits), scales, biases, codes };
}

/** Round half to even (C's rint). */
function rint(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Codes of rows of length k as MLX's little-endian bit stream of uint32 words. */
function pack(codes: number[], k: number, bits: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < codes.length / k; ++r) {
    let acc = 0n;
    for (let i = 0; i < k; ++i) acc |= BigInt(codes[r * k + i]!) << BigInt(i * bits);
    for (let j = 0; j < (k * bits) / 32; ++j) out.push(Number((acc >> BigInt(32 * j)) & 0xffffffffn));
  }
  return out;
}

/** value = scale * code + bias, from the words. */
function refDequantize(words: number[], scales: number[], biases: number[], k: number, gs: number, bits: number): number[] {
  const out: number[] = [];
  const wpr = (k * bits) / 32;
  for (let r = 0; r < words.length / wpr; ++r) {
    let acc = 0n;
    for (let j = 0; j < wpr; ++j) acc |= BigInt(words[r * wpr + j]!) << BigInt(32 * j);
    for (let i = 0; i < k; ++i) {
      const code = Number((acc >> BigInt(i * bits)) & BigInt(2 ** bits - 1));
      const g = r * (k / gs) + Math.floor(i / gs);
      out.push(scales[g]! * code + biases[g]!);
    }
  }
  return out;
}

/** Row-major (m x k) @ (k x n) in float64. */
function mm(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; ++i) for (let p = 0; p < k; ++p) for (let j = 0; j < n; ++j) out[i * n + j] += a[i * k + p]! * b[p * n + j]!;
  return out;
}
const transposed = (a: number[], r: number, c: number) => Array.from({ length: r * c }, (_, i) => a[(i % r) * c + Math.floor(i / r)]!);

function expectClose(got: number[], want: number[], tol = 1e-4) {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...want.map(Math.abs));
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * scale));
}

function expectError(fn: () => unknown, msg: string | RegExp) {
  expect(fn).toThrowError(msg);
  expect(mx.array([1, 2]).add(1).tolist()).toEqual([2, 3]);
}

const u32 = (a: A) => Array.from(a.dataSync() as Uint32Array);

describe("quantize / dequantize: MLX's format", () => {
  it("hand-packed words: 4 bits and 3 bits", () => {
    // One row of 32 codes 0..15, 0..15 (4 bits) with scale 1, bias 0: values = codes.
    const codes4 = Array.from({ length: 32 }, (_, i) => i % 16);
    const w4 = mx.array(Uint32Array.from([0x76543210, 0xfedcba98, 0x76543210, 0xfedcba98])).reshape([1, 4]);
    const one = mx.ones([1, 1]), zero = mx.zeros([1, 1]);
    expect(flat(mx.dequantize(w4, one, zero, 32, 4))).toEqual(codes4);
    // 3 bits: codes 0..7 repeated; code 10 straddles words 0 and 1.
    const codes3 = Array.from({ length: 32 }, (_, i) => i % 8);
    const w3 = mx.array(Uint32Array.from([0x88fac688, 0xc688fac6, 0xfac688fa])).reshape([1, 3]);
    expect(flat(mx.dequantize(w3, mx.full([1, 1], 0.5), mx.full([1, 1], -1), 32, 3))).toEqual(codes3.map((c) => c * 0.5 - 1));
    // quantize packs the same words from values code - 4: the minimum -4 is
    // the larger edge, so scale 1 and bias -4 (MLX's scheme).
    const [wq, s, b] = mx.quantize(mx.array([codes3.map((c) => c - 4)]), 32, 3);
    expect(u32(wq)).toEqual([0x88fac688, 0xc688fac6, 0xfac688fa]);
    expect(flat(s)).toEqual([1]);
    expect(flat(b)).toEqual([-4]);
  });

  for (const bits of [2, 3, 4, 5, 6, 8]) {
    for (const gs of [32, 64, 128]) {
      it(`bits ${bits}, group size ${gs}: words, scales, biases and dequantize match the reference`, () => {
        const rows = 3, k = 2 * gs;
        const w = rnd([rows, k], bits * 100 + gs, 2);
        const data = Array.from(w.dataSync() as Float32Array);
        const want = refQuantize(data, k, gs, bits);
        const [wq, scales, biases] = mx.quantize(w, gs, bits);
        expect(wq.dtype).toBe(mx.uint32);
        expect(wq.shape).toEqual([rows, (k * bits) / 32]);
        expect(scales.shape).toEqual([rows, k / gs]);
        expect(scales.dtype).toBe(mx.float32);
        expect(flat(scales)).toEqual(want.scales);
        expect(flat(biases)).toEqual(want.biases);
        expect(u32(wq)).toEqual(want.words);
        const deq = mx.dequantize(wq, scales, biases, gs, bits);
        expect(deq.shape).toEqual([rows, k]);
        expectClose(flat(deq), refDequantize(want.words, want.scales, want.biases, k, gs, bits), 1e-6);
        // MLX's scheme keeps the larger edge and zero exact.
        const got = flat(deq);
        for (let g = 0; g < rows * (k / gs); ++g) {
          const grp = data.slice(g * gs, (g + 1) * gs);
          const edge = grp.reduce((e, v) => (Math.abs(v) > Math.abs(e) ? v : e), 0);
          expect(got[g * gs + grp.indexOf(edge)]).toBeCloseTo(edge, 5);
        }
      });
    }
  }

  it("defaults (64, 4), half-precision weights, batch dims, constant groups", () => {
    const w = rnd([2, 3, 128], 5).astype(mx.float16);
    const [wq, s, b] = mx.quantize(w);
    expect(wq.shape).toEqual([2, 3, 16]);
    expect(s.shape).toEqual([2, 3, 2]);
    expect(s.dtype).toBe(mx.float16);
    expect(b.dtype).toBe(mx.float16);
    const d = mx.dequantize(wq, s, b);
    expect(d.dtype).toBe(mx.float16);
    const d32 = mx.dequantize(wq, s, b, 64, 4, { dtype: mx.float32 });
    expect(d32.dtype).toBe(mx.float32);
    expect(flat(d32)).toEqual(flat(d));
    expectError(() => mx.dequantize(wq, s, b, 64, 4, { dtype: "int32" }), "[dequantize] Only real floating types are supported but output dtype == int32.");
    expect(d.shape).toEqual([2, 3, 128]);
    // A constant group: its value is the bias (q0 = 0 would lose it).
    const [cq, cs, cb] = mx.quantize(mx.full([1, 32], 0.75), 32, 4);
    expect(flat(mx.dequantize(cq, cs, cb, 32, 4))).toEqual(new Array(32).fill(0.75));
  });
});

describe("quantizedMatmul", () => {
  for (const bits of [2, 3, 4, 6, 8]) {
    it(`bits ${bits}: x @ w.T and x @ w against the reference`, () => {
      const gs = 32, M = 3, N = 5, K = 64;
      const w = rnd([N, K], 40 + bits);
      const [wq, s, b] = mx.quantize(w, gs, bits);
      const W = refDequantize(u32(wq), flat(s), flat(b), K, gs, bits); // (N, K)
      const x = rnd([M, K], 50 + bits);
      const out = mx.quantizedMatmul(x, wq, s, b, { groupSize: gs, bits });
      expect(out.shape).toEqual([M, N]);
      expectClose(flat(out), mm(flat(x), transposed(W, N, K), M, K, N));
      // transpose: false reads w as (K, N'): here (N, K) plays (K=N rows, K columns).
      const x2 = rnd([M, N], 60 + bits);
      const out2 = mx.quantizedMatmul(x2, wq, s, b, { transpose: false, groupSize: gs, bits });
      expect(out2.shape).toEqual([M, K]);
      expectClose(flat(out2), mm(flat(x2), W, M, N, K));
    });
  }

  it("leading dims of x, batched weights broadcast, dtypes", () => {
    const w = rnd([2, 4, 64], 70);
    const [wq, s, b] = mx.quantize(w, 32, 4);
    const x = rnd([3, 1, 2, 64], 71);
    const out = mx.quantizedMatmul(x, wq, s, b, { groupSize: 32 });
    expect(out.shape).toEqual([3, 2, 2, 4]);
    const deq = mx.dequantize(wq, s, b, 32, 4);
    expectClose(flat(out), flat(mx.matmul(x, deq.swapaxes(-1, -2))));
    // A 2-D weight applies to every row of x, whatever its leading dims.
    const out2 = mx.quantizedMatmul(x, wq.index(0), s.index(0), b.index(0), { groupSize: 32 });
    expectClose(flat(out2), flat(mx.matmul(x, deq.index(0).T)));
    // float16 x gives float16; the scales' dtype promotes with x's.
    expect(mx.quantizedMatmul(x.astype(mx.float16), wq, s, b, { groupSize: 32 }).dtype).toBe(mx.float32);
    const [hq, hs, hb] = mx.quantize(w.astype(mx.float16), 32, 4);
    expect(mx.quantizedMatmul(x.astype(mx.float16), hq, hs, hb, { groupSize: 32 }).dtype).toBe(mx.float16);
  });

  it("gradients w.r.t. x, scales and biases (as MLX) against the reference's", () => {
    const gs = 32, bits = 4, M = 2, N = 3, K = 64;
    const [wq, s, b] = mx.quantize(rnd([N, K], 80), gs, bits);
    const x = rnd([M, K], 81), c = rnd([M, N], 82);
    const loss = (xx: A, ss: A, bb: A) => mx.quantizedMatmul(xx, wq, ss, bb, { groupSize: gs, bits }).mul(c).sum();
    const [gx, gs_, gb] = (mx.grad(loss, { argnums: [0, 1, 2] }) as A)(x, s, b);
    const W = refDequantize(u32(wq), flat(s), flat(b), K, gs, bits);
    expectClose(flat(gx), mm(flat(c), W, M, N, K)); // c @ W
    // d/ds[n, g] = sum_m c[m, n] sum_{k in g} x[m, k] code[n, k]; d/db: the same without code.
    const codes = refDequantize(u32(wq), new Array(N * 2).fill(1), new Array(N * 2).fill(0), K, gs, bits);
    const xs = flat(x), cs = flat(c);
    const ws: number[] = [], wb: number[] = [];
    for (let n = 0; n < N; ++n) for (let g = 0; g < K / gs; ++g) {
      let a = 0, z = 0;
      for (let m = 0; m < M; ++m) for (let k = g * gs; k < (g + 1) * gs; ++k) {
        a += cs[m * N + n]! * xs[m * K + k]! * codes[n * K + k]!;
        z += cs[m * N + n]! * xs[m * K + k]!;
      }
      ws.push(a);
      wb.push(z);
    }
    expectClose(flat(gs_), ws);
    expectClose(flat(gb), wb);
    // jvp in x: the same product with the tangent.
    const [, [t]] = mx.jvp((xx: A) => mx.quantizedMatmul(xx, wq, s, b, { groupSize: gs }), [x], [c.index(mx.slice(), mx.slice(0, 1)).mul(0).add(x)]) as A;
    expectClose(flat(t), flat(mx.quantizedMatmul(x, wq, s, b, { groupSize: gs })));
    // No gradient w.r.t. the codes (MLX).
    expectError(() => mx.vjp((ww: A) => mx.quantizedMatmul(x, ww, s, b, { groupSize: gs }), [wq], [mx.ones([M, N])]),
      "[QuantizedMatmul::vjp] no gradient wrt the quantized weights.");
  });

  it("vmap matches a loop (over x, over the weights, over both)", () => {
    const [wq, s, b] = mx.quantize(rnd([3, 4, 64], 90), 32, 4);
    const xs = rnd([3, 2, 64], 91);
    const f = (x: A, w: A, sc: A, bi: A) => mx.quantizedMatmul(x, w, sc, bi, { groupSize: 32 });
    const loop = (fx: (i: number) => A) => mx.stack([0, 1, 2].map(fx));
    const w0 = wq.index(0), s0 = s.index(0), b0 = b.index(0);
    expectClose(flat((mx.vmap(f, { inAxes: [0, null, null, null] }) as A)(xs, w0, s0, b0)), flat(loop((i) => f(xs.index(i), w0, s0, b0))));
    expectClose(flat((mx.vmap(f, { inAxes: [null, 0, 0, 0] }) as A)(xs.index(0), wq, s, b)), flat(loop((i) => f(xs.index(0), wq.index(i), s.index(i), b.index(i)))));
    expectClose(flat((mx.vmap(f, { inAxes: [1, 0, 0, 0] }) as A)(xs.swapaxes(0, 1), wq, s, b)), flat(loop((i) => f(xs.index(i), wq.index(i), s.index(i), b.index(i)))));
    // A vector per example with batched weights.
    const v = rnd([3, 64], 92);
    expectClose(flat((mx.vmap(f, { inAxes: [0, 0, 0, 0] }) as A)(v, wq, s, b)), flat(loop((i) => f(v.index(i), wq.index(i), s.index(i), b.index(i)))));
    // dequantize under vmap.
    const d = (w: A, sc: A, bi: A) => mx.dequantize(w, sc, bi, 32, 4);
    expect(flat((mx.vmap(d, { inAxes: [2, 2, 2] }) as A)(wq.transpose([1, 2, 0]), s.transpose([1, 2, 0]), b.transpose([1, 2, 0])))).toEqual(flat(d(wq, s, b)));
  });

  it("compile gives the eager values", () => {
    const [wq, s, b] = mx.quantize(rnd([4, 64], 95), 64, 8);
    const x = rnd([2, 64], 96);
    const f = (xx: A) => mx.quantizedMatmul(xx, wq, s, b, { groupSize: 64, bits: 8 }).add(1);
    expect(flat((mx.compile(f) as A)(x))).toEqual(flat(f(x)));
    // Shapeless: one trace serves other batch sizes (the output shape follows x).
    const g = mx.compile((xx: A) => mx.quantizedMatmul(xx, wq, s, b, { groupSize: 64, bits: 8 }), { shapeless: true }) as A;
    for (const rows of [2, 5]) {
      const xr = rnd([rows, 64], 97 + rows);
      const out = g(xr);
      expect(out.shape).toEqual([rows, 4]);
      expect(flat(out)).toEqual(flat(mx.quantizedMatmul(xr, wq, s, b, { groupSize: 64, bits: 8 })));
    }
    const d = mx.compile((w: A, sc: A, bi: A) => mx.dequantize(w, sc, bi, 64, 8), { shapeless: true }) as A;
    expect(d(wq.index(mx.slice(0, 2)), s.index(mx.slice(0, 2)), b.index(mx.slice(0, 2))).shape).toEqual([2, 64]);
    expect(flat(d(wq, s, b))).toEqual(flat(mx.dequantize(wq, s, b, 64, 8)));
  });
});

describe("gatherQmm", () => {
  it("picks x's and the weights' matrices by index, as a loop of quantizedMatmul", () => {
    const [wq, s, b] = mx.quantize(rnd([3, 4, 64], 100), 32, 4);
    const x = rnd([2, 1, 64], 101);
    const li = mx.array([1, 0, 1], mx.uint32), ri = mx.array([2, 2, 0], mx.uint32);
    const out = mx.gatherQmm(x, wq, s, b, li, ri, { groupSize: 32 });
    expect(out.shape).toEqual([3, 1, 4]);
    const want = mx.stack([0, 1, 2].map((i) => {
      const l = [1, 0, 1][i]!, r = [2, 2, 0][i]!;
      return mx.quantizedMatmul(x.index(l), wq.index(r), s.index(r), b.index(r), { groupSize: 32 });
    }));
    expectClose(flat(out), flat(want));
    // Without indices: every pair in order (broadcast batch).
    expectClose(flat(mx.gatherQmm(x.index(mx.slice(0, 1)), wq, s, b, null, null, { groupSize: 32 })),
      flat(mx.quantizedMatmul(x.index(mx.slice(0, 1)), wq, s, b, { groupSize: 32 })));
    // Gradient w.r.t. x flows back to the picked matrices.
    const g = (mx.grad((xx: A) => mx.gatherQmm(xx, wq, s, b, li, ri, { groupSize: 32 }).sum()) as A)(x);
    const gw = mx.dequantize(wq, s, b, 32, 4).sum(1); // (3, 64): d(sum)/dx for each weight matrix
    const want0 = flat(gw.index(2)), want1 = flat(gw.index(2)).map((v, i) => v + flat(gw.index(0))[i]!);
    expectClose(flat(g.index(0)), want0);
    expectClose(flat(g.index(1)), want1);
  });
});

describe("quantization errors (MLX's messages)", () => {
  it("bad arguments are tagged errors and the module stays usable", () => {
    const w = rnd([4, 64], 110);
    const [wq, s, b] = mx.quantize(w, 32, 4);
    expectError(() => mx.quantize(w, 16, 4), "[quantize] The requested group size 16 is not supported. The supported group sizes are 32, 64, and 128.");
    expectError(() => mx.quantize(w, 32, 7), "[quantize] The requested number of bits 7 is not supported. The supported bits are 2, 3, 4, 5, 6 and 8.");
    expectError(() => mx.quantize(mx.zeros([4, 64], mx.int32), 32, 4), "[quantize] Only real floating types can be quantized but w has type int32.");
    expectError(() => mx.quantize(mx.zeros([64]), 32, 4), "[quantize] The matrix to be quantized must have at least 2 dimension but it has only 1.");
    expectError(() => mx.quantize(mx.zeros([2, 48]), 32, 4), /^\[quantize\] The last dimension of the matrix needs to be divisible by the quantization group size 32/);
    expectError(() => mx.quantize(w, 32, 4, { mode: "int4" }), "[quantize] Invalid quantization mode 'int4'.");
    expectError(() => mx.dequantize(w, s, b, 32, 4), "[dequantize] The matrix should be given as a uint32");
    expectError(() => mx.dequantize(wq, s, b, 64, 4), /^\[dequantize\] Shape of scales and biases does not match the matrix given the quantization parameters/);
    expectError(() => mx.dequantize(wq, s, null, 32, 4), "[dequantize] Biases must be provided for affine quantization.");
    const x = rnd([2, 64], 111);
    expectError(() => mx.quantizedMatmul(x, wq, s, b, { groupSize: 64 }), /^\[quantized_matmul\] The shapes of the weight and scales are incompatible based on bits and group_size/);
    expectError(() => mx.quantizedMatmul(rnd([2, 32], 1), wq, s, b, { groupSize: 32 }), /^\[quantized_matmul\] Last dimension of first input with shape \(\.\.\., 32\) does not match the expanded quantized matrix \(64, 4\)/);
    expectError(() => mx.quantizedMatmul(x, w, s, b, { groupSize: 32 }), "[quantized_matmul] The weight matrix should be uint32 but received float32");
    expectError(() => mx.quantizedMatmul(x, wq, s, b.index(mx.slice(0, 2)), { groupSize: 32 }), /^\[quantized_matmul\] Scales and biases should have the same shape/);
    expectError(() => mx.quantizedMatmul(x.astype(mx.int32), wq, s.astype(mx.int32), b.astype(mx.int32), { groupSize: 32 }), /^\[quantized_matmul\] Only real floating types are supported/);
    expectError(() => (mx as A).quantizedMatmul(x, wq, s, b, { groupsize: 32 }), /^\[quantized_matmul\]/);
    expectError(() => mx.gatherQmm(x, wq, s, b, mx.array([0.5]), null, { groupSize: 32 }), "[gather_qmm] Got lhsIndices with invalid dtype. Indices must be integral.");
  });
});

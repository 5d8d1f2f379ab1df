// The row kernels (one-pass softmax and norms, row reductions) at row
// lengths around the sizes their reductions depend on: a subgroup (4 on
// SwiftShader, 32 on NVIDIA), the workgroups (64 to 256 invocations, fitted
// to short rows), the vectors per invocation of the one-pass kernels, with
// NaN and infinities in the last element (the last invocation's share). Registered by
// row_lengths.test.ts (subgroup operations where the device has them) and
// row_lengths_nosubgroups.test.ts (without), each compared with the CPU.
import { describe, expectSame, it, mx, onBoth, values } from "./row_lengths_deps.js";

const inf = Number.POSITIVE_INFINITY;

/**
 * Five rows of L: plain values, a NaN last, +inf last, all -inf, and -inf in
 * the first half (invocations that hold only -inf in a row whose max is finite).
 */
function specialRows(L: number, seed: number): mx.Array {
  const plain = values(L, -30, 30, seed);
  const nanLast = plain.map((v, i) => (i === L - 1 ? Number.NaN : v));
  const infLast = plain.map((v, i) => (i === L - 1 ? inf : v));
  const lowHalf = plain.map((v, i) => (i < L / 2 ? -inf : v));
  return mx.array(Float32Array.from([...plain, ...nanLast, ...infLast, ...new Array<number>(L).fill(-inf), ...lowHalf])).reshape([5, L]);
}

/** The softmaxes' cases (also run alone under other softmax kernel tunings: row_lengths_softmax_tuning*.test.ts). */
export function softmaxLengthSuites(label: string): void {
  describe(`softmax kernels at lengths around subgroup, workgroup and vector sizes (${label})`, () => {
    it("one-pass softmax and logSoftmax", async () => {
      const r = await onBoth(() => [4, 28, 32, 36, 124, 128, 132, 508, 512, 516, 1020, 1024, 1028, 2052, 4100].flatMap((L, k) => {
        const x = specialRows(L, k + 1);
        return [mx.softmax(x, -1), mx.logSoftmax(x, -1)];
      }));
      expectSame(r, { rtol: 2e-5, atol: 1e-7 });
    });

    it("one-pass softmax and logSoftmax of long rows: lengths that fill every vector exactly, their neighbours, past the one-pass limit", async () => {
      const r = await onBoth(() => [2044, 2048, 8188, 8192, 8196, 16380, 16384, 16388].flatMap((L, k) => {
        const x = specialRows(L, k + 21);
        return [mx.softmax(x, -1), mx.logSoftmax(x, -1)];
      }));
      expectSame(r, { rtol: 2e-5, atol: 1e-7 });
    });
  });
}

export function rowLengthSuites(label: string): void {
  softmaxLengthSuites(label);
  describe(`row kernels at lengths around subgroup and workgroup sizes (${label})`, () => {
    it("row reductions: float and integer sums, products, max and min (NaN), all and any", async () => {
      const r = await onBoth(() => [255, 256, 257, 512, 1000, 4100].flatMap((L, k) => {
        const x = mx.array(Float32Array.from(values(3 * L, -2, 2, k + 7))).reshape([3, L]);
        const nan = mx.where(mx.greater(x, 1.99), mx.array(Number.NaN), x);
        const i = mx.floor(mx.multiply(x, 50)).astype(mx.int32), u = mx.abs(i).astype(mx.uint32);
        return [mx.sum(x, 1), mx.prod(mx.divide(x, 8).add(1), 1), mx.max(nan, 1), mx.min(nan, 1), mx.sum(i, 1), mx.max(i, 1),
          mx.min(i, 1), mx.sum(u, 1), mx.max(u, 1), mx.all(mx.greater(x, -1.999), 1), mx.any(mx.greater(x, 1.999), 1)];
      }));
      expectSame(r, { rtol: 2e-4, atol: 1e-4 }); // float sums add in another order on the GPU
    });

    it("rmsNorm and layerNorm, with and without weight and bias", async () => {
      const r = await onBoth(() => [255, 256, 257, 1024, 4100].flatMap((L, k) => {
        const x = mx.array(Float32Array.from(values(3 * L, -4, 4, k + 11))).reshape([3, L]);
        const w = mx.array(Float32Array.from(values(L, -1, 1, k + 13)));
        return [mx.fast.rmsNorm(x, w, 1e-5), mx.fast.layerNorm(x, w, w, 1e-5), mx.fast.rmsNorm(x, null, 1e-6),
          mx.fast.layerNorm(x, null, null, 1e-5), mx.fast.layerNorm(x, w, null, 1e-5), mx.fast.layerNorm(x, null, w, 1e-5)];
      }));
      expectSame(r, { rtol: 1e-4, atol: 1e-5 });
    });
  });
}

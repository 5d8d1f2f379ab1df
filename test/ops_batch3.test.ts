// view, contiguous, depends, gatherMm, blockMaskedMm, segmentedMm and
// hadamardTransform against hand values and pure-JS references (byte
// reinterpretation through DataView, explicit loops, the Sylvester matrix):
// values, dtypes, gradients, vmap against a loop, and MLX's errors.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

type A = any;
const flat = (a: A) => Array.from(a.astype(mx.float64).dataSync() as Float64Array);
const rnd = (shape: number[], seed: number) => mx.array(Float32Array.from(ref.rand(ref.size(shape), seed))).reshape(shape);
const rnd64 = (shape: number[], seed: number) => mx.array(Float64Array.from(ref.rand(ref.size(shape), seed))).reshape(shape);

function expectClose(got: number[], want: number[], tol = 1e-5) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}
function expectError(fn: () => unknown, msg: string | RegExp) {
  expect(fn).toThrowError(msg);
  expect(mx.array([1, 2]).add(1).tolist()).toEqual([2, 3]);
}

describe("view", () => {
  it("reinterprets bytes as another dtype (DataView reference)", () => {
    const vals = [1.5, -2, 3.25, 0];
    const x = mx.array(Float32Array.from(vals));
    const bytes = new DataView(Float32Array.from(vals).buffer);
    const u = mx.view(x, mx.uint32);
    expect(u.shape).toEqual([4]);
    expect(Array.from(u.dataSync() as Uint32Array)).toEqual([0, 1, 2, 3].map((i) => bytes.getUint32(4 * i, true)));
    const b = mx.view(x, "uint8");
    expect(b.shape).toEqual([16]);
    expect(Array.from(b.dataSync() as Uint8Array)).toEqual(Array.from({ length: 16 }, (_, i) => bytes.getUint8(i)));
    const d = mx.view(x.reshape([2, 2]), mx.float64);
    expect(d.shape).toEqual([2, 1]);
    expect(flat(d)).toEqual([bytes.getFloat64(0, true), bytes.getFloat64(8, true)]);
    // Round trip, a strided (transposed) input read in row-major order, and the same dtype.
    expect(flat(mx.view(mx.view(x, mx.int16), mx.float32))).toEqual(vals);
    const t = mx.arange(0, 6, mx.int32).reshape([2, 3]).T;
    expect(Array.from(mx.view(t, mx.uint16).dataSync() as Uint16Array)).toEqual([0, 0, 3, 0, 1, 0, 4, 0, 2, 0, 5, 0]);
    expect(mx.view(x, mx.float32).tolist()).toEqual(vals);
    expect(mx.view(mx.array(1.5), mx.int32).item()).toBe(bytes.getInt32(0, true));
  });

  it("vmap matches a loop, errors as MLX", () => {
    const x = mx.arange(0, 8, mx.int32).reshape([2, 4]);
    const v = (mx.vmap((r: A) => mx.view(r, mx.int16), { inAxes: 1 }) as A)(x);
    expect(v.tolist()).toEqual([0, 1, 2, 3].map((j) => mx.view(x.index(mx.slice(), j), mx.int16).tolist()));
    // Shapeless compile: the last axis follows the input's.
    const c = mx.compile((r: A) => mx.view(r, mx.uint8), { shapeless: true }) as A;
    expect(c(mx.array([1, 2], mx.int32)).shape).toEqual([8]);
    expect(Array.from(c(mx.array([1, 2, 3], mx.int32)).dataSync() as Uint8Array)).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0]);
    expectError(() => mx.view(mx.array(1, mx.int32), mx.int8), "[view] Changing the type of a scalar is only allowed for types with the same size.");
    expectError(() => mx.view(mx.zeros([3], mx.int8), mx.int16), "[view] When viewing as a larger dtype, the size in bytes of the last axis must be a multiple of the requested type size.");
    expectError(() => mx.view(mx.zeros([2]), "int7" as A), /^\[view\]/);
  });
});

describe("contiguous, depends", () => {
  it("contiguous keeps values and passes gradients and vmap through", () => {
    const x = rnd([3, 4], 1);
    expect(mx.contiguous(x.T).tolist()).toEqual(x.T.tolist());
    expect(mx.contiguous(x).tolist()).toEqual(x.tolist());
    const g = (mx.grad((a: A) => mx.contiguous(a.T).mul(a.T).sum()) as A)(x);
    expectClose(flat(g), flat(x.mul(2)));
    expect((mx.vmap((a: A) => mx.contiguous(a), { inAxes: 1 }) as A)(x).tolist()).toEqual(x.T.tolist());
    expectError(() => mx.contiguous([1] as A), /^\[contiguous\] a must be an mx\.Array/);
  });

  it("depends returns the inputs; the dependencies get zero gradient (MLX)", () => {
    const a = rnd([3], 2), b = rnd([2], 3), dep = rnd([4], 4);
    const [oa, ob] = mx.depends([a, b], [dep.mul(2)]);
    expect(oa!.tolist()).toEqual(a.tolist());
    expect(ob!.tolist()).toEqual(b.tolist());
    const [ga, gd] = (mx.grad((x: A, d: A) => mx.depends([x.mul(3)], [d])[0]!.sum().add(d.sum().mul(0)), { argnums: [0, 1] }) as A)(a, dep);
    expect(ga.tolist()).toEqual([3, 3, 3]);
    expect(gd.tolist()).toEqual([0, 0, 0, 0]);
    const [, [t]] = mx.jvp((x: A) => mx.depends([x.mul(2)], [dep])[0], [a], [mx.ones([3])]) as A;
    expect(t.tolist()).toEqual([2, 2, 2]);
    const v = (mx.vmap((x: A) => mx.depends([x.add(1)], [dep])[0]) as A)(rnd([2, 3], 5));
    expect(v.shape).toEqual([2, 3]);
    expectError(() => mx.depends([], [a]), "[depends] At least one input is required.");
    // A single array in, a single array out (MLX).
    const one = mx.depends(a, dep);
    expect(one.tolist()).toEqual(a.tolist());
  });
});

/** Row-major (m x k) @ (k x n). */
function mm(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; ++i) for (let p = 0; p < k; ++p) for (let j = 0; j < n; ++j) out[i * n + j] += a[i * k + p]! * b[p * n + j]!;
  return out;
}

describe("gatherMm", () => {
  it("a loop of matmuls over the picked matrices, gradients and vmap", () => {
    const a = rnd64([2, 3, 2, 4], 10), b = rnd64([5, 4, 3], 11);
    const li = mx.array([[0, 5], [3, 1]], mx.uint32), ri = mx.array([4, 0], mx.int32);
    const out = mx.gatherMm(a, b, li, ri);
    expect(out.shape).toEqual([2, 2, 2, 3]);
    const am = a.reshape([6, 2, 4]);
    const want = [[0, 5], [3, 1]].flatMap((row) => row.flatMap((l, j) => mm(flat(am.index(l)), flat(b.index([4, 0][j]!)), 2, 4, 3)));
    expectClose(flat(out), want, 1e-12);
    // Without indices it is matmul; 1-D operands drop their axis.
    expectClose(flat(mx.gatherMm(a.index(0, 0), b.index(0))), flat(mx.matmul(a.index(0, 0), b.index(0))), 1e-12);
    const v = mx.gatherMm(rnd64([4], 12), b, null, mx.array([1, 2], mx.int32));
    expect(v.shape).toEqual([2, 3]);
    // Gradient w.r.t. b: matrices picked twice add up.
    const gb = (mx.grad((bb: A) => mx.gatherMm(am.index(0), bb, null, mx.array([1, 1], mx.int32)).sum()) as A)(b);
    const ones23 = mx.ones([2, 3], mx.float64);
    expectClose(flat(gb.index(1)), flat(mx.matmul(am.index(0).T, ones23).mul(2)), 1e-12);
    expect(flat(gb.index(0)).every((x) => x === 0)).toBe(true);
    const f = (x: A) => mx.gatherMm(x, b, null, mx.array([3], mx.int32));
    const xs = rnd64([3, 2, 4], 13);
    expectClose(flat((mx.vmap(f) as A)(xs)), flat(mx.stack([0, 1, 2].map((i) => f(xs.index(i))))), 1e-12);
    expectError(() => mx.gatherMm(mx.zeros([2, 3]), mx.zeros([4, 2]), mx.array([0], mx.int32)), /^\[gather_mm\] Last dimension of first input with shape \(2,3\) must match/);
    expectError(() => mx.gatherMm(mx.zeros([2, 3], mx.int32), mx.zeros([3, 2], mx.int32), mx.array([0], mx.int32)), /^\[gather_mm\] Only real floating point types are supported/);
    expectError(() => mx.gatherMm(a, b, mx.array([0.5])), "[gather_mm] Got lhsIndices with invalid dtype. Indices must be integral.");
  });
});

describe("blockMaskedMm", () => {
  it("masks tiles of the operands and the output (bool and float), sizes not multiple of the block", () => {
    const M = 40, K = 70, N = 33, bs = 32;
    const a = rnd64([M, K], 20), b = rnd64([K, N], 21);
    const mo = mx.array([[true, false], [true, true]]);
    const ml = mx.array([[1, 0.5, 0], [2, 1, 1]], mx.float64);
    const mr = mx.array([[true, true], [false, true], [true, false]]);
    const out = mx.blockMaskedMm(a, b, bs, mo, ml, mr);
    expect(out.shape).toEqual([M, N]);
    // Reference: explicit per-element masks.
    const A_ = flat(a), B_ = flat(b);
    const mlv = [[1, 0.5, 0], [2, 1, 1]], mrv = [[1, 1], [0, 1], [1, 0]], mov = [[1, 0], [1, 1]];
    const am = A_.map((v, i) => v * mlv[Math.floor(Math.floor(i / K) / bs)]![Math.floor((i % K) / bs)]!);
    const bm = B_.map((v, i) => v * mrv[Math.floor(Math.floor(i / N) / bs)]![Math.floor((i % N) / bs)]!);
    const want = mm(am, bm, M, K, N).map((v, i) => v * mov[Math.floor(Math.floor(i / N) / bs)]![Math.floor((i % N) / bs)]!);
    expectClose(flat(out), want, 1e-12);
    // Without masks: matmul. Gradient w.r.t. a: the masks applied to the cotangent path.
    expectClose(flat(mx.blockMaskedMm(a, b, 64)), flat(mx.matmul(a, b)), 1e-12);
    const ga = (mx.grad((x: A) => mx.blockMaskedMm(x, b, bs, mo, ml, mr).sum()) as A)(a);
    const ones = new Array(M * N).fill(0).map((_, i) => mov[Math.floor(Math.floor(i / N) / bs)]![Math.floor((i % N) / bs)]!);
    const gWant = mm(ones, Array.from({ length: N * K }, (_, i) => bm[(i % K) * N + Math.floor(i / K)]!), M, N, K)
      .map((v, i) => v * mlv[Math.floor(Math.floor(i / K) / bs)]![Math.floor((i % K) / bs)]!);
    expectClose(flat(ga), gWant, 1e-12);
    expectError(() => mx.blockMaskedMm(a, b, 16, mo), "[block_masked_mm] Only block_sizes 32, 64 are supported.Got block size 16.");
    expectError(() => mx.blockMaskedMm(a, b, 32, mx.array([true])), /^\[block_masked_mm\] maskOut with shape \(1\) does not match the tile grid/);
  });
});

describe("segmentedMm", () => {
  it("one product per segment of the inner axis, gradients and errors", () => {
    const a = rnd64([3, 10], 30), b = rnd64([10, 2], 31);
    const segs = mx.array([[0, 4], [4, 10], [2, 2], [1, 9]], mx.int32);
    const out = mx.segmentedMm(a, b, segs);
    expect(out.shape).toEqual([4, 3, 2]);
    const A_ = flat(a), B_ = flat(b);
    const want = [[0, 4], [4, 10], [2, 2], [1, 9]].flatMap(([s, e]) => {
      const r: number[] = [];
      for (let i = 0; i < 3; ++i) for (let j = 0; j < 2; ++j) {
        let acc = 0;
        for (let k = s!; k < e!; ++k) acc += A_[i * 10 + k]! * B_[k * 2 + j]!;
        r.push(acc);
      }
      return r;
    });
    expectClose(flat(out), want, 1e-12);
    const gb = (mx.grad((bb: A) => mx.segmentedMm(a, bb, mx.array([[0, 5]], mx.int32)).sum()) as A)(b);
    const colSums = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => (k < 5 ? A_[k]! + A_[10 + k]! + A_[20 + k]! : 0));
    expectClose(flat(gb), colSums.flatMap((v) => [v, v]), 1e-12);
    expectError(() => mx.segmentedMm(a.reshape([1, 3, 10]), b, segs), "[segmented_mm] Batched matmul not supported");
    expectError(() => mx.segmentedMm(a, b, mx.array([0, 1, 2], mx.int32)), "[segmented_mm] The segments should have shape (..., 2) but (3) was provided.");
    expectError(() => mx.segmentedMm(a, b, mx.array([[0, 1]])), "[segmented_mm] Got segments with invalid dtype. Segments must be integral.");
  });
});

describe("hadamardTransform", () => {
  it("n = m * 2^k (m = 12, 20, 28): orthonormal, H_m (x) H_(2^k) with MLX's H_12", () => {
    for (const n of [12, 20, 28, 48, 56]) {
      const t = flat(mx.hadamardTransform(mx.eye(n, null, 0, mx.float64))); // row r: the transform of e_r
      for (let r = 0; r < n; ++r) for (let q = r; q < n; ++q) {
        let dot = 0;
        for (let i = 0; i < n; ++i) dot += t[r * n + i]! * t[q * n + i]!;
        expect(Math.abs(dot - (r === q ? 1 : 0))).toBeLessThan(1e-12);
      }
      // Entries are +-1/sqrt(n).
      expect(t.every((v) => Math.abs(Math.abs(v) * Math.sqrt(n) - 1) < 1e-12)).toBe(true);
    }
    // Columns 0 and 1 of MLX's H_12 (the first two characters of its rows).
    const col0 = ["+-", "--", "++", "+-", "++", "+-", "++", "+-", "++", "+-", "++", "+-"];
    const e = (k: number) => mx.eye(12, null, 0, mx.float64).index(k);
    expect(flat(mx.hadamardTransform(e(0), 1))).toEqual(col0.map((r) => (r[0] === "+" ? 1 : -1)));
    expect(flat(mx.hadamardTransform(e(1), 1))).toEqual(col0.map((r) => (r[1] === "+" ? 1 : -1)));
    // 48 = 12 * 4: e_(4k) gives column k of H_12 times the first column of H_4 (all ones).
    const t48 = flat(mx.hadamardTransform(mx.eye(48, null, 0, mx.float64).index(4), 1));
    expect(t48).toEqual(col0.flatMap((r) => new Array(4).fill(r[1] === "+" ? 1 : -1)));
  });

  it("equals the scaled Sylvester matrix product, gradients, vmap, errors", () => {
    for (const n of [1, 2, 8, 16]) {
      const x = rnd64([3, n], 40 + n);
      const H = Array.from({ length: n * n }, (_, i) => {
        let v = Math.floor(i / n) & (i % n), p = 0;
        for (; v; v &= v - 1) ++p;
        return p % 2 ? -1 : 1;
      });
      const want = mm(flat(x), H, 3, n, n).map((v) => v / Math.sqrt(n));
      expectClose(flat(mx.hadamardTransform(x)), want, 1e-12);
      expectClose(flat(mx.hadamardTransform(x, 1)), want.map((v) => v * Math.sqrt(n)), 1e-12);
    }
    expect(mx.hadamardTransform(mx.array([[1, 2]], mx.int32)).dtype).toBe(mx.float32);
    expect(mx.hadamardTransform(mx.array([[1, 2]], mx.float16)).dtype).toBe(mx.float16);
    // H is symmetric and orthonormal: the gradient of <c, H x> is H c.
    const c = rnd64([8], 50), x = rnd64([8], 51);
    const g = (mx.grad((v: A) => mx.hadamardTransform(v).mul(c).sum()) as A)(x);
    expectClose(flat(g), flat(mx.hadamardTransform(c)), 1e-12);
    const xs = rnd64([4, 3], 52).reshape([3, 4]);
    expectClose(flat((mx.vmap((v: A) => mx.hadamardTransform(v)) as A)(xs)), flat(mx.hadamardTransform(xs)), 1e-12);
    expectError(() => mx.hadamardTransform(mx.zeros([2, 36])), "[hadamard_transform] Only supports n = m*2^k where m in (1, 12, 20, 28).");
    expectError(() => mx.hadamardTransform(mx.zeros([6])), "[hadamard_transform] Only supports n = m*2^k where m in (1, 12, 20, 28).");
    expectError(() => mx.hadamardTransform(mx.zeros([0])), "[hadamard_transform] Does not support empty arrays.");
  });
});

describe("einsumPath", () => {
  const sizes: Record<string, number> = { a: 2, b: 3, c: 4, d: 5, e: 4, f: 3, g: 2, h: 6 };
  const operands = (spec: string) => spec.slice(0, spec.indexOf("->")).split(",").map((s) => mx.zeros([...s].map((c) => sizes[c]!)));

  it("MLX's test_simple_path cases", () => {
    const a = mx.zeros([5, 5]);
    expect(mx.einsumPath("ii", a)[0]).toEqual([[0]]);
    expect(mx.einsumPath("ij->i", a)[0]).toEqual([[0]]);
    const b = mx.zeros([5, 8]), c = mx.zeros([8, 3]);
    expect(mx.einsumPath("ij,jk", b, c)[0]).toEqual([[0, 1]]);
    expect(mx.einsumPath("ij,jk -> ijk", b, c)[0]).toEqual([[0, 1]]);
    expect(mx.einsumPath("ij,jk,kl", b, c, mx.zeros([3, 7]))[0]).toEqual([[0, 1], [0, 1]]);
    expect(mx.einsumPath("ij,jk,kl", b, mx.zeros([8, 10]), mx.zeros([10, 7]))[0]).toEqual([[1, 2], [0, 1]]);
  });

  it("greedy paths and costs equal numpy's einsum_path(optimize='greedy') (MLX's test_longer_paths)", () => {
    // Fixtures from numpy 1.x: [path, naive scaling, optimized scaling, naive FLOPs, optimized FLOPs];
    // numpy's optimized count adds 1 to the sum of the steps' costs, MLX's is the sum.
    const cases: [string, number[][], number, number, number, number][] = [
      ["eb,cb,fb->cef", [[0, 2], [0, 1]], 4, 4, 432, 324],
      ["bca,cdb,dbf,afc->", [[1, 2], [0, 2], [0, 1]], 5, 4, 1440, 552],
      ["ea,fb,abcd,gc,hd->efgh", [[2, 3], [2, 3], [1, 2], [0, 1]], 8, 5, 86400, 2208],
      ["ab,bc,cd,de,ef->af", [[2, 3], [1, 3], [1, 2], [0, 1]], 6, 3, 7200, 364],
    ];
    for (const [spec, path, ns, os, nf, of] of cases) {
      const [got, text] = mx.einsumPath(spec, ...operands(spec));
      expect(got, spec).toEqual(path);
      expect(text).toBe(
        `  Complete contraction:  ${spec}\n         Naive scaling:  ${ns}\n     Optimized scaling:  ${os}\n` +
        `      Naive FLOP count:  ${nf}\n  Optimized FLOP count:  ${of}\n`);
    }
    // numpy: ['einsum_path', (1, 2), (0, 1)] (the larger size reduction first).
    const xs = ["ab", "bc", "cd"].map((s) => mx.zeros([...s].map((c) => sizes[c]!)));
    expect(mx.einsumPath("ab,bc,cd->ad", ...xs)[0]).toEqual([[1, 2], [0, 1]]);
  });

  it("errors as MLX", () => {
    const a = mx.zeros([2, 3]);
    expectError(() => mx.einsumPath("ij,jk", a), "[einsum_path] Number of operands, 1, does not match number of input subscripts, 2");
    expectError(() => mx.einsumPath("i1", a), "[einsum_path] Subscripts must be letters, but got '1'.");
    expectError(() => mx.einsumPath("ijk", a), "[einsum_path] Invalid number of subscripts 3 for input 0 with 2 dimensions.");
    expectError(() => mx.einsumPath("ii", a), "[einsum_path] Dimensions of repeated subscripts do not have the same size (2 != 3).");
    expectError(() => mx.einsumPath("ij->ii", a), "[einsum_path] Repeat indices not allowed in output.");
    expectError(() => mx.einsumPath("ij"), "[einsum_path] At least one operand is required.");
  });
});

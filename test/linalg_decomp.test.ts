// mx.linalg (MLX's mlx.core.linalg): norms against a pure-JS float64
// reference, factorizations checked by reconstruction (Q R = A with Q
// orthonormal, U S Vᵀ = A, A inv(A) = I, L Lᵀ = A, V diag(w) Vᵀ = A,
// L[P] U = A), batched and float64 cases, gradients against central finite
// differences (inv, cholesky, eigh and svd have them here, beyond MLX), vmap,
// and bad arguments (tagged errors, module still usable).
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const L = mx.linalg;
// Error paths that pass deliberately wrong arguments go through an untyped alias.
const junkL = mx.linalg as any;
type Mat = number[][];

const flat = (a: mx.Array) => Array.from(a.dataSync() as ArrayLike<number>, Number);

/** Deterministic values in [-1, 1) (a small LCG), for reproducible matrices. */
function values(n: number, seed: number): number[] {
  let s = seed * 2654435761 % 4294967296;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 2147483648 - 1;
  });
}
function randMat(m: number, n: number, seed: number): Mat {
  const v = values(m * n, seed);
  return Array.from({ length: m }, (_, i) => v.slice(i * n, i * n + n));
}
const f64 = (x: Mat | Mat[] | number[]) => mx.array(x as any, mx.float64);

// ---- float64 reference helpers on nested arrays ----
const matmul = (a: Mat, b: Mat): Mat => a.map((row) => b[0]!.map((_, j) => row.reduce((s, x, k) => s + x * b[k]![j]!, 0)));
const transpose = (a: Mat): Mat => a[0]!.map((_, j) => a.map((row) => row[j]!));
const eye = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const spd = (n: number, seed: number): Mat => {
  const b = randMat(n, n, seed);
  return matmul(b, transpose(b)).map((row, i) => row.map((x, j) => x + (i === j ? n : 0)));
};
const maxDiff = (a: number[] | Mat, b: number[] | Mat) => {
  const x = (a as any[]).flat(), y = (b as any[]).flat();
  expect(x.length).toBe(y.length);
  return Math.max(0, ...x.map((v: number, i: number) => Math.abs(v - y[i])));
};
const expectClose = (got: number[] | Mat, want: number[] | Mat, tol: number) => expect(maxDiff(got, want)).toBeLessThan(tol);

/** Gauss-Jordan inverse with partial pivoting (float64 reference). */
function refInverse(a: Mat): Mat {
  const n = a.length;
  const w = a.map((row, i) => [...row, ...eye(n)[i]!]);
  for (let c = 0; c < n; ++c) {
    let p = c;
    for (let r = c + 1; r < n; ++r) if (Math.abs(w[r]![c]!) > Math.abs(w[p]![c]!)) p = r;
    [w[c], w[p]] = [w[p]!, w[c]!];
    const d = w[c]![c]!;
    w[c] = w[c]!.map((x) => x / d);
    for (let r = 0; r < n; ++r) if (r !== c) { const f = w[r]![c]!; w[r] = w[r]!.map((x, k) => x - f * w[c]![k]!); }
  }
  return w.map((row) => row.slice(n));
}

/** Gradient of the scalar f at x by central differences (float64). */
function finiteDiff(f: (x: mx.Array) => mx.Array, x: Mat, h = 1e-6): Mat {
  return x.map((row, i) => row.map((_, j) => {
    const at = (d: number) => f(f64(x.map((r, a) => r.map((v, b) => (a === i && b === j ? v + d : v))))).item() as number;
    return (at(h) - at(-h)) / (2 * h);
  }));
}
const gradOf = (f: (x: mx.Array) => mx.Array, x: Mat) => mx.grad(f)(f64(x)).tolist() as Mat;

describe("linalg.norm", () => {
  const v = [3, -4, 0, 1.5, -2];
  const a = [[1, -2, 3], [-4, 5, -6.5]];
  const absSum = (xs: number[]) => xs.reduce((s, x) => s + Math.abs(x), 0);

  it("vector norms of every ord MLX takes", () => {
    const x = mx.array(v);
    const l2 = Math.sqrt(v.reduce((s, t) => s + t * t, 0));
    expect(L.norm(x).item()).toBeCloseTo(l2, 5);
    expect(L.norm(x, 2).item()).toBeCloseTo(l2, 5);
    expect(L.norm(x, 1).item()).toBeCloseTo(absSum(v), 5);
    expect(L.norm(x, 0).item()).toBe(4);
    expect(L.norm(x, Infinity).item()).toBe(4);
    expect(L.norm(x, -Infinity).item()).toBe(0);
    expect(L.norm(x, 3).item()).toBeCloseTo(Math.cbrt(v.reduce((s, t) => s + Math.abs(t) ** 3, 0)), 5);
    expect(L.norm(mx.array([1, -2, 4]), -1).item()).toBeCloseTo(1 / (1 + 1 / 2 + 1 / 4), 6);
    expect(L.norm(mx.array([3, 4], mx.int32), 1).dtype).toBe(mx.float32);
    expect(L.norm(f64(v), 2).dtype).toBe(mx.float64);
  });

  it("matrix norms: 1, -1, inf, -inf, 2, -2, fro, nuc", () => {
    const x = f64(a);
    const colSums = [0, 1, 2].map((j) => Math.abs(a[0]![j]!) + Math.abs(a[1]![j]!));
    const rowSums = a.map(absSum);
    expect(L.norm(x, 1).item()).toBeCloseTo(Math.max(...colSums), 12);
    expect(L.norm(x, -1).item()).toBeCloseTo(Math.min(...colSums), 12);
    expect(L.norm(x, Infinity).item()).toBeCloseTo(Math.max(...rowSums), 12);
    expect(L.norm(x, -Infinity).item()).toBeCloseTo(Math.min(...rowSums), 12);
    // Singular values: square roots of the eigenvalues of A Aᵀ (2 x 2, closed form).
    const g = matmul(a, transpose(a));
    const tr = g[0]![0]! + g[1]![1]!, det = g[0]![0]! * g[1]![1]! - g[0]![1]! * g[1]![0]!;
    const disc = Math.sqrt(tr * tr / 4 - det);
    const s1 = Math.sqrt(tr / 2 + disc), s2 = Math.sqrt(tr / 2 - disc);
    expect(L.norm(x, 2).item()).toBeCloseTo(s1, 12);
    expect(L.norm(x, -2).item()).toBeCloseTo(s2, 12);
    expect(L.norm(x, "nuc").item()).toBeCloseTo(s1 + s2, 12);
    expect(L.norm(x, "fro").item()).toBeCloseTo(Math.sqrt(tr), 12);
    expect(L.norm(x, "f").item()).toBeCloseTo(Math.sqrt(tr), 12);
    expect(L.norm(x).item()).toBeCloseTo(Math.sqrt(tr), 12);
  });

  it("axis, axis order and keepdims", () => {
    const b = f64([a, a.map((r) => r.map((t) => 2 * t))]); // (2, 2, 3)
    expect(L.norm(b, null, 2).shape).toEqual([2, 2]);
    expectClose(flat(L.norm(b, 1, -1)), [6, 15.5, 12, 31], 1e-12);
    expect(L.norm(b, 1, [1, 2], true).shape).toEqual([2, 1, 1]);
    expectClose(flat(L.norm(b, 1, [1, 2])), [9.5, 19], 1e-12); // largest column sum
    // Transposing the two axes swaps the 1- and inf-norms.
    expectClose(flat(L.norm(b, 1, [2, 1])), flat(L.norm(b, Infinity, [1, 2])), 1e-12);
    // rows = axis 0, columns = axis 2: the largest row sum is the doubled matrix's.
    expectClose(flat(L.norm(b, Infinity, [0, 2])), [0, 1].map((r) => 2 * absSum(a[r]!)), 1e-12);
    expect(L.norm(b, "fro", [0, 2], true).shape).toEqual([1, 2, 1]);
    expect(L.norm(b, 2, [2, 0], true).shape).toEqual([1, 2, 1]);
    expectClose(flat(L.norm(b, "nuc", [1, 2])), [1, 2].map((k) => k * (flat(L.norm(f64(a), "nuc"))[0]!)), 1e-12);
    expect(L.norm(b, null, null, true).shape).toEqual([1, 1, 1]);
    expect(L.norm(b).item()).toBeCloseTo(Math.sqrt(5) * (flat(L.norm(f64(a)))[0]!), 12);
  });

  it("every axis pair or axis of a 3-D array, every ord but 2/-2/nuc, keepdims or not (a pure-JS reference)", () => {
    const shape = [2, 3, 4];
    const data = values(24, 9).map((x, i) => x * (1 + (i % 5)));
    const x = f64(data).reshape(shape);
    const strides = [12, 4, 1];
    const vecOrds: number[] = [0.5, 0, 1, 2, 3, -1, Infinity, -Infinity];
    const matOrds: (number | "fro")[] = ["fro", 1, -1, Infinity, -Infinity];
    const vecNorm = (v: number[], o: number) => {
      const a = v.map(Math.abs);
      if (o === 0) return a.filter((t) => t !== 0).length;
      if (o === Infinity) return Math.max(...a);
      if (o === -Infinity) return Math.min(...a);
      return a.reduce((s, t) => s + t ** o, 0) ** (1 / o);
    };
    const matNorm = (m: Mat, o: number | "fro") => {
      if (o === "fro") return Math.sqrt(m.flat().reduce((s, t) => s + t * t, 0));
      const cols = transpose(m).map((c) => c.reduce((s, t) => s + Math.abs(t), 0));
      const rows = m.map((r) => r.reduce((s, t) => s + Math.abs(t), 0));
      const sums = Math.abs(o) === 1 ? cols : rows;
      return o > 0 ? Math.max(...sums) : Math.min(...sums);
    };
    // The reference: loop over the kept axes, gather the reduced ones in the order given.
    const reference = (axes: number[], f: (sub: number[][]) => number, keepdims: boolean) => {
      const ax = axes.map((a) => (a < 0 ? a + 3 : a));
      const kept = [0, 1, 2].filter((a) => !ax.includes(a));
      const out: number[] = [];
      const count = kept.reduce((s, a) => s * shape[a]!, 1);
      for (let o = 0; o < count; ++o) {
        let base = 0, r = o;
        for (let t = kept.length - 1; t >= 0; --t) { base += (r % shape[kept[t]!]!) * strides[kept[t]!]!; r = Math.floor(r / shape[kept[t]!]!); }
        const [a0, a1] = ax;
        const rowsN = shape[a0!]!, colsN = a1 === undefined ? 1 : shape[a1]!;
        out.push(f(Array.from({ length: rowsN }, (_, i) => Array.from({ length: colsN }, (_, j) =>
          data[base + i * strides[a0!]! + (a1 === undefined ? 0 : j * strides[a1]!)]!))));
      }
      const outShape = keepdims ? shape.map((d, a) => (ax.includes(a) ? 1 : d)) : kept.map((a) => shape[a]!);
      return { outShape, out };
    };
    for (const keepdims of [false, true]) {
      for (const axis of [0, 1, 2, -1]) {
        for (const o of vecOrds) {
          const want = reference([axis], (m) => vecNorm(m.map((r) => r[0]!), o), keepdims);
          const got = L.norm(x, o, axis, keepdims);
          expect(got.shape).toEqual(want.outShape);
          expectClose(flat(got), want.out, 1e-12);
        }
      }
      for (const axes of [[0, 1], [1, 0], [0, 2], [2, 0], [1, 2], [2, 1], [-1, -3], [-2, -1]]) {
        for (const o of matOrds) {
          const want = reference(axes, (m) => matNorm(m, o), keepdims);
          const got = L.norm(x, o, axes, keepdims);
          expect(got.shape, `ord ${o} axes ${axes}`).toEqual(want.outShape);
          expectClose(flat(got), want.out, 1e-12);
        }
      }
    }
  });

  it("gradients of the norms built from elementwise ops", () => {
    const x = [[1, -2, 3], [-4, 5, -6.5]];
    for (const f of [
      (t: mx.Array) => L.norm(t),
      (t: mx.Array) => L.norm(t, 3, 1).sum(),
      (t: mx.Array) => L.norm(t, "fro"),
      (t: mx.Array) => L.norm(t, Infinity),
      (t: mx.Array) => L.norm(t, 1, 0).sum(),
    ]) expectClose(gradOf(f, x), finiteDiff(f, x), 1e-6);
  });

  it("rejects bad ords and axes with MLX's messages", () => {
    const x = mx.array(a);
    expect(() => L.norm(mx.array(v), "nuc")).toThrow("[linalg.norm] Norm 'nuc' only supported for matrices, but received 1 axis/axes.");
    expect(() => L.norm(x, 3)).toThrow("[linalg.norm] Invalid ord 3");
    expect(() => junkL.norm(x, "max")).toThrow("[linalg.norm] Invalid ord value 'max' for matrix norm.");
    expect(() => L.norm(mx.zeros([2, 2, 2]), 2)).toThrow("[linalg.norm] Received too many axes for norm.");
    expect(() => L.norm(x, null, [0, 1, 0])).toThrow("[linalg.norm] Received too many axes for norm.");
    expect(() => junkL.norm(x, {})).toThrow("[linalg.norm] ord must be a number");
    expect(() => junkL.norm(x, 2, "0")).toThrow("[linalg.norm] The axis must be an integer or a list of integers");
    expect(L.norm(x, 1).item()).toBeCloseTo(9.5, 5);
  });
});

describe("linalg.inv, triInv, choleskyInv, solve, solveTriangular", () => {
  it("inv matches a Gauss-Jordan reference, batched, float32 and float64", () => {
    const ms = [randMat(4, 4, 1), randMat(4, 4, 2), randMat(4, 4, 3)];
    const got = L.inv(f64(ms)).tolist() as Mat[];
    ms.forEach((m, i) => expectClose(got[i]!, refInverse(m), 1e-10));
    const got32 = L.inv(mx.array(ms[0]!)).tolist() as Mat;
    expect(L.inv(mx.array(ms[0]!)).dtype).toBe(mx.float32);
    expectClose(got32, refInverse(ms[0]!), 1e-4);
    expectClose(matmul(ms[1]!, got[1]!), eye(4), 1e-12);
    expect(L.inv(f64([[2]])).tolist()).toEqual([[0.5]]);
  });

  it("triInv inverts one triangle and ignores the other", () => {
    const m = randMat(5, 5, 7).map((r, i) => r.map((x, j) => (i === j ? x + 3 : x)));
    const lower = m.map((r, i) => r.map((x, j) => (j <= i ? x : 0)));
    const upper = m.map((r, i) => r.map((x, j) => (j >= i ? x : 0)));
    expectClose(L.triInv(f64(m)).tolist() as Mat, refInverse(lower), 1e-12);
    expectClose(L.triInv(f64(m), true).tolist() as Mat, refInverse(upper), 1e-12);
  });

  it("choleskyInv gives the inverse of L Lᵀ", () => {
    const a = spd(4, 5);
    for (const upper of [false, true]) {
      const c = L.cholesky(f64(a), upper);
      expectClose(L.choleskyInv(c, upper).tolist() as Mat, refInverse(a), 1e-10);
    }
  });

  it("solve and solveTriangular for vectors, matrices and batches", () => {
    const a = randMat(4, 4, 11), b = randMat(4, 2, 12);
    const x = L.solve(f64(a), f64(b)).tolist() as Mat;
    expectClose(matmul(a, x), b, 1e-12);
    const xv = L.solve(f64(a), f64(b.map((r) => r[0]!))).tolist() as number[];
    expectClose(xv, x.map((r) => r[0]!), 1e-12);
    const batch = L.solve(f64([a, eye(4)]), f64(b));
    expect(batch.shape).toEqual([2, 4, 2]);
    expectClose((batch.tolist() as Mat[])[1]!, b, 1e-14);
    expect(L.solve(mx.array(a), f64(b)).dtype).toBe(mx.float64);
    const lower = a.map((r, i) => r.map((t, j) => (j < i ? t : j === i ? t + 3 : 0)));
    const y = L.solveTriangular(f64(lower), f64(b)).tolist() as Mat;
    expectClose(matmul(lower, y), b, 1e-12);
    const upper = transpose(lower);
    const z = L.solveTriangular(f64(upper), f64(b), { upper: true }).tolist() as Mat;
    expectClose(matmul(upper, z), b, 1e-12);
  });

  it("gradients against finite differences: inv, triInv, solve (both operands)", () => {
    const a = randMat(3, 3, 21).map((r, i) => r.map((x, j) => (i === j ? x + 2 : x)));
    const w = f64(randMat(3, 3, 22));
    const fInv = (t: mx.Array) => L.inv(t).multiply(w).sum();
    expectClose(gradOf(fInv, a), finiteDiff(fInv, a), 1e-6);
    const fTri = (t: mx.Array) => L.triInv(t, true).multiply(w).sum();
    const gTri = gradOf(fTri, a);
    expectClose(gTri, finiteDiff(fTri, a), 1e-6);
    expect(gTri[2]![0]).toBe(0); // the lower triangle is never read
    const b = randMat(3, 2, 23);
    const fa = (t: mx.Array) => L.solve(t, f64(b)).square().sum();
    expectClose(gradOf(fa, a), finiteDiff(fa, a), 1e-6);
    const fb = (t: mx.Array) => L.solve(f64(a), t).square().sum();
    expectClose(gradOf(fb, b), finiteDiff(fb, b), 1e-6);
    // jvp of inv: -A⁻¹ dA A⁻¹.
    const da = randMat(3, 3, 24);
    const [, [t]] = mx.jvp((x: mx.Array) => L.inv(x), [f64(a)], [f64(da)]);
    const ai = refInverse(a);
    expectClose(t!.tolist() as Mat, matmul(matmul(ai, da), ai).map((r) => r.map((x) => -x)), 1e-12);
  });

  it("singular matrices fail at eval as in MLX; bad arguments are tagged; the module stays usable", () => {
    expect(() => L.inv(f64([[1, 2], [2, 4]])).tolist()).toThrow("[linalg.inv] The matrix is singular");
    expect(() => L.triInv(f64([[1, 0], [2, 0]])).tolist()).toThrow("[linalg.tri_inv] The matrix is singular");
    expect(() => L.solve(f64([[0, 0], [0, 0]]), f64([1, 2])).tolist()).toThrow("singular");
    expect(() => L.inv(mx.array([1, 2]))).toThrow("[linalg.inv] Arrays must have >= 2 dimensions. Received array with 1 dimensions.");
    expect(() => L.inv(mx.zeros([2, 3]))).toThrow("[linalg.inv] Inverses are only defined for square matrices.");
    expect(() => L.inv(mx.array([[1, 2], [3, 4]], mx.int32))).toThrow("[linalg.inv] Arrays must have type float32 or float64. Received array with type int32.");
    expect(() => L.inv(mx.zeros([2, 2], mx.float16))).toThrow("float32 or float64");
    expect(() => L.solve(mx.zeros([2, 3]), mx.zeros([2]))).toThrow("[linalg.solve] First input must be a square matrix.");
    expect(() => L.solve(mx.zeros([3, 3]), mx.zeros([2]))).toThrow("[linalg.solve] Last dimension of first input with shape (3,3) must match");
    expect(() => L.solve(mx.zeros([2]), mx.zeros([2]))).toThrow("[linalg.solve] First input must have >= 2 dimensions.");
    expect(() => L.solve(mx.zeros([2, 2], mx.int32), mx.zeros([2], mx.int32))).toThrow("[linalg.solve] Input arrays must promote to float32 or float64.");
    expect(() => junkL.solveTriangular(mx.eye(2), mx.ones([2]), { lower: true })).toThrow("[linalg.solve_triangular] Unknown option 'lower'");
    expect(() => junkL.triInv(mx.eye(2), "yes")).toThrow("[linalg.tri_inv] upper must be a boolean");
    expect(() => junkL.inv([[1, 0], [0, 1]])).toThrow("[linalg.inv] Expected an mx.Array");
    expect(() => L.choleskyInv(mx.zeros([2, 3]))).toThrow("[linalg.cholesky_inv] Cholesky inverse is only defined for square matrices.");
    expect(L.inv(f64([[2, 0], [0, 4]])).tolist()).toEqual([[0.5, 0], [0, 0.25]]);
  });
});

describe("linalg.cholesky", () => {
  it("L Lᵀ = A and Uᵀ U = A, reading one triangle, batched", () => {
    const a = spd(5, 31), b = spd(5, 32);
    const [l0, l1] = L.cholesky(f64([a, b])).tolist() as Mat[];
    expectClose(matmul(l0!, transpose(l0!)), a, 1e-12);
    expectClose(matmul(l1!, transpose(l1!)), b, 1e-12);
    l0!.forEach((r, i) => r.forEach((x, j) => { if (j > i) expect(x).toBe(0); }));
    const u = L.cholesky(f64(a), true).tolist() as Mat;
    expectClose(matmul(transpose(u), u), a, 1e-12);
    expectClose(u, transpose(l0!), 1e-12);
    // Junk in the unread triangle changes nothing.
    const junk = a.map((r, i) => r.map((x, j) => (j > i ? 99 : x)));
    expect(L.cholesky(f64(junk)).tolist()).toEqual(l0);
    expectClose(L.cholesky(mx.array(a)).tolist() as Mat, l0!, 1e-5);
  });

  it("a matrix that is not positive definite gives NaNs (MLX raises no error)", () => {
    const r = flat(L.cholesky(f64([[1, 2], [2, 1]])));
    expect(r[0]).toBe(1);
    expect(Number.isNaN(r[3]!)).toBe(true);
  });

  it("gradient against finite differences (lower and upper)", () => {
    const a = spd(3, 33);
    const w = f64(randMat(3, 3, 34));
    for (const upper of [false, true]) {
      const f = (t: mx.Array) => L.cholesky(t, upper).multiply(w).sum();
      expectClose(gradOf(f, a), finiteDiff(f, a), 1e-6);
    }
  });

  it("bad arguments", () => {
    expect(() => L.cholesky(mx.zeros([2, 3]))).toThrow("[linalg.cholesky] Cholesky decomposition is only defined for square matrices.");
    expect(() => L.cholesky(mx.zeros([3]))).toThrow("[linalg.cholesky] Arrays must have >= 2 dimensions.");
    expect(() => L.cholesky(mx.zeros([2, 2], mx.int32))).toThrow("[linalg.cholesky] Arrays must have type float32 or float64.");
  });
});

describe("linalg.qr, svd, pinv", () => {
  const shapes: [number, number][] = [[4, 4], [5, 3], [3, 5], [1, 4], [4, 1]];

  it("Q R = A with orthonormal Q and upper-triangular R", () => {
    for (const [m, n] of shapes) {
      const a = randMat(m, n, m * 10 + n);
      const [q, r] = L.qr(f64(a));
      const k = Math.min(m, n);
      expect(q.shape).toEqual([m, k]);
      expect(r.shape).toEqual([k, n]);
      const Q = q.tolist() as Mat, R = r.tolist() as Mat;
      expectClose(matmul(Q, R), a, 1e-12);
      expectClose(matmul(transpose(Q), Q), eye(k), 1e-12);
      R.forEach((row, i) => row.forEach((x, j) => { if (j < i) expect(x).toBe(0); }));
    }
    const [qb, rb] = L.qr(mx.array([randMat(3, 3, 1), randMat(3, 3, 2)]));
    expect(qb.dtype).toBe(mx.float32);
    const Qb = qb.tolist() as Mat[], Rb = rb.tolist() as Mat[];
    expectClose(matmul(Qb[1]!, Rb[1]!), randMat(3, 3, 2), 1e-5);
  });

  it("U diag(S) Vᵀ = A with orthogonal U, V and descending S", () => {
    for (const [m, n] of shapes) {
      const a = randMat(m, n, m * 7 + n);
      const [u, s, vt] = L.svd(f64(a));
      expect(u.shape).toEqual([m, m]);
      expect(s.shape).toEqual([Math.min(m, n)]);
      expect(vt.shape).toEqual([n, n]);
      const U = u.tolist() as Mat, S = s.tolist() as number[], V = vt.tolist() as Mat;
      const us = U.map((row) => Array.from({ length: n }, (_, j) => (j < S.length ? row[j]! * S[j]! : 0)));
      expectClose(matmul(us, V), a, 1e-12);
      expectClose(matmul(transpose(U), U), eye(m), 1e-12);
      expectClose(matmul(V, transpose(V)), eye(n), 1e-12);
      S.forEach((x, i) => { expect(x).toBeGreaterThanOrEqual(0); if (i) expect(x).toBeLessThanOrEqual(S[i - 1]!); });
      expectClose(flat(L.svd(f64(a), false)), S, 1e-12);
    }
    // Rank-deficient: U is still completed to an orthogonal matrix.
    const r1 = matmul([[1], [2], [3], [4]], [[1, -1, 2]]);
    const [u, s] = L.svd(f64(r1));
    expectClose(flat(s), [Math.sqrt(30 * 6), 0, 0], 1e-12);
    const U = u.tolist() as Mat;
    expectClose(matmul(transpose(U), U), eye(4), 1e-12);
    // Batched float32.
    const sb = L.svd(mx.array([randMat(3, 2, 1), randMat(3, 2, 2)]), false);
    expect(sb.shape).toEqual([2, 2]);
    expect(sb.dtype).toBe(mx.float32);
    expectClose(flat(sb).slice(2), flat(L.svd(f64(randMat(3, 2, 2)), false)), 1e-5);
  });

  it("pinv: (AᵀA)⁻¹Aᵀ for full column rank, A⁺ A A⁺ = A⁺ for rank-deficient, empty input", () => {
    const a = randMat(5, 3, 41);
    expectClose(L.pinv(f64(a)).tolist() as Mat, matmul(refInverse(matmul(transpose(a), a)), transpose(a)), 1e-10);
    const r1 = matmul([[1], [2], [3]], [[1, -1]]);
    const p = L.pinv(f64(r1)).tolist() as Mat;
    expectClose(matmul(matmul(r1, p), r1), r1, 1e-12);
    expectClose(matmul(matmul(p, r1), p), p, 1e-12);
    expect(L.pinv(mx.zeros([0, 3])).shape).toEqual([3, 0]);
    expect(L.pinv(mx.zeros([2, 3, 4])).shape).toEqual([2, 4, 3]);
  });

  it("svd gradients against finite differences (S of tall and wide; U, S, V of square), pinv and matrix norms", () => {
    for (const [m, n] of [[4, 3], [3, 4]] as [number, number][]) {
      const a = randMat(m, n, 80 + m);
      const c = f64([1, -2, 0.5]);
      const fs = (t: mx.Array) => L.svd(t, false).multiply(c).sum();
      expectClose(gradOf(fs, a), finiteDiff(fs, a), 1e-6);
      const fp = (t: mx.Array) => L.pinv(t).multiply(f64(randMat(n, m, 90))).sum();
      expectClose(gradOf(fp, a), finiteDiff(fp, a), 1e-6);
      for (const f of [(t: mx.Array) => L.norm(t, 2), (t: mx.Array) => L.norm(t, -2), (t: mx.Array) => L.norm(t, "nuc")])
        expectClose(gradOf(f, a), finiteDiff(f, a), 1e-6);
    }
    const sq = randMat(3, 3, 85).map((r, i) => r.map((x, j) => (i === j ? x + 2 * (i + 1) : x)));
    const w1 = f64(randMat(3, 3, 86)), w2 = f64(randMat(3, 3, 87));
    const fusv = (t: mx.Array) => {
      const [u, s, vt] = L.svd(t);
      return u.square().square().multiply(w1).sum().add(vt.square().square().multiply(w2).sum()).add(s.sum());
    };
    expectClose(gradOf(fusv, sq), finiteDiff(fusv, sq), 1e-6);
  });

  it("bad arguments; no gradient for qr (as MLX)", () => {
    expect(() => L.qr(mx.zeros([3]))).toThrow("[linalg.qr] Arrays must have >= 2 dimensions. Received array with 1 dimensions.");
    expect(() => L.qr(mx.zeros([2, 2], mx.int32))).toThrow("[linalg.qr] Arrays must have type float32 or float64.");
    expect(() => L.svd(mx.zeros([3]))).toThrow("[linalg.svd] Input array must have >= 2 dimensions.");
    expect(() => junkL.svd(mx.eye(2), 1)).toThrow("[linalg.svd] computeUv must be a boolean");
    expect(() => L.pinv(mx.zeros([3]))).toThrow("[linalg.pinv] Arrays must have >= 2 dimensions.");
    expect(() => mx.grad((t: mx.Array) => L.qr(t)[1].sum())(f64(eye(2)))).toThrow("[QRF]");
  });
});

describe("linalg.eigh, eigvalsh", () => {
  it("V diag(w) Vᵀ = A with orthonormal V and ascending w, reading one triangle", () => {
    const a = spd(5, 51).map((r, i) => r.map((x, j) => x - (i === j ? 6 : 0))); // some negative eigenvalues
    const [w, v] = L.eigh(f64(a));
    const W = w.tolist() as number[], V = v.tolist() as Mat;
    const vw = V.map((row) => row.map((x, j) => x * W[j]!));
    expectClose(matmul(vw, transpose(V)), a, 1e-12);
    expectClose(matmul(transpose(V), V), eye(5), 1e-12);
    W.slice(1).forEach((x, i) => expect(x).toBeGreaterThanOrEqual(W[i]!));
    expectClose(flat(L.eigvalsh(f64(a))), W, 1e-12);
    // Hand values: [[1, -2], [-2, 1]] has eigenvalues -1 and 3 (MLX's docs).
    expectClose(flat(L.eigvalsh(mx.array([[1, -2], [-2, 1]]))), [-1, 3], 1e-6);
    const upperOnly = a.map((r, i) => r.map((x, j) => (j >= i ? x : 42)));
    const lowerOnly = a.map((r, i) => r.map((x, j) => (j <= i ? x : 42)));
    expectClose(flat(L.eigvalsh(f64(upperOnly), "U")), W, 1e-12);
    expectClose(flat(L.eigvalsh(f64(lowerOnly), "L")), W, 1e-12);
    const [wb, vb] = L.eigh(mx.array([a, eye(5)]));
    expect(wb.shape).toEqual([2, 5]);
    expect(vb.shape).toEqual([2, 5, 5]);
    expectClose((wb.tolist() as number[][])[1]!, [1, 1, 1, 1, 1], 1e-6);
  });

  it("gradients against finite differences (eigenvalues, and eigenvectors through a sign-blind function)", () => {
    const a = spd(3, 52);
    const c = f64([1, -2, 0.5]);
    const fw = (t: mx.Array) => L.eigvalsh(t).multiply(c).sum();
    expectClose(gradOf(fw, a), finiteDiff(fw, a), 1e-6);
    const fwU = (t: mx.Array) => L.eigvalsh(t, "U").multiply(c).sum();
    expectClose(gradOf(fwU, a), finiteDiff(fwU, a), 1e-6);
    const wts = f64(randMat(3, 3, 53));
    const fv = (t: mx.Array) => { const [w, v] = L.eigh(t); return v.square().square().multiply(wts).sum().add(w.sum()); };
    expectClose(gradOf(fv, a), finiteDiff(fv, a), 1e-5);
  });

  it("bad arguments", () => {
    expect(() => L.eigh(mx.zeros([2, 3]))).toThrow("[linalg.eigh] Only defined for square matrices.");
    expect(() => L.eigvalsh(mx.zeros([2]))).toThrow("[linalg.eigvalsh] Arrays must have >= 2 dimensions.");
    expect(() => L.eigh(mx.zeros([2, 2], mx.int32))).toThrow("[linalg.eigh] Arrays must have type float32 or float64.");
    expect(() => junkL.eigh(mx.eye(2), "X")).toThrow('[linalg.eigh] UPLO must be "L" or "U"');
  });
});

describe("linalg.lu, luFactor", () => {
  it("A = L[P] U with unit-lower L, for square, tall and wide matrices", () => {
    for (const [m, n] of [[4, 4], [5, 3], [3, 5]] as [number, number][]) {
      const a = randMat(m, n, m + 3 * n);
      const [p, l, u] = L.lu(f64(a));
      const k = Math.min(m, n);
      expect(p.dtype).toBe(mx.uint32);
      expect(l.shape).toEqual([m, k]);
      expect(u.shape).toEqual([k, n]);
      const P = p.tolist() as number[], Lm = l.tolist() as Mat, U = u.tolist() as Mat;
      expect([...P].sort()).toEqual(Array.from({ length: m }, (_, i) => i));
      const lu = matmul(Lm, U);
      expectClose(P.map((r) => lu[r]!), a, 1e-12);
      Lm.forEach((row, i) => row.forEach((x, j) => { if (j > i) expect(x).toBe(0); if (j === i) expect(x).toBe(1); }));
      U.forEach((row, i) => row.forEach((x, j) => { if (j < i) expect(x).toBe(0); }));
    }
  });

  it("luFactor packs L and U with 0-based pivots (partial pivoting by hand)", () => {
    const [lu, piv] = L.luFactor(f64([[1, 2], [3, 4]]));
    expect(piv.tolist()).toEqual([1, 1]);
    expectClose(lu.tolist() as Mat, [[3, 4], [1 / 3, 2 - 4 / 3]], 1e-15);
    const [lub, pivb] = L.luFactor(mx.zeros([2, 3, 4]));
    expect(lub.shape).toEqual([2, 3, 4]);
    expect(pivb.shape).toEqual([2, 3]);
    expect(L.lu(mx.zeros([0, 3])).map((x) => x.shape)).toEqual([[0], [0, 0], [0, 3]]);
    expect(L.lu(mx.zeros([2, 3, 0])).map((x) => x.shape)).toEqual([[2, 3], [2, 3, 0], [2, 0, 0]]);
    expect(() => L.lu(mx.zeros([3]))).toThrow("[linalg.lu] Arrays must have >= 2 dimensions.");
    expect(() => L.luFactor(mx.zeros([2, 2], mx.int32))).toThrow("[linalg.lu_factor] Arrays must have type float32 or float64.");
  });
});

/** Determinant by Laplace expansion along the first row (float64 reference). */
function refDet(a: Mat): number {
  if (a.length === 0) return 1;
  return a[0]!.reduce((s, x, j) => s + (j % 2 ? -1 : 1) * x * refDet(a.slice(1).map((r) => r.filter((_, c) => c !== j))), 0);
}

describe("linalg.det, slogdet", () => {
  it("match a Laplace-expansion reference for 1x1 to 5x5, batched, with signs", () => {
    for (const n of [1, 2, 3, 4, 5]) {
      const ms = [randMat(n, n, 100 + n), randMat(n, n, 200 + n).map((r) => r.map((x) => -2 * x))];
      const want = ms.map(refDet);
      expectClose(flat(L.det(f64(ms))), want, 1e-12);
      const [sign, logabs] = L.slogdet(f64(ms));
      expect(flat(sign)).toEqual(want.map(Math.sign));
      expectClose(flat(logabs), want.map((d) => Math.log(Math.abs(d))), 1e-12);
    }
    expect(L.det(mx.array([[1, 2], [3, 4]], mx.int32)).dtype).toBe(mx.float32);
    expect(L.det(mx.array([[1, 2], [3, 4]], mx.int32)).item()).toBe(-2);
    expect(L.det(mx.zeros([2, 0, 0])).tolist()).toEqual([1, 1]);
  });

  it("singular matrices: det 0, slogdet (0, -inf)", () => {
    const s4 = [[1, 2, 3, 4], [2, 4, 6, 8], [0, 1, 0, 1], [1, 0, 0, 1]];
    expect(L.det(f64(s4)).item()).toBe(0);
    const [sign, logabs] = L.slogdet(f64(s4));
    expect(sign.item()).toBe(0);
    expect(logabs.item()).toBe(-Infinity);
    const [s2, l2] = L.slogdet(f64([[1, 2], [2, 4]]));
    expect([s2.item(), l2.item()]).toEqual([0, -Infinity]);
  });

  it("gradient of the closed forms (up to 3 x 3) is det(A) A^-T", () => {
    const a = randMat(3, 3, 300);
    const g = gradOf((t) => L.det(t), a);
    const d = refDet(a);
    expectClose(g, transpose(refInverse(a)).map((r) => r.map((x) => x * d)), 1e-12);
    const gl = gradOf((t) => L.slogdet(t)[1], a);
    expectClose(gl, transpose(refInverse(a)), 1e-10);
  });

  it("bad arguments", () => {
    expect(() => L.det(mx.zeros([3]))).toThrow("[linalg.det] Arrays must have >= 2 dimensions.");
    expect(() => L.det(mx.zeros([2, 3]))).toThrow("[linalg.det] Only defined for square matrices.");
    expect(() => L.slogdet(mx.zeros([2, 3]))).toThrow("[linalg.slogdet] Only defined for square matrices.");
    expect(() => junkL.det(3)).toThrow("[linalg.det] Expected an mx.Array");
    // Beyond 3 x 3 the determinant goes through LU, which has no gradient (as MLX).
    expect(() => mx.grad((t: mx.Array) => L.det(t))(f64(randMat(4, 4, 1)))).toThrow("[LUF] The vjp of this primitive is not implemented.");
  });
});

describe("linalg.cross", () => {
  it("3- and 2-vectors, broadcast, along an axis", () => {
    expect(L.cross(mx.array([1, 2, 3]), mx.array([4, 5, 6])).tolist()).toEqual([-3, 6, -3]);
    expect(L.cross(mx.array([1, 2]), mx.array([3, 4])).tolist()).toEqual([0, 0, -2]);
    expect(L.cross(mx.array([1, 2, 3]), mx.array([3, 4])).tolist()).toEqual([-12, 9, -2]);
    expect(L.cross(mx.array([1, 2]), mx.array([3, 4, 5])).tolist()).toEqual([10, -5, -2]);
    const a = mx.array([[1, 0], [0, 1], [0, 0]]); // vectors along axis 0: x and y
    expect(L.cross(a, mx.array([[0], [1], [0]]), 0).tolist()).toEqual([[0, 0], [0, 0], [1, 0]]);
    expect(L.cross(mx.array([1, 2, 3], mx.int32), mx.array([4, 5, 6], mx.int32)).dtype).toBe(mx.int32);
    expect(() => L.cross(mx.array([1, 2, 3, 4]), mx.array([1, 2, 3]))).toThrow("[linalg.cross] The specified axis must have size 2 or 3.");
    expect(() => L.cross(mx.array([1, 2, 3]), mx.array([1, 2, 3]), 1)).toThrow("[linalg.cross]");
  });
});

describe("linalg under vmap and compile", () => {
  it("vmap over a non-leading axis gives the per-example results", () => {
    const ms = [spd(3, 61), spd(3, 62)];
    const stacked = f64(ms).transpose([1, 0, 2]); // batch on axis 1
    const inv = mx.vmap((x: mx.Array) => L.inv(x), { inAxes: 1 })(stacked).tolist() as Mat[];
    ms.forEach((m, i) => expectClose(inv[i]!, refInverse(m), 1e-10));
    const chol = mx.vmap((x: mx.Array) => L.cholesky(x), { inAxes: 1 })(stacked).tolist() as Mat[];
    expectClose(chol[1]!, L.cholesky(f64(ms[1]!)).tolist() as Mat, 1e-14);
    const [w] = mx.vmap((x: mx.Array) => L.eigh(x), { inAxes: 1 })(stacked) as mx.Array[];
    expectClose((w!.tolist() as number[][])[0]!, flat(L.eigvalsh(f64(ms[0]!))), 1e-12);
    const s = mx.vmap((x: mx.Array) => L.svd(x, false), { inAxes: 1 })(stacked).tolist() as number[][];
    expectClose(s[1]!, flat(L.svd(f64(ms[1]!), false)), 1e-12);
    const [q] = mx.vmap((x: mx.Array) => L.qr(x), { inAxes: 1 })(stacked) as mx.Array[];
    expect(q!.shape).toEqual([2, 3, 3]);
    const [, , u] = mx.vmap((x: mx.Array) => L.lu(x), { inAxes: 1 })(stacked) as mx.Array[];
    expectClose((u!.tolist() as Mat[])[0]!, L.lu(f64(ms[0]!))[2].tolist() as Mat, 1e-14);
  });

  it("compiled functions give the eager results", () => {
    const a = f64(spd(4, 71));
    const f = mx.compile((x: mx.Array) => L.inv(x).add(L.cholesky(x)).sum().add(L.eigvalsh(x).sum()));
    expect(f(a).item()).toBeCloseTo(L.inv(a).add(L.cholesky(a)).sum().add(L.eigvalsh(a).sum()).item() as number, 12);
  });
});

// mx.linalg.eig / eigvals (complex64 results): hand values (rotations,
// triangular and defective-free matrices), A v = lambda v for random
// matrices of several sizes with conjugate pairs, eigvals agreeing with
// eig and (for symmetric matrices) with eigvalsh, batches, vmap against a
// loop, and bad arguments.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

type Cx = { re: number; im: number };
const L = mx.linalg;

function values(n: number, seed: number): number[] {
  let s = (seed * 2654435761) % 4294967296;
  return Array.from({ length: n }, () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 2147483648 - 1;
  });
}
const sortC = (w: Cx[]) => [...w].sort((a, b) => a.re - b.re || a.im - b.im);
const close = (a: Cx[], b: Cx[], tol: number) =>
  a.length === b.length && a.every((x, i) => Math.abs(x.re - b[i]!.re) <= tol && Math.abs(x.im - b[i]!.im) <= tol);

/** max |A v_k - w_k v_k| over the columns, with a real n x n matrix `a`. */
function residual(a: number[], n: number, w: Cx[], v: Cx[][]): number {
  let worst = 0;
  for (let k = 0; k < n; ++k)
    for (let i = 0; i < n; ++i) {
      let re = 0, im = 0;
      for (let j = 0; j < n; ++j) {
        re += a[i * n + j]! * v[j]![k]!.re;
        im += a[i * n + j]! * v[j]![k]!.im;
      }
      re -= w[k]!.re * v[i]![k]!.re - w[k]!.im * v[i]![k]!.im;
      im -= w[k]!.re * v[i]![k]!.im + w[k]!.im * v[i]![k]!.re;
      worst = Math.max(worst, Math.hypot(re, im));
    }
  return worst;
}

describe("mx.linalg.eig / eigvals", () => {
  it("hand values: a rotation's +-i, a triangular matrix's diagonal, a 1 x 1", () => mx.tidy(() => {
    const w = L.eigvals(mx.array([[0, -1], [1, 0]]));
    expect(w.dtype).toBe(mx.complex64);
    expect(close(sortC(w.tolist() as Cx[]), [{ re: 0, im: -1 }, { re: 0, im: 1 }], 1e-6)).toBe(true);
    const t = L.eigvals(mx.array([[2, 5, 1], [0, -3, 4], [0, 0, 0.5]]));
    expect(close(sortC(t.tolist() as Cx[]), [{ re: -3, im: 0 }, { re: 0.5, im: 0 }, { re: 2, im: 0 }], 1e-5)).toBe(true);
    expect(L.eigvals(mx.array([[7]])).tolist()).toEqual([{ re: 7, im: 0 }]);
    // [[1, 2], [3, 4]]: (5 +- sqrt(33)) / 2
    const [w2, v2] = L.eig(mx.array([[1, 2], [3, 4]]));
    expect(close(sortC(w2!.tolist() as Cx[]), [{ re: (5 - Math.sqrt(33)) / 2, im: 0 }, { re: (5 + Math.sqrt(33)) / 2, im: 0 }], 1e-5)).toBe(true);
    expect(residual([1, 2, 3, 4], 2, w2!.tolist() as Cx[], v2!.tolist() as Cx[][])).toBeLessThanOrEqual(1e-5);
  }));

  it("A v = lambda v, unit columns, conjugate pairs, for random matrices of sizes 1 to 8", () => mx.tidy(() => {
    for (let n = 1; n <= 8; ++n) {
      const a = values(n * n, 100 + n);
      const [w, v] = L.eig(mx.array(a, mx.float64).reshape([n, n]));
      expect(w!.shape).toEqual([n]);
      expect(v!.shape).toEqual([n, n]);
      const ws = w!.tolist() as Cx[], vs = v!.tolist() as Cx[][];
      expect(residual(a, n, ws, vs)).toBeLessThanOrEqual(2e-5 * n);
      for (let k = 0; k < n; ++k) {
        const norm = Math.sqrt(vs.reduce((s, row) => s + row[k]!.re ** 2 + row[k]!.im ** 2, 0));
        expect(Math.abs(norm - 1)).toBeLessThanOrEqual(1e-5);
      }
      // a real matrix: the non-real eigenvalues come in conjugate pairs, the sum is the trace
      const conj = sortC(ws.map((x) => ({ re: x.re, im: -x.im })));
      expect(close(sortC(ws), conj, 1e-5)).toBe(true);
      const trace = a.reduce((s, x, i) => s + (i % (n + 1) === 0 ? x : 0), 0);
      expect(Math.abs(ws.reduce((s, x) => s + x.re, 0) - trace)).toBeLessThanOrEqual(1e-5 * n);
      // eigvals gives the same values
      expect(close(sortC(L.eigvals(mx.array(a).reshape([n, n])).tolist() as Cx[]), sortC(ws), 1e-4)).toBe(true);
    }
  }));

  it("symmetric matrices: eigvals are eigvalsh's, real", () => mx.tidy(() => {
    const b = mx.array(values(16, 7)).reshape([4, 4]);
    const s = b.add(b.T);
    const w = sortC(L.eigvals(s).tolist() as Cx[]);
    const h = L.eigvalsh(s).tolist() as number[];
    expect(close(w, h.map((re) => ({ re, im: 0 })), 1e-5)).toBe(true);
  }));

  it("batches, and vmap equals a loop", () => mx.tidy(() => {
    const a = mx.array(values(3 * 9, 11)).reshape([3, 3, 3]);
    const w = L.eigvals(a);
    expect(w.shape).toEqual([3, 3]);
    const byVmap = mx.vmap((m: mx.Array) => L.eigvals(m))(a) as mx.Array;
    for (let b = 0; b < 3; ++b) {
      const one = L.eigvals(a.index(b)).tolist();
      expect(w.index(b).tolist()).toEqual(one);
      expect(byVmap.index(b).tolist()).toEqual(one);
    }
    const [wv, vv] = mx.vmap((m: mx.Array) => L.eig(m), { inAxes: 2 })(a) as mx.Array[];
    for (let b = 0; b < 3; ++b) {
      const [w1, v1] = L.eig(a.index(mx.slice(), mx.slice(), b));
      expect(wv!.index(b).tolist()).toEqual(w1!.tolist());
      expect(vv!.index(b).tolist()).toEqual(v1!.tolist());
    }
  }));

  it("bad arguments: tagged errors, no gradient", () => {
    expect(() => L.eig(mx.ones([2, 3]))).toThrowError(/^\[linalg.eig\] Only defined for square matrices/);
    expect(() => L.eigvals(mx.ones([3]))).toThrowError(/^\[linalg.eigvals\] Arrays must have >= 2 dimensions/);
    expect(() => L.eigvals(mx.ones([2, 2], mx.int32))).toThrowError(/^\[linalg.eigvals\] Arrays must have type float32 or float64/);
    expect(() => (L as any).eig([[1]])).toThrowError(/^\[linalg.eig\] Expected an mx\.Array/);
    expect(() => mx.grad((m: mx.Array) => mx.sum(mx.real(L.eigvals(m))))(mx.eye(2))).toThrowError(/Eig/);
    expect(L.eigvals(mx.eye(2)).tolist()).toEqual([{ re: 1, im: 0 }, { re: 1, im: 0 }]);
  });
});

// softmax, logSoftmax and logsumexp run as one-pass row kernels (core/backend/cpu/kernels/
// rows.h): float32 rows of many lengths, special values, strided and batched
// layouts, half types and gradients, each against a float64 pure-JS reference
// computed from the exact values the kernel saw.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { rand } from "./reference.js";

type Arr = ReturnType<typeof mx.array>;
const vals = (a: Arr): number[] => Array.from(a.dataSync() as ArrayLike<number>, Number);

// References by the composed definitions: a NaN makes the row NaN, an infinite
// max is the logsumexp (so softmax of a row whose max is infinite is NaN).
const maxRef = (r: number[]) => r.reduce((m, v) => (Number.isNaN(m) || m > v ? m : v));
const lseRef = (r: number[]) => {
  const m = maxRef(r);
  if (!Number.isFinite(m)) return m;
  return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0));
};
const softmaxRef = (r: number[]) => {
  const m = maxRef(r);
  const e = r.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
};
const logSoftmaxRef = (r: number[]) => {
  const l = lseRef(r);
  return r.map((v) => v - l);
};
const split = (d: number[], n: number) => Array.from({ length: d.length / n }, (_, i) => d.slice(i * n, i * n + n));

// Softmax values (at most 1) compare absolutely; log outputs relative to
// their size plus the row's largest finite input (x - logsumexp cancels).
function checkRows(got: number[], x: number[], n: number, op: "softmax" | "logSoftmax" | "logsumexp", tol: number) {
  const xr = split(x, n);
  const want = xr.flatMap((r) => (op === "softmax" ? softmaxRef(r) : op === "logSoftmax" ? logSoftmaxRef(r) : [lseRef(r)]));
  const scale = xr.flatMap((r) => {
    const s = op === "softmax" ? 0 : Math.max(0, ...r.filter(Number.isFinite).map(Math.abs));
    return op === "logsumexp" ? [s] : r.map(() => s);
  });
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (Number.isNaN(w)) expect(g, `${op} element ${i}`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `${op} element ${i}`).toBe(w);
    else expect(Math.abs(g - w), `${op} element ${i} (n ${n})`).toBeLessThanOrEqual(tol * (1 + Math.abs(w) + scale[i]!));
  });
}

const f32 = (d: number[], shape: number[]) => mx.array(Float32Array.from(d)).reshape(shape);

describe("row kernels", () => {
  it("float32 rows of many lengths and magnitudes match float64", () => {
    for (const n of [1, 3, 4, 7, 8, 9, 33, 257, 1030]) {
      for (const scale of [1, 50, 1e4]) {
        const x = Array.from(Float32Array.from(rand(4 * n, n * 13 + scale).map((v) => v * scale)));
        const a = f32(x, [4, n]);
        checkRows(vals(mx.softmax(a, -1)), x, n, "softmax", 2e-6);
        checkRows(vals(mx.logSoftmax(a, -1)), x, n, "logSoftmax", 2e-6);
        checkRows(vals(mx.logsumexp(a, -1)), x, n, "logsumexp", 2e-6);
        a.dispose();
      }
    }
  });

  it("rows with -inf, +inf, NaN and huge values", () => {
    const I = Infinity;
    // 37 wide: the SIMD max loads 16, loops over 16 more, 5 go through its tail.
    // Each row: [position, value] pairs over a finite base row; -1 fills it.
    const W = 37;
    const specials: [number, number][][] = [
      [[-1, -I]], // all -inf: softmax NaN, logsumexp -inf
      [[1, -I], [20, -I], [34, -I]], // some -inf: exact zeros / -inf
      [[2, I]], // +inf in the body: logsumexp inf
      [[35, I]], // +inf in the tail
      [[36, NaN]], // NaN in the tail
      [[3, NaN]], // NaN in the first loads
      [[21, NaN], [7, I]], // NaN in the loop beside +inf: NaN wins
      [[-1, -I], [26, NaN]], // NaN among -inf: NaN wins
      [[0, -1e30], [19, 1e30]], // huge magnitudes
    ];
    const x = specials.flatMap((sp) => {
      const r = Array.from({ length: W }, (_, i) => (i % 7) - 2.5);
      for (const [p, v] of sp) {
        if (p < 0) r.fill(v);
        else r[p] = v;
      }
      return Array.from(Float32Array.from(r));
    });
    const R = specials.length;
    for (const dt of [mx.float32, mx.float64]) {
      const a = f32(x, [R, W]).astype(dt);
      checkRows(vals(mx.softmax(a, -1)), x, W, "softmax", 2e-6);
      checkRows(vals(mx.logSoftmax(a, -1)), x, W, "logSoftmax", 2e-6);
      checkRows(vals(mx.logsumexp(a, -1)), x, W, "logsumexp", 2e-6);
    }
    // Pinned, so the reference is pinned too.
    const l = vals(mx.logsumexp(f32(x, [R, W]), -1));
    expect(l[0]).toBe(-Infinity);
    expect(l[2]).toBe(Infinity);
    expect(l[3]).toBe(Infinity);
    for (const r of [4, 5, 6, 7]) expect(l[r]).toBeNaN();
    expect(vals(mx.softmax(f32(x, [R, W]), -1))[W + 1]).toBe(0);
  });

  it("strided and batched layouts, and many rows (threads split them)", () => {
    const n = 37;
    const x = Array.from(Float32Array.from(rand(4 * 3 * n, 7).map((v) => v * 8)));
    const a = f32(x, [4, 3, n]);
    // The same rows with the reduced axis first: stride != 1 along it.
    const at = mx.transpose(a, [2, 0, 1]);
    checkRows(vals(mx.transpose(mx.softmax(at, 0), [1, 2, 0])), x, n, "softmax", 2e-6);
    checkRows(vals(mx.transpose(mx.logSoftmax(at, 0), [1, 2, 0])), x, n, "logSoftmax", 2e-6);
    checkRows(vals(mx.logsumexp(at, 0)), x, n, "logsumexp", 2e-6);
    expect(mx.logsumexp(a, -1, true).shape).toEqual([4, 3, 1]);
    // Every axis at once: one flattened row.
    checkRows(vals(mx.logsumexp(a)), x, x.length, "logsumexp", 2e-6);
    const big = Array.from(Float32Array.from(rand(3000 * 40, 9).map((v) => v * 20)));
    checkRows(vals(mx.softmax(f32(big, [3000, 40]), -1)), big, 40, "softmax", 2e-6);
    checkRows(vals(mx.logsumexp(f32(big, [3000, 40]), -1)), big, 40, "logsumexp", 2e-6);
  });

  it("float16 and bfloat16 compute in float32 and round once", () => {
    const n = 19;
    const x = rand(3 * n, 3).map((v) => v * 6);
    for (const [dt, tol] of [[mx.float16, 1e-3], [mx.bfloat16, 8e-3]] as const) {
      const h = mx.array(Float32Array.from(x)).reshape([3, n]).astype(dt);
      const xh = vals(h.astype(mx.float64)); // the rounded inputs
      for (const [op, f] of [["softmax", mx.softmax], ["logSoftmax", mx.logSoftmax]] as const) {
        const y = f(h, -1);
        expect(y.dtype).toBe(dt);
        checkRows(vals(y.astype(mx.float64)), xh, n, op, tol);
      }
      const l = mx.logsumexp(h, -1);
      expect(l.dtype).toBe(dt);
      checkRows(vals(l.astype(mx.float64)), xh, n, "logsumexp", tol);
    }
  });

  it("gradients follow the softmax rules", () => {
    const x = rand(12, 5).map((v) => v * 3);
    const w = rand(12, 6);
    const a = mx.array(Float64Array.from(x)).reshape([3, 4]);
    const wa = mx.array(Float64Array.from(w)).reshape([3, 4]);
    const sm = split(x, 4).map(softmaxRef);
    const wr = split(w, 4);
    // d/dx sum(w * logsumexp(x)) = w_row * softmax(x)
    const gl = vals(mx.grad((b: Arr) => mx.sum(mx.logsumexp(b, -1, true).mul(mx.array(Float64Array.from([1, 2, 3])).reshape([3, 1]))))(a));
    gl.forEach((g, i) => expect(g).toBeCloseTo((1 + Math.floor(i / 4)) * sm[Math.floor(i / 4)]![i % 4]!, 12));
    // d/dx sum(w * logSoftmax(x)) = w - softmax(x) * sum(w)
    const gls = vals(mx.grad((b: Arr) => mx.sum(mx.logSoftmax(b, -1).mul(wa)))(a));
    gls.forEach((g, i) => {
      const r = Math.floor(i / 4), s = wr[r]!.reduce((p, q) => p + q, 0);
      expect(g).toBeCloseTo(w[i]! - sm[r]![i % 4]! * s, 12);
    });
    // d/dx sum(w * softmax(x)) = y * (w - sum(w * y))
    const gs = vals(mx.grad((b: Arr) => mx.sum(mx.softmax(b, -1).mul(wa)))(a));
    gs.forEach((g, i) => {
      const r = Math.floor(i / 4), y = sm[r]!, d = wr[r]!.reduce((p, q, k) => p + q * y[k]!, 0);
      expect(g).toBeCloseTo(y[i % 4]! * (w[i]! - d), 12);
    });
  });

  it("shapeless compile replays the row primitives on new shapes", () => {
    const f = mx.compile((a: Arr) => [mx.logsumexp(a, -1), mx.logsumexp(a, 0, true), mx.logSoftmax(a, 0), mx.softmax(a, -1), mx.logsumexp(a)], { shapeless: true });
    for (const [r, c] of [[2, 3], [5, 9], [1, 17]] as const) {
      const x = Array.from(Float32Array.from(rand(r * c, r * 100 + c).map((v) => v * 5)));
      const [l1, l0, ls0, sm, la] = f(f32(x, [r, c])) as Arr[];
      expect(l1!.shape).toEqual([r]);
      expect(l0!.shape).toEqual([1, c]);
      expect(la!.shape).toEqual([]);
      checkRows(vals(l1!), x, c, "logsumexp", 2e-6);
      checkRows(vals(sm!), x, c, "softmax", 2e-6);
      checkRows(vals(la!), x, x.length, "logsumexp", 2e-6);
      const xt = Array.from({ length: r * c }, (_, i) => x[(i % r) * c + Math.floor(i / r)]!); // columns as rows
      checkRows(vals(l0!), xt, r, "logsumexp", 2e-6);
      checkRows(vals(mx.transpose(ls0!)), xt, r, "logSoftmax", 2e-6);
    }
    f.dispose();
  });

  it("scaledDotProductAttention uses the same softmax", () => {
    const q = mx.array(Float32Array.from(rand(2 * 3 * 4, 1))).reshape([1, 2, 3, 4]);
    const k = mx.array(Float32Array.from(rand(2 * 5 * 4, 2))).reshape([1, 2, 5, 4]);
    const v = mx.array(Float32Array.from(rand(2 * 5 * 4, 3))).reshape([1, 2, 5, 4]);
    const scores = mx.matmul(q.mul(0.5), mx.swapaxes(k, -1, -2));
    const got = vals(mx.fast.scaledDotProductAttention(q, k, v, { scale: 0.5 }));
    const want = vals(mx.matmul(mx.softmax(scores, -1), v));
    got.forEach((g, i) => expect(Math.abs(g - want[i]!)).toBeLessThanOrEqual(1e-6));
    // A mask that hides a whole row gives NaN there, as softmax of an all -inf row does.
    const keep = mx.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1]).reshape([1, 1, 3, 5]).astype(mx.bool);
    const masked = vals(mx.fast.scaledDotProductAttention(q, k, v, { scale: 0.5, mask: keep }));
    const wantMasked = vals(mx.matmul(mx.softmax(mx.where(keep, scores, -Infinity), -1), v));
    masked.forEach((g, i) => {
      if (Number.isNaN(wantMasked[i]!)) expect(g).toBeNaN();
      else expect(Math.abs(g - wantMasked[i]!)).toBeLessThanOrEqual(1e-6);
    });
    expect(wantMasked.filter(Number.isNaN).length).toBe(2 * 4); // row 1 of both heads
  });
});

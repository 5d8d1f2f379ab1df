// Reductions, normalisers, extra binary ops, scans and sorting through the JS
// API (ts/reduce_ops.ts) against pure-JS references and hand values, on the
// wasm build this run targets; every JS-side and core error path.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { rand } from "./reference.js";

const m = mx;
// Error paths that pass deliberately wrong arguments go through an untyped alias.
const junkm = mx as any;
const vals = (a: any): number[] => Array.from(a.dataSync() as ArrayLike<number>, Number);
const f64 = (data: number[], shape?: number[]) => {
  const a = mx.array(Float64Array.from(data));
  return shape ? a.reshape(shape) : a;
};
const close = (got: number[], want: number[], tol = 1e-9) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (Number.isNaN(w)) expect(g).toBeNaN();
    else if (!Number.isFinite(w)) expect(g).toBe(w);
    else expect(Math.abs(g - w)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(w)));
  });
};

const X = [1.5, -2.0, 3.25, 0.5, 4.0, 4.0, -1.0, 2.5, 0.1, -0.7, 9.0, -3.3];
const rows = (d: number[], r: number, c: number) => Array.from({ length: r }, (_, i) => d.slice(i * c, i * c + c));
const cols = (d: number[], r: number, c: number) => Array.from({ length: c }, (_, j) => Array.from({ length: r }, (_, i) => d[i * c + j]!));

function varRef(xs: number[], ddof = 0) {
  const mu = xs.reduce((a, b) => a + b, 0) / xs.length;
  return xs.reduce((a, b) => a + (b - mu) ** 2, 0) / (xs.length - ddof);
}
const lseRef = (xs: number[]) => {
  const mx_ = Math.max(...xs);
  return mx_ + Math.log(xs.reduce((a, b) => a + Math.exp(b - mx_), 0));
};

describe("reductions and normalisers", () => {
  it("var, std with axis, keepdims, ddof", () => {
    const x = f64(X, [3, 4]);
    close(vals(m.var(x, 0)), cols(X, 3, 4).map((c) => varRef(c)));
    close(vals(m.var(x, 1, false, 1)), rows(X, 3, 4).map((r) => varRef(r, 1)));
    close(vals(m.std(x)), [Math.sqrt(varRef(X))]);
    expect(m.var(x, [1], true).shape).toEqual([3, 1]);
    expect(m.var(mx.array([1, 2, 3, 4], mx.int32)).dtype).toBe(mx.float32);
    expect(m.std(mx.array([1, 2, 3, 4])).item()).toBeCloseTo(Math.sqrt(1.25), 6);
    expect(() => m.var(x, 2)).toThrow("[var] Invalid axis 2 for an array with 2 dimensions.");
    expect(() => m.std(x, 0, false, 0.5)).toThrow("[std] ddof must be an integer, got number 0.5.");
    expect(() => junkm.var([1, 2])).toThrow(/^\[var\] Expected an mx.Array/);
  });

  it("argmax, argmin: uint32, first index, NaN, flattened", () => {
    const x = f64(X, [3, 4]);
    const a = m.argmax(x, 1);
    expect(a.dtype).toBe(mx.uint32);
    expect(vals(a)).toEqual([2, 0, 2]);
    expect(vals(m.argmin(x, 0))).toEqual([2, 0, 1, 2]);
    expect(m.argmax(x).item()).toBe(10);
    expect(m.argmax(x, undefined, true).shape).toEqual([1, 1]);
    expect(m.argmin(x, -1, true).shape).toEqual([3, 1]);
    expect(m.argmax(f64([1, NaN, 5, NaN])).item()).toBe(1);
    expect(m.argmax(mx.transpose(x), 0).tolist()).toEqual([2, 0, 2]);
    expect(() => m.argmax(x, 2)).toThrow("[argmax] Invalid axis 2 for an array with 2 dimensions.");
    expect(() => m.argmin(mx.zeros([0]))).toThrow(/^\[argmin\] Cannot argmin an array of size zero/);
    expect(() => junkm.argmax(x, [0, 1])).toThrow("[argmax] The axis must be an integer or null, got Array.");
  });

  it("logsumexp, softmax, logSoftmax: values and stability", () => {
    const x = f64(X, [3, 4]);
    close(vals(m.logsumexp(x, 1)), rows(X, 3, 4).map(lseRef));
    close(vals(m.logsumexp(x)), [lseRef(X)]);
    close(vals(m.logsumexp(f64([1000, 1000]))), [1000 + Math.LN2]);
    close(vals(m.logsumexp(f64([-Infinity, -Infinity]))), [-Infinity]);
    close(vals(m.logsumexp(f64([Infinity, 1]))), [Infinity]);
    const sm = vals(m.softmax(x, 0));
    const cs = cols(X, 3, 4).map((c) => c.map((v) => Math.exp(v - lseRef(c))));
    close(sm, [0, 1, 2].flatMap((i) => cs.map((c) => c[i]!)));
    close(vals(m.softmax(mx.array([1000, 1000, -1000]), 0)), [0.5, 0.5, 0], 1e-6);
    close(vals(m.softmax(x)), X.map((v) => Math.exp(v - lseRef(X))));
    close(vals(m.softmax(mx.transpose(x), -1)), cols(X, 3, 4).flatMap((c) => c.map((v) => Math.exp(v - lseRef(c)))));
    const gs = vals(mx.grad((a: any) => mx.sum(m.softmax(a, 0).mul(f64([1, 2, 3]))))(f64([0.1, 0.5, -0.3])));
    const sv = [0.1, 0.5, -0.3].map((v) => Math.exp(v - lseRef([0.1, 0.5, -0.3])));
    const dot = sv[0]! * 1 + sv[1]! * 2 + sv[2]! * 3;
    close(gs, sv.map((s_, i) => s_ * (i + 1 - dot)), 1e-12);
    close(vals(m.logSoftmax(f64([1000, 1000]), -1)), [-Math.LN2, -Math.LN2]);
    const h = mx.array([1, 2, 3]).astype(mx.float16);
    expect(m.softmax(h, -1, { precise: true }).dtype).toBe(mx.float16);
    close(vals(m.softmax(h, -1, { precise: true })), [0.09003057, 0.24472847, 0.66524096], 2e-3);
    expect(() => m.softmax(x, 3)).toThrow("[softmax] Invalid axis 3 for an array with 2 dimensions.");
    expect(() => junkm.softmax(x, 0, { precise: 1 })).toThrow("[softmax] precise must be a boolean, got number 1.");
    expect(() => junkm.logSoftmax(x, 0, 5)).toThrow("[log_softmax] Expected an options object, got number 5.");
  });

  it("gradients through the public transforms", () => {
    const x = f64([0.3, -1.2, 2.0, 0.7]);
    const g = vals(mx.grad((a: any) => m.logsumexp(a))(x));
    const s = [0.3, -1.2, 2.0, 0.7].map((v) => Math.exp(v - lseRef([0.3, -1.2, 2.0, 0.7])));
    close(g, s, 1e-12);
    const gv = vals(mx.grad((a: any) => m.var(a))(x));
    const mu = (0.3 - 1.2 + 2.0 + 0.7) / 4;
    close(gv, [0.3, -1.2, 2.0, 0.7].map((v) => (2 * (v - mu)) / 4), 1e-12);
    const gc = vals(mx.grad((a: any) => mx.sum(m.cumsum(a, 0).mul(f64([1, 2, 3, 4]))))(x));
    close(gc, [10, 9, 7, 4]);
    const vm = mx.vmap((a: any) => m.argmax(a, 0))(f64(X, [3, 4]));
    expect(vals(vm)).toEqual([2, 0, 2]);
  });
});

describe("binary ops", () => {
  it("floorDivide and remainder follow Python", () => {
    const a = mx.array([7, -7, 7, -7, 0, 5], mx.int32), b = mx.array([2, 2, -2, -2, 3, -3], mx.int32);
    expect(vals(m.floorDivide(a, b))).toEqual([3, -4, -4, 3, 0, -2]);
    expect(vals(m.remainder(a, b))).toEqual([1, 1, -1, -1, 0, -1]);
    expect(m.floorDivide(a, 2).dtype).toBe(mx.int32);
    const af = [7.5, -7.5, 7.5, -7.5, 0, 5], bf = [2, 2, -2, -2, 3, -3];
    const pyMod = (x: number, y: number) => { const r = x % y; return r !== 0 && (r < 0) !== (y < 0) ? r + y : r; };
    close(vals(m.floorDivide(f64(af), f64(bf))), af.map((x, i) => Math.floor(x / bf[i]!)));
    close(vals(m.remainder(f64(af), f64(bf))), af.map((x, i) => pyMod(x, bf[i]!)));
    expect(vals(m.remainder(mx.array([5], mx.int32), 0))).toEqual([0]);
    expect(() => m.remainder(mx.array([1, 2]), mx.array([1, 2, 3]))).toThrow("[remainder] Shapes (2) and (3) cannot be broadcast.");
    expect(() => junkm.floorDivide("a", 1)).toThrow(/^\[floor_divide\] Expected an mx.Array or a JS number/);
  });

  it("power, arctan2, logaddexp, logicalAnd/Or", () => {
    expect(vals(m.power(mx.array([2, 3, -2, 5], mx.int32), mx.array([10, 3, 3, 0], mx.int32)))).toEqual([1024, 27, -8, 1]);
    close(vals(m.power(f64([2, 9, 0.5]), f64([0.5, 0.5, -2]))), [Math.SQRT2, 3, 4]);
    expect(m.power(mx.array([1, 2]), 2).dtype).toBe(mx.float32);
    const ya = [1, -1, 0.5, -2], xa = [2, -3, -1, 0];
    close(vals(m.arctan2(f64(ya), f64(xa))), ya.map((y, i) => Math.atan2(y, xa[i]!)));
    expect(m.arctan2(mx.array([1], mx.int32), mx.array([1], mx.int32)).dtype).toBe(mx.float32);
    close(vals(m.logaddexp(f64([1, -1000, 50, -Infinity]), f64([2, -1000, -50, -Infinity]))),
      [Math.log(Math.exp(1) + Math.exp(2)), -1000 + Math.LN2, 50, -Infinity]);
    const t = mx.array([true, true, false, false]), f = mx.array([true, false, true, false]);
    expect(m.logicalAnd(t, f).tolist()).toEqual([true, false, false, false]);
    expect(m.logicalOr(t, f).tolist()).toEqual([true, true, true, false]);
    expect(m.logicalOr(mx.array([0, 2]), 0).dtype).toBe(mx.bool);
  });

  it("clip, isclose, allclose, arrayEqual", () => {
    const x = f64([-3, -1, 0, 2, 5]);
    expect(vals(m.clip(x, -1, 2))).toEqual([-1, -1, 0, 2, 2]);
    expect(vals(m.clip(x, null, 0))).toEqual([-3, -1, 0, 0, 0]);
    expect(vals(m.clip(x, 1, null))).toEqual([1, 1, 1, 2, 5]);
    expect(m.clip(mx.array([1, 5], mx.int32), 2, 3).dtype).toBe(mx.int32);
    expect(() => m.clip(x, null, null)).toThrow("[clip] At most one of a_min and a_max may be None.");
    expect(() => junkm.clip(x, 1)).toThrow("[clip] a_min and a_max are required (pass null for no bound).");
    const p = f64([1, 1, Infinity, Infinity, NaN, 1e10]), q = f64([1 + 1e-6, 1.1, Infinity, -Infinity, NaN, 1.00001e10]);
    expect(m.isclose(p, q).tolist()).toEqual([true, false, true, false, false, true]);
    expect(m.isclose(p, q, 1e-5, 1e-8, { equalNan: true }).tolist()).toEqual([true, false, true, false, true, true]);
    expect(m.isclose(p, q, 0.2).tolist()).toEqual([true, true, true, false, false, true]);
    expect(m.allclose(f64([1, 2]), f64([1, 2 + 1e-9])).item()).toBe(true);
    expect(m.allclose(f64([1, 2]), f64([1, 2.1])).item()).toBe(false);
    expect(() => junkm.isclose(p, q, "x")).toThrow("[isclose] rtol must be a number, got string x.");
    expect(m.arrayEqual(mx.array([1, 2], mx.int32), mx.array([1, 2])).item()).toBe(true);
    expect(m.arrayEqual(mx.array([1, 2]), mx.array([[1, 2]])).item()).toBe(false);
    expect(m.arrayEqual(f64([1, NaN]), f64([1, NaN])).item()).toBe(false);
    expect(m.arrayEqual(f64([1, NaN]), f64([1, NaN]), true).item()).toBe(true);
    expect(m.arrayEqual(f64([1, NaN]), f64([1, NaN]), { equalNan: true }).item()).toBe(true);
  });
});

describe("scans", () => {
  const scanRef = (xs: number[], op: (a: number, b: number) => number, init: number, reverse: boolean, inclusive: boolean) => {
    const n = xs.length, out = new Array<number>(n);
    let acc = init;
    for (let j = 0; j < n; ++j) {
      const i = reverse ? n - 1 - j : j;
      if (!inclusive) out[i] = acc;
      acc = op(acc, xs[i]!);
      if (inclusive) out[i] = acc;
    }
    return out;
  };
  const data = rand(37, 5).map((v) => Math.round(v * 100) / 10);

  for (const reverse of [false, true])
    for (const inclusive of [false, true])
      it(`cumsum/cumprod/cummax/cummin reverse=${reverse} inclusive=${inclusive}`, () => {
        const x = f64(data);
        const o = { reverse, inclusive };
        close(vals(m.cumsum(x, 0, o)), scanRef(data, (a, b) => a + b, 0, reverse, inclusive));
        close(vals(m.cumprod(f64(data.slice(0, 8)), 0, o)), scanRef(data.slice(0, 8), (a, b) => a * b, 1, reverse, inclusive));
        close(vals(m.cummax(x, 0, o)), scanRef(data, Math.max, -Infinity, reverse, inclusive));
        close(vals(m.cummin(x, 0, o)), scanRef(data, Math.min, Infinity, reverse, inclusive));
      });

  it("axes, flattening, dtypes, errors", () => {
    const x = f64(X, [3, 4]);
    close(vals(m.cumsum(x, 1)), rows(X, 3, 4).flatMap((r) => scanRef(r, (a, b) => a + b, 0, false, true)));
    close(vals(m.cumsum(x)), scanRef(X, (a, b) => a + b, 0, false, true));
    expect(m.cumsum(x, 0).shape).toEqual([3, 4]);
    expect(m.cumsum(mx.array([true, true])).dtype).toBe(mx.int32);
    expect(m.cumsum(mx.array([1, 2], mx.int32)).dtype).toBe(mx.int32);
    expect(vals(m.cumsum(mx.transpose(x), 0))).toEqual(vals(mx.transpose(m.cumsum(x, 1))));
    expect(() => m.cumsum(x, 2)).toThrow("[cumsum] Invalid axis 2 for an array with 2 dimensions.");
    expect(() => junkm.cumprod(x, 0, { reverse: "yes" })).toThrow("[cumprod] reverse must be a boolean, got string yes.");
    expect(() => m.cummax(x, 0.5)).toThrow("[cummax] The axis must be an integer or null, got number 0.5.");
  });

  it("threaded size", () => {
    const big = rand(300 * 257, 3);
    const got = vals(m.cumsum(mx.array(Float64Array.from(big)).reshape([300, 257]), 1));
    const want = rows(big, 300, 257).flatMap((r) => scanRef(r, (a, b) => a + b, 0, false, true));
    expect(got.length).toBe(want.length);
    expect(Math.max(...got.map((g, i) => Math.abs(g - want[i]!)))).toBeLessThan(1e-9);
    const am = vals(m.argmax(mx.array(Float64Array.from(big)).reshape([300, 257]), 1));
    expect(am).toEqual(rows(big, 300, 257).map((r) => r.indexOf(Math.max(...r))));
  });
});

describe("sorting", () => {
  it("sort, argsort, topk", () => {
    const x = f64(X, [3, 4]);
    close(vals(m.sort(x, 0)), [0, 1, 2].flatMap((i) => cols(X, 3, 4).map((c) => [...c].sort((a, b) => a - b)[i]!)));
    const as = m.argsort(x);
    expect(as.dtype).toBe(mx.uint32);
    expect(vals(as)).toEqual([1, 3, 0, 2, 2, 3, 0, 1, 3, 1, 0, 2]);
    close(vals(m.sort(f64([3, NaN, 1, -Infinity]))), [-Infinity, 1, 3, NaN]);
    expect(vals(m.sort(mx.array([[3, 1], [2, 4]], mx.int32), null))).toEqual([1, 2, 3, 4]);
    expect(vals(m.topk(mx.array([5, 1, 9, 3, 7], mx.int32), 2))).toEqual([7, 9]);
    expect(m.topk(x, 3, 1).shape).toEqual([3, 3]);
    const big = rand(5000, 9);
    expect(vals(m.sort(mx.array(Float64Array.from(big))))).toEqual([...big].sort((a, b) => a - b));
    expect(() => m.topk(x, 5, 1)).toThrow("[topk] Received invalid k=5 along axis 1 for array with shape (3,4).");
    expect(() => m.sort(x, -3)).toThrow("[sort] Invalid axis -3 for an array with 2 dimensions.");
    expect(() => m.topk(x, 1.5)).toThrow("[topk] k must be an integer, got number 1.5.");
    const g = vals(mx.grad((a: any) => mx.sum(m.sort(a).mul(f64([1, 2, 3]))))(f64([0.5, -1, 2])));
    expect(g).toEqual([2, 1, 3]);
  });

  it("module keeps working after errors and frees temporaries", () => {
    const a = mx.array([1, 2]), b = mx.array([1, 2, 3]);
    const before = mx.memory().liveArrays;
    for (let i = 0; i < 5; ++i) {
      expect(() => m.clip(a, null, null)).toThrow();
      expect(() => junkm.clip(a, 0, "x")).toThrow();
      expect(() => m.remainder(a, b)).toThrow();
      expect(() => junkm.isclose(a, 1, 1e-5, 1e-8, { equalNan: 2 })).toThrow();
    }
    expect(mx.memory().liveArrays).toBe(before);
    expect(m.cumsum(mx.array([1, 2, 3])).tolist()).toEqual([1, 3, 6]);
  });

  it("float32 sums round once, whatever the layout (strided runs and column sums accumulate in double)", () => {
    const ref = Math.fround(0.3) * 70000; // exact in double
    const ulp = 2 ** (Math.floor(Math.log2(ref)) - 23);
    const strided = mx.full([2, 70000], 0.3).T.sum(0).tolist() as number[]; // runs with stride 2
    const columns = mx.full([70000, 3], 0.3).sum(0).tolist() as number[]; // rows added into 3 accumulators
    const along = mx.full([3, 70000], 0.3).sum(1).tolist() as number[]; // contiguous runs
    for (const v of [...strided, ...columns, ...along]) expect(Math.abs(v - ref)).toBeLessThanOrEqual(ulp);
    const h = mx.full([5000, 2], 0.1, mx.float16).sum(0).astype(mx.float32).tolist() as number[];
    const h16 = 5000 * 0.0999755859375; // float16(0.1), summed exactly, then one rounding to float16 (ulp 0.25 at 500)
    for (const v of h) expect(Math.abs(v - h16)).toBeLessThanOrEqual(0.25);
  });
});

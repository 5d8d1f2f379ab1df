// Edge cases of every op family against pure-JS references: empty arrays,
// size-1 and broadcast dims, negative axes, non-contiguous inputs (transposed
// and strided views), every dtype class, NaN/Inf, and sizes past the kernels'
// thread grains (elementwise/gather 2^15 elements; reductions and scans split
// kept outer rows by 2^15 elements; GEMM splits tiles) so that the threaded
// build runs them on the pool.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

const M = mx as any;
type A = InstanceType<typeof mx.Array>;
type Ref = ref.Ref;
type Layout = "c" | "t" | "s"; // contiguous, transposed view, strided (every other element) view

const dt = (n: string) => (mx as any)[n];

/** An array of `dtype` holding r's values, laid out as asked (same logical values). */
function make(r: Ref, dtype: string, layout: Layout = "c"): A {
  const nd = r.shape.length;
  if (layout === "t" && nd >= 2) {
    const perm = [...Array(nd).keys()];
    [perm[nd - 1], perm[nd - 2]] = [perm[nd - 2]!, perm[nd - 1]!];
    const t = ref.transpose(r, perm);
    return M.swapaxes(mx.array(t.data, dt(dtype)).reshape(t.shape), -1, -2);
  }
  if (layout === "c") return mx.array(r.data, dt(dtype)).reshape(r.shape);
  // strided: interleave with junk along a new last axis, then take index 0 of it
  const junk = r.data.flatMap((v) => [v, dtype === "bool" ? 1 : 77]);
  return mx.array(junk, dt(dtype)).reshape([...r.shape, 2]).index("...", 0);
}

const numbers = (a: A): number[] => Array.from(a.dataSync() as ArrayLike<number | bigint>, Number);

/** got matches want: same shape, values equal (NaN matches NaN; -0 == 0), or within rel tolerance. */
function expectRef(got: A, want: Ref, tol = 0, what = "") {
  expect(got.shape, what).toEqual(want.shape);
  const g = numbers(got);
  const bad: string[] = [];
  for (let i = 0; i < want.data.length; ++i) {
    const w = want.data[i]!, v = g[i]!;
    const ok = Number.isNaN(w) ? Number.isNaN(v) : !Number.isFinite(w) ? v === w : Math.abs(v - w) <= tol * (1 + Math.abs(w));
    if (!ok && bad.length < 5) bad.push(`[${i}] got ${v} want ${w}`);
  }
  expect(bad, what).toEqual([]);
}

/** Deterministic values for a dtype class: floats include NaN, +-Inf, -0 when `specials`. */
function values(n: number, dtype: string, seed: number, specials = true): number[] {
  const r = ref.rand(n, seed);
  if (dtype === "bool") return r.map((x) => (x > 0 ? 1 : 0));
  if (dtype.startsWith("uint")) return r.map((x) => Math.floor((x + 1) * 120));
  if (dtype.startsWith("int")) return r.map((x) => Math.floor(x * 120));
  const v = r.map((x) => ref.toDtype(x * 8, dtype));
  if (specials && n >= 8) {
    v[1] = NaN;
    v[3] = Infinity;
    v[5] = -Infinity;
    v[6] = -0;
  }
  return v;
}
const R = (shape: number[], dtype: string, seed: number, specials = true): Ref => ({
  shape, data: values(ref.size(shape), dtype, seed, specials),
});

const map = (r: Ref, f: (x: number) => number): Ref => ({ shape: r.shape, data: r.data.map(f) });
const nanMax = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b));
const nanMin = (a: number, b: number) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b));

// ---------------------------------------------------------------- elementwise

describe("elementwise binary ops", () => {
  const SHAPES: [number[], number[], Layout, Layout][] = [
    [[], [3], "c", "c"],
    [[0, 3], [3], "c", "s"],
    [[1, 3], [4, 1], "c", "c"],
    [[2, 1, 3], [1, 5, 1], "t", "s"],
    [[5, 4], [5, 4], "t", "t"],
    [[300, 200], [200], "t", "c"], // 60000 elements, a strided operand: rows split across threads
    [[70000], [1], "s", "c"], // one long run split across threads
  ];
  const OPS: [string, (a: number, b: number) => number, string[]][] = [
    ["add", (a, b) => a + b, ["bool", "uint8", "int8", "int32", "float16", "bfloat16", "float32", "float64"]],
    ["subtract", (a, b) => a - b, ["uint8", "int16", "float16", "float32", "float64"]],
    ["multiply", (a, b) => a * b, ["uint8", "int8", "int32", "float16", "float32", "float64"]],
    ["maximum", nanMax, ["bool", "uint16", "int8", "float16", "float32", "float64"]],
    ["minimum", nanMin, ["uint8", "int64", "float32", "float64"]],
    ["divide", (a, b) => a / b, ["float16", "float32", "float64"]],
  ];
  for (const [op, f, dtypes] of OPS) {
    it(`${op} over shapes, layouts and dtypes`, () => {
      for (const dtype of dtypes) {
        SHAPES.forEach(([sa, sb, la, lb], k) => {
          mx.tidy(() => {
            const A = R(sa, dtype, 10 + k), B = R(sb, dtype, 20 + k);
            const want = map(ref.binary(A, B, f), (x) => ref.toDtype(x, dtype));
            const got = M[op](make(A, dtype, la), make(B, dtype, lb));
            expect(got.dtype.name).toBe(dtype);
            expectRef(got, want, 0, `${op} ${dtype} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`);
          });
        });
      }
    });
  }
  it("comparisons give bool, NaN compares false (not-equal true)", () => {
    const cmp: [string, (a: number, b: number) => boolean][] = [
      ["equal", (a, b) => a === b], ["notEqual", (a, b) => a !== b], ["less", (a, b) => a < b],
      ["lessEqual", (a, b) => a <= b], ["greater", (a, b) => a > b], ["greaterEqual", (a, b) => a >= b],
    ];
    for (const [op, f] of cmp)
      for (const dtype of ["uint8", "int32", "float16", "float32"])
        SHAPES.forEach(([sa, sb, la, lb], k) => {
          mx.tidy(() => {
            const A = R(sa, dtype, 30 + k), B = R(sb, dtype, 30 + k); // same seed: many equal pairs
            const got = M[op](make(A, dtype, la), make(B, dtype, lb));
            expect(got.dtype).toBe(mx.bool);
            expectRef(got, ref.binary(A, B, (a, b) => (f(a, b) ? 1 : 0)), 0, `${op} ${dtype}`);
          });
        });
  });
});

describe("elementwise unary ops", () => {
  const CASES: [number[], Layout][] = [[[], "c"], [[0], "c"], [[1, 1, 0], "c"], [[3, 1], "s"], [[6, 5], "t"], [[256, 300], "t"], [[40000], "s"]];
  const EXACT: [string, (x: number) => number, string[]][] = [
    ["abs", Math.abs, ["int8", "int32", "float16", "float32", "float64"]],
    ["negative", (x) => -x, ["uint8", "int8", "int64", "bfloat16", "float32"]],
    ["square", (x) => x * x, ["int16", "float32", "float64"]],
    ["sqrt", Math.sqrt, ["float32", "float64"]],
    ["floor", Math.floor, ["float16", "float32", "float64"]],
    ["ceil", Math.ceil, ["float32"]],
    ["sign", (x) => (Number.isNaN(x) ? 0 : Math.sign(x)), ["int8", "float32"]],
    ["isnan", (x) => (Number.isNaN(x) ? 1 : 0), ["float16", "float32", "int32"]],
    ["isinf", (x) => (x === Infinity || x === -Infinity ? 1 : 0), ["float32", "float64"]],
    ["logicalNot", (x) => (x === 0 ? 1 : 0), ["bool", "float32"]],
  ];
  for (const [op, f, dtypes] of EXACT) {
    it(`${op}: exact results over shapes, layouts and dtypes`, () => {
      for (const dtype of dtypes)
        CASES.forEach(([shape, layout], k) => {
          mx.tidy(() => {
            const X = R(shape, dtype, 40 + k);
            const got = M[op](make(X, dtype, layout));
            const out = got.dtype.name;
            expectRef(got, map(X, (x) => ref.toDtype(f(x), out)), 0, `${op} ${dtype} ${JSON.stringify(shape)}`);
          });
        });
    });
  }
  it("transcendental ops on strided and threaded inputs with NaN/Inf", () => {
    const fs: [string, (x: number) => number][] = [["exp", Math.exp], ["log", Math.log], ["tanh", Math.tanh], ["sin", Math.sin], ["sigmoid", (x) => 1 / (1 + Math.exp(-x))]];
    for (const [op, f] of fs)
      for (const dtype of ["float32", "float64"])
        CASES.forEach(([shape, layout], k) => {
          mx.tidy(() => {
            const X = R(shape, dtype, 50 + k);
            expectRef(M[op](make(X, dtype, layout)), map(X, f), dtype === "float32" ? 2e-6 : 1e-14, `${op} ${dtype}`);
          });
        });
  });
});

// ---------------------------------------------------------------- reductions and scans

/** Reduces r over `axes` (null: all) with f from `init`; returns the kept-dims ref. */
function reduceRef(r: Ref, axes: number[] | null, keepdims: boolean, init: number, f: (acc: number, x: number) => number): Ref {
  const nd = r.shape.length;
  const ax = axes === null ? [...Array(nd).keys()] : axes.map((a) => (a < 0 ? a + nd : a));
  const kept = r.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = new Array(ref.size(kept)).fill(init);
  const ks = ref.strides(kept), st = ref.strides(r.shape);
  for (let i = 0; i < r.data.length; ++i) {
    let p = 0;
    for (let d = 0; d < nd; ++d) if (!ax.includes(d)) p += (Math.floor(i / st[d]!) % r.shape[d]!) * ks[d]!;
    out[p] = f(out[p], r.data[i]!);
  }
  return { shape: keepdims ? kept : r.shape.filter((_, i) => !ax.includes(i)), data: out };
}

describe("reductions", () => {
  const CASES: [number[], number[] | null, Layout][] = [
    [[0, 3], [0], "c"], [[2, 0, 3], [1], "t"], [[3, 1, 4], [1], "s"], [[4, 5, 6], [0, 2], "t"], [[4, 5, 6], [-1], "s"],
    [[4, 5, 6], [], "c"], [[4, 5, 6], null, "t"], [[], null, "c"],
    [[64, 1024], [-1], "t"], // kept outer rows split across threads
    [[3, 40000], [0], "s"], [[200, 300], [-2], "c"],
  ];
  const OPS: [string, number, (a: number, x: number) => number, string[]][] = [
    ["sum", 0, (a, x) => a + x, ["bool", "uint8", "int32", "float32", "float64"]],
    ["prod", 1, (a, x) => a * x, ["int8", "float64"]],
    ["max", -Infinity, nanMax, ["uint8", "int16", "float16", "float32"]],
    ["min", Infinity, nanMin, ["int8", "float32", "float64"]],
    ["all", 1, (a, x) => (a && x !== 0 ? 1 : 0), ["bool", "float32"]],
    ["any", 0, (a, x) => (a || x !== 0 ? 1 : 0), ["bool", "int32"]],
  ];
  for (const [op, init, f, dtypes] of OPS) {
    it(`${op} over axes (negative too), keepdims, empty and size-1 dims, layouts, dtypes`, () => {
      for (const dtype of dtypes)
        CASES.forEach(([shape, axes, layout], k) => {
          // max/min of an empty array is an error (bad_args.test.ts): their rows use the non-empty cases.
          if ((op === "max" || op === "min") && ref.size(shape) === 0) return;
          for (const keepdims of [false, true])
            mx.tidy(() => {
              // prod: values near 1 so that float64 stays exact enough; NaN/Inf for max/min and sums of floats.
              const X = op === "prod" ? map(R(shape, dtype, 60 + k, false), (x) => (dtype === "int8" ? Math.sign(x) : 1 + x / 64)) : R(shape, dtype, 60 + k);
              const got = M[op](make(X, dtype, layout), axes === null ? undefined : axes, keepdims);
              const out = got.dtype.name;
              const exact = reduceRef(X, axes, keepdims, init, f);
              const want = map(exact, (x) => ref.toDtype(x, out));
              const what = `${op} ${dtype} ${JSON.stringify(shape)} ${JSON.stringify(axes)} ${keepdims}`;
              if (op === "sum" && out === "float32") {
                // float32 accumulation: the error scales with the sum of magnitudes.
                const mag = reduceRef(X, axes, keepdims, 0, (a, x) => a + (Number.isFinite(x) ? Math.abs(x) : 0));
                expect(got.shape).toEqual(want.shape);
                const g = numbers(got);
                want.data.forEach((w, i) => {
                  if (!Number.isFinite(w)) expect(Object.is(g[i], w) || (Number.isNaN(w) && Number.isNaN(g[i]!)), what).toBe(true);
                  else expect(Math.abs(g[i]! - w), what).toBeLessThanOrEqual(1e-6 * (1 + mag.data[i]!));
                });
              } else {
                expectRef(got, want, op === "prod" && out === "float64" ? 1e-14 : 0, what);
              }
            });
        });
    });
  }
  it("mean of integers is float32; argmax/argmin take the first extreme and the first NaN", () => {
    CASES.forEach(([shape, axes, layout], k) => {
      if (ref.size(shape) === 0 || axes === null || axes.length !== 1) return;
      mx.tidy(() => {
        const X = R(shape, "float32", 70 + k);
        const x = make(X, "float32", layout);
        const ax = axes[0]!;
        const nd = shape.length, a = ax < 0 ? ax + nd : ax;
        const st = ref.strides(shape);
        for (const isMax of [true, false]) {
          // Reference: walk each line keeping the first best (NaN beats everything, first one kept).
          const keptShape = shape.filter((_, i) => i !== a);
          const want: number[] = [];
          for (let o = 0; o < ref.size(keptShape); ++o) {
            let base = 0, rem = o;
            for (let d = nd - 1; d >= 0; --d) {
              if (d === a) continue;
              base += (rem % shape[d]!) * st[d]!;
              rem = Math.floor(rem / shape[d]!);
            }
            let best = 0;
            for (let j = 1; j < shape[a]!; ++j) {
              const v = X.data[base + j * st[a]!]!, b = X.data[base + best * st[a]!]!;
              if (Number.isNaN(b)) break;
              if (Number.isNaN(v) || (isMax ? v > b : v < b)) best = j;
            }
            want.push(best);
          }
          const got = isMax ? M.argmax(x, ax) : M.argmin(x, ax);
          expect(got.dtype).toBe(mx.uint32);
          expectRef(got, { shape: keptShape, data: want }, 0, `arg ${isMax} ${JSON.stringify(shape)}`);
        }
        const xi = make(map(X, (v) => ref.toDtype(v, "int16")), "int16", layout);
        const mean = M.mean(xi, ax);
        expect(mean.dtype).toBe(mx.float32);
        const ints = map(X, (v) => ref.toDtype(v, "int16"));
        expectRef(mean, map(reduceRef(ints, axes, false, 0, (s, v) => s + v), (s) => s / shape[a]!), 1e-6);
      });
    });
  });
});

describe("scans", () => {
  const CASES: [number[], number, Layout][] = [[[0], 0, "c"], [[1, 5], 0, "c"], [[4, 5], -1, "t"], [[4, 5], 0, "s"], [[3, 0, 2], 1, "c"], [[200, 300], 0, "t"], [[300, 200], -1, "s"], [[70000], 0, "s"]];
  const OPS: [string, (a: number, x: number) => number, string[]][] = [
    ["cumsum", (a, x) => a + x, ["uint8", "int32", "float64"]],
    ["cumprod", (a, x) => a * x, ["int8", "float64"]],
    ["cummax", nanMax, ["int16", "float32"]],
    ["cummin", nanMin, ["uint8", "float64"]],
  ];
  for (const [op, f, dtypes] of OPS)
    it(`${op} along axes with reverse and exclusive forms`, () => {
      for (const dtype of dtypes)
        CASES.forEach(([shape, axis, layout], k) => {
          for (const [reverse, inclusive] of [[false, true], [true, false], [true, true], [false, false]] as const)
            mx.tidy(() => {
              const X = op === "cumprod" ? map(R(shape, dtype, 80 + k, false), (x) => (dtype === "int8" ? Math.sign(x) || 1 : 1 + x / 1e5)) : R(shape, dtype, 80 + k);
              const nd = shape.length, a = axis < 0 ? axis + nd : axis;
              const st = ref.strides(shape), n = shape[a]!;
              // The identity that exclusive scans start from: 0, 1, or the dtype's lowest/highest value.
              const [lowest, highest] = dtype.startsWith("float") ? [-Infinity, Infinity]
                : dtype === "uint8" ? [0, 255] : dtype === "int16" ? [-32768, 32767] : [-128, 127];
              const init = op === "cumsum" ? 0 : op === "cumprod" ? 1 : op === "cummax" ? lowest : highest;
              const out = new Array(X.data.length).fill(0);
              for (let i = 0; i < X.data.length; ++i) {
                if (Math.floor(i / st[a]!) % n !== 0) continue; // i is the start of a line
                let acc = init;
                for (let jj = 0; jj < n; ++jj) {
                  const j = reverse ? n - 1 - jj : jj;
                  const p = i + j * st[a]!;
                  if (inclusive) { acc = ref.toDtype(f(acc, X.data[p]!), dtype); out[p] = acc; }
                  else { out[p] = acc; acc = ref.toDtype(f(acc, X.data[p]!), dtype); }
                }
              }
              const got = M[op](make(X, dtype, layout), axis, { reverse, inclusive });
              expectRef(got, { shape, data: out }, dtype === "float64" ? 1e-12 : 0, `${op} ${dtype} ${JSON.stringify(shape)} r=${reverse}`);
            });
        });
    });
});

describe("sort, argsort, topk", () => {
  const CASES: [number[], number, Layout][] = [[[0], -1, "c"], [[1], -1, "c"], [[5, 1], -1, "s"], [[4, 7], 0, "t"], [[4, 7], -1, "t"], [[100, 1000], -1, "c"], [[1000, 50], 0, "t"], [[2, 3, 40], -2, "s"]];
  /** Stable order of the line with NaN last. */
  const order = (vals: number[]) =>
    vals.map((v, i) => [v, i] as const).sort((p, q) => {
      const a = p[0], b = q[0];
      if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) === Number.isNaN(b) ? p[1] - q[1] : Number.isNaN(a) ? 1 : -1;
      return a < b ? -1 : a > b ? 1 : p[1] - q[1];
    }).map((p) => p[1]);
  for (const dtype of ["float32", "float16", "int8", "uint32", "bool"])
    it(`${dtype}: sort and stable argsort by line, NaN last; topk holds the k largest`, () => {
      CASES.forEach(([shape, axis, layout], k) => {
        mx.tidy(() => {
          // Few distinct values: many ties for stability.
          const X = map(R(shape, dtype, 90 + k), (v) => (Number.isFinite(v) && dtype.startsWith("float") ? ref.toDtype(Math.round(v), dtype) : v));
          const x = make(X, dtype, layout);
          const nd = shape.length, a = axis < 0 ? axis + nd : axis, st = ref.strides(shape), n = shape[a]!;
          const sorted = new Array(X.data.length).fill(0), idx = new Array(X.data.length).fill(0);
          const kk = Math.min(3, n), topShape = shape.map((d, i) => (i === a ? kk : d)), tst = ref.strides(topShape);
          const top = new Array(ref.size(topShape)).fill(0);
          for (let i = 0; i < X.data.length; ++i) {
            if (Math.floor(i / st[a]!) % n !== 0) continue;
            const line = Array.from({ length: n }, (_, j) => X.data[i + j * st[a]!]!);
            const o = order(line);
            o.forEach((src, j) => { sorted[i + j * st[a]!] = line[src]!; idx[i + j * st[a]!] = src; });
            // the line's position in the top array: same multi-index with 0 along a
            let ti = 0;
            for (let d = 0; d < nd; ++d) if (d !== a) ti += (Math.floor(i / st[d]!) % shape[d]!) * tst[d]!;
            for (let j = 0; j < kk; ++j) top[ti + j * tst[a]!] = line[o[n - kk + j]!]!;
          }
          expectRef(M.sort(x, axis), { shape, data: sorted }, 0, `sort ${JSON.stringify(shape)}`);
          const as = M.argsort(x, axis);
          expect(as.dtype).toBe(mx.uint32);
          expectRef(as, { shape, data: idx }, 0, `argsort ${JSON.stringify(shape)}`);
          if (n > 0 && !X.data.some(Number.isNaN)) {
            // topk's order within the k is not specified by MLX: compare sorted lines.
            const t = M.sort(M.topk(x, kk, axis), axis);
            expectRef(t, { shape: topShape, data: top }, 0, `topk ${JSON.stringify(shape)}`);
          }
        });
      });
    });
});

// ---------------------------------------------------------------- shapes, indexing, joining

describe("shape ops on views, empty arrays and negative axes", () => {
  it("reshape, squeeze, expandDims, moveaxis, swapaxes, flatten, broadcastTo, transpose", () => {
    for (const dtype of ["bool", "int16", "float32"])
      for (const layout of ["c", "t", "s"] as Layout[])
        for (const shape of [[2, 3, 4], [0, 3, 1], [1, 5, 1], [64, 600]]) {
          mx.tidy(() => {
            const X = R(shape, dtype, 100);
            const x = make(X, dtype, layout);
            expectRef(x.reshape(-1), { shape: [ref.size(shape)], data: X.data }, 0, "reshape");
            const fl = [...shape.slice(0, -2), shape[shape.length - 2]! * shape[shape.length - 1]!];
            expectRef(M.flatten(x, -2, -1), { shape: fl, data: X.data }, 0, "flatten");
            expectRef(M.expandDims(x, -1), { shape: [...shape, 1], data: X.data }, 0, "expandDims");
            const nd = shape.length;
            expectRef(M.moveaxis(x, -1, 0), ref.transpose(X, [nd - 1, ...[...Array(nd - 1).keys()]]), 0, "moveaxis");
            expectRef(M.swapaxes(x, 0, -1), ref.transpose(X, [nd - 1, ...[...Array(nd).keys()].slice(1, nd - 1), 0]), 0, "swapaxes");
            expectRef(mx.transpose(x), ref.transpose(X, [...Array(nd).keys()].reverse()), 0, "transpose");
            const ones = shape.map((d, i) => (d === 1 ? i - nd : null)).filter((v): v is number => v !== null);
            expectRef(mx.squeeze(x, ones), { shape: shape.filter((d) => d !== 1), data: X.data }, 0, "squeeze");
            const b = mx.broadcastTo(M.expandDims(x, 0), [2, ...shape]);
            expectRef(b, { shape: [2, ...shape], data: [...X.data, ...X.data] }, 0, "broadcastTo");
            expectRef(mx.broadcastTo(x, [0, ...shape]), { shape: [0, ...shape], data: [] }, 0, "broadcastTo 0");
          });
        }
  });
});

describe("indexing on views", () => {
  it("take with negative axes, empty and broadcast indices, from transposed and strided sources", () => {
    for (const dtype of ["uint8", "int64", "float16", "float32"])
      for (const layout of ["c", "t", "s"] as Layout[])
        mx.tidy(() => {
          const X = R([6, 300], dtype, 110);
          const x = make(X, dtype, layout);
          const idx = ref.rand(50000, 3).map((v) => Math.floor(v * 300)); // negatives included
          const got = M.take(x, mx.array(idx, mx.int32), -1); // (6, 50000): threaded gather
          const want: number[] = [];
          for (let r = 0; r < 6; ++r) for (const i of idx) want.push(X.data[r * 300 + (i < 0 ? i + 300 : i)]!);
          expectRef(got, { shape: [6, 50000], data: want }, 0, `take ${dtype} ${layout}`);
          expectRef(M.take(x, mx.zeros([0, 2], mx.int32), 0), { shape: [0, 2, 300], data: [] }, 0, "empty indices");
          const rows = M.take(x, mx.array([[-1], [0]], mx.int32), -2); // (2, 1, 300)
          expectRef(rows, { shape: [2, 1, 300], data: [...X.data.slice(1500), ...X.data.slice(0, 300)] }, 0, "rows");
        });
  });
  it("slices with negative steps of empty and strided arrays, and at() updates of views", () => {
    mx.tidy(() => {
      const X = R([5, 4], "int32", 120);
      const x = make(X, "int32", "t");
      const rev = x.index(mx.slice(null, null, -2), mx.slice(-1, 0, -1)); // rows 4,2,0; cols 3,2,1
      const want = [4, 2, 0].flatMap((r) => [3, 2, 1].map((c) => X.data[r * 4 + c]!));
      expectRef(rev, { shape: [3, 3], data: want }, 0, "negative steps");
      expectRef(mx.zeros([0, 3]).index(mx.slice(null, null, -1)), { shape: [0, 3], data: [] }, 0, "empty");
      const upd = x.at(mx.array([-1, 0, -1], mx.int32)).add(mx.ones([3, 4], mx.int32));
      const wantU = X.data.slice();
      for (const r of [4, 0, 4]) for (let c = 0; c < 4; ++c) wantU[r * 4 + c]! += 1;
      expectRef(upd, { shape: [5, 4], data: wantU }, 0, "at add");
    });
  });
});

describe("matmul", () => {
  const matmulRef = (a: Ref, b: Ref): Ref => {
    const a2 = a.shape.length === 1 ? { shape: [1, a.shape[0]!], data: a.data } : a;
    const b2 = b.shape.length === 1 ? { shape: [b.shape[0]!, 1], data: b.data } : b;
    const [Mm, K] = a2.shape.slice(-2) as [number, number];
    const N = b2.shape[b2.shape.length - 1]!;
    const batch = ref.broadcastShape(a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const data: number[] = [];
    const bsize = ref.size(batch);
    for (let t = 0; t < bsize; ++t) {
      const pick = (r: Ref) => {
        const bs = r.shape.slice(0, -2), off = batch.length - bs.length;
        let p = 0, rem = t;
        const idx = batch.map((d) => 0 * d);
        for (let d = batch.length - 1; d >= 0; --d) { idx[d] = rem % batch[d]!; rem = Math.floor(rem / batch[d]!); }
        const bst = ref.strides(bs);
        for (let d = 0; d < bs.length; ++d) p += (bs[d] === 1 ? 0 : idx[d + off]!) * bst[d]!;
        return p * ref.size(r.shape.slice(-2));
      };
      const pa = pick(a2), pb = pick(b2);
      for (let i = 0; i < Mm; ++i)
        for (let j = 0; j < N; ++j) {
          let s = 0;
          for (let k = 0; k < K; ++k) s += a2.data[pa + i * K + k]! * b2.data[pb + k * N + j]!;
          data.push(s);
        }
    }
    let shape = [...batch, Mm, N];
    if (a.shape.length === 1) shape = shape.filter((_, i) => i !== shape.length - 2);
    if (b.shape.length === 1) shape = shape.slice(0, -1);
    return { shape, data };
  };
  const CASES: [number[], number[], Layout, Layout][] = [
    [[0, 3], [3, 4], "c", "t"], [[2, 0], [0, 3], "c", "c"], [[1, 1], [1, 1], "s", "c"], [[3], [3, 2], "s", "t"],
    [[4, 3], [3], "t", "s"], [[2, 1, 3, 4], [5, 4, 2], "t", "s"], [[130, 70], [70, 90], "t", "t"], [[7, 300], [300, 5], "c", "s"],
  ];
  for (const dtype of ["float32", "float64", "float16"])
    it(`${dtype}: empty, size-1, vector and batched-broadcast shapes on views`, () => {
      CASES.forEach(([sa, sb, la, lb], k) => {
        mx.tidy(() => {
          const A = R(sa, dtype, 130 + k, false), B = R(sb, dtype, 140 + k, false);
          const want = matmulRef(A, B);
          const got = mx.matmul(make(A, dtype, la), make(B, dtype, lb));
          expect(got.dtype.name).toBe(dtype);
          // Rounding-error bound (Higham, Accuracy and Stability, 3.1): a dot product of K
          // terms accumulated with unit roundoff u is off by at most gamma_K * sum|a_k b_k|,
          // gamma_K = K u / (1 - K u); float16 accumulates in float32 (its products are exact
          // there) and rounds the result once more to float16, half an ulp: 2^-11 |result|.
          const K = sa[sa.length - 1]!;
          const uAcc = dtype === "float64" ? 2 ** -53 : 2 ** -24, uOut = dtype === "float16" ? 2 ** -11 : 0;
          const gamma = (K * uAcc) / (1 - K * uAcc);
          const absRef = (r: Ref): Ref => ({ shape: r.shape, data: r.data.map(Math.abs) });
          const mag = matmulRef(absRef(A), absRef(B)).data;
          const g = numbers(got), what = `${dtype} ${JSON.stringify(sa)}x${JSON.stringify(sb)}`;
          expect(got.shape, what).toEqual(want.shape);
          const bad = want.data.flatMap((w, i) => {
            const bound = uOut * Math.abs(w) + gamma * mag[i]! + (dtype === "float16" ? 2 ** -25 : 0);
            return Math.abs(g[i]! - w) <= bound ? [] : [`[${i}] got ${g[i]} want ${w} bound ${bound}`];
          });
          expect(bad.slice(0, 5), what).toEqual([]);
        });
      });
    });
  it("NaN and Inf propagate", () => {
    mx.tidy(() => {
      const a = mx.array([[1, NaN], [1, 1], [Infinity, 0]]);
      const got = numbers(mx.matmul(a, mx.array([[1, 2], [3, 4]])));
      expect(got.slice(0, 2).every(Number.isNaN)).toBe(true);
      expect(got.slice(2, 4)).toEqual([4, 6]);
      expect(got.slice(4)).toEqual([Infinity, Infinity]);
    });
  });
});

describe("concatenate, stack, split, pad", () => {
  it("empty parts, negative axes, promotion, views and threaded sizes", () => {
    const CASES: [number[][], number, string[], Layout][] = [
      [[[2, 0], [2, 3], [2, 0]], -1, ["float32", "float32", "float32"], "c"],
      [[[0, 3], [2, 3]], 0, ["int8", "uint8"], "t"],
      [[[2, 3], [2, 3], [2, 3]], -2, ["int32", "float16", "bool"], "s"],
      [[[300, 200], [300, 1]], 1, ["float32", "float32"], "t"],
      [[[1], [70000]], 0, ["float64", "float32"], "s"],
    ];
    const promote: Record<string, string> = { "int8,uint8": "int16", "int32,float16,bool": "float16", "float64,float32": "float64" };
    for (const [shapes, axis, dtypes, layout] of CASES)
      mx.tidy(() => {
        const refs = shapes.map((s, i) => R(s, dtypes[i]!, 150 + i));
        const xs = refs.map((r, i) => make(r, dtypes[i]!, layout));
        const out = promote[dtypes.join(",")] ?? dtypes[0]!;
        const got = M.concatenate(xs, axis);
        expect(got.dtype.name).toBe(out);
        expectRef(got, map(concatRef(refs, axis), (v) => ref.toDtype(v, out)), 0, `concatenate ${JSON.stringify(shapes)}`);
        if (shapes.every((s) => JSON.stringify(s) === JSON.stringify(shapes[0]))) {
          const st = M.stack(xs, -1);
          expect(st.shape).toEqual([...shapes[0]!, shapes.length]);
          const parts = M.split(st, shapes.length, -1);
          parts.forEach((p: A, i: number) => expectRef(M.squeeze(p, -1), map(refs[i]!, (v) => ref.toDtype(v, out)), 0, "stack/split"));
        }
      });
  });
  it("split into empty and unequal parts at indices (negative and past the end)", () => {
    mx.tidy(() => {
      const X = R([3, 7], "int16", 160);
      const x = make(X, "int16", "t");
      const parts = M.split(x, [0, 2, -2, 100], -1);
      expect(parts.map((p: A) => p.shape)).toEqual([[3, 0], [3, 2], [3, 3], [3, 2], [3, 0]]);
      expectRef(parts[2], { shape: [3, 3], data: [0, 1, 2].flatMap((r) => [2, 3, 4].map((c) => X.data[r * 7 + c]!)) });
    });
  });
  it("pad: constant and edge modes on views, empty arrays and bool", () => {
    const padRef = (r: Ref, w: [number, number][], mode: string, value: number): Ref => {
      const shape = r.shape.map((d, i) => d + w[i]![0] + w[i]![1]);
      const data: number[] = [];
      const st = ref.strides(r.shape);
      for (let i = 0; i < ref.size(shape); ++i) {
        let rem = i, p = 0, inside = true;
        const idx: number[] = [];
        for (let d = shape.length - 1; d >= 0; --d) { idx[d] = rem % shape[d]!; rem = Math.floor(rem / shape[d]!); }
        for (let d = 0; d < shape.length; ++d) {
          let c = idx[d]! - w[d]![0];
          if (c < 0 || c >= r.shape[d]!) { inside = false; c = Math.min(Math.max(c, 0), r.shape[d]! - 1); }
          p += c * st[d]!;
        }
        data.push(inside || mode === "edge" ? r.data[p]! : value);
      }
      return { shape, data };
    };
    const CASES: [number[], [number, number][], string, string, Layout][] = [
      [[0, 3], [[1, 2], [0, 1]], "constant", "float32", "c"],
      [[3, 4], [[2, 0], [1, 3]], "edge", "int8", "t"],
      [[1, 1], [[3, 3], [3, 3]], "edge", "bool", "s"],
      [[200, 300], [[1, 1], [2, 0]], "constant", "float16", "t"],
    ];
    for (const [shape, w, mode, dtype, layout] of CASES)
      mx.tidy(() => {
        const X = R(shape, dtype, 170);
        const got = M.pad(make(X, dtype, layout), w, { mode, constantValues: 1 });
        expectRef(got, padRef(X, w, mode, 1), 0, `pad ${mode} ${dtype}`);
      });
  });
});

function concatRef(xs: Ref[], axis: number): Ref {
  const nd = xs[0]!.shape.length, a = axis < 0 ? axis + nd : axis;
  const shape = xs[0]!.shape.slice();
  shape[a] = xs.reduce((s, x) => s + x.shape[a]!, 0);
  const outer = ref.size(shape.slice(0, a)), data: number[] = [];
  for (let o = 0; o < outer; ++o)
    for (const x of xs) {
      const chunk = ref.size(x.shape.slice(a));
      data.push(...x.data.slice(o * chunk, (o + 1) * chunk));
    }
  return { shape, data };
}

// Broadcast views (stride 0 along the first axis) as inputs: the kernels must
// read repeated rows, not assume distinct memory per element.
describe("broadcast views as inputs", () => {
  /** A (rows, ...rest) ref whose rows all equal one random row, and the broadcast view holding it. */
  const bcast = (rows: number, rest: number[], dtype: string, seed: number): [Ref, A] => {
    const row = R([1, ...rest], dtype, seed);
    const data = Array.from({ length: rows }, () => row.data).flat();
    return [{ shape: [rows, ...rest], data }, mx.broadcastTo(make(row, dtype), [rows, ...rest])];
  };
  it("unary, binary, reductions, scans, sorts and gathers read repeated rows", () => {
    for (const dtype of ["int16", "float32"])
      for (const [rows, rest] of [[3, [5]], [400, [100]], [2, [0]], [70000, [1]]] as [number, number[]][])
        mx.tidy(() => {
          const [X, x] = bcast(rows, rest, dtype, 200);
          const what = `${dtype} ${rows}x${JSON.stringify(rest)}`;
          expectRef(mx.abs(x), map(X, Math.abs), 0, `abs ${what}`);
          expectRef(mx.add(x, x), map(X, (v) => ref.toDtype(2 * v, dtype)), 0, `add ${what}`);
          const sum = reduceRef(X, [0], false, 0, (a, v) => a + v);
          // float32 along a strided axis accumulates in float32 (as MLX): the worst-case error of n naive adds is
          // about n * eps relative (rows here are equal, so no cancellation).
          const ftol = dtype === "float32" ? Math.max(1e-6, 6e-8 * rows) : 0;
          expectRef(mx.sum(x, 0), map(sum, (v) => ref.toDtype(v, dtype)), ftol, `sum ${what}`);
          const n = rest[0]!;
          if (n > 0) expectRef(mx.max(x, -1), reduceRef(X, [-1], false, -Infinity, nanMax), 0, `max ${what}`);
          const cs = X.data.slice();
          for (let r = 1; r < rows; ++r) for (let j = 0; j < n; ++j) cs[r * n + j] = ref.toDtype(cs[(r - 1) * n + j]! + X.data[r * n + j]!, dtype);
          expectRef(mx.cumsum(x, 0), { shape: X.shape, data: cs }, ftol, `cumsum ${what}`);
          const sorted = X.data.slice();
          for (let r = 0; r < rows; ++r) {
            const line = sorted.slice(r * n, (r + 1) * n).sort((a, b) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b));
            sorted.splice(r * n, n, ...line);
          }
          expectRef(mx.sort(x, -1), { shape: X.shape, data: sorted }, 0, `sort ${what}`);
          if (rows > 1) expectRef(M.take(x, mx.array([rows - 1, 0], mx.int32), 0), { shape: [2, ...rest], data: [...X.data.slice(0, n), ...X.data.slice(0, n)] }, 0, `take ${what}`);
        });
  });
});

// Holds the ops sweep to API.md: every operation has a row (or a reason in
// NOT_SWEPT), every function on `mx` is classified, the ops without array
// arguments act as constants under grad, and gradients with respect to
// integer indices are errors that point at stopGradient.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { API_OPS, NOT_SWEPT, allRows } from "./reference_sweep_rows.js";
import { MX_LINALG_NOT_SWEPT } from "./reference_sweep_rows_mx_linalg.js";
import { BATCH3_NOT_SWEPT } from "./reference_sweep_rows_batch3.js";

const M = mx as any;

/** Functions on mx that are not operations on arrays. */
const NOT_OPS = new Set([
  // loading, memory, arrays, trees
  "init", "backendInfo", "memory", "setCacheLimit", "clearCache", "array", "Array", "Dtype", "tidy", "keep", "dispose",
  // transforms and evaluation
  "grad", "valueAndGrad", "vjp", "jvp", "vmap", "customFunction", "checkpoint", "compile", "disableCompile",
  "enableCompile", "eval", "asyncEval",
  // the index helper (mx.slice(start, stop, step)) and its class
  "slice", "Slice",
  // io: files and bytes, not operations on arrays
  "load", "save", "saveSafetensors", "savez", "savezCompressed", "saveGguf",
  // devices (API.md "Devices (WebGPU)")
  "Device", "setDefaultDevice", "defaultDevice", "withDevice", "gpuAvailable", "synchronize",
  // a graph as text (MLX's export_to_dot)
  "exportToDot",
  // shapes in, a shape out; dtype queries
  "asarray", "broadcastShapes", "DtypeCategory", "issubdtype", "isdtype", "resultType", "canCast",
  // reads only the operands' shapes: a contraction order and its cost
  "einsumPath",
]);

describe("ops sweep coverage", () => {
  const covered = new Set(allRows.map((r) => r.op));

  it("has a row for every operation of API.md, except those NOT_SWEPT gives a reason for", () => {
    const missing = API_OPS.filter((op) => !covered.has(op) && !(op in NOT_SWEPT));
    expect(missing).toEqual([]);
    const unknown = [...covered].filter((op) => !API_OPS.includes(op));
    expect(unknown).toEqual([]);
  });

  it("classifies every function on mx and mx.fast", () => {
    const fns = Object.keys(mx).filter((k) => typeof M[k] === "function");
    const unclassified = fns.filter((k) => !API_OPS.includes(k) && !NOT_OPS.has(k));
    expect(unclassified).toEqual([]);
    expect(Object.keys(mx.fast).filter((k) => !API_OPS.includes(k))).toEqual([]);
    // (and mx.random.state, the global key's JS array, which is state, not an operation)
    expect(Object.keys(mx.random).filter((k) => k !== "state" && !API_OPS.includes(`random.${k}`))).toEqual([]);
    expect(Object.keys(mx.linalg).filter((k) => !API_OPS.includes(`linalg.${k}`))).toEqual([]);
    expect(Object.keys(mx.fft).filter((k) => !API_OPS.includes(`fft.${k}`))).toEqual([]);
    // and every listed operation exists (array methods: index, at, astype)
    const methods = new Set(["index", "at", "astype"]);
    const lookup = (op: string) =>
      op.startsWith("random.") ? (mx.random as any)[op.slice(7)]
      : op.startsWith("linalg.") ? (mx.linalg as any)[op.slice(7)]
      : op.startsWith("fft.") ? (mx.fft as any)[op.slice(4)]
      : M[op] ?? (mx.fast as any)[op];
    expect(API_OPS.filter((op) => typeof lookup(op) !== "function" && !methods.has(op))).toEqual([]);
  });

  it("treats the ops without array arguments as constants under grad", () => {
    const x = mx.array(Float64Array.from([0.5, -1, 2]));
    const consts: [string, () => any][] = [
      ["zeros", () => mx.zeros([3], mx.float64)],
      ["ones", () => mx.ones([3], mx.float64)],
      ["arange", () => mx.arange(1, 4, mx.float64)],
      ["linspace", () => mx.linspace(0, 1, 3, mx.float64)],
      ["eye", () => mx.eye(3, null, 0, mx.float64).sum(0).mul(mx.arange(3, mx.float64))],
      ["identity", () => mx.identity(3, mx.float64).sum(1).add(1)],
      ["tri", () => mx.tri(3, null, 0, mx.float64).sum(0)],
      ["random.normal", () => mx.random.normal([3], { key: mx.random.key(1), dtype: mx.float64, loc: 2, scale: 3 })],
      ["random.gumbel", () => mx.random.gumbel([3], { key: mx.random.key(2), dtype: mx.float64 })],
      ["random.laplace", () => mx.random.laplace([3], { key: mx.random.key(5), dtype: mx.float64, loc: 1, scale: 2 })],
      ["random.bits", () => mx.random.bits([3], 4, { key: mx.random.split(mx.random.key(4)).index(0) }).astype(mx.float64)],
      ["bartlett", () => mx.bartlett(3).astype(mx.float64)],
      ["hanning", () => mx.hanning(3).astype(mx.float64)],
      ["hamming", () => mx.hamming(3).astype(mx.float64)],
      ["blackman", () => mx.blackman(3).astype(mx.float64)],
      ["fft.fftfreq", () => mx.fft.fftfreq(3, 0.5).astype(mx.float64)],
      ["fft.rfftfreq", () => mx.fft.rfftfreq(4).astype(mx.float64)],
    ];
    // seed and key only make keys; the NOT_SWEPT entries of mx.linalg and
    // batch 3 (qqmm) are ops with array arguments, tested in their own files
    const withConsts = Object.keys(NOT_SWEPT).filter((n) => !["random.seed", "random.key", "random.split"].includes(n) && !(n in MX_LINALG_NOT_SWEPT) && !(n in BATCH3_NOT_SWEPT));
    expect(consts.map(([n]) => n).sort()).toEqual(withConsts.sort());
    for (const [name, make] of consts) {
      const c = make();
      const g = mx.grad((v: any) => v.mul(make()).sum())(x);
      expect(g.tolist(), name).toEqual(c.tolist());
      const [, [t]] = mx.jvp((v: any) => make().add(v.mul(0)), [x], [mx.ones([3], mx.float64)]);
      expect(t!.tolist(), name).toEqual([0, 0, 0]);
      expect(mx.vmap((v: any) => v.mul(make()))(mx.stack([x, x])).tolist(), name).toEqual([x.mul(c).tolist(), x.mul(c).tolist()]);
    }
  });
});

describe("gradients with respect to integer indices", () => {
  const x = mx.array([[1, 2, 3], [4, 5, 6]]);
  const i = mx.array(Int32Array.from([1, 0]));
  const j = mx.array(Int32Array.from([1, 0, 2, 0])).reshape([2, 2]);
  const cases: [string, string, (ii: any) => any, any][] = [
    ["take", "take", (ii) => mx.take(x, ii, 1).sum(), i],
    ["takeAlongAxis", "take_along_axis", (ii) => mx.takeAlongAxis(x, ii, 1).sum(), j],
    ["putAlongAxis", "put_along_axis", (ii) => mx.putAlongAxis(x, ii, mx.array(7), 1).sum(), j],
    ["index", "index", (ii) => x.index(ii).sum(), i],
    ["at().add", "at", (ii) => x.at(ii).add(1).sum(), i],
    ["at().set", "at", (ii) => x.at(ii).set(mx.array([1, 2, 3])).sum(), i],
    ["at().maximum", "at", (ii) => x.at(ii).maximum(3).sum(), i],
    ["sliceDynamic", "slice_dynamic", (ii) => mx.sliceDynamic(x, ii.index(mx.slice(0, 1)), [1], [2, 2]).sum(), i],
    ["sliceUpdate", "slice_update", (ii) => mx.sliceUpdate(x, mx.ones([2, 1]), ii.index(mx.slice(0, 1)), [1]).sum(), i],
  ];
  for (const [name, tag, f, ii] of cases) {
    it(`${name}: an error naming stopGradient, and zero through stopGradient`, () => {
      const msg = `[${tag}] Cannot compute the gradient with respect to the indices; wrap them in stopGradient.`;
      expect(() => mx.grad(f)(ii)).toThrowError(msg);
      expect(() => mx.jvp((v: any) => f(v), [ii], [mx.onesLike(ii)])).toThrowError(msg);
      const g = mx.grad((v: any) => f(mx.stopGradient(v)))(ii);
      expect(g.dtype).toBe(mx.int32);
      expect(g.shape).toEqual(ii.shape);
      expect(Array.from(g.dataSync() as Int32Array).every((v) => v === 0)).toBe(true);
      // the module is fine afterwards: the gradient w.r.t. x still works
      expect(mx.grad((v: any) => v.mul(2).sum())(x).tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
    });
  }
});

describe("derivatives at ties and kinks (where finite differences don't apply), as MLX", () => {
  it("max/min split the gradient between ties; maximum/minimum/clip give it to the first operand; abs has 0 at 0", () => {
    const x = mx.array([1, 3, 3, 0]);
    expect(mx.grad((v: any) => v.max())(x).tolist()).toEqual([0, 0.5, 0.5, 0]);
    expect(mx.grad((v: any) => mx.min(v.index(mx.slice(0, 3)).mul(-1)))(x).tolist().map((g: number) => g + 0)).toEqual([0, -0.5, -0.5, 0]);
    const [ga, gb] = mx.grad((a: any, b: any) => mx.maximum(a, b).sum(), { argnums: [0, 1] })(x, x);
    expect([ga.tolist(), gb.tolist()]).toEqual([[1, 1, 1, 1], [0, 0, 0, 0]]);
    const [ma, mb] = mx.grad((a: any, b: any) => mx.minimum(a, b).sum(), { argnums: [0, 1] })(x, x);
    expect([ma.tolist(), mb.tolist()]).toEqual([[1, 1, 1, 1], [0, 0, 0, 0]]);
    expect(mx.grad((v: any) => mx.clip(v, 1, 3).sum())(x).tolist()).toEqual([1, 1, 1, 0]);
    expect(mx.grad((v: any) => mx.abs(v).sum())(x).tolist()).toEqual([1, 1, 1, 0]);
    // jvp of max with ties averages the tied tangents
    const [, [t]] = mx.jvp((v: any) => v.max(), [x], [mx.array([5, 1, 2, 7])]);
    expect(t!.item()).toBe(1.5);
  });
});

// The harness of the ops sweep (test/ops_sweep*.test.ts): one row per use of
// an op, checked through the public API against independent references:
//   - grad of sum_j <W_j, out_j> against central finite differences (float64
//     where the op supports it, float32 with looser tolerances otherwise);
//   - the adjoint identity <w, J v> = <J^T w, v> between jvp and vjp;
//   - vmap against an explicit loop (stack of per-example results) with
//     every input at axis 0, every input at a negative/non-zero axis, and one
//     input mapped at a time (the others broadcast);
//   - vmap of grad against a loop of grads (the backward graph's ops under vmap);
//   - float32 gradients against the float64 ones (the float32 kernels under the rules).
// Rows of non-differentiable ops (`zeroGrad`) check instead that their
// gradient and tangent are zero, as MLX gives, plus the same vmap checks.
import { expect } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

type A = any;

export interface Row {
  /** The API name this row covers (the master list's key). */
  op: string;
  /** Tells apart several rows of one op. */
  label?: string;
  /** Shapes of the floating-point inputs. */
  inputs: number[][];
  /** Value of element i of float input k in example b (default: pseudo-random in [-1, 1)). */
  gen?: (i: number, b: number, k: number) => number;
  /** Integer inputs (indices...), passed after the float inputs: constants for gradients, mapped by vmap. */
  ints?: { shape: number[]; gen: (i: number, b: number) => number }[];
  /** The op: float inputs, then integer inputs. Returns an array or a JS array of arrays. */
  fn: (...xs: A[]) => A;
  /** The op has no float64 kernel: test in float32. */
  f32?: boolean;
  /** Not differentiable: the gradient and tangent must be zero. */
  zeroGrad?: boolean;
  /** The non-zero axis for the second vmap variant (default -1). */
  vmapAxis?: number;
  /** Finite-difference step and tolerance overrides. */
  h?: number;
  tol?: number;
}

export const rowName = (r: Row) => (r.label ? `${r.op} (${r.label})` : r.op);

const B = 3; // examples per vmap

const hash = (s: string) => [...s].reduce((h, c) => (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0, 7);

function floats(r: Row, b: number, k: number, dtype: A): A {
  const shape = r.inputs[k]!;
  const n = ref.size(shape);
  const data = r.gen
    ? Array.from({ length: n }, (_, i) => r.gen!(i, b, k))
    : ref.rand(n, hash(rowName(r)) + 101 * k + 7 * b);
  return mx.array(Float64Array.from(data)).reshape(shape).astype(dtype);
}

function ints(r: Row, b: number, j: number): A {
  const spec = r.ints![j]!;
  const data = Array.from({ length: ref.size(spec.shape) }, (_, i) => spec.gen(i, b));
  return mx.array(Int32Array.from(data)).reshape(spec.shape);
}

/** Float inputs then integer inputs of example b. */
function example(r: Row, b: number): A[] {
  const dt = r.f32 ? mx.float32 : mx.float64;
  return [...r.inputs.map((_, k) => floats(r, b, k, dt)), ...(r.ints ?? []).map((_, j) => ints(r, b, j))];
}

const list = (out: A): A[] => (globalThis.Array.isArray(out) ? out : [out]);
const vals = (a: A): number[] => Array.from(a.astype(mx.float64).dataSync() as Float64Array);
const dot = (a: A, b: A): number => a.astype(mx.float64).mul(b.astype(mx.float64)).sum().item() as number;


function expectClose(got: A, want: A, tol: number, what: string) {
  expect(got.shape, `${what}: shape`).toEqual(want.shape);
  const err = ref.maxRelErr(vals(got), vals(want));
  expect(err, what).toBeLessThanOrEqual(tol);
}

function randomLike(a: A, seed: number): A {
  return mx.array(Float64Array.from(ref.rand(a.size, seed))).reshape(a.shape).astype(a.dtype);
}

/** Runs every check of a row; call inside a test. */
export function checkRow(r: Row): void {
  mx.tidy(() => {
    const ex0 = example(r, 0);
    const nf = r.inputs.length;
    const fx = ex0.slice(0, nf);
    const ix = ex0.slice(nf);
    const call = (...xs: A[]) => r.fn(...xs, ...ix);
    const outs0 = list(call(...fx));
    if (r.zeroGrad) checkZeroGrad(r, fx, call, outs0);
    else if (nf > 0) {
      checkGrads(r, fx, call, outs0);
      if (!r.f32) checkFloat32Grads(r, fx, call, outs0);
    }
    checkVmap(r);
  });
}

function checkGrads(r: Row, fx: A[], call: (...xs: A[]) => A, outs0: A[]) {
  const f32 = !!r.f32;
  const seed = hash(rowName(r));
  const W = outs0.map((o, j) => randomLike(o, seed + 1000 + j));
  const loss = (...xs: A[]) => {
    const outs = list(call(...xs));
    let s = outs[0].astype(mx.float64).mul(W[0].astype(mx.float64)).sum();
    for (let j = 1; j < outs.length; ++j) s = s.add(outs[j].astype(mx.float64).mul(W[j].astype(mx.float64)).sum());
    return s;
  };
  const argnums = fx.map((_, k) => k);
  const g = mx.grad(loss, { argnums })(...fx);
  const grads: A[] = fx.length === 1 ? [g] : g;
  const h = r.h ?? (f32 ? 1e-2 : 1e-6);
  const tol = r.tol ?? (f32 ? 2e-2 : 1e-6);
  const lossAt = (xs: A[]) => mx.tidy(() => loss(...xs).item() as number);
  fx.forEach((x, k) => {
    expect(grads[k].shape, `${rowName(r)}: grad ${k} shape`).toEqual(x.shape);
    expect(grads[k].dtype, `${rowName(r)}: grad ${k} dtype`).toBe(x.dtype);
    const x0 = vals(x);
    const got = vals(grads[k]);
    const at = (data: number[]) => {
      const xs = [...fx];
      xs[k] = mx.array(Float64Array.from(data)).reshape(x.shape).astype(x.dtype);
      return lossAt(xs);
    };
    if (x0.length <= 48) {
      const want = x0.map((_, i) => {
        const p = [...x0], m = [...x0];
        p[i]! += h;
        m[i]! -= h;
        return (at(p) - at(m)) / (2 * h);
      });
      expect(ref.maxRelErr(got, want), `${rowName(r)}: grad ${k} vs finite differences`).toBeLessThanOrEqual(tol);
    } else {
      // Large inputs: directional derivatives along random directions.
      for (let d = 0; d < 3; ++d) {
        const v = ref.rand(x0.length, seed + 77 * d + k);
        const fd = (at(x0.map((xi, i) => xi + h * v[i]!)) - at(x0.map((xi, i) => xi - h * v[i]!))) / (2 * h);
        const gv = got.reduce((s, gi, i) => s + gi * v[i]!, 0);
        expect(Math.abs(gv - fd) / (1 + Math.abs(fd)), `${rowName(r)}: grad ${k} along a direction`).toBeLessThanOrEqual(tol);
      }
    }
  });

  // <w, J v> = <J^T w, v>
  const V = fx.map((x, k) => randomLike(x, seed + 2000 + k));
  const [o1, jv] = mx.jvp(call as A, fx, V);
  const [o2, jtw] = mx.vjp(call as A, fx, W);
  expect(o1.length).toBe(outs0.length);
  o1.forEach((o, j) => expectClose(o, outs0[j], 0, `${rowName(r)}: jvp output ${j}`));
  o2.forEach((o, j) => expectClose(o, outs0[j], 0, `${rowName(r)}: vjp output ${j}`));
  const lhs = jv.reduce((s: number, t: A, j: number) => s + dot(W[j], t), 0);
  const rhs = jtw.reduce((s: number, c: A, k: number) => s + dot(c, V[k]), 0);
  const scale = 1 + Math.abs(lhs) + Math.abs(rhs);
  expect(Math.abs(lhs - rhs) / scale, `${rowName(r)}: adjoint identity (${lhs} vs ${rhs})`).toBeLessThanOrEqual(f32 ? 1e-4 : 1e-10);
  // vjp's cotangents are the gradient of the weighted loss
  jtw.forEach((c: A, k: number) => expectClose(c, grads[k], f32 ? 1e-5 : 1e-12, `${rowName(r)}: vjp vs grad ${k}`));
}

/** The float32 kernels under the same rules: float32 gradients agree with the float64 ones. */
function checkFloat32Grads(r: Row, fx: A[], call: (...xs: A[]) => A, outs0: A[]) {
  const W = outs0.map((o, j) => randomLike(o, hash(rowName(r)) + 5000 + j));
  const loss = (...xs: A[]) => {
    const outs = list(call(...xs));
    let s = outs[0].mul(W[0].astype(outs[0].dtype)).sum();
    for (let j = 1; j < outs.length; ++j) s = s.add(outs[j].mul(W[j].astype(outs[j].dtype)).sum());
    return s;
  };
  const argnums = fx.map((_, k) => k);
  const grads = (xs: A[]): A[] => {
    const g = mx.grad(loss, { argnums })(...xs);
    return xs.length === 1 ? [g] : g;
  };
  const g64 = grads(fx);
  const g32 = grads(fx.map((x) => x.astype(mx.float32)));
  g32.forEach((g, k) => {
    expect(g.dtype, `${rowName(r)}: float32 grad ${k} dtype`).toBe(mx.float32);
    expectClose(g, g64[k], 1e-3, `${rowName(r)}: float32 grad ${k} vs float64`);
  });
}

function checkZeroGrad(r: Row, fx: A[], call: (...xs: A[]) => A, outs0: A[]) {
  if (fx.length === 0) return;
  const loss = (...xs: A[]) => {
    let s = xs[0].sum().mul(0);
    for (const o of list(call(...xs))) s = s.add(o.astype(mx.float64).sum());
    return s;
  };
  const argnums = fx.map((_, k) => k);
  const g = mx.grad(loss, { argnums })(...fx);
  const grads: A[] = fx.length === 1 ? [g] : g;
  grads.forEach((gk, k) => {
    expect(gk.shape).toEqual(fx[k].shape);
    expect(vals(gk).every((v) => v === 0), `${rowName(r)}: gradient ${k} is zero`).toBe(true);
  });
  const [, tans] = mx.jvp(call as A, fx, fx.map((x, k) => randomLike(x, 3000 + k)));
  tans.forEach((t: A, j: number) => {
    expect(t.shape).toEqual(outs0[j].shape);
    expect(vals(t).every((v) => v === 0), `${rowName(r)}: tangent ${j} is zero`).toBe(true);
  });
}

/** vmap(fn) with the given axes (null: not mapped) against a loop over the examples. */
function vmapCase(r: Row, exs: A[][], axes: (number | null)[], what: string) {
  const n = axes.length;
  const batched = axes.map((ax, k) => (ax === null ? exs[0]![k] : mx.stack(exs.map((e) => e[k]), ax)));
  const got = list(mx.vmap((...xs: A[]) => r.fn(...xs), { inAxes: axes })(...batched));
  const per = exs.map((e) => list(r.fn(...axes.map((ax, k) => (ax === null ? exs[0]![k] : e[k])))));
  expect(got.length).toBe(per[0]!.length);
  got.forEach((o, j) => {
    const want = mx.stack(per.map((p) => p[j]), 0);
    expect(o.dtype, `${rowName(r)}: vmap ${what} output ${j} dtype`).toBe(want.dtype);
    expectClose(o, want, r.f32 ? 1e-5 : 1e-12, `${rowName(r)}: vmap ${what} output ${j}`);
  });
  void n;
}

function checkVmap(r: Row) {
  const exs = Array.from({ length: B }, (_, b) => example(r, b));
  const n = exs[0]!.length;
  if (n === 0) return;
  vmapCase(r, exs, Array(n).fill(0), "at axis 0");
  const ax = r.vmapAxis ?? -1;
  vmapCase(r, exs, Array(n).fill(ax), `at axis ${ax}`);
  if (n > 1) {
    for (let k = 0; k < n; ++k) {
      const axes: (number | null)[] = Array(n).fill(null);
      axes[k] = k % 2 ? -1 : 0;
      vmapCase(r, exs, axes, `of input ${k} alone`);
    }
  }
  // vmap of grad (float inputs mapped, integer inputs fixed) against a loop of grads.
  const nf = r.inputs.length;
  if (r.zeroGrad || nf === 0) return;
  const ix = exs[0]!.slice(nf);
  const W = list(r.fn(...exs[0]!)).map((o, j) => randomLike(o, 4000 + j));
  const loss = (...xs: A[]) => {
    const outs = list(r.fn(...xs, ...ix));
    let s = outs[0].mul(W[0]).sum();
    for (let j = 1; j < outs.length; ++j) s = s.add(outs[j].mul(W[j]).sum());
    return s;
  };
  const argnums = Array.from({ length: nf }, (_, k) => k);
  const gradAll = (...xs: A[]) => {
    const g = mx.grad(loss, { argnums })(...xs);
    return nf === 1 ? [g] : g;
  };
  const batched = Array.from({ length: nf }, (_, k) => mx.stack(exs.map((e) => e[k]), 0));
  const got = list(mx.vmap(gradAll, { inAxes: Array(nf).fill(0) })(...batched));
  const per = exs.map((e) => gradAll(...e.slice(0, nf)));
  got.forEach((o, k) => {
    const want = mx.stack(per.map((p: A[]) => p[k]), 0);
    expectClose(o, want, r.f32 ? 1e-5 : 1e-11, `${rowName(r)}: vmap of grad ${k}`);
  });
}

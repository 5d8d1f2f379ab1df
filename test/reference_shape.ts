// Pure-JS references for the shape and indexing ops (row-major flat data +
// shape, as test/reference.ts), written independently of the core.
import { type Ref, size, strides } from "./reference.js";

function unravel(i: number, shape: number[]): number[] {
  const idx = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; --d) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}
function offset(idx: number[], shape: number[]): number {
  const st = strides(shape);
  return idx.reduce((s, v, d) => s + v * st[d]!, 0);
}
/** out[i] = a[src(i)] for every multi-index i of `shape`. */
function build(shape: number[], src: (idx: number[]) => number): Ref {
  const data: number[] = [];
  for (let i = 0; i < size(shape); ++i) data.push(src(unravel(i, shape)));
  return { shape, data };
}
const norm = (ax: number, nd: number) => (ax < 0 ? ax + nd : ax);

export function concatenate(xs: Ref[], axis: number): Ref {
  const ax = norm(axis, xs[0]!.shape.length);
  const shape = xs[0]!.shape.slice();
  shape[ax] = xs.reduce((s, x) => s + x.shape[ax]!, 0);
  return build(shape, (idx) => {
    let k = idx[ax]!;
    for (const x of xs) {
      if (k < x.shape[ax]!) {
        const j = idx.slice();
        j[ax] = k;
        return x.data[offset(j, x.shape)]!;
      }
      k -= x.shape[ax]!;
    }
    throw new Error("unreachable");
  });
}

/** Python slicing of one axis: the selected positions. */
export function sliceRange(dim: number, start: number | null, stop: number | null, step: number | null): number[] {
  const st = step ?? 1;
  const out: number[] = [];
  let s: number, e: number;
  if (st > 0) {
    s = start === null ? 0 : start < 0 ? Math.max(0, start + dim) : Math.min(start, dim);
    e = stop === null ? dim : stop < 0 ? Math.max(0, stop + dim) : Math.min(stop, dim);
    for (let i = s; i < e; i += st) out.push(i);
  } else {
    s = start === null ? dim - 1 : start < 0 ? Math.max(-1, start + dim) : Math.min(start, dim - 1);
    e = stop === null ? -1 : stop < 0 ? Math.max(-1, stop + dim) : Math.min(stop, dim - 1);
    for (let i = s; i > e; i += st) out.push(i);
  }
  return out;
}

/** Basic slicing: one [start, stop, step] (nulls for defaults) per leading axis. */
export function slice(a: Ref, slices: [number | null, number | null, number | null][]): Ref {
  const pos = a.shape.map((d, i) => (i < slices.length ? sliceRange(d, ...slices[i]!) : [...Array(d).keys()]));
  return build(pos.map((p) => p.length), (idx) => a.data[offset(idx.map((v, d) => pos[d]![v]!), a.shape)]!);
}

export function take(a: Ref, indices: Ref, axis: number): Ref {
  const ax = norm(axis, a.shape.length);
  const shape = [...a.shape.slice(0, ax), ...indices.shape, ...a.shape.slice(ax + 1)];
  const ni = indices.shape.length;
  return build(shape, (idx) => {
    let k = indices.data[offset(idx.slice(ax, ax + ni), indices.shape)]!;
    if (k < 0) k += a.shape[ax]!;
    return a.data[offset([...idx.slice(0, ax), k, ...idx.slice(ax + ni)], a.shape)]!;
  });
}

export function tile(a: Ref, reps: number[]): Ref {
  const nd = Math.max(a.shape.length, reps.length);
  const s = [...Array(nd - a.shape.length).fill(1), ...a.shape];
  const r = [...Array(nd - reps.length).fill(1), ...reps];
  return build(s.map((d, i) => d * r[i]!), (idx) => a.data[offset(idx.map((v, d) => v % s[d]!), s)]!);
}

export function repeat(a: Ref, n: number, axis: number): Ref {
  const ax = norm(axis, a.shape.length);
  const shape = a.shape.slice();
  shape[ax]! *= n;
  return build(shape, (idx) => {
    const j = idx.slice();
    j[ax] = Math.floor(j[ax]! / n);
    return a.data[offset(j, a.shape)]!;
  });
}

export function pad(a: Ref, width: [number, number][], mode: "constant" | "edge", value = 0): Ref {
  const shape = a.shape.map((d, i) => d + width[i]![0] + width[i]![1]);
  return build(shape, (idx) => {
    const j = idx.map((v, d) => v - width[d]![0]);
    if (mode === "edge") return a.data[offset(j.map((v, d) => Math.min(Math.max(v, 0), a.shape[d]! - 1)), a.shape)]!;
    if (j.some((v, d) => v < 0 || v >= a.shape[d]!)) return value;
    return a.data[offset(j, a.shape)]!;
  });
}

/** a with `op` applied at positions along axis 0 (`index[i]`, rows of update) in order. */
export function scatterRows(a: Ref, index: number[], update: Ref, op: (x: number, u: number) => number): Ref {
  const data = a.data.slice();
  const row = size(a.shape.slice(1));
  index.forEach((k, i) => {
    const r = k < 0 ? k + a.shape[0]! : k;
    for (let j = 0; j < row; ++j) data[r * row + j] = op(data[r * row + j]!, update.data[i * row + j]!);
  });
  return { shape: a.shape, data };
}

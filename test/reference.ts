// A small pure-JS array reference (row-major flat arrays + shapes) that the
// suites compare the core against. Written independently of the core.

export interface Ref {
  shape: number[];
  data: number[];
}

export const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

export function strides(shape: number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** Deterministic pseudo-random numbers in [-1, 1) (mulberry32). */
export function rand(n: number, seed = 1): number[] {
  let a = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < n; ++i) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out.push(((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1);
  }
  return out;
}

/** Rounds through float32, as values stored in a float32 array are. */
export const f32 = (xs: number[]) => Array.from(Float32Array.from(xs));

export function broadcastShape(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; ++i) {
    const da = a[i - (n - a.length)] ?? 1;
    const db = b[i - (n - b.length)] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error("not broadcastable");
    out.push(da === 1 ? db : da);
  }
  return out;
}

function at(x: Ref, idx: number[]): number {
  // idx is in the broadcast output's rank; align from the right, size-1 dims read index 0
  const off = idx.length - x.shape.length;
  const st = strides(x.shape);
  let p = 0;
  for (let d = 0; d < x.shape.length; ++d) p += (x.shape[d] === 1 ? 0 : idx[d + off]!) * st[d];
  return x.data[p]!;
}

function unravel(i: number, shape: number[]): number[] {
  const idx = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; --d) {
    idx[d] = i % shape[d]!;
    i = Math.floor(i / shape[d]!);
  }
  return idx;
}

export function binary(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const shape = broadcastShape(a.shape, b.shape);
  const data: number[] = [];
  for (let i = 0; i < size(shape); ++i) {
    const idx = unravel(i, shape);
    data.push(f(at(a, idx), at(b, idx)));
  }
  return { shape, data };
}

export function matmul(a: Ref, b: Ref): Ref {
  const [M, K] = a.shape as [number, number];
  const N = b.shape[1]!;
  const data = new Array(M * N).fill(0);
  for (let i = 0; i < M; ++i)
    for (let j = 0; j < N; ++j) {
      let s = 0;
      for (let k = 0; k < K; ++k) s += a.data[i * K + k]! * b.data[k * N + j]!;
      data[i * N + j] = s;
    }
  return { shape: [M, N], data };
}

export function sum(a: Ref, axes: number[], keepdims: boolean): Ref {
  const nd = a.shape.length;
  const ax = axes.map((x) => (x < 0 ? x + nd : x));
  const kept = a.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const out = new Array(size(kept)).fill(0);
  const ks = strides(kept);
  for (let i = 0; i < a.data.length; ++i) {
    const idx = unravel(i, a.shape);
    let p = 0;
    for (let d = 0; d < nd; ++d) p += (ax.includes(d) ? 0 : idx[d]!) * ks[d]!;
    out[p] += a.data[i]!;
  }
  return { shape: keepdims ? kept : a.shape.filter((_, i) => !ax.includes(i)), data: out };
}

export function transpose(a: Ref, perm: number[]): Ref {
  const shape = perm.map((p) => a.shape[p]!);
  const st = strides(a.shape);
  const data: number[] = [];
  for (let i = 0; i < size(shape); ++i) {
    const idx = unravel(i, shape);
    let p = 0;
    for (let d = 0; d < perm.length; ++d) p += idx[d]! * st[perm[d]!]!;
    data.push(a.data[p]!);
  }
  return { shape, data };
}

/** Max |x - y| / (1 + |y|) over the data. */
export function maxRelErr(got: ArrayLike<number>, want: number[]): number {
  if (got.length !== want.length) return Infinity;
  let e = 0;
  for (let i = 0; i < want.length; ++i) e = Math.max(e, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  return e;
}

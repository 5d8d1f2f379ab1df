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

// ---- exact rounding to a dtype (for results that a kernel stores in a narrower type) ----

/** A floating format: significant bits (with the implicit one), exponent range of normals. */
export interface FloatFormat {
  p: number;
  emin: number;
  emax: number;
}
export const FLOAT_FORMATS: Record<string, FloatFormat> = {
  float16: { p: 11, emin: -14, emax: 15 },
  bfloat16: { p: 8, emin: -126, emax: 127 },
  float32: { p: 24, emin: -126, emax: 127 },
  float64: { p: 53, emin: -1022, emax: 1023 },
};

const dv = new DataView(new ArrayBuffer(8));
/** |v| of a finite double as m * 2^e with integer m (exact). */
export function decompose(v: number): [bigint, number] {
  dv.setFloat64(0, Math.abs(v));
  const hi = dv.getUint32(0), lo = dv.getUint32(4);
  const bexp = hi >>> 20;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (bexp === 0) return [m, -1074];
  m |= 1n << 52n;
  return [m, bexp - 1075];
}

/** m * 2^e (m >= 0) rounded to nearest even in format f, as a number (Infinity on overflow). */
export function roundTo(m: bigint, e: number, f: FloatFormat): number {
  if (m === 0n) return 0;
  const bits = (x: bigint) => x.toString(2).length;
  const exp = bits(m) - 1 + e;
  const q = Math.max(exp, f.emin) - (f.p - 1);
  let r: bigint;
  if (q <= e) r = m << BigInt(e - q);
  else {
    const s = BigInt(q - e);
    r = m >> s;
    const rest = m - (r << s), half = 1n << (s - 1n);
    if (rest > half || (rest === half && (r & 1n) === 1n)) r += 1n;
  }
  if (bits(r) - 1 + q > f.emax) return Infinity;
  return Number(r) * 2 ** q;
}

const INT_DTYPES: Record<string, [number, boolean]> = {
  int8: [8, true], int16: [16, true], int32: [32, true], int64: [64, true],
  uint8: [8, false], uint16: [16, false], uint32: [32, false], uint64: [64, false],
};

/**
 * A JS number stored as `dtype` (webmx's astype rules): floats round to
 * nearest even, integers truncate and wrap (NaN/inf -> 0), bool is nonzero.
 * 64-bit integers come back as numbers (exact below 2^53).
 */
export function toDtype(v: number, dtype: string): number {
  if (dtype === "bool") return v !== 0 ? 1 : 0;
  const ib = INT_DTYPES[dtype];
  if (ib) {
    if (!Number.isFinite(v)) return 0;
    const t = BigInt(Math.trunc(v));
    return Number(ib[1] ? BigInt.asIntN(ib[0], t) : BigInt.asUintN(ib[0], t));
  }
  if (Number.isNaN(v) || !Number.isFinite(v)) return v;
  const [m, e] = decompose(v);
  const r = roundTo(m, e, FLOAT_FORMATS[dtype]!);
  return v < 0 || Object.is(v, -0) ? -r : r;
}

// mx.random (wasm/api_random.cpp): MLX's splittable threefry2x32 generator.
// A key is a uint32 mx.Array of shape [2]; samplers take `{key}` last and
// otherwise draw a key from the global state: `state` holds the global key
// in a JS array, as MLX's mx.random.state, so that compile can capture it as
// `inputs` and `outputs` (a compiled function then draws new numbers on each
// call). `seed` resets it. The same key gives the same numbers on every build.

import { core, whenReady } from "./runtime.js";
import { MxArray, dimsOf, type ArrayOrScalar } from "./array.js";
import { Dtype, toDtype, float32, float64, int32, uint32 } from "./dtype.js";
import { describe } from "./describe.js";
import { intArg, isInt32, newShapeArg, numArg as checkNum, optionsArg, requireArray, shapeArg } from "./args.js";
import { withOperands, wrap } from "./operands.js";
import { keepArrays } from "./scope.js";
import { evaluate } from "./eval.js";
import { expandDims, indexArray, squeeze, take } from "./shape_ops.js";
import { argsort } from "./reduce_ops.js";
import { abs, add, astype, log1p, multiply, sign } from "./elementwise.js";
import { matmul } from "./linalg.js";
import { full } from "./creation.js";
import { symmetricSqrt } from "./symmetric_sqrt.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;

function seedParts(n: unknown, op: string): [number, number] {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER)
    throw new Error(`[${op}] The seed must be a non-negative integer, got ${describe(n)}.`);
  return [Math.floor(n / 2 ** 32) | 0, n >>> 0];
}

/**
 * The global generator state, as MLX's `mx.random.state`: a JS array whose
 * element 0 is the current key. Pass it to compile as `{inputs: mx.random.state,
 * outputs: mx.random.state}` so that a compiled function with random ops
 * draws new numbers on each call. The key in it is replaced (and freed) by
 * each draw: copy it with mx.array(k) to keep one.
 */
export const state: MxArray[] = [];
/** The key this module last put into state[0]: it frees that one when it replaces it. */
let ownKey: MxArray | null = null;

const isTracer = (a: MxArray) => m()._wmx_is_tracer(a.handle) === 1;

function setGlobalKey(k: MxArray): void {
  keepArrays([k]);
  state[0] = k;
  // The key put in before is done with (a compiled call may have replaced it already).
  if (ownKey !== null && ownKey !== k && !ownKey.disposed && !state.includes(ownKey)) ownKey.dispose();
  ownKey = k;
}

// MLX seeds the first key from the clock.
whenReady(() => {
  if (state.length === 0) setGlobalKey(wrap(m()._wmx_random_key(0, Date.now() >>> 0)));
});

/**
 * The next key of the global sequence: state[0] is split in two, the first
 * half becomes the new state and the second is returned (as MLX's
 * KeySequence). Outside a trace the new state is evaluated at once, so it
 * never holds a graph; inside compile (state captured) it is the trace's.
 */
function nextKey(op: string): MxArray {
  const g = state[0];
  if (!(g instanceof MxArray) || g.disposed)
    throw new Error(`[${op}] mx.random.state[0] must hold the global key (a uint32 mx.Array of shape [2]), got ${g instanceof MxArray ? "a disposed array" : describe(g)}.`);
  const traced = isTracer(g);
  const both = wrap(m()._wmx_random_split(g.handle, 2));
  let next: MxArray, sub: MxArray;
  try {
    next = indexArray(both, 0);
    sub = indexArray(both, 1);
  } finally {
    both.dispose();
  }
  if (traced) {
    keepArrays([next]);
    state[0] = next; // compile reads it from its outputs and puts back the input when the trace ends
  } else {
    evaluate(next, sub);
    setGlobalKey(next);
  }
  return sub;
}

/** Calls f with the handle of the key: the one given, else the next of the global sequence (freed after). */
function withKey<R>(key: unknown, op: string, f: (k: number) => R): R {
  if (key !== undefined && key !== null) {
    if (!(key instanceof MxArray)) throw new Error(`[${op}] The key must be an mx.Array, got ${describe(key)}.`);
    // (as the core checks it, but under this op's name: permutation and laplace reach the core through other ops)
    if (key.dtype !== uint32) throw new Error(`[${op}] Expected key type uint32 but received ${key.dtype.name}.`);
    const dims = dimsOf(key);
    if (dims.length !== 1 || dims[0] !== 2) throw new Error(`[${op}] Expected key shape (2) but received (${dims.join(",")}).`);
    return f(key.handle);
  }
  const sub = nextKey(op);
  try {
    return f(sub.handle);
  } finally {
    sub.dispose();
  }
}

/** Disposes the arrays it made (all but the result) when f returns or throws. */
function withTemps<R extends MxArray>(f: (t: <A extends MxArray>(a: A) => A) => R): R {
  const temps: MxArray[] = [];
  const t = <A extends MxArray>(a: A) => (temps.push(a), a);
  try {
    const out = f(t);
    const i = temps.indexOf(out);
    if (i >= 0) temps.splice(i, 1);
    return out;
  } finally {
    for (const a of temps) a.dispose();
  }
}

// Samplers' parameters may be NaN (the samples then are NaN, as in MLX).
const numArg = (v: unknown, name: string, op: string) => checkNum(v, name, op, true);

/** Calls f with the handles of operands, JS scalars converted (see ops.withOperands). */
const withScalars = <R>(vals: ArrayOrScalar[], op: string, f: (hs: number[]) => R): R =>
  withOperands(vals.map((v) => [v, null]), op, f);

export interface KeyOption extends StreamOptions {
  /** A uint32 key of shape [2]; without it the global key is split. */
  key?: MxArray;
}
export interface DtypeKeyOptions extends KeyOption {
  dtype?: Dtype | string;
}

/** Resets the global key to key(n). */
export function seed(n: number): void {
  const [hi, lo] = seedParts(n, "seed");
  setGlobalKey(wrap(m()._wmx_random_key(hi, lo)));
}

/** A key (uint32, shape [2]) from a seed: [seed >> 32, seed & 0xffffffff]. */
export function key(n: number): MxArray {
  const [hi, lo] = seedParts(n, "key");
  return wrap(m()._wmx_random_key(hi, lo));
}

/** `num` new keys from `key`, shape [num, 2]. */
export const split = streamed("split", function split(k: MxArray, num = 2): MxArray {
  if (!(k instanceof MxArray)) throw new Error(`[split] The key must be an mx.Array, got ${describe(k)}.`);
  if (!isInt32(num)) throw new Error(`[split] num must be an integer, got ${describe(num)}.`);
  return wrap(m()._wmx_random_split(k.handle, num));
});

/** Raw random bits: uint8/uint16/uint32 for width 1/2/4. */
export const bits = streamed("bits", function bits(shape: number | number[] = [], width = 4, options?: KeyOption): MxArray {
  const s = shapeArg(shape, "bits");
  const key = optionsArg<KeyOption>(options, "bits", ["key"]).key;
  if (!isInt32(width)) throw new Error(`[bits] width must be an integer, got ${describe(width)}.`);
  return withKey(key, "bits", (k) => bitsWith(s, width, k));
}, true);

function bitsWith(shape: number[], width: number, k: number): MxArray {
  return core().withInts(shape, (p, n) => wrap(m()._wmx_random_bits(p, n, width, k)));
}

/** Uniform samples in [low, high). */
export const uniform = streamed("uniform", function uniform(low: ArrayOrScalar = 0, high: ArrayOrScalar = 1, shape: number | number[] = [],
                        options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "uniform", ["dtype", "key"]);
  const s = shapeArg(shape, "uniform");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "uniform");
  return withKey(o.key, "uniform", (k) => withScalars([low, high], "uniform", ([l, h]) =>
    core().withInts(s, (p, n) => wrap(m()._wmx_random_uniform(l!, h!, p, n, dt.code, k)))));
}, true);

export interface NormalOptions extends DtypeKeyOptions {
  loc?: number;
  scale?: number;
}
/** Normal samples with mean `loc` and standard deviation `scale`. */
export const normal = streamed("normal", function normal(shape: number | number[] = [], options?: NormalOptions): MxArray {
  const o = optionsArg<NormalOptions>(options, "normal", ["dtype", "loc", "scale", "key"]);
  const s = shapeArg(shape, "normal");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "normal");
  const loc = o.loc === undefined ? 0 : numArg(o.loc, "loc", "normal");
  const scale = o.scale === undefined ? 1 : numArg(o.scale, "scale", "normal");
  return withKey(o.key, "normal", (k) =>
    core().withInts(s, (p, n) => wrap(m()._wmx_random_normal(p, n, dt.code, loc, scale, k))));
}, true);

/** Integers in [low, high) (int32 unless a dtype is given). */
export const randint = streamed("randint", function randint(low: ArrayOrScalar, high: ArrayOrScalar, shape: number | number[] = [],
                        options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "randint", ["dtype", "key"]);
  const s = shapeArg(shape, "randint");
  const dt = o.dtype === undefined ? int32 : toDtype(o.dtype, "randint");
  return withKey(o.key, "randint", (k) => withScalars([low, high], "randint", ([l, h]) =>
    core().withInts(s, (p, n) => wrap(m()._wmx_random_randint(l!, h!, p, n, dt.code, k)))));
}, true);

/** Booleans that are true with probability p (shape: p's when absent). */
export const bernoulli = streamed("bernoulli", function bernoulli(p: ArrayOrScalar = 0.5, shape?: number | number[] | null, options?: KeyOption): MxArray {
  const o = optionsArg<KeyOption>(options, "bernoulli", ["key"]);
  const s = shape === undefined || shape === null ? null : shapeArg(shape, "bernoulli");
  return withKey(o.key, "bernoulli", (k) => withScalars([p], "bernoulli", ([ph]) =>
    s === null
      ? wrap(m()._wmx_random_bernoulli(ph!, 0, -1, k))
      : core().withInts(s, (ptr, n) => wrap(m()._wmx_random_bernoulli(ph!, ptr, n, k)))));
}, true);

/** Normal samples truncated to [lower, upper] (shape: the bounds' broadcast shape when absent). */
export const truncatedNormal = streamed("truncatedNormal", function truncatedNormal(lower: ArrayOrScalar, upper: ArrayOrScalar, shape?: number | number[] | null,
                                options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "truncated_normal", ["dtype", "key"]);
  const s = shape === undefined || shape === null ? null : shapeArg(shape, "truncated_normal");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "truncated_normal");
  return withKey(o.key, "truncated_normal", (k) => withScalars([lower, upper], "truncated_normal", ([l, h]) =>
    s === null
      ? wrap(m()._wmx_random_truncated_normal(l!, h!, 0, -1, dt.code, k))
      : core().withInts(s, (p, n) => wrap(m()._wmx_random_truncated_normal(l!, h!, p, n, dt.code, k)))));
}, true);

/** Standard Gumbel samples. */
export const gumbel = streamed("gumbel", function gumbel(shape: number | number[] = [], options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "gumbel", ["dtype", "key"]);
  const s = shapeArg(shape, "gumbel");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "gumbel");
  return withKey(o.key, "gumbel", (k) => core().withInts(s, (p, n) => wrap(m()._wmx_random_gumbel(p, n, dt.code, k))));
}, true);

export interface CategoricalOptions extends KeyOption {
  axis?: number;
  shape?: number | number[];
  numSamples?: number;
}
/** Indices (uint32) sampled from softmax(logits) along `axis`. */
export const categorical = streamed("categorical", function categorical(logits: MxArray, options?: CategoricalOptions): MxArray {
  if (!(logits instanceof MxArray))
    throw new Error(`[categorical] Expected an mx.Array of logits, got ${describe(logits)}.`);
  const o = optionsArg<CategoricalOptions>(options, "categorical", ["axis", "shape", "numSamples", "key"]);
  const axis = o.axis === undefined ? -1 : o.axis;
  if (!isInt32(axis)) throw new Error(`[categorical] The axis must be an integer, got ${describe(axis)}.`);
  const num = o.numSamples === undefined || o.numSamples === null ? -1 : o.numSamples;
  if (!isInt32(num) || (o.numSamples !== undefined && num < 0))
    throw new Error(`[categorical] numSamples must be a non-negative integer, got ${describe(o.numSamples)}.`);
  const s = o.shape === undefined || o.shape === null ? null : shapeArg(o.shape, "categorical");
  return withKey(o.key, "categorical", (k) =>
    s === null
      ? wrap(m()._wmx_random_categorical(logits.handle, axis, 0, -1, num, k))
      : core().withInts(s, (p, n) => wrap(m()._wmx_random_categorical(logits.handle, axis, p, n, num, k))));
}, true);

export interface PermutationOptions extends KeyOption {
  /** The axis to permute along (default 0). */
  axis?: number;
}
/**
 * A random permutation of arange(n) (uint32), or `x` with its entries along
 * `axis` shuffled. As MLX: the argsort of random bits, then a take.
 */
export const permutation = streamed("permutation", function permutation(x: MxArray | number, options?: PermutationOptions): MxArray {
  const o = optionsArg<PermutationOptions>(options, "permutation", ["axis", "key"]);
  const axis = o.axis === undefined ? 0 : intArg(o.axis, "The axis", "permutation");
  if (typeof x === "number") {
    const n = intArg(x, "n", "permutation");
    if (n < 0) throw new Error(`[permutation] n must be non-negative, got ${n}.`);
    return withKey(o.key, "permutation", (k) => withTemps((t) => argsort(t(bitsWith([n], 4, k)), 0)));
  }
  const a = requireArray(x, "permutation", "an mx.Array or an integer");
  const dims = dimsOf(a);
  const ax = axis < 0 ? axis + dims.length : axis;
  if (ax < 0 || ax >= dims.length)
    throw new Error(`[permutation] axis ${axis} is out of bounds for an array with ${dims.length} dimensions.`);
  return withKey(o.key, "permutation", (k) =>
    withTemps((t) => take(a, t(argsort(t(bitsWith([dims[ax]!], 4, k)), 0)), ax)));
}, true);

export interface LaplaceOptions extends DtypeKeyOptions {
  loc?: number;
  scale?: number;
}
/** Laplace samples with mean `loc` and scale `scale` (the "b" of the density exp(-|x - loc| / b) / 2b). */
export const laplace = streamed("laplace", function laplace(shape: number | number[] = [], options?: LaplaceOptions): MxArray {
  const o = optionsArg<LaplaceOptions>(options, "laplace", ["dtype", "loc", "scale", "key"]);
  const s = newShapeArg(shape, "laplace");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "laplace");
  if (dt.kind !== "float") throw new Error("[laplace] Only real floating point types are supported.");
  const loc = o.loc === undefined ? 0 : numArg(o.loc, "loc", "laplace");
  const scale = o.scale === undefined ? 1 : numArg(o.scale, "scale", "laplace");
  return withKey(o.key, "laplace", (k) =>
    withTemps((t) => {
      // MLX's inverse CDF: u uniform in (-1, 1), sign(u) * log1p(-|u|).
      const u = t(core().withInts(s, (p, n) =>
        withScalars([Math.fround(-1 + 2 ** -24), 1], "laplace", ([l, h]) =>
          wrap(m()._wmx_random_uniform(l!, h!, p, n, float32.code, k)))));
      const minusOne = t(full([], -1, dt));
      let out = t(astype(t(multiply(t(sign(u)), t(log1p(t(multiply(minusOne, t(abs(u)))))))), dt));
      if (scale !== 1) out = t(multiply(out, scale));
      if (loc !== 0) out = t(add(out, loc));
      return out;
    }));
}, true);

/** The broadcast of two shapes, or an error naming `op`. */
function broadcastShapes(a: readonly number[], b: readonly number[], op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; ++i) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new Error(`[${op}] Shapes (${a.join(",")}) and (${b.join(",")}) cannot be broadcast.`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/**
 * Jointly normal samples of shape (broadcast batch, n) with mean `mean`
 * (..., n) and covariance `cov` (..., n, n), positive semi-definite (else the
 * result is undefined, as in MLX). float32 only, as in MLX. The covariance's
 * square root is computed on the host, so `cov` must be a concrete array, not
 * one traced by grad, vmap or compile (mean and key may be).
 */
export const multivariateNormal = streamed("multivariateNormal", function multivariateNormal(mean: MxArray, cov: MxArray, shape: number | number[] = [],
                                   options?: DtypeKeyOptions): MxArray {
  const op = "multivariate_normal";
  const o = optionsArg<DtypeKeyOptions>(options, op, ["dtype", "key"]);
  const mu = requireArray(mean, op, "an mx.Array as mean");
  const sigma = requireArray(cov, op, "an mx.Array as cov");
  const s = newShapeArg(shape, op);
  if (o.dtype !== undefined && toDtype(o.dtype, op) !== float32) throw new Error(`[${op}] dtype must be float32.`);
  const md = dimsOf(mu), cd = dimsOf(sigma);
  if (md.length < 1) throw new Error(`[${op}] mean must have at least one dimension.`);
  if (cd.length < 2) throw new Error(`[${op}] cov must have at least two dimensions.`);
  const n = md[md.length - 1]!;
  if (cd[cd.length - 1] !== cd[cd.length - 2]) throw new Error(`[${op}] last two dimensions of cov must be equal.`);
  if (cd[cd.length - 1] !== n) throw new Error(`[${op}] mean and cov must have compatible shapes.`);
  const outShape = [...broadcastShapes(broadcastShapes(cd.slice(0, -2), md.slice(0, -1), op), s, op), n];
  if (isTracer(sigma))
    throw new Error(`[${op}] cov must be a concrete array: its square root is computed on the host (webmx has no linalg.svd yet), so cov can't be traced by grad, vmap or compile.`);
  return withTemps((t) => {
    const c64 = t(astype(sigma, float64)).dataSync() as Float64Array;
    const roots = new Float32Array(c64.length);
    for (let off = 0; off < c64.length; off += n * n) roots.set(symmetricSqrt(c64.subarray(off, off + n * n), n), off);
    const std = t(core().withInts(cd, (p, k) => wrap(m()._wmx_empty(float32.code, p, k))));
    const ptr = m()._wmx_data(std.handle);
    if (ptr === 0) core().fail();
    new Float32Array(core().heap().buffer, ptr, roots.length).set(roots);
    const z = t(normal(outShape, { key: o.key }));
    return t(add(mu, t(squeeze(t(matmul(t(expandDims(z, -2)), std)), -2))));
  });
}, true);

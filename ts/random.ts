// mx.random (wasm/api_random.cpp): MLX's splittable threefry2x32 generator.
// A key is a uint32 mx.Array of shape [2]; samplers take `{key}` last and
// otherwise split the global key that `seed` resets. The same key gives the
// same numbers on every build.

import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar } from "./array.js";
import { Dtype, toDtype, float32, int32 } from "./dtype.js";
import { describe } from "./describe.js";
import { isInt32, numArg as checkNum, optionsArg, shapeArg } from "./args.js";
import { operand, withOperands, wrap } from "./operands.js";

const m = () => core().m;

function seedParts(n: unknown, op: string): [number, number] {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > Number.MAX_SAFE_INTEGER)
    throw new Error(`[${op}] The seed must be a non-negative integer, got ${describe(n)}.`);
  return [Math.floor(n / 2 ** 32) | 0, n >>> 0];
}

function keyArg(key: unknown, op: string): number {
  if (key === undefined || key === null) return -1;
  if (!(key instanceof MxArray)) throw new Error(`[${op}] The key must be an mx.Array, got ${describe(key)}.`);
  return key.handle;
}


// Samplers' parameters may be NaN (the samples then are NaN, as in MLX).
const numArg = (v: unknown, name: string, op: string) => checkNum(v, name, op, true);

/** Calls f with the handles of operands, JS scalars converted (see ops.withOperands). */
const withScalars = <R>(vals: ArrayOrScalar[], op: string, f: (hs: number[]) => R): R =>
  withOperands(vals.map((v) => [v, null]), op, f);

export interface KeyOption {
  /** A uint32 key of shape [2]; without it the global key is split. */
  key?: MxArray;
}
export interface DtypeKeyOptions extends KeyOption {
  dtype?: Dtype | string;
}

/** Resets the global key to key(n). */
export function seed(n: number): void {
  const [hi, lo] = seedParts(n, "seed");
  core().check(m()._wmx_random_seed(hi, lo));
}

/** A key (uint32, shape [2]) from a seed: [seed >> 32, seed & 0xffffffff]. */
export function key(n: number): MxArray {
  const [hi, lo] = seedParts(n, "key");
  return wrap(m()._wmx_random_key(hi, lo));
}

/** `num` new keys from `key`, shape [num, 2]. */
export function split(k: MxArray, num = 2): MxArray {
  if (!(k instanceof MxArray)) throw new Error(`[split] The key must be an mx.Array, got ${describe(k)}.`);
  if (!isInt32(num)) throw new Error(`[split] num must be an integer, got ${describe(num)}.`);
  return wrap(m()._wmx_random_split(k.handle, num));
}

/** Raw random bits: uint8/uint16/uint32 for width 1/2/4. */
export function bits(shape: number | number[] = [], width = 4, options?: KeyOption): MxArray {
  const s = shapeArg(shape, "bits");
  const k = keyArg(optionsArg<KeyOption>(options, "bits", ["key"]).key, "bits");
  if (!isInt32(width)) throw new Error(`[bits] width must be an integer, got ${describe(width)}.`);
  const c = core();
  return c.withInts(s, (p, n) => wrap(m()._wmx_random_bits(p, n, width, k)));
}

/** Uniform samples in [low, high). */
export function uniform(low: ArrayOrScalar = 0, high: ArrayOrScalar = 1, shape: number | number[] = [],
                        options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "uniform", ["dtype", "key"]);
  const s = shapeArg(shape, "uniform");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "uniform");
  const k = keyArg(o.key, "uniform");
  return withScalars([low, high], "uniform", ([l, h]) =>
    core().withInts(s, (p, n) => wrap(m()._wmx_random_uniform(l!, h!, p, n, dt.code, k))));
}

export interface NormalOptions extends DtypeKeyOptions {
  loc?: number;
  scale?: number;
}
/** Normal samples with mean `loc` and standard deviation `scale`. */
export function normal(shape: number | number[] = [], options?: NormalOptions): MxArray {
  const o = optionsArg<NormalOptions>(options, "normal", ["dtype", "loc", "scale", "key"]);
  const s = shapeArg(shape, "normal");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "normal");
  const loc = o.loc === undefined ? 0 : numArg(o.loc, "loc", "normal");
  const scale = o.scale === undefined ? 1 : numArg(o.scale, "scale", "normal");
  const k = keyArg(o.key, "normal");
  return core().withInts(s, (p, n) => wrap(m()._wmx_random_normal(p, n, dt.code, loc, scale, k)));
}

/** Integers in [low, high) (int32 unless a dtype is given). */
export function randint(low: ArrayOrScalar, high: ArrayOrScalar, shape: number | number[] = [],
                        options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "randint", ["dtype", "key"]);
  const s = shapeArg(shape, "randint");
  const dt = o.dtype === undefined ? int32 : toDtype(o.dtype, "randint");
  const k = keyArg(o.key, "randint");
  return withScalars([low, high], "randint", ([l, h]) =>
    core().withInts(s, (p, n) => wrap(m()._wmx_random_randint(l!, h!, p, n, dt.code, k))));
}

/** Booleans that are true with probability p (shape: p's when absent). */
export function bernoulli(p: ArrayOrScalar = 0.5, shape?: number | number[] | null, options?: KeyOption): MxArray {
  const o = optionsArg<KeyOption>(options, "bernoulli", ["key"]);
  const s = shape === undefined || shape === null ? null : shapeArg(shape, "bernoulli");
  const k = keyArg(o.key, "bernoulli");
  return withScalars([p], "bernoulli", ([ph]) =>
    s === null
      ? wrap(m()._wmx_random_bernoulli(ph!, 0, -1, k))
      : core().withInts(s, (ptr, n) => wrap(m()._wmx_random_bernoulli(ph!, ptr, n, k))));
}

/** Normal samples truncated to [lower, upper] (shape: the bounds' broadcast shape when absent). */
export function truncatedNormal(lower: ArrayOrScalar, upper: ArrayOrScalar, shape?: number | number[] | null,
                                options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "truncated_normal", ["dtype", "key"]);
  const s = shape === undefined || shape === null ? null : shapeArg(shape, "truncated_normal");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "truncated_normal");
  const k = keyArg(o.key, "truncated_normal");
  return withScalars([lower, upper], "truncated_normal", ([l, h]) =>
    s === null
      ? wrap(m()._wmx_random_truncated_normal(l!, h!, 0, -1, dt.code, k))
      : core().withInts(s, (p, n) => wrap(m()._wmx_random_truncated_normal(l!, h!, p, n, dt.code, k))));
}

/** Standard Gumbel samples. */
export function gumbel(shape: number | number[] = [], options?: DtypeKeyOptions): MxArray {
  const o = optionsArg<DtypeKeyOptions>(options, "gumbel", ["dtype", "key"]);
  const s = shapeArg(shape, "gumbel");
  const dt = o.dtype === undefined ? float32 : toDtype(o.dtype, "gumbel");
  const k = keyArg(o.key, "gumbel");
  return core().withInts(s, (p, n) => wrap(m()._wmx_random_gumbel(p, n, dt.code, k)));
}

export interface CategoricalOptions extends KeyOption {
  axis?: number;
  shape?: number | number[];
  numSamples?: number;
}
/** Indices (uint32) sampled from softmax(logits) along `axis`. */
export function categorical(logits: MxArray, options?: CategoricalOptions): MxArray {
  if (!(logits instanceof MxArray))
    throw new Error(`[categorical] Expected an mx.Array of logits, got ${describe(logits)}.`);
  const o = optionsArg<CategoricalOptions>(options, "categorical", ["axis", "shape", "numSamples", "key"]);
  const axis = o.axis === undefined ? -1 : o.axis;
  if (!isInt32(axis)) throw new Error(`[categorical] The axis must be an integer, got ${describe(axis)}.`);
  const num = o.numSamples === undefined || o.numSamples === null ? -1 : o.numSamples;
  if (!isInt32(num) || (o.numSamples !== undefined && num < 0))
    throw new Error(`[categorical] numSamples must be a non-negative integer, got ${describe(o.numSamples)}.`);
  const k = keyArg(o.key, "categorical");
  if (o.shape === undefined || o.shape === null)
    return wrap(m()._wmx_random_categorical(logits.handle, axis, 0, -1, num, k));
  const s = shapeArg(o.shape, "categorical");
  return core().withInts(s, (p, n) => wrap(m()._wmx_random_categorical(logits.handle, axis, p, n, num, k)));
}

// nn.init: MLX's parameter initializers. Each takes its settings and
// returns a function of an array that gives a new array of that shape.

import { MxArray } from "../array.js";
import { Dtype, float32 } from "../dtype.js";
import { full, eye } from "../creation.js";
import { where } from "../elementwise.js";
import { argsort } from "../reduce_ops.js";
import { tidy } from "../transforms.js";
import * as random from "../random.js";
import { describe } from "../describe.js";
import { nnOptions } from "./options.js";

export type Initializer = (a: MxArray) => MxArray;

function arrayIn(a: unknown, tag: string): MxArray {
  if (!(a instanceof MxArray)) throw new Error(`[${tag}] Expected an array, got ${describe(a)}.`);
  return a;
}

/** Arrays full of `value`. */
export function constant(value: number, options?: { dtype?: Dtype }): Initializer {
  const o = nnOptions(options, "nn.init.constant", ["dtype"]);
  return (a) => full(arrayIn(a, "nn.init.constant").shape, value, o.dtype ?? float32);
}

/** Normal samples with the given mean and standard deviation. */
export function normal(options?: { mean?: number; std?: number; dtype?: Dtype }): Initializer {
  const o = nnOptions(options, "nn.init.normal", ["mean", "std", "dtype"]);
  return (a) => random.normal(arrayIn(a, "nn.init.normal").shape, { loc: o.mean ?? 0, scale: o.std ?? 1, dtype: o.dtype ?? float32 });
}

/** Uniform samples in [low, high). */
export function uniform(options?: { low?: number; high?: number; dtype?: Dtype }): Initializer {
  const o = nnOptions(options, "nn.init.uniform", ["low", "high", "dtype"]);
  return (a) => random.uniform(o.low ?? 0, o.high ?? 1, arrayIn(a, "nn.init.uniform").shape, { dtype: o.dtype ?? float32 });
}

/** The identity matrix of a square array's size. */
export function identity(options?: { dtype?: Dtype }): Initializer {
  const o = nnOptions(options, "nn.init.identity", ["dtype"]);
  return (a) => {
    const x = arrayIn(a, "nn.init.identity");
    if (x.ndim !== 2 || x.shape[0] !== x.shape[1])
      throw new Error(`[nn.init.identity] The input array must be a square matrix but got shape (${x.shape.join(",")}).`);
    return eye(x.shape[0]!, undefined, 0, o.dtype ?? float32);
  };
}

/** (fan_in, fan_out) of a weight laid out (out, ..., in), as MLX counts them. */
function fans(x: MxArray, tag: string): [number, number] {
  if (x.ndim < 2)
    throw new Error(`[${tag}] Glorot / He initialization requires at least 2 dimensional input but input with ${x.ndim} dimensions.`);
  const receptive = x.shape.slice(1, -1).reduce((p, d) => p * d, 1);
  return [x.shape[x.ndim - 1]! * receptive, x.shape[0]! * receptive];
}

export type GainInitializer = (a: MxArray, options?: { gain?: number }) => MxArray;
export type HeInitializer = (a: MxArray, options?: { mode?: "fan_in" | "fan_out"; gain?: number }) => MxArray;

/** Normal with std gain * sqrt(2 / (fan_in + fan_out)). */
export function glorotNormal(options?: { dtype?: Dtype }): GainInitializer {
  const tag = "nn.init.glorotNormal";
  const o = nnOptions(options, tag, ["dtype"]);
  return (a, g) => {
    const [fi, fo] = fans(arrayIn(a, tag), tag);
    const std = (nnOptions(g, tag, ["gain"]).gain ?? 1) * Math.sqrt(2 / (fi + fo));
    return random.normal(a.shape, { scale: std, dtype: o.dtype ?? float32 });
  };
}

/** Uniform in ±gain * sqrt(6 / (fan_in + fan_out)). */
export function glorotUniform(options?: { dtype?: Dtype }): GainInitializer {
  const tag = "nn.init.glorotUniform";
  const o = nnOptions(options, tag, ["dtype"]);
  return (a, g) => {
    const [fi, fo] = fans(arrayIn(a, tag), tag);
    const limit = (nnOptions(g, tag, ["gain"]).gain ?? 1) * Math.sqrt(6 / (fi + fo));
    return random.uniform(-limit, limit, a.shape, { dtype: o.dtype ?? float32 });
  };
}

function heFan(a: MxArray, mode: unknown, tag: string): number {
  const [fi, fo] = fans(a, tag);
  if (mode === undefined || mode === "fan_in") return fi;
  if (mode === "fan_out") return fo;
  throw new Error(`[${tag}] Invalid mode: ${typeof mode === "string" ? mode : describe(mode)}. Valid modes are: fan_in, fan_out`);
}

/** Normal with std gain / sqrt(fan), fan per `mode` (default "fan_in"). */
export function heNormal(options?: { dtype?: Dtype }): HeInitializer {
  const tag = "nn.init.heNormal";
  const o = nnOptions(options, tag, ["dtype"]);
  return (a, g) => {
    const og = nnOptions(g, tag, ["mode", "gain"]);
    const std = (og.gain ?? 1) / Math.sqrt(heFan(arrayIn(a, tag), og.mode, tag));
    return random.normal(a.shape, { scale: std, dtype: o.dtype ?? float32 });
  };
}

/** Uniform in ±gain * sqrt(3 / fan), fan per `mode` (default "fan_in"). */
export function heUniform(options?: { dtype?: Dtype }): HeInitializer {
  const tag = "nn.init.heUniform";
  const o = nnOptions(options, tag, ["dtype"]);
  return (a, g) => {
    const og = nnOptions(g, tag, ["mode", "gain"]);
    const limit = (og.gain ?? 1) * Math.sqrt(3 / heFan(arrayIn(a, tag), og.mode, tag));
    return random.uniform(-limit, limit, a.shape, { dtype: o.dtype ?? float32 });
  };
}

/**
 * Normal samples with ceil(sparsity × columns) entries of each row set to
 * zero, at random columns (2-D arrays only).
 */
export function sparse(sparsity: number, options?: { mean?: number; std?: number; dtype?: Dtype }): Initializer {
  const tag = "nn.init.sparse";
  const o = nnOptions(options, tag, ["mean", "std", "dtype"]);
  if (typeof sparsity !== "number" || !(sparsity >= 0 && sparsity <= 1))
    throw new Error(`[${tag}] sparsity must be a number in [0, 1], got ${describe(sparsity)}.`);
  return (a) => {
    const x = arrayIn(a, tag);
    if (x.ndim !== 2) throw new Error(`[${tag}] Only tensors with 2 dimensions are supported, got shape (${x.shape.join(",")}).`);
    const zerosPerRow = Math.ceil(sparsity * x.shape[1]!);
    return tidy(() => {
      // Each entry's rank within its row under random keys: the lowest ranks become zeros.
      const rank = argsort(argsort(random.uniform(0, 1, x.shape), 1), 1);
      const values = random.normal(x.shape, { loc: o.mean ?? 0, scale: o.std ?? 1, dtype: o.dtype ?? float32 });
      return where(rank.less(zerosPerRow), 0, values).astype(o.dtype ?? float32);
    });
  };
}

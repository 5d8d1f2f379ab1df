// Argument checks shared by every op module: each turns a JS value into what
// the core takes, or throws "[op] ..." naming the argument and what it got.
// (The core checks semantics and shapes; these check JS types and ranges.)

import { MxArray, type Axis } from "./array.js";
import { describe } from "./describe.js";
import { maxNdim } from "./limits.js";

const INT_MAX = 2147483647;

/** An integer that fits the core's int32 arguments (dims, axes, counts). */
export const isInt32 = (v: unknown): v is number =>
  typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= INT_MAX;

/** An mx.Array operand of `op` (the message says "Expected `what`"). */
export function requireArray(a: unknown, op: string, what = "an mx.Array"): MxArray {
  if (!(a instanceof MxArray)) throw new Error(`[${op}] Expected ${what}, got ${describe(a)}.`);
  return a;
}

/** An mx.Array argument called `name`. */
export function arrayArg(a: unknown, name: string, op: string): MxArray {
  if (!(a instanceof MxArray)) throw new Error(`[${op}] ${name} must be an mx.Array, got ${describe(a)}.`);
  return a;
}

/** A list of mx.Arrays. */
export function arrayList(arrays: unknown, op: string): MxArray[] {
  if (!globalThis.Array.isArray(arrays)) throw new Error(`[${op}] Expected a list of mx.Arrays, got ${describe(arrays)}.`);
  return arrays.map((a, i) => requireArray(a, op, `an mx.Array at position ${i}`));
}

/** A number argument called `name`; NaN only where `allowNaN` says so. */
export function numArg(v: unknown, name: string, op: string, allowNaN = false): number {
  if (typeof v !== "number" || (!allowNaN && Number.isNaN(v)))
    throw new Error(`[${op}] ${name} must be a number, got ${describe(v)}.`);
  return v;
}

/** An int32 argument called `name`. */
export function intArg(v: unknown, name: string, op: string): number {
  if (typeof v !== "number" || !Number.isInteger(v))
    throw new Error(`[${op}] ${name} must be an integer, got ${describe(v)}.`);
  if (Math.abs(v) > INT_MAX) throw new Error(`[${op}] ${name} ${v} is out of range.`);
  return v;
}

/** An integer or a list of int32s called `name`. */
export function intList(v: unknown, name: string, op: string): number[] {
  const l = typeof v === "number" ? [v] : v;
  if (!globalThis.Array.isArray(l)) throw new Error(`[${op}] ${name} must be an integer or a list of integers, got ${describe(v)}.`);
  return l.map((x) => intArg(x, name, op));
}

/** A boolean argument called `name` (undefined: false). */
export function boolArg(v: unknown, name: string, op: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new Error(`[${op}] ${name} must be a boolean, got ${describe(v)}.`);
  return v;
}

/**
 * MLX's keyword arguments: null/undefined for none, else a plain object whose
 * keys are all among `keys` (a misspelt option is an error, not silently ignored).
 */
export function optionsArg<T extends object>(v: unknown, op: string, keys: readonly (keyof T & string)[]): Partial<T> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || globalThis.Array.isArray(v) || v instanceof MxArray)
    throw new Error(`[${op}] Expected an options object, got ${describe(v)}.`);
  for (const k of Object.keys(v))
    if (!(keys as readonly string[]).includes(k))
      throw new Error(`[${op}] Unknown option '${k}'; expected ${keys.length ? keys.join(", ") : "none"}.`);
  return v as Partial<T>;
}

/** Axes to reduce or move: null when absent (every axis). */
export function axesArg(axis: Axis | undefined | null, op: string): number[] | null {
  if (axis === undefined || axis === null) return null;
  const ax = typeof axis === "number" ? [axis] : axis;
  if (!globalThis.Array.isArray(ax) || !ax.every(isInt32))
    throw new Error(`[${op}] The axis must be an integer or a list of integers, got ${describe(axis)}.`);
  return ax;
}

/** One optional axis as the core's (axis, hasAxis) pair: null/undefined mean "over the flattened array". */
export function axisArg(axis: unknown, op: string): [number, number] {
  if (axis === undefined || axis === null) return [0, 0];
  if (!isInt32(axis)) throw new Error(`[${op}] The axis must be an integer or null, got ${describe(axis)}.`);
  return [axis, 1];
}

/** A shape as written (an integer or a list; -1 allowed where the op infers a size). */
export function shapeArg(shape: unknown, op: string): number[] {
  const s = typeof shape === "number" ? [shape] : shape;
  if (!globalThis.Array.isArray(s) || !s.every(isInt32))
    throw new Error(`[${op}] The shape must be an integer or a list of integers, got ${describe(shape)}.`);
  return s;
}

/** The shape of a new array: no dimension may be negative. */
export function newShapeArg(shape: unknown, op: string): number[] {
  const s = shapeArg(shape, op);
  // (the core checks this too, under the name of the op it runs: "full" for zeros)
  if (s.length > maxNdim()) throw new Error(`[${op}] The shape has ${s.length} dimensions; at most ${maxNdim()} are supported.`);
  if (s.some((d) => d < 0)) throw new Error(`[${op}] Negative dimension in shape (${s.join(",")}).`);
  if (!s.includes(0) && s.reduce((a, b) => a * b, 1) >= 2 ** 53)
    throw new Error(`[${op}] The shape (${s.join(",")}) has more than 2^53 elements.`);
  return s;
}

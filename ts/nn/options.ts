// Argument checks shared by the nn layers, losses and initializers: errors
// are tagged with the layer or function ("[nn.Linear] ...").

import { MxArray } from "../array.js";
import { describe } from "../describe.js";
import { isPlainObject } from "../tree_walk.js";

/** The trailing options object (MLX's arguments with defaults); unknown names are an error. */
export function nnOptions<T extends object>(o: T | undefined, tag: string, allowed: (keyof T & string)[]): Partial<T> {
  if (o === undefined) return {};
  if (!isPlainObject(o)) throw new Error(`[${tag}] Expected an options object, got ${describe(o)}.`);
  for (const k of Object.keys(o))
    if (!(allowed as string[]).includes(k)) throw new Error(`[${tag}] Unknown option '${k}'; expected one of ${allowed.join(", ")}.`);
  return o as Partial<T>;
}

export function positiveInt(v: unknown, name: string, tag: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0)
    throw new Error(`[${tag}] ${name} must be a positive integer, got ${describe(v)}.`);
  return v;
}

export function nonNegativeInt(v: unknown, name: string, tag: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0)
    throw new Error(`[${tag}] ${name} must be a non-negative integer, got ${describe(v)}.`);
  return v;
}

export function numberArg(v: unknown, name: string, tag: string): number {
  if (typeof v !== "number" || Number.isNaN(v)) throw new Error(`[${tag}] ${name} must be a number, got ${describe(v)}.`);
  return v;
}

export function boolOpt(v: unknown, name: string, tag: string, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== "boolean") throw new Error(`[${tag}] ${name} must be a boolean, got ${describe(v)}.`);
  return v;
}

export function arrayInput(x: unknown, name: string, tag: string): MxArray {
  if (!(x instanceof MxArray)) throw new Error(`[${tag}] ${name} must be an mx.Array, got ${describe(x)}.`);
  return x;
}

export const shapeStr = (s: number[]) => `(${s.join(",")})`;
export const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** Settings a layer keeps but that are not parameters: non-enumerable, so no tree walk sees them. */
export function setting(obj: object, name: string, value: unknown): void {
  Object.defineProperty(obj, name, { value, writable: true, enumerable: false, configurable: true });
}

/** An int, or a list of `n` ints, as a list of `n` ints. */
export function tupleArg(v: unknown, n: number, name: string, tag: string, check: (x: unknown, name: string, tag: string) => number): number[] {
  if (typeof v === "number") return Array(n).fill(check(v, name, tag));
  if (Array.isArray(v) && v.length === n) return v.map((x) => check(x, name, tag));
  throw new Error(`[${tag}] '${name}' must be an integer or a list of ${n} integer${n === 1 ? "" : "s"}, got ${describe(v)}.`);
}

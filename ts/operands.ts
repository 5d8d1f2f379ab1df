// Arrays across the boundary: a core handle wrapped as an mx.Array (its error
// thrown if the call failed), JS scalars turned into operands with MLX's weak
// typing, and the arrays a multi-result export leaves behind.

import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar, fromHandle } from "./array.js";
import { type Dtype, bool, int32, int64, float32 } from "./dtype.js";
import { describe } from "./describe.js";
import { array } from "./creation.js";

/** @internal wraps a handle returned by the core (throwing its error if it failed) */
export function wrap(h: number): MxArray {
  return fromHandle(core().check(h));
}

/** @internal the arrays a multi-result export left behind (`n` of them, or its error) */
export function takeResults(n: number): MxArray[] {
  const c = core();
  return c.takeResults(c.check(n)).map((h) => fromHandle(h));
}

/**
 * Turns a JS scalar into an array that promotes weakly against `like`: a JS
 * number keeps a floating `like`'s dtype, keeps an integer `like`'s dtype
 * when it is an integer, and is float32 otherwise (int32 beside bool).
 * @internal shared by every op module
 */
export function operand(x: ArrayOrScalar, like: MxArray | null, op: string): MxArray {
  if (x instanceof MxArray) return x;
  if (typeof x === "number" || typeof x === "boolean")
    return wrap(core().m._wmx_scalar(typeof x === "number" ? x : x ? 1 : 0, scalarDtype(x, like).code));
  if (typeof x === "bigint") return array(x, like && like.dtype.kind !== "float" && like.dtype.kind !== "bool" ? like.dtype : int64);
  throw new Error(`[${op}] Expected an mx.Array or a JS number, boolean or bigint, got ${describe(x)}.`);
}

/** The dtype a JS number or boolean operand takes next to `like` (weak typing, as MLX). */
function scalarDtype(x: number | boolean, like: MxArray | null): Dtype {
  if (typeof x === "boolean") return like ? like.dtype : bool;
  if (!like) return float32;
  const k = like.dtype.kind;
  if (k === "float" || k === "complex") return like.dtype;
  return Number.isInteger(x) ? (k === "bool" ? int32 : like.dtype) : float32;
}

/**
 * @internal Calls f with the core handles of operands (each `[value, like]`,
 * see operand). A JS number or boolean becomes a scalar handle that is
 * released right after the call, without an mx.Array wrapper (op dispatch
 * with a scalar operand is the most common eager call); other conversions
 * are disposed afterwards, also when a later operand fails to convert.
 */
export function withOperands<R>(specs: [unknown, MxArray | null][], op: string, f: (hs: number[]) => R): R {
  const c = core();
  const raw: number[] = [];
  const made: MxArray[] = [];
  try {
    const hs = specs.map(([v, like]) => {
      if (v instanceof MxArray) return v.handle;
      if (typeof v === "number" || typeof v === "boolean") {
        const h = c.check(c.m._wmx_scalar(typeof v === "number" ? v : v ? 1 : 0, scalarDtype(v, like).code));
        raw.push(h);
        return h;
      }
      const a = operand(v as ArrayOrScalar, like, op);
      made.push(a);
      return a.handle;
    });
    return f(hs);
  } finally {
    for (const h of raw) c.m._wmx_release(h);
    for (const a of made) a.dispose();
  }
}

/**
 * @internal A JS scalar as an array of `like`'s dtype (float32 for a number,
 * bool for a boolean without one): for values the op casts to its operand's
 * dtype anyway (updates, pad values), where weak typing has nothing to decide.
 */
export function castOperand(x: ArrayOrScalar, op: string, like: MxArray | null): MxArray {
  if (x instanceof MxArray) return x;
  const m = core().m;
  if (typeof x === "number") return wrap(m._wmx_scalar(x, (like ? like.dtype : float32).code));
  if (typeof x === "boolean") return wrap(m._wmx_scalar(x ? 1 : 0, (like ? like.dtype : bool).code));
  if (typeof x === "bigint") return array(x, like && (like.dtype.kind === "int" || like.dtype.kind === "uint") ? like.dtype : int64);
  throw new Error(`[${op}] Expected an mx.Array or a JS number, boolean or bigint, got ${describe(x)}.`);
}

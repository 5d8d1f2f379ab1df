// Helpers shared by the ops of ts/ops_extra/, the MLX ops that webmx builds
// in TypeScript out of the core's ops (as MLX builds them out of its own in
// mlx/ops.cpp): axis checks with MLX's messages, typed scalars, and copies.

import { MxArray } from "../array.js";
import { type Dtype, float32 } from "../dtype.js";
import { describe } from "../describe.js";
import { isInt32 } from "../args.js";
import { full } from "../creation.js";
import { astype } from "../elementwise.js";

/** MLX's normalize_axis_index: `axis` in [-ndim, ndim), returned non-negative. */
export function normalizeAxis(axis: unknown, ndim: number, op: string): number {
  if (!isInt32(axis)) throw new Error(`[${op}] The axis must be an integer, got ${describe(axis)}.`);
  if (axis < -ndim || axis >= ndim)
    throw new Error(`[${op}] Axis ${axis} is out of bounds for array with ${ndim} dimensions.`);
  return axis < 0 ? axis + ndim : axis;
}

/** A 0-d array holding `v` in `dtype` (MLX's `array(v, dtype)`). */
export const scalarOf = (v: number, dtype: Dtype): MxArray => full([], v, dtype);

/** MLX's at_least_float: floating dtypes stay, the others compute in float32. */
export const atLeastFloat = (d: Dtype): Dtype => (d.kind === "float" ? d : float32);

/**
 * A new array on a's data. Where MLX returns its input (`array(a)`, a new
 * handle sharing the buffer), webmx returns a fresh handle too, so that
 * disposing the result never disposes the argument.
 */
export const freshCopy = (a: MxArray): MxArray => astype(a, a.dtype);

/** A shape for messages, as MLX prints it: (2,3). */
export const shapeText = (s: readonly number[]): string => `(${s.join(",")})`;

/** numpy's broadcast of shapes, or "[op] Shapes (a) and (b) cannot be broadcast." */
export function broadcastShapeOf(shapes: readonly (readonly number[])[], op: string): number[] {
  let out = [...(shapes[0] ?? [])];
  for (const s of shapes.slice(1)) {
    const nd = Math.max(out.length, s.length);
    const r: number[] = [];
    for (let i = 0; i < nd; ++i) {
      const p = out[out.length - nd + i] ?? 1, q = s[s.length - nd + i] ?? 1;
      if (p !== q && p !== 1 && q !== 1) throw new Error(`[${op}] Shapes ${shapeText(out)} and ${shapeText(s)} cannot be broadcast.`);
      r.push(p === 1 ? q : p);
    }
    out = r;
  }
  return out;
}

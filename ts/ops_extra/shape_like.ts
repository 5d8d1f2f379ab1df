// Shape ops MLX composes from slices, splits and reshapes (mlx/ops.cpp),
// built here the same way: flip, roll, atleast1d/2d/3d, permuteDims, concat,
// unstack, meshgrid, broadcastShapes and diff.

import { MxArray, type Axis } from "../array.js";
import { describe } from "../describe.js";
import { arrayList, axesArg, intArg, intList, isInt32, optionsArg, requireArray } from "../args.js";
import { subtract } from "../elementwise.js";
import {
  Slice, broadcastArrays, concatenate, flatten, reshape, split, squeeze, transpose, type IndexEntry,
} from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { broadcastShapeOf, freshCopy, normalizeAxis } from "./common.js";
import { type StreamOptions, streamed } from "../stream.js";

/** `a` indexed with `entries[axis]` on the listed axes and a full slice elsewhere. */
function sliceAxes(a: MxArray, entries: Map<number, Slice>): MxArray {
  const idx: IndexEntry[] = [];
  for (let i = 0; i < a.ndim; ++i) idx.push(entries.get(i) ?? new Slice());
  return a.index(...idx);
}

/** Reverses the order of elements along `axis` (every axis when absent). */
export const flip = streamed("flip", function flip(a: MxArray, axis?: Axis | null): MxArray {
  const x = requireArray(a, "flip");
  const given = axesArg(axis, "flip");
  const axes = given ?? Array.from({ length: x.ndim }, (_, i) => i);
  const entries = new Map<number, Slice>();
  for (const ax of axes) entries.set(normalizeAxis(ax, x.ndim, "flip"), new Slice(null, null, -1));
  return sliceAxes(x, entries);
});

/**
 * Rolls elements along `axis` by `shift` (positive: toward the end), those
 * pushed past the end coming back at the start. Without an axis the array is
 * rolled flattened and reshaped back. A list of shifts pairs with a list of
 * axes; with one axis (or none) the shifts add up; one shift applies to every axis.
 */
export const roll = streamed("roll", function roll(a: MxArray, shift: number | number[], axis?: Axis | null): MxArray {
  const op = "roll";
  const x = requireArray(a, op);
  const shifts = intList(shift, "The shift", op);
  const total = () => {
    const t = shifts.reduce((s, v) => s + v, 0);
    if (!isInt32(t)) throw new Error(`[${op}] The total shift ${t} is out of range.`);
    return t;
  };
  if (axis === undefined || axis === null) {
    const t = total();
    return tidy(() => reshape(rollAxes(flatten(x), [t], [0]), x.shape));
  }
  const axes = axesArg(axis, op)!;
  if (typeof axis === "number") return rollAxes(x, [total()], axes);
  const perAxis = typeof shift === "number" ? axes.map(() => shift) : shifts;
  return rollAxes(x, perAxis, axes);
});

function rollAxes(a: MxArray, shifts: number[], axes: number[]): MxArray {
  const op = "roll";
  if (shifts.length < axes.length)
    throw new Error(`[${op}] At least one shift value per axis is required, ${shifts.length} provided for ${axes.length} axes.`);
  const nd = a.ndim;
  const norm = axes.map((ax) => {
    const n = ax < 0 ? ax + nd : ax;
    if (n < 0 || n >= nd) throw new Error(`[${op}] Invalid axis ${ax} for array with ${nd} dimensions.`);
    return n;
  });
  return tidy(() => {
    let r = a;
    norm.forEach((ax, i) => {
      const size = r.shape[ax]!;
      if (size === 0) return;
      const sh = shifts[i]!;
      const at = sh < 0 ? -sh % size : size - (sh % size);
      const [head, tail] = split(r, [at], ax);
      r = concatenate([tail!, head!], ax);
    });
    return r === a ? freshCopy(a) : r;
  });
}

/** Applies `one` to each array: one array in, one out; several in, a list out (as MLX's atleast_*). */
function eachArray(op: string, arrays: MxArray[], one: (a: MxArray) => MxArray): MxArray | MxArray[] {
  const xs = arrayList(arrays, op);
  if (xs.length === 0) throw new Error(`[${op}] Expected at least one mx.Array.`);
  const out = xs.map(one);
  return out.length === 1 ? out[0]! : out;
}

type AtLeast = {
  (a: MxArray, options?: StreamOptions): MxArray;
  (...arrays: MxArray[] | [...MxArray[], StreamOptions]): MxArray | MxArray[];
};

/** Arrays with at least one dimension (a 0-d array becomes shape (1)). */
export const atleast1d: AtLeast = streamed("atleast1d", (...arrays: MxArray[]) =>
  eachArray("atleast_1d", arrays, (a) => (a.ndim === 0 ? reshape(a, [1]) : freshCopy(a)))) as AtLeast;

/** Arrays with at least two dimensions: () -> (1, 1), (n) -> (1, n). */
export const atleast2d: AtLeast = streamed("atleast2d", (...arrays: MxArray[]) =>
  eachArray("atleast_2d", arrays, (a) =>
    a.ndim === 0 ? reshape(a, [1, 1]) : a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : freshCopy(a))) as AtLeast;

/** Arrays with at least three dimensions: () -> (1, 1, 1), (n) -> (1, n, 1), (m, n) -> (m, n, 1). */
export const atleast3d: AtLeast = streamed("atleast3d", (...arrays: MxArray[]) =>
  eachArray("atleast_3d", arrays, (a) => {
    const s = a.shape;
    if (a.ndim === 0) return reshape(a, [1, 1, 1]);
    if (a.ndim === 1) return reshape(a, [1, s[0]!, 1]);
    if (a.ndim === 2) return reshape(a, [s[0]!, s[1]!, 1]);
    return freshCopy(a);
  })) as AtLeast;

/** The array API's name for transpose (its errors are transpose's, as in MLX). */
export const permuteDims = streamed("permuteDims", function permuteDims(a: MxArray, axes?: number[] | null): MxArray {
  return transpose(a, axes ?? undefined);
});

/** The array API's name for concatenate (its errors are concatenate's, as in MLX). */
export const concat = streamed("concat", function concat(arrays: MxArray[], axis: number | null = 0): MxArray {
  return concatenate(arrays, axis);
});

export interface UnstackOptions extends StreamOptions {
  /** The axis to split along and remove (default 0). */
  axis?: number;
}

/** The inverse of stack: one array per index along `axis`, without that axis. */
export const unstack = streamed("unstack", function unstack(x: MxArray, options?: UnstackOptions | number): MxArray[] {
  const op = "unstack";
  const a = requireArray(x, op);
  const o = typeof options === "number" ? { axis: options } : optionsArg<UnstackOptions>(options, op, ["axis"]);
  const ax = normalizeAxis(o.axis ?? 0, a.ndim, op);
  const n = a.shape[ax]!;
  if (n === 0) return [];
  return tidy(() => split(a, n, ax).map((p) => squeeze(p, ax)));
}, true);

export interface MeshgridOptions extends StreamOptions {
  /** Return the broadcastable (unexpanded) grids (default false). */
  sparse?: boolean;
  /** "xy" (Cartesian, the default) or "ij" (matrix) indexing. */
  indexing?: "xy" | "ij";
}

/**
 * Coordinate grids from 1-D coordinate arrays: `meshgrid(x, y, {sparse,
 * indexing})`. Each input is flattened; "xy" swaps the first two output axes.
 */
export const meshgrid = streamed("meshgrid", function meshgrid(...args: (MxArray | MeshgridOptions)[]): MxArray[] {
  const op = "meshgrid";
  const last = args[args.length - 1];
  const hasOptions = last !== undefined && !(last instanceof MxArray) && typeof last === "object" && !Array.isArray(last);
  const o = hasOptions ? optionsArg<MeshgridOptions>(last, op, ["sparse", "indexing"]) : {};
  const xs = arrayList(hasOptions ? args.slice(0, -1) : args, op);
  const indexing = o.indexing ?? "xy";
  if (indexing !== "xy" && indexing !== "ij")
    throw new Error(`[${op}] Invalid indexing value. Valid values are 'xy' and 'ij'.`);
  if (o.sparse !== undefined && typeof o.sparse !== "boolean")
    throw new Error(`[${op}] sparse must be a boolean, got ${describe(o.sparse)}.`);
  const nd = xs.length;
  return tidy(() => {
    const out = xs.map((x, i) => {
      const shape = new Array<number>(nd).fill(1);
      shape[i] = -1;
      if (indexing === "xy" && nd > 1 && i < 2) {
        // Cartesian indexing: x varies along axis 1, y along axis 0
        shape[i] = 1;
        shape[1 - i] = -1;
      }
      return reshape(x, shape);
    });
    return o.sparse || nd === 0 ? out : broadcastArrays(...out);
  });
}, true);

function shapeList(s: unknown, op: string): number[] {
  if (!Array.isArray(s) || !s.every((d) => isInt32(d) && d >= 0))
    throw new Error(`[${op}] Expects a sequence of shapes (lists of non-negative integers), got ${describe(s)}.`);
  return s;
}

/** The shape that arrays of the given shapes broadcast to (numpy's rules). */
export function broadcastShapes(...shapes: number[][]): number[] {
  const op = "broadcast_shapes";
  if (shapes.length === 0) throw new Error(`[${op}] Must provide at least one shape.`);
  return broadcastShapeOf(shapes.map((s) => shapeList(s, op)), op);
}

/** The n-th discrete difference along `axis`: out[i] = a[i + 1] - a[i], n times. */
export const diff = streamed("diff", function diff(a: MxArray, n = 1, axis = -1): MxArray {
  const op = "diff";
  const x = requireArray(a, op);
  const order = intArg(n, "n", op);
  const ax0 = intArg(axis, "The axis", op);
  const ax = ax0 < 0 ? ax0 + x.ndim : ax0;
  if (ax < 0 || ax >= x.ndim) throw new Error(`[${op}] Axis is out of bounds for the array.`);
  if (order < 0) throw new Error(`[${op}] Order \`n\` must be non-negative.`);
  if (order === 0) return freshCopy(x);
  return tidy(() => {
    let r = x;
    for (let i = 0; i < order; ++i) {
      const len = r.shape[ax]!;
      const upper = sliceAxes(r, new Map([[ax, new Slice(1, null)]]));
      const lower = sliceAxes(r, new Map([[ax, new Slice(0, Math.max(len - 1, 0))]]));
      r = subtract(upper, lower);
    }
    return r;
  });
});

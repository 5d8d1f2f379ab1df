// Shape and indexing operations on `mx` (wasm/api_shape.cpp): reshape,
// transpose, broadcastTo, squeeze, expandDims, moveaxis, concatenate,
// stack, split, tile, repeat, pad, flatten, unflatten, swapaxes,
// broadcastArrays, asStrided, take, takeAlongAxis, putAlongAxis,
// sliceDynamic, sliceUpdate, and what `x.index(...)` / `x.at(...)` use:
// `slice(start?, stop?, step?)`, `indexArray` and `atUpdater`.

import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar, type Axis, noteShapeRead } from "./array.js";
import { int32 } from "./dtype.js";
import { describe } from "./describe.js";
import { arrayList, axesArg, axisArg, intArg, intList, isInt32, optionsArg, requireArray, shapeArg } from "./args.js";
import { castOperand, operand, takeResults, wrap } from "./operands.js";
import { array, flattenNested } from "./creation.js";
import { OpCodes } from "./generated/boundary.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;
const IndexEntryKind = OpCodes.indexEntry;
const INT_MAX = 2147483647;

/** Calls f with every list copied into wasm memory at once (one scratch area). */
function withLists<R>(lists: number[][], f: (ptrs: number[]) => R): R {
  const flat = lists.flat();
  return core().withInts(flat, (p) => {
    const ptrs: number[] = [];
    let off = 0;
    for (const l of lists) {
      ptrs.push(p + 4 * off);
      off += l.length;
    }
    return f(ptrs);
  });
}

/** An integer index: an mx.Array, a JS integer, or a (nested) list of JS integers (int32). */
type IndexLike = MxArray | number | number[] | number[][];
function toIndex(x: unknown, op: string): MxArray {
  if (x instanceof MxArray) return x;
  if (typeof x === "number") {
    intArg(x, "An index", op);
    return wrap(m()._wmx_scalar(x, int32.code));
  }
  if (globalThis.Array.isArray(x)) {
    // (not x.flat(Infinity), which recurses: flattenNested caps the depth at the dimension limit)
    const { flat } = flattenNested(x, op);
    if (!flat.every((v) => typeof v === "number" && Number.isInteger(v)))
      throw new Error(`[${op}] Index lists must hold integers only.`);
    return array(x as number[], int32);
  }
  throw new Error(`[${op}] Indices must be an integer mx.Array, an integer or a list of integers, got ${describe(x)}.`);
}

// ---- the basic shape ops ----

export const reshape = streamed("reshape", function reshape(a: MxArray, shape: number | number[]): MxArray {
  const c = core();
  const h = requireArray(a, "reshape").handle;
  return c.withInts(shapeArg(shape, "reshape"), (p, n) => wrap(c.m._wmx_reshape(h, p, n)));
});

export const transpose = streamed("transpose", function transpose(a: MxArray, axes?: number[]): MxArray {
  const c = core();
  const h = requireArray(a, "transpose").handle;
  if (axes === undefined || axes === null) return wrap(c.m._wmx_transpose(h, 0, -1));
  return c.withInts(axesArg(axes, "transpose")!, (p, n) => wrap(c.m._wmx_transpose(h, p, n)));
});

export const broadcastTo = streamed("broadcastTo", function broadcastTo(a: ArrayOrScalar, shape: number | number[]): MxArray {
  const c = core();
  const x = operand(a, null, "broadcast_to");
  try {
    return c.withInts(shapeArg(shape, "broadcast_to"), (p, n) => wrap(c.m._wmx_broadcast_to(x.handle, p, n)));
  } finally {
    if (x !== a) x.dispose();
  }
});

export const squeeze = streamed("squeeze", function squeeze(a: MxArray, axis?: Axis): MxArray {
  const c = core();
  const h = requireArray(a, "squeeze").handle;
  const ax = axesArg(axis, "squeeze");
  if (!ax) {
    noteShapeRead(a); // which axes go depends on the shape: a shapeless trace holds for this one only
    return wrap(c.m._wmx_squeeze(h, 0, -1));
  }
  return c.withInts(ax, (p, n) => wrap(c.m._wmx_squeeze(h, p, n)));
});

export const expandDims = streamed("expandDims", function expandDims(a: MxArray, axis: Axis): MxArray {
  const c = core();
  const h = requireArray(a, "expand_dims").handle;
  const ax = axesArg(axis, "expand_dims");
  if (!ax) throw new Error(`[expand_dims] The axis must be an integer or a list of integers, got ${describe(axis)}.`);
  return c.withInts(ax, (p, n) => wrap(c.m._wmx_expand_dims(h, p, n)));
});

export const moveaxis = streamed("moveaxis", function moveaxis(a: MxArray, source: number, destination: number): MxArray {
  if (!isInt32(source) || !isInt32(destination))
    throw new Error(`[moveaxis] source and destination must be integers, got ${describe(source)} and ${describe(destination)}.`);
  return wrap(core().m._wmx_moveaxis(requireArray(a, "moveaxis").handle, source, destination));
});

/** MLX's concatenate: along `axis` (null: of the flattened arrays). */
export const concatenate = streamed("concatenate", function concatenate(arrays: MxArray[], axis: number | null = 0): MxArray {
  const xs = arrayList(arrays, "concatenate");
  if (axis === null) {
    const flat = xs.map((x) => flatten(x));
    try {
      return concatenate(flat, 0);
    } finally {
      for (const f of flat) f.dispose();
    }
  }
  const ax = intArg(axis, "The axis", "concatenate");
  return core().withInts(xs.map((x) => x.handle), (p, n) => wrap(m()._wmx_concatenate(p, n, ax)));
});

export const stack = streamed("stack", function stack(arrays: MxArray[], axis = 0): MxArray {
  const xs = arrayList(arrays, "stack");
  const ax = intArg(axis, "The axis", "stack");
  return core().withInts(xs.map((x) => x.handle), (p, n) => wrap(m()._wmx_stack(p, n, ax)));
});

/** split(a, sections) into equal parts, or split(a, [i, j, ...]) at indices. */
export const split = streamed("split", function split(a: MxArray, indicesOrSections: number | number[], axis = 0): MxArray[] {
  const h = requireArray(a, "split").handle;
  const ax = intArg(axis, "The axis", "split");
  if (typeof indicesOrSections === "number") {
    const s = intArg(indicesOrSections, "The number of sections", "split");
    return takeResults(m()._wmx_split_sections(h, s, ax));
  }
  const idx = intList(indicesOrSections, "The split indices", "split");
  return takeResults(core().withInts(idx, (p, n) => m()._wmx_split_indices(h, p, n, ax)));
});

export const tile = streamed("tile", function tile(a: MxArray, reps: number | number[]): MxArray {
  const h = requireArray(a, "tile").handle;
  const r = intList(reps, "The repetitions", "tile");
  return core().withInts(r, (p, n) => wrap(m()._wmx_tile(h, p, n)));
});

export const repeat = streamed("repeat", function repeat(a: MxArray, repeats: number, axis?: number | null): MxArray {
  const h = requireArray(a, "repeat").handle;
  const [ax, has] = axisArg(axis, "repeat");
  return wrap(m()._wmx_repeat(h, intArg(repeats, "The number of repeats", "repeat"), ax, has));
});

export interface PadOptions extends StreamOptions {
  mode?: "constant" | "edge";
  constantValues?: ArrayOrScalar;
}
type PadWidth = number | [number] | [number, number] | ([number] | [number, number] | number)[];

/** MLX's pad: padWidth an int, (before, after), or one pair per axis. */
export const pad = streamed("pad", function pad(a: MxArray, padWidth: PadWidth, opts: PadOptions = {}): MxArray {
  const x = requireArray(a, "pad");
  const { mode = "constant", constantValues = 0 } = optionsArg<PadOptions>(opts, "pad", ["mode", "constantValues"]);
  if (mode !== "constant" && mode !== "edge")
    throw new Error(`[pad] Invalid padding mode ${typeof mode === "string" ? `'${mode}'` : describe(mode)}: expected 'constant' or 'edge'.`);
  const bad = () => new Error(`[pad] The pad width must be an integer, a pair of integers or a list of pairs, got ${describe(padWidth)}.`);
  let pairs: number[][];
  const pair = (p: unknown): number[] => {
    if (typeof p === "number") return [p, p];
    if (globalThis.Array.isArray(p) && p.length === 1) return [p[0], p[0]];
    if (globalThis.Array.isArray(p) && p.length === 2) return [p[0], p[1]];
    throw bad();
  };
  if (typeof padWidth === "number") pairs = [[padWidth, padWidth]];
  else if (!globalThis.Array.isArray(padWidth)) throw bad();
  else if (padWidth.every((p) => typeof p === "number") && padWidth.length <= 2) pairs = [pair(padWidth)];
  else pairs = padWidth.map(pair);
  const flat = pairs.flat().map((v) => intArg(v, "The pad width", "pad"));
  const v = castOperand(constantValues, "pad", x);
  try {
    return core().withInts(flat, (p) => wrap(m()._wmx_pad(x.handle, p, pairs.length, v.handle, mode === "edge" ? 1 : 0)));
  } finally {
    if (v !== constantValues) v.dispose();
  }
}, true);

// ---- reshaping views ----

export const flatten = streamed("flatten", function flatten(a: MxArray, startAxis = 0, endAxis = -1): MxArray {
  const h = requireArray(a, "flatten").handle;
  return wrap(m()._wmx_flatten(h, intArg(startAxis, "startAxis", "flatten"), intArg(endAxis, "endAxis", "flatten")));
});

export const unflatten = streamed("unflatten", function unflatten(a: MxArray, axis: number, shape: number[]): MxArray {
  const h = requireArray(a, "unflatten").handle;
  const ax = intArg(axis, "The axis", "unflatten");
  const s = intList(shape, "The shape", "unflatten");
  return core().withInts(s, (p, n) => wrap(m()._wmx_unflatten(h, ax, p, n)));
});

export const swapaxes = streamed("swapaxes", function swapaxes(a: MxArray, axis1: number, axis2: number): MxArray {
  const h = requireArray(a, "swapaxes").handle;
  return wrap(m()._wmx_swapaxes(h, intArg(axis1, "axis1", "swapaxes"), intArg(axis2, "axis2", "swapaxes")));
});

export const broadcastArrays = streamed("broadcastArrays", function broadcastArrays(...arrays: MxArray[]): MxArray[] {
  const xs = arrayList(arrays, "broadcast_arrays");
  return takeResults(core().withInts(xs.map((x) => x.handle), (p, n) => m()._wmx_broadcast_arrays(p, n)));
});

/** A view of a's row-major data (defaults: a's shape, row-major strides). */
export const asStrided = streamed("asStrided", function asStrided(a: MxArray, shape?: number[] | null, strides?: number[] | null, offset = 0): MxArray {
  const x = requireArray(a, "as_strided");
  const s = shape === undefined || shape === null ? x.shape : intList(shape, "The shape", "as_strided");
  let st: number[];
  if (strides === undefined || strides === null) {
    st = new globalThis.Array(s.length).fill(1);
    for (let i = s.length - 2; i >= 0; --i) st[i] = st[i + 1]! * s[i + 1]!;
  } else {
    st = intList(strides, "The strides", "as_strided");
  }
  const off = intArg(offset, "The offset", "as_strided");
  return withLists([s, st], ([ps, pst]) => wrap(m()._wmx_as_strided(x.handle, ps!, s.length, pst!, st.length, off)));
});

// ---- gathers and scatters ----

/** take(a, indices) of the flattened array, or take(a, indices, axis). Negative indices count from the end. */
export const take = streamed("take", function take(a: MxArray, indices: IndexLike, axis?: number | null): MxArray {
  const x = requireArray(a, "take");
  const [ax, has] = axisArg(axis, "take");
  const idx = toIndex(indices, "take");
  try {
    return wrap(m()._wmx_take(x.handle, idx.handle, ax, has));
  } finally {
    if (idx !== indices) idx.dispose();
  }
});

export const takeAlongAxis = streamed("takeAlongAxis", function takeAlongAxis(a: MxArray, indices: IndexLike, axis?: number | null): MxArray {
  const x = requireArray(a, "take_along_axis");
  const [ax, has] = axisArg(axis, "take_along_axis");
  const idx = toIndex(indices, "take_along_axis");
  try {
    return wrap(m()._wmx_take_along_axis(x.handle, idx.handle, ax, has));
  } finally {
    if (idx !== indices) idx.dispose();
  }
});

export const putAlongAxis = streamed("putAlongAxis", function putAlongAxis(a: MxArray, indices: IndexLike, values: ArrayOrScalar, axis?: number | null): MxArray {
  const x = requireArray(a, "put_along_axis");
  const [ax, has] = axisArg(axis, "put_along_axis");
  const idx = toIndex(indices, "put_along_axis");
  let v: MxArray;
  try {
    v = castOperand(values, "put_along_axis", x);
  } catch (e) {
    if (idx !== indices) idx.dispose();
    throw e;
  }
  try {
    return wrap(m()._wmx_put_along_axis(x.handle, idx.handle, v.handle, ax, has));
  } finally {
    if (idx !== indices) idx.dispose();
    if (v !== values) v.dispose();
  }
});

/** MLX's dynamic `slice(a, start, axes, slice_size)`: `start` an integer array, sliceSize the output shape. */
export const sliceDynamic = streamed("sliceDynamic", function sliceDynamic(a: MxArray, start: IndexLike, axes: number[], sliceSize: number[]): MxArray {
  const x = requireArray(a, "slice_dynamic");
  const ax = intList(axes, "The axes", "slice_dynamic");
  const size = intList(sliceSize, "The slice size", "slice_dynamic");
  const st = toIndex(start, "slice_dynamic");
  try {
    return withLists([ax, size], ([pa, ps]) =>
      wrap(m()._wmx_slice_dynamic(x.handle, st.handle, pa!, ax.length, ps!, size.length)));
  } finally {
    if (st !== start) st.dispose();
  }
});

/** MLX's `slice_update(a, update, start, axes)`: a copy of a with update written at `start`. */
export const sliceUpdate = streamed("sliceUpdate", function sliceUpdate(a: MxArray, update: ArrayOrScalar, start: IndexLike, axes: number[]): MxArray {
  const x = requireArray(a, "slice_update");
  const ax = intList(axes, "The axes", "slice_update");
  const st = toIndex(start, "slice_update");
  let u: MxArray;
  try {
    u = castOperand(update, "slice_update", x);
  } catch (e) {
    if (st !== start) st.dispose();
    throw e;
  }
  try {
    return core().withInts(ax, (p, n) => wrap(m()._wmx_slice_update(x.handle, u.handle, st.handle, p, n)));
  } finally {
    if (st !== start) st.dispose();
    if (u !== update) u.dispose();
  }
});

// ---- x.index(...) and x.at(...) ----

/** Python's `start:stop:step` for `x.index(...)`; null or undefined parts take the default. */
export class Slice {
  readonly start: number | null;
  readonly stop: number | null;
  readonly step: number | null;
  constructor(start?: number | null, stop?: number | null, step?: number | null) {
    for (const [n, v] of [["start", start], ["stop", stop], ["step", step]] as const)
      if (v !== undefined && v !== null && (typeof v !== "number" || !Number.isInteger(v)))
        throw new Error(`[slice] The ${n} must be an integer, null or undefined, got ${describe(v)}.`);
    if (step === 0) throw new Error("[slice] Slice step cannot be zero.");
    this.start = start ?? null;
    this.stop = stop ?? null;
    this.step = step ?? null;
  }
  toString(): string {
    return `slice(${this.start}, ${this.stop}, ${this.step})`;
  }
}

/** `mx.slice(start?, stop?, step?)`: the index helper (Python's `a:b:c`). */
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return new Slice(start, stop, step);
}

/** One entry of `x.index(...)`: an integer, null (new axis), "...", a slice, or integer indices. */
export type IndexEntry = number | null | "..." | Slice | MxArray | number[] | number[][];

const clamp = (v: number) => Math.max(-INT_MAX, Math.min(INT_MAX, v));

/** Encodes the entries (5 int32s each, see wasm/api_shape.cpp); `temps` collects arrays made here. */
function encodeIndex(idx: unknown[], op: string, temps: MxArray[]): number[] {
  const spec: number[] = [];
  for (const e of idx) {
    if (typeof e === "number") {
      if (!Number.isInteger(e)) throw new Error(`[${op}] Indices must be integers, got ${e}.`);
      if (Math.abs(e) > INT_MAX) throw new Error(`[${op}] Index ${e} is out of bounds.`);
      spec.push(IndexEntryKind.int, e, 0, 0, 0);
    } else if (e instanceof Slice) {
      const flags = (e.start !== null ? 1 : 0) | (e.stop !== null ? 2 : 0) | (e.step !== null ? 4 : 0);
      spec.push(IndexEntryKind.slice, flags, clamp(e.start ?? 0), clamp(e.stop ?? 0), clamp(e.step ?? 1));
    } else if (e === null) {
      spec.push(IndexEntryKind.new_axis, 0, 0, 0, 0);
    } else if (e === "...") {
      spec.push(IndexEntryKind.ellipsis, 0, 0, 0, 0);
    } else if (e instanceof MxArray) {
      spec.push(IndexEntryKind.array, e.handle, 0, 0, 0);
    } else if (globalThis.Array.isArray(e)) {
      const a = toIndex(e, op);
      temps.push(a);
      spec.push(IndexEntryKind.array, a.handle, 0, 0, 0);
    } else {
      throw new Error(
        `[${op}] Unsupported index ${describe(e)}: use integers, null, "...", mx.slice(...) or integer mx.Arrays.`,
      );
    }
  }
  return spec;
}

/** `x.index(...idx)`: numpy/MLX indexing. Slices give views; integer arrays gather. */
export function indexArray(x: MxArray, ...idx: IndexEntry[]): MxArray {
  const a = requireArray(x, "index");
  const temps: MxArray[] = [];
  try {
    const spec = encodeIndex(idx, "index", temps);
    return core().withInts(spec, (p) => wrap(m()._wmx_index(a.handle, p, idx.length)));
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** What `x.at(...idx)` returns: each method gives a new array (MLX's `x.at[idx]`). */
export interface AtUpdater {
  set(v: ArrayOrScalar): MxArray;
  add(v: ArrayOrScalar): MxArray;
  subtract(v: ArrayOrScalar): MxArray;
  multiply(v: ArrayOrScalar): MxArray;
  divide(v: ArrayOrScalar): MxArray;
  maximum(v: ArrayOrScalar): MxArray;
  minimum(v: ArrayOrScalar): MxArray;
}

/** `x.at(...idx)`: scatter updates; repeated indices accumulate for add/subtract/multiply/divide/maximum/minimum. */
export function atUpdater(x: MxArray, ...idx: IndexEntry[]): AtUpdater {
  const a = requireArray(x, "at");
  const update = (how: keyof typeof OpCodes.indexUpdate, v: ArrayOrScalar): MxArray => {
    const temps: MxArray[] = [];
    const u = castOperand(v, "at", a);
    try {
      const spec = encodeIndex(idx, "at", temps);
      return core().withInts(spec, (p) => wrap(m()._wmx_index_update(a.handle, p, idx.length, u.handle, OpCodes.indexUpdate[how])));
    } finally {
      for (const t of temps) t.dispose();
      if (u !== v) u.dispose();
    }
  };
  return {
    set: (v) => update("set", v),
    add: (v) => update("add", v),
    subtract: (v) => update("subtract", v),
    multiply: (v) => update("multiply", v),
    divide: (v) => update("divide", v),
    maximum: (v) => update("maximum", v),
    minimum: (v) => update("minimum", v),
  };
}

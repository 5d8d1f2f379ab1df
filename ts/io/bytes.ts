// Moving array data between byte buffers (files) and wasm memory: one copy
// each way, straight from the caller's bytes into a fresh array's buffer and
// from an evaluated array's buffer into the output, with no TypedArray of
// values in between.

import { MxArray, dimsOf } from "../array.js";
import { bool, type Dtype } from "../dtype.js";
import { wrap } from "../operands.js";
import { core } from "../runtime.js";
import { maxNdim } from "../limits.js";
import { placeConstant } from "../creation.js";

/** Checks a shape read from a file; returns its element count. */
export function checkShape(shape: unknown, what: string, tag: string): number {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0 && d <= 0x7fffffff))
    throw new Error(`[${tag}] ${what}: the shape must be a list of non-negative integers, got ${JSON.stringify(shape)}.`);
  if (shape.length > maxNdim()) throw new Error(`[${tag}] ${what}: the shape has ${shape.length} dimensions; at most ${maxNdim()} are supported.`);
  return shape.reduce((a: number, b: number) => a * b, 1);
}

/**
 * A new array of `dtype` and `shape` whose data are `bytes[offset,
 * offset + nbytes)` (little-endian); `swap` reverses each element's bytes
 * (big-endian files). The caller has checked the range.
 */
export function arrayFromBytes(bytes: Uint8Array, offset: number, dtype: Dtype, shape: number[], swap = false): MxArray {
  const c = core();
  const out = c.withInts(shape, (p, n) => wrap(c.m._wmx_empty(dtype.code, p, n)));
  const nbytes = shape.reduce((a, b) => a * b, 1) * dtype.size;
  if (nbytes === 0) return placeConstant(out);
  try {
    const ptr = c.m._wmx_data(out.handle);
    if (ptr === 0) c.fail();
    const heap = c.heap();
    heap.set(bytes.subarray(offset, offset + nbytes), ptr);
    if (swap && dtype.size > 1) swapBytes(heap, ptr, nbytes, dtype.size);
    // A bool is one byte, 0 or 1, in the core; a file may hold any nonzero byte for true.
    if (dtype === bool) for (let i = ptr, end = ptr + nbytes; i < end; ++i) if (heap[i]! > 1) heap[i] = 1;
  } catch (e) {
    out.dispose();
    throw e;
  }
  return placeConstant(out);
}

function swapBytes(heap: Uint8Array, ptr: number, nbytes: number, size: number): void {
  for (let i = ptr; i < ptr + nbytes; i += size)
    for (let a = i, b = i + size - 1; a < b; ++a, --b) {
      const t = heap[a]!;
      heap[a] = heap[b]!;
      heap[b] = t;
    }
}

/** The row-major bytes of `a` (evaluated now), copied into `out` at `offset`. */
export function copyArrayBytes(a: MxArray, out: Uint8Array, offset: number): void {
  const nbytes = byteLength(a);
  if (nbytes === 0) return;
  const c = core();
  const ptr = c.m._wmx_data(a.handle);
  if (ptr === 0) c.fail();
  out.set(c.heap().subarray(ptr, ptr + nbytes), offset);
}

/** Bytes of an array's data (shape read without counting as a traced shape read). */
export function byteLength(a: MxArray): number {
  return dimsOf(a).reduce((x, y) => x * y, 1) * a.dtype.size;
}

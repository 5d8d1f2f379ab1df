// mx.Array: a JS handle on a lazy array in the core. Operations build graph
// nodes in C++; data is computed by eval() and copied out on demand.

import { core } from "./runtime.js";
import {
  Dtype, dtypes, type DataArray, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
  float16, bfloat16, float32, complex64,
} from "./dtype.js";
import { bfloat16ToNumber, halfToNumber } from "./half.js";
import * as ew from "./elementwise.js";
import * as sh from "./shape_ops.js";
import * as red from "./reduce_ops.js";
import * as la from "./linalg.js";
import * as lx from "./ops_extra/linalg_like.js";
import * as rx from "./ops_extra/reduce_like.js";
import { track } from "./scope.js";
import { markUnowned, release, watch } from "./safety_net.js";
import { formatArray } from "./format.js";
import { maxNdim } from "./limits.js";
import { asyncEval } from "./eval.js";
import { type Device, deviceOfCode } from "./device.js";
import type { StreamOptions } from "./stream.js";

// Hosts without explicit resource management still get a well-known key
// for `using` (TypeScript and esbuild fall back to the same registered symbol).
if (typeof Symbol.dispose !== "symbol") {
  Object.defineProperty(Symbol, "dispose", { value: Symbol.for("Symbol.dispose") });
}

// The declaration files name `[Symbol.dispose]`, which TypeScript's libs
// declare only from ESNext.Disposable (TS 5.2) on: a user's project with
// `lib: ["ES2022", "DOM"]` would fail on our .d.ts (TS2550) without this.
// It merges with the lib's declaration where there is one (same property,
// same unique symbol), and the line above makes it true at run time.
// (Symbol.asyncDispose is not declared: nothing here uses or polyfills it.)
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

export type Scalar = number | boolean | bigint;
/** A complex64 value as item() and tolist() give it and mx.array takes it. */
export interface Complex {
  re: number;
  im: number;
}
export type ArrayOrScalar = MxArray | Scalar;
export type Axis = number | number[];
export type NestedList = Scalar | Complex | NestedList[];

/**
 * @internal Shapeless compile watches the function it traces for reads of a
 * traced array's shape (x.shape, x.size): a number taken from a shape is
 * baked into the trace, so such a trace is only good for the shapes it saw.
 */
export const shapeReads = { watching: 0, seen: false };

/** @internal Also for ops whose result depends on the shape's values (squeeze without axes). */
export function noteShapeRead(a: MxArray): void {
  if (shapeReads.watching > 0 && !shapeReads.seen && core().m._wmx_is_tracer(a.handle) === 1) shapeReads.seen = true;
}

const internal = Symbol("webmx.internal");

/**
 * @internal An array's shape, without counting as a read of it by the
 * user's code (compile's cache keys, error messages).
 */
export let dimsOf: (a: MxArray) => readonly number[];

/** @internal Wraps a handle the core returned (taking ownership of it). */
export function fromHandle(handle: number): MxArray {
  return new MxArray(handle, internal);
}

export class MxArray {
  #handle: number;
  #shape: number[] | null = null;
  #dtype: Dtype | null = null;

  /** @internal Arrays come from mx.array() and the ops; the core's handles from fromHandle(). */
  constructor(handle: number, token?: symbol) {
    if (token !== internal)
      throw new Error("[Array] Make arrays with mx.array(...) or the ops; the Array constructor is internal.");
    this.#handle = handle;
    watch(this, handle);
    if (!track(this)) markUnowned(handle);
  }

  /** @internal */
  get handle(): number {
    if (this.#handle < 0) throw new Error("[webmx] This array was disposed; it can't be used any more.");
    return this.#handle;
  }

  static {
    dimsOf = (a) => a.#dims();
  }
  #dims(): readonly number[] {
    if (!this.#shape) {
      const c = core();
      const ptr = c.scratchPtr();
      const limit = maxNdim(); // the core makes no array with more (core/shape_limits.h)
      const nd = c.check(c.m._wmx_shape(this.handle, ptr, limit));
      if (nd > limit) throw new Error(`[shape] Arrays with more than ${limit} dimensions are not supported.`);
      this.#shape = c.readInts(ptr, nd);
    }
    return this.#shape;
  }
  get shape(): number[] {
    noteShapeRead(this);
    return this.#dims().slice();
  }
  get dtype(): Dtype {
    if (!this.#dtype) this.#dtype = dtypes[core().check(core().m._wmx_dtype(this.handle))]!;
    return this.#dtype;
  }
  get ndim(): number {
    return this.#dims().length;
  }
  /** Where the array's data lives, or will once evaluated (mx.cpu or mx.gpu). */
  get device(): Device {
    const c = core();
    return deviceOfCode(c.check(c.m._wmx_device(this.handle)));
  }
  get size(): number {
    noteShapeRead(this);
    return this.#dims().reduce((a, b) => a * b, 1);
  }
  get nbytes(): number {
    return this.size * this.dtype.size;
  }

  /** Releases the array's memory now. Using it afterwards throws. */
  dispose(): void {
    if (this.#handle < 0) return;
    release(this.#handle);
    this.#handle = -1;
  }
  [Symbol.dispose](): void {
    this.dispose();
  }
  /** @internal */
  get disposed(): boolean {
    return this.#handle < 0;
  }

  // ---- reading data ----

  /** A copy of the data in row-major order (evaluates the array). */
  dataSync(): DataArray {
    return readData(this, "dataSync");
  }
  /**
   * A zero-copy TypedArray over the evaluated data in wasm memory (a
   * SharedArrayBuffer in the threaded build), in row-major order; float16
   * and bfloat16 come as their raw bits (Uint16Array), bool as Uint8Array,
   * complex64 as interleaved (real, imaginary) pairs in a Float32Array.
   * It is valid until the array is disposed or wasm memory grows (which any
   * later op may cause): read it at once, or take dataSync()'s copy to keep.
   * Arrays are immutable: don't write through it.
   */
  dataView(): DataArray {
    const c = core();
    checkReadable(this, "dataView");
    const bytes = c.m.dataView(this.handle);
    if (bytes === null) return c.fail();
    const { buffer, byteOffset, byteLength } = bytes;
    switch (this.dtype) {
      case bool:
      case uint8: return bytes;
      case int8: return new Int8Array(buffer, byteOffset, byteLength);
      case uint16:
      case float16:
      case bfloat16: return new Uint16Array(buffer, byteOffset, byteLength / 2);
      case int16: return new Int16Array(buffer, byteOffset, byteLength / 2);
      case uint32: return new Uint32Array(buffer, byteOffset, byteLength / 4);
      case int32: return new Int32Array(buffer, byteOffset, byteLength / 4);
      case float32:
      case complex64: return new Float32Array(buffer, byteOffset, byteLength / 4);
      case uint64: return new BigUint64Array(buffer, byteOffset, byteLength / 8);
      case int64: return new BigInt64Array(buffer, byteOffset, byteLength / 8);
      default: return new Float64Array(buffer, byteOffset, byteLength / 8);
    }
  }
  /** A Promise of dataSync()'s copy; works for any device (a GPU array is read back first). */
  async data(): Promise<DataArray> {
    if (core().gpu) await asyncEval(this);
    return readData(this, "data");
  }
  /** The value of a size-1 array: a number, a boolean for bool, a bigint for 64-bit ints, {re, im} for complex64. */
  item(): Scalar | Complex {
    return this.#scalar("item");
  }
  /** item() of a float or (up to 32-bit) integer array, typed number; other dtypes throw. */
  itemNumber(): number {
    return this.#scalar("itemNumber", "number") as number;
  }
  /** item() of a bool array, typed boolean; other dtypes throw. */
  itemBool(): boolean {
    return this.#scalar("itemBool", "boolean") as boolean;
  }
  /** item() of an int64 or uint64 array, typed bigint; other dtypes throw. */
  itemBigInt(): bigint {
    return this.#scalar("itemBigInt", "bigint") as bigint;
  }
  /**
   * The single value, checked to be of JS type `want` from the dtype before
   * anything is computed (item() itself takes any dtype).
   */
  #scalar(tag: string, want?: "number" | "boolean" | "bigint"): Scalar | Complex {
    const dims = this.#dims();
    if (dims.some((d) => d !== 1))
      throw new Error(`[${tag}] ${tag}() can only be called on arrays of size 1, got shape (${dims.join(",")}).`);
    if (want !== undefined) {
      const got = scalarType(this.dtype);
      if (got !== want) {
        const fit = got === "boolean" ? "itemBool()" : got === "bigint" ? "itemBigInt()" : got === "complex" ? "item()" : "itemNumber()";
        throw new Error(`[${tag}] ${tag}() reads a ${want}, but the array has dtype ${this.dtype.name}, whose value is a ${got}: use ${fit} or item(), or convert with astype().`);
      }
    }
    return toScalars(this.dtype, readData(this, tag))[0]!;
  }
  /** The data as nested JS arrays (numbers, booleans for bool, bigints for 64-bit ints, {re, im} for complex64). */
  tolist(): NestedList {
    const flat = toScalars(this.dtype, readData(this, "tolist"));
    const shape = this.shape;
    if (shape.length === 0) return flat[0]!;
    let i = 0;
    const build = (d: number): NestedList[] => {
      const out: NestedList[] = [];
      for (let k = 0; k < shape[d]!; ++k) out.push(d === shape.length - 1 ? flat[i++]! : build(d + 1));
      return out;
    };
    return build(0);
  }
  /** MLX's printout: `array([[1, 2],\n       [3, 4]], dtype=float32)`, long axes elided. */
  toString(): string {
    if (this.disposed) return "array(<disposed>)";
    const data = readData(this, "toString");
    const isBool = this.dtype === bool;
    if (this.dtype === complex64) {
      const f = data as Float32Array;
      return formatArray(this.#dims(), this.dtype, (i) => ({ re: f[2 * i]!, im: f[2 * i + 1]! }));
    }
    return formatArray(this.#dims(), this.dtype, (i) => (isBool ? data[i] !== 0 : data[i]!));
  }
  /** Node's util.inspect and console.log print what toString() does. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
  /**
   * The rows along axis 0, as MLX's arrays iterate (`const [k1, k2] =
   * mx.random.split(k)`, `for (const row of x)`). A 0-d array is not
   * iterable, as in MLX (whose TypeError says "iteration over a 0-d array"):
   * here the property is undefined for it, so spreading one is JS's TypeError
   * "... is not iterable", and test libraries' deep equality (vitest's and
   * jest's toEqual walk iterables) compares 0-d arrays as objects instead of
   * failing inside the iteration.
   */
  get [Symbol.iterator](): () => IterableIterator<MxArray> {
    // (undefined for a disposed array too: a check for iterability must not throw)
    if (this.disposed || this.#dims().length === 0) return undefined as unknown as () => IterableIterator<MxArray>;
    return () => {
      noteShapeRead(this); // the row count is baked into a trace
      return (function* rows(a: MxArray, n: number) {
        for (let i = 0; i < n; ++i) yield sh.indexArray(a, i);
      })(this, this.#dims()[0]!);
    };
  }
  /** JSON.stringify gives nested lists; 64-bit integers beyond 2^53 become strings. */
  toJSON(): unknown {
    const json = (v: NestedList): unknown =>
      globalThis.Array.isArray(v) ? v.map(json)
        : typeof v === "bigint" ? (v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : String(v)) : v;
    return json(this.tolist());
  }

  // ---- methods mirroring the ops ----

  astype(dtype: Dtype | string, options?: StreamOptions): MxArray {
    return ew.astype(this, dtype, options);
  }
  get T(): MxArray {
    return sh.transpose(this);
  }
  add(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.add(this, other, options);
  }
  sub(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.subtract(this, other, options);
  }
  subtract(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.subtract(this, other, options);
  }
  mul(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.multiply(this, other, options);
  }
  multiply(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.multiply(this, other, options);
  }
  div(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.divide(this, other, options);
  }
  divide(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.divide(this, other, options);
  }
  maximum(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.maximum(this, other, options);
  }
  minimum(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.minimum(this, other, options);
  }
  equal(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.equal(this, other, options);
  }
  notEqual(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.notEqual(this, other, options);
  }
  less(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.less(this, other, options);
  }
  lessEqual(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.lessEqual(this, other, options);
  }
  greater(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.greater(this, other, options);
  }
  greaterEqual(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.greaterEqual(this, other, options);
  }
  matmul(other: MxArray, options?: StreamOptions): MxArray {
    return la.matmul(this, other, options);
  }
  bitwiseAnd(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.bitwiseAnd(this, other, options);
  }
  bitwiseOr(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.bitwiseOr(this, other, options);
  }
  bitwiseXor(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.bitwiseXor(this, other, options);
  }
  leftShift(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.leftShift(this, other, options);
  }
  rightShift(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.rightShift(this, other, options);
  }
  bitwiseInvert(options?: StreamOptions): MxArray {
    return ew.bitwiseInvert(this, options);
  }
  sum(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.sum(this, axis, keepdims, options);
  }
  prod(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.prod(this, axis, keepdims, options);
  }
  mean(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.mean(this, axis, keepdims, options);
  }
  max(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.max(this, axis, keepdims, options);
  }
  min(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.min(this, axis, keepdims, options);
  }
  all(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.all(this, axis, keepdims, options);
  }
  any(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.any(this, axis, keepdims, options);
  }
  /** `x.reshape(2, 3)` or `x.reshape([2, 3])`, optionally followed by `{stream}`. */
  reshape(...shape: DimsAndOptions): MxArray {
    const [dims, options] = splitDims(shape);
    return sh.reshape(this, dims, options);
  }
  /** `x.transpose()`, `x.transpose(1, 0)` or `x.transpose([1, 0])`, optionally followed by `{stream}`. */
  transpose(...axes: DimsAndOptions): MxArray {
    const [dims, options] = splitDims(axes);
    return sh.transpose(this, dims.length ? dims : undefined, options);
  }
  flatten(startAxis?: number, endAxis?: number, options?: StreamOptions): MxArray {
    return sh.flatten(this, startAxis, endAxis, options);
  }
  moveaxis(source: number, destination: number, options?: StreamOptions): MxArray {
    return sh.moveaxis(this, source, destination, options);
  }
  swapaxes(axis1: number, axis2: number, options?: StreamOptions): MxArray {
    return sh.swapaxes(this, axis1, axis2, options);
  }
  split(indicesOrSections: number | number[], axis?: number, options?: StreamOptions): MxArray[] {
    return sh.split(this, indicesOrSections, axis, options);
  }
  /**
   * Indexing as `x[...]` in MLX: numbers, null (new axis), "...",
   * mx.slice(start, stop, step) and integer arrays (gathers).
   */
  index(...idx: sh.IndexEntry[]): MxArray {
    return sh.indexArray(this, ...idx);
  }
  /** Functional updates as MLX's `x.at[...]`: `x.at(0).add(1)` returns a new array. */
  at(...idx: sh.IndexEntry[]): sh.AtUpdater {
    return sh.atUpdater(this, ...idx);
  }
  squeeze(axis?: Axis, options?: StreamOptions): MxArray {
    return sh.squeeze(this, axis, options);
  }
  pow(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.power(this, other, options);
  }
  power(other: ArrayOrScalar, options?: StreamOptions): MxArray {
    return ew.power(this, other, options);
  }
  var(axis?: Axis, keepdims?: boolean, ddof?: number, options?: StreamOptions): MxArray {
    return red.var(this, axis, keepdims, ddof, options);
  }
  std(axis?: Axis, keepdims?: boolean, ddof?: number, options?: StreamOptions): MxArray {
    return red.std(this, axis, keepdims, ddof, options);
  }
  argmax(axis?: number, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.argmax(this, axis, keepdims, options);
  }
  argmin(axis?: number, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.argmin(this, axis, keepdims, options);
  }
  logsumexp(axis?: Axis, keepdims?: boolean, options?: StreamOptions): MxArray {
    return red.logsumexp(this, axis, keepdims, options);
  }
  cumsum(axis?: number, opts?: red.ScanOptions): MxArray {
    return red.cumsum(this, axis, opts);
  }
  cumprod(axis?: number, opts?: red.ScanOptions): MxArray {
    return red.cumprod(this, axis, opts);
  }
  cummax(axis?: number, opts?: red.ScanOptions): MxArray {
    return red.cummax(this, axis, opts);
  }
  cummin(axis?: number, opts?: red.ScanOptions): MxArray {
    return red.cummin(this, axis, opts);
  }
  logcumsumexp(axis?: number | null, opts?: rx.LogcumsumexpOptions): MxArray {
    return rx.logcumsumexp(this, axis, opts);
  }
  diagonal(offset?: number, axis1?: number, axis2?: number, options?: StreamOptions): MxArray {
    return lx.diagonal(this, offset, axis1, axis2, options);
  }
  diag(k?: number, options?: StreamOptions): MxArray {
    return lx.diag(this, k, options);
  }
  neg(options?: StreamOptions): MxArray {
    return ew.negative(this, options);
  }
  negative(options?: StreamOptions): MxArray {
    return ew.negative(this, options);
  }
  abs(options?: StreamOptions): MxArray {
    return ew.abs(this, options);
  }
  exp(options?: StreamOptions): MxArray {
    return ew.exp(this, options);
  }
  log(options?: StreamOptions): MxArray {
    return ew.log(this, options);
  }
  log1p(options?: StreamOptions): MxArray {
    return ew.log1p(this, options);
  }
  log2(options?: StreamOptions): MxArray {
    return ew.log2(this, options);
  }
  log10(options?: StreamOptions): MxArray {
    return ew.log10(this, options);
  }
  sqrt(options?: StreamOptions): MxArray {
    return ew.sqrt(this, options);
  }
  rsqrt(options?: StreamOptions): MxArray {
    return ew.rsqrt(this, options);
  }
  square(options?: StreamOptions): MxArray {
    return ew.square(this, options);
  }
  reciprocal(options?: StreamOptions): MxArray {
    return ew.reciprocal(this, options);
  }
  sin(options?: StreamOptions): MxArray {
    return ew.sin(this, options);
  }
  cos(options?: StreamOptions): MxArray {
    return ew.cos(this, options);
  }
  tanh(options?: StreamOptions): MxArray {
    return ew.tanh(this, options);
  }
  sigmoid(options?: StreamOptions): MxArray {
    return ew.sigmoid(this, options);
  }
  round(decimals?: number, options?: StreamOptions): MxArray {
    return ew.round(this, decimals, options);
  }
}

/** Dimensions as x.reshape and x.transpose take them (numbers or lists), then MLX's `stream=`. */
type DimsAndOptions = (number | number[])[] | [...(number | number[])[], StreamOptions];

function splitDims(args: DimsAndOptions): [number[], StreamOptions | undefined] {
  const last = args[args.length - 1];
  if (typeof last === "object" && !globalThis.Array.isArray(last))
    return [(args.slice(0, -1) as (number | number[])[]).flat(), last];
  return [(args as (number | number[])[]).flat(), undefined];
}

// ---- data movement ----

/**
 * GPU memory can't be read synchronously: a GPU array is readable once
 * asyncEval (or data()) brought it back.
 */
function checkReadable(a: MxArray, op: string): void {
  const c = core();
  if (c.gpu && c.check(c.m._wmx_needs_readback(a.handle)) === 1)
    throw new Error(`[${op}] This array is on the GPU and was not read back: \`await mx.asyncEval(x)\` first (then read it synchronously) or use \`await x.data()\`.`);
}

function readData(a: MxArray, op: string): DataArray {
  const c = core();
  checkReadable(a, op);
  const ptr = c.m._wmx_data(a.handle);
  if (ptr === 0) c.fail();
  const n = dimsOf(a).reduce((x, y) => x * y, 1);
  const buf = c.heap().buffer;
  switch (a.dtype) {
    case bool:
    case uint8: return new Uint8Array(buf, ptr, n).slice();
    case uint16: return new Uint16Array(buf, ptr, n).slice();
    case uint32: return new Uint32Array(buf, ptr, n).slice();
    case uint64: return new BigUint64Array(buf, ptr, n).slice();
    case int8: return new Int8Array(buf, ptr, n).slice();
    case int16: return new Int16Array(buf, ptr, n).slice();
    case int32: return new Int32Array(buf, ptr, n).slice();
    case int64: return new BigInt64Array(buf, ptr, n).slice();
    case float16: return Float32Array.from(new Uint16Array(buf, ptr, n), halfToNumber);
    case bfloat16: return Float32Array.from(new Uint16Array(buf, ptr, n), bfloat16ToNumber);
    case float32: return new Float32Array(buf, ptr, n).slice();
    case complex64: return new Float32Array(buf, ptr, 2 * n).slice();
    default: return new Float64Array(buf, ptr, n).slice();
  }
}

/** The JS type of a dtype's values as item() and tolist() give them. */
function scalarType(dtype: Dtype): "number" | "boolean" | "bigint" | "complex" {
  if (dtype === bool) return "boolean";
  if (dtype === complex64) return "complex";
  return dtype === int64 || dtype === uint64 ? "bigint" : "number";
}

function toScalars(dtype: Dtype, data: DataArray): (Scalar | Complex)[] {
  if (dtype === complex64) {
    const out: Complex[] = [];
    for (let i = 0; i < data.length; i += 2) out.push({ re: data[i] as number, im: data[i + 1] as number });
    return out;
  }
  if (dtype === bool) return globalThis.Array.from(data as Uint8Array, (v) => v !== 0);
  return globalThis.Array.from(data as Iterable<number | bigint>);
}

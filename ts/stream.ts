// MLX's `stream=` keyword of every op (API.md "Devices (WebGPU)"): an op
// exported by the package takes a trailing `{stream: mx.cpu | mx.gpu}` and
// runs as it would inside `mx.withDevice(stream, ...)`, so the placement is
// recorded in the graph (also under compile or grad tracing). `streamed`
// wraps an op once where it is defined; the op itself never sees `stream`.

import { type Device, type DeviceType, cpu, gpu, runOn } from "./device.js";
import { describe } from "./describe.js";

/** The `stream` option every op takes: the device it runs on (default: mx.defaultDevice()). */
export interface StreamOptions {
  stream?: Device | DeviceType;
}

/** A plain `{...}` object (not an array, mx.Array, Dtype, typed array or other class instance). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** How many of `args` come before its trailing undefineds. */
function definedLength(args: unknown[]): number {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) --n;
  return n;
}

function trimUndefined(args: unknown[]): void {
  const n = definedLength(args);
  if (n !== args.length) args.length = n;
}

/**
 * Takes the stream option off the last argument that is not undefined: a
 * plain object with a `stream` key. An op without options of its own takes
 * no other key; an op with options (`ownOptions`) gets the object back
 * without `stream` (dropped when nothing is left, so `mx.softmax(x,
 * {stream})` leaves the axis out, as `stream=` does in MLX) and checks the
 * remaining keys itself. Objects without `stream` ({re, im} complex values,
 * an op's own options) pass through untouched.
 * @internal
 */
export function takeStream(args: unknown[], op: string, ownOptions: boolean): Device | undefined {
  // Trailing undefineds are left out (as if not passed), so `f(x, opts?.axis, s)` and `f(x, s)` agree for
  // ops that count their arguments (arange, the rest-parameter ops).
  trimUndefined(args);
  const last = args.length - 1;
  const o = args[last];
  if (!isPlainObject(o) || !Object.prototype.hasOwnProperty.call(o, "stream")) return undefined;
  const { stream, ...rest } = o;
  const others = Object.keys(rest);
  if (!ownOptions && others.length > 0)
    throw new Error(`[${op}] Unknown option '${others[0]}'; expected stream.`);
  if (others.length > 0) {
    args[last] = rest;
  } else {
    args.length = last;
    trimUndefined(args);
  }
  if (stream === undefined) return undefined;
  if (stream === cpu || stream === "cpu") return cpu;
  if (stream === gpu || stream === "gpu") return gpu;
  throw new Error(`[${op}] The stream must be mx.cpu, mx.gpu, "cpu" or "gpu", got ${describe(stream)}.`);
}

// ---- the types of wrapped ops: a trailing `options?: StreamOptions` ----

type Init<P extends unknown[]> = P extends [...infer H, unknown?] ? H : never;

type Last<P extends unknown[]> = Required<P> extends [...unknown[], infer L] ? L : never;

/** P's shorter prefixes that still hold every required parameter (labels kept). */
type Cuts<P extends unknown[]> = P extends Required<P> ? never : Init<P> | Cuts<Init<P>>;

/**
 * The op F taking `options?: StreamOptions` after its parameters, or after
 * fewer of them (`mx.sum(x, {stream})`, as MLX's keyword argument leaves the
 * others out); an op with rest parameters takes it after them.
 */
export type WithStream<F> = F extends (...args: infer P) => infer R
  ? number extends P["length"]
    ? (...args: P | [...P, StreamOptions]) => R
    : P extends Required<P>
      ? (...args: [...P, options?: StreamOptions]) => R
      : { (...args: [...P, options?: StreamOptions]): R; (...args: [...Cuts<P>, options: StreamOptions]): R }
  : never;

/**
 * An op F whose last parameter is its options object (extending
 * StreamOptions): `{stream}` alone may also come earlier (`mx.softmax(x,
 * {stream})`), its other options only in their place.
 */
export type WithOwnOptions<F> = F extends (...args: infer P) => infer R
  ? number extends P["length"]
    ? F // rest parameters (meshgrid): the op finds its options itself
    : Init<P> extends Required<Init<P>>
      ? F // no optional parameter to leave out before the options
      : StreamOptions extends Last<P>
        ? { (...args: P): R; (...args: [...Cuts<Init<P>>, options: StreamOptions]): R }
        : F // the options are not last (nanToNum's take the place of `nan`)
  : never;

/**
 * The op `fn` (error tag `op`) taking MLX's `stream=` as a trailing
 * `{stream}`. With `ownOptions`, fn's last parameter is already an options
 * object (whose type extends StreamOptions) and `stream` is one more key of it.
 * (F extends Function, not a call signature, so that fn's parameters with
 * defaults keep the types of their defaults.)
 * @internal
 */
export function streamed<F extends Function>(op: string, fn: F): WithStream<F>;
export function streamed<F extends Function>(op: string, fn: F, ownOptions: true): WithOwnOptions<F>;
export function streamed(op: string, fn: Function, ownOptions = false): Function {
  const op_ = function (this: unknown, ...args: unknown[]) {
    // The common call carries no stream: pass the arguments on without
    // trailing undefineds (array methods forward an absent `options`), and
    // without reshaping `args` (setting its length cost ~10% of a small op).
    const n = definedLength(args);
    if (n === 0 || !isPlainObject(args[n - 1])) {
      if (n === args.length) return fn.apply(this, args);
      if (n === 1) return fn.call(this, args[0]);
      if (n === 2) return fn.call(this, args[0], args[1]);
      return fn.apply(this, args.slice(0, n));
    }
    const dev = takeStream(args, op, ownOptions);
    return dev === undefined ? fn.apply(this, args) : runOn(dev, op, () => fn.apply(this, args));
  };
  return Object.defineProperty(op_, "name", { value: fn.name });
}

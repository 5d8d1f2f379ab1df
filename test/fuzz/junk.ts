// Junk for the fuzzer (fuzz.ts): a seeded PRNG and generators of the values a
// careless or hostile caller passes. Everything a generator makes that can
// hold wasm memory is recorded in `Junk.made`, so the fuzzer can free it and
// tell the library's leaks from its own.

/** Thrown by the junk itself (Proxy traps, getters, callbacks): the library must let it through unchanged. */
export class JunkError extends Error {
  constructor(what: string) {
    super(`junk: ${what}`);
  }
}

/**
 * The mx.Arrays reachable in a value through arrays and plain objects,
 * without recursion and without throwing. Promises met on the way (what
 * tree.map returns for an async fn) get a catch: the fuzzer drops them.
 */
export function arraysIn(mx: any, v: unknown, limit = 200_000): any[] {
  const found: any[] = [];
  const seen = new Set<unknown>();
  const stack = [v];
  while (stack.length && seen.size < limit) {
    const t = stack.pop();
    if (t === null || typeof t !== "object" || seen.has(t)) continue;
    seen.add(t);
    try {
      if (t instanceof mx.Array) found.push(t);
      else if (t instanceof Promise) t.catch(() => undefined);
      else if (Array.isArray(t)) for (const c of t) stack.push(c);
      else if (Object.getPrototypeOf(t) === Object.prototype || Object.getPrototypeOf(t) === null)
        for (const k of Object.keys(t)) stack.push((t as any)[k]);
      // An object of ours that holds arrays as its live tree (an optimizer's state).
      else if (t instanceof mx.optimizers.Optimizer) stack.push((t as any).state);
      // An nn.Module holds its parameters and submodules as tree children.
      else if (t instanceof mx.nn.Module) stack.push(mx.tree.leaves(t));
    } catch {
      // a Proxy or getter of the junk: nothing of ours inside
    }
  }
  return found;
}

/** mulberry32: a small, fast, seedable PRNG (deterministic runs for a given seed). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = [0, -0, 1, -1, 2, 3, -2, 0.5, -1.5, NaN, Infinity, -Infinity, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, 1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2];
const BIGINTS = [0n, 1n, -1n, 2n ** 63n, 2n ** 64n, -(2n ** 70n)];
const STRINGS = ["", "x", "float32", "int32", "uint64", "bool", "...", "causal", "constant", "edge", "__proto__", "constructor", "0", "-1", "1.5", "a.b", "x".repeat(10_000)];
// Option names the package reads: getters on these keys throw in the "throwing getter" junk.
const OPTION_KEYS = [
  "dtype", "key", "axis", "stream", "inAxes", "outAxes", "argnums", "argnames", "inputs", "outputs", "shapeless", "fuse",
  "reverse", "inclusive", "mode", "constantValues", "stride", "padding", "dilation", "groups", "alpha", "beta",
  "precise", "equalNan", "traditional", "base", "scale", "offset", "mask", "loc", "shape", "numSamples", "threads",
  "wasm", "gpu", "length", "0", "1", "constructor", "valueOf", "toString", "then", "name", "start", "stop", "step",
];
const PROXY_TRAPS = [
  "get", "set", "has", "deleteProperty", "ownKeys", "getOwnPropertyDescriptor", "defineProperty", "getPrototypeOf",
  "setPrototypeOf", "isExtensible", "preventExtensions", "apply", "construct",
] as const;

/** A list nested `depth` levels around `leaf`, built without recursion. */
export function deepList(depth: number, leaf: unknown): unknown {
  let t: unknown = leaf;
  for (let i = 0; i < depth; ++i) t = [t];
  return t;
}
function deepObject(depth: number, leaf: unknown): unknown {
  let t: unknown = leaf;
  for (let i = 0; i < depth; ++i) t = { a: t };
  return t;
}

// Deep nests of plain numbers cost milliseconds to build: made once, shared by every call.
const DEEP = [deepList(100_000, 1), deepList(20_000, [1, 2]), deepList(65, 1), deepList(64, 0), deepObject(50_000, 0)];

/** A Proxy that throws a JunkError from every trap. */
function throwingProxy<T extends object>(target: T): T {
  const handler: ProxyHandler<T> = {};
  for (const trap of PROXY_TRAPS) (handler as any)[trap] = () => { throw new JunkError(`proxy trap ${trap}`); };
  return new Proxy(target, handler);
}

/** An object whose getters for the option names (and conversions) throw. */
function throwingGetters(): object {
  const o: Record<string, unknown> = {};
  for (const k of OPTION_KEYS)
    Object.defineProperty(o, k, { enumerable: true, get: () => { throw new JunkError(`getter ${k}`); } });
  return o;
}

/** The generators; `mx` is the webmx module under test. */
export class Junk {
  /** Arrays made by the junk (or by junk callbacks), freed by the fuzzer after each call. */
  readonly made: any[] = [];
  /** Description of the last value made (for findings). */
  private readonly mx: any;
  readonly rand: () => number;

  constructor(mx: any, seed: number) {
    this.mx = mx;
    this.rand = rng(seed);
  }

  int(n: number): number {
    return Math.floor(this.rand() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rand() < p;
  }

  /** A small array of a random dtype and odd shape: scalars, empty, size-1 axes, up to 3 dims. */
  array(): any {
    const mx = this.mx;
    const shapes = [[], [0], [1], [3], [2, 3], [1, 1, 1], [3, 0, 2], [2, 1, 4], [4, 4]];
    const dtypes = ["bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16", "bfloat16", "float32", "float64"];
    const shape = this.pick(shapes);
    const size = shape.reduce((a, b) => a * b, 1);
    let a: any;
    switch (this.int(5)) {
      case 0: a = mx.ones(shape, this.pick(dtypes)); break;
      case 1: a = mx.zeros(shape, this.pick(dtypes)); break;
      case 2: a = mx.random.key(this.int(100)); break; // a (2,) uint32 key
      case 3: a = mx.tidy(() => mx.array(Float32Array.from({ length: size }, (_, i) => (i % 5) - 2)).reshape(shape)); break;
      default: a = mx.tidy(() => mx.array(Int32Array.from({ length: size }, (_, i) => i % 3)).reshape(shape).astype(this.pick(dtypes))); break;
    }
    this.made.push(a);
    if (this.chance(0.2)) this.mx.eval(a);
    if (this.chance(0.05)) a.dispose(); // a disposed array
    return a;
  }

  /** A float32 array of this shape with small values (the inputs of a transformed op). */
  floats(shape: number[]): any {
    const size = shape.reduce((a, b) => a * b, 1);
    const a = this.mx.tidy(() => this.mx.array(Float32Array.from({ length: size }, () => Math.round(this.rand() * 8 - 4) / 2)).reshape(shape));
    this.made.push(a);
    return a;
  }

  /** A callback of the kind users hand to transforms, tidy and tree.map. */
  fn(): (...args: any[]) => any {
    const mx = this.mx;
    const junk = this;
    const v = this.value(1);
    switch (this.int(11)) {
      // An op of the package on the arguments (tracers, inside a transform): set by the fuzzer.
      // What it returns is the junk's to free if the call it was given to fails part way (a
      // later leaf of tree.map throwing): the callback is the user's code, and so is the cleanup.
      case 9: case 10: return (...a: any[]) => junk.owned(mx.tidy(() => junk.inner?.(a)));
      case 0: return (...a: any[]) => a[0];
      case 1: return (x: any) => junk.owned(x instanceof mx.Array ? x.sum() : x);
      // (tidy: called outside a transform, the intermediate would be the junk's own leak)
      case 2: return (x: any) => junk.owned(mx.tidy(() => (x instanceof mx.Array ? x.mul(x).sum() : mx.array(1))));
      case 3: return () => { throw new JunkError("callback"); };
      case 4: return () => v; // whatever junk
      case 5: return (...a: any[]) => a; // its arguments back
      case 6: return async (x: any) => x; // a promise
      case 7: return (x: any) => { const t = mx.ones([2]); junk.made.push(t); return junk.owned(x instanceof mx.Array ? x.add(t) : t); };
      default: return throwingProxy(function () {}) as any;
    }
  }

  /** `r`, with the arrays in it recorded in `made` (freed after the call; a no-op for freed tracers). */
  owned<T>(r: T): T {
    this.made.push(...arraysIn(this.mx, r));
    return r;
  }

  /** Calls a random op with these leading arguments (and maybe junk after them); set by the fuzzer. */
  inner: ((args: unknown[]) => unknown) | null = null;

  /** Option names of the op being called (learnt by the fuzzer from its "Unknown option" errors). */
  optionKeys: readonly string[] = [];

  /** An options-like object: the op's own keys, others and unknown ones, with junk values. */
  options(depth: number): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    const n = 1 + this.int(2);
    for (let i = 0; i < n; ++i) {
      const key = this.optionKeys.length && this.chance(0.7) ? this.pick(this.optionKeys)
        : this.chance(0.9) ? this.pick(OPTION_KEYS.slice(0, 40)) : "bogus";
      o[key] = this.chance(0.5) ? this.value(depth + 1) : this.plausible();
    }
    return o;
  }

  /** A list of ints (shapes, axes, indices), sometimes nested or ragged. */
  ints(): unknown {
    const n = this.int(4);
    const l = Array.from({ length: n }, () => (this.chance(0.85) ? this.int(4) - 1 : this.pick(NUMBERS)));
    if (this.chance(0.15)) return [l, l];
    if (this.chance(0.05)) return [l, [1]];
    return l;
  }

  /** Any junk value; `depth` bounds how deep containers of junk go. */
  value(depth = 0): unknown {
    const mx = this.mx;
    const k = this.int(depth > 2 ? 14 : 22);
    switch (k) {
      case 0: case 1: case 2: return this.array();
      case 3: case 4: return this.chance(0.7) ? this.int(5) - 1 : this.pick(NUMBERS);
      case 5: return this.ints();
      case 6: return this.pick(STRINGS);
      case 7: return this.pick([null, undefined, true, false]);
      case 8: return this.pick(BIGINTS);
      case 9: return Symbol("junk");
      case 10: return this.pick([Object.create(null), {}, [], [undefined], [, 1]]); // eslint-disable-line no-sparse-arrays
      case 11: return this.fn();
      case 12: return this.pick([mx.slice(), mx.slice(0, 2), mx.slice(null, null, -1), mx.float32, mx.int32, mx.bool]);
      case 13: return this.pick(DEEP);
      case 14: return this.options(depth);
      case 15: return throwingProxy(this.chance(0.5) ? [] : {});
      case 16: return throwingGetters();
      case 17: { // a list whose element access throws
        const l = [1, 2];
        Object.defineProperty(l, 0, { get: () => { throw new JunkError("element getter"); } });
        return l;
      }
      case 18: { // a cycle
        const c: unknown[] = [1];
        c.push(c);
        return this.chance(0.5) ? c : { self: c };
      }
      case 19: return deepList(this.pick([10, 70, 12_000]), this.array()); // deep, with an array at the bottom
      case 20: return Array.from({ length: 1 + this.int(3) }, () => this.value(depth + 1)); // a list of junk
      default: return this.chance(0.5) ? new Array(100_000).fill(1) : { a: this.value(depth + 1), b: [this.value(depth + 1)] };
    }
  }

  /**
   * A value an op could accept (an array, a small integer or list of them,
   * null, a dtype, a callback, an options object of such): calls get past
   * the first argument check and into the core.
   */
  plausible(): unknown {
    const mx = this.mx;
    switch (this.int(9)) {
      case 0: case 1: case 2: return this.array();
      case 3: case 4: return this.int(5) - 2;
      case 5: return Array.from({ length: this.int(3) }, () => this.int(4) - 1);
      case 6: return this.pick([null, undefined, mx.float32, mx.int32, "float16", 0.5]);
      case 7: return this.fn();
      default: {
        const key = this.optionKeys.length && this.chance(0.8) ? this.pick(this.optionKeys) : this.pick(OPTION_KEYS.slice(0, 36));
        return { [key]: this.pick([() => this.int(3) - 1, () => this.array(), () => this.chance(0.5), () => this.ints()])() };
      }
    }
  }

  /** An argument list: plausible values, with junk mixed in. */
  args(): unknown[] {
    const n = this.int(5);
    const out: unknown[] = [];
    const junkRate = this.pick([0.1, 0.3, 0.7]);
    for (let i = 0; i < n; ++i) out.push(this.chance(junkRate) ? this.value() : this.plausible());
    return out;
  }
}

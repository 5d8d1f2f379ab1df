// nn.Module: MLX's base class of layers and models. A module's parameters are
// its attributes holding arrays, modules, or JS arrays / plain objects of
// them; parameters() and friends walk those, and tree walks (mx.eval,
// mx.dispose, tree.map, compile's inputs/outputs, grad's arguments) see a
// module as a node whose children are those attributes (tree_walk.ts's
// treeChildren hook).

import { decodeSafetensors, encodeSafetensors } from "../io/safetensors.js";
import { decodeNpz } from "../io/npz.js";
import { MxArray } from "../array.js";
import { keepArrays } from "../scope.js";
import { checkDepth, flattenAs, isPlainObject, leavesAs, treeAssign, treeChildren } from "../tree_walk.js";
import { unflatten } from "../tree.js";
import { describe } from "../describe.js";
import { nnOptions } from "./options.js";
import type { Dtype } from "../dtype.js";

const isFloating = (d: Dtype) => d.name === "float16" || d.name === "bfloat16" || d.name === "float32" || d.name === "float64";

/** (module, key, value) -> whether to select the value; as MLX's filter functions. */
export type ModuleFilter = (module: Module, key: string, value: unknown) => boolean;

// Assignments made while this is positive are not kept (see the Proxy below):
// nn.valueAndGrad swaps tracers in and the originals back, and compile does
// the same through treeAssign; those must stay owned by the transform.
let keepSuspended = 0;

/** @internal runs fn with module assignments not kept (tracers swapped in and out) */
export function withoutKeep<T>(fn: () => T): T {
  keepSuspended++;
  try {
    return fn();
  } finally {
    keepSuspended--;
  }
}

function keepAssigned(value: unknown): void {
  if (keepSuspended > 0) return;
  if (value instanceof MxArray) keepArrays([value]);
  else if (globalThis.Array.isArray(value) || isPlainObject(value))
    keepArrays(leavesAs(value, "nn.Module").filter((l): l is MxArray => l instanceof MxArray));
}

// A module is returned from its constructor wrapped in this Proxy so that an
// array it assigns to itself (a parameter made in a constructor inside
// mx.tidy, BatchNorm's running statistics inside a transform) is kept, as
// if mx.keep'ed: module state outlives the scope that computed it.
const keepOnAssign: ProxyHandler<Module> = {
  set(target, key, value) {
    keepAssigned(value);
    return Reflect.set(target, key, value);
  },
  defineProperty(target, key, desc) {
    if ("value" in desc) keepAssigned(desc.value);
    return Reflect.defineProperty(target, key, desc);
  },
};

/**
 * `[path, module]` for the modules in a tree of containers (children()'s
 * result), not looking inside the modules: a module is a tree node for
 * every other walk, a leaf here.
 */
function moduleEntries(tree: unknown, prefix: string): [string, Module][] {
  const out: [string, Module][] = [];
  const stack: [string, unknown, number][] = [[prefix, tree, 0]];
  while (stack.length) {
    const [path, v, depth] = stack.pop()!;
    checkDepth(depth, "nn.Module");
    if (v instanceof Module) {
      out.push([path, v]);
      continue;
    }
    const entries: [string, unknown][] = globalThis.Array.isArray(v) ? v.map((x, i) => [String(i), x])
      : isPlainObject(v) ? Object.entries(v) : [];
    for (let i = entries.length - 1; i >= 0; --i) {
      const [k, x] = entries[i]!;
      stack.push([path ? `${path}.${k}` : k, x, depth + 1]);
    }
  }
  return out;
}

const isContainer = (v: unknown): v is unknown[] | Record<string, unknown> =>
  globalThis.Array.isArray(v) || isPlainObject(v);

/** A value stored in a module that is part of its tree: an array, a module, a JS array or plain object. */
const isTreeValue = (v: unknown) => v instanceof MxArray || v instanceof Module || isContainer(v);

const typeOf = (v: unknown) => (v === null ? "null" : typeof v === "object" ? (v as object).constructor?.name ?? "object" : typeof v);

export interface FreezeOptions {
  /** Also (un)freeze the submodules (default true). */
  recurse?: boolean;
  /** Only these parameter names (default: all of the module's own parameters). */
  keys?: string | string[];
  /** Check that the keys exist (default false). */
  strict?: boolean;
}

/**
 * Base class of layers and models (MLX's nn.Module). Subclasses call
 * `super()`, assign their parameters and submodules as attributes, and
 * define `forward(...)`.
 */
export class Module {
  // Bookkeeping lives in non-enumerable properties: not parameters, not tree children.
  declare _training: boolean;
  declare _noGrad: Set<string>;

  constructor() {
    Object.defineProperty(this, "_training", { value: true, writable: true, enumerable: false, configurable: true });
    Object.defineProperty(this, "_noGrad", { value: new Set<string>(), writable: true, enumerable: false, configurable: true });
    return new Proxy(this, keepOnAssign);
  }

  /** The module's computation; how a module is called. */
  forward(..._args: any[]): any {
    throw new Error(`[nn.Module] ${this.constructor.name} does not define forward().`);
  }

  /** Whether the module is in training mode (see train()/eval()). */
  get training(): boolean {
    return this._training;
  }

  /** The module itself: the live tree of its state, for compile's `inputs`/`outputs`. */
  get state(): this {
    return this;
  }

  /** The keys of this module's tree children, in assignment order. */
  [treeChildren](): string[] {
    return Object.keys(this).filter((k) => isTreeValue((this as any)[k]));
  }

  [treeAssign](key: string, value: unknown): void {
    withoutKeep(() => ((this as any)[key] = value));
  }

  static isModule(value: unknown): value is Module {
    return value instanceof Module;
  }

  /** MLX's default child filter: JS arrays, plain objects and modules. */
  static validChildFilter: ModuleFilter = (_m, _k, v) => isContainer(v) || v instanceof Module;

  /** MLX's default parameter filter: arrays and containers under keys not starting with "_". */
  static validParameterFilter: ModuleFilter = (_m, k, v) =>
    (v instanceof MxArray || isContainer(v) || v instanceof Module) && !k.startsWith("_");

  /** validParameterFilter minus the frozen keys. */
  static trainableParameterFilter: ModuleFilter = (m, k, v) =>
    Module.validParameterFilter(m, k, v) && !m._noGrad.has(k);

  /**
   * The module's contents selected by `filterFn` (recursively through
   * submodules and containers), each leaf passed through `mapFn`; a
   * container element the filter drops stays as `{}`, so list positions
   * keep their indices (as MLX).
   */
  filterAndMap(
    filterFn: ModuleFilter,
    mapFn: (v: any) => unknown = (v) => v,
    isLeafFn: ModuleFilter = (_m, _k, v) => !(v instanceof Module) && !isContainer(v),
  ): Record<string, unknown> {
    const unwrap = (model: Module, key: string, value: unknown, depth: number): unknown => {
      checkDepth(depth, "nn.Module");
      if (isLeafFn(model, key, value)) return mapFn(value);
      if (value instanceof Module) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(value)) {
          const v = (value as any)[k];
          if (filterFn(value, k, v)) out[k] = unwrap(value, k, v, depth + 1);
        }
        return out;
      }
      if (globalThis.Array.isArray(value))
        return value.map((v, i) => {
          const tk = `${key}.${i}`;
          return filterFn(model, tk, v) ? unwrap(model, tk, v, depth + 1) : {};
        });
      if (isPlainObject(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
          const tk = `${key}.${k}`;
          out[k] = filterFn(model, tk, v) ? unwrap(model, tk, v, depth + 1) : {};
        }
        return out;
      }
      throw new Error(`[nn.Module] Unexpected leaf '${key}' (${typeOf(value)}) while walking the module.`);
    };
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(this)) {
      const v = (this as any)[k];
      if (filterFn(this, k, v)) out[k] = unwrap(this, k, v, 1);
    }
    return out;
  }

  /** Every array of the module (and its submodules) as a tree of plain objects and lists. */
  parameters(): Record<string, any> {
    return this.filterAndMap(Module.validParameterFilter);
  }

  /** parameters() without the frozen ones. */
  trainableParameters(): Record<string, any> {
    return this.filterAndMap(Module.trainableParameterFilter);
  }

  /** The direct submodules, in their containers. */
  children(): Record<string, any> {
    return this.filterAndMap(Module.validChildFilter, undefined, (_m, _k, v) => v instanceof Module);
  }

  /** The submodules that contain no other module. */
  leafModules(): Record<string, any> {
    const isLeafModule: ModuleFilter = (_m, _k, v) =>
      v instanceof Module && moduleEntries(v.children(), "").length === 0;
    return this.filterAndMap(Module.validChildFilter, undefined, isLeafModule);
  }

  /**
   * Replaces parameters with those of `parameters`, a complete or partial
   * tree like parameters()'s. With `strict` (default), every key must exist
   * and replace an array with an array.
   */
  update(parameters: Record<string, unknown> | unknown[], options?: { strict?: boolean }): this {
    const tag = "nn.Module.update";
    const strict = nnOptions(options, tag, ["strict"]).strict ?? true;
    const put = (dst: any, key: string | number, value: unknown, depth: number, write: boolean) => {
      const current = dst[key];
      if (current instanceof MxArray) {
        if (strict && !(value instanceof MxArray))
          throw new Error(`[${tag}] Received invalid type: ${typeOf(value)} for parameter '${key}'.`);
        if (write) dst[key] = value;
      } else apply(current, value, depth + 1, write);
    };
    const apply = (dst: any, params: unknown, depth: number, write: boolean): void => {
      checkDepth(depth, tag);
      if (isPlainObject(params)) {
        for (const k of Object.keys(params)) {
          if (dst !== null && typeof dst === "object" && !globalThis.Array.isArray(dst) && k in dst) put(dst, k, params[k], depth, write);
          else if (strict) throw new Error(`[${tag}] Module does not have parameter named "${k}".`);
        }
      } else if (globalThis.Array.isArray(params)) {
        for (let i = 0; i < params.length; ++i) {
          if (!globalThis.Array.isArray(dst) || i >= dst.length) {
            if (strict)
              throw new Error(`[${tag}] List index ${i} is out of bounds for destination of length ${globalThis.Array.isArray(dst) ? dst.length : 0}.`);
            continue;
          }
          put(dst, i, params[i], depth, write);
        }
      } else if (strict) throw new Error(`[${tag}] Received invalid type: ${typeOf(params)}.`);
    };
    // A strict update is checked whole before anything is written: a bad tree changes nothing.
    if (strict) apply(this, parameters, 1, false);
    apply(this, parameters, 1, true);
    return this;
  }

  /** Maps the parameters selected by `filterFn` (default validParameterFilter) with `mapFn` and stores the results. */
  apply(mapFn: (x: MxArray) => MxArray, filterFn: ModuleFilter = Module.validParameterFilter): this {
    if (typeof mapFn !== "function") throw new Error(`[nn.Module.apply] Expected a function, got ${describe(mapFn)}.`);
    return this.update(this.filterAndMap(filterFn, mapFn));
  }

  /**
   * Casts the parameters whose dtype `predicate` accepts (default: the
   * floating ones, so integer parameters keep their type) to `dtype`.
   */
  setDtype(dtype: Dtype, predicate: ((d: Dtype) => boolean) | null = (d) => isFloating(d)): this {
    const accept = predicate ?? (() => true);
    return this.apply((x) => (accept(x.dtype) ? x.astype(dtype) : x));
  }

  /**
   * Replaces submodules with those of `modules`, a complete or partial tree
   * like children()'s (MLX's update_modules). With `strict` (default),
   * every key must name a submodule or a container of them.
   */
  updateModules(modules: Record<string, unknown> | unknown[], options?: { strict?: boolean }): this {
    const tag = "nn.Module.updateModules";
    const strict = nnOptions(options, tag, ["strict"]).strict ?? true;
    const put = (dst: any, key: string | number, value: unknown, depth: number, write: boolean) => {
      const current = dst[key];
      if (current instanceof Module && value instanceof Module) {
        if (write) dst[key] = value;
      } else if (isContainer(current)) apply(current, value, depth + 1, write);
      else if (strict && !(isPlainObject(value) && Object.keys(value).length === 0))
        throw new Error(`[${tag}] Received invalid type: ${typeOf(value)} for '${key}'.`);
    };
    const apply = (dst: any, mods: unknown, depth: number, write: boolean): void => {
      checkDepth(depth, tag);
      if (isPlainObject(mods)) {
        for (const k of Object.keys(mods)) {
          if (dst !== null && typeof dst === "object" && !globalThis.Array.isArray(dst) && k in dst) put(dst, k, mods[k], depth, write);
          else if (strict) throw new Error(`[${tag}] Module does not have sub-module named "${k}".`);
        }
      } else if (globalThis.Array.isArray(mods)) {
        for (let i = 0; i < mods.length; ++i) {
          if (!globalThis.Array.isArray(dst) || i >= dst.length) {
            if (strict)
              throw new Error(`[${tag}] List index ${i} is out of bounds for destination of length ${globalThis.Array.isArray(dst) ? dst.length : 0}.`);
            continue;
          }
          put(dst, i, mods[i], depth, write);
        }
      } else if (strict) throw new Error(`[${tag}] Received invalid type: ${typeOf(mods)}.`);
    };
    apply(this, modules, 1, false); // check everything first: a bad tree changes nothing
    apply(this, modules, 1, true);
    return this;
  }

  /** Calls `fn(path, module)` on this module and every submodule ("layers.0.linear"). */
  applyToModules(fn: (path: string, module: Module) => unknown): this {
    const stack: [string, Module][] = [["", this]];
    while (stack.length) {
      const [prefix, mod] = stack.pop()!;
      fn(prefix, mod);
      stack.push(...moduleEntries(mod.children(), prefix));
    }
    return this;
  }

  /** This module and all its submodules. */
  modules(): Module[] {
    const out: Module[] = [];
    this.applyToModules((_k, m) => void out.push(m));
    return out;
  }

  /** `[path, module]` for this module ("") and all its submodules. */
  namedModules(): [string, Module][] {
    const out: [string, Module][] = [];
    this.applyToModules((k, m) => void out.push([k, m]));
    return out;
  }

  private validateKeys(keys: string[], strict: boolean, tag: string): string[] {
    if (strict) for (const k of keys) if (!(k in this)) throw new Error(`[${tag}] Module doesn't contain member ${k}.`);
    return keys;
  }

  private freezeArgs(options: FreezeOptions | undefined, tag: string) {
    const o = nnOptions(options, tag, ["recurse", "keys", "strict"]);
    let keys: string[] | null = null;
    if (o.keys !== undefined && o.keys !== null) {
      keys = typeof o.keys === "string" ? [o.keys] : o.keys;
      if (!globalThis.Array.isArray(keys) || keys.some((k) => typeof k !== "string"))
        throw new Error(`[${tag}] keys must be a string or a list of strings, got ${describe(o.keys)}.`);
    }
    const recurse = o.recurse ?? true;
    let strict = o.strict ?? false;
    if (recurse && strict && keys) {
      const mods = this.modules();
      for (const k of keys) if (!mods.some((m) => k in m)) throw new Error(`[${tag}] Module doesn't contain member ${k}.`);
      strict = false;
    }
    return { keys, recurse, strict };
  }

  /** Excludes parameters from trainableParameters() (and so from nn.valueAndGrad). */
  freeze(options?: FreezeOptions): this {
    const tag = "nn.Module.freeze";
    const { keys, recurse, strict } = this.freezeArgs(options, tag);
    const freezeOne = (_p: string, m: Module) => {
      const local = keys ?? flattenAs(
        m.filterAndMap((mm, k, v) => !(v instanceof Module) && Module.validParameterFilter(mm, k, v)),
        tag,
      ).map(([k]) => k);
      for (const k of m.validateKeys(local, strict, tag)) m._noGrad.add(k);
    };
    if (recurse) this.applyToModules(freezeOne);
    else freezeOne("", this);
    return this;
  }

  /** Undoes freeze() for the given keys (default all). */
  unfreeze(options?: FreezeOptions): this {
    const tag = "nn.Module.unfreeze";
    const { keys, recurse, strict } = this.freezeArgs(options, tag);
    const unfreezeOne = (_p: string, m: Module) => {
      if (keys === null) m._noGrad.clear();
      else for (const k of m.validateKeys(keys, strict, tag)) m._noGrad.delete(k);
    };
    if (recurse) this.applyToModules(unfreezeOne);
    else unfreezeOne("", this);
    return this;
  }

  /** Sets training mode on this module and its submodules (Dropout and BatchNorm act on it). */
  train(mode = true): this {
    if (typeof mode !== "boolean") throw new Error(`[nn.Module.train] mode must be a boolean, got ${describe(mode)}.`);
    this.applyToModules((_k, m) => (m._training = mode));
    return this;
  }

  /** train(false). */
  eval(): this {
    return this.train(false);
  }

  /**
   * Loads parameters by dotted name from `[name, array]` pairs or a record
   * of them, or from the bytes of a .safetensors or .npz file. With `strict` (default) the names must be exactly the module's
   * parameters and the shapes must match; otherwise only the names the
   * module has are loaded.
   */
  loadWeights(weights: [string, MxArray][] | Record<string, MxArray> | Uint8Array | ArrayBuffer, options?: { strict?: boolean }): this {
    const tag = "nn.Module.loadWeights";
    const strict = nnOptions(options, tag, ["strict"]).strict ?? true;
    if (weights instanceof Uint8Array || weights instanceof ArrayBuffer) {
      const bytes = weights instanceof ArrayBuffer ? new Uint8Array(weights) : weights;
      // As MLX's load_weights: .npz (a zip: "PK\x03\x04") or .safetensors.
      const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 3 && bytes[3] === 4;
      const arrays = isZip ? decodeNpz(bytes) : decodeSafetensors(bytes).arrays;
      const loaded = Object.values(arrays);
      try {
        this.loadWeights(Object.entries(arrays), options);
      } finally {
        // What the model took it holds; the rest (a failed strict check, names
        // a non-strict load skipped) is ours to free.
        const held = new Set(flattenAs(this.parameters(), tag).map(([, v]) => v));
        for (const a of loaded) if (!held.has(a)) a.dispose();
      }
      return this;
    }
    let pairs: [string, MxArray][];
    if (globalThis.Array.isArray(weights)) pairs = weights;
    else if (isPlainObject(weights)) pairs = Object.entries(weights) as [string, MxArray][];
    else throw new Error(`[${tag}] Expected [name, array] pairs, a record of arrays, or safetensors bytes, got ${describe(weights)}.`);
    pairs.forEach((p, i) => {
      if (!globalThis.Array.isArray(p) || p.length !== 2 || typeof p[0] !== "string")
        throw new Error(`[${tag}] Expected [name, array] pairs, but element ${i} is ${describe(p)}.`);
    });
    if (strict) {
      const given = new Map(pairs);
      const current = new Map(flattenAs(this.parameters(), tag) as [string, MxArray][]);
      const extras = [...given.keys()].filter((k) => !current.has(k)).sort();
      if (extras.length) throw new Error(`[${tag}] Received ${extras.length} parameters not in model: \n${extras.join(",\n")}.`);
      const missing = [...current.keys()].filter((k) => !given.has(k)).sort();
      if (missing.length) throw new Error(`[${tag}] Missing ${missing.length} parameters: \n${missing.join(",\n")}.`);
      for (const [k, v] of current) {
        const w = given.get(k);
        if (!(w instanceof MxArray)) throw new Error(`[${tag}] Expected mx.array but received ${typeOf(w)} for parameter ${k}.`);
        if (w.shape.length !== v.shape.length || w.shape.some((d, i) => d !== v.shape[i]))
          throw new Error(`[${tag}] Expected shape (${v.shape.join(",")}) but received shape (${w.shape.join(",")}) for parameter ${k}.`);
      }
    }
    if (pairs.length) this.update(unflatten(pairs) as Record<string, unknown>, { strict: false });
    return this;
  }

  /** The parameters as safetensors bytes, under their MLX names (`layers.0.weight`); MLX's load_weights reads them. */
  saveWeights(metadata?: Record<string, string>): Uint8Array {
    const tag = "nn.Module.saveWeights";
    return encodeSafetensors(Object.fromEntries(flattenAs(this.parameters(), tag) as [string, MxArray][]), metadata);
  }

  toString(): string {
    const children = moduleEntries(this.children(), "");
    let s = `${this.constructor.name}(${this.extraRepr()}`;
    for (const [k, v] of children) s += `\n  (${k}): ${String(v).split("\n").join("\n  ")}`;
    if (children.length) s += "\n";
    return s + ")";
  }

  /** What toString() shows between the parentheses. */
  protected extraRepr(): string {
    return "";
  }
}

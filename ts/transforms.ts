// Function transformations on JS functions over trees of arrays. The C++ core
// does the work (wasm/transforms.cpp); this layer flattens argument and
// output trees to lists of arrays, validates them with MLX's errors, and runs
// the user's function as a callback inside a scope that frees its tracers and
// intermediates.

import { MxArray, fromHandle } from "./array.js";
import { core } from "./runtime.js";
import { keepArrays, scoped } from "./scope.js";
import { checkDepth, flattenAs, isPlainObject, leavesAs, rebuild } from "./tree_walk.js";
import { refill } from "./refill.js";
import { optionsArg } from "./args.js";
import { describePhrase as describe } from "./describe.js";
import type { GradOptionsFor, GradResult, OutputList } from "./tree_types.js";

type AnyFn = (...args: any[]) => any;

/**
 * @internal What a traced function returned, which a transform can't use if
 * it is a Promise (an async function: transforms trace synchronous code).
 * The transform drops that promise, so it also takes care of its rejection,
 * which would otherwise end a Node process as unhandled.
 */
export function traceable<T>(out: T, tag: string): T {
  if (out instanceof Promise) {
    out.catch(() => undefined);
    throw new Error(`[${tag}] The function returned a Promise: transforms trace synchronous functions (await outside them).`);
  }
  return out;
}

/**
 * Runs `fn` on tracer arrays from C++: wraps the input handles, calls fn in a
 * scope, and returns fresh handles of its array outputs (every array fn
 * created, inputs and outputs included, is freed when it returns).
 */
function callback(fn: (inputs: MxArray[]) => MxArray[]) {
  const c = core();
  return (handles: number[]): number[] =>
    scoped(
      () => {
        const inputs = handles.map((h) => fromHandle(h));
        return fn(inputs).map((a) => c.check(c.m._wmx_retain(a.handle)));
      },
      () => [],
    );
}

function arrayLeaves(tree: unknown, tag: string, what: string): MxArray[] {
  return flattenAs(tree, tag).map(([path, leaf]) => {
    if (!(leaf instanceof MxArray))
      throw new Error(`[${tag}] ${what} must contain only arrays, but ${path ? `'${path}'` : "it"} is ${describe(leaf)}.`);
    return leaf;
  });
}

/** Calls the core with a list of handles followed by a list of ints, then takes its results. */
function runTransform(run: (fnId: number, ptr: number) => number, f: (i: MxArray[]) => MxArray[], ints: number[]): MxArray[] {
  const c = core();
  const n = c.withCallback(callback(f), (id) => c.withInts(ints, (p) => run(id, p)));
  if (n < 0) c.fail();
  return c.takeResults(n).map((h) => fromHandle(h));
}

// ---- grad / valueAndGrad ----

export interface GradOptions {
  argnums?: number | readonly number[];
  argnames?: string | readonly string[];
}

function gradOptions(options: GradOptions, tag: string): { argnums: number[]; argnames: string[] } {
  const opts = optionsArg<GradOptions>(options, tag, ["argnums", "argnames"]);
  const list = (v: unknown, what: string): unknown[] => {
    if (!globalThis.Array.isArray(v)) throw new Error(`[${tag}] ${what}, got ${describe(v)}.`);
    return [...v];
  };
  const argnames = (opts.argnames === undefined ? [] : typeof opts.argnames === "string" ? [opts.argnames]
    : list(opts.argnames, "argnames must be a string or a list of strings")) as string[];
  let argnums: number[];
  if (opts.argnums === undefined) argnums = argnames.length ? [] : [0];
  else argnums = (typeof opts.argnums === "number" ? [opts.argnums]
    : list(opts.argnums, "argnums must be an integer or a list of integers")) as number[];
  for (const a of argnums) {
    if (!Number.isInteger(a)) throw new Error(`[${tag}] argnums must be integers, got ${describe(a)}.`);
    if (a < 0) throw new Error(`[${tag}] Can't compute the gradient of negative argument index ${a}.`);
  }
  argnums.sort((x, y) => x - y);
  for (let i = 1; i < argnums.length; ++i)
    if (argnums[i] === argnums[i - 1]) throw new Error(`[${tag}] Duplicate argument index ${argnums[i]} is not allowed.`);
  for (const n of argnames) if (typeof n !== "string") throw new Error(`[${tag}] argnames must be strings, got ${describe(n)}.`);
  if (new Set(argnames).size !== argnames.length) throw new Error(`[${tag}] Duplicate argument names are not allowed.`);
  if (argnums.length === 0 && argnames.length === 0)
    throw new Error(`[${tag}] Gradient wrt no argument requested: provide at least one of argnums or argnames.`);
  return { argnums, argnames };
}

function makeValueAndGrad(fn: AnyFn, opts: GradOptions, tag: "grad" | "valueAndGrad") {
  if (typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  const { argnums, argnames } = gradOptions(opts, tag);
  return (...args: any[]): [unknown, unknown] => {
    let positional = args;
    let kwargs: Record<string, unknown> = {};
    if (argnames.length) {
      const last = args[args.length - 1];
      if (!isPlainObject(last))
        throw new Error(`[${tag}] argnames ${JSON.stringify(argnames)} name properties of the last argument, which must be a plain object, but got ${describe(last)}.`);
      positional = args.slice(0, -1);
      kwargs = last;
    }
    for (const a of argnums)
      if (a >= positional.length)
        throw new Error(`[${tag}] Can't compute the gradient of argument index ${a} because the function was called with only ${positional.length} positional argument${positional.length === 1 ? "" : "s"}.`);
    for (const n of argnames)
      if (!(n in kwargs))
        throw new Error(`[${tag}] Can't compute the gradient of argument '${n}' because the function was called with the named arguments ${JSON.stringify(Object.keys(kwargs))}.`);

    // The differentiated trees, in order: positional argnums, then argnames.
    const trees = [...argnums.map((a) => positional[a]), ...argnames.map((n) => kwargs[n])];
    const labels = [...argnums.map((a) => `argument ${a}`), ...argnames.map((n) => `argument '${n}'`)];
    const diff = trees.map((t, i) => arrayLeaves(t, tag, `The differentiated ${labels[i]}`));
    const flat = diff.flat();

    let outTree: unknown = null; // fn's output with its array leaves, recorded during the trace
    let outArrays = 0;
    const traced = (tracers: MxArray[]): MxArray[] => {
      let at = 0;
      const newTrees = trees.map((t) => {
        const r = refill(t, tracers, at, undefined, tag);
        at = r.next;
        return r.tree;
      });
      const pos = [...positional];
      argnums.forEach((a, i) => (pos[a] = newTrees[i]));
      const kw = { ...kwargs };
      argnames.forEach((n, i) => (kw[n] = newTrees[argnums.length + i]));
      const out = traceable(fn(...pos, ...(argnames.length ? [kw] : [])), tag);
      const loss = out instanceof MxArray ? out : globalThis.Array.isArray(out) && out.length > 0 ? out[0] : undefined;
      if (!(loss instanceof MxArray) || loss.ndim !== 0 || (tag === "grad" && !(out instanceof MxArray))) {
        throw new Error(
          tag === "grad"
            ? `[grad] The function must return a scalar array, but it returned ${describe(out)}.`
            : `[valueAndGrad] The function must return a scalar array or a non-empty JS array whose first element is a scalar array, but it returned ${describe(out)}.`,
        );
      }
      outTree = out;
      const outs = leavesAs(out, tag).filter((l): l is MxArray => l instanceof MxArray);
      outArrays = outs.length;
      return outs;
    };

    const c = core();
    const results = runTransform(
      (id, p) => c.m._wmx_value_and_grad(id, p, flat.length, p + flat.length * 4, flat.length, tag === "grad" ? 0 : 1),
      traced,
      [...flat.map((a) => a.handle), ...flat.map((_, i) => i)],
    );
    const values = results.slice(0, outArrays);
    const grads = results.slice(outArrays);

    // Rebuild fn's output (non-array leaves come back as they were) and the gradient trees.
    let vi = 0;
    const value = refill(outTree, leavesAs(outTree, tag).map((l) => (l instanceof MxArray ? values[vi++] : l)), 0, undefined, tag).tree;
    let gi = 0;
    const gradTrees = trees.map((t) => {
      const r = refill(t, grads, gi, undefined, tag);
      gi = r.next;
      return r.tree;
    });
    const posGrads = argnums.length === 0 ? null : argnums.length === 1 ? gradTrees[0] : gradTrees.slice(0, argnums.length);
    if (!argnames.length) return [value, posGrads];
    const named: Record<string, unknown> = {};
    argnames.forEach((n, i) => (named[n] = gradTrees[argnums.length + i]));
    return [value, [posGrads, named]];
  };
}

/**
 * `fn`'s value and its gradient w.r.t. the arguments chosen by argnums
 * (default 0) and argnames (properties of the last argument, a plain object).
 * The gradients are typed like the arguments (see GradResult): with `fn` of
 * `(params: {w: Array, b: Array}, x: Array)`, the gradient is a
 * `{w: Array, b: Array}`; `{argnums: [0, 1]}` gives a tuple of two.
 */
export function valueAndGrad<F extends AnyFn, const O extends GradOptionsFor<Parameters<F>> = {}>(
  fn: F,
  opts: O = {} as O,
): (...args: Parameters<F>) => [ReturnType<F>, GradResult<Parameters<F>, O>] {
  return makeValueAndGrad(fn, opts, "valueAndGrad") as any;
}

/** The gradient of a scalar-valued `fn` (see valueAndGrad), typed like the arguments it is taken of. */
export function grad<F extends AnyFn, const O extends GradOptionsFor<Parameters<F>> = {}>(
  fn: F,
  opts: O = {} as O,
): (...args: Parameters<F>) => GradResult<Parameters<F>, O> {
  const vg = makeValueAndGrad(fn, opts, "grad");
  return (...args: any[]): any => {
    const [value, g] = vg(...args);
    for (const a of leavesAs(value, "grad")) if (a instanceof MxArray) a.dispose();
    return g;
  };
}

// ---- vjp / jvp ----

function outputsOf(out: unknown, tag: string): MxArray[] {
  if (out instanceof MxArray) return [out];
  if (globalThis.Array.isArray(out) && out.every((o) => o instanceof MxArray)) return out;
  throw new Error(`[${tag}] The function must return an array or a JS array of arrays, but it returned ${describe(out)}.`);
}

function arrayList(v: unknown, tag: string, what: string): MxArray[] {
  if (!globalThis.Array.isArray(v)) throw new Error(`[${tag}] ${what} must be a JS array of arrays, got ${describe(v)}.`);
  v.forEach((a, i) => {
    if (!(a instanceof MxArray)) throw new Error(`[${tag}] ${what} must contain only arrays, but element ${i} is ${describe(a)}.`);
  });
  return v as MxArray[];
}

function pairTransform(tag: "vjp" | "jvp", fn: AnyFn, primals: MxArray[], second: MxArray[]): [MxArray[], MxArray[]] {
  if (typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  const p = arrayList(primals, tag, "primals");
  const s = arrayList(second, tag, tag === "vjp" ? "cotangents" : "tangents");
  let nOut = 0;
  const c = core();
  const results = runTransform(
    (id, ptr) =>
      (tag === "vjp" ? c.m._wmx_vjp : c.m._wmx_jvp)(id, ptr, p.length, ptr + p.length * 4, s.length),
    (tracers) => {
      const outs = outputsOf(traceable(fn(...tracers), tag), tag);
      nOut = outs.length;
      return outs;
    },
    [...p.map((a) => a.handle), ...s.map((a) => a.handle)],
  );
  return [results.slice(0, nOut), results.slice(nOut)];
}

/**
 * `[fn(...primals), cotangents of the primals]` given cotangents of fn's
 * outputs (one per output: an array output counts as a list of one).
 */
export function vjp<P extends MxArray[], R extends MxArray | readonly [] | readonly MxArray[]>(
  fn: (...primals: P) => R,
  primals: [...P],
  cotangents: OutputList<R>,
): [OutputList<R>, P] {
  return pairTransform("vjp", fn, primals, cotangents) as [OutputList<R>, P];
}

/** `[fn(...primals), tangents of fn's outputs]` given tangents of the primals (one per primal). */
export function jvp<P extends MxArray[], R extends MxArray | readonly [] | readonly MxArray[]>(
  fn: (...primals: P) => R,
  primals: [...P],
  tangents: [...P],
): [OutputList<R>, OutputList<R>] {
  return pairTransform("jvp", fn, primals, tangents) as [OutputList<R>, OutputList<R>];
}

// ---- memory helpers that live with the scopes ----

/**
 * Runs fn and frees every array it created except those it returns (and kept
 * ones). fn may be async: the arrays are freed when its promise settles.
 */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== "function") throw new Error(`[tidy] Expected a function, got ${describe(fn)}.`);
  const survivors = (r: unknown) => leavesAs(r, "tidy").filter((l): l is MxArray => l instanceof MxArray);
  // The result is walked once inside fn's part of the scope too: a result
  // tidy can't walk (nested too deep) then fails like fn throwing would,
  // freeing what fn made, instead of failing while the scope is closed.
  const checked = () => {
    const r = fn();
    if (r instanceof Promise) return r.then((v) => (survivors(v), v)) as T;
    survivors(r);
    return r;
  };
  return scoped(checked, survivors);
}

/** Exempts the arrays of a tree from enclosing tidy() calls and transforms; returns the tree. */
export function keep<T>(tree: T): T {
  keepArrays(leavesAs(tree, "keep").filter((l): l is MxArray => l instanceof MxArray));
  return tree;
}

/** Disposes every array leaf of the given trees. */
export function dispose(...trees: unknown[]): void {
  for (const l of leavesAs(trees, "dispose")) if (l instanceof MxArray) l.dispose();
}

// ---- vmap ----

/** Axis of a vmap spec: a number, or null for "not mapped". */
export type AxisSpec = number | null | AxisSpec[] | { [key: string]: AxisSpec };

export interface VmapOptions {
  inAxes?: AxisSpec;
  outAxes?: AxisSpec;
}

const NO_AXIS = -2147483648; // wasm/transforms.cpp's "not mapped"

/**
 * The axis of every array leaf of `tree`, from a prefix tree of axes: a
 * number or null applies to everything below it. (An explicit stack, as
 * every tree walk: see tree_walk.ts.)
 */
function leafAxes(tree: unknown, spec: unknown, what: string, out: number[]): void {
  const stack: [unknown, unknown, string, number][] = [[tree, spec, "", 1]];
  while (stack.length) {
    const [t, sp, path, depth] = stack.pop()!;
    checkDepth(depth, "vmap");
    const where = path ? ` at '${path}'` : "";
    if (sp === null || typeof sp === "number") {
      if (typeof sp === "number" && !(Number.isInteger(sp) && Math.abs(sp) <= 0x7fffffff))
        throw new Error(`[vmap] ${what} axes must be integers or null, got ${sp}${where}.`);
      for (const [p, leaf] of flattenAs(t, "vmap", path)) {
        if (!(leaf instanceof MxArray))
          throw new Error(`[vmap] ${what} must contain only arrays, but ${p ? `'${p}'` : "it"} is ${describe(leaf)}.`);
        out.push(sp === null ? NO_AXIS : sp);
      }
      continue;
    }
    const sub = (k: string | number) => (path ? `${path}.${k}` : String(k));
    // Children go on the stack last first, so they come off in flatten() order.
    if (globalThis.Array.isArray(sp)) {
      if (!globalThis.Array.isArray(t) || t.length !== sp.length)
        throw new Error(`[vmap] The ${what.toLowerCase()} axes${where} are a list of length ${sp.length}, which doesn't match ${describe(t)}.`);
      for (let i = sp.length - 1; i >= 0; --i) stack.push([t[i], sp[i], sub(i), depth + 1]);
      continue;
    }
    if (isPlainObject(sp)) {
      if (!isPlainObject(t))
        throw new Error(`[vmap] The ${what.toLowerCase()} axes${where} are an object, which doesn't match ${describe(t)}.`);
      const keys = Object.keys(t);
      for (const k of keys) if (!(k in sp)) throw new Error(`[vmap] The ${what.toLowerCase()} axes${where} have no entry for '${k}'.`);
      for (let i = keys.length - 1; i >= 0; --i) stack.push([t[keys[i]!], sp[keys[i]!], sub(keys[i]!), depth + 1]);
      continue;
    }
    throw new Error(`[vmap] ${what} axes must be numbers, null or trees of them, got ${describe(sp)}${where}.`);
  }
}

/** Maps `fn` over axes of its arguments (default: axis 0 of every array). */
export function vmap<F extends AnyFn>(fn: F, options: VmapOptions = {}): (...args: Parameters<F>) => ReturnType<F> {
  if (typeof fn !== "function") throw new Error(`[vmap] Expected a function, got ${describe(fn)}.`);
  const opts = optionsArg<VmapOptions>(options, "vmap", ["inAxes", "outAxes"]);
  const inSpec = opts.inAxes === undefined ? 0 : opts.inAxes;
  const outSpec = opts.outAxes === undefined ? 0 : opts.outAxes;
  return ((...args: any[]) => {
    // With one argument the axes describe that argument ([k] also means axis k).
    const single = args.length === 1;
    const tree: unknown = single ? args[0] : args;
    let spec: unknown = inSpec;
    if (single && globalThis.Array.isArray(inSpec) && inSpec.length === 1 && !globalThis.Array.isArray(args[0])) spec = inSpec[0];
    const axes: number[] = [];
    leafAxes(tree, spec, "Inputs", axes);
    const inputs = leavesAs(tree, "vmap") as MxArray[];

    let outTree: unknown = null;
    const c = core();
    const traced = (handles: number[]): number[] =>
      scoped(
        () => {
          const tracers = handles.map((h) => fromHandle(h));
          const rebuilt = refill(tree, tracers, 0, undefined, "vmap").tree;
          const out = traceable(single ? fn(rebuilt) : fn(...(rebuilt as unknown[])), "vmap");
          const outAxes: number[] = [];
          let ospec: unknown = outSpec;
          if (globalThis.Array.isArray(outSpec) && outSpec.length === 1 && out instanceof MxArray) ospec = outSpec[0];
          leafAxes(out, ospec, "Outputs", outAxes);
          outTree = out;
          const outs = leavesAs(out, "vmap") as MxArray[];
          return [...outs.map((a) => c.check(c.m._wmx_retain(a.handle))), ...outAxes];
        },
        () => [],
      );
    const ints = [...inputs.map((a) => a.handle), ...axes];
    const n = c.withCallback(traced, (id) => c.withInts(ints, (p) => c.m._wmx_vmap(id, p, inputs.length, p + inputs.length * 4)));
    if (n < 0) c.fail();
    const results = c.takeResults(n).map((h) => fromHandle(h));
    return refill(outTree, results, 0, undefined, "vmap").tree;
  }) as any;
}

// ---- customFunction / checkpoint ----
//
// Both take trees like the other transforms: the array leaves of the
// arguments are the node's inputs, every other leaf is a constant that the
// function and its rules see as is (and that gets no gradient). Rules work
// on trees too, shaped like the arguments or like fn's output.

/** A tree's array leaves, in flatten() order. */
function arraysOf(tree: unknown, tag = "customFunction"): MxArray[] {
  return leavesAs(tree, tag).filter((l): l is MxArray => l instanceof MxArray);
}

/**
 * `tree` with its array leaves replaced, in order, by `values`; every other
 * leaf becomes `constant(leaf)` (kept as is by default).
 */
function fillArrays(
  tree: unknown,
  values: readonly unknown[],
  constant: (leaf: unknown) => unknown = (l) => l,
  tag = "customFunction",
): unknown {
  let i = 0;
  return rebuild(tree, tag, (leaf) => (leaf instanceof MxArray ? values[i++] : constant(leaf)));
}

function expectation(like: unknown): string {
  if (like instanceof MxArray) return "an array";
  if (globalThis.Array.isArray(like)) return `a JS array of length ${like.length}`;
  return `an object with the keys ${JSON.stringify(Object.keys(like as object))}`;
}

/**
 * The arrays of a rule's result `got`, which must have the structure of
 * `like` (a tree of arrays and constants): the same containers down to every
 * array leaf of `like`, and an array there. Where `like` holds no array (a
 * constant, or a subtree of constants) anything goes, `null` included: no
 * gradient or tangent flows there. (An explicit stack, as every tree walk.)
 */
function matchTree(got: unknown, like: unknown, tag: string, what: string, likeName: string): MxArray[] {
  const out: MxArray[] = [];
  const stack: [unknown, unknown, string, number][] = [[got, like, "", 1]];
  while (stack.length) {
    const [g, l, path, depth] = stack.pop()!;
    checkDepth(depth, tag);
    if (!arraysOf(l, tag).length) continue;
    const mismatch = () =>
      new Error(
        path
          ? `[${tag}] The ${what} must return a tree like ${likeName}, but at '${path}' it has ${describe(g)} where ${expectation(l)} is expected.`
          : `[${tag}] The ${what} must return ${expectation(l)}, like ${likeName}, but it returned ${describe(g)}.`,
      );
    const sub = (k: string | number) => (path ? `${path}.${k}` : String(k));
    // Children go on the stack last first, so they come off in flatten() order.
    if (l instanceof MxArray) {
      if (!(g instanceof MxArray)) throw mismatch();
      out.push(g);
    } else if (globalThis.Array.isArray(l)) {
      if (!globalThis.Array.isArray(g) || g.length !== l.length) throw mismatch();
      for (let i = l.length - 1; i >= 0; --i) stack.push([g[i], l[i], sub(i), depth + 1]);
    } else {
      const lo = l as Record<string, unknown>;
      if (!isPlainObject(g)) throw mismatch();
      const extra = Object.keys(g).find((k) => !(k in lo));
      if (extra !== undefined)
        throw new Error(`[${tag}] The ${what} must return a tree like ${likeName}, but ${path ? `at '${path}' ` : ""}it has the unexpected key '${extra}'.`);
      const keys = Object.keys(lo);
      for (let i = keys.length - 1; i >= 0; --i) stack.push([g[keys[i]!], lo[keys[i]!], sub(keys[i]!), depth + 1]);
    }
  }
  return out;
}

/**
 * One axis per array leaf of `like` from a prefix tree `spec` of numbers and
 * nulls (null: not batched). Constant leaves take no axis.
 */
function ruleAxes(like: unknown, spec: unknown, tag: string): (number | null)[] {
  const out: (number | null)[] = [];
  const stack: [unknown, unknown, string, number][] = [[like, spec, "", 1]];
  while (stack.length) {
    const [l, sp, path, depth] = stack.pop()!;
    checkDepth(depth, tag);
    const where = path ? ` at '${path}'` : "";
    if (sp === null || typeof sp === "number") {
      if (typeof sp === "number" && !Number.isInteger(sp))
        throw new Error(`[${tag}] The vmap rule's output axes must be integers or null, got ${sp}${where}.`);
      for (const _ of arraysOf(l, tag)) out.push(sp);
      continue;
    }
    const sub = (k: string | number) => (path ? `${path}.${k}` : String(k));
    if (globalThis.Array.isArray(sp) && globalThis.Array.isArray(l) && sp.length === l.length) {
      for (let i = l.length - 1; i >= 0; --i) stack.push([l[i], sp[i], sub(i), depth + 1]);
      continue;
    }
    if (isPlainObject(sp) && isPlainObject(l) && Object.keys(l).every((k) => k in sp)) {
      const keys = Object.keys(l);
      for (let i = keys.length - 1; i >= 0; --i) stack.push([l[keys[i]!], sp[keys[i]!], sub(keys[i]!), depth + 1]);
      continue;
    }
    throw new Error(
      `[${tag}] The vmap rule's output axes must be a number, null or a prefix tree of the outputs' structure, but${where ? ` ${where.slice(1)}` : ""} they are ${describe(sp)} where the outputs are ${describe(l)}.`,
    );
  }
  return out;
}

/** `fn`'s arguments as a tree, the array leaves as the C++ node's inputs. */
interface Arguments {
  /** customFunction or checkpoint: the tag of errors */
  tag: string;
  args: unknown[];
  arrays: MxArray[];
  /** The arguments with the arrays replaced by `values`, as fn or a rule sees them (one argument: itself). */
  view(values: readonly unknown[], constant?: (leaf: unknown) => unknown): unknown;
}

function argumentsOf(args: unknown[], tag: string): Arguments {
  return {
    tag,
    args,
    arrays: arraysOf(args, tag),
    view(values, constant) {
      const t = fillArrays(args, values, constant, tag) as unknown[];
      return args.length === 1 ? t[0] : t;
    },
  };
}

/**
 * fn as the C++ node's function: it rebuilds the arguments around the
 * tracers, calls fn and hands back the array leaves of its output, whose
 * tree (constant leaves included) it records in `out.tree`.
 */
function nodeFunction(fn: AnyFn, a: Arguments, out: { tree: unknown }) {
  return callback((ins) => {
    const result = traceable(fn(...(fillArrays(a.args, ins, undefined, a.tag) as unknown[])), a.tag);
    out.tree = result;
    return arraysOf(result, a.tag);
  });
}

export interface CustomFunction<F extends AnyFn> {
  (...args: Parameters<F>): ReturnType<F>;
  /** `f(primals, cotangents, outputs)` returns the primals' cotangents, a tree like the primals. */
  vjp(f: (primals: any, cotangents: any, outputs: any) => any): CustomFunction<F>;
  /** `f(primals, tangents)` returns the outputs' tangents, a tree like the outputs. */
  jvp(f: (primals: any, tangents: any) => any): CustomFunction<F>;
  /** `f(inputs, axes)` returns `[outputs, outAxes]` (axes: numbers, or null for not batched). */
  vmap(f: (inputs: any, axes: any) => [any, any]): CustomFunction<F>;
}

/**
 * `fn` with transform rules of its own (MLX's custom_function). Rules not
 * given fall back to transforming `fn`. Arguments are trees: their array
 * leaves are the primals and other leaves constants. Rules receive the
 * arguments as a list, or with one argument that argument itself; cotangents
 * and outputs have the structure of fn's output, tangents (null at constant
 * leaves) and axes (null: not batched) that of the arguments.
 */
export function customFunction<F extends AnyFn>(fn: F): CustomFunction<F> {
  if (typeof fn !== "function") throw new Error(`[customFunction] Expected a function, got ${describe(fn)}.`);
  const tag = "customFunction";
  let vjpRule: ((p: any, c: any, o: any) => any) | null = null;
  let jvpRule: ((p: any, t: any) => any) | null = null;
  let vmapRule: ((i: any, a: any) => [any, any]) | null = null;

  const cf = ((...args: any[]) => {
    const a = argumentsOf(args, tag);
    const np = a.arrays.length;
    const out = { tree: undefined as unknown };
    const nOut = () => arraysOf(out.tree).length;
    const c = core();
    const { vjp: v, jvp: j, vmap: m } = { vjp: vjpRule, jvp: jvpRule, vmap: vmapRule };
    const primalsName = args.length === 1 ? "the argument" : "the arguments";
    const fnId = c.registerPersistent(nodeFunction(fn, a, out));
    const vjpId = v
      ? c.registerPersistent(
          callback((all) => {
            const k = nOut();
            const cots = fillArrays(out.tree, all.slice(np, np + k));
            const outs = fillArrays(out.tree, all.slice(np + k));
            return matchTree(traceable(v(a.view(all.slice(0, np)), cots, outs), tag), a.view(a.arrays), tag, "vjp rule", primalsName);
          }),
        )
      : 0;
    const jvpId = j
      ? c.registerPersistent(
          callback((all) => {
            // Last comes a flag per primal: 0 where the input has no tangent (the rule gets null, as in MLX).
            const has = all.pop()!.tolist() as number[];
            const tangents = all.slice(np).map((t, i) => (has[i] ? t : null));
            return matchTree(traceable(j(a.view(all.slice(0, np)), a.view(tangents, () => null)), tag), out.tree, tag, "jvp rule", "the function's output");
          }),
        )
      : 0;
    const vmapId = m
      ? c.registerPersistent((handles: number[]): number[] =>
          scoped(
            () => {
              const all = handles.map((h) => fromHandle(h));
              const axes = (all.pop()!.tolist() as number[]).map((x) => (x < 0 ? null : x));
              const res = traceable(m(a.view(all), a.view(axes, () => null)), tag);
              if (!globalThis.Array.isArray(res) || res.length !== 2)
                throw new Error(`[${tag}] The vmap rule must return [outputs, axes], but it returned ${describe(res)}.`);
              const outs = matchTree(res[0], out.tree, tag, "vmap rule's outputs", "the function's output");
              // C++ reads -1 as "not batched": negative axes count from the end here.
              const oax = ruleAxes(out.tree, res[1], tag).map((x, k) => {
                if (x === null) return -1;
                const ax = x < 0 ? x + outs[k]!.ndim : x;
                if (ax < 0 || ax >= outs[k]!.ndim)
                  throw new Error(`[${tag}] The vmap rule's output axis ${x} is out of range for its output ${k} of shape (${outs[k]!.shape.join(",")}).`);
                return ax;
              });
              return [...outs.map((o) => c.check(c.m._wmx_retain(o.handle))), ...oax];
            },
            () => [],
          ),
        )
      : 0;
    const n = c.withInts(a.arrays.map((x) => x.handle), (p) => c.m._wmx_custom_function(fnId, vjpId, jvpId, vmapId, p, np));
    if (n < 0) c.fail();
    return fillArrays(out.tree, c.takeResults(n).map((h) => fromHandle(h)));
  }) as CustomFunction<F>;
  const rule = <R>(f: R, name: string): R => {
    if (typeof f !== "function") throw new Error(`[${tag}] The ${name} rule must be a function, got ${describe(f)}.`);
    return f;
  };
  cf.vjp = (f) => ((vjpRule = rule(f, "vjp")), cf);
  cf.jvp = (f) => ((jvpRule = rule(f, "jvp")), cf);
  cf.vmap = (f) => ((vmapRule = rule(f, "vmap")), cf);
  Object.defineProperty(cf, "name", { value: fn.name });
  return cf;
}

/**
 * `fn` (on trees, like customFunction), but under a gradient its forward pass
 * runs again in the backward pass instead of keeping intermediates.
 */
export function checkpoint<F extends AnyFn>(fn: F): (...args: Parameters<F>) => ReturnType<F> {
  if (typeof fn !== "function") throw new Error(`[checkpoint] Expected a function, got ${describe(fn)}.`);
  return ((...args: any[]) => {
    const a = argumentsOf(args, "checkpoint");
    const out = { tree: undefined as unknown };
    const c = core();
    const id = c.registerPersistent(nodeFunction(fn, a, out));
    const n = c.withInts(a.arrays.map((x) => x.handle), (p) => c.m._wmx_checkpoint(id, p, a.arrays.length));
    if (n < 0) c.fail();
    return fillArrays(out.tree, c.takeResults(n).map((h) => fromHandle(h)), undefined, "checkpoint");
  }) as any;
}

// mx.compile: traces a function once per cache key into a C++ graph
// (wasm/compile.cpp) and replays it afterwards without running the JS body.
// The key is the argument tree's structure, its constant leaves, and each
// array's shape and dtype. `inputs`/`outputs` capture state as in MLX: arrays
// read from `inputs` become graph inputs, arrays written into `outputs`
// during the trace are written back there after every call.

import { MxArray, dimsOf, fromHandle, shapeReads } from "./array.js";
import { core } from "./runtime.js";
import { keepArrays, scoped } from "./scope.js";
import { assignChild, flattenAs, isPlainObject, isTreeObject, walk } from "./tree_walk.js";
import { refill } from "./refill.js";
import { boolArg, optionsArg } from "./args.js";
import { describePhrase as describe } from "./describe.js";
import { traceable } from "./transforms.js";

const m = () => core().m;

type AnyFn = (...args: any[]) => any;

let enabled = true;
let envChecked = false;

/** Compiled functions run their JS body directly (no tracing) until enableCompile(). */
export function disableCompile(): void {
  enabled = false;
  envChecked = true;
}
export function enableCompile(): void {
  enabled = true;
  envChecked = true;
}
function compileEnabled(): boolean {
  if (!envChecked) {
    envChecked = true;
    const env = (globalThis as any).process?.env;
    if (env && env.WEBMX_DISABLE_COMPILE && env.WEBMX_DISABLE_COMPILE !== "0") enabled = false;
  }
  return enabled;
}

export interface CompileOptions {
  /**
   * A tree whose arrays the function reads (captured state: they become graph
   * inputs). Assigning a new array into it during the trace is an error
   * unless `outputs` carries that array out too.
   */
  inputs?: unknown;
  /** A tree the function writes arrays into (captured state: updated after every call). */
  outputs?: unknown;
  /**
   * Trace once per rank and dtype instead of per shape: calls with new
   * shapes replay the same graph. Elementwise ops, broadcasting, transposes,
   * squeeze/expandDims/flatten/unflatten, reductions (mean, var... count at
   * run time), matmul, take, takeAlongAxis, indexing with integer arrays,
   * concatenate, broadcastArrays, fast.rope and fast.scaledDotProductAttention
   * follow new shapes; shapes and indexes the
   * function writes (reshape with a -1, x.index(...) and x.at(...) with
   * integers, slices, null and "...", split, broadcastTo) are worked out
   * again as written. Tracing
   * anything whose shape is worked out from the traced one (pad, tile, topk,
   * conv) throws. Numbers computed from `x.shape` would be baked into the trace:
   * if the function reads a traced array's `shape` or `size`, calling it
   * with other shapes throws instead of replaying.
   */
  shapeless?: boolean;
  /**
   * Fuse chains of float32 elementwise ops into single tiled kernels
   * (default true). `false` is for benchmarks and debugging.
   */
  fuse?: boolean;
}

/** The cache key part of one leaf; arrays also go to `arrays`. */
function leafKey(leaf: unknown, path: string, arrays: MxArray[], shapeless: boolean): string {
  if (leaf instanceof MxArray) {
    arrays.push(leaf);
    return shapeless ? `A${leaf.dtype.code}(r${leaf.ndim})` : `A${leaf.dtype.code}(${dimsOf(leaf).join(",")})`;
  }
  switch (typeof leaf) {
    case "number":
    case "string":
    case "boolean":
      return JSON.stringify(leaf);
    case "undefined":
      return "u";
    default:
      if (leaf === null) return "null";
      throw new Error(
        `[compile] Function arguments must be trees of arrays or constants (numbers, strings, booleans, null), but ${path ? `'${path}'` : "an argument"} is ${describe(leaf)}.`,
      );
  }
}

/**
 * A key for the structure of `tree` (containers, their keys, array slots)
 * plus its leaves, e.g. `[0:A11(2,3),1:{"lr":0.1}]`. Built from walk()'s
 * events: no recursion, whatever the depth.
 */
function treeKey(tree: unknown, arrays: MxArray[], shapeless: boolean): string {
  const parts: string[] = [];
  const first: boolean[] = []; // per open container: no child written yet
  const slot = (key: string | number | undefined) => {
    if (key === undefined) return;
    if (!first[first.length - 1]) parts.push(",");
    first[first.length - 1] = false;
    parts.push(typeof key === "number" ? `${key}:` : `${JSON.stringify(key)}:`);
  };
  walk(
    tree,
    "compile",
    {
      enter(node, key) {
        slot(key);
        parts.push(globalThis.Array.isArray(node) ? "[" : "{");
        first.push(true);
      },
      leaf(value, key, _parent, path) {
        slot(key);
        parts.push(leafKey(value, path, arrays, shapeless));
      },
      exit(node) {
        first.pop();
        parts.push(globalThis.Array.isArray(node) ? "]" : "}");
      },
    },
    true,
  );
  return parts.join("");
}

/** Sets the leaf at a dotted path; returns its container and key. */
function setPath(tree: unknown, path: string, value: unknown): [any, string] {
  const parts = path.split(".");
  let node: any = tree;
  for (let i = 0; i < parts.length - 1; ++i) node = node[parts[i]!];
  const key = parts[parts.length - 1]!;
  assignChild(node, key, value);
  return [node, key];
}

function arrayPaths(tree: unknown): [string, MxArray][] {
  if (tree === undefined || tree === null) return [];
  return flattenAs(tree, "compile").filter((e): e is [string, MxArray] => e[1] instanceof MxArray);
}

/** Replaces the leaves of `tree` that are arrays, in order, with `values`. */
const refillArrays = (tree: unknown, values: MxArray[]): unknown =>
  refill(tree, values, 0, (leaf) => leaf instanceof MxArray, "compile").tree;

/**
 * Throws if the traced function assigned an array into the `inputs` tree
 * that `outputs` doesn't carry out: the tree gets its original arrays back
 * after the trace, so such an update would be lost on every call.
 */
function checkStateWrites(inputsTree: unknown, stateIn: [string, MxArray][], tracers: MxArray[], stateOut: [string, MxArray][]): void {
  if (stateIn.length === 0) return;
  const carried = new Set(stateOut.map(([, a]) => a));
  const tracerAt = new Map(stateIn.map(([p], i) => [p, tracers[i]!]));
  for (const [p, a] of arrayPaths(inputsTree)) {
    if (tracerAt.get(p) === a || carried.has(a)) continue;
    throw new Error(
      `[compile] The function assigned a new array to inputs '${p}' while it was traced, but that array isn't in \`outputs\`, so the update would be lost after every call. List the state in outputs too (e.g. {inputs: state, outputs: state}), or don't assign into inputs.`,
    );
  }
}

interface Entry {
  graph: number;
  outTree: unknown; // fn's output with its array leaves (shape of the result)
  nOut: number; // arrays in outTree
  statePaths: string[]; // paths in opts.outputs written back after each call
  readShapes: string | null; // shapeless: the input shapes, if the trace read a traced shape
}

const shapesOf = (arrays: MxArray[]): string => arrays.map((a) => `(${dimsOf(a).join(",")})`).join(", ");

const graphRegistry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<number[]>((ids) => {
        try {
          for (const id of ids) m()._wmx_compile_free(id);
        } catch {
          // the core is gone
        }
      })
    : null;

export interface Compiled<F extends AnyFn> {
  (...args: Parameters<F>): ReturnType<F>;
  /** Frees the cached traces now. */
  dispose(): void;
  /**
   * Per cache entry: graph nodes after and before simplification, and the
   * primitives in evaluation order (e.g. "Matmul Fused(Add,Tanh) Sum").
   */
  readonly traces: { nodes: number; traced: number; graph: string }[];
}

/** `fn` traced once per key and replayed from then on (MLX's compile). */
export function compile<F extends AnyFn>(fn: F, options: CompileOptions = {}): Compiled<F> {
  if (typeof fn !== "function") throw new Error(`[compile] Expected a function, got ${describe(fn)}.`);
  const opts = optionsArg<CompileOptions>(options, "compile", ["inputs", "outputs", "shapeless", "fuse"]);
  // Captured state is a tree whose leaves are swapped for tracers and written
  // back in place, so it must be a container (as MLX's lists and dicts): a
  // bare array has no place to write to.
  for (const which of ["inputs", "outputs"] as const) {
    const t = opts[which];
    if (t !== undefined && t !== null && !globalThis.Array.isArray(t) && !isPlainObject(t) && !isTreeObject(t))
      throw new Error(`[compile] ${which} must be a tree of arrays (a JS array, a plain object or an nn.Module), got ${describe(t)}; wrap a single array as [x] or {x}.`);
  }
  boolArg(opts.shapeless, "shapeless", "compile");
  if (opts.fuse !== undefined) boolArg(opts.fuse, "fuse", "compile");
  const cache = new Map<string, Entry>();
  const graphs: number[] = [];
  let written: MxArray[] = []; // state arrays written into opts.outputs by the last call

  // The arrays in opts.outputs after a call belong to this function (not to
  // an enclosing tidy); those it wrote before and has now replaced are freed.
  const adoptState = () => {
    const now = arrayPaths(opts.outputs).map(([, a]) => a);
    const inTree = new Set(now);
    for (const a of written) if (!inTree.has(a)) a.dispose();
    written = now;
    keepArrays(now);
  };

  const compiled = ((...args: any[]) => {
    if (!compileEnabled()) {
      const out = fn(...args);
      adoptState();
      return out;
    }
    const c = core();
    const argArrays: MxArray[] = [];
    const stateIn = arrayPaths(opts.inputs);
    const shapeless = opts.shapeless === true;
    // Inside a shapeless trace, a nested compile traces its own graph for it
    // (with counts taken at run time), not one it traced outside. The default
    // device is part of the key: a trace's placement (and fusion, CPU only
    // for now) belongs to the device it was traced for.
    const key = `${treeKey(args, argArrays, shapeless)}|${stateIn.map(([p, a]) => `${p}:${leafKey(a, p, [], shapeless)}`).join(";")}${shapeReads.watching > 0 ? "|S" : ""}|${c.m._wmx_default_device()}`;
    const inputs = [...argArrays, ...stateIn.map(([, a]) => a)];
    let entry = cache.get(key);
    let n: number;
    if (!entry) {
      const e: Entry = { graph: -1, outTree: null, nOut: 0, statePaths: [], readShapes: null };
      const traced = (handles: number[]): number[] =>
        scoped(
          () => {
            const tracers = handles.map((h) => fromHandle(h));
            const argTracers = tracers.slice(0, argArrays.length);
            // Swap tracers into the state tree, remembering the containers: fn
            // may replace whole subtrees, and the originals go back where they were.
            const slots = stateIn.map(([p], i) => setPath(opts.inputs, p, tracers[argArrays.length + i]));
            try {
              const out = traceable(fn(...(refillArrays(args, argTracers) as any[])), "compile");
              const outs = arrayPaths(out).map(([, a]) => a);
              const stateOut = arrayPaths(opts.outputs);
              checkStateWrites(opts.inputs, stateIn, tracers.slice(argArrays.length), stateOut);
              e.outTree = out;
              e.nOut = outs.length;
              e.statePaths = stateOut.map(([p]) => p);
              return [...outs, ...stateOut.map(([, a]) => a)].map((a) => c.check(c.m._wmx_retain(a.handle)));
            } finally {
              slots.forEach(([node, k], i) => assignChild(node, k, stateIn[i]![1]));
            }
          },
          () => [],
        );
      const seenBefore = shapeReads.seen;
      if (shapeless) {
        shapeReads.watching++;
        shapeReads.seen = false;
      }
      let id: number;
      try {
        id = c.withCallback(traced, (cb) => c.withInts(inputs.map((a) => a.handle), (p, k) => m()._wmx_compile_trace(cb, p, k, (opts.fuse === false ? 0 : 1) | (shapeless ? 2 : 0))));
      } finally {
        if (shapeless) {
          shapeReads.watching--;
          if (shapeReads.seen) e.readShapes = shapesOf(inputs);
          shapeReads.seen ||= seenBefore; // an enclosing shapeless trace read it too
        }
      }
      if (id < 0) c.fail();
      e.graph = id;
      entry = e;
      n = e.nOut + e.statePaths.length;
      // A graph holding a value of an enclosing transform's trace is right
      // for this call only: used once, never cached.
      if (m()._wmx_compile_reusable(id) === 1) {
        graphs.push(id);
        cache.set(key, e);
      } else {
        m()._wmx_compile_free(id);
      }
    } else {
      const ent = entry;
      if (ent.readShapes !== null && shapesOf(inputs) !== ent.readShapes)
        throw new Error(
          `[compile] shapeless: the function read the shape of a traced array (x.shape or x.size) when it was traced with inputs of shapes ${ent.readShapes}, so its trace may hold numbers taken from those shapes; it can't replay on ${shapesOf(inputs)}. Compile it without shapeless, or don't compute from shapes inside it.`,
        );
      n = c.withInts(inputs.map((a) => a.handle), (p, k) => m()._wmx_compile_call(ent.graph, p, k));
      if (n < 0) c.fail();
    }
    const results = c.takeResults(n).map((h) => fromHandle(h));
    // New state goes into the state tree (take a copy with mx.array(x) to
    // keep an old value: replaced state is freed).
    const stateNew = results.slice(entry.nOut);
    entry.statePaths.forEach((p, i) => setPath(opts.outputs, p, stateNew[i]));
    adoptState();
    const out = results.slice(0, entry.nOut);
    if (entry.outTree instanceof MxArray) return out[0];
    return refillArrays(entry.outTree, out);
  }) as Compiled<F>;

  Object.defineProperty(compiled, "name", { value: fn.name });
  compiled.dispose = () => {
    for (const id of graphs) m()._wmx_compile_free(id);
    graphs.length = 0;
    cache.clear();
  };
  Object.defineProperty(compiled, "traces", {
    get: () =>
      [...cache.values()].map((e) => m().compiledTrace(e.graph) ?? core().fail()),
  });
  graphRegistry?.register(compiled, graphs);
  return compiled;
}

// mx.utils: mlx.utils' tree functions with their names and keyword options
// (tree_map(fn, tree, *rest, is_leaf=...) is treeMap(fn, tree, ...rest,
// {isLeaf})). The walks are tree.ts's (no recursion, one depth limit).
//
// A trailing argument of treeMap/treeMapWithPath counts as the options
// object only when it is a plain object whose keys are all option names
// (isLeaf, path) and one of whose values is a function or a string: a tree
// passed as `rest` is taken for options only if it looks exactly like them.

import { describe } from "./describe.js";
import { unflatten } from "./tree.js";
import { mapTree } from "./tree_map.js";
import { isPlainObject, walk } from "./tree_walk.js";

type IsLeaf = (node: unknown) => boolean;

export interface TreeMapOptions {
  /** Containers it returns true for are leaves (handed to `fn` whole). */
  isLeaf?: IsLeaf;
}
export interface TreeMapWithPathOptions extends TreeMapOptions {
  /** Prefix of every path (MLX's `path`); the root leaf's path is null without it. */
  path?: string;
}
export interface TreeFlattenOptions extends TreeMapOptions {
  /** Prefix of every path. MLX's form with a leading "." (".hello") is accepted too: the dot is dropped. */
  prefix?: string;
  /** A list or a plain object to add the pairs to (returned). */
  destination?: [string, unknown][] | Record<string, unknown>;
}
export interface TreeReduceOptions extends TreeMapOptions {}

function isLeafArg(v: unknown, tag: string): IsLeaf | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "function") throw new Error(`[${tag}] isLeaf must be a function, got ${describe(v)}.`);
  return v as IsLeaf;
}

/** Splits `[...rest, options?]`: the last entry is options when it looks like nothing but options. */
function splitOptions(args: unknown[], keys: string[]): [unknown[], Record<string, unknown>] {
  const last = args[args.length - 1];
  if (isPlainObject(last)) {
    const ks = Object.keys(last);
    if (ks.length > 0 && ks.every((k) => keys.includes(k)) && ks.some((k) => typeof last[k] === "function" || typeof last[k] === "string"))
      return [args.slice(0, -1), last];
  }
  return [args, {}];
}

/** `fn` applied to every leaf of `tree` (and the matching leaves of `rest`, which may be supersets). */
export function treeMap(fn: (...leaves: any[]) => unknown, tree: unknown, ...restAndOptions: unknown[]): unknown {
  const tag = "utils.treeMap";
  if (typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  const [rest, opts] = splitOptions(restAndOptions, ["isLeaf"]);
  const isLeaf = isLeafArg(opts.isLeaf, tag);
  return mapTree(tree, rest, (v, rs) => fn(v, ...rs), { tag, isLeaf });
}

/** treeMap whose `fn` gets the leaf's dotted path first: `fn(path, leaf, ...restLeaves)`. */
export function treeMapWithPath(fn: (path: string | null, ...leaves: any[]) => unknown, tree: unknown, ...restAndOptions: unknown[]): unknown {
  const tag = "utils.treeMapWithPath";
  if (typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  const [rest, opts] = splitOptions(restAndOptions, ["isLeaf", "path"]);
  const isLeaf = isLeafArg(opts.isLeaf, tag);
  if (opts.path !== undefined && opts.path !== null && typeof opts.path !== "string")
    throw new Error(`[${tag}] path must be a string, got ${describe(opts.path)}.`);
  const prefix = (opts.path as string | undefined) ?? "";
  // As MLX: the root's path is the given prefix, or None (null) without one.
  return mapTree(tree, rest, (v, rs, p) => fn(p === "" && opts.path == null ? null : p, v, ...rs), {
    tag, isLeaf, paths: true, prefix,
  });
}

/** `[path, leaf]` pairs with dotted paths ("layers.0.weight"), depth first. */
export function treeFlatten(tree: unknown, options: TreeFlattenOptions = {}): [string, unknown][] | Record<string, unknown> {
  const tag = "utils.treeFlatten";
  if (!isPlainObject(options)) throw new Error(`[${tag}] Expected an options object {prefix, isLeaf, destination}, got ${describe(options)}.`);
  for (const k of Object.keys(options))
    if (!["prefix", "isLeaf", "destination"].includes(k)) throw new Error(`[${tag}] Unknown option '${k}'; expected prefix, isLeaf, destination.`);
  const isLeaf = isLeafArg(options.isLeaf, tag);
  let prefix: unknown = options.prefix ?? "";
  if (typeof prefix !== "string") throw new Error(`[${tag}] prefix must be a string, got ${describe(prefix)}.`);
  if ((prefix as string).startsWith(".")) prefix = (prefix as string).slice(1);
  const dest = options.destination ?? [];
  if (!Array.isArray(dest) && !isPlainObject(dest))
    throw new Error(`[${tag}] destination must be a list or a plain object, got ${describe(dest)}.`);
  const add = Array.isArray(dest)
    ? (path: string, leaf: unknown) => void dest.push([path, leaf])
    : (path: string, leaf: unknown) => void Object.defineProperty(dest, path, { value: leaf, enumerable: true, writable: true, configurable: true });
  walk(tree, tag, { isLeaf, leaf: (l, _k, _p, path) => add(path, l) }, true, prefix as string);
  return dest;
}

/** Rebuilds a tree from treeFlatten's pairs (or a `{path: leaf}` object); numeric path parts make lists. */
export function treeUnflatten(pairs: [string, unknown][] | Record<string, unknown>): unknown {
  if (isPlainObject(pairs)) return unflatten(Object.entries(pairs));
  return unflatten(pairs);
}

/**
 * `fn(acc, leaf)` over the leaves in order, starting from `initializer`
 * (without one, from the first leaf).
 */
export function treeReduce(
  fn: (acc: any, leaf: any) => unknown,
  tree: unknown,
  initializer?: unknown,
  options: TreeReduceOptions = {},
): unknown {
  const tag = "utils.treeReduce";
  if (typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  if (!isPlainObject(options)) throw new Error(`[${tag}] Expected an options object {isLeaf}, got ${describe(options)}.`);
  for (const k of Object.keys(options)) if (k !== "isLeaf") throw new Error(`[${tag}] Unknown option '${k}'; expected isLeaf.`);
  const isLeaf = isLeafArg(options.isLeaf, tag);
  let acc = initializer;
  let started = initializer !== undefined;
  walk(tree, tag, {
    isLeaf,
    leaf(l) {
      if (!started) {
        acc = l;
        started = true;
      } else {
        acc = fn(acc, l);
      }
    },
  });
  return acc;
}

// Trees as in mlx.utils: JS arrays play lists/tuples, plain objects dicts;
// everything else (mx.Array, numbers, strings, null, ...) is a leaf. The
// walks themselves (no recursion, one depth limit) are in tree_walk.ts.

import { describe } from "./describe.js";
import { checkDepth, flattenAs, leavesAs, setKey } from "./tree_walk.js";
import { mapLeaves } from "./tree_map.js";
import type { LeafOf, MapLeaves } from "./tree_types.js";

export { isPlainObject, MAX_TREE_DEPTH } from "./tree_walk.js";
export type { ArrayTree, LeafOf, MapLeaves, TreeLeaf } from "./tree_types.js";

export type Tree<L = unknown> = L | Tree<L>[] | { [key: string]: Tree<L> };

/** `[path, leaf]` pairs with dotted paths ("layers.0.weight"), depth first. */
export function flatten<T>(tree: T, prefix = ""): [string, LeafOf<T>][] {
  return flattenAs(tree, "tree.flatten", prefix) as [string, LeafOf<T>][];
}

/** The leaves in flatten() order. */
export function leaves<T>(tree: T): LeafOf<T>[] {
  return leavesAs(tree, "tree.leaves") as LeafOf<T>[];
}

/** Rebuilds a tree from flatten()'s pairs; numeric path parts make arrays. */
export function unflatten<L>(pairs: [string, L][]): Tree<L> {
  const tag = "tree.unflatten";
  if (!globalThis.Array.isArray(pairs))
    throw new Error(`[${tag}] Expected a list of [path, value] pairs, got ${describe(pairs)}.`);
  pairs.forEach((p, i) => {
    if (!globalThis.Array.isArray(p) || p.length !== 2 || typeof p[0] !== "string")
      throw new Error(`[${tag}] Expected a list of [path, value] pairs with string paths, but element ${i} is ${globalThis.Array.isArray(p) ? `a list of length ${p.length}${p.length === 2 ? ` whose path is ${describe(p[0])}` : ""}` : describe(p)}.`);
  });
  if (pairs.length === 1 && pairs[0]![0] === "") return pairs[0]![1] as Tree<L>;
  // Built from Maps first: a path part such as "__proto__" or "constructor"
  // is then an ordinary key, and a leaf can't be mistaken for a container.
  const root = new Map<string, unknown>();
  for (const [path, leaf] of pairs) {
    const parts = path.split(".");
    checkDepth(parts.length, tag);
    let node = root;
    for (let i = 0; i < parts.length - 1; ++i) {
      let next = node.get(parts[i]!);
      if (!node.has(parts[i]!)) node.set(parts[i]!, (next = new Map<string, unknown>()));
      else if (!(next instanceof Map))
        throw new Error(`[${tag}] The path '${path}' goes through '${parts.slice(0, i + 1).join(".")}', which is a leaf.`);
      node = next as Map<string, unknown>;
    }
    const last = parts[parts.length - 1]!;
    if (node.get(last) instanceof Map)
      throw new Error(`[${tag}] The path '${path}' is a leaf and also holds other paths below it.`);
    node.set(last, leaf);
  }
  // Maps become arrays when all their keys are numbers, else plain objects (no recursion).
  const convert = (n: Map<string, unknown>): Record<string | number, unknown> => {
    const keys = [...n.keys()];
    return (keys.length > 0 && keys.every((k) => /^\d+$/.test(k)) ? [] : {}) as Record<string | number, unknown>;
  };
  const out = convert(root);
  const stack: [Map<string, unknown>, Record<string | number, unknown>][] = [[root, out]];
  while (stack.length) {
    const [n, o] = stack.pop()!;
    const isList = globalThis.Array.isArray(o);
    for (const [k, v] of n) {
      const key = isList ? Number(k) : k;
      if (v instanceof Map) {
        const c = convert(v);
        setKey(o, key, c);
        stack.push([v, c]);
      } else {
        setKey(o, key, v);
      }
    }
  }
  return out as Tree<L>;
}

/**
 * Maps every leaf; `rest` trees must have the same structure as `tree`.
 * The trees are checked whole (depth, structure) before `fn` sees a leaf: a
 * map that fails part way would drop the arrays fn had already returned,
 * leaving them to the GC. The result is typed like `tree` with `fn`'s
 * result at every leaf (`{w: Array, b: Array}` stays `{w: R, b: R}`).
 */
export function map<T, Rest extends unknown[], R>(
  // (NoInfer: the trees, not fn's annotations, decide T and Rest)
  fn: (leaf: NoInfer<LeafOf<T>>, ...rest: { [K in keyof Rest]: LeafOf<Rest[K]> }) => R,
  tree: T,
  ...rest: Rest
): MapLeaves<T, R> {
  if (typeof fn !== "function") throw new Error(`[tree.map] Expected a function, got ${describe(fn)}.`);
  mapLeaves(tree, rest, null);
  const leafFn = fn as (...leaves: unknown[]) => unknown;
  return mapLeaves(tree, rest, (value, rests) => leafFn(value, ...rests)) as MapLeaves<T, R>;
}

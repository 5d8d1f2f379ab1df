// Trees as in mlx.utils: JS arrays play lists/tuples, plain objects dicts;
// everything else (mx.Array, numbers, strings, null, ...) is a leaf.
//
// Every walk over a user's tree in the package goes through walk() below (or
// keeps its own explicit stack and calls checkDepth): no recursion, so a list
// nested 100,000 deep can't exhaust the JS stack (V8 gives up after a few
// thousand frames of a recursive tree walk), and one depth limit,
// MAX_TREE_DEPTH, with an error tagged by the operation that walked.

import { describe } from "./describe.js";

export type Tree<L = unknown> = L | Tree<L>[] | { [key: string]: Tree<L> };

/**
 * Trees nested deeper than this are an error ("[tag] The tree is nested
 * deeper than 10000 levels"); a cyclic tree ends there too. Python's
 * mlx.utils stops near 1,000 (its recursion limit).
 */
export const MAX_TREE_DEPTH = 10_000;

/** @internal throws the depth error when `depth` containers are open */
export function checkDepth(depth: number, tag: string): void {
  if (depth > MAX_TREE_DEPTH)
    throw new Error(`[${tag}] The tree is nested deeper than ${MAX_TREE_DEPTH} levels (or contains itself).`);
}

/** True for `{}`-style objects (not class instances, not arrays). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function isNode(x: unknown): x is unknown[] | Record<string, unknown> {
  return globalThis.Array.isArray(x) || isPlainObject(x);
}

/** A container's keys in walk order: array indices (holes skipped, as forEach does) or Object.keys. */
function keysOf(node: unknown[] | Record<string, unknown>): (string | number)[] {
  if (!globalThis.Array.isArray(node)) return Object.keys(node);
  const keys: number[] = [];
  for (let i = 0; i < node.length; ++i) if (i in node) keys.push(i);
  return keys;
}

/**
 * Sets `o[k]`; "__proto__" becomes an own key (a plain assignment would
 * replace the object's prototype). @internal
 */
export function setKey(o: Record<string | number, unknown>, k: string | number, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

/** What walk() reports; `key` is the position in `parent` (undefined at the root). */
export interface Visitor {
  /** A container (array or plain object), before its children. */
  enter?(node: unknown[] | Record<string, unknown>, key: string | number | undefined, parent: unknown, path: string): void;
  /** A leaf, in flatten() order. */
  leaf(value: unknown, key: string | number | undefined, parent: unknown, path: string): void;
  /** A container, after its children. */
  exit?(node: unknown[] | Record<string, unknown>): void;
}

/**
 * @internal Depth-first walk of `tree` with an explicit stack. Paths
 * ("layers.0.weight", starting from `prefix`) are built only when `paths`.
 */
export function walk(tree: unknown, tag: string, v: Visitor, paths = false, prefix = ""): void {
  interface Frame { node: unknown[] | Record<string, unknown>; keys: (string | number)[]; next: number; path: string }
  const stack: Frame[] = [];
  const visit = (t: unknown, key: string | number | undefined, parent: unknown, path: string) => {
    if (isNode(t)) {
      checkDepth(stack.length + 1, tag);
      v.enter?.(t, key, parent, path);
      stack.push({ node: t, keys: keysOf(t), next: 0, path });
    } else {
      v.leaf(t, key, parent, path);
    }
  };
  visit(tree, undefined, undefined, prefix);
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.next === f.keys.length) {
      stack.pop();
      v.exit?.(f.node);
      continue;
    }
    const k = f.keys[f.next++]!;
    const child = (f.node as Record<string | number, unknown>)[k];
    visit(child, k, f.node, paths ? (f.path ? `${f.path}.${k}` : String(k)) : "");
  }
}

/**
 * @internal A copy of `tree`'s containers (arrays stay arrays, objects become
 * plain objects) with each leaf replaced by `leaf(value, path)`, called in
 * flatten() order.
 */
export function rebuild(tree: unknown, tag: string, leaf: (value: unknown, path: string) => unknown, paths = false): unknown {
  let root: unknown;
  const open: Record<string | number, unknown>[] = [];
  const place = (v: unknown, key: string | number | undefined) => {
    if (key === undefined) root = v;
    else setKey(open[open.length - 1]!, key, v);
  };
  walk(
    tree,
    tag,
    {
      enter(node, key) {
        const c = globalThis.Array.isArray(node) ? new globalThis.Array(node.length) : {};
        place(c, key);
        open.push(c as Record<string | number, unknown>);
      },
      leaf: (value, key, _parent, path) => place(leaf(value, path), key),
      exit: () => void open.pop(),
    },
    paths,
  );
  return root;
}

/** `[path, leaf]` pairs with dotted paths ("layers.0.weight"), depth first. */
export function flatten(tree: unknown, prefix = ""): [string, unknown][] {
  return flattenAs(tree, "tree.flatten", prefix);
}

/** @internal flatten() whose errors carry the caller's tag */
export function flattenAs(tree: unknown, tag: string, prefix = ""): [string, unknown][] {
  if (typeof prefix !== "string") throw new Error(`[${tag}] The prefix must be a string, got ${describe(prefix)}.`);
  const out: [string, unknown][] = [];
  walk(tree, tag, { leaf: (l, _k, _p, path) => void out.push([path, l]) }, true, prefix);
  return out;
}

/** The leaves in flatten() order. */
export function leaves(tree: unknown): unknown[] {
  return leavesAs(tree, "tree.leaves");
}

/** @internal leaves() whose errors carry the caller's tag */
export function leavesAs(tree: unknown, tag: string): unknown[] {
  const out: unknown[] = [];
  walk(tree, tag, { leaf: (l) => void out.push(l) });
  return out;
}

/** Rebuilds a tree from flatten()'s pairs; numeric path parts make arrays. */
export function unflatten(pairs: [string, unknown][]): unknown {
  const tag = "tree.unflatten";
  if (!globalThis.Array.isArray(pairs))
    throw new Error(`[${tag}] Expected a list of [path, value] pairs, got ${describe(pairs)}.`);
  pairs.forEach((p, i) => {
    if (!globalThis.Array.isArray(p) || p.length !== 2 || typeof p[0] !== "string")
      throw new Error(`[${tag}] Expected a list of [path, value] pairs with string paths, but element ${i} is ${globalThis.Array.isArray(p) ? `a list of length ${p.length}${p.length === 2 ? ` whose path is ${describe(p[0])}` : ""}` : describe(p)}.`);
  });
  if (pairs.length === 1 && pairs[0]![0] === "") return pairs[0]![1];
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
  return out;
}

/** Maps every leaf; `rest` trees must have the same structure as `tree`. */
export function map(fn: (...leaves: any[]) => unknown, tree: unknown, ...rest: unknown[]): unknown {
  const tag = "tree.map";
  if (typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  // Each open container's copy and the matching subtrees of `rest`.
  let root: unknown;
  const open: Record<string | number, unknown>[] = [];
  const restOpen: unknown[][] = [];
  const restAt = (key: string | number | undefined, parent: unknown) =>
    key === undefined ? rest : restOpen[restOpen.length - 1]!.map((r) => sub(r, key, parent));
  const place = (v: unknown, key: string | number | undefined) => {
    if (key === undefined) root = v;
    else setKey(open[open.length - 1]!, key, v);
  };
  walk(tree, tag, {
    enter(node, key, parent) {
      const rs = restAt(key, parent);
      const c = globalThis.Array.isArray(node) ? new globalThis.Array(node.length) : {};
      place(c, key);
      open.push(c as Record<string | number, unknown>);
      restOpen.push(rs);
    },
    leaf: (value, key, parent) => place(fn(value, ...restAt(key, parent)), key),
    exit() {
      open.pop();
      restOpen.pop();
    },
  });
  return root;
}

function sub(r: unknown, key: string | number, like: unknown): unknown {
  if (!isNode(r) || globalThis.Array.isArray(r) !== globalThis.Array.isArray(like) || !(key in (r as object)))
    throw new Error("[tree.map] The trees do not have the same structure.");
  return (r as Record<string | number, unknown>)[key];
}

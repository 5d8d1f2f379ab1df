// Walking trees without recursion (internal; the public face is tree.ts).
// Every walk over a user's tree in the package goes through walk() below (or
// keeps its own explicit stack and calls checkDepth): no recursion, so a list
// nested 100,000 deep can't exhaust the JS stack (V8 gives up after a few
// thousand frames of a recursive tree walk), and one depth limit,
// MAX_TREE_DEPTH, with an error tagged by the operation that walked.

import { describe } from "./describe.js";

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

/** True for `{}`-style objects (not class instances, not arrays): the dicts of a tree. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * A class whose instances are tree nodes (nn.Module) implements this
 * symbol's method: it lists the keys of the instance's children, which
 * walks read as `obj[key]` (so a tree walk sees the instance as a dict of
 * them). Rebuilding such a node (tree.map, grad's results) gives a plain
 * object, as mlx.utils gives a dict for a Module.
 */
export const treeChildren: unique symbol = Symbol.for("webmx.treeChildren");

/**
 * Optional companion of `treeChildren`: writes a child back (compile's
 * `inputs`/`outputs` swap tracers in and results back this way) without the
 * instance treating it as a new value of its own.
 */
export const treeAssign: unique symbol = Symbol.for("webmx.treeAssign");

/** What a class implements to be a tree node (see treeChildren, treeAssign). */
export interface TreeNodeObject {
  [treeChildren](): string[];
  [treeAssign]?(key: string, value: unknown): void;
}

/** @internal true for instances of a class that implements treeChildren */
export function isTreeObject(x: unknown): x is TreeNodeObject & Record<string, unknown> {
  return x !== null && typeof x === "object" && typeof (x as Partial<TreeNodeObject>)[treeChildren] === "function";
}

/** @internal an array, plain object or tree-node object: a container of a tree */
export function isNode(x: unknown): x is unknown[] | Record<string, unknown> {
  return globalThis.Array.isArray(x) || isPlainObject(x) || isTreeObject(x);
}

/** @internal the keys of a container that is not a JS array */
export function nodeKeys(x: Record<string, unknown>): string[] {
  return isTreeObject(x) ? x[treeChildren]() : Object.keys(x);
}

/** @internal sets a child of a container, through treeAssign where the node has it */
export function assignChild(node: Record<string | number, unknown>, key: string | number, value: unknown): void {
  if (isTreeObject(node) && typeof node[treeAssign] === "function") node[treeAssign]!(String(key), value);
  else setKey(node, key, value);
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
  /** mlx.utils' is_leaf: a container it accepts is reported as a leaf (asked before looking inside). */
  isLeaf?(node: unknown): boolean;
}

/**
 * @internal Depth-first walk of `tree` with an explicit stack. Paths
 * ("layers.0.weight", starting from `prefix`) are built only when `paths`.
 */
export function walk(tree: unknown, tag: string, v: Visitor, paths = false, prefix = ""): void {
  // An open container: arrays go by index (holes skipped, as forEach does), objects by Object.keys.
  interface Frame { node: unknown[] | Record<string, unknown>; keys: string[] | null; n: number; next: number; path: string }
  const stack: Frame[] = [];
  const visit = (t: unknown, key: string | number | undefined, parent: unknown, path: string) => {
    if (isNode(t) && !v.isLeaf?.(t)) {
      checkDepth(stack.length + 1, tag);
      v.enter?.(t, key, parent, path);
      const keys = globalThis.Array.isArray(t) ? null : nodeKeys(t);
      stack.push({ node: t, keys, n: keys ? keys.length : (t as unknown[]).length, next: 0, path });
    } else {
      v.leaf(t, key, parent, path);
    }
  };
  visit(tree, undefined, undefined, prefix);
  while (stack.length) {
    const f = stack[stack.length - 1]!;
    if (f.next === f.n) {
      stack.pop();
      v.exit?.(f.node);
      continue;
    }
    const i = f.next++;
    let k: string | number, child: unknown;
    if (f.keys) {
      k = f.keys[i]!;
      child = (f.node as Record<string, unknown>)[k];
    } else {
      k = i;
      child = (f.node as unknown[])[i];
      if (child === undefined && !(i in f.node)) continue; // a hole
    }
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

/** @internal flatten() whose errors carry the caller's tag */
export function flattenAs(tree: unknown, tag: string, prefix = ""): [string, unknown][] {
  if (typeof prefix !== "string") throw new Error(`[${tag}] The prefix must be a string, got ${describe(prefix)}.`);
  const out: [string, unknown][] = [];
  walk(tree, tag, { leaf: (l, _k, _p, path) => void out.push([path, l]) }, true, prefix);
  return out;
}

/** @internal leaves() whose errors carry the caller's tag */
export function leavesAs(tree: unknown, tag: string): unknown[] {
  const out: unknown[] = [];
  walk(tree, tag, { leaf: (l) => void out.push(l) });
  return out;
}

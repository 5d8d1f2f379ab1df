// Mapping trees leaf by leaf, with the matching leaves of other trees
// (internal: the public faces are tree.map in tree.ts and mlx.utils'
// treeMap/treeMapWithPath in utils.ts).

import { isNode, setKey, walk } from "./tree_walk.js";

/** @internal map() with mlx.utils' options: `isLeaf`, and the leaf's dotted path handed to `leaf` (utils.ts). */
export function mapTree(
  tree: unknown,
  rest: unknown[],
  leaf: (value: unknown, rests: unknown[], path: string) => unknown,
  opts: { tag: string; isLeaf?: (node: unknown) => boolean; paths?: boolean; prefix?: string },
): unknown {
  mapLeaves(tree, rest, null, opts);
  return mapLeaves(tree, rest, leaf, opts);
}

/**
 * @internal A copy of `tree` with each leaf replaced by `leaf(value, the matching
 * leaves of rest)`; with `leaf` null, only the checks (nothing is built).
 */
export function mapLeaves(
  tree: unknown,
  rest: unknown[],
  leaf: ((value: unknown, rests: unknown[], path: string) => unknown) | null,
  opts: { tag: string; isLeaf?: (node: unknown) => boolean; paths?: boolean; prefix?: string } = { tag: "tree.map" },
): unknown {
  // Each open container's copy and the matching subtrees of `rest`.
  let root: unknown;
  const open: Record<string | number, unknown>[] = [];
  const restOpen: unknown[][] = [];
  const restAt = (key: string | number | undefined, parent: unknown) =>
    key === undefined ? rest : restOpen[restOpen.length - 1]!.map((r) => sub(r, key, parent, opts.tag));
  const place = (v: unknown, key: string | number | undefined) => {
    if (key === undefined) root = v;
    else setKey(open[open.length - 1]!, key, v);
  };
  walk(tree, opts.tag, {
    isLeaf: opts.isLeaf,
    enter(node, key, parent) {
      const rs = rest.length ? restAt(key, parent) : rest;
      const c = !leaf ? null : globalThis.Array.isArray(node) ? new globalThis.Array(node.length) : {};
      if (c) place(c, key);
      open.push(c as Record<string | number, unknown>);
      restOpen.push(rs);
    },
    leaf(value, key, parent, path) {
      const rs = rest.length ? restAt(key, parent) : rest;
      if (leaf) place(leaf(value, rs, path), key);
    },
    exit() {
      open.pop();
      restOpen.pop();
    },
  }, opts.paths === true, opts.prefix ?? "");
  return root;
}

function sub(r: unknown, key: string | number, like: unknown, tag: string): unknown {
  if (!isNode(r) || globalThis.Array.isArray(r) !== globalThis.Array.isArray(like) || !(key in (r as object)))
    throw new Error(`[${tag}] The trees do not have the same structure.`);
  return (r as Record<string | number, unknown>)[key];
}

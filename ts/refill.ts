// Rebuilding a tree with new leaves (internal: the transforms and compile
// put results back into the structure of their inputs or outputs).
import { rebuild } from "./tree_walk.js";

/**
 * A copy of `tree` whose leaves, in flatten() order, are taken from `values`
 * starting at `start`; with `replace`, only the leaves it accepts are taken
 * (the others stay). `next` is the index after the last value used. `tag`
 * names the operation in errors (a tree nested too deep).
 */
export function refill(
  tree: unknown,
  values: unknown[],
  start = 0,
  replace: (leaf: unknown) => boolean = () => true,
  tag = "tree",
): { tree: unknown; next: number } {
  let i = start;
  const out = rebuild(tree, tag, (t) => (replace(t) ? values[i++] : t));
  return { tree: out, next: i };
}

// Rebuilding a tree with new leaves (internal: the transforms and compile
// put results back into the structure of their inputs or outputs).
import { isPlainObject } from "./tree.js";

/**
 * A copy of `tree` whose leaves, in flatten() order, are taken from `values`
 * starting at `start`; with `replace`, only the leaves it accepts are taken
 * (the others stay). `next` is the index after the last value used.
 */
export function refill(
  tree: unknown,
  values: unknown[],
  start = 0,
  replace: (leaf: unknown) => boolean = () => true,
): { tree: unknown; next: number } {
  let i = start;
  const walk = (t: unknown): unknown => {
    if (globalThis.Array.isArray(t)) return t.map(walk);
    if (isPlainObject(t)) {
      const o: Record<string, unknown> = {};
      for (const k of Object.keys(t)) o[k] = walk(t[k]);
      return o;
    }
    return replace(t) ? values[i++] : t;
  };
  return { tree: walk(tree), next: i };
}

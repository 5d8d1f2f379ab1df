// Trees as in mlx.utils: JS arrays play lists/tuples, plain objects dicts;
// everything else (mx.Array, numbers, strings, null, ...) is a leaf.

export type Tree<L = unknown> = L | Tree<L>[] | { [key: string]: Tree<L> };

/** True for `{}`-style objects (not class instances, not arrays). */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (x === null || typeof x !== "object") return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function isNode(x: unknown): x is unknown[] | Record<string, unknown> {
  return globalThis.Array.isArray(x) || isPlainObject(x);
}

/** `[path, leaf]` pairs with dotted paths ("layers.0.weight"), depth first. */
export function flatten(tree: unknown, prefix = ""): [string, unknown][] {
  const out: [string, unknown][] = [];
  const walk = (t: unknown, path: string) => {
    if (globalThis.Array.isArray(t)) t.forEach((c, i) => walk(c, path ? `${path}.${i}` : String(i)));
    else if (isPlainObject(t)) for (const k of Object.keys(t)) walk(t[k], path ? `${path}.${k}` : k);
    else out.push([path, t]);
  };
  walk(tree, prefix);
  return out;
}

/** Rebuilds a tree from flatten()'s pairs; numeric path parts make arrays. */
export function unflatten(pairs: [string, unknown][]): unknown {
  if (pairs.length === 1 && pairs[0]![0] === "") return pairs[0]![1];
  const root: Record<string, unknown> = {};
  for (const [path, leaf] of pairs) {
    const parts = path.split(".");
    let node: Record<string, unknown> = root;
    for (let i = 0; i < parts.length - 1; ++i) {
      const k = parts[i]!;
      node[k] ??= {};
      node = node[k] as Record<string, unknown>;
    }
    node[parts[parts.length - 1]!] = leaf;
  }
  const fix = (n: unknown): unknown => {
    if (!isPlainObject(n)) return n;
    const keys = Object.keys(n);
    const numeric = keys.length > 0 && keys.every((k) => /^\d+$/.test(k));
    if (numeric) {
      const arr: unknown[] = [];
      for (const k of keys) arr[Number(k)] = fix(n[k]);
      return arr;
    }
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = fix(n[k]);
    return o;
  };
  return fix(root);
}

/** The leaves in flatten() order. */
export function leaves(tree: unknown): unknown[] {
  return flatten(tree).map(([, l]) => l);
}

/** Maps every leaf; `rest` trees must have the same structure as `tree`. */
export function map(fn: (...leaves: any[]) => unknown, tree: unknown, ...rest: unknown[]): unknown {
  if (globalThis.Array.isArray(tree)) {
    return tree.map((c, i) => map(fn, c, ...rest.map((r) => sub(r, i, tree))));
  }
  if (isPlainObject(tree)) {
    const o: Record<string, unknown> = {};
    for (const k of Object.keys(tree)) o[k] = map(fn, tree[k], ...rest.map((r) => sub(r, k, tree)));
    return o;
  }
  return fn(tree, ...rest);
}

function sub(r: unknown, key: string | number, like: unknown): unknown {
  if (!isNode(r) || globalThis.Array.isArray(r) !== globalThis.Array.isArray(like) || !(key in (r as object)))
    throw new Error("[tree.map] The trees do not have the same structure.");
  return (r as Record<string | number, unknown>)[key];
}

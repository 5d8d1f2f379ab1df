// Scopes of array ownership: every array created while a scope is open is
// recorded in it, so that tidy() and the transforms (which run user code on
// tracers) can free what the code created, except what it returns or keeps.

import type { MxArray } from "./array.js";

const scopes: Set<MxArray>[] = [];
const kept = new WeakSet<MxArray>();

/** @internal called by the MxArray constructor */
export function track(a: MxArray): void {
  const top = scopes[scopes.length - 1];
  if (top) top.add(a);
}

/** Marks arrays as owned by the caller: no enclosing tidy() or transform frees them. */
export function keepArrays(arrays: Iterable<MxArray>): void {
  for (const a of arrays) {
    kept.add(a);
    for (const s of scopes) s.delete(a);
  }
}

/**
 * Runs fn with a fresh scope. When it ends, arrays created inside are
 * disposed except those in `survivors(result)`, which move to the enclosing
 * scope (so an outer tidy still owns them).
 * @internal
 */
export function scoped<T>(fn: () => T, survivors: (result: Awaited<T>) => Iterable<MxArray>): T {
  const scope = new Set<MxArray>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    close(scope, new Set());
    throw e;
  }
  if (result instanceof Promise) {
    // An async fn: the scope stays open until the promise settles. JS has no
    // portable async context, so arrays created by other code that runs
    // while fn awaits (and no tidy of its own is open) are counted in too.
    return result.then(
      (value) => {
        close(scope, new Set(survivors(value)));
        return value;
      },
      (e) => {
        close(scope, new Set());
        throw e;
      },
    ) as T;
  }
  close(scope, new Set(survivors(result as Awaited<T>)));
  return result;
}

function close(scope: Set<MxArray>, survive: Set<MxArray>): void {
  const i = scopes.lastIndexOf(scope);
  if (i >= 0) scopes.splice(i, 1);
  const parent = scopes[scopes.length - 1];
  for (const a of scope) {
    if (survive.has(a)) parent?.add(a);
    else if (!kept.has(a)) a.dispose();
  }
}

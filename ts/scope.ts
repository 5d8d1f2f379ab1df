// Scopes of array ownership: every array created while a scope is current is
// recorded in it, so that tidy() and the transforms (which run user code on
// tracers) can free what the code created, except what it returns or keeps.
//
// Synchronous scopes nest on a stack: nothing else can run while one is open.
// An async tidy's scope outlives the call that opened it, and other code runs
// while it awaits, so it can't stay on that stack (an array made by unrelated
// code would be counted in and freed). Its scope is carried by the async
// context instead (AsyncLocalStorage, where the host has one): code that runs
// after an `await` inside the tidy finds its scope there, code outside finds
// none. Hosts without an async context (browsers) attribute to an async tidy
// only what its function creates before its first `await`; the rest is left to
// dispose() and the GC safety net. Each scope knows its parent, so what it
// returns moves to the scope that was current when it was opened.

import type { MxArray } from "./array.js";
import { markUnowned } from "./safety_net.js";

interface Scope {
  readonly arrays: Set<MxArray>;
  readonly parent: Scope | null;
  open: boolean;
}

/** The part of AsyncLocalStorage we use (Node, Deno, Bun, Workers with nodejs_compat / nodejs_als). */
interface AsyncContext {
  getStore(): Scope | undefined;
  run<R>(store: Scope, fn: () => R): R;
}
type AsyncContextClass = new () => AsyncContext;

const stack: Scope[] = [];
const kept = new WeakSet<MxArray>();
let registered: AsyncContextClass | null = null;
let context: AsyncContext | null | undefined; // undefined: not looked up yet

/** @internal A host loader that can import AsyncLocalStorage statically hands it over here. */
export function registerAsyncContext(cls: AsyncContextClass): void {
  registered = cls;
  context = undefined;
}

function findAsyncContextClass(): AsyncContextClass | null {
  if (registered) return registered;
  const g = globalThis as { AsyncLocalStorage?: unknown; process?: { getBuiltinModule?: (id: string) => unknown } };
  if (typeof g.AsyncLocalStorage === "function") return g.AsyncLocalStorage as AsyncContextClass;
  try {
    // Node >= 20.16 and workerd with nodejs_compat, without a static node: import.
    const hooks = g.process?.getBuiltinModule?.("node:async_hooks") as { AsyncLocalStorage?: unknown } | undefined;
    if (typeof hooks?.AsyncLocalStorage === "function") return hooks.AsyncLocalStorage as AsyncContextClass;
  } catch {
    // no such module here
  }
  return null;
}

function asyncContext(): AsyncContext | null {
  if (context === undefined) {
    const cls = findAsyncContextClass();
    context = cls ? new cls() : null;
  }
  return context;
}

/** @internal For tests: run as a host without an async context would (true), or as detected (false). */
export function simulateNoAsyncContext(on: boolean): void {
  context = on ? null : undefined;
}

/** True when async tidy can tell its own arrays from other code's after an `await`. */
export function hasAsyncContext(): boolean {
  return asyncContext() !== null;
}

/** The scope that owns arrays created now: the innermost synchronous one, else the async context's. */
function current(): Scope | null {
  const top = stack[stack.length - 1];
  if (top) return top;
  return openAncestor(context?.getStore() ?? null);
}

function openAncestor(s: Scope | null): Scope | null {
  while (s && !s.open) s = s.parent;
  return s;
}

/** @internal called by the MxArray constructor; returns whether a scope took the array */
export function track(a: MxArray): boolean {
  const s = current();
  if (!s) return false;
  s.arrays.add(a);
  return true;
}

/** Marks arrays as owned by the caller: no enclosing tidy() or transform frees them. */
export function keepArrays(arrays: Iterable<MxArray>): void {
  const chain: Scope[] = [];
  for (let s = current(); s; s = s.parent) chain.push(s);
  for (const a of arrays) {
    kept.add(a);
    for (const s of chain) s.arrays.delete(a);
  }
}

/**
 * Runs fn with a fresh scope. When it ends, arrays created inside are
 * disposed except those in `survivors(result)`, which move to the enclosing
 * scope (so an outer tidy still owns them).
 * @internal
 */
export function scoped<T>(fn: () => T, survivors: (result: Awaited<T>) => Iterable<MxArray>): T {
  const scope: Scope = { arrays: new Set(), parent: current(), open: true };
  const ctx = asyncContext();
  stack.push(scope);
  let result: T;
  try {
    // Inside the async context too, so that code after an `await` in fn finds the scope.
    result = ctx ? ctx.run(scope, fn) : fn();
  } catch (e) {
    popSync(scope);
    close(scope, new Set());
    throw e;
  }
  // fn's synchronous part is over: an async fn's scope leaves the stack now.
  popSync(scope);
  if (result instanceof Promise) {
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

function popSync(scope: Scope): void {
  const i = stack.lastIndexOf(scope);
  if (i >= 0) stack.splice(i, 1);
}

function close(scope: Scope, survive: Set<MxArray>): void {
  scope.open = false;
  const heir = openAncestor(scope.parent);
  for (const a of scope.arrays) {
    if (survive.has(a)) {
      if (heir) heir.arrays.add(a);
      else if (!a.disposed) markUnowned(a.handle); // the caller's now
    }
    else if (!kept.has(a)) a.dispose();
  }
  scope.arrays.clear();
}

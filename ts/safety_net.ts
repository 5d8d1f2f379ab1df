// What happens to arrays nobody frees. Wasm memory is invisible to the JS
// garbage collector, so code that never calls dispose() or tidy() (an MLX
// user's `for (...) { w = w.sub(g.mul(lr)); mx.eval(w); }`) grows the heap
// until the GC happens to collect the small JS handles. Three layers:
//
// 1. A FinalizationRegistry releases an array's core reference once its JS
//    handle is collected. Its callbacks run only when the event loop turns,
//    never inside a synchronous loop. (Hosts without FinalizationRegistry:
//    only dispose()/tidy() free memory.)
// 2. Arrays that no scope owns ("unowned": made outside tidy and transforms,
//    or returned from an outermost tidy) are counted. While they hold a lot of
//    memory and keep growing, we ask the host for a collection where it lets
//    us (Node: a real gc(); elsewhere a short-lived external allocation, which
//    V8 counts as memory pressure), so that loops which yield stay bounded,
//    and warn once, naming mx.tidy and the README section.
// 3. At the 4 GiB limit allocation fails with a tagged `[malloc]` error that
//    names dispose()/tidy(); the module keeps working once arrays are freed.

import { core } from "./runtime.js";

// dispose() doesn't unregister (an unregister token makes registration about
// 2.5x dearer, and this is on every op's path). Instead each handle slot has a
// generation, bumped whenever the slot is released; the registry holds
// (generation, handle), and a stale entry for a reused slot does nothing.
const GEN_SHIFT = 2 ** 26; // handles below 64M
let generations = new Uint32Array(1024);
/** 1 where the array in a handle slot is owned by no scope. */
let unowned = new Uint8Array(1024);
let unownedCount = 0;

function grow(h: number): void {
  const n = Math.max(h + 1, generations.length * 2);
  const g = new Uint32Array(n);
  g.set(generations);
  generations = g;
  const u = new Uint8Array(n);
  u.set(unowned);
  unowned = u;
}

const registry =
  typeof FinalizationRegistry === "function"
    ? new FinalizationRegistry<number>((held) => {
        const h = held % GEN_SHIFT;
        if (generations[h] !== Math.floor(held / GEN_SHIFT)) return; // disposed already
        try {
          release(h);
        } catch {
          // The core is gone: nothing to free.
        }
      })
    : { register() {} };

// Registration waits: new handles queue here (strongly held) and are
// registered in batches, at the next microtask or every PENDING_MAX of them.
// Most arrays of an eager loop are temporaries that dispose()/tidy() free
// before that, and they never pay for a registry entry, which cost ~40% of
// a small op's dispatch in Node (the register call and the garbage its weak
// cells leave). A queued handle that was released is skipped.
const PENDING_MAX = 1024;
let pendingOwners: object[] = [];
let pendingHeld: number[] = [];

function registerPending(): void {
  const owners = pendingOwners, held = pendingHeld;
  pendingOwners = [];
  pendingHeld = [];
  for (let i = 0; i < owners.length; ++i) {
    const k = held[i]!, h = k % GEN_SHIFT;
    if (generations[h] === Math.floor(k / GEN_SHIFT)) registry.register(owners[i]!, k);
  }
}

/** Registers a new JS handle object for `h` with the finalizer (soon: see above). */
export function watch(owner: object, h: number): void {
  if (h >= generations.length) grow(h);
  pendingOwners.push(owner);
  pendingHeld.push(generations[h]! * GEN_SHIFT + h);
  if (pendingOwners.length === 1) queueMicrotask(registerPending);
  else if (pendingOwners.length >= PENDING_MAX) registerPending();
}

/** Releases a handle slot in the core and retires its generation. */
export function release(h: number): void {
  generations[h] = (generations[h]! + 1) % GEN_SHIFT;
  if (unowned[h]) {
    unowned[h] = 0;
    --unownedCount;
  }
  core().m._wmx_release(h);
}

// ---- unowned arrays: pressure and the warning ----

/** Checks the heap every this many new unowned arrays (one cheap call into the core). */
const CHECK_EVERY = 512;
/** Below this many unowned arrays nothing is said or asked (scripts keep a few). */
const MIN_UNOWNED = 64;

export const pressure = {
  /** Live bytes above which a growing heap of unowned arrays earns the warning. */
  warnBytes: 512 * 2 ** 20,
  /** Ask for a collection each time live bytes grew by this much since the last ask. */
  collectEvery: 128 * 2 ** 20,
  /** The host's way to ask for a collection (set by loaders that have one, e.g. Node's gc). */
  collect: null as (() => void) | null,
  warned: false,
  /** How many collections were asked for (tests and bench read it). */
  collections: 0,
};

let sinceCheck = 0;
let lastBytes = 0;
let grewChecks = 0;
let bytesAtCollect = 0;

/** Counts an array that no scope owns; every CHECK_EVERY of them, looks at the heap. */
export function markUnowned(h: number): void {
  if (h >= unowned.length) grow(h);
  if (unowned[h]) return;
  unowned[h] = 1;
  ++unownedCount;
  if (++sinceCheck >= CHECK_EVERY) {
    sinceCheck = 0;
    check();
  }
}

/** Called after each eval, where memory grows: looks at the heap while unowned arrays pile up. */
export function afterEval(): void {
  if (unownedCount >= MIN_UNOWNED) check();
}

/** Unowned arrays alive now. */
export function unownedArrays(): number {
  return unownedCount;
}

function check(): void {
  if (unownedCount < MIN_UNOWNED) {
    grewChecks = 0;
    return;
  }
  const bytes = core().memory().liveBytes;
  grewChecks = bytes > lastBytes ? grewChecks + 1 : 0;
  lastBytes = bytes;
  if (bytes - bytesAtCollect >= pressure.collectEvery) {
    bytesAtCollect = bytes;
    askForCollection();
  } else if (bytes < bytesAtCollect) {
    bytesAtCollect = bytes;
  }
  if (!pressure.warned && bytes >= pressure.warnBytes && grewChecks >= 3) {
    pressure.warned = true;
    console.warn(
      `[webmx] ${unownedCount} arrays that were never disposed nor made inside mx.tidy hold ` +
        `${Math.round(bytes / 2 ** 20)} MiB of wasm memory, and it keeps growing. The garbage collector ` +
        `doesn't see wasm memory and frees these only when the event loop turns: wrap each step in ` +
        `mx.tidy(() => ...) or dispose() arrays you no longer need (README, "Memory"). ` +
        `At 4 GiB allocation fails with a [malloc] error.`,
    );
  }
}

/**
 * An allocation failed. Arrays whose handles are already unreachable are
 * freed at the next turn of the event loop if the GC has found them: ask for
 * a collection now, so that code which catches the error and yields recovers.
 */
export function outOfMemory(): void {
  if (unownedCount > 0) askForCollection();
}

let ballast: ArrayBuffer | null = null;

function askForCollection(): void {
  registerPending(); // queued handles are held strongly until registered: let the collector see them
  ballast = null;
  ++pressure.collections;
  if (pressure.collect) {
    pressure.collect();
    return;
  }
  // No gc() here: a short-lived external allocation raises V8's external
  // memory count, which makes the next GC come sooner (the buffer's pages are
  // never touched, so it costs address space, not memory).
  try {
    ballast = new ArrayBuffer(64 * 2 ** 20); // kept until the next ask, so no compiler drops it
  } catch {
    // the host refused: nothing more we can do
  }
}

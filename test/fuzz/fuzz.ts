// A seeded junk-argument fuzzer over the whole public surface: every function
// the package exports (namespaces such as random, fast and tree included;
// classes constructed with `new`) and every mx.Array member, called with
// argument lists from junk.ts. What a call returns is exercised one level
// further: returned functions (grad, vmap, compile, customFunction, ...) are
// called with junk too, and so are the methods of returned objects (x.at()'s
// updater, a compiled function's dispose and traces).
//
// The oracle, after every call:
// - it returned, or threw an Error whose message starts with an operation's
//   tag, "[op] " (see TAG), or let a JunkError from the junk itself through;
//   never a RangeError (stack overflow), a wasm trap (RuntimeError), a
//   TypeError from the package's own code, or a non-Error;
// - once its results, the junk's arrays and arrays it wrote into its
//   arguments (compile's outputs) are disposed, mx.memory().liveArrays is
//   back where it was: a failed or successful call leaks no handle;
// - the module still computes (1 + [1, 2] = [2, 3]).
//
// Runs are deterministic for a seed (test/fuzz.test.ts runs a short one in
// `make test`, `make fuzz` a long one).

import { Junk, JunkError, arraysIn } from "./junk.js";

/** The message of a tagged error: "[op] " then the problem ("[tree.unflatten] ...", "[conv2d] ..."). */
export const TAG = /^\[[A-Za-z0-9_.]+\] \S/;

export interface Target {
  name: string;
  call: (junk: Junk, args: unknown[]) => unknown;
  /** Its options' names, as its "Unknown option" error lists them (see learnOptions). */
  optionKeys?: string[];
}

export interface Finding {
  /** What went wrong, e.g. "threw TypeError: fn is not a function" or "leaked 1 array". */
  problem: string;
  /** The first call that showed it (target and arguments, described). */
  call: string;
  iteration: number;
}

export interface FuzzResult {
  findings: Finding[];
  /** Calls made (the targets and what they returned), how many returned, threw a tagged error, let junk through. */
  stats: { calls: number; returned: number; tagged: number; junk: number };
}

export interface FuzzOptions {
  seed: number;
  iterations: number;
  /** Only targets whose names match (e.g. /^tree\./). */
  only?: RegExp;
}

const isClass = (f: Function) => /^class\b/.test(Function.prototype.toString.call(f));

/** Every export and Array member, as fuzz targets. */
export function targets(mx: any): Target[] {
  const out: Target[] = [];
  const add = (prefix: string, ns: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(ns)) {
      if (typeof v === "function") {
        const f = v as (...a: unknown[]) => unknown;
        const construct = isClass(f);
        // The save functions get null for a string path: the same checks and encoding, but
        // bytes back instead of files named after the junk in the working directory.
        const writes = prefix === "" && ["save", "saveSafetensors", "savez", "savezCompressed", "saveGguf"].includes(k);
        const fix = (args: unknown[]) => (writes && typeof args[0] === "string" ? [null, ...args.slice(1)] : args);
        out.push({ name: `${prefix}${k}`, call: (_j, args) => (construct ? new (f as any)(...args) : f(...fix(args))) });
      } else if (v !== null && typeof v === "object" && !(v instanceof mx.Dtype)) {
        add(`${prefix}${k}.`, v as Record<string, unknown>); // a namespace: random, fast, tree
      }
    }
  };
  add("", mx);
  const proto = mx.Array.prototype;
  for (const key of [...Object.getOwnPropertyNames(proto), ...Object.getOwnPropertySymbols(proto)]) {
    if (key === "constructor") continue;
    const d = Object.getOwnPropertyDescriptor(proto, key)!;
    const name = `Array#${String(key)}`;
    // The receiver: a fresh junk array, or the first argument when it is an array (inside a
    // transform, a tracer: a junk callback's `x.sum()`).
    const split = (j: Junk, args: unknown[]): [any, unknown[]] =>
      args[0] instanceof mx.Array && j.chance(0.5) ? [args[0], args.slice(1)] : [j.array(), args];
    if (typeof d.value === "function") out.push({ name, call: (j, args) => { const [x, rest] = split(j, args); return x[key](...rest); } });
    else if (d.get) out.push({ name, call: (j, args) => split(j, args)[0][key] });
  }
  return out;
}

/**
 * Asks each target for its option names: called with an unknown option in
 * each position, an op answers "[op] Unknown option 'x'; expected a, b."
 * The junk then uses those names, so calls reach the options' own checks.
 */
function learnOptions(mx: any, all: Target[], junk: Junk): void {
  const probe = { zzFuzzProbe: 1 };
  const leading = [mx.ones([2, 3]), (x: unknown) => x, 1, 1];
  for (const t of all) {
    for (const first of [leading[0], leading[1]]) {
      for (let pos = 0; pos < 4 && !t.optionKeys; ++pos) {
        const args = [first, ...leading.slice(2, 1 + pos)].slice(0, pos);
        try {
          const r = t.call(junk, [...args, probe]);
          if (r instanceof Promise) r.catch(() => undefined);
          for (const a of arraysIn(mx, [r])) a.dispose();
        } catch (e) {
          const m = /Unknown option 'zzFuzzProbe'; expected (.*)\.$/.exec(String((e as Error)?.message));
          if (m && m[1] !== "none") t.optionKeys = m[1]!.split(", ");
        }
      }
    }
  }
  leading[0].dispose();
  mx.enableCompile(); // (disableCompile was among the targets)
  for (const a of junk.made) a.dispose();
  junk.made.length = 0;
}

/**
 * An op under a transform: "vmap∘sum" calls mx.vmap((...xs) => sum(...xs,
 * ...args)) on batched arrays, and likewise grad (of the sum of the op's
 * result), compile (shapeless at times), jvp, vjp and checkpoint. The op's
 * transform rules (and compile's replay) then meet the junk that follows its
 * array arguments. `ops` are the targets that may run there.
 */
function transformTargets(mx: any, ops: Target[]): Target[] {
  const shapes = [[], [3], [2, 3], [3, 1], [1, 3], [0]];
  const inputs = (j: Junk, batch: number[]) => {
    const shape = j.pick(shapes);
    return Array.from({ length: 1 + j.int(2) }, () => j.floats([...batch, ...(j.chance(0.8) ? shape : j.pick(shapes))]));
  };
  const opOn = (j: Junk, extra: unknown[]) => {
    const op = j.pick(ops);
    return (...xs: unknown[]) => op.call(j, [...xs, ...extra]);
  };
  const scalar = (r: unknown) => (r instanceof mx.Array ? (r as any).sum() : r);
  return [
    { name: "vmap∘op", call: (j, extra) => mx.vmap(opOn(j, extra))(...inputs(j, [2])) },
    { name: "grad∘op", call: (j, extra) => { const f = opOn(j, extra); return mx.grad((...xs: unknown[]) => scalar(f(...xs)))(...inputs(j, [])); } },
    { name: "compile∘op", call: (j, extra) => {
      // Traced, then replayed: the first result is freed with the junk.
      const f = mx.compile(opOn(j, extra), { shapeless: j.chance(0.3) });
      const xs = inputs(j, []);
      j.made.push(...arraysIn(mx, [f(...xs)]));
      return f(...xs);
    } },
    { name: "jvp∘op", call: (j, extra) => { const xs = inputs(j, []); return mx.jvp(opOn(j, extra), xs, xs.map((x: any) => j.floats(x.shape))); } },
    { name: "vjp∘op", call: (j, extra) => {
      const f = opOn(j, extra);
      const xs = inputs(j, []);
      const out = mx.tidy(() => f(...xs));
      j.made.push(...arraysIn(mx, [out]));
      const outs = out instanceof mx.Array ? [out] : Array.isArray(out) ? out : [];
      return mx.vjp(f, xs, outs.map((o: any) => (o instanceof mx.Array ? j.floats(o.shape) : o)));
    } },
    { name: "checkpoint∘op", call: (j, extra) => { const f = mx.checkpoint(opOn(j, extra)); return mx.grad((...xs: unknown[]) => scalar(f(...xs)))(...inputs(j, [])); } },
  ];
}

/** A short, never-throwing description of a value for findings. */
function show(v: unknown, depth = 0): string {
  try {
    if (typeof v === "symbol") return "Symbol()";
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "function") return "fn";
    if (typeof v === "string") return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}...` : v);
    if (typeof v !== "object" || v === null) return String(v);
    if (Object.getPrototypeOf(v) === null) return "Object.create(null)";
    if (typeof (v as any).dtype === "object" && typeof (v as any).dispose === "function")
      return (v as any).disposed ? "array(disposed)" : `array(${(v as any).dtype.name}[${(v as any).shape}])`;
    if (Array.isArray(v)) {
      if (depth > 2) return "[...]";
      return v.length > 4 ? `[${v.slice(0, 3).map((x) => show(x, depth + 1)).join(", ")}, ... (${v.length})]` : `[${v.map((x) => show(x, depth + 1)).join(", ")}]`;
    }
    if (depth > 2) return "{...}";
    return `{${Object.keys(v).slice(0, 4).map((k) => `${k}: ${show((v as any)[k], depth + 1)}`).join(", ")}}`;
  } catch {
    return "<throws>";
  }
}

/** The problem with what a call threw, or null when it is acceptable. */
function judge(e: unknown): string | null {
  if (e instanceof JunkError) return null; // the junk's own error, passed through
  if (!(e instanceof Error)) return `threw a non-Error (${show(e)})`;
  const name = e.constructor?.name ?? "Error";
  if (name !== "Error" || !TAG.test(e.message)) return `threw ${name}: ${e.message.slice(0, 100)}`;
  return null;
}

/** The same problem in other words (numbers, quoted values stripped): findings are grouped by it. */
const problemKey = (target: string, p: string) => `${target}|${p.replace(/-?\d+(\.\d+)?/g, "N").replace(/'[^']*'|"[^"]*"/g, "S").slice(0, 90)}`;

/** Runs the fuzzer; one finding per distinct problem (none: all good). */
export async function fuzz(mx: any, opts: FuzzOptions): Promise<FuzzResult> {
  const stats = { calls: 0, returned: 0, tagged: 0, junk: 0 };
  const junk = new Junk(mx, opts.seed);
  const all = targets(mx).filter((t) => !opts.only || opts.only.test(t.name));
  learnOptions(mx, all, junk);
  // Callbacks of the junk may run an op on their arguments: inside grad, vmap or compile that
  // fuzzes the op's transform rules. Not the ones with global effects, nor keep (what a callback
  // keeps is the callback's to free).
  // Nor optimizers: one keeps its state (as MLX's assigning to self does), so an optimizer
  // made inside a transform and dropped there is the callback's leak, not the package's.
  const ops = all.filter((t) => !/^(init|keep|tidy|setCacheLimit|clearCache|disableCompile|enableCompile|memory|random\.seed|optimizers\..*)$/.test(t.name));
  const composed = transformTargets(mx, ops).filter((t) => !opts.only || opts.only.test(t.name));
  all.push(...composed, ...composed, ...composed); // (thrice: each is many ops)
  junk.inner = (args) => {
    const t = junk.pick(ops);
    const more = junk.chance(0.5) ? [junk.plausible()] : [];
    return t.call(junk, [...args, ...more]);
  };
  const findings = new Map<string, Finding>();
  const live = () => mx.memory().liveArrays;
  const note = (target: string, problem: string, call: string, iteration: number) => {
    const key = problemKey(target, problem);
    if (!findings.has(key)) findings.set(key, { problem, call, iteration });
  };

  /** Calls f, awaiting a promise it returns; the result, or the problem with what it threw. */
  const attempt = async (f: () => unknown): Promise<{ value?: unknown; problem: string | null; threw: boolean }> => {
    stats.calls++;
    try {
      let value = f();
      if (value instanceof Promise) value = await value;
      stats.returned++;
      return { value, problem: null, threw: false };
    } catch (e) {
      if (e instanceof JunkError) stats.junk++;
      else if (e instanceof Error && TAG.test(e.message)) stats.tagged++;
      return { problem: judge(e), threw: true };
    }
  };

  for (let i = 0; i < opts.iterations; ++i) {
    // A turn of the event loop now and then (vitest's RPC, see test/yield.setup.ts), before
    // counting: the GC safety net may release what an earlier call leaked (already a finding).
    if (i % 200 === 199) await new Promise((resolve) => setTimeout(resolve, 0));
    const t = junk.pick(all);
    const before = live();
    junk.optionKeys = t.optionKeys ?? [];
    const args = junk.args();
    const call = `${t.name}(${args.map((a) => show(a)).join(", ")})`;
    const results: unknown[] = [];
    const r = await attempt(() => t.call(junk, args));
    if (r.problem) note(t.name, r.problem, call, i);
    if (!r.threw) {
      results.push(r.value);
      // One level further: call what came back, and the methods of what came back.
      const v = r.value as any;
      const callables: [string, () => unknown][] = [];
      if (typeof v === "function") callables.push([`${t.name}(...)`, () => v(...junk.args())]);
      if (v !== null && (typeof v === "object" || typeof v === "function") && !(v instanceof mx.Array)) {
        try {
          for (const k of Object.keys(v)) if (typeof v[k] === "function") callables.push([`${t.name}(...).${k}`, () => v[k](...junk.args())]);
          if (typeof v === "function" && "traces" in v) callables.push([`${t.name}(...).traces`, () => v.traces]);
        } catch {
          // junk passed through (a Proxy)
        }
      }
      for (const [name, f] of callables) {
        const n = await attempt(f);
        if (n.problem) note(name, n.problem, `${name} after ${call}`, i);
        if (!n.threw) results.push(n.value);
      }
      // Sometimes evaluate what came back: errors only known at evaluation (index values) show there.
      if (junk.chance(0.2)) {
        const small = arraysIn(mx, results).filter((a) => !a.disposed && a.size <= 100_000);
        const e = await attempt(() => mx.eval(small));
        if (e.problem) note(`eval after ${t.name}`, e.problem, call, i);
      }
    }
    // Free everything the call and the junk made, then count.
    for (const a of [...arraysIn(mx, results), ...arraysIn(mx, args), ...junk.made]) {
      try {
        a.dispose();
      } catch (e) {
        note(t.name, `dispose() threw ${(e as Error)?.message}`, call, i);
      }
    }
    junk.made.length = 0;
    // Only a rise is a leak: a drop is the GC safety net releasing garbage
    // from before this call (it asks for collections as unowned arrays pile up).
    const after = live();
    if (after > before) {
      note(t.name, `leaked ${after - before} array${after - before === 1 ? "" : "s"}`, call, i);
      // Go on from the new count (one finding per leak, not one per later call).
    }
    // Global settings a call may have changed.
    mx.enableCompile();
    mx.setCacheLimit(256 * 2 ** 20);
    // The module still computes.
    const ok = await attempt(() => {
      const x = mx.array([1, 2]);
      const y = x.add(1);
      const l = y.tolist();
      x.dispose();
      y.dispose();
      return l;
    });
    if (ok.threw || JSON.stringify(ok.value) !== "[2,3]") {
      note(t.name, `the module stopped computing: ${ok.problem ?? JSON.stringify(ok.value)}`, call, i);
      break; // nothing after this is meaningful
    }
  }
  return { findings: [...findings.values()], stats };
}

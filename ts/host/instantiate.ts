// Host-independent part of the loaders: run an emscripten 3.1.6 factory so that
// every failure rejects (3.1.6 hangs when an instantiateWasm hook fails), hand a
// precompiled WebAssembly.Module to the runtime (pthreads post it to their
// workers), and find the wasm memory.
//
// Paths to the emscripten outputs in the loaders ("./st/webmx-st.mjs", ...) are
// relative to dist/, where the bundled loaders live; rollup keeps them verbatim.

import type { LoadedModule, LoadOptions } from "./types.js";

/** The default export of an emscripten MODULARIZE + EXPORT_ES6 glue. */
export type EmscriptenFactory = (moduleArg?: Record<string, unknown>) => Promise<any>;

export interface InstantiateOptions {
  variant: "st" | "mt";
  threads: number;
  /** Precompiled module. Omitted: the glue's own loader fetches the .wasm next to it (import.meta.url). */
  wasm?: WebAssembly.Module;
  /** Extra fields for the emscripten Module object (pthreadPoolSize, locateFile, ...). */
  moduleArg?: Record<string, unknown>;
  /**
   * Called as soon as the factory has run its synchronous part (the threaded
   * glue has created its pool workers by then), with the Module object and a
   * function that rejects the load: the browser loader watches the workers.
   */
  onCreated?: (module: Record<string, any>, fail: (e: unknown) => void) => void;
}

/** Threads for "auto": the host's parallelism, at least 2 (threaded build), at most 8. */
export function autoThreads(parallelism: number | undefined): number {
  const n = Math.floor(Number(parallelism) || 4);
  return Math.min(8, Math.max(2, n));
}

/**
 * Normalises opts.threads: 1 means the single-thread build; >1 the threaded one with
 * that many threads. `auto` is what "auto"/undefined resolves to on this host.
 */
export function requestedThreads(threads: LoadOptions["threads"], auto: () => number): number {
  if (threads === undefined || threads === "auto" || (threads as unknown) === true) return auto();
  if (threads === false) return 1;
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1) {
    throw new TypeError(
      `[init] threads must be "auto", false or a positive integer, got ${String(threads)}`,
    );
  }
  return threads;
}

/** True when the module imports its memory, i.e. it is the threaded (shared memory) build. */
export function isThreadedWasm(mod: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(mod).some((i) => i.kind === "memory");
}

/**
 * Checks that a user-supplied module matches the requested variant. With threads
 * left at "auto" the module decides; an explicit mismatch is an error.
 */
export function variantForModule(
  mod: WebAssembly.Module,
  threads: LoadOptions["threads"],
  wanted: number,
): "st" | "mt" {
  const mt = isThreadedWasm(mod);
  const explicit = threads !== undefined && threads !== "auto" && (threads as unknown) !== true;
  if (explicit && mt !== wanted > 1) {
    throw new Error(
      `[init] opts.wasm is the ${mt ? "threaded" : "single-thread"} build but threads: ${String(threads)} ` +
        `asks for the ${wanted > 1 ? "threaded" : "single-thread"} one`,
    );
  }
  return mt ? "mt" : "st";
}

export async function compileBytes(bytes: ArrayBuffer | ArrayBufferView): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as BufferSource);
  } catch (e) {
    throw withCause(`[init] could not compile the webmx .wasm: ${messageOf(e)}`, e);
  }
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/**
 * Fetches and compiles: streaming when the server sends application/wasm, else
 * from the bytes (a wrong MIME type costs speed, not the load). Every failure is
 * tagged and names the URL; `hint` (what to do about it) ends the messages that
 * are about the file being missing or wrong.
 */
export async function compileUrl(url: string | URL, hint = ""): Promise<WebAssembly.Module> {
  const href = String(url);
  const tail = hint ? `. ${hint}` : "";
  let res: Response;
  try {
    res = await fetch(href, { credentials: "same-origin" });
  } catch (e) {
    // A network failure (refused, DNS, CORS) rejects with a bare "fetch failed".
    throw withCause(`[init] could not fetch ${href}: ${messageOf(e)}${tail}`, e);
  }
  if (!res.ok) throw new Error(`[init] could not fetch ${href}: HTTP ${res.status}${tail}`);
  const type = res.headers.get("Content-Type") ?? "";
  if (typeof WebAssembly.compileStreaming === "function" && /^application\/wasm\s*(;|$)/i.test(type)) {
    return WebAssembly.compileStreaming(res).catch((e) => {
      throw withCause(`[init] could not compile ${href}: ${messageOf(e)}`, e);
    });
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (!WASM_MAGIC.every((b, i) => bytes[i] === b)) {
    const start = new TextDecoder().decode(bytes.subarray(0, 24)).replace(/\s+/g, " ");
    throw new Error(
      `[init] ${href} is not a WebAssembly file (Content-Type: ${type || "none"}, starts with ${JSON.stringify(start)}): ` +
        `the server answered with another file, as single-page-app fallbacks do for a missing one${tail}`,
    );
  }
  return compileBytes(bytes);
}

function findMemory(obj: unknown): WebAssembly.Memory | undefined {
  if (!obj || typeof obj !== "object") return undefined;
  for (const v of Object.values(obj as Record<string, unknown>)) {
    if (v instanceof WebAssembly.Memory) return v;
    // imports are {module: {name: value}}
    if (v && typeof v === "object" && !(v instanceof WebAssembly.Memory)) {
      for (const w of Object.values(v as Record<string, unknown>)) {
        if (w instanceof WebAssembly.Memory) return w;
      }
    }
  }
  return undefined;
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function withCause(message: string, cause: unknown): Error {
  const err = new Error(message) as Error & { cause?: unknown };
  err.cause = cause;
  return err;
}

/**
 * Runs the factory. Resolves with the backend once the runtime (and, for the
 * threaded build, every pool worker) is ready; rejects on any failure.
 *
 * Memory: emscripten 3.1.6 at -O3 minifies wasm import/export names (the memory
 * export of the st build is e.g. "p", the threaded build imports it as a.a), so
 * the memory is found by type: in the instance exports (st), in the imports (mt),
 * else Module.wasmMemory (mt) / Module.asm (st) when the glue loaded the wasm itself.
 */
export function instantiate(create: EmscriptenFactory, opts: InstantiateOptions): Promise<LoadedModule> {
  return new Promise<LoadedModule>((resolve, reject) => {
    let settled = false;
    let memory: WebAssembly.Memory | undefined;
    const fail = (e: unknown) => {
      if (settled) return;
      settled = true;
      // The glue's own failures (its fetch of the .wasm, an abort) arrive untagged.
      const tagged = e instanceof Error && e.message.startsWith("[init]");
      reject(tagged ? e : withCause(`[init] webmx failed to load: ${messageOf(e)}`, e));
    };
    const moduleArg: Record<string, unknown> = { ...opts.moduleArg };
    const mod = opts.wasm;
    if (mod) {
      moduleArg.instantiateWasm = (
        imports: WebAssembly.Imports,
        receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
      ) => {
        WebAssembly.instantiate(mod, imports).then((instance) => {
          memory = findMemory(instance.exports) ?? findMemory(imports);
          // Every webmx build exports (st) or imports (mt) its memory; without one the
          // glue would fail on an undefined buffer with no hint of the cause.
          if (!memory) {
            fail(new Error("[init] opts.wasm is not a webmx build: it neither exports nor imports a WebAssembly.Memory"));
            return;
          }
          receiveInstance(instance, mod);
        }).catch((e) => fail(withCause(`[init] could not instantiate the webmx .wasm: ${messageOf(e)}`, e)));
        return {};
      };
    }
    let ready: Promise<any>;
    try {
      ready = Promise.resolve(create(moduleArg));
      // MODULARIZE: the factory's Module object is moduleArg itself.
      opts.onCreated?.(moduleArg, fail);
    } catch (e) {
      fail(e);
      return;
    }
    ready.then((M: any) => {
      if (settled) return;
      memory ??=
        (M.wasmMemory instanceof WebAssembly.Memory ? M.wasmMemory : undefined) ?? findMemory(M.asm);
      if (!memory) {
        fail(new Error("[init] webmx loaded but its WebAssembly.Memory could not be found"));
        return;
      }
      settled = true;
      resolve({ module: M, memory, variant: opts.variant, threads: opts.variant === "st" ? 1 : opts.threads });
    }, fail);
  });
}

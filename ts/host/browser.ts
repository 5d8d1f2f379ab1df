// Browser loader (pages and module workers). threads "auto" (default) => the
// threaded build when the page can run it (cross-origin isolated, see
// canUseThreads), with navigator.hardwareConcurrency threads capped at 8 (min 2);
// else the single-thread build. A number n > 1 insists on threads (and fails
// clearly when the page cannot have them); 1 or false => single-thread build.
//
// Nothing here depends on where a bundler puts the emscripten glue:
//  - the .wasm is fetched and compiled here, from opts.wasm or from a URL made
//    of a literal path and import.meta.url (which Vite, webpack 5 and
//    @web/rollup-plugin-import-meta-assets rewrite to their asset URL), and
//    handed to the glue, so its own loader (and its import.meta.url) never runs;
//  - the pool workers run webmx-mt.pthread.js, which carries the glue in itself:
//    by default from a blob: URL made from the copy in webmx-mt.pthread-source.js
//    (an ordinary module of strings to a bundler), or from opts.workerUrl.
// Every failure rejects with an [init] error naming the URL and what to do, and
// a load that stalls rejects after opts.timeout ms (default 30 s).

import {
  autoThreads,
  compileBytes,
  compileUrl,
  instantiate,
  messageOf,
  requestedThreads,
  variantForModule,
  withCause,
  type EmscriptenFactory,
} from "./instantiate.js";
import type { LoadedModule, LoadOptions, Loader } from "./types.js";

const DEFAULT_TIMEOUT_MS = 30_000;
/** The file name the threaded glue asks locateFile for when it creates a pool worker. */
const GLUE_WORKER_NAME = "webmx-mt.worker.js";

/**
 * True when this context can run the threaded build: SharedArrayBuffer and Worker
 * exist, the page is cross-origin isolated (COOP same-origin + COEP require-corp or
 * credentialless), and shared wasm memory can be created. Checking
 * SharedArrayBuffer alone is wrong: Cloudflare Workers have it but no Worker.
 */
export function canUseThreads(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  if (typeof SharedArrayBuffer !== "function" || g.crossOriginIsolated !== true || typeof Worker !== "function") {
    return false;
  }
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

function hardwareConcurrency(): number | undefined {
  return typeof navigator !== "undefined" ? navigator.hardwareConcurrency : undefined;
}

function documentBase(): string | undefined {
  return typeof location !== "undefined" ? location.href : undefined;
}

/** What the load is doing now: a timeout names it. */
interface Progress {
  step: string;
}

/**
 * The packaged .wasm's URL. Each is written out as `new URL` of a string literal
 * and import.meta.url, the one form that bundlers find and emit as a file.
 */
function packagedWasmUrl(variant: "st" | "mt"): URL {
  try {
    return variant === "mt"
      ? new URL("./web-mt/webmx-mt.wasm", import.meta.url)
      : new URL("./st/webmx-st.wasm", import.meta.url);
  } catch (e) {
    throw withCause(
      `[init] cannot locate webmx's .wasm: import.meta.url is not usable here (${messageOf(e)}; ` +
        "was webmx bundled into a classic script?). Serve dist/" +
        (variant === "mt" ? "web-mt/webmx-mt.wasm" : "st/webmx-st.wasm") +
        " from node_modules/webmx and pass its URL as init({ wasm })",
      e,
    );
  }
}

function missingWasmHint(variant: "st" | "mt"): string {
  const file = variant === "mt" ? "web-mt/webmx-mt.wasm" : "st/webmx-st.wasm";
  return (
    `The bundle expects webmx's ${file} there: let the bundler emit it (Vite and webpack 5 do; rollup needs ` +
    `@web/rollup-plugin-import-meta-assets), copy node_modules/webmx/dist/${file} to that URL, ` +
    "or pass the URL where you serve it as init({ wasm })"
  );
}

async function compileFromSource(src: NonNullable<LoadOptions["wasm"]>): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) return compileBytes(src);
  let url: URL;
  try {
    url = src instanceof URL ? src : new URL(src, documentBase());
  } catch (e) {
    throw withCause(`[init] opts.wasm ${JSON.stringify(String(src))} is not a URL: ${messageOf(e)}`, e);
  }
  return compileUrl(url, "Check that opts.wasm points at webmx-st.wasm or webmx-mt.wasm as served");
}

async function importGlue(variant: "st" | "mt", progress: Progress): Promise<EmscriptenFactory> {
  const name = variant === "mt" ? "./web-mt/webmx-mt.mjs" : "./st/webmx-st.mjs";
  progress.step = `loading webmx's glue (${name})`;
  try {
    const glue: { default: EmscriptenFactory } =
      variant === "mt"
        ? // @ts-ignore -- emscripten output next to the bundle (dist/web-mt/), kept external by rollup
          await import("./web-mt/webmx-mt.mjs")
        : // @ts-ignore -- emscripten output next to the bundle (dist/st/), kept external by rollup
          await import("./st/webmx-st.mjs");
    return glue.default;
  } catch (e) {
    throw withCause(
      `[init] could not load webmx's glue ${name} (relative to the loader): ${messageOf(e)}. ` +
        "Serve the bundle's chunks from where it was built to be served",
      e,
    );
  }
}

/** The pool workers' script: opts.workerUrl, else a blob: URL of the bundled copy (made once). */
let bundledWorkerUrl: string | undefined;
async function poolWorkerUrl(opts: LoadOptions, progress: Progress): Promise<{ url: string; given: boolean }> {
  if (opts.workerUrl !== undefined) {
    if (typeof opts.workerUrl !== "string" && !(opts.workerUrl instanceof URL)) {
      throw new TypeError(`[init] workerUrl must be a URL or a string, got ${typeof opts.workerUrl}`);
    }
    try {
      return { url: new URL(opts.workerUrl, documentBase()).href, given: true };
    } catch (e) {
      throw withCause(`[init] workerUrl ${JSON.stringify(String(opts.workerUrl))} is not a URL: ${messageOf(e)}`, e);
    }
  }
  if (!bundledWorkerUrl) {
    const name = "./web-mt/webmx-mt.pthread-source.js";
    progress.step = `loading webmx's pool worker source (${name})`;
    let source: { default: string };
    try {
      // @ts-ignore -- generated next to the bundle (dist/web-mt/), kept external by rollup
      source = await import("./web-mt/webmx-mt.pthread-source.js");
    } catch (e) {
      throw withCause(`[init] could not load webmx's ${name} (relative to the loader): ${messageOf(e)}`, e);
    }
    bundledWorkerUrl = URL.createObjectURL(new Blob([source.default], { type: "text/javascript" }));
  }
  return { url: bundledWorkerUrl, given: false };
}

/** Why a pool worker script failed to load, as far as a fetch of it can tell. */
async function diagnoseWorkerUrl(url: string): Promise<string> {
  try {
    const res = await fetch(url, { credentials: "same-origin" });
    const type = res.headers.get("Content-Type") ?? "none";
    return res.ok ? `HTTP ${res.status}, Content-Type: ${type}` : `HTTP ${res.status}`;
  } catch (e) {
    return `fetch failed: ${messageOf(e)}`;
  }
}

/**
 * Rejects the load when a pool worker fails to start (its script missing or
 * refused, or an error while it loads webmx), and keeps `progress` counting the
 * workers that are ready. The glue's own onerror only logs and rethrows, and the
 * factory's promise then never settles.
 */
function watchPoolWorkers(
  module: Record<string, any>,
  fail: (e: unknown) => void,
  worker: { url: string; given: boolean },
  progress: Progress,
): void {
  const workers: Worker[] = typeof module.pthreadWorkers === "function" ? module.pthreadWorkers() : [];
  const where = worker.given ? worker.url : "the blob: URL made from webmx-mt.pthread-source.js";
  let loaded = 0;
  progress.step = `starting ${workers.length} thread workers from ${where} (0 ready)`;
  for (const w of workers) {
    w.addEventListener("message", (e: MessageEvent) => {
      if (e.data && e.data.cmd === "loaded") {
        loaded++;
        progress.step = `starting ${workers.length} thread workers from ${where} (${loaded} ready)`;
      }
    });
    w.addEventListener("error", (e: Event) => {
      const message = (e as ErrorEvent).message;
      if (message) {
        fail(new Error(`[init] a thread worker failed while loading webmx from ${where}: ${message}`));
        return;
      }
      // A script that could not be loaded at all: the event says nothing more.
      const fix = worker.given
        ? "serve webmx's dist/web-mt/webmx-mt.pthread.js there (same origin, a JavaScript MIME type) or leave out workerUrl"
        : "the page's Content-Security-Policy must allow blob: workers (worker-src blob:); otherwise serve " +
          "dist/web-mt/webmx-mt.pthread.js and pass its URL as init({ workerUrl })";
      void diagnoseWorkerUrl(worker.url).then((why) =>
        fail(new Error(`[init] a thread worker failed to start from ${worker.url} (${why}): ${fix}`)),
      );
    });
  }
}

/** Rejects with a tagged error naming the step in progress if `p` takes longer than `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number, progress: Progress): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(
        new Error(
          `[init] webmx did not finish loading within ${ms / 1000} s, while ${progress.step}. ` +
            "Check the browser's network panel and console for that file; init({ timeout }) sets the limit",
        ),
      );
    }, ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function timeoutOf(t: unknown): number {
  if (t === undefined) return DEFAULT_TIMEOUT_MS;
  if (typeof t !== "number" || !(t > 0) || !Number.isFinite(t)) {
    throw new TypeError(`[init] timeout must be a positive number of milliseconds, got ${String(t)}`);
  }
  return t;
}

/**
 * emscripten warns once per load when the page's main thread waits on a lock.
 * The danger it means is a main thread waiting for a worker that cannot start
 * until the main thread returns to its event loop. Here every pool worker has
 * started before init() resolves, the core never runs more threads than the
 * pool holds, and a waiting main thread still serves the calls the workers
 * proxy to it, so the waits are short and safe: that one message is dropped.
 */
function printErrWithoutBlockingWarning(text: string): void {
  if (!String(text).startsWith("Blocking on the main thread is very dangerous")) console.warn(text);
}

async function load(opts: LoadOptions, progress: Progress): Promise<LoadedModule> {
  const threadsOk = canUseThreads();
  const threads = requestedThreads(opts.threads, () => (threadsOk ? autoThreads(hardwareConcurrency()) : 1));

  let wasm: WebAssembly.Module | undefined;
  let variant: "st" | "mt" = threads > 1 ? "mt" : "st";
  if (opts.wasm !== undefined) {
    const src = typeof opts.wasm === "string" || opts.wasm instanceof URL ? ` (${String(opts.wasm)})` : "";
    progress.step = `compiling opts.wasm${src}`;
    wasm = await compileFromSource(opts.wasm);
    variant = variantForModule(wasm, opts.threads, threads);
  }
  if (variant === "mt" && !threadsOk) {
    throw new Error(
      "[init] the threaded build needs a cross-origin isolated page (serve it with " +
        "Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp) " +
        "and SharedArrayBuffer; use threads: \"auto\" or false to fall back to the single-thread build",
    );
  }
  if (!wasm) {
    const url = packagedWasmUrl(variant);
    progress.step = `fetching ${url.href}`;
    wasm = await compileUrl(url, missingWasmHint(variant));
  }

  const create = await importGlue(variant, progress);
  if (variant === "st") {
    progress.step = "instantiating webmx-st.wasm";
    // locateFile: the glue must not resolve anything against its import.meta.url.
    return instantiate(create, { variant, threads: 1, wasm, moduleArg: { locateFile: (p: string) => p } });
  }

  const n = Math.max(2, threads);
  const worker = await poolWorkerUrl(opts, progress);
  progress.step = "instantiating webmx-mt.wasm";
  return instantiate(create, {
    variant,
    threads: n,
    wasm,
    moduleArg: {
      pthreadPoolSize: n,
      // The glue asks for its worker script by this name (tools/pthread_worker.mjs removed its
      // new URL(..., import.meta.url) branch); nothing else is located by URL.
      locateFile: (p: string) => (p === GLUE_WORKER_NAME ? worker.url : p),
      printErr: printErrWithoutBlockingWarning,
    },
    onCreated: (module, fail) => watchPoolWorkers(module, fail, worker, progress),
  });
}

export const loadBrowser: Loader = async (opts: LoadOptions = {}): Promise<LoadedModule> => {
  const ms = timeoutOf(opts.timeout);
  const progress: Progress = { step: "starting" };
  return withTimeout(load(opts, progress), ms, progress);
};

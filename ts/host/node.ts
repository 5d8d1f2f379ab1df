/// <reference types="node" />
// Node loader. threads "auto" (default) => threaded build, os.availableParallelism()
// threads capped at 8 (min 2); a number n > 1 => threaded with n threads; 1 or
// false => single-thread build. The .wasm is read with fs and compiled here (the
// glue's own loader would fetch() a file: URL, which Node's fetch cannot do).
//
// The threaded glue is dist/node-mt/ (ENVIRONMENT=node,worker, ESM banner,
// CommonJS worker); it shares web-mt/webmx-mt.wasm. Its pool workers are unref'd
// (wasm/js/pthread-post.js), so a script that used webmx exits by itself.

import { AsyncLocalStorage } from "node:async_hooks";
import { readFileSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import * as os from "node:os";
import * as v8 from "node:v8";
import * as vm from "node:vm";
import { fileURLToPath } from "node:url";

import {
  autoThreads,
  compileBytes,
  compileUrl,
  instantiate,
  requestedThreads,
  variantForModule,
  type EmscriptenFactory,
} from "./instantiate.js";
import type { LoadedModule, LoadOptions, Loader } from "./types.js";
import { registerAsyncContext } from "../scope.js";
import { pressure } from "../safety_net.js";
import { registerFileHost } from "../io/file_host.js";

// Async tidy tells its own arrays from other code's through the async context
// (process.getBuiltinModule, which scope.ts would use otherwise, is Node >= 20.16).
registerAsyncContext(AsyncLocalStorage);

// Node lets a library ask for a collection: gc() from a context made while
// --expose-gc is set (the flag is put back at once, so the user's own
// contexts don't see gc). The safety net asks when unowned arrays pile up.
let gcFn: (() => void) | null | undefined;
function nodeGc(): (() => void) | null {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === "function") return own as () => void;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as unknown;
    v8.setFlagsFromString("--no-expose-gc");
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
pressure.collect = () => {
  if (gcFn === undefined) gcFn = nodeGc();
  gcFn?.();
};

// mx.load / mx.save with a path read and write through node:fs (synchronous,
// as MLX's are).
registerFileHost({
  readFile: (path) => readFileSync(path),
  writeFile: (path, data) => writeFileSync(path, data),
});

function hostParallelism(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}

async function compileFromSource(src: NonNullable<LoadOptions["wasm"]>): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) return compileBytes(src);
  let url: URL | undefined;
  if (src instanceof URL) url = src;
  else if (typeof src === "string" && /^(file|https?|data|blob):/i.test(src)) url = new URL(src);
  if (url && url.protocol !== "file:") return compileUrl(url);
  const path = url ? fileURLToPath(url) : String(src);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`[init] could not read the webmx .wasm at ${path}: ${(e as Error).message}`);
  }
  return compileBytes(bytes);
}

export const loadNode: Loader = async (opts: LoadOptions = {}): Promise<LoadedModule> => {
  const threads = requestedThreads(opts.threads, () => autoThreads(hostParallelism()));

  let wasm: WebAssembly.Module;
  let variant: "st" | "mt";
  if (opts.wasm !== undefined) {
    wasm = await compileFromSource(opts.wasm);
    variant = variantForModule(wasm, opts.threads, threads);
  } else {
    variant = threads > 1 ? "mt" : "st";
    wasm = await compileFromSource(
      variant === "mt"
        ? new URL("./web-mt/webmx-mt.wasm", import.meta.url)
        : new URL("./st/webmx-st.wasm", import.meta.url),
    );
  }

  const glue: { default: EmscriptenFactory } =
    variant === "mt"
      ? // @ts-ignore -- emscripten output, resolved next to the bundle (dist/node-mt/)
        await import("./node-mt/webmx-mt.mjs")
      : // @ts-ignore -- emscripten output, resolved next to the bundle (dist/st/)
        await import("./st/webmx-st.mjs");

  const n = variant === "mt" ? Math.max(2, threads) : 1;
  // No locateFile for the threaded build: it would make the glue spawn workers
  // from a bare file name, which Node rejects (ERR_WORKER_PATH).
  const loaded = await instantiate(glue.default, {
    variant,
    threads: n,
    wasm,
    moduleArg: variant === "mt" ? { pthreadPoolSize: n } : {},
  });
  // pthread-post.js already unrefs every pool worker (and later ones); make sure.
  if (variant === "mt") loaded.module.refThreads?.(false);
  return loaded;
};

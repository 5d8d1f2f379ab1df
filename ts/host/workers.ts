// Cloudflare Workers (workerd, Miniflare, wrangler) loader: single-thread build
// only. workerd has SharedArrayBuffer but no Worker, forbids compiling wasm from
// bytes and has no import.meta.url, so:
//  - the .wasm is a module import (wrangler/Miniflare "CompiledWasm" rule turns
//    it into a WebAssembly.Module), or opts.wasm when the caller imported it;
//  - locateFile: p => p keeps the glue from evaluating new URL(..., undefined).
// The glue is ENVIRONMENT=web,worker: no Node code path, which workerd with
// nodejs_compat would otherwise take (it sets process.versions.node).

// @ts-ignore -- emscripten output next to the bundle (dist/st/), kept external by rollup
import createWebmx from "./st/webmx-st.mjs";
// @ts-ignore -- imported as a WebAssembly.Module by wrangler / Miniflare (CompiledWasm)
import packagedWasm from "./st/webmx-st.wasm";

import {
  compileBytes,
  instantiate,
  isThreadedWasm,
  requestedThreads,
  type EmscriptenFactory,
} from "./instantiate.js";
import type { LoadedModule, LoadOptions, Loader } from "./types.js";

async function moduleFrom(src: LoadOptions["wasm"]): Promise<WebAssembly.Module> {
  if (src === undefined) {
    if (!(packagedWasm instanceof WebAssembly.Module)) {
      throw new Error(
        "[init] webmx-st.wasm was not imported as a WebAssembly.Module; configure the bundler to treat " +
          "*.wasm as CompiledWasm (wrangler does by default) or pass opts.wasm",
      );
    }
    return packagedWasm;
  }
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) {
    try {
      return await compileBytes(src);
    } catch (e) {
      throw new Error(
        "[init] Cloudflare Workers cannot compile wasm from bytes; import the .wasm as a module " +
          `(import wasm from "webmx/dist/st/webmx-st.wasm") and pass it as opts.wasm (${(e as Error).message})`,
      );
    }
  }
  throw new Error(
    "[init] in Cloudflare Workers opts.wasm must be a WebAssembly.Module (import the .wasm as a module); " +
      "URLs cannot be compiled there",
  );
}

export const loadWorkers: Loader = async (opts: LoadOptions = {}): Promise<LoadedModule> => {
  const t = requestedThreads(opts.threads, () => 1);
  if (t > 1) {
    throw new Error(
      `[init] threads are not available in Cloudflare Workers (no Worker, no cross-origin isolation); ` +
        `got threads: ${t}. Use threads: "auto" or false (the single-thread build)`,
    );
  }
  const wasm = await moduleFrom(opts.wasm);
  if (isThreadedWasm(wasm)) {
    throw new Error("[init] opts.wasm is the threaded build; Cloudflare Workers need webmx-st.wasm");
  }
  return instantiate(createWebmx as EmscriptenFactory, {
    variant: "st",
    threads: 1,
    wasm,
    moduleArg: { locateFile: (p: string) => p },
  });
};

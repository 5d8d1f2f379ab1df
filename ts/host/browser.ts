// Browser loader (pages and module workers). threads "auto" (default) => the
// threaded build when the page can run it (cross-origin isolated, see
// canUseThreads), with navigator.hardwareConcurrency threads capped at 8 (min 2);
// else the single-thread build. A number n > 1 insists on threads (and fails
// clearly when the page cannot have them); 1 or false => single-thread build.
//
// Without opts.wasm the glue's own loader fetches the .wasm next to itself
// (new URL("webmx-*.wasm", import.meta.url)), which downstream bundlers (vite,
// webpack, @web/rollup-plugin-import-meta-assets) rewrite to their asset URL.

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

async function compileFromSource(src: NonNullable<LoadOptions["wasm"]>): Promise<WebAssembly.Module> {
  if (src instanceof WebAssembly.Module) return src;
  if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) return compileBytes(src);
  const base = typeof location !== "undefined" ? location.href : undefined;
  return compileUrl(src instanceof URL ? src : new URL(src, base));
}

export const loadBrowser: Loader = async (opts: LoadOptions = {}): Promise<LoadedModule> => {
  const threadsOk = canUseThreads();
  const threads = requestedThreads(opts.threads, () => (threadsOk ? autoThreads(hardwareConcurrency()) : 1));

  let wasm: WebAssembly.Module | undefined;
  let variant: "st" | "mt" = threads > 1 ? "mt" : "st";
  if (opts.wasm !== undefined) {
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

  const glue: { default: EmscriptenFactory } =
    variant === "mt"
      ? // @ts-ignore -- emscripten output next to the bundle (dist/web-mt/), kept external by rollup
        await import("./web-mt/webmx-mt.mjs")
      : // @ts-ignore -- emscripten output next to the bundle (dist/st/), kept external by rollup
        await import("./st/webmx-st.mjs");

  const n = variant === "mt" ? Math.max(2, threads) : 1;
  // No locateFile: the glue finds its .wasm and worker through import.meta.url.
  return instantiate(glue.default, {
    variant,
    threads: n,
    ...(wasm ? { wasm } : {}),
    moduleArg: variant === "mt" ? { pthreadPoolSize: n } : {},
  });
};

// The contract between the environment-specific loaders (node.ts, browser.ts,
// workers.ts) and the rest of the package. A loader instantiates one of the two
// emscripten builds and hands back the raw module; nothing above this layer
// knows which host it runs in.

export interface LoadOptions {
  /** "auto" (default), a total thread count, or false for the single-thread build. */
  threads?: number | false | "auto";
  /** A precompiled module, the bytes, or the URL of the .wasm to use instead of the packaged one. */
  wasm?: WebAssembly.Module | ArrayBuffer | Uint8Array | URL | string;
  /**
   * Browsers, threaded build: the URL of webmx's pool worker script
   * (`dist/web-mt/webmx-mt.pthread.js`, served by the app). By default the
   * workers run that script from a `blob:` URL made from a copy bundled with
   * the loader, which needs no file to be served but a CSP that allows
   * `worker-src blob:`. Ignored by the other hosts.
   */
  workerUrl?: URL | string;
  /**
   * Browsers: how long init() may take, in milliseconds (default 30000), before
   * it rejects with an error naming the step that stalled (a fetch that never
   * answers, pool workers that never start). Ignored by the other hosts.
   */
  timeout?: number;
}

export interface LoadedModule {
  /** The emscripten Module object: `_wmx_*` exports plus runtime helpers (UTF8ToString, ...). */
  module: any;
  /** The wasm linear memory (imported for the threaded build, exported for the single-thread one). */
  memory: WebAssembly.Memory;
  /** "st" = single-thread SIMD build, "mt" = threaded SIMD build. */
  variant: "st" | "mt";
  /** Total compute threads the core may use (1 for "st"); the loader sized the pthread pool for it. */
  threads: number;
}

export type Loader = (opts: LoadOptions) => Promise<LoadedModule>;

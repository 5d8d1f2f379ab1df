// The loaded core: one per JS realm. init() picks a build through the loader
// that the entry point (node / browser / workers) registered, then every
// other module reaches the wasm exports through `core()`.

import { GPU_FALLBACKS, type GpuFallback } from "./webgpu/fallbacks.js";
import type { Loader, LoadedModule, LoadOptions } from "./host/types.js";
import { outOfMemory } from "./safety_net.js";
import { describe } from "./describe.js";
import { POINTER_RESULTS as WASM_POINTER_RESULTS, type WasmExports } from "./generated/boundary.js";
import type { GpuBackendHandle, GpuOption } from "./webgpu/options.js";
import { attachGpu } from "./webgpu/attach.js";

export interface InitOptions extends LoadOptions {
  /**
   * Opens the WebGPU backend: `true`, a GPUDevice the app already has, or
   * adapter options (`{powerPreference}`). Without an adapter init rejects
   * with an "[init] ..." error and the CPU build stays usable.
   */
  gpu?: GpuOption;
}

/**
 * The `_wmx_*` C ABI (its types generated from wasm/*.cpp by
 * tools/gen_boundary.mjs) plus the emscripten runtime helpers we use.
 */
export interface CoreExports extends WasmExports {
  _malloc(n: number): number;
  _free(p: number): void;
  /** Threaded builds in Node: keep the pool's workers referenced (true) or not. */
  refThreads?: (ref: boolean) => void;
  UTF8ToString(ptr: number): string;
  lengthBytesUTF8(s: string): number;
  stringToUTF8(s: string, p: number, max: number): void;
  // embind (wasm/bindings.cpp): the object-shaped part of the boundary.
  /** The bytes of an array's evaluated row-contiguous data, a view of wasm memory; null on error. */
  dataView(h: number): Uint8Array | null;
  /** One compiled graph's size and primitives (wasm/compile.cpp); null for an unknown id. */
  compiledTrace(id: number): { nodes: number; traced: number; graph: string } | null;
  /** What this build of the core is. */
  coreInfo(): { threads: number; threaded: boolean; simd: boolean; maxNdim: number; pointerBytes: number };
  /** Set by Core: the JS end of wasm/transforms.cpp's callback. */
  wmxCall?: (fn: number, inputs: number, n: number, outPtr: number) => number;
  /** Set by Core: C++ no longer needs a persistent callback. */
  wmxRelease?: (fn: number) => void;
}

/** A JS function called back from a C++ transform: input handles in, output handles out. */
export type Callback = (inputs: number[]) => number[];

const SCRATCH_INTS = 256;

/**
 * The exports that return a pointer into wasm memory. A wasm i32 reaches JS
 * as a signed number, so a pointer above 2 GiB would read as negative (and
 * every typed-array view or index made from it would be wrong); these come
 * back as unsigned numbers instead. Pointers that C++ passes *to* JS (the
 * callback's arguments) get the same `>>> 0` where they arrive.
 */
const POINTER_RESULTS = ["_malloc", ...WASM_POINTER_RESULTS] as const;

function unsignedPointers(module: CoreExports): CoreExports {
  // A view of the module (the other exports through the prototype): the glue's
  // export stubs replace themselves on the Module object at their first call,
  // so wrappers written onto the Module itself would be lost.
  const view = Object.create(module) as Record<string, unknown>;
  const m = module as unknown as Record<string, unknown>;
  for (const name of POINTER_RESULTS) {
    if (typeof m[name] !== "function") continue;
    view[name] = (...args: number[]) => (m[name] as (...a: number[]) => number)(...args) >>> 0;
  }
  return view as unknown as CoreExports;
}

/**
 * Memory in use: `liveArrays` counts array handles neither disposed nor
 * collected, `liveBytes` the data buffers arrays hold (an unevaluated array
 * holds none), `peakBytes` its high-water mark, `cacheBytes` freed buffers
 * kept for reuse, `heapBytes` the size of the wasm memory (which never shrinks).
 */
export interface MemoryInfo {
  liveArrays: number;
  liveBytes: number;
  peakBytes: number;
  cacheBytes: number;
  heapBytes: number;
  /** Bytes in GPU buffers that arrays hold. */
  gpuBytes: number;
  /** Bytes of freed GPU buffers pooled for reuse. */
  gpuCacheBytes: number;
}

export class Core {
  readonly m: CoreExports;
  readonly threads: number;
  readonly variant: "st" | "mt";
  private readonly memory_: WebAssembly.Memory;
  private buffer: ArrayBufferLike | null = null;
  private u8!: Uint8Array;
  private i32!: Int32Array;
  private readonly scratch: number;
  private readonly callbacks = new Map<number, Callback>();
  private nextCallback = 1;
  /** The exception a JS callback threw, rethrown when its C++ caller returns. */
  private pendingError: unknown = null;
  /** The WebGPU backend, once init({gpu}) opened it. */
  gpu: GpuBackendHandle | null = null;

  constructor(b: LoadedModule) {
    this.m = unsignedPointers(b.module as CoreExports);
    this.memory_ = b.memory;
    this.variant = b.variant;
    const t = this.m._wmx_init(b.threads);
    if (t < 0) this.fail();
    this.threads = t;
    this.scratch = this.m._malloc(SCRATCH_INTS * 4);
    // The glue's EM_JS functions read these from the Module object itself.
    const module = b.module as CoreExports;
    module.wmxCall = (fn, inputs, n, outPtr) => this.runCallback(fn, inputs, n, outPtr);
    module.wmxRelease = (fn) => void this.callbacks.delete(fn);
  }

  /** Throws the core's last error as a JS Error (or the JS callback's own exception). */
  fail(): never {
    if (this.pendingError !== null) {
      const e = this.pendingError;
      this.pendingError = null;
      throw e;
    }
    const gpuError = this.gpu?.takeError();
    if (gpuError) throw gpuError;
    const message = this.m.UTF8ToString(this.m._wmx_last_error());
    if (message.startsWith("[malloc]")) outOfMemory();
    throw new Error(message);
  }

  /** Makes `f` callable from C++ for the duration of `body(id)`. */
  withCallback<R>(f: Callback, body: (id: number) => R): R {
    const id = this.nextCallback++;
    this.callbacks.set(id, f);
    try {
      return body(id);
    } finally {
      this.callbacks.delete(id);
    }
  }

  /**
   * Registers `f` until C++ releases it (wmxRelease): for callbacks that graph
   * nodes keep, such as a custom function's rules. Ownership of the id passes
   * to the C++ call it is handed to.
   */
  registerPersistent(f: Callback): number {
    const id = this.nextCallback++;
    this.callbacks.set(id, f);
    return id;
  }

  private runCallback(fn: number, inputs: number, n: number, outPtr: number): number {
    inputs >>>= 0; // pointers from C++ arrive signed
    outPtr >>>= 0;
    try {
      const f = this.callbacks.get(fn);
      if (!f) throw new Error(`[webmx] No JavaScript function is registered under id ${fn}.`);
      const outs = f(this.readInts(inputs, n));
      const p = this.m._malloc(Math.max(1, outs.length) * 4);
      this.heap();
      this.i32.set(outs, p >>> 2);
      this.i32[outPtr >>> 2] = p;
      return outs.length;
    } catch (e) {
      this.pendingError = e;
      return -1;
    }
  }

  /** Handles of the last transform's `n` results (wasm/transforms.cpp). */
  takeResults(n: number): number[] {
    const p = this.m._malloc(Math.max(1, n) * 4);
    try {
      this.m._wmx_take_results(p);
      return this.readInts(p, n);
    } finally {
      this.m._free(p);
    }
  }
  /** A handle or a status from the core: negative means the call failed. */
  check(h: number): number {
    if (h < 0) this.fail();
    return h;
  }

  /** Byte view of wasm memory, refreshed after the memory grew. */
  heap(): Uint8Array {
    if (this.buffer !== this.memory_.buffer) {
      this.buffer = this.memory_.buffer;
      this.u8 = new Uint8Array(this.buffer);
      this.i32 = new Int32Array(this.buffer);
    }
    return this.u8;
  }

  /**
   * Calls f(ptr, n) with `ints` copied into wasm memory (the scratch area, or
   * a temporary allocation for long lists).
   */
  withInts<R>(ints: readonly number[], f: (ptr: number, n: number) => R): R {
    const big = ints.length > SCRATCH_INTS;
    const ptr = big ? this.m._malloc(ints.length * 4) : this.scratch;
    this.heap();
    this.i32.set(ints, ptr >>> 2);
    try {
      return f(ptr, ints.length);
    } finally {
      if (big) this.m._free(ptr);
    }
  }

  /** Calls f(ptr) with `s` copied into wasm memory as a NUL-terminated UTF-8 string. */
  withString<R>(s: string, f: (ptr: number) => R): R {
    const len = this.m.lengthBytesUTF8(s) + 1;
    const ptr = this.m._malloc(len);
    if (ptr === 0) throw new Error(`[malloc] Unable to allocate ${len} bytes for a string argument.`);
    try {
      this.m.stringToUTF8(s, ptr, len);
      return f(ptr);
    } finally {
      this.m._free(ptr);
    }
  }

  /** Reads `n` int32s at ptr. */
  readInts(ptr: number, n: number): number[] {
    this.heap();
    return Array.from(this.i32.subarray(ptr >>> 2, (ptr >>> 2) + n));
  }

  /**
   * Evaluates the arrays on the core's async thread and resolves when done;
   * the calling thread stays free meanwhile. (Single-thread build: evaluates
   * inline, then resolves.)
   */
  evalAsync(handles: number[]): Promise<void> {
    // Started here, synchronously, so that a refusal (inside a transform) throws at the call.
    const job = this.withInts(handles, (p, n) => this.m._wmx_async_eval(p, n));
    if (job === 0) this.fail();
    return this.waitForJob(job);
  }

  private async waitForJob(job: number): Promise<void> {
    // In Node the pool's workers are unref'd; while we wait on one of them,
    // keep them referenced so that the process doesn't exit under us.
    if (this.pendingAsync++ === 0) this.m.refThreads?.(true);
    try {
      for (;;) {
        const state = new Int32Array(this.memory_.buffer, job, 1);
        if (Atomics.load(state, 0) !== 0) break;
        const waitAsync = (Atomics as any).waitAsync as
          | ((a: Int32Array, i: number, v: number) => { async: boolean; value: Promise<string> | string })
          | undefined;
        if (waitAsync && this.memory_.buffer instanceof SharedArrayBuffer) {
          const r = waitAsync(state, 0, 0);
          if (r.async) await r.value;
        } else {
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      }
    } finally {
      if (--this.pendingAsync === 0) this.m.refThreads?.(false);
    }
    this.check(this.m._wmx_async_finish(job));
  }
  private pendingAsync = 0;

  memory(): MemoryInfo {
    // Into the scratch area (malloc'd, so 8-byte aligned): the safety net reads
    // this after evals, and at the memory limit a fresh malloc could fail.
    const p = this.scratch;
    this.m._wmx_memory(p);
    const f = new Float64Array(this.heap().buffer, p, 5);
    return {
      liveArrays: f[0]!,
      liveBytes: f[1]!,
      peakBytes: f[2]!,
      cacheBytes: f[3]!,
      heapBytes: this.memory_.buffer.byteLength,
      gpuBytes: f[4]!,
      gpuCacheBytes: this.gpu?.cacheBytes ?? 0,
    };
  }

  scratchPtr(): number {
    return this.scratch;
  }
}

let loader: Loader | null = null;
let core_: Core | null = null;
let loading: Promise<void> | null = null;
const readyHooks: (() => void)[] = [];

/** @internal Runs f once the core is loaded (at once when it already is): state that needs arrays. */
export function whenReady(f: () => void): void {
  readyHooks.push(f);
  if (core_) f();
}

/** Called once by each entry point (node.js, browser.js, workers.js). @internal */
export function registerLoader(l: Loader): void {
  loader = l;
}

/**
 * Loads the core once; later calls resolve at once. `threads`: "auto"
 * (default), a total thread count, or false for the single-thread build.
 */
export function init(opts: InitOptions = {}): Promise<void> {
  const cpu = loadCore(opts);
  return opts.gpu ? cpu.then(() => openGpu(opts.gpu!)) : cpu;
}

function loadCore(opts: InitOptions): Promise<void> {
  if (core_) return Promise.resolve();
  if (!loading) {
    loading = (async () => {
      if (!loader) throw new Error("[init] No loader registered: import webmx through its package entry point.");
      const backend = await loader(opts);
      core_ = new Core(backend);
      for (const f of readyHooks) f();
    })();
    loading.catch(() => {
      loading = null; // a failed init may be retried
    });
  }
  return loading;
}

let gpuOpening: Promise<void> | null = null;

/** Opens the GPU backend once (a failure may be retried; the CPU core stays loaded either way). */
function openGpu(option: GpuOption): Promise<void> {
  const c = core();
  if (c.gpu && !c.gpu.lost) return Promise.resolve();
  gpuOpening ??= attachGpu(c, option).then(
    (backend) => {
      c.gpu = backend;
      gpuOpening = null;
    },
    (e) => {
      gpuOpening = null;
      throw e;
    },
  );
  return gpuOpening;
}

/** The loaded core; throws a clear error before init(). @internal */
export function core(): Core {
  if (!core_) throw new Error("[webmx] Call `await mx.init()` before using webmx.");
  return core_;
}

/** Memory in use (see MemoryInfo). */
export function memory(): MemoryInfo {
  return core().memory();
}

/**
 * How many bytes of freed buffers the core keeps for reuse, in wasm memory and in the GPU pool each.
 * Defaults: 256 MiB in wasm memory; the GPU pool keeps as much as GPU arrays have held at once (at
 * least 256 MiB), so a step's large intermediates are found again next step. A limit set here is
 * a hard one for both.
 */
export function setCacheLimit(bytes: number): void {
  // typeof first: `>=` throws on a symbol, and a bigint would pass it and then fail in the wasm call.
  if (typeof bytes !== "number" || !(bytes >= 0))
    throw new Error(`[setCacheLimit] The limit must be a number of bytes >= 0, got ${describe(bytes)}.`);
  const c = core();
  c.m._wmx_set_cache_limit(Math.min(bytes, 2 ** 32 - 1)); // (Infinity: no limit; size_t is 32-bit)
  c.gpu?.setCacheLimit(bytes); // the GPU buffer pool keeps to the same limit
}

/** Frees the cached buffers now (the GPU pool's too). */
export function clearCache(): void {
  const c = core();
  c.m._wmx_clear_cache();
  c.gpu?.clearCache();
}

/**
 * What runs the arrays: the build (`variant`), its threads and SIMD, the
 * dimension limit, and the GPU ("webgpu" once init({gpu}) opened it, else
 * null) with its adapter's description.
 */
export function backendInfo(): {
  threads: number; simd: boolean; gpu: string | null; gpuAdapter: string | null; variant: "st" | "mt"; maxNdim: number;
  /** What runs on the CPU while the GPU is the default device (see ts/webgpu/fallbacks.ts). */
  gpuFallbacks: readonly GpuFallback[];
} {
  const c = core();
  const info = c.m.coreInfo();
  const open = c.gpu !== null && !c.gpu.lost;
  return {
    threads: info.threads, simd: info.simd, gpu: open ? "webgpu" : null, gpuAdapter: open ? c.gpu!.adapter : null,
    variant: c.variant, maxNdim: info.maxNdim, gpuFallbacks: GPU_FALLBACKS,
  };
}

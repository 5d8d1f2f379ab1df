// The public shape of init's `gpu` option and of the backend as the rest of
// the package sees it. No WebGPU types here: this file is reachable from the
// shipped index.d.ts, and users need not have @webgpu/types.

/** `true`, a GPUDevice the app already has, or adapter request options. */
export type GpuOption = boolean | object | { powerPreference?: "low-power" | "high-performance" };

/** What the core's TS side uses of the WebGPU backend (ts/webgpu/backend.ts). @internal */
export interface GpuBackendHandle {
  readonly lost: boolean;
  readonly cacheBytes: number;
  readonly adapter: string;
  /** The first GPU error since the last call, cleared. */
  takeError(): Error | null;
  /** Resolves when the GPU has finished all submitted work. */
  synchronize(): Promise<void>;
  /** The first `nbytes` of buffer `id` once the GPU has written them. */
  download(id: number, nbytes: number): Promise<Uint8Array>;
  setCacheLimit(bytes: number): void;
  clearCache(): void;
}

// Plugging the WebGPU backend into a loaded core: the TS object becomes the
// core's GPU backend through embind (`GpuBackend.implement`), and stays the
// one place that knows the GPUDevice.

/// <reference types="@webgpu/types" />
import type { Core } from "../runtime.js";
import { WebGpuBackend } from "./backend.js";
import { openGpuDevice } from "./open.js";
import type { GpuOption } from "./options.js";

/** The embind side of wasm/gpu_bindings.cpp. */
export interface GpuBindings {
  GpuBackend: { implement(methods: object): object };
  setGpuBackend(impl: object | null): void;
}

export async function attachGpu(core: Core, option: GpuOption): Promise<WebGpuBackend> {
  const { device, owners } = await openGpuDevice(option);
  const backend = new WebGpuBackend(device, () => core.heap(), owners);
  const m = core.m as unknown as GpuBindings;
  // Arrow functions: embind calls these with its own wrapper as `this`.
  const impl = m.GpuBackend.implement({
    allocate: (n: number) => backend.allocate(n),
    release: (id: number) => backend.release(id),
    upload: (id: number, host: number, n: number) => backend.upload(id, host >>> 0, n),
    supports: (op: string, ins: number[], outs: number[]) => backend.supports(op, ins, outs),
    dispatch: (d: Parameters<WebGpuBackend["dispatch"]>[0]) => backend.dispatch(d),
    flush: () => backend.flush(),
  });
  m.setGpuBackend(impl);
  return backend;
}

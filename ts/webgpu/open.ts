// Opening the GPU: init({gpu}) takes `true`, a GPUDevice the app already
// has, or request options ({powerPreference}). Browsers and Workers have
// navigator.gpu; Node has none, so there the optional `webgpu` package
// (Dawn's Node binding) is loaded when installed.

/// <reference types="@webgpu/types" />
import type { GpuOption } from "./options.js";

function isDevice(x: unknown): x is GPUDevice {
  return typeof x === "object" && x !== null && "queue" in x && typeof (x as GPUDevice).createBuffer === "function";
}

/**
 * Where a host without navigator.gpu gets one: the Node entry registers Dawn's
 * binding here. It lives in that entry, not in this shared module, because
 * the Workers bundle must hold no dynamic import (Miniflare and wrangler
 * refuse a computed specifier).
 */
let hostGpu: (() => Promise<GPU | undefined>) | null = null;
/** @internal */
export function registerHostGpu(provider: () => Promise<GPU | undefined>): void {
  hostGpu = provider;
}

export interface OpenedGpu {
  device: GPUDevice;
  /**
   * The objects the device came from, to be kept as long as it is used:
   * Dawn's Node binding tears its instance down when the `gpu` object that
   * `create()` returned is collected, and a device still in use then crashes
   * the process (std::system_error in InstanceBase::ProcessEvents).
   */
  owners: unknown[];
}

/** The GPUDevice for init's `gpu` option; rejects with an "[init] ..." error saying why there is none. */
export async function openGpuDevice(opt: GpuOption): Promise<OpenedGpu> {
  if (isDevice(opt)) return { device: opt, owners: [] };
  const options = typeof opt === "object" && opt !== null ? (opt as GPURequestAdapterOptions) : {};
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  const gpu = nav?.gpu ?? (await hostGpu?.());
  if (!gpu) throw new Error("[init] WebGPU is not available here (no navigator.gpu): the CPU build keeps working.");
  const adapter = await gpu.requestAdapter(options);
  if (!adapter) throw new Error("[init] WebGPU found no GPU adapter: the CPU build keeps working.");
  // Ask for the adapter's own limits: the defaults are smaller than what software adapters give.
  const requiredLimits: Record<string, number> = {};
  for (const k of ["maxStorageBufferBindingSize", "maxBufferSize", "maxStorageBuffersPerShaderStage", "maxComputeWorkgroupStorageSize", "maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupSizeX"]) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === "number") requiredLimits[k] = v;
  }
  // Subgroup operations make the row kernels' reductions cheaper (codegen.ts's
  // groupReduce); WEBMX_GPU_SUBGROUPS=0 leaves them off, so that a GPU that has
  // them can still run (and test) the kernels without.
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const requiredFeatures: GPUFeatureName[] = adapter.features.has("subgroups") && env?.WEBMX_GPU_SUBGROUPS !== "0" ? ["subgroups" as GPUFeatureName] : [];
  return { device: await adapter.requestDevice({ requiredLimits, requiredFeatures }), owners: [gpu, adapter] };
}

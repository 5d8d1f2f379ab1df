// Devices (API.md "Devices (WebGPU)"): mx.cpu and mx.gpu, the default device
// new arrays and ops are placed on, and scoped changes of it. The core places
// each node (core/placement.cpp): on the default device when that device's
// backend runs the op for its dtypes, else on the CPU, and it adds a ToDevice
// node wherever an input lives on the other device.

import { core } from "./runtime.js";
import { describe } from "./describe.js";

export type DeviceType = "cpu" | "gpu";

export class Device {
  /** @internal */
  constructor(
    readonly type: DeviceType,
    /** @internal the core's code */
    readonly code: number,
  ) {}
  toString(): string {
    return `Device(${this.type}, 0)`;
  }
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export const cpu = new Device("cpu", 0);
export const gpu = new Device("gpu", 1);

/** @internal */
export const deviceOfCode = (code: number): Device => (code === 1 ? gpu : cpu);

function checkDevice(d: unknown, op: string): Device {
  if (d === cpu || d === gpu) return d as Device;
  if (d === "cpu") return cpu;
  if (d === "gpu") return gpu;
  throw new Error(`[${op}] Expected mx.cpu or mx.gpu, got ${describe(d)}.`);
}

function setDevice(dev: Device, op: string): void {
  const c = core();
  if (dev === gpu && (!c.gpu || c.gpu.lost))
    throw new Error(`[${op}] No GPU is open: call \`await mx.init({gpu: true})\` first.`);
  c.check(c.m._wmx_set_default_device(dev.code));
}

/** Places new arrays and ops on `d` (mx.gpu needs `await mx.init({gpu: true})` first). */
export function setDefaultDevice(d: Device | DeviceType): void {
  setDevice(checkDevice(d, "setDefaultDevice"), "setDefaultDevice");
}

export function defaultDevice(): Device {
  return deviceOfCode(core().m._wmx_default_device());
}

/**
 * Runs `fn` with `d` as the default device and restores the previous one
 * afterwards (also when fn throws). For an async fn only its synchronous part
 * runs under `d`.
 */
export function withDevice<R>(d: Device | DeviceType, fn: () => R): R {
  const dev = checkDevice(d, "withDevice");
  if (typeof fn !== "function") throw new Error(`[withDevice] Expected a function to run, got ${describe(fn)}.`);
  return runOn(dev, "withDevice", fn);
}

/** @internal `fn` with `dev` as the default device (errors tagged `op`), then the previous one again. */
export function runOn<R>(dev: Device, op: string, fn: () => R): R {
  const previous = defaultDevice();
  setDevice(dev, op);
  try {
    return fn();
  } finally {
    core().m._wmx_set_default_device(previous.code);
  }
}

/** Whether the WebGPU backend is open (after `await mx.init({gpu: true})` succeeded). */
export function gpuAvailable(): boolean {
  const g = core().gpu;
  return g !== null && !g.lost;
}

/**
 * Resolves when the GPU has finished all the work submitted so far (MLX's
 * `synchronize`): after `mx.eval` of GPU arrays, this waits for their
 * kernels without reading anything back. Resolves at once without a GPU.
 */
export async function synchronize(): Promise<void> {
  const g = core().gpu;
  if (g && !g.lost) await g.synchronize();
}

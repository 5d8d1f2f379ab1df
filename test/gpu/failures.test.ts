// GPU failures surface as tagged errors and leave the module working: an
// allocation beyond the device's limits, and a lost device (here destroyed
// by the app that handed it to init). This file opens its own GPUDevice
// (not setup.ts's), since it destroys it.
import * as mx from "webmx";
import { create } from "webgpu";
import { describe, expect, it } from "vitest";

const gpu = create([]);
const adapter = (await gpu.requestAdapter())!;
const device = await adapter.requestDevice();
await mx.init({ gpu: device });
// Pinned: Dawn tears its instance down when `gpu` is collected.
(globalThis as { dawnInstance?: unknown }).dawnInstance = gpu;

const onGpu = <T>(f: () => T) => mx.withDevice(mx.gpu, f);

describe("GPU failures", () => {
  it("an array beyond the device's buffer limit fails its own op with [malloc], and the GPU goes on working", async () => {
    const before = mx.memory().gpuBytes;
    const elements = Math.ceil(device.limits.maxStorageBufferBindingSize / 4) + 1024;
    const big = onGpu(() => mx.tidy(() => mx.exp(mx.zeros([elements]))));
    await expect(mx.asyncEval(big)).rejects.toThrow(/^\[malloc\] Unable to allocate \d+ bytes on the GPU/);
    big.dispose();
    const y = onGpu(() => mx.tidy(() => mx.exp(mx.array([0, 1]))));
    await mx.asyncEval(y);
    const want = mx.exp(mx.array([0, 1])).tolist() as number[];
    (y.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    y.dispose();
    expect(mx.memory().gpuBytes).toBe(before); // nothing leaked by the failed op
  });

  it("a lost device: GPU work is refused with a tagged error, the CPU goes on, and init opens a new device", async () => {
    const read = onGpu(() => mx.add(mx.array([0, 1]), mx.array(1)));
    await mx.asyncEval(read); // brought back: readable after the loss
    const submitted = onGpu(() => mx.add(mx.array([0, 1]), mx.array(2)));
    mx.eval(submitted); // only submitted: its values live on the device
    device.destroy();
    await device.lost;
    expect(mx.backendInfo().gpu).toBeNull();
    expect(() => onGpu(() => mx.exp(mx.array([1])))).toThrow(/^\[withDevice\] No GPU is open/);
    expect(read.tolist()).toEqual([1, 2]);
    await expect(submitted.data()).rejects.toThrow(/^\[gpu\]/);
    // the CPU is untouched
    expect(mx.add(mx.array([1, 2]), mx.array(3)).tolist()).toEqual([4, 5]);
    await mx.init({ gpu: true });
    const z = onGpu(() => mx.multiply(mx.array([1.5, 2]), mx.array(2)));
    await mx.asyncEval(z);
    expect(z.device.type).toBe("gpu");
    expect(z.tolist()).toEqual([3, 4]);
  });
});

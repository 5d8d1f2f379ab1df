// Submits are batched (ts/webgpu/backend.ts, endEval): the kernels of small
// evaluations gather in one command buffer, submitted once 32 have gathered,
// at the end of the current task, or before any read. This file opens its
// own GPUDevice and counts its queue's submits.
import * as mx from "webmx";
import { create } from "webgpu";
import { describe, expect, it } from "vitest";

const gpu = create([]);
const adapter = (await gpu.requestAdapter())!;
const device = await adapter.requestDevice();
let submits = 0;
const submit = device.queue.submit.bind(device.queue);
device.queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
  ++submits;
  submit(buffers);
};
await mx.init({ gpu: device });
(globalThis as { dawnInstance?: unknown }).dawnInstance = gpu; // Dawn's instance lives while `gpu` does

const onGpu = <T>(f: () => T) => mx.withDevice(mx.gpu, f);

describe("GPU submit batching", () => {
  it("a loop of small evaluations shares one submit, with uploads between them, and reads see every result", async () => {
    await mx.synchronize();
    const outs: mx.MxArray[] = [];
    submits = 0;
    for (let i = 0; i < 10; ++i) {
      // a fresh upload each time, into buffers the recorded kernels may have used
      const a = onGpu(() => mx.array([i, i + 1, i + 2]));
      const b = onGpu(() => mx.tidy(() => a.mul(2).add(1)));
      mx.eval(b);
      a.dispose();
      outs.push(b);
    }
    expect(submits).toBe(0); // nothing submitted yet: still the same task
    await mx.synchronize();
    expect(submits).toBe(1);
    await mx.asyncEval(...outs);
    for (let i = 0; i < 10; ++i) expect(outs[i]!.tolist()).toEqual([2 * i + 1, 2 * i + 3, 2 * i + 5]);
    mx.dispose(outs);
  });

  it("submits at the end of the task without a read, and at once after 32 kernels", async () => {
    await mx.synchronize();
    submits = 0;
    const x = onGpu(() => mx.tidy(() => mx.array([1, 2, 3]).exp()));
    mx.eval(x);
    expect(submits).toBe(0);
    await Promise.resolve(); // the microtask queued after it runs first
    expect(submits).toBe(1);
    submits = 0;
    const y = onGpu(() =>
      mx.tidy(() => {
        let z = mx.array([0.5, 1.5]);
        for (let i = 0; i < 40; ++i) z = z.mul(1.01).add(0.01); // 80 kernels, one evaluation
        return z;
      }),
    );
    mx.eval(y);
    expect(submits).toBeGreaterThanOrEqual(1); // submitted before eval returned
    await mx.asyncEval(x, y);
    let want = [0.5, 1.5];
    for (let i = 0; i < 40; ++i) want = want.map((v) => Math.fround(Math.fround(v * Math.fround(1.01)) + Math.fround(0.01)));
    (y.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
    (x.tolist() as number[]).forEach((v, i) => expect(v).toBeCloseTo(Math.exp(i + 1), 5));
    mx.dispose([x, y]);
  });
});

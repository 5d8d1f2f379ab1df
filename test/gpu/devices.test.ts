// The device API, placement and copies, readback, CPU fallbacks, errors and
// memory on the GPU.
import { describe, expect, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], seed = 1) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), -2, 2, seed))).reshape(shape);

describe("devices", () => {
  it("the default device, withDevice and where arrays live", async () => {
    expect(mx.gpuAvailable()).toBe(true);
    expect(mx.backendInfo().gpu).toBe("webgpu");
    expect(String(mx.defaultDevice())).toBe("Device(cpu, 0)");
    const onGpu = mx.withDevice(mx.gpu, () => {
      expect(mx.defaultDevice()).toBe(mx.gpu);
      return mx.exp(mx.array([1, 2, 3]));
    });
    expect(mx.defaultDevice()).toBe(mx.cpu);
    expect(onGpu.device).toBe(mx.gpu);
    expect(mx.exp(mx.array([1])).device).toBe(mx.cpu);
    // A constant made with the GPU as default lives there and stays readable at once.
    const c = mx.withDevice("gpu", () => mx.array([1.5, 2.5]));
    expect(c.device).toBe(mx.gpu);
    expect(c.tolist()).toEqual([1.5, 2.5]);
    // 64-bit dtypes have no GPU storage: they stay on the CPU.
    expect(mx.withDevice(mx.gpu, () => mx.array([1, 2], mx.int64)).device).toBe(mx.cpu);
    expect(() => mx.setDefaultDevice("tpu" as any)).toThrow(/\[setDefaultDevice\] Expected mx.cpu or mx.gpu/);
  });

  it("a synchronous read of a GPU result throws until it is read back", async () => {
    const y = mx.withDevice(mx.gpu, () => mx.add(f32([3]), mx.array(1)));
    const one = mx.withDevice(mx.gpu, () => mx.add(f32([1]), mx.array(1)));
    expect(() => one.item()).toThrow(/\[item\] This array is on the GPU and was not read back/);
    expect(() => y.tolist()).toThrow(/\[tolist\]/);
    expect(Array.from(await y.data() as Float32Array)).toEqual(Array.from(mx.add(f32([3]), mx.array(1)).dataSync() as Float32Array));
    expect(y.tolist()).toHaveLength(3); // readable synchronously after data()
    const z = mx.withDevice(mx.gpu, () => mx.sum(f32([4])));
    await mx.asyncEval(z);
    expect(z.item()).toBeCloseTo(mx.sum(f32([4])).item() as number, 5);
  });

  it("ops without a GPU kernel run on the CPU, with copies both ways", async () => {
    const r = await onBoth(() => {
      const x = f32([4, 4]);
      // exp on the GPU, the inverse on the CPU (a listed fallback: mx.linalg runs there), then back
      const s = mx.linalg.inv(mx.add(mx.exp(x), mx.multiply(mx.eye(4), mx.array(4))));
      const t = mx.multiply(s, mx.array(2));
      const i = mx.linalg.inv(mx.add(t, mx.eye(4))); // another CPU op reading a GPU value
      const big = mx.add(mx.array([1n, 2n], mx.int64), mx.array([3n, 4n], mx.int64));
      return [s, t, i, big];
    });
    expectSame(r, { rtol: 1e-5, atol: 1e-6 }); // exp differs by an ulp or two between the devices
    expect(r.gpu[1]!.device).toBe(mx.gpu);
    // The inverse ran on the CPU, its GPU input copied there.
    const dot = mx.exportToDot(mx.withDevice(mx.gpu, () => mx.linalg.inv(mx.exp(f32([3, 3])))));
    expect(dot).toMatch(/Inverse\\ncpu float32/);
    expect(dot).toMatch(/ToDevice\\ncpu float32/);
    expect(dot).toMatch(/Exp\\ngpu float32/);
  });

  it("a graph that reads GPU values on the CPU needs asyncEval, and says so", () => {
    const t = mx.withDevice(mx.gpu, () => mx.linalg.inv(mx.add(mx.exp(f32([2, 2])), mx.eye(2))));
    expect(() => mx.eval(t)).toThrow(/\[eval\] This graph reads a GPU result on the CPU/);
    // the module keeps working
    expect(mx.add(mx.array(1), mx.array(2)).item()).toBe(3);
  });

  it("views of GPU arrays: transpose, slice with steps, broadcast, reshape of a strided view", async () => {
    const r = await onBoth(() => {
      const x = mx.exp(f32([4, 6]));
      const v = x.transpose().index(mx.slice(null, null, 2));
      return [v, mx.reshape(x.T, [3, 8]), mx.broadcastTo(x.index(0), [3, 6]), mx.add(v, mx.array(1))];
    });
    expectSame(r, { rtol: 1e-6 });
  });
});

describe("transforms and compile on the GPU", () => {
  const loss = (w: mx.Array, x: mx.Array) => mx.sum(mx.square(mx.tanh(mx.matmul(x, w))));

  it("grad and valueAndGrad", async () => {
    const r = await onBoth(() => {
      const [v, g] = mx.valueAndGrad(loss)(f32([5, 3], 1), f32([4, 5], 2));
      return [v, g, mx.grad((x: mx.Array) => mx.sum(mx.sigmoid(x)))(f32([7], 3))];
    });
    expectSame(r, { rtol: 1e-5, atol: 1e-6 });
  });

  it("vjp, jvp and vmap", async () => {
    const r = await onBoth(() => {
      const f = (x: mx.Array) => mx.multiply(mx.sin(x), mx.exp(x));
      const [, vjps] = mx.vjp(f, [f32([6], 4)], [f32([6], 5)]);
      const [, jvps] = mx.jvp(f, [f32([6], 6)], [f32([6], 7)]);
      const batched = mx.vmap((row: mx.Array) => mx.sum(mx.multiply(row, row)))(f32([3, 4], 8));
      return [...vjps, ...jvps, batched];
    });
    expectSame(r, { rtol: 1e-4, atol: 1e-6 }); // sin and exp differ by a few ulps between the devices
  });

  it("compile: a traced step replays on the GPU, shapeless too", async () => {
    const step = mx.compile((a: mx.Array, b: mx.Array) => mx.sigmoid(mx.add(mx.multiply(a, b), mx.array(1))));
    const shapeless = mx.compile((a: mx.Array) => mx.sum(mx.exp(a), -1), { shapeless: true });
    const r = await onBoth(() => [step(f32([3, 4], 1), f32([3, 4], 2)), step(f32([3, 4], 3), f32([3, 4], 4)),
      shapeless(f32([2, 5], 5)), shapeless(f32([3, 7], 6))]);
    expectSame(r, { rtol: 1e-5, atol: 1e-6 });
  });

  it("an MLP training step with SGD matches the CPU over several steps", async () => {
    const train = () => {
      let w1 = f32([8, 16], 1).multiply(0.3), w2 = f32([16, 4], 2).multiply(0.3);
      const x = f32([32, 8], 3);
      const y = mx.array(values(32, 0, 4, 4).map(Math.floor), mx.int32);
      const lossFn = (a: mx.Array, b: mx.Array) => {
        const logits = mx.matmul(mx.maximum(mx.matmul(x, a), mx.array(0)), b);
        return mx.mean(mx.subtract(mx.logsumexp(logits, 1), mx.takeAlongAxis(logits, y.reshape([32, 1]), 1).reshape([32])));
      };
      const losses: mx.Array[] = [];
      for (let i = 0; i < 3; ++i) {
        const [l, [g1, g2]] = mx.valueAndGrad(lossFn, { argnums: [0, 1] })(w1, w2) as any;
        losses.push(l);
        w1 = mx.subtract(w1, mx.multiply(g1, mx.array(0.5)));
        w2 = mx.subtract(w2, mx.multiply(g2, mx.array(0.5)));
      }
      return [...losses, w1, w2];
    };
    expectSame(await onBoth(train), { rtol: 1e-4, atol: 1e-5 });
  });
});

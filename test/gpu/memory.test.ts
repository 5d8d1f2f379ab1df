// GPU memory: in a file of its own, so no other suite's dropped arrays (which
// the GC safety net frees at some later point) move the counters mid-test.
import { describe, expect, it } from "vitest";
import { mx, values } from "./setup.js";

const f32 = (shape: number[], seed = 1) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), -2, 2, seed))).reshape(shape);

describe("GPU memory", () => {
  it("dispose returns GPU buffers; a loop keeps gpuBytes and the pool flat", async () => {
    const warm = mx.withDevice(mx.gpu, () => mx.tidy(() => mx.exp(f32([64]))));
    await mx.asyncEval(warm);
    warm.dispose();
    const step = async () => {
      const y = mx.withDevice(mx.gpu, () => mx.tidy(() => mx.sum(mx.tanh(mx.matmul(f32([16, 16], 1), f32([16, 16], 2))))));
      await mx.asyncEval(y);
      y.dispose();
    };
    for (let i = 0; i < 5; ++i) await step();
    const before = mx.memory();
    for (let i = 0; i < 50; ++i) await step();
    const after = mx.memory();
    expect(after.gpuBytes).toBe(before.gpuBytes);
    expect(after.gpuCacheBytes).toBe(before.gpuCacheBytes);
    expect(after.liveArrays).toBe(before.liveArrays);
    expect(after.gpuCacheBytes).toBeGreaterThan(0);
    mx.clearCache(); // empties the GPU pool too
    expect(mx.memory().gpuCacheBytes).toBe(0);
    await step(); // and the pool refills on demand
    expect(mx.memory().gpuBytes).toBe(before.gpuBytes);
  });
});

describe("the GPU pool's limit", () => {
  it("keeps as much as arrays held at once until setCacheLimit sets a limit", async () => {
    mx.clearCache();
    // Three 100 MiB arrays alive at once (300 MiB, over the 256 MiB floor):
    // freed, all three stay pooled for the next step that needs them.
    const n = (100 * 2 ** 20) / 4;
    const big = [1, 2, 3].map((k) => mx.withDevice(mx.gpu, () => mx.full([n], k).add(k)));
    await mx.asyncEval(...big);
    const held = mx.memory().gpuBytes;
    expect(held).toBeGreaterThanOrEqual(3 * 100 * 2 ** 20);
    mx.dispose(big);
    expect(mx.memory().gpuCacheBytes).toBeGreaterThanOrEqual(3 * 100 * 2 ** 20);
    // and they are reused: the same three sizes again allocate nothing new
    const again = [1, 2, 3].map((k) => mx.withDevice(mx.gpu, () => mx.full([n], k).add(k)));
    await mx.asyncEval(...again);
    expect(mx.memory().gpuCacheBytes).toBeLessThan(2 ** 20); // (small scalars' buffers may stay pooled)
    expect(again[2]!.index(n - 1).item()).toBe(6);
    mx.dispose(again);
    // An explicit limit is a hard one.
    mx.setCacheLimit(150 * 2 ** 20);
    expect(mx.memory().gpuCacheBytes).toBeLessThanOrEqual(150 * 2 ** 20);
    mx.setCacheLimit(256 * 2 ** 20);
    mx.clearCache();
    expect(mx.memory().gpuCacheBytes).toBe(0);
  });
});

describe("a GPU training loop", () => {
  it("keeps gpuBytes, gpuCacheBytes and the live arrays flat over many compiled steps", async () => {
    // (made in a tidy: an intermediate dropped here would be freed by the GC at some step)
    let [x, y, w1, w2] = mx.withDevice(mx.gpu, () => mx.tidy(() => [f32([32, 8], 3),
      mx.array(values(32, 0, 4, 4).map(Math.floor), mx.int32), f32([8, 16], 1).multiply(0.3), f32([16, 4], 2).multiply(0.3)])) as mx.Array[];
    const loss = (a: mx.Array, b: mx.Array) => {
      const logits = mx.matmul(mx.maximum(mx.matmul(x!, a), 0), b);
      return mx.mean(mx.subtract(mx.logsumexp(logits, 1), mx.takeAlongAxis(logits, y!.reshape([32, 1]), 1).reshape([32])));
    };
    const step = mx.compile((a: mx.Array, b: mx.Array) => {
      const [l, [ga, gb]] = mx.valueAndGrad(loss, { argnums: [0, 1] })(a, b) as [mx.Array, mx.Array[]];
      return [l, mx.subtract(a, mx.multiply(ga!, 0.1)), mx.subtract(b, mx.multiply(gb!, 0.1))];
    });
    const losses: number[] = [];
    let before: ReturnType<typeof mx.memory> | null = null;
    // 300 on SwiftShader in CI; the H100 run asks for 10,000 (WEBMX_GPU_LOOP_STEPS, a multiple of 50).
    const STEPS = Number(process.env.WEBMX_GPU_LOOP_STEPS ?? 300);
    for (let i = 0; i < STEPS; ++i) {
      const [l, a, b] = mx.withDevice(mx.gpu, () => step(w1!, w2!)) as mx.Array[];
      mx.eval(l!, a!, b!); // the whole step is on the GPU: a synchronous eval works
      mx.dispose([w1!, w2!]);
      w1 = a!;
      w2 = b!;
      if (i % 50 === 49) {
        await mx.asyncEval(l!);
        losses.push(l!.item() as number);
      }
      l!.dispose();
      // (both at the same point of the 50-step cycle, the loss just read back)
      if (i === 99) before = mx.memory();
    }
    const after = mx.memory();
    expect(after.gpuBytes).toBe(before!.gpuBytes);
    expect(after.gpuCacheBytes).toBe(before!.gpuCacheBytes);
    expect(after.liveArrays).toBe(before!.liveArrays);
    // and it trained
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    mx.dispose([w1!, w2!, x!, y!]);
  }, 300_000); // (SwiftShader on two busy cores: a minute or more)
});

describe("kernel parameter blocks", () => {
  it("are found again across evaluations and start over when their arena is full", async () => {
    // Each multiply reads one element of x at its own offset: a parameter
    // block of its own. 6000 of them (over the arena's 4096 blocks), in
    // evaluations of 500, twice: the second pass finds none of the first
    // pass's early blocks (the arena started over) and must write them
    // again; within a pass, the later evaluations reuse nothing. Every
    // element is checked, so a block read before its write, or one
    // overwritten while a kernel still needed it, shows.
    const n = 6000, chunk = 500;
    const x = mx.withDevice(mx.gpu, () => mx.arange(n, mx.float32));
    for (const scale of [2, 3, 2]) {
      for (let start = 0; start < n; start += chunk) {
        const parts = mx.withDevice(mx.gpu, () => mx.tidy(() => {
          const ys: mx.Array[] = [];
          for (let i = start; i < start + chunk; ++i) ys.push(mx.multiply(x.index(mx.slice(i, i + 1)), scale));
          return mx.concatenate(ys);
        }));
        const got = Array.from(await parts.data() as Float32Array);
        parts.dispose();
        expect(got).toEqual(Array.from({ length: chunk }, (_, k) => (start + k) * scale));
      }
    }
    x.dispose();
  }, 120_000);
});

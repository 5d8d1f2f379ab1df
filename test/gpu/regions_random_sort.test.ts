// GPU kernels for slice updates and pads, asStrided, shapeless mean's
// element count, random bits (the same key gives the same numbers on both
// devices), sort/argsort/topk, and concatenate's gradient, each compared with
// the CPU running the same program.
import { describe, expect, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], seed = 1, lo = -3, hi = 3) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), lo, hi, seed))).reshape(shape);

describe("regions on the GPU", () => {
  it("slice updates with steps (negative too), pads, asStrided of strided inputs", async () => {
    const r = await onBoth(() => {
      const x = f32([5, 6], 1);
      const outs = [
        x.at(mx.slice(1, 4), mx.slice(null, null, 2)).set(f32([3, 3], 2)),
        x.at(mx.slice(null, null, -2)).add(1),
        mx.sliceUpdate(x, f32([2, 2], 3), mx.array([1, 3], mx.int32), [0, 1]),
        mx.pad(x, [[1, 2], [0, 3]]),
        mx.pad(x.astype(mx.float16), 1, { constantValues: 7 }),
        mx.pad(mx.array([1, 2, 3], mx.int8), [[2, 1]]),
        mx.asStrided(x, [3, 4], [6, 1], 2),
        mx.asStrided(x.T, [4, 2], [1, 5], 1), // a strided input: read through its own layout
      ];
      return outs;
    });
    expectSame(r);
  });

  it("shapeless mean divides by the element count of each call's shape", async () => {
    const mean = mx.compile((a: mx.Array) => mx.mean(a, -1), { shapeless: true });
    const r = await onBoth(() => [mean(f32([2, 5], 1)), mean(f32([3, 7], 2)), mean(f32([4, 3], 3).astype(mx.float16))]);
    expectSame(r, { rtol: 1e-6, atol: 1e-6 });
  });
});

describe("random numbers on the GPU", () => {
  it("the same key gives the same bits on both devices, every width and block size", async () => {
    const r = await onBoth(() => {
      const k = mx.random.key(7);
      const keys = mx.random.split(k, 3);
      return [mx.random.bits([5], 4, { key: k }), mx.random.bits([7], 1, { key: k }), mx.random.bits([3, 3], 2, { key: k }),
        mx.random.bits([4, 6], 4, { key: k }), mx.random.bits([1], 1, { key: k }),
        mx.random.uniform(0, 1, [3, 5], { key: keys.index(1) }), mx.random.randint(0, 10, [9], { key: keys.index(2) })];
    });
    expectSame({ cpu: r.cpu.slice(0, 5), gpu: r.gpu.slice(0, 5) }); // the bits: exactly
    expectSame({ cpu: r.cpu.slice(5), gpu: r.gpu.slice(5) }, { rtol: 1e-6 }); // a GPU division may be an ulp off
    const u = r.gpu[5]!.dataSync() as Float32Array;
    expect(Math.min(...u)).toBeGreaterThanOrEqual(0);
    expect(new Set(Array.from(r.gpu[0]!.dataSync() as Uint32Array)).size).toBe(5);
  });

  it("normal, bernoulli and a dropout mask follow the CPU", async () => {
    const r = await onBoth(() => {
      const k = mx.random.key(3);
      const [k1, k2] = mx.random.split(k);
      const x = f32([4, 8], 4);
      return [mx.random.normal([64], { key: k1! }), mx.random.bernoulli(0.3, [40], { key: k2! }),
        mx.multiply(x, mx.random.bernoulli(0.5, x.shape, { key: k }))];
    });
    expectSame(r, { rtol: 1e-5, atol: 1e-5 }); // erfinv differs by an ulp or two
  });
});

describe("sorting on the GPU", () => {
  it("sort and argsort: stable, NaN last, every axis, strided, narrow dtypes", async () => {
    const nan = Number.NaN;
    const r = await onBoth(() => {
      const x = mx.array([[3, 1, nan, 1, -0, 0, 2], [5, nan, nan, -1, 5, 5, 4]]);
      const outs = [mx.sort(x, 1), mx.argsort(x, 1), mx.sort(x, 0), mx.argsort(x.T, 0), mx.sort(f32([4, 5], 2).T, 1)];
      for (const dt of [mx.float16, mx.bfloat16, mx.int8, mx.uint8, mx.int16, mx.uint32, mx.bool]) {
        const y = f32([3, 9], 3).multiply(3).astype(dt);
        outs.push(mx.sort(y, 1), mx.argsort(y, 0));
      }
      return outs;
    });
    expectSame(r);
  });

  it("topk and a permutation", async () => {
    const r = await onBoth(() => [mx.topk(f32([3, 10], 5), 3, 1), mx.random.permutation(12, { key: mx.random.key(1) })]);
    expectSame(r);
  });
});

describe("concatenate's gradient on the GPU", () => {
  it("is a view of each operand's region", async () => {
    const r = await onBoth(() => {
      const f = (a: mx.Array, b: mx.Array) => mx.sum(mx.multiply(mx.concatenate([a, b], 1), f32([2, 7], 9)));
      const [ga, gb] = mx.grad(f, { argnums: [0, 1] })(f32([2, 3], 1), f32([2, 4], 2)) as mx.Array[];
      return [ga!, gb!];
    });
    expectSame(r, { rtol: 1e-6 });
  });
});

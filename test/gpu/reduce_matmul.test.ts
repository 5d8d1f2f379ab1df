// Reductions and matmul on the GPU against the CPU.
import { describe, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], seed = 1) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), -2, 2, seed))).reshape(shape);

describe("GPU reductions", () => {
  for (const op of ["sum", "prod", "max", "min", "mean"]) {
    it(`${op} over each axis set of a 3-d array, and of a transposed view`, async () => {
      const r = await onBoth(() => {
        const x = f32([3, 4, 5]);
        const f = (mx as any)[op];
        return [f(x), f(x, 0), f(x, 1), f(x, [0, 2]), f(x, -1, true), f(x.transpose([2, 0, 1]), [1])];
      });
      expectSame(r, { rtol: 1e-5, atol: 1e-5 });
    });
  }

  it("all and any, integer sums and bool inputs", async () => {
    const r = await onBoth(() => {
      const b = mx.greater(f32([4, 6]), mx.array(0));
      const i = mx.array(values(24, -100, 100, 3).map(Math.round), mx.int32).reshape([4, 6]);
      const u8 = mx.array(values(24, 0, 255, 4).map(Math.round), mx.uint8).reshape([4, 6]);
      return [mx.all(b, 1), mx.any(b, 0), mx.all(b), mx.sum(i, 0), mx.max(i, 1), mx.sum(u8, 1), mx.sum(b, 1)];
    });
    expectSame(r);
  });

  it("one long axis (a workgroup per output): every reduction, narrow results, strided, NaN", async () => {
    const r = await onBoth(() => {
      const x = f32([6, 700], 4);
      const xt = f32([700, 5], 5).T; // strided rows
      const nan = mx.where(mx.greater(x, 1.9), mx.array(Number.NaN), x);
      const outs = [mx.sum(x, 1), mx.prod(mx.divide(x, 2).add(1), 1), mx.max(nan, 1), mx.min(x, -1), mx.sum(xt, 1, true),
        mx.all(mx.greater(x, -1.99), 1), mx.any(mx.greater(x, 1.99), 1), mx.sum(f32([300, 4], 6), 0), mx.mean(x, 1)];
      for (const dt of [mx.float16, mx.bfloat16, mx.int8, mx.uint16, mx.int32])
        outs.push(mx.sum(x.multiply(2).astype(dt), 1), mx.max(x.multiply(20).astype(dt), 1));
      return outs;
    });
    expectSame(r, { rtol: 2e-3, atol: 1e-4 }); // float sums add pairwise on the GPU
  });

  it("max propagates NaN as on the CPU", async () => {
    const r = await onBoth(() => {
      const x = mx.array(Float32Array.from([1, NaN, 3, 4, 5, 6])).reshape([2, 3]);
      return [mx.max(x, 1), mx.min(x, 1), mx.max(x, 0)];
    });
    expectSame(r);
  });
});

describe("GPU matmul", () => {
  it("square, rectangular, vector and batched with broadcasting", async () => {
    const r = await onBoth(() => [
      mx.matmul(f32([8, 8], 1), f32([8, 8], 2)),
      mx.matmul(f32([5, 7], 3), f32([7, 3], 4)),
      mx.matmul(f32([7], 5), f32([7, 4], 6)),
      mx.matmul(f32([2, 1, 3, 4], 7), f32([5, 4, 2], 8)),
    ]);
    expectSame(r, { rtol: 1e-5, atol: 1e-5 });
  });

  it("transposed operands read through their strides", async () => {
    const r = await onBoth(() => {
      const a = f32([6, 4], 9), b = f32([5, 6], 10);
      return [mx.matmul(a.T, b.T), mx.matmul(b, a)];
    });
    expectSame(r, { rtol: 1e-5, atol: 1e-5 });
  });

  it("the 16-byte kernel (4-aligned row-major operands): partial tiles, K not a multiple of the K step, batches, offset views", async () => {
    const r = await onBoth(() => {
      const a = f32([130, 36], 13), b = f32([36, 132], 14);
      const big = f32([136, 8], 15);
      return [
        mx.matmul(a, b),
        mx.matmul(f32([3, 20, 12], 16), f32([12, 136], 17)), // a broadcast B
        mx.matmul(big.index(mx.slice(4, 132)), f32([8, 260], 18)), // an A at an offset of 32 elements
        mx.matmul(f32([2, 4, 4], 19), f32([2, 4, 4], 20)),
      ];
    });
    expectSame(r, { rtol: 1e-5, atol: 1e-5 });
  });

  it("float16 and bfloat16 operands accumulate in float32", async () => {
    const r = await onBoth(() =>
      ["float16", "bfloat16"].map((d) => mx.matmul(f32([4, 6], 11).astype(d as any), f32([6, 3], 12).astype(d as any))),
    );
    expectSame(r, { rtol: 1e-2, atol: 1e-2 });
  });
});

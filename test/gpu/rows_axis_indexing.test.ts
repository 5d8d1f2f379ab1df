// GPU kernels for the row primitives (softmax, logSoftmax, logsumexp), the
// one-axis walks (argmax/argmin, the scans) and gathers/concatenation, each
// compared with the CPU running the same program.
import { describe, expect, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], seed = 1, lo = -3, hi = 3) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), lo, hi, seed))).reshape(shape);
const ints = (shape: number[], lo: number, hi: number, dtype: mx.Dtype, seed = 1) =>
  mx.array(values(shape.reduce((a, b) => a * b, 1), lo, hi, seed).map(Math.floor), dtype).reshape(shape);
const inf = Number.POSITIVE_INFINITY;

describe("row kernels on the GPU", () => {
  it("softmax, logSoftmax and logsumexp along every axis, strided inputs, long rows", async () => {
    const r = await onBoth(() => {
      const x = f32([3, 5, 7], 1, -20, 20);
      const long = f32([2, 1000], 2, -50, 50); // rows longer than a workgroup
      const t = x.transpose([2, 0, 1]); // strided rows
      return [0, 1, 2, -1].flatMap((ax) => [mx.softmax(x, ax), mx.logSoftmax(x, ax), mx.logsumexp(x, ax)])
        .concat([mx.softmax(long, -1), mx.logsumexp(long, 1, true), mx.logSoftmax(t, 1), mx.softmax(t, 2)]);
    });
    expectSame(r, { rtol: 2e-5, atol: 1e-6 });
  });

  it("infinities and NaN in a row behave as on the CPU", async () => {
    const r = await onBoth(() => {
      const x = mx.array([[1, 2, 3], [-inf, -inf, -inf], [inf, 1, 2], [Number.NaN, 1, 2], [-inf, 0, 1], [inf, inf, 0]]);
      return [mx.softmax(x, 1), mx.logSoftmax(x, 1), mx.logsumexp(x, 1)];
    });
    expectSame(r, { rtol: 1e-6, atol: 1e-7 });
  });

  it("the one-pass kernel (contiguous float32 rows, a multiple of 4 long): special values, its longest rows and past them", async () => {
    const r = await onBoth(() => {
      const special = mx.array([[1, 2, 3, 4], [-inf, -inf, -inf, -inf], [inf, 1, 2, 3], [Number.NaN, 1, 2, 3], [-inf, 0, 1, 2], [inf, inf, 0, 1], [0, 0, 0, Number.NaN]]);
      const longest = f32([2, 16384], 5, -30, 30), beyond = f32([1, 16388], 6, -30, 30);
      return [mx.softmax(special, 1), mx.logSoftmax(special, 1), mx.softmax(longest, -1), mx.logSoftmax(longest, -1),
        mx.softmax(beyond, -1), mx.softmax(f32([300, 8], 7, -5, 5), -1)];
    });
    expectSame(r, { rtol: 2e-5, atol: 1e-7 });
  });

  it("half types compute in f32 and round once; many rows", async () => {
    const r = await onBoth(() => {
      const h = f32([300, 3], 3).astype(mx.float16); // an odd row length packs rows into shared words
      const b = f32([5, 33], 4).astype(mx.bfloat16);
      return [mx.softmax(h, 1), mx.logsumexp(h, 1), mx.logSoftmax(b, 0), mx.logsumexp(b, [0, 1])];
    });
    expectSame(r, { rtol: 1e-2, atol: 1e-3 });
  });
});

describe("norm kernels on the GPU", () => {
  it("fast.rmsNorm and fast.layerNorm with and without weight and bias, strided, half types", async () => {
    const r = await onBoth(() => {
      const x = f32([6, 300], 1, -4, 4); // rows longer than a workgroup
      const w = f32([300], 2), b = f32([300], 3);
      const t = f32([5, 4, 3], 4).transpose([2, 0, 1]); // strided rows
      const wt = f32([4], 5);
      return [mx.fast.rmsNorm(x, w, 1e-5), mx.fast.rmsNorm(x, null, 1e-6), mx.fast.layerNorm(x, w, b, 1e-5),
        mx.fast.layerNorm(x, null, null, 1e-5), mx.fast.layerNorm(t, wt, null, 1e-4), mx.fast.rmsNorm(t, wt, 1e-5),
        mx.fast.layerNorm(x.astype(mx.float16), w.astype(mx.float16), b.astype(mx.float16), 1e-5)];
    });
    expectSame(r, { rtol: 2e-3, atol: 2e-3 });
  });

  it("their gradients", async () => {
    const r = await onBoth(() => {
      const x = f32([3, 8], 6), w = f32([8], 7), b = f32([8], 8);
      const loss = (a: mx.Array, ww: mx.Array, bb: mx.Array) => mx.sum(mx.multiply(mx.fast.layerNorm(a, ww, bb, 1e-5), f32([3, 8], 9)));
      const rl = (a: mx.Array, ww: mx.Array) => mx.sum(mx.square(mx.fast.rmsNorm(a, ww, 1e-5)));
      return [...(mx.grad(loss, { argnums: [0, 1, 2] })(x, w, b) as mx.Array[]), ...(mx.grad(rl, { argnums: [0, 1] })(x, w) as mx.Array[])];
    });
    expectSame(r, { rtol: 1e-4, atol: 1e-5 });
  });
});

describe("one-axis kernels on the GPU", () => {
  it("argmax and argmin: first extreme wins, NaN counts as the extreme, every dtype", async () => {
    const r = await onBoth(() => {
      const x = mx.array([[1, 3, 3, 0], [2, Number.NaN, 5, Number.NaN], [-inf, -inf, -1, -inf]]);
      const outs = [mx.argmax(x, 1), mx.argmin(x, 1), mx.argmax(x, 0), mx.argmin(x.T, 0, true)];
      for (const dt of [mx.int8, mx.uint8, mx.int16, mx.uint16, mx.int32, mx.uint32, mx.float16, mx.bfloat16, mx.bool]) {
        const y = ints([4, 6], -5, 5, dt, 5);
        outs.push(mx.argmax(y, 1), mx.argmin(y, 0));
      }
      return outs;
    });
    expectSame(r);
  });

  it("cumsum, cumprod, cummax, cummin: reverse, exclusive, strided, every dtype", async () => {
    const r = await onBoth(() => {
      const x = f32([4, 6], 1, -2, 2);
      const outs: mx.Array[] = [];
      for (const reverse of [false, true])
        for (const inclusive of [true, false])
          outs.push(mx.cumsum(x, 1, { reverse, inclusive }), mx.cumprod(x, 0, { reverse, inclusive }),
            mx.cummax(x.T, 1, { reverse, inclusive }), mx.cummin(x, 0, { reverse, inclusive }));
      for (const dt of [mx.int8, mx.uint8, mx.int16, mx.uint16, mx.int32, mx.uint32, mx.float16, mx.bfloat16]) {
        const y = ints([3, 40], -60, 60, dt, 7); // int8/uint8 sums wrap, as on the CPU
        outs.push(mx.cumsum(y, 1), mx.cumprod(y.index(mx.slice(null), mx.slice(0, 5)), 1), mx.cummax(y, 0),
          mx.cummin(y, 1, { reverse: true }));
      }
      outs.push(mx.cummax(mx.array([1, Number.NaN, 3, 0]), 0), mx.cummin(mx.array([2, 1, Number.NaN, 0]), 0));
      return outs;
    });
    expectSame(r, { rtol: 1e-5, atol: 1e-5 });
  });
});

describe("gathers and concatenation on the GPU", () => {
  it("take, takeAlongAxis and array indexing, negative indices, every index dtype", async () => {
    const r = await onBoth(() => {
      const x = f32([5, 4, 3], 1);
      const outs = [
        mx.take(x, mx.array([0, 4, -1, 2], mx.int32), 0),
        mx.take(x, mx.array([[1, 0], [2, -3]], mx.int32), 1),
        mx.take(x.T, mx.array([2, 0], mx.uint32), 2),
        mx.takeAlongAxis(x, ints([5, 4, 2], 0, 3, mx.int32, 2), 2),
        mx.take(x, mx.array([3, 1], mx.int8)),
      ];
      for (const dt of [mx.uint8, mx.int16, mx.uint16, mx.int32]) outs.push(mx.take(x, mx.array([1, 3], dt), 0));
      for (const dt of [mx.float16, mx.int8, mx.bool, mx.uint16]) outs.push(mx.take(f32([7, 3], 3).astype(dt), mx.array([6, 0, 5], mx.int32), 0));
      outs.push(x.index(mx.array([0, 2], mx.int32), mx.slice(null), mx.array([1, 2], mx.int32)));
      return outs;
    });
    expectSame(r);
  });

  it("concatenate along each axis, strided and empty parts, narrow dtypes", async () => {
    const r = await onBoth(() => {
      const a = f32([2, 3], 1), b = f32([2, 5], 2), c = f32([2, 0], 3);
      const outs = [mx.concatenate([a, c, b], 1), mx.concatenate([a.T, b.T], 0), mx.concatenate([a, a, a], 0)];
      const h = f32([3, 3], 4).astype(mx.float16), k = f32([1, 3], 5).astype(mx.float16);
      outs.push(mx.concatenate([h, k], 0), mx.concatenate([h.T, k.T], 1), mx.stack([a, a.multiply(2)], 1));
      outs.push(mx.concatenate([ints([3], 0, 9, mx.int8), ints([2], 0, 9, mx.int8, 2)], 0));
      return outs;
    });
    expectSame(r);
  });
});

describe("scatters on the GPU", () => {
  it("at().set/add/multiply/maximum/minimum, putAlongAxis, duplicates combine, narrow dtypes", async () => {
    const r = await onBoth(() => {
      const x = f32([5, 4], 1);
      const i = mx.array([0, 3, 3, -1], mx.int32); // a duplicate and a negative index
      const u = f32([4, 4], 2);
      const outs = [x.at(i).add(u), x.at(i).multiply(u), x.at(i).maximum(u), x.at(i).minimum(u),
        x.at(mx.array([1, 2], mx.int32)).set(f32([2, 4], 3)), x.at(mx.slice(null), mx.array([2], mx.uint8)).add(1),
        mx.putAlongAxis(x, mx.array([[1], [0], [3], [2], [1]], mx.int32), f32([5, 1], 4), 1)];
      for (const dt of [mx.float16, mx.bfloat16, mx.int8, mx.uint16, mx.int32, mx.bool]) {
        const y = f32([7, 3], 5).multiply(4).astype(dt);
        outs.push(y.at(mx.array([6, 0, 6, 2, 1], mx.int32)).add(f32([5, 3], 6).multiply(3).astype(dt)),
          y.at(mx.array([4, 4], mx.int32)).maximum(f32([2, 3], 7).multiply(4).astype(dt)));
      }
      return outs;
    });
    // Duplicates add in no fixed order on the GPU: float sums may differ in the last bits.
    expectSame(r, { rtol: 1e-2, atol: 1e-5 });
  });

  it("the gradient of take is a scatter-add on the GPU", async () => {
    const r = await onBoth(() => {
      const g = mx.grad((x: mx.Array) => mx.sum(mx.square(mx.take(x, mx.array([0, 2, 2, 5, -1], mx.int32), 0))))(f32([6, 3], 8));
      return [g];
    });
    expectSame(r, { rtol: 1e-6, atol: 1e-6 });
  });
});

describe("a cross-entropy training step runs on the GPU alone", () => {
  it("logsumexp, gather and argmax take no CPU copies, and match the CPU", async () => {
    const program = () => {
      const x = f32([16, 8], 1), y = ints([16], 0, 4, mx.int32, 2), w = f32([8, 4], 3).multiply(0.2);
      const lossFn = (v: mx.Array) => {
        const logits = mx.matmul(x, v);
        return mx.mean(mx.subtract(mx.logsumexp(logits, 1), mx.takeAlongAxis(logits, y.reshape([16, 1]), 1).reshape([16])));
      };
      const [loss, grad] = mx.valueAndGrad(lossFn)(w) as [mx.Array, mx.Array];
      // (argmax is uint32: against int32 labels it would promote to int64, which the GPU lacks)
      const acc = mx.mean(mx.equal(mx.argmax(mx.matmul(x, mx.subtract(w, grad)), 1).astype(mx.int32), y));
      return [loss, grad, acc, mx.softmax(mx.matmul(x, w), -1)];
    };
    const onGpu = mx.withDevice(mx.gpu, program);
    // mx.eval can't wait for the GPU, so it refuses graphs that copy GPU values
    // to the CPU: this one has none.
    mx.eval(...onGpu);
    expect(onGpu.map((a) => a.device)).toEqual([mx.gpu, mx.gpu, mx.gpu, mx.gpu]);
    expectSame(await onBoth(program), { rtol: 1e-5, atol: 1e-6 });
  });
});

// Convolutions (forward, input and weight gradients) and the affine
// quantized ops on the GPU against the CPU: each program runs with each
// device as the default and the results must agree (the sums run in another
// order on the GPU, hence the tolerances). Shapes stay small: SwiftShader.
import { describe, expect, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], seed = 1) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), -1, 1, seed))).reshape(shape);

const onGpu = (program: () => mx.Array | mx.Array[]) =>
  mx.exportToDot(mx.withDevice(mx.gpu, program)).match(/[A-Za-z]+\\n(cpu|gpu)/g) ?? [];

describe("GPU convolutions", () => {
  it("run on the GPU: no conv node of a conv net's graph or its gradient is placed on the CPU", () => {
    const placed = onGpu(() => {
      const loss = (x: mx.Array, w: mx.Array) => mx.sum(mx.conv2d(x, w, { stride: 2, padding: 1 }));
      const [value, grads] = mx.valueAndGrad(loss, { argnums: [0, 1] })(f32([1, 5, 5, 2]), f32([3, 3, 3, 2])) as [mx.Array, mx.Array[]];
      return [value, ...grads];
    });
    const convs = placed.filter((p) => p.startsWith("Conv"));
    expect(convs.sort()).toEqual(["ConvInputGrad\\ngpu", "ConvWeightGrad\\ngpu", "Convolution\\ngpu"]);
  });

  // [x shape, w shape, options]
  const cases: [number[], number[], mx.ConvOptions][] = [
    [[2, 6, 7, 3], [4, 3, 3, 3], {}],
    [[1, 7, 6, 4], [6, 3, 2, 4], { stride: [2, 3], padding: [1, 2] }],
    [[2, 8, 8, 2], [3, 3, 3, 2], { dilation: 2, padding: 2 }],
    [[1, 5, 6, 6], [4, 2, 3, 3], { groups: 2, stride: 2, padding: 1 }],
    [[1, 4, 4, 4], [4, 1, 1, 1], { groups: 4 }], // depthwise 1x1
    [[2, 9, 9, 5], [70, 3, 3, 5], { padding: 1 }], // several 64x64 tiles and reduction steps
  ];

  it("conv2d: shapes, strides, padding, dilation, groups; and through a strided view", async () => {
    const r = await onBoth(() => [
      ...cases.map(([xs, ws, o], i) => mx.conv2d(f32(xs, i + 1), f32(ws, i + 20), o)),
      mx.conv2d(f32([2, 3, 6, 5], 40).transpose([0, 2, 3, 1]) as mx.Array, f32([2, 2, 2, 3], 41), { stride: 1 }),
    ]);
    expectSame(r, { rtol: 1e-4, atol: 1e-5 });
  });

  it("conv1d and the transposed convolutions (the input-gradient kernel)", async () => {
    const r = await onBoth(() => [
      mx.conv1d(f32([2, 11, 3], 1), f32([5, 3, 3], 2), { stride: 2, padding: 1, dilation: 2 }),
      mx.conv1d(f32([1, 8, 4], 3), f32([6, 2, 2], 4), { groups: 2 }),
      mx.convTranspose1d(f32([2, 5, 3], 5), f32([4, 3, 3], 6), { stride: 2, padding: 1 }),
      mx.convTranspose2d(f32([1, 4, 5, 4], 7), f32([6, 3, 3, 2], 8), { stride: [2, 3], padding: 1, groups: 2 }),
      mx.convTranspose2d(f32([2, 3, 3, 2], 9), f32([3, 2, 2, 2], 10), { dilation: 2, stride: 2 }),
    ]);
    expectSame(r, { rtol: 1e-4, atol: 1e-5 });
  });

  it("float16 and bfloat16 operands accumulate in float32, rounded once", async () => {
    const r = await onBoth(() => {
      const outs: mx.Array[] = [];
      // Each mode in each 16-bit dtype would compile twelve pipelines (slow on SwiftShader): float16
      // takes the three modes, bfloat16 the forward and the transposed conv.
      for (const dt of [mx.float16, mx.bfloat16]) {
        const x = f32([2, 6, 5, 4], 11).astype(dt), w = f32([6, 3, 3, 2], 12).astype(dt);
        outs.push(mx.conv2d(x, w, { groups: 2, padding: 1, stride: [1, 2] }));
        if (dt === mx.bfloat16) {
          outs.push(mx.convTranspose2d(x, w, { groups: 2, stride: 2 }));
          continue;
        }
        const loss = (a: mx.Array, b: mx.Array) => mx.sum(mx.conv2d(a, b, { padding: [0, 1], groups: 2 }));
        outs.push(...(mx.grad(loss, { argnums: [0, 1] })(x, w) as mx.Array[]));
      }
      return outs;
    });
    expectSame(r, { rtol: 1e-2, atol: 2e-2 });
  });

  it("the gradients of a small conv net (conv, relu, strided conv, transposed conv) in x and both weights", async () => {
    const r = await onBoth(() => {
      const net = (x: mx.Array, w1: mx.Array, w2: mx.Array, w3: mx.Array) => {
        const h = mx.maximum(mx.conv2d(x, w1, { padding: [1, 2], dilation: [1, 2] }), mx.array(0));
        const g = mx.tanh(mx.conv2d(h, w2, { stride: [2, 1], padding: 1, groups: 2 }));
        const u = mx.convTranspose2d(g, w3, { stride: [1, 2], padding: [0, 1] });
        return mx.sum(mx.multiply(u, u));
      };
      const [loss, grads] = mx.valueAndGrad(net, { argnums: [0, 1, 2, 3] })(
        f32([2, 8, 8, 3], 31), f32([4, 3, 3, 3], 32), f32([6, 3, 3, 2], 33), f32([2, 2, 2, 6], 34)) as [mx.Array, mx.Array[]];
      return [loss, ...grads];
    });
    expectSame(r, { rtol: 2e-4, atol: 2e-4 });
  });

  it("a long weight-gradient reduction (many output positions per weight element)", async () => {
    const r = await onBoth(() => {
      const options = { padding: [2, 1], stride: [1, 2], dilation: [2, 1] };
      const loss = (w: mx.Array) => mx.sum(mx.multiply(mx.conv2d(f32([3, 16, 16, 2], 51), w, options), f32([3, 16, 8, 3], 52)));
      return mx.grad(loss)(f32([3, 3, 3, 2], 53)) as mx.Array;
    });
    expectSame(r, { rtol: 1e-4, atol: 1e-4 });
  });
});

describe("GPU quantized ops", () => {
  // Quantized once on the CPU, so both devices read the same codes.
  const quantized = (shape: number[], gs: number, bits: number, seed: number, dtype: mx.Dtype = mx.float32) =>
    mx.withDevice(mx.cpu, () => {
      const q = mx.quantize(f32(shape, seed).astype(dtype), gs, bits);
      mx.eval(q);
      return q;
    });

  it("run on the GPU: no quantized node is placed on the CPU", () => {
    const [w, s, b] = quantized([4, 32], 32, 4, 1);
    const placed = onGpu(() => [mx.dequantize(w!, s!, b!, 32, 4), mx.quantizedMatmul(f32([2, 32]), w!, s!, b!, { groupSize: 32, bits: 4 })]);
    expect(placed.filter((p) => /quantiz/i.test(p)).sort()).toEqual(["Dequantize\\ngpu", "QuantizedMatmul\\ngpu"]);
  });

  it("dequantize: every bit width and group size, and a batched matrix", async () => {
    const qs: mx.Array[][] = [];
    for (const bits of [2, 3, 4, 5, 6, 8]) for (const gs of [32, 64, 128]) qs.push(quantized([3, 128], gs, bits, bits * 10 + gs));
    const batched = quantized([2, 3, 64], 32, 4, 7);
    const r = await onBoth(() => [
      ...qs.map(([w, s, b], i) => mx.dequantize(w!, s!, b!, [32, 64, 128][i % 3], [2, 3, 4, 5, 6, 8][Math.floor(i / 3)])),
      mx.dequantize(batched[0]!, batched[1]!, batched[2]!, 32, 4),
    ]);
    expectSame(r, { rtol: 1e-6, atol: 1e-6 });
  });

  it("quantizedMatmul: bits 2-8, group sizes 32/64/128, transposed or not, vector and batched x", async () => {
    const r = await onBoth(() => {
      const outs: mx.Array[] = [];
      for (const bits of [2, 3, 4, 5, 6, 8])
        for (const gs of [32, 64, 128]) {
          const seed = bits * 10 + gs;
          const [wt, st, bt] = quantized([5, 128], gs, bits, seed); // (N, K): x @ w.T
          outs.push(mx.quantizedMatmul(f32([3, 128], seed + 1), wt!, st!, bt!, { groupSize: gs, bits }));
          const [wn, sn, bn] = quantized([128, 128], gs, bits, seed + 2); // (K, N): x @ w
          outs.push(mx.quantizedMatmul(f32([2, 128], seed + 3), wn!, sn!, bn!, { transpose: false, groupSize: gs, bits }));
        }
      const [w, s, b] = quantized([6, 64], 32, 4, 99);
      outs.push(mx.quantizedMatmul(f32([64], 98), w!, s!, b!, { groupSize: 32, bits: 4 })); // a vector
      outs.push(mx.quantizedMatmul(f32([2, 3, 64], 97), w!, s!, b!, { groupSize: 32, bits: 4 })); // 3-d x
      outs.push(mx.quantizedMatmul(f32([4, 64], 96).T.T, w!, s!, b!, { groupSize: 32, bits: 4 }));
      const [wl, sl, bl] = quantized([100, 64], 64, 5, 93); // several 64x64 tiles each way
      outs.push(mx.quantizedMatmul(f32([70, 64], 92), wl!, sl!, bl!, { groupSize: 64, bits: 5 }));
      const [wr, sr, br] = quantized([8, 768], 64, 4, 89); // a long reduction, split over workgroups
      outs.push(mx.quantizedMatmul(f32([2, 768], 88), wr!, sr!, br!, { groupSize: 64, bits: 4 }));
      const [wc, sc, bc] = quantized([600, 32], 32, 2, 87); // the same with (K, N) weights
      outs.push(mx.quantizedMatmul(f32([1, 600], 86), wc!, sc!, bc!, { transpose: false, groupSize: 32, bits: 2 }));
      const [wb, sb, bb] = quantized([2, 6, 64], 32, 8, 95); // batched weights, broadcast x batch
      outs.push(mx.quantizedMatmul(f32([1, 3, 64], 94), wb!, sb!, bb!, { groupSize: 32, bits: 8 }));
      const [wk, sk, bk] = quantized([2, 64, 64], 32, 3, 91); // batched (K, N) weights
      outs.push(mx.quantizedMatmul(f32([2, 3, 64], 90), wk!, sk!, bk!, { transpose: false, groupSize: 32, bits: 3 }));
      return outs;
    });
    expectSame(r, { rtol: 1e-4, atol: 1e-4 });
  });

  it("float16 and bfloat16 scales and inputs; and the gradient in x, scales and biases", async () => {
    const r = await onBoth(() => {
      const outs: mx.Array[] = [];
      // float16 with (N, K) weights, bfloat16 with (K, N) ones (fewer pipelines to compile on SwiftShader)
      for (const [dt, transpose] of [[mx.float16, true], [mx.bfloat16, false]] as const) {
        const [w, s, b] = quantized(transpose ? [8, 64] : [64, 64], 32, transpose ? 4 : 6, transpose ? 61 : 65, dt);
        outs.push(mx.dequantize(w!, s!, b!, 32, transpose ? 4 : 6));
        outs.push(mx.quantizedMatmul(f32([3, 64], 62).astype(dt), w!, s!, b!, { transpose, groupSize: 32, bits: transpose ? 4 : 6 }));
      }
      const [w, s, b] = quantized([8, 64], 64, 3, 63);
      const loss = (x: mx.Array, sc: mx.Array, bi: mx.Array) =>
        mx.sum(mx.square(mx.quantizedMatmul(x, w!, sc, bi, { groupSize: 64, bits: 3 })));
      outs.push(...(mx.grad(loss, { argnums: [0, 1, 2] })(f32([3, 64], 64), s!, b!) as mx.Array[]));
      return outs;
    });
    expectSame(r, { rtol: 1e-2, atol: 1e-2 });
  });
});

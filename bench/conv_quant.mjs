// GPU speed of the convolution and quantized kernels, through the public API
// on Dawn's Node binding, beside the CPU build on the same step: a conv
// layer forward, its input and weight gradients, a transposed conv, and
// quantizedMatmul (one token and a batch of 256, 4-bit, group 64) beside the
// float matmul of the same size. Each case queues runs back to back and waits
// for the GPU once per batch (as bench/gpu.mjs); min and median per run of
// three batches. Not a test.
//
//   node bench/conv_quant.mjs           full sizes (a real GPU)
//   node bench/conv_quant.mjs --smoke   small sizes (SwiftShader, a check that it runs)
import * as mx from "webmx";

const smoke = process.argv.includes("--smoke");
await mx.init({ gpu: true });
const info = mx.backendInfo();
console.log(`webmx conv/quantized on ${info.gpuAdapter} (${smoke ? "smoke sizes" : "full sizes"}), ${new Date().toISOString()}`);

async function time(device, step, reps) {
  const batch = async () => {
    const t0 = performance.now();
    for (let i = 0; i < reps; ++i) {
      const out = mx.withDevice(device, () => mx.tidy(step));
      mx.eval(out);
      mx.dispose(out);
    }
    if (device === mx.gpu) await mx.synchronize();
    return (performance.now() - t0) / reps;
  };
  await batch();
  const t = [await batch(), await batch(), await batch()].sort((a, b) => a - b);
  return { min: t[0], med: t[1] };
}

const uniform = (device, shape, seed) => {
  const a = mx.withDevice(device, () => mx.random.uniform(-1, 1, shape, { key: mx.random.key(seed) }));
  mx.eval(a);
  return a;
};

/** Times `make(device)`'s step on both devices; `flop` per run gives the rate. */
async function both(label, make, flop, cpuReps = 1) {
  const g = await time(mx.gpu, make(mx.gpu), smoke ? 2 : 10);
  const c = await time(mx.cpu, make(mx.cpu), cpuReps);
  const rate = (t) => `${(flop / t.med / 1e9).toFixed(2)} TFLOP/s`;
  console.log(`${label}: GPU median ${g.med.toFixed(3)} ms (min ${g.min.toFixed(3)}, ${rate(g)}); CPU median ${c.med.toFixed(2)} ms (${rate(c)}); GPU/CPU ${(c.med / g.med).toFixed(1)}x`);
}

// ---- a 3x3 conv layer, NHWC
const [N, S, C, O] = smoke ? [2, 8, 8, 8] : [32, 32, 64, 64];
const convFlop = 2 * N * S * S * O * 9 * C;
for (const dt of ["float32", "float16"]) {
  const setup = (device) => mx.withDevice(device, () => ({ x: uniform(device, [N, S, S, C], 1).astype(dt), w: uniform(device, [O, 3, 3, C], 2).astype(dt) }));
  await both(`conv2d ${dt} ${N}x${S}x${S}x${C} -> ${O}, 3x3 pad 1`, (device) => {
    const { x, w } = setup(device);
    mx.eval(x, w);
    return () => mx.conv2d(x, w, { padding: 1 });
  }, convFlop);
  await both(`  its input and weight gradients (${dt})`, (device) => {
    const { x, w } = setup(device);
    const gy = mx.withDevice(device, () => uniform(device, [N, S, S, O], 3).astype(dt));
    mx.eval(x, w, gy);
    return () => mx.vjp((a, b) => mx.conv2d(a, b, { padding: 1 }), [x, w], [gy])[1];
  }, 2 * convFlop);
}
await both(`convTranspose2d ${N}x${S / 2}x${S / 2}x${C} -> ${O}, 2x2 stride 2`, (device) => {
  const x = uniform(device, [N, S / 2, S / 2, C], 4), w = uniform(device, [O, 2, 2, C], 5);
  return () => mx.convTranspose2d(x, w, { stride: 2 });
}, 2 * N * (S / 2) * (S / 2) * O * 4 * C);

// ---- quantized matmul, 4 bits, group 64, weights (N, K) as in a linear layer
const [K, Nq] = smoke ? [256, 256] : [4096, 4096];
for (const M of smoke ? [1, 8] : [1, 256]) {
  await both(`quantizedMatmul 4-bit g64 ${M}x${K} @ (${Nq}x${K}).T`, (device) => {
    const x = uniform(device, [M, K], 6);
    const q = mx.withDevice(device, () => mx.quantize(uniform(device, [Nq, K], 7), 64, 4));
    mx.eval(q);
    return () => mx.quantizedMatmul(x, q[0], q[1], q[2], { groupSize: 64, bits: 4 });
  }, 2 * M * K * Nq);
  await both(`  float32 matmul of the same size`, (device) => {
    const x = uniform(device, [M, K], 6), w = uniform(device, [Nq, K], 7);
    return () => mx.matmul(x, mx.transpose(w));
  }, 2 * M * K * Nq);
}

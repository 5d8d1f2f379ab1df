// GPU speed of the row kernels (softmax, logSoftmax, row sums, the norms)
// and of add for reference, through the public API: what the GPU speed
// issue's row cases measure, alone, so a kernel change can be timed in a
// short run. Times as bench/gpu.mjs (queued runs, one wait per batch).
// Not a test.
//
//   node bench/gpu_rows.mjs [--smoke]
import * as mx from "webmx";
import { fmt, gpuStep, gpuUniform, timeQueued } from "./timing.mjs";

const smoke = process.argv.includes("--smoke");
await mx.init({ gpu: true, threads: false });
console.log(`webmx on ${mx.backendInfo().gpuAdapter} (${smoke ? "smoke sizes" : "full sizes"}), ${new Date().toISOString()}`);

const time = (step) => timeQueued(step, 20), run = gpuStep, uniform = gpuUniform;
const MB = (n) => (n * 4) / 1e6;

{
  const n = smoke ? 1 << 20 : 1 << 26;
  const x = uniform([n], 3), y = uniform([n], 4);
  mx.eval(x, y);
  console.log(`add f32 ${n}: ${fmt(await time(run(() => mx.add(x, y))), "GB/s", 3 * MB(n))}`);
  mx.dispose([x, y]);
}
const shapes = smoke ? [[512, 512], [2048, 64]] : [[8192, 8192], [65536, 1024], [262144, 256]];
for (const [r, c] of shapes) {
  const x = uniform([r, c], 5), w = uniform([c], 6), b = uniform([c], 7);
  mx.eval(x, w, b);
  const n = r * c, tag = `[${r}, ${c}]`;
  console.log(`softmax ${tag} (read once, write once): ${fmt(await time(run(() => mx.softmax(x, -1))), "GB/s", 2 * MB(n))}`);
  console.log(`logSoftmax ${tag}: ${fmt(await time(run(() => mx.logSoftmax(x, -1))), "GB/s", 2 * MB(n))}`);
  console.log(`sum over rows ${tag}: ${fmt(await time(run(() => mx.sum(x, 1))), "GB/s", MB(n))}`);
  console.log(`max over rows ${tag}: ${fmt(await time(run(() => mx.max(x, 1))), "GB/s", MB(n))}`);
  console.log(`rmsNorm ${tag} (read once, write once): ${fmt(await time(run(() => mx.fast.rmsNorm(x, w, 1e-5))), "GB/s", 2 * MB(n))}`);
  console.log(`layerNorm ${tag} (read once, write once): ${fmt(await time(run(() => mx.fast.layerNorm(x, w, b, 1e-5))), "GB/s", 2 * MB(n))}`);
  mx.dispose([x, w, b]);
}
process.exit(0);

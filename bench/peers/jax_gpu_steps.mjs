// jax-js (WebGPU) on the GPU speed issue's other two cases, run by
// bench/gpu.mjs --peers DIR beside webmx: the 784-512-512-10 MLP training
// step (jit of valueAndGrad + SGD, the same shapes and loss as webmx's) at
// batch 128 and 4096, and 1000 dependent small adds (per-dispatch overhead).
// jax-js comes from DIR/node_modules/@jax-js/jax (the peers bench's copy).
//   node bench/peers/jax_gpu_steps.mjs DIR [--smoke]
import { pathToFileURL } from "node:url";
import { create, globals } from "webgpu";
import { fmt, minMedian } from "../timing.mjs";

const dir = process.argv[2];
const smoke = process.argv.includes("--smoke");
Object.assign(globalThis, globals);
const gpu = create([]);
Object.defineProperty(globalThis, "navigator", { value: { gpu, hardwareConcurrency: 1, userAgent: "node" }, configurable: true });
const jax = await import(pathToFileURL(`${dir}/node_modules/@jax-js/jax/dist/index.js`).href);
await jax.init("webgpu");
jax.defaultDevice("webgpu");
const np = jax.numpy;

/** ms per run of `step` (which waits for its work): min and median of three timed batches after a warm-up one. */
const time = (step, reps) => minMedian(async () => {
  const t0 = performance.now();
  for (let i = 0; i < reps; ++i) await step();
  return (performance.now() - t0) / reps;
});

// jax-js's ownership rules: passing an array to a function consumes it; `.ref` keeps it.
for (const batch of smoke ? [32] : [128, 4096]) {
  const dims = [784, 512, 512, 10];
  let params = [];
  for (let i = 0; i < 3; ++i) {
    params.push(jax.random.normal(jax.random.key(10 + i), [dims[i], dims[i + 1]]).mul(Math.sqrt(2 / dims[i])));
    params.push(np.zeros([dims[i + 1]]));
  }
  const x = jax.random.normal(jax.random.key(1), [batch, 784]);
  const labels = Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  const onehot = np.array(labels.flatMap((c) => Array.from({ length: 10 }, (_, k) => (k === c ? 1 : 0))), { dtype: np.float32 }).reshape([batch, 10]);
  const loss = (ps, xb, yb) => {
    let h = xb;
    for (let i = 0; i < 3; ++i) {
      h = np.matmul(h, ps[2 * i]).add(ps[2 * i + 1]);
      if (i < 2) h = jax.nn.relu(h);
    }
    return jax.nn.logSoftmax(h, -1).mul(yb).sum(-1).mean().mul(-1);
  };
  const step = jax.jit((ps, xb, yb) => {
    const [l, grads] = jax.valueAndGrad(loss)(ps.map((p) => p.ref), xb, yb);
    return [l, ps.map((p, i) => p.sub(grads[i].mul(0.01)))];
  });
  const steps = smoke ? 3 : 20;
  // Steps chain through the parameters; one wait per batch of steps, as webmx's bench does.
  const t = await time(async () => {
    let l;
    for (let i = 0; i < steps; ++i) {
      const out = step(params, x.ref, onehot.ref);
      l?.dispose();
      [l, params] = out;
    }
    await l.blockUntilReady();
    l.dispose();
  }, 1);
  const per = { min: t.min / steps, med: t.med / steps };
  console.log(`jax-js webgpu MLP 784-512-512-10 train step b${batch}: ${fmt(per, "samples/ms", batch)}`);
  for (const p of params) p.dispose();
  x.dispose();
  onehot.dispose();
}

{
  const a = jax.random.uniform(jax.random.key(6), [16]);
  const t = await time(async () => {
    let z = a.ref;
    for (let i = 0; i < 1000; ++i) z = z.add(a.ref);
    await z.blockUntilReady();
    z.dispose();
  }, 5);
  console.log(`jax-js webgpu 1000 dependent adds of [16]: ${fmt(t, "ops/ms", 1000)}, ${t.med.toFixed(1)} us per op (median)`);
}
process.exit(0);

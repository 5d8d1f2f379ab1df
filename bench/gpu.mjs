// GPU speed (the GPU speed issue's cases), through the public API on Dawn's
// Node binding: matmul, add and a 10-op chain, sum and softmax, the MLP
// training step at two batch sizes (with the CPU build's figure for the
// same step), and per-dispatch overhead. Each case waits for the GPU
// (mx.eval submits, mx.synchronize waits for the queue: runs are queued in
// batches, one wait per batch) and prints the minimum and median per run of
// three batches. Not a test.
//
//   node bench/gpu.mjs            the full sizes (for a real GPU: see ../shared/gpu/README.md)
//   node bench/gpu.mjs --smoke    small sizes (SwiftShader, a check that it runs)
//   node bench/gpu.mjs --peers DIR  also runs DIR/gpu-probe.mjs and DIR/jax-gpu.mjs (the peers
//                                   bench's plain tiled probe and jax-js) in this run, one after the
//                                   other, and bench/peers/jax_gpu_steps.mjs (jax-js on the MLP step
//                                   and the 1000 small adds)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import * as mx from "webmx";
import { fmt, gpuStep, gpuUniform, minMedian, timeQueued } from "./timing.mjs";

const smoke = process.argv.includes("--smoke");
const peersAt = process.argv.indexOf("--peers");
const peers = peersAt > 0 ? process.argv[peersAt + 1] : null;
await mx.init({ gpu: true });
const info = mx.backendInfo();
console.log(`webmx on ${info.gpuAdapter} (${smoke ? "smoke sizes" : "full sizes"}), ${new Date().toISOString()}`);

const time = timeQueued, run = gpuStep, uniform = gpuUniform;

// ---- matmul
for (const n of smoke ? [128, 256] : [1024, 2048, 4096, 8192]) {
  const a = uniform([n, n], 1), b = uniform([n, n], 2);
  mx.eval(a, b);
  const t = await time(run(() => mx.matmul(a, b)), n >= 4096 ? 5 : 10);
  console.log(`matmul f32 N=${n}: ${fmt(t, "GFLOP/s", (2 * n ** 3) / 1e6)}`);
  mx.dispose([a, b]);
}

// ---- elementwise: add, and a 10-op chain compiled (one kernel when fused)
{
  const n = smoke ? 1 << 20 : 1 << 26;
  const x = uniform([n], 3), y = uniform([n], 4);
  mx.eval(x, y);
  const t = await time(run(() => mx.add(x, y)));
  console.log(`add f32 ${n}: ${fmt(t, "GB/s", (3 * n * 4) / 1e6)}`);
  const chain = mx.compile((p, q) => {
    let z = mx.add(p, q);
    z = mx.multiply(z, p); z = mx.subtract(z, q); z = mx.maximum(z, p); z = mx.add(z, 1);
    z = mx.multiply(z, 0.5); z = mx.tanh(z); z = mx.add(z, q); z = mx.abs(z); z = mx.sqrt(z);
    return z;
  });
  const tc = await time(run(() => chain(x, y)));
  console.log(`10-op chain compiled f32 ${n} (bytes of its inputs and output): ${fmt(tc, "GB/s", (3 * n * 4) / 1e6)}`);
  mx.dispose([x, y]);
}

// ---- reductions and softmax over [8192, 8192]
{
  const n = smoke ? 512 : 8192;
  const x = uniform([n, n], 5);
  mx.eval(x);
  const ts = await time(run(() => mx.sum(x, 1)));
  console.log(`sum over rows [${n}, ${n}]: ${fmt(ts, "GB/s", (n * n * 4) / 1e6)}`);
  const tm = await time(run(() => mx.softmax(x, -1)));
  console.log(`softmax [${n}, ${n}] (read once, write once): ${fmt(tm, "GB/s", (2 * n * n * 4) / 1e6)}`);
  mx.dispose(x);
}

// ---- the MLP training step: 784-512-512-10, compiled valueAndGrad + SGD
async function mlpStep(batch, device) {
  const dims = [784, 512, 512, 10];
  const init = () => {
    const params = [];
    for (let i = 0; i < 3; ++i) {
      params.push(mx.random.normal([dims[i], dims[i + 1]], { key: mx.random.key(10 + i) }).multiply(Math.sqrt(2 / dims[i])));
      params.push(mx.zeros([dims[i + 1]]));
    }
    return params;
  };
  let params = mx.withDevice(device, init);
  const x = mx.withDevice(device, () => mx.random.normal([batch, 784], { key: mx.random.key(1) }));
  const y = mx.withDevice(device, () => mx.random.randint(0, 10, [batch], { key: mx.random.key(2), dtype: mx.int32 }));
  const loss = (ps) => {
    let h = x;
    for (let i = 0; i < 3; ++i) {
      h = mx.add(mx.matmul(h, ps[2 * i]), ps[2 * i + 1]);
      if (i < 2) h = mx.maximum(h, 0);
    }
    return mx.mean(mx.subtract(mx.logsumexp(h, 1), mx.takeAlongAxis(h, y.reshape([batch, 1]), 1).reshape([batch])));
  };
  const step = mx.compile((...ps) => {
    const [l, grads] = mx.valueAndGrad(loss)(ps);
    return [l, ...ps.map((p, i) => mx.subtract(p, mx.multiply(grads[i], 0.01)))];
  });
  mx.eval(params, x, y);
  // Steps chain through the parameters: each is queued after the one before.
  const steps = smoke ? 3 : 20;
  const queued = async () => {
    const t0 = performance.now();
    for (let i = 0; i < steps; ++i) {
      const out = mx.withDevice(device, () => step(...params));
      mx.eval(out);
      mx.dispose([out[0], ...params]);
      params = out.slice(1);
    }
    if (device === mx.gpu) await mx.synchronize();
    return (performance.now() - t0) / steps;
  };
  const t = await minMedian(queued);
  mx.dispose([...params, x, y]);
  return t;
}
for (const batch of smoke ? [32] : [128, 4096]) {
  const g = await mlpStep(batch, mx.gpu);
  const c = await mlpStep(batch, mx.cpu);
  console.log(`MLP 784-512-512-10 train step b${batch}: GPU ${fmt(g, "samples/ms", batch)}; CPU build (${info.variant}, ${info.threads} thread(s)) ${fmt(c, "samples/ms", batch)}; GPU/CPU ${(c.med / g.med).toFixed(1)}x`);
}

// ---- per-dispatch overhead: a graph of 1000 small ops
{
  const a = uniform([16], 6);
  mx.eval(a);
  const t = await time(run(() => {
    let z = a;
    for (let i = 0; i < 1000; ++i) z = mx.add(z, a);
    return z;
  }), 5);
  console.log(`1000 dependent adds of [16]: ${fmt(t, "ops/ms", 1000)}, ${((t.med * 1000) / 1000).toFixed(1)} us per op (median)`);
  mx.dispose(a);
}

if (peers) {
  for (const script of ["gpu-probe.mjs", "jax-gpu.mjs"]) {
    const path = `${peers}/${script}`;
    if (!existsSync(path)) { console.log(`(no ${path})`); continue; }
    console.log(`---- ${script}`);
    const r = spawnSync(process.execPath, [resolve(path)], { cwd: peers, stdio: "inherit", env: { ...process.env, SIZES: smoke ? "128,256" : "1024,2048,4096,8192", ...(smoke ? { EW: String(1 << 20) } : {}) } });
    if (r.status !== 0) console.log(`(${script} exited with ${r.status})`);
  }
  // jax-js on the MLP step and the 1000 small adds (this repository's script, the peers' jax-js)
  console.log("---- bench/peers/jax_gpu_steps.mjs");
  const here = new URL("./peers/jax_gpu_steps.mjs", import.meta.url).pathname;
  const r = spawnSync(process.execPath, [here, resolve(peers), ...(smoke ? ["--smoke"] : [])], { stdio: "inherit" });
  if (r.status !== 0) console.log(`(jax_gpu_steps.mjs exited with ${r.status})`);
}
process.exit(0);

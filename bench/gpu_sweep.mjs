// The GEMM configurations side by side (matmul_gemm.ts), for choosing them
// on a real GPU in one run: each runs in its own process (WEBMX_GPU_GEMM is
// read once; "auto" leaves the choice to the kernel), first checked against
// the CPU build (odd shapes, batches, offset views, a 512 product), then
// timed as bench/gpu.mjs times (queued runs, min and median of three
// batches) at square and other shapes. Then the add of 64M floats, queued
// 10 (as bench/gpu.mjs) and 50 at a time, and the plain probe's vec4 add
// (and variants) straight through the webgpu package: 20 dispatches in one
// submit, and a submit each, for the bound the framework's add can reach.
// Not a test.
//
//   node bench/gpu_sweep.mjs [--smoke] [--gemm a,b,..] [--no-add] [--no-raw]
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const arg = (name, dflt) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : dflt;
};
const smoke = process.argv.includes("--smoke");
const child = arg("--child", null);

if (!child) {
  const gemms = arg("--gemm", "auto,128x128,64x128,64x64k16").split(",");
  const limit = Number(arg("--limit", smoke ? 600 : 60)) * 1000;
  const go = (kind, env, label) => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [self, "--child", kind, ...(smoke ? ["--smoke"] : [])], {
      env: { ...process.env, ...env }, encoding: "utf8", timeout: limit,
    });
    const out = (r.stdout + r.stderr).trim();
    console.log(`== ${label} (${((performance.now() - t0) / 1000).toFixed(1)} s${r.status !== 0 ? `, exit ${r.status ?? r.signal}` : ""})\n${out}`);
  };
  for (const g of gemms) go("gemm", g === "auto" ? {} : { WEBMX_GPU_GEMM: g }, `gemm ${g}`);
  if (!process.argv.includes("--no-add")) go("add", {}, "add");
  if (!process.argv.includes("--no-raw")) go("raw", {}, "raw webgpu add (one submit)");
  process.exit(0);
}

if (child === "raw") {
  const { create, globals } = await import("webgpu");
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  const L = adapter.limits;
  const device = await adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize: L.maxStorageBufferBindingSize, maxBufferSize: L.maxBufferSize,
    maxComputeInvocationsPerWorkgroup: L.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupSizeX: L.maxComputeWorkgroupSizeX } });
  const n = smoke ? 1 << 20 : 1 << 26;
  const bufs = [0, 1, 2].map(() => device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE }));
  for (const [per, wg] of [[1, 256], [2, 256], [4, 256], [1, 512], [2, 512], [1, 128], [1, 1024]]) {
    if (wg > L.maxComputeInvocationsPerWorkgroup) continue;
    let body = "";
    for (let p = 0; p < per; ++p) body += `{ let i = base + ${p * wg}u; if (i < arrayLength(&Z)) { Z[i] = X[i] + Y[i]; } }\n`;
    const code = `@group(0) @binding(0) var<storage, read> X: array<vec4<f32>>; @group(0) @binding(1) var<storage, read> Y: array<vec4<f32>>; @group(0) @binding(2) var<storage, read_write> Z: array<vec4<f32>>;
@compute @workgroup_size(${wg}) fn main(@builtin(workgroup_id) w: vec3u, @builtin(local_invocation_index) l: u32, @builtin(num_workgroups) nw: vec3u) { let base = (w.x + w.y * nw.x) * ${per * wg}u + l;\n${body} }`;
    const pipe = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code }), entryPoint: "main" } });
    const bg = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    const groups = n / 4 / (per * wg), gx = Math.min(groups, 32768), gy = Math.ceil(groups / gx);
    const run = (reps, submits) => {
      for (let s = 0; s < submits; ++s) {
        const enc = device.createCommandEncoder(); const p = enc.beginComputePass(); p.setPipeline(pipe); p.setBindGroup(0, bg);
        for (let r = 0; r < reps; r++) p.dispatchWorkgroups(gx, gy);
        p.end(); device.queue.submit([enc.finish()]);
      }
      return device.queue.onSubmittedWorkDone();
    };
    await run(2, 1);
    let t0 = performance.now(); await run(20, 1); const one = (performance.now() - t0) / 20;
    t0 = performance.now(); await run(1, 20); const each = (performance.now() - t0) / 20;
    const gb = (t) => ((3 * n * 4) / t / 1e6).toFixed(1);
    console.log(`raw add ${per} vec4 x ${wg}: ${one.toFixed(3)} ms (${gb(one)} GB/s) 20 dispatches in one submit; ${each.toFixed(3)} ms (${gb(each)} GB/s) a submit each`);
  }
  process.exit(0);
}

const mx = await import("webmx");
const { fmt, gpuStep, gpuUniform, timeQueued } = await import("./timing.mjs");
await mx.init({ gpu: true });

/** Deterministic values in [-1, 1). */
function values(n, seed) {
  const a = new Float32Array(n);
  let s = seed * 2654435761 >>> 0;
  for (let i = 0; i < n; ++i) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = s / 2 ** 31 - 1; }
  return a;
}
/** Max |gpu - cpu| / (1 + |cpu|) of fn run on both devices (fn builds its inputs from host data). */
async function check(fn) {
  const g = mx.withDevice(mx.gpu, fn), c = mx.withDevice(mx.cpu, fn);
  const [gv, cv] = [await g.data(), await c.data()];
  let err = 0;
  for (let i = 0; i < cv.length; ++i) err = Math.max(err, Math.abs(gv[i] - cv[i]) / (1 + Math.abs(cv[i])));
  if (gv.length !== cv.length) err = Infinity;
  mx.dispose([g, c]);
  return err;
}
const arr = (shape, seed) => mx.array(values(shape.reduce((x, y) => x * y, 1), seed)).reshape(shape);

if (child === "gemm") {
  if (!process.env.WEBMX_GPU_GEMM) console.log(`${mx.backendInfo().gpuAdapter}`);
  const cases = [
    [[130, 36], [36, 132]], [[3, 20, 12], [12, 136]], [[2, 4, 4], [2, 4, 4]], [[257, 520], [520, 300]],
    [[1, 4], [4, 8]], [[129, 4], [4, 4]], [[2, 3, 65, 68], [3, 68, 260]], [[200, 1000], [1000, 196]], [[512, 512], [512, 512]],
  ];
  let worst = 0;
  for (const [sa, sb] of cases) worst = Math.max(worst, await check(() => mx.matmul(arr(sa, 1), arr(sb, 2))));
  // an A at an offset (a slice of rows), and a batch whose B is broadcast
  worst = Math.max(worst, await check(() => mx.matmul(arr([136, 8], 3).index(mx.slice(4, 132)), arr([8, 260], 4))));
  console.log(`check against the CPU: worst relative error ${worst.toExponential(2)} ${worst < 1e-4 ? "ok" : "WRONG"}`);
  for (const n of smoke ? [128, 256] : [1024, 2048, 4096, 8192]) {
    const a = gpuUniform([n, n], 1), b = gpuUniform([n, n], 2);
    mx.eval(a, b);
    const t = await timeQueued(gpuStep(() => mx.matmul(a, b)), n >= 4096 ? 5 : 10);
    console.log(`matmul f32 N=${n}: ${fmt(t, "GFLOP/s", (2 * n ** 3) / 1e6)}`);
    mx.dispose([a, b]);
  }
  // shapes of other kinds: M x K x N (the MLP's first layer at batch 4096, a long K, a thin N)
  for (const [m, k, n] of smoke ? [[64, 96, 32]] : [[4096, 784, 512], [1024, 8192, 1024], [8192, 1024, 256], [3072, 3072, 3072]]) {
    const a = gpuUniform([m, k], 1), b = gpuUniform([k, n], 2);
    mx.eval(a, b);
    const t = await timeQueued(gpuStep(() => mx.matmul(a, b)), 10);
    console.log(`matmul f32 ${m}x${k}x${n}: ${fmt(t, "GFLOP/s", (2 * m * k * n) / 1e6)}`);
    mx.dispose([a, b]);
  }
}

if (child === "add") {
  const small = 1000003;
  const e1 = await check(() => mx.add(arr([small], 5), arr([small], 6)));
  const e2 = await check(() => mx.tanh(mx.multiply(mx.add(arr([small], 7), 1), arr([small], 8))));
  console.log(`check against the CPU: add ${e1.toExponential(2)}, chain ${e2.toExponential(2)} ${Math.max(e1, e2) < 1e-6 ? "ok" : "WRONG"}`);
  const n = smoke ? 1 << 20 : 1 << 26;
  const x = gpuUniform([n], 3), y = gpuUniform([n], 4);
  mx.eval(x, y);
  const gb = (3 * n * 4) / 1e6;
  console.log(`add f32 ${n} (10 queued): ${fmt(await timeQueued(gpuStep(() => mx.add(x, y))), "GB/s", gb)}`);
  console.log(`add f32 ${n} (50 queued): ${fmt(await timeQueued(gpuStep(() => mx.add(x, y)), 50), "GB/s", gb)}`);
  const chain = mx.compile((p, q) => {
    let z = mx.add(p, q);
    z = mx.multiply(z, p); z = mx.subtract(z, q); z = mx.maximum(z, p); z = mx.add(z, 1);
    z = mx.multiply(z, 0.5); z = mx.tanh(z); z = mx.add(z, q); z = mx.abs(z); z = mx.sqrt(z);
    return z;
  });
  console.log(`10-op chain compiled f32 ${n}: ${fmt(await timeQueued(gpuStep(() => chain(x, y))), "GB/s", gb)}`);
  // the last element of a 64M add, against the host
  const s = mx.add(x, y);
  const [xs, ys, ss] = await Promise.all([x.index(mx.slice(n - 3)).data(), y.index(mx.slice(n - 3)).data(), s.index(mx.slice(n - 3)).data()]);
  console.log(`64M add tail ${[0, 1, 2].every((i) => Math.abs(xs[i] + ys[i] - ss[i]) < 1e-6) ? "ok" : "WRONG"}`);
}
process.exit(0);

// Memory bandwidth on the GPU: how the shape of a streaming kernel and the
// way runs are submitted move an elementwise add (and softmax) against the
// GPU speed issue's 3.0 TB/s. Two parts, one run, one device:
//  1. plain WGSL adds of 64M float32 dispatched straight through WebGPU:
//     elements per invocation, workgroup size, a grid-stride loop over a
//     fixed number of workgroups; each timed with all runs in one submit
//     (as the peers' probe times its add) and with a submit per run; then
//     webmx's own kernel shape written by hand, with its parameter block
//     reaching the GPU three ways, to tell kernel cost from submission cost;
//  2. webmx's add, 10-op chain and softmax through the public API, with an
//     evaluation (so a submit) per run, and with several chained runs in one
//     evaluation (one submit, as the probe; see timeEvals).
// Not a test.
//
//   node bench/gpu_bandwidth.mjs           full sizes (the H100: ../shared/gpu/README.md)
//   node bench/gpu_bandwidth.mjs --smoke   small sizes on SwiftShader, a check that it runs
//   --webmx-only                           part 2 alone
//   DAWN_FLAGS="..." node bench/gpu_bandwidth.mjs   with Dawn flags (see below)
import { create, globals } from "webgpu";
import * as mx from "webmx";
import { fmt, gpuUniform, minMedian } from "./timing.mjs";

Object.assign(globalThis, globals);
const smoke = process.argv.includes("--smoke");
const webmxOnly = process.argv.includes("--webmx-only");  // skip part 1
// DAWN_FLAGS: Dawn's own flags for this run, space-separated (as
// "enable-dawn-features=disable_robustness", to see what the bounds checks
// Dawn adds to every storage access cost; not something a browser allows).
const gpu = create(process.env.DAWN_FLAGS ? process.env.DAWN_FLAGS.split(" ") : []);
const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
const requiredLimits = {};
for (const k of ["maxStorageBufferBindingSize", "maxBufferSize", "maxComputeWorkgroupStorageSize", "maxComputeInvocationsPerWorkgroup", "maxComputeWorkgroupSizeX"]) requiredLimits[k] = adapter.limits[k];
const device = await adapter.requestDevice({ requiredLimits });
console.log(`gpu_bandwidth on ${adapter.info.vendor} ${adapter.info.description} (${smoke ? "smoke" : "full"} sizes${process.env.DAWN_FLAGS ? `, Dawn flags ${process.env.DAWN_FLAGS}` : ""}), ${new Date().toISOString()}`);

const n = smoke ? 1 << 20 : 1 << 26;
const reps = smoke ? 3 : 20;
const addBytes = (3 * n * 4) / 1e6;

// ---- 1. plain kernels (skipped with --webmx-only)
/** WGSL of an add over vec4s: `per` vectors per invocation, strided by the whole grid (coalesced). */
function addKernel({ wg, per, stride }) {
  const body = stride
    ? `let total = nw.x * nw.y * ${wg}u; var i = g.x + g.y * nw.x * ${wg}u;
       for (; i < arrayLength(&Z); i += total) { Z[i] = X[i] + Y[i]; }`
    : `let base = (g.x + g.y * nw.x * ${wg}u);
       let total = nw.x * nw.y * ${wg}u;
       for (var k = 0u; k < ${per}u; k++) { let i = base + k * total; if (i < arrayLength(&Z)) { Z[i] = X[i] + Y[i]; } }`;
  return `@group(0) @binding(0) var<storage, read> X: array<vec4f>;
@group(0) @binding(1) var<storage, read> Y: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> Z: array<vec4f>;
@compute @workgroup_size(${wg}) fn main(@builtin(global_invocation_id) g: vec3u, @builtin(num_workgroups) nw: vec3u) {
  ${body}
}`;
}
/**
 * ms per run of `reps` dispatches of `pipe` over a gx x gy grid: all in one
 * submit (`one`), and a submit per run (`each`). `bindFor()` gives each
 * submit's bind group (and may queue work before it); `done()` runs after
 * the wait.
 */
async function timeDispatches(pipe, gx, gy, bindFor, done = () => {}) {
  const batch = (submits) => async () => {
    const t0 = performance.now();
    for (let s = 0; s < submits; ++s) {
      const bg = bindFor();
      const enc = device.createCommandEncoder();
      const p = enc.beginComputePass();
      p.setPipeline(pipe);
      p.setBindGroup(0, bg);
      for (let r = 0; r < reps / submits; ++r) p.dispatchWorkgroups(gx, gy);
      p.end();
      device.queue.submit([enc.finish()]);
    }
    await device.queue.onSubmittedWorkDone();
    done();
    return (performance.now() - t0) / reps;
  };
  return { one: await minMedian(batch(1)), each: await minMedian(batch(reps)) };
}
const grid = (groups) => (groups <= 65535 ? [groups, 1] : [Math.ceil(groups / Math.ceil(groups / 65535)), Math.ceil(groups / 65535)]);
if (!webmxOnly) {
  const bufs = [0, 1, 2].map(() => device.createBuffer({ size: n * 4, usage: GPUBufferUsage.STORAGE }));
  const variants = [];
  for (const wg of [64, 128, 256, 512, 1024]) variants.push({ wg, per: 1 });
  for (const per of [2, 4, 8]) variants.push({ wg: 256, per });
  for (const groups of [132, 264, 528, 1056, 2112, 4224]) variants.push({ wg: 256, stride: true, groups });
  for (const groups of [264, 1056]) variants.push({ wg: 1024, stride: true, groups });
  for (const v of variants) {
    if (v.wg > adapter.limits.maxComputeInvocationsPerWorkgroup) continue;
    const pipe = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code: addKernel(v) }), entryPoint: "main" } });
    const bg = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    const [gx, gy] = v.stride ? [v.groups, 1] : grid(Math.ceil(n / 4 / v.wg / v.per));
    const { one, each } = await timeDispatches(pipe, gx, gy, () => bg);
    const name = v.stride ? `grid-stride ${v.groups}x${v.wg}` : `wg ${v.wg}, ${v.per} vec4/inv`;
    console.log(`plain add ${name}: one submit ${fmt(one, "GB/s", addBytes)}; submit per run ${fmt(each, "GB/s", addBytes)}`);
  }
  // The same kernel with a fresh pass per dispatch, all in one submit.
  {
    const pipe = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code: addKernel({ wg: 256, per: 1 }) }), entryPoint: "main" } });
    const bg = device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: bufs.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    const [gx, gy] = grid(n / 4 / 256);
    const t = await minMedian(async () => {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      for (let r = 0; r < reps; ++r) {
        const p = enc.beginComputePass();
        p.setPipeline(pipe);
        p.setBindGroup(0, bg);
        p.dispatchWorkgroups(gx, gy);
        p.end();
      }
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return (performance.now() - t0) / reps;
    });
    console.log(`plain add wg 256, a pass per run, one submit: ${fmt(t, "GB/s", addBytes)}`);
  }
  // webmx's own shape (codegen.ts vectorSource): vec4<u32> words decoded
  // per lane, a bound read from the parameter buffer. Beside it: the lanes
  // unrolled, and the two ways a per-submit parameter block can reach the
  // GPU (a queue.writeBuffer into one buffer, as the backend's arena, or a
  // fresh buffer mapped at creation), to tell the kernel's cost from the
  // submission's.
  {
    const lanes = (unroll) => unroll
      ? [0, 1, 2, 3].map((l) => `r[${l}] = bitcast<u32>(bitcast<f32>(q0[${l}]) + bitcast<f32>(q1[${l}]));`).join("\n  ")
      : "for (var l = 0u; l < 4u; l++) { let a = bitcast<f32>(q0[l]); let b = bitcast<f32>(q1[l]); var v: f32; v = a + b; r[l] = bitcast<u32>(v); }";
    const shaped = (unroll) => `@group(0) @binding(0) var<storage, read> in0: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read> in1: array<vec4<u32>>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> prm: array<i32>;
@compute @workgroup_size(256) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = gid.x + gid.y * nwg.x * 256u;
  if (w * 4u >= u32(prm[0])) { return; }
  let q0 = in0[w];
  let q1 = in1[w];
  var r: vec4<u32>;
  ${lanes(unroll)}
  out[w] = r;
}`;
    const prmOf = (mapped) => {
      const b = device.createBuffer({ size: 256, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, mappedAtCreation: mapped });
      if (mapped) { new Int32Array(b.getMappedRange())[0] = n; b.unmap(); } else device.queue.writeBuffer(b, 0, new Int32Array([n]));
      return b;
    };
    const [gx, gy] = grid(n / 4 / 256);
    for (const [name, unroll, perSubmit] of [["lane loop", false, ""], ["lanes unrolled", true, ""],
      ["lane loop, writeBuffer per submit", false, "write"], ["lane loop, fresh mapped parameter buffer per submit", false, "mapped"]]) {
      const pipe = device.createComputePipeline({ layout: "auto", compute: { module: device.createShaderModule({ code: shaped(unroll) }), entryPoint: "main" } });
      const arena = prmOf(false);
      const groupFor = (prm) => device.createBindGroup({ layout: pipe.getBindGroupLayout(0), entries: [...bufs, prm].map((buffer, binding) => ({ binding, resource: { buffer } })) });
      const fixed = groupFor(arena);
      const staged = new Int32Array(64);
      staged[0] = n;
      const fresh = [];
      const bindFor = () => {
        if (perSubmit === "write") device.queue.writeBuffer(arena, 0, staged);
        if (perSubmit !== "mapped") return fixed;
        const b = prmOf(true);
        fresh.push(b);
        return groupFor(b);
      };
      const { one, each } = await timeDispatches(pipe, gx, gy, bindFor, () => fresh.splice(0).forEach((b) => b.destroy()));
      console.log(`webmx-shaped add, ${name}: one submit ${fmt(one, "GB/s", addBytes)}; submit per run ${fmt(each, "GB/s", addBytes)}`);
      arena.destroy();
    }
  }
  for (const b of bufs) b.destroy();
}

// ---- 2. webmx through its API
await mx.init({ gpu: device });
/**
 * ms per run: `k` runs of step in one evaluation (one submit), `batches`
 * evaluations, one wait. The runs are chained (each takes the one before's
 * result, step(z)), so that only two results are alive at a time and their
 * buffers come from the pool: k independent results of 256 MiB would each
 * be a new buffer (the pool keeps 256 MiB), timing Dawn's allocation and
 * zero-fill instead of the kernel.
 */
const timeEvals = (first, step, k, batches) => minMedian(async () => {
  const t0 = performance.now();
  for (let b = 0; b < batches; ++b) {
    const out = mx.withDevice(mx.gpu, () => mx.tidy(() => {
      let z = first;
      for (let i = 0; i < k; ++i) z = step(z);
      return z;
    }));
    mx.eval(out);
    mx.dispose(out);
  }
  await mx.synchronize();
  return (performance.now() - t0) / (k * batches);
});
{
  const x = gpuUniform([n], 3), y = gpuUniform([n], 4);
  mx.eval(x, y);
  const chain = mx.compile((p, q) => {
    let z = mx.add(p, q);
    z = mx.multiply(z, p); z = mx.subtract(z, q); z = mx.maximum(z, p); z = mx.add(z, 1);
    z = mx.multiply(z, 0.5); z = mx.tanh(z); z = mx.add(z, q); z = mx.abs(z); z = mx.sqrt(z);
    return z;
  });
  // The same length of chain with no scalar constants (each is an input
  // the kernel loads) and no tanh or sqrt: what the chain's own cost is.
  const plainChain = mx.compile((p, q) => {
    let z = mx.add(p, q);
    z = mx.multiply(z, p); z = mx.subtract(z, q); z = mx.maximum(z, p); z = mx.add(z, q);
    z = mx.multiply(z, q); z = mx.subtract(z, p); z = mx.maximum(z, q); z = mx.add(z, p);
    return mx.abs(z);
  });
  for (const [name, step] of [["add", (z) => mx.add(z, y)], ["10-op chain compiled", (z) => chain(z, y)],
    ["10-op arithmetic chain, no constants, compiled", (z) => plainChain(z, y)]]) {
    const each = await timeEvals(x, step, 1, reps);
    const together = await timeEvals(x, step, 10, 1);
    console.log(`webmx ${name} f32 ${n}: an eval per run ${fmt(each, "GB/s", addBytes)}; 10 chained runs in one eval ${fmt(together, "GB/s", addBytes)}`);
  }
  mx.dispose([x, y]);
}
{
  const r = smoke ? 512 : 8192;
  const x = gpuUniform([r, r], 5);
  mx.eval(x);
  const bytes = (2 * r * r * 4) / 1e6;
  const each = await timeEvals(x, (z) => mx.softmax(z, -1), 1, 8);
  const together = await timeEvals(x, (z) => mx.softmax(z, -1), 8, 1);
  console.log(`webmx softmax [${r}, ${r}]: an eval per run ${fmt(each, "GB/s", bytes)}; 8 chained runs in one eval ${fmt(together, "GB/s", bytes)}`);
  mx.dispose(x);
}
process.exit(0);

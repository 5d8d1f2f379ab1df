// The one-pass softmax kernel's variants (rows.ts, SoftmaxTuning) side by
// side on a real GPU in one run: each runs in its own process
// (WEBMX_GPU_SOFTMAX is read once), first checked against the CPU build
// (row lengths around the workgroup and vector thresholds, NaN and infinite
// rows, a non-contiguous input that takes the two-stage kernel), then timed
// as bench/gpu.mjs times (queued runs, min and median of three batches):
// softmax over [8192, 8192], [65536, 1024] and [262144, 256], logSoftmax over
// [8192, 8192]. Bytes counted: read once and write once. Not a test.
//
//   node bench/gpu_softmax_sweep.mjs [--smoke] [--variants "a;b;.."] [--build DIR] [--dist DIR]...
//
// A variant is a WEBMX_GPU_SOFTMAX value ("base" for the defaults, "nosg:" in
// front runs it without subgroups), run with the build in DIR (a built dist
// folder: a staged copy) or the package's own; each --dist DIR adds a run of
// the defaults with that build first (another branch's, for comparing).
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolve } from "node:path";

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : dflt;
};
const smoke = args.includes("--smoke");
const child = arg("--child", null);

if (child === null) {
  const variants = arg("--variants", "base;exact;expOnce,exact;fused,exact;fused,expOnce;fused,expOnce,exact;g512,exact;g512,expOnce,exact;g512,fused,expOnce,exact;g1024,exact;g1024,expOnce,exact;g1024,fused,expOnce,exact;g128,exact;g128,fused,expOnce,exact;nosg:base;nosg:fused,expOnce,exact").split(";");
  const dists = args.flatMap((a, i) => (a === "--dist" ? [resolve(args[i + 1])] : []));
  const limit = Number(arg("--limit", smoke ? 300 : 25)) * 1000;
  const go = (spec, dist) => {
    const nosg = spec.startsWith("nosg:");
    const v = nosg ? spec.slice(5) : spec;
    const env = { ...process.env, WEBMX_GPU_SOFTMAX: v === "base" ? "" : v, ...(nosg ? { WEBMX_GPU_SUBGROUPS: "0" } : {}) };
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [self, "--child", dist ?? "webmx", ...(smoke ? ["--smoke"] : [])], { env, encoding: "utf8", timeout: limit });
    const out = (r.stdout + r.stderr).trim();
    console.log(`== ${spec}${dist ? ` (build ${dist})` : ""} (${((performance.now() - t0) / 1000).toFixed(1)} s${r.status !== 0 ? `, exit ${r.status ?? r.signal}` : ""})\n${out}`);
  };
  for (const d of dists) go("base", d);
  const build = arg("--build", null);
  for (const v of variants) go(v, build ? resolve(build) : undefined);
  process.exit(0);
}

const mx = await import(child === "webmx" ? "webmx" : pathToFileURL(resolve(child, "node.js")).href);
await mx.init({ gpu: true, threads: false });

/** Deterministic values in [lo, hi). */
function values(n, seed, lo = -1, hi = 1) {
  const a = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; ++i) { s = (s * 1664525 + 1013904223) >>> 0; a[i] = lo + (hi - lo) * (s / 2 ** 32); }
  return a;
}
/** Five rows of L: plain, a NaN last, +inf last, -inf first, all -inf. */
function specialRows(L, seed) {
  const plain = values(L, seed, -30, 30);
  const rows = [plain, plain.map((v, i) => (i === L - 1 ? NaN : v)), plain.map((v, i) => (i === L - 1 ? Infinity : v)),
    plain.map((v, i) => (i === 0 ? -Infinity : v)), new Float32Array(L).fill(-Infinity)];
  const a = new Float32Array(5 * L);
  rows.forEach((r, k) => a.set(r, k * L));
  return mx.array(a).reshape([5, L]);
}
/** The worst |gpu - cpu| / (1e-6 + |cpu|) (NaN where exactly one is NaN, or a length differs). */
async function check(fn) {
  const g = mx.withDevice(mx.gpu, fn), c = mx.withDevice(mx.cpu, fn);
  const [gv, cv] = [await g.data(), await c.data()];
  let err = gv.length === cv.length ? 0 : NaN;
  for (let i = 0; i < cv.length; ++i) {
    if (Number.isNaN(gv[i]) !== Number.isNaN(cv[i])) err = NaN;
    else if (!Number.isNaN(cv[i]) && gv[i] !== cv[i]) err = Math.max(err, Math.abs(gv[i] - cv[i]) / (1e-6 + Math.abs(cv[i])));
  }
  mx.dispose([g, c]);
  return err;
}

let worst = 0;
const lengths = smoke ? [4, 28, 132, 1020, 1024, 1028, 4096, 8192] : [4, 28, 36, 128, 132, 512, 1020, 1024, 1028, 2048, 2052, 4096, 4100, 8188, 8192, 8196, 16380, 16384];
for (const [k, L] of lengths.entries()) {
  for (const f of [mx.softmax, mx.logSoftmax]) {
    const e = await check(() => f(specialRows(L, k + 1), -1));
    if (!(e <= worst)) worst = Number.isNaN(e) ? NaN : Math.max(worst, e);
  }
}
// a transposed input (the two-stage kernel) and a sliced one (rows at an offset)
const t = await check(() => mx.softmax(mx.array(values(64 * 96, 9)).reshape([64, 96]).transpose(), -1));
const s = await check(() => mx.softmax(mx.array(values(10 * 2048, 10)).reshape([10, 2048]).index(mx.slice(3, 9)), -1));
worst = [t, s].reduce((a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)), worst);
console.log(`${mx.backendInfo().gpuAdapter}; check against the CPU: worst relative error ${worst.toExponential(2)} ${worst < 2e-5 ? "ok" : "WRONG"}`);

// Timing as bench/timing.mjs's timeQueued and fmt, here so that a staged
// copy (--dist) needs no other file: the result freed once submitted.
const fmt = (t, unit, per) =>
  `min ${t.min.toFixed(3)} ms (${(per / t.min).toFixed(1)} ${unit}), median ${t.med.toFixed(3)} ms (${(per / t.med).toFixed(1)} ${unit})`;
async function timeQueued(step, reps) {
  const batch = async () => {
    const t0 = performance.now();
    for (let i = 0; i < reps; ++i) mx.dispose(step());
    await mx.synchronize();
    return (performance.now() - t0) / reps;
  };
  await batch();
  const ts = [await batch(), await batch(), await batch()].sort((a, b) => a - b);
  return { min: ts[0], med: ts[1] };
}
const run = (fn) => () => {
  const out = mx.withDevice(mx.gpu, () => mx.tidy(fn));
  mx.eval(out);
  return out;
};
for (const [r, c] of smoke ? [[512, 512], [2048, 64]] : [[8192, 8192], [65536, 1024], [262144, 256]]) {
  const x = mx.withDevice(mx.gpu, () => mx.random.uniform(-1, 1, [r, c], { key: mx.random.key(5) }));
  mx.eval(x);
  const gb = (2 * r * c * 4) / 1e6;
  console.log(`softmax [${r}, ${c}]: ${fmt(await timeQueued(run(() => mx.softmax(x, -1)), 20), "GB/s", gb)}`);
  if (r === c) console.log(`logSoftmax [${r}, ${c}]: ${fmt(await timeQueued(run(() => mx.logSoftmax(x, -1)), 20), "GB/s", gb)}`);
  mx.dispose(x);
}
process.exit(0);

// The float32 GEMM for 4-aligned row-major operands (matmul_tiled.ts's
// vectorFits), generated fully unrolled from a tile configuration:
//  - the workgroup tiles double-buffered: the next K step's tile is loaded
//    into registers while the current one is multiplied, then stored into
//    the other buffer, so one barrier per K step instead of two;
//  - every workgroup-memory read indexed [constant][thread's column], so
//    the bounds clamps WebGPU's robustness adds are computed once per
//    thread, not per read;
//  - accumulators, operand and prefetch registers plain variables (no
//    arrays indexed at run time, which a driver may keep in memory);
//  - multiply-adds written c += a.x * b: the same loop written with WGSL's
//    fma() ran at 25 TFLOP/s on the H100 against 42 (bench/h100_gemm_sweep.txt);
//  - A stored k-major (transposed from its 16-byte row loads), its rows
//    optionally padded against bank conflicts of those scalar stores.
// A thread computes a (4 rm) x (4 rn) block: rows (ty + r wy) * 4 .. + 3
// for r < rm, columns likewise with tx, wx and rn, so the threads of a warp
// read consecutive vec4s. Loads and stores are bounds-checked: any M, N, K,
// batch and 4-aligned offsets and strides work.

import type { Dispatch, KernelCall } from "../dispatch_types.js";
import { bindings, cachedSource } from "../codegen.js";

/** WGSL: the operands' offsets ao, bo (i32 vars) for batch wid.z, from the parameters. */
export const BATCH_OFFSETS = /* wgsl */ `  let nb = prm[3];
  var ao = prm[4];
  var bo = prm[5];
  var r = wid.z;
  for (var d = nb - 1; d >= 0; d--) {
    let size = u32(prm[10 + d]);
    let c = i32(r % size);
    ao += c * prm[10 + nb + d];
    bo += c * prm[10 + 2 * nb + d];
    r = r / size;
  }
`;

/** A tile configuration: the workgroup is wx x wy threads, each computing 4 rm x 4 rn outputs. */
export interface GemmConfig {
  name: string;
  wx: number;
  wy: number;
  rm: number;
  rn: number;
  /** The K step. */
  bk: number;
  /** Vec4s of padding per k-row of the A tile (against bank conflicts of its transposing stores). */
  padA: number;
}

export const tileRows = (c: GemmConfig) => c.wy * 4 * c.rm;
export const tileCols = (c: GemmConfig) => c.wx * 4 * c.rn;

/** Bytes of workgroup memory the kernel of c uses (both buffers of both tiles). */
export function gemmStorage(c: GemmConfig): number {
  return 2 * c.bk * ((tileRows(c) / 4 + c.padA) + tileCols(c) / 4) * 16;
}

const cfg = (name: string, wx: number, wy: number, rm: number, rn: number, bk: number, padA: number): GemmConfig =>
  ({ name, wx, wy, rm, rn, bk, padA });

/**
 * The configurations the choice below picks from, the best of those
 * bench/gpu_sweep.mjs timed on the H100 (bench/h100_gemm_sweep.txt):
 * 128x128 tiles, 256 threads of 8x8 (16 KiB, WebGPU's default limit);
 * 64x128, 128 threads of 8x8 (12.25 KiB); 64x64 with a K step of 16, 256
 * threads of 4x4 (16.5 KiB: only where the device allows it).
 */
export const GEMM_CONFIGS: Record<string, GemmConfig> = Object.fromEntries([
  cfg("128x128", 16, 16, 2, 2, 8, 0),
  cfg("64x128", 16, 8, 2, 2, 8, 1),
  cfg("64x64k16", 16, 16, 1, 1, 16, 1),
].map((c) => [c.name, c]));

/** Bytes of workgroup memory the device allows a kernel (its maxComputeWorkgroupStorageSize; WebGPU's default until told). */
let storageLimit = 16384;
/** @internal */
export function setGemmStorageLimit(bytes: number): void {
  storageLimit = bytes;
}

/**
 * WEBMX_GPU_GEMM (tests and benches): a configuration's name to use it for
 * every product it fits. Read once.
 */
let forced: string | undefined | null = null;
function forcedConfig(): GemmConfig | undefined {
  if (forced === null) forced = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WEBMX_GPU_GEMM || undefined;
  const c = forced === undefined ? undefined : GEMM_CONFIGS[forced];
  return c && gemmStorage(c) <= storageLimit ? c : undefined;
}

/**
 * Workgroups of 128x128 tiles the H100 runs at once (132 SMs, two each):
 * a grid a little over a multiple of it leaves most SMs idle in its last
 * wave (3072^3: 576 tiles, 2.2 waves, 32 TFLOP/s, where 64x128 tiles run
 * at 40).
 */
const WAVE = 264;

/** The configuration for a batch of M x K times K x N products. */
export function gemmFor(M: number, N: number, K: number, batch: number): GemmConfig {
  const f = forcedConfig();
  if (f) return f;
  const tiles = Math.ceil(M / 128) * Math.ceil(N / 128) * batch;
  const filled = tiles / (Math.ceil(tiles / WAVE) * WAVE);
  if (tiles >= 1024 || (tiles >= 200 && filled >= 0.85)) return GEMM_CONFIGS["128x128"]!;
  // Few tiles and a long K: more, smaller, threads per tile (1024x8192x1024: 26 TFLOP/s against 17).
  const long = GEMM_CONFIGS["64x64k16"]!;
  if (K >= 4096 && gemmStorage(long) <= storageLimit) return long;
  return GEMM_CONFIGS["64x128"]!;
}

/** The kernel call for a dispatch that vectorFits (matmul_tiled.ts) accepts. */
export function gemmKernel(d: Dispatch, c: GemmConfig, params: number[]): KernelCall {
  const output = d.outputs[0]!;
  const nd = output.shape.length;
  const M = output.shape[nd - 2]!, N = output.shape[nd - 1]!;
  const batch = output.shape.slice(0, nd - 2).reduce((x, y) => x * y, 1);
  const grid: [number, number, number] = [Math.ceil(N / tileCols(c)), Math.ceil(M / tileRows(c)), batch];
  return { source: cachedSource(`gemm|${c.name}`, () => gemmSource(c)), params, words: 0, grid, inputs: d.inputs, output };
}

/** The WGSL of configuration c. Parameters as tiledMatmulKernel's. */
export function gemmSource(c: GemmConfig): string {
  const { wx, wy, rm, rn, bk, padA } = c;
  const T = wx * wy, BM = tileRows(c), BN = tileCols(c);
  const RA = BM / 4 + padA, RB = BN / 4;
  const kv = bk / 4; // vec4s of a tile row of A
  const loadsA = (BM * kv) / T, loadsB = (bk * RB) / T;
  if (!Number.isInteger(loadsA) || !Number.isInteger(loadsB) || bk % 4 !== 0)
    throw new Error(`[gpu] Bad GEMM tile configuration ${c.name}.`);
  const lines: string[] = [];
  const emit = (s: string) => lines.push(s);
  // Per-thread load coordinates: A vec4 t of a tile is row am_t, k vector ak_t; B vec4 t is k row bk_t, n vector bn_t.
  for (let t = 0; t < loadsA; ++t) {
    emit(`  let am${t} = (li + ${t * T}u) / ${kv}u;`);
    emit(`  let ak${t} = (li + ${t * T}u) % ${kv}u;`);
    emit(`  let aOk${t} = row0 + am${t} < M;`);
    emit(`  let aAt${t} = a4 + (row0 + am${t}) * sam + ak${t};`);
    emit(`  var pa${t}: vec4f;`);
  }
  for (let t = 0; t < loadsB; ++t) {
    emit(`  let bk${t} = (li + ${t * T}u) / ${RB}u;`);
    emit(`  let bn${t} = (li + ${t * T}u) % ${RB}u;`);
    emit(`  let bOk${t} = col0 / 4u + bn${t} < N4;`);
    emit(`  let bAt${t} = b4 + bk${t} * sbk + col0 / 4u + bn${t};`);
    emit(`  var pb${t}: vec4f;`);
  }
  for (let i = 0; i < 4 * rm; ++i) for (let j = 0; j < rn; ++j) emit(`  var c${i}_${j}: vec4f;`);
  const head = lines.join("\n");

  // Global loads of tile `tile` (a u32 expression) into the prefetch registers.
  const load = (next: string) => {
    const tile = `(${next})`;
    const s: string[] = [];
    for (let t = 0; t < loadsA; ++t)
      s.push(`pa${t} = select(vec4f(0.0), f4(in0[aAt${t} + ${tile} * ${kv}u]), aOk${t} && ${tile} * ${kv}u + ak${t} < K4);`);
    for (let t = 0; t < loadsB; ++t)
      s.push(`pb${t} = select(vec4f(0.0), f4(in1[bAt${t} + ${tile} * ${bk}u * sbk]), bOk${t} && ${tile} * ${bk}u + bk${t} < K);`);
    return s.join("\n      ");
  };
  // The first tile row of buffer `buf` (0 or 1, or a WGSL u32 expression of that row), plus k.
  const rowOf = (buf: number | string, k: number) => (typeof buf === "number" ? `${buf * bk + k}u` : `${buf} + ${k}u`);
  // The prefetch registers into buffer `buf`.
  const store = (buf: number | string) => {
    const s: string[] = [];
    for (let t = 0; t < loadsA; ++t)
      for (let q = 0; q < 4; ++q)
        s.push(`As[${rowOf(buf, q)} + ak${t} * 4u][am${t} / 4u][am${t} % 4u] = pa${t}.${"xyzw"[q]};`);
    for (let t = 0; t < loadsB; ++t) s.push(`Bs[${rowOf(buf, 0)} + bk${t}][bn${t}] = pb${t};`);
    return s.join("\n      ");
  };
  // The multiply-adds of buffer `buf`, k unrolled.
  const multiply = (buf: number | string) => {
    const s: string[] = [];
    for (let k = 0; k < bk; ++k) {
      const row = rowOf(buf, k);
      const b: string[] = [];
      for (let r = 0; r < rm; ++r) b.push(`let a${r} = As[${row}][ly${r}];`);
      for (let j = 0; j < rn; ++j) b.push(`let b${j} = Bs[${row}][lx${j}];`);
      for (let r = 0; r < rm; ++r)
        for (let q = 0; q < 4; ++q)
          for (let j = 0; j < rn; ++j) b.push(`c${r * 4 + q}_${j} += a${r}.${"xyzw"[q]} * b${j};`);
      s.push(`{\n      ${b.join("\n      ")}\n    }`);
    }
    return s.join("\n    ");
  };
  const step = (buf: number | string, other: number | string, next: string) => `
    if (${next} < nT) {
      ${load(next)}
    }
    ${multiply(buf)}
    if (${next} < nT) {
      ${store(other)}
    }
    workgroupBarrier();`;
  const writes: string[] = [];
  for (let r = 0; r < rm; ++r)
    for (let q = 0; q < 4; ++q) {
      const i = r * 4 + q;
      writes.push(`{\n    let gm = row0 + ly${r} * 4u + ${q}u;`);
      for (let j = 0; j < rn; ++j)
        writes.push(`    if (gm < M && col0 / 4u + lx${j} < N4) { out[base + gm * N4 + col0 / 4u + lx${j}] = bitcast<vec4<u32>>(c${i}_${j}); }`);
      writes.push(`  }`);
    }
  const lyx: string[] = [];
  for (let r = 0; r < rm; ++r) lyx.push(`  let ly${r} = lid.y + ${r * wy}u;`);
  for (let j = 0; j < rn; ++j) lyx.push(`  let lx${j} = lid.x + ${j * wx}u;`);

  return bindings(2, "vec4<u32>") + /* wgsl */ `
fn f4(q: vec4<u32>) -> vec4f { return bitcast<vec4f>(q); }
var<workgroup> As: array<array<vec4f, ${RA}>, ${2 * bk}>;
var<workgroup> Bs: array<array<vec4f, ${RB}>, ${2 * bk}>;
@compute @workgroup_size(${wx}, ${wy})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let M = u32(prm[0]);
  let N = u32(prm[1]);
  let K = u32(prm[2]);
${BATCH_OFFSETS}  let sam = u32(prm[6]) / 4u;
  let sbk = u32(prm[8]) / 4u;
  let a4 = u32(ao) / 4u;
  let b4 = u32(bo) / 4u;
  let K4 = K / 4u;
  let N4 = N / 4u;
  let row0 = wid.y * ${BM}u;
  let col0 = wid.x * ${BN}u;
  let nT = (K + ${bk - 1}u) / ${bk}u;
${lyx.join("\n")}
${head}
  if (nT > 0u) {
    ${load("0u")}
    ${store(0)}
  }
  workgroupBarrier();
  for (var t = 0u; t < nT; t += 2u) {${step(0, 1, "t + 1u")}
    if (t + 1u >= nT) { break; }${step(1, 0, "t + 2u")}
  }
  let base = wid.z * M * N4;
  ${writes.join("\n  ")}
}
`;
}

// The tiled matmul for float32 results: a workgroup of 16x16 threads
// computes a 128x128 output tile, each thread an 8x8 block held in sixteen
// vec4 registers. The K dimension goes in steps of 16: the workgroup stages
// a 128x16 slice of A (stored k-major, so a thread reads its rows as vec4s)
// and a 16x128 slice of B in workgroup memory (16 KiB, WebGPU's default
// limit), then each thread does 64 multiply-adds per step from 4 vec4 reads.
//
// A thread's rows are ty*4..ty*4+3 and 64+ty*4..64+ty*4+3 (its columns
// likewise with tx), so the 16 threads of a row read 16 consecutive vec4s:
// no bank conflicts. Global loads walk each operand along its contiguous
// axis (chosen when the WGSL is generated, from the strides), so transposed
// views (the backward pass's xT @ g, g @ wT) load coalesced too. Every load
// is bounds-checked, so any M, N, K works. Float32 operands that are
// row-major with 4-aligned offsets and strides (vectorFits) take the
// faster generated kernel of matmul_gemm.ts instead.

import type { Dispatch, KernelCall } from "../dispatch_types.js";
import { bindings } from "../codegen.js";
import { gpuDtype } from "../wgsl_dtypes.js";
import { BATCH_OFFSETS, gemmFor, gemmKernel } from "./matmul_gemm.js";

const BM = 128, BN = 128, BK = 16, THREADS = 256;

/** The kernel's tiles in workgroup memory, entry point, first parameters and the operands' offsets (ao, bo) for batch wid.z. */
const KERNEL_HEAD = /* wgsl */ `var<workgroup> As: array<vec4f, ${(BK * BM) / 4}>;
var<workgroup> Bs: array<vec4f, ${(BK * BN) / 4}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  let M = u32(prm[0]);
  let N = u32(prm[1]);
  let K = u32(prm[2]);
${BATCH_OFFSETS}`;

/**
 * One K step of multiply-adds from the staged tiles: this thread's 8x8 block
 * (rows lid.y*4.. and 64+lid.y*4.., columns likewise with lid.x) in acc.
 */
const MULTIPLY_TILES = /* wgsl */ `    for (var k = 0u; k < ${BK}u; k++) {
      let a0 = As[k * ${BM / 4}u + lid.y];
      let a1 = As[k * ${BM / 4}u + 16u + lid.y];
      let b0 = Bs[k * ${BN / 4}u + lid.x];
      let b1 = Bs[k * ${BN / 4}u + 16u + lid.x];
      acc[0] += a0.x * b0; acc[1] += a0.x * b1;
      acc[2] += a0.y * b0; acc[3] += a0.y * b1;
      acc[4] += a0.z * b0; acc[5] += a0.z * b1;
      acc[6] += a0.w * b0; acc[7] += a0.w * b1;
      acc[8] += a1.x * b0; acc[9] += a1.x * b1;
      acc[10] += a1.y * b0; acc[11] += a1.y * b1;
      acc[12] += a1.z * b0; acc[13] += a1.z * b1;
      acc[14] += a1.w * b0; acc[15] += a1.w * b1;
    }
`;

/** Whether the tiled kernel serves this dispatch: a float32 result and a batch count a grid dimension holds. */
export function tiledMatmulFits(d: Dispatch): boolean {
  const out = d.outputs[0]!;
  const nd = out.shape.length;
  const batch = out.shape.slice(0, nd - 2).reduce((x, y) => x * y, 1);
  return gpuDtype(out.dtype).name === "float32" && batch <= 65535 && batch > 0;
}

/**
 * Parameters: [M, N, K, nb, aOffset, bOffset, a row stride, a k stride,
 * b k stride, b col stride, batch shape (nb), a batch strides (nb), b batch
 * strides (nb)].
 */
export function tiledMatmulKernel(d: Dispatch): KernelCall {
  const [a, b] = d.inputs as [Dispatch["inputs"][0], Dispatch["inputs"][0]];
  const output = d.outputs[0]!;
  const nd = output.shape.length, nb = nd - 2;
  const M = output.shape[nd - 2]!, N = output.shape[nd - 1]!, K = a.shape[nd - 1]!;
  const A = gpuDtype(a.dtype), B = gpuDtype(b.dtype);
  const batch = output.shape.slice(0, nb).reduce((x, y) => x * y, 1);
  const [sam, sak] = [a.strides[nd - 2]!, a.strides[nd - 1]!];
  const [sbk, sbn] = [b.strides[nd - 2]!, b.strides[nd - 1]!];
  // The order a thread's loads walk each tile: along the operand's contiguous axis.
  const aAlongK = sak === 1 || sam !== 1;
  const bAlongN = sbn === 1 || sbk !== 1;
  const params = [M, N, K, nb, a.offset, b.offset, sam, sak, sbk, sbn, ...output.shape.slice(0, nb),
    ...a.strides.slice(0, nb), ...b.strides.slice(0, nb)];
  const grid: [number, number, number] = [Math.ceil(N / BN), Math.ceil(M / BM), batch];
  if (vectorFits(d)) return gemmKernel(d, gemmFor(M, N, K, batch), params);
  const source = bindings(2) + /* wgsl */ `
${KERNEL_HEAD}  let sam = prm[6];
  let sak = prm[7];
  let sbk = prm[8];
  let sbn = prm[9];
  let row0 = wid.y * ${BM}u;
  let col0 = wid.x * ${BN}u;
  var acc: array<vec4f, 16>;
  for (var i = 0u; i < 16u; i++) { acc[i] = vec4f(0.0); }
  for (var k0 = 0u; k0 < K; k0 += ${BK}u) {
    for (var t = 0u; t < ${(BM * BK) / THREADS}u; t++) {
      let q = li + t * ${THREADS}u;
      ${aAlongK ? `let m = q / ${BK}u;\n      let k = q % ${BK}u;` : `let k = q / ${BM}u;\n      let m = q % ${BM}u;`}
      let gm = row0 + m;
      let gk = k0 + k;
      var v = 0.0;
      if (gm < M && gk < K) { v = ${A.load("in0", "u32(ao + i32(gm) * sam + i32(gk) * sak)")}; }
      As[(k * ${BM}u + m) / 4u][m % 4u] = v;
    }
    for (var t = 0u; t < ${(BN * BK) / THREADS}u; t++) {
      let q = li + t * ${THREADS}u;
      ${bAlongN ? `let k = q / ${BN}u;\n      let n = q % ${BN}u;` : `let n = q / ${BK}u;\n      let k = q % ${BK}u;`}
      let gn = col0 + n;
      let gk = k0 + k;
      var v = 0.0;
      if (gn < N && gk < K) { v = ${B.load("in1", "u32(bo + i32(gk) * sbk + i32(gn) * sbn)")}; }
      Bs[(k * ${BN}u + n) / 4u][n % 4u] = v;
    }
    workgroupBarrier();
${MULTIPLY_TILES}    workgroupBarrier();
  }
  let base = wid.z * M * N;
  for (var i = 0u; i < 8u; i++) {
    let gm = row0 + (i / 4u) * 64u + lid.y * 4u + i % 4u;
    if (gm >= M) { continue; }
    for (var h = 0u; h < 2u; h++) {
      let v = acc[i * 2u + h];
      let gn = col0 + h * 64u + lid.x * 4u;
      let at = base + gm * N + gn;
      if (gn < N) { out[at] = bitcast<u32>(v.x); }
      if (gn + 1u < N) { out[at + 1u] = bitcast<u32>(v.y); }
      if (gn + 2u < N) { out[at + 2u] = bitcast<u32>(v.z); }
      if (gn + 3u < N) { out[at + 3u] = bitcast<u32>(v.w); }
    }
  }
}
`;
  return { source, params, words: 0, grid, inputs: d.inputs, output };
}

/**
 * Whether matmul_gemm.ts's kernel serves this dispatch: float32 operands, A
 * row-major (K contiguous) and B row-major (N contiguous) in their last two
 * axes, with every offset, row stride, K and N a multiple of 4, so that
 * each 16-byte access is aligned and lies wholly inside or outside the matrix.
 */
function vectorFits(d: Dispatch): boolean {
  const [a, b] = d.inputs as [Dispatch["inputs"][0], Dispatch["inputs"][0]];
  const nd = a.shape.length;
  const f32 = (c: number) => gpuDtype(c).name === "float32";
  const K = a.shape[nd - 1]!, N = b.shape[nd - 1]!;
  const all4 = [a.offset, b.offset, a.strides[nd - 2]!, b.strides[nd - 2]!, K, N, ...a.strides.slice(0, nd - 2), ...b.strides.slice(0, nd - 2)]
    .every((x) => x % 4 === 0);
  return f32(a.dtype) && f32(b.dtype) && a.strides[nd - 1] === 1 && b.strides[nd - 1] === 1 && all4;
}

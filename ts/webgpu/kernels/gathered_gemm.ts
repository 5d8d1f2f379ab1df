// The main function of a tiled GEMM whose operands are gathered, not read
// as matrices: each caller says in WGSL how to fetch A[gm, gk] and B[gk, gn]
// (an implicit im2col for the convolutions, decoded codes for the quantized
// matmul) and where C[gm, gn] goes; the tiling is the same for all.
//
// A workgroup of 16x16 threads computes a 64x64 tile of C, each thread a
// 4x4 block in four vec4 registers; the reduction goes in steps of 16, with
// a 64x16 slice of each operand staged in workgroup memory (8 KiB). Each
// operand's loads walk the axis the caller names (its contiguous one, so
// neighbouring threads read neighbouring words).
// Grid: (column tiles, row tiles, z); the caller's WGSL picks its batch or
// group from wid.z.
//
// A GEMM with few output tiles and a long reduction (a weight gradient, a
// matrix-vector product) would leave most of a large GPU idle, so its
// reduction may be split over several workgroups (split-K) that write
// partial results to scratch, which a second pass adds up.

import type { KernelCall, Operand } from "../dispatch_types.js";
import { scratchOperand } from "../dispatch_types.js";
import { bindings, cachedSource, wordLoop, wordsFor } from "../codegen.js";
import { DtypeCodes } from "../../generated/boundary.js";
import { gpuDtype } from "../wgsl_dtypes.js";

export const TILE = 64, BK = 16;
const THREADS = 256;
/** Workgroups a split reduction aims for (enough to fill a large GPU), and the least reduction per part. */
const TARGET_GROUPS = 512, MIN_PART = 256;

/**
 * How many parts to split a reduction of `depth` into when the output has
 * `tiles` tiles (times its batch), and the length of each (a multiple of BK).
 */
export function splitReduction(tiles: number, depth: number): [number, number] {
  const parts = Math.max(1, Math.min(Math.ceil(TARGET_GROUPS / Math.max(1, tiles)), Math.ceil(depth / MIN_PART)));
  const chunk = Math.max(BK, Math.ceil(depth / parts / BK) * BK);
  return [Math.max(1, Math.ceil(depth / chunk)), chunk];
}

/** Scratch for `parts` partial results of an n-element output (scratch buffer 0), or the output itself (one part, unless `always`). */
export const partialsFor = (parts: number, output: Operand, n: number, always = false): Operand =>
  parts > 1 || always ? scratchOperand(0, DtypeCodes.float32, [parts, n]) : output;

/** The second pass of a split reduction: output element e is the sum of its `parts` partial results, rounded to the output's dtype. */
export function sumParts(partials: Operand, output: Operand, n: number, parts: number): KernelCall {
  const out = gpuDtype(output.dtype);
  const body = `var acc = 0.0;
    for (var s = 0u; s < u32(prm[1]); s++) { acc += bitcast<f32>(in0[s * n + e]); }
    v = acc;`;
  return {
    source: cachedSource(`sum-parts:${out.name}`, () => bindings(1) + wordLoop(out, body)),
    params: [n, parts],
    words: wordsFor(n, out),
    inputs: [partials],
    output,
  };
}

export interface GatheredGemm {
  /** WGSL statements run first (lets for sizes and bases; may read wid). */
  setup: string;
  /** WGSL i32 expressions: rows M, columns NC, the reduction's start and end (kBegin..kEnd). */
  rows: string;
  cols: string;
  kBegin: string;
  kEnd: string;
  /** Whether A's loads walk k (else m) and B's walk k (else n) fastest. */
  aAlongK: boolean;
  bAlongK: boolean;
  /** WGSL statements that set `v` (f32, 0 when untouched) to A[gm, gk] / B[gk, gn] (both in range). */
  loadA: string;
  loadB: string;
  /** WGSL statement(s) storing `r` (f32), C[gm, gn] (both in range). */
  store: string;
  /** WGSL i32 expression: the first row tile (for a grid too tall for one dispatch); default 0. */
  rowBase?: string;
}

/** Stages a 64x16 slice of one operand in `tile` ([k][row or column]): `index` is the row (m) or column (n). */
function stage(tile: string, alongK: boolean, index: string, first: string, bound: string, load: string): string {
  return `
    for (var t = 0u; t < ${(TILE * BK) / THREADS}u; t++) {
      let q = i32(li + t * ${THREADS}u);
      ${alongK ? `let k = q % ${BK};\n      let ${index} = q / ${BK};` : `let ${index} = q % ${TILE};\n      let k = q / ${TILE};`}
      let g${index} = ${first} + ${index};
      let gk = k0 + k;
      var v = 0.0;
      if (g${index} < ${bound} && gk < kEnd) {
        ${load}
      }
      ${tile}[(k * ${TILE} + ${index}) / 4][${index} % 4] = v;
    }`;
}

export function gatheredGemm(g: GatheredGemm): string {
  return /* wgsl */ `
var<workgroup> As: array<vec4f, ${(BK * TILE) / 4}>;
var<workgroup> Bs: array<vec4f, ${(BK * TILE) / 4}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  ${g.setup}
  let M = ${g.rows};
  let NC = ${g.cols};
  let kEnd = ${g.kEnd};
  let row0 = (i32(wid.y) + ${g.rowBase ?? "0"}) * ${TILE};
  let col0 = i32(wid.x) * ${TILE};
  var acc: array<vec4f, 4>;
  for (var i = 0; i < 4; i++) { acc[i] = vec4f(0.0); }
  for (var k0 = ${g.kBegin}; k0 < kEnd; k0 += ${BK}) {
    ${stage("As", g.aAlongK, "m", "row0", "M", g.loadA)}
    ${stage("Bs", g.bAlongK, "n", "col0", "NC", g.loadB)}
    workgroupBarrier();
    for (var k = 0u; k < ${BK}u; k++) {
      let a = As[k * ${TILE / 4}u + lid.y];
      let b = Bs[k * ${TILE / 4}u + lid.x];
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }
  for (var i = 0; i < 4; i++) {
    let gm = row0 + i32(lid.y) * 4 + i;
    if (gm >= M) { continue; }
    for (var c = 0; c < 4; c++) {
      let gn = col0 + i32(lid.x) * 4 + c;
      let r = acc[i][c];
      if (gn < NC) { ${g.store} }
    }
  }
}
`;
}

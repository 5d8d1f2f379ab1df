// The forward convolution with a float32 result as an implicit GEMM, one per
// group: rows are the output positions p = (n, oy, ox), columns the group's
// output channels, and the reduction runs over k = (ky, kx, c) — the same
// order as the weight's (KH, KW, Cg) axes, so the weight's rows are
// contiguous. The column matrix of x (im2col) is never stored: each tile of
// it is gathered from x straight into workgroup memory, with zeros where
// the kernel overlaps the padding.
//
// A workgroup of 16x16 threads computes a 64x64 output tile, each thread a
// 4x4 block in four vec4 registers; the reduction goes in steps of 16, with
// a 64x16 slice of each operand staged in workgroup memory (8 KiB). Loads
// walk k fastest: x's channels and the weight's rows are its contiguous axes.
// Grid: (column tiles, row tiles, groups).

import type { Dispatch, KernelCall } from "../dispatch_types.js";
import { bindings, cachedSource } from "../codegen.js";
import { gpuDtype } from "../wgsl_dtypes.js";
import { CONV_LETS, convGeometry, convLoader, convParams } from "./conv_common.js";

const TILE = 64, BK = 16, THREADS = 256;

export function tiledConvFits(d: Dispatch): boolean {
  if (gpuDtype(d.outputs[0]!.dtype).name !== "float32") return false;
  const g = convGeometry(d);
  const rows = Math.ceil((g.N * g.OH * g.OW) / TILE), cols = Math.ceil(g.Og / TILE);
  return rows <= 65535 && cols <= 65535 && g.O / g.Og <= 65535;
}

export function tiledConvKernel(d: Dispatch): KernelCall {
  const output = d.outputs[0]!;
  const X = gpuDtype(d.inputs[0]!.dtype), Wt = gpuDtype(d.inputs[1]!.dtype);
  const g = convGeometry(d);
  const n = output.shape.reduce((a, b) => a * b, 1);
  const source = cachedSource(`conv-tiled:${X.name}:${Wt.name}`, () =>
    bindings(2) + convLoader("ld_x", 0, X) + convLoader("ld_w", 1, Wt) + /* wgsl */ `
var<workgroup> As: array<vec4f, ${(BK * TILE) / 4}>;
var<workgroup> Bs: array<vec4f, ${(BK * TILE) / 4}>;
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) li: u32) {
  ${CONV_LETS}
  let P = N * OH * OW;
  let K = KH * KW * Cg;
  let grp = i32(wid.z);
  let row0 = i32(wid.y) * ${TILE};
  let col0 = i32(wid.x) * ${TILE};
  var acc: array<vec4f, 4>;
  for (var i = 0; i < 4; i++) { acc[i] = vec4f(0.0); }
  for (var k0 = 0; k0 < K; k0 += ${BK}) {
    for (var t = 0u; t < ${(TILE * BK) / THREADS}u; t++) {
      let q = i32(li + t * ${THREADS}u);
      let k = q % ${BK};
      let m = q / ${BK};
      let gm = row0 + m;
      let gk = k0 + k;
      var v = 0.0;
      if (gm < P && gk < K) {
        let ox = gm % OW;
        let tm = gm / OW;
        let oy = tm % OH;
        let nn = tm / OH;
        let c = gk % Cg;
        let tk = gk / Cg;
        let iy = oy * s0 + (tk / KW) * d0 - p0;
        let ix = ox * s1 + (tk % KW) * d1 - p1;
        if (iy >= 0 && iy < H && ix >= 0 && ix < W) { v = ld_x(nn, iy, ix, grp * Cg + c); }
      }
      As[(k * ${TILE} + m) / 4][m % 4] = v;
    }
    for (var t = 0u; t < ${(TILE * BK) / THREADS}u; t++) {
      let q = i32(li + t * ${THREADS}u);
      let k = q % ${BK};
      let col = q / ${BK};
      let gn = col0 + col;
      let gk = k0 + k;
      var v = 0.0;
      if (gn < Og && gk < K) {
        let tk = gk / Cg;
        v = ld_w(grp * Og + gn, tk / KW, tk % KW, gk % Cg);
      }
      Bs[(k * ${TILE} + col) / 4][col % 4] = v;
    }
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
    if (gm >= P) { continue; }
    for (var c = 0; c < 4; c++) {
      let gn = col0 + i32(lid.x) * 4 + c;
      if (gn < Og) { out[gm * O + grp * Og + gn] = bitcast<u32>(acc[i][c]); }
    }
  }
}
`);
  return {
    source,
    params: convParams(n, g, d.inputs),
    words: 0,
    grid: [Math.ceil(g.Og / TILE), Math.ceil((g.N * g.OH * g.OW) / TILE), g.O / g.Og],
    inputs: d.inputs,
    output,
  };
}

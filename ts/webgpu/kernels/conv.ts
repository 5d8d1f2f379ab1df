// The convolution primitive's three modes (core/primitives/conv.h): MLX
// layouts, input x (N, H, W, C), weight w (O, KH, KW, C / groups), output y
// (N, OH, OW, O), tied by
//   y[n, oy, ox, o] = sum x[n, oy*s0 + ky*d0 - p0, ox*s1 + kx*d1 - p1, g*Cg + c] * w[o, ky, kx, c]
// over in-bounds positions, o in group g:
//   Convolution     (x, w) -> y   (conv1d and conv2d; conv1d is a height-1 conv2d)
//   ConvInputGrad   (y, w) -> x   (the input's gradient; convTranspose is this mode)
//   ConvWeightGrad  (x, y) -> w   (the weight's gradient)
// Operands are read through their strides (the transposed weight of
// convTranspose is a view) and accumulated in f32, float16/bfloat16 widened
// on load and the result rounded once, as on the CPU.
//
// Float32 results run as tiled implicit GEMMs (conv_tiled.ts). Float16 and
// bfloat16 results, whose invocations must write whole 32-bit words, take
// the kernels here, which compute each output element directly: the forward
// and input-gradient sums are short (KH*KW*Cg and about KH*KW*Og / stride^2
// terms), while the weight gradient sums over every output position
// (N*OH*OW terms), so a workgroup shares each output word's sum.

import type { Dispatch, KernelCall, KernelPlan } from "../dispatch_types.js";
import { bindings, cachedSource, wordLoop, wordsFor } from "../codegen.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";
import { CONV_LETS, convGeometry, convLoader, convParams } from "./conv_common.js";
import { tiledConvFits, tiledConvKernel } from "./conv_tiled.js";

const MODES = ["Convolution", "ConvInputGrad", "ConvWeightGrad"];

export function supportsConv(op: string, inputs: number[], outputs: number[]): boolean {
  if (!MODES.includes(op) || inputs.length !== 2 || outputs.length !== 1) return false;
  return [...inputs, outputs[0]!].every((c) => gpuDtypes.get(c)?.compute === "f32");
}

/** Forward: output element e is y[n, oy, ox, o]; x is input 0, w input 1. */
const FORWARD = `${CONV_LETS}
    let o = i32(e % u32(O));
    var r = i32(e / u32(O));
    let ox = r % OW; r = r / OW;
    let oy = r % OH;
    let n = r / OH;
    let c0 = (o / Og) * Cg;
    var acc = 0.0;
    for (var ky = 0; ky < KH; ky++) {
      let iy = oy * s0 + ky * d0 - p0;
      if (iy < 0 || iy >= H) { continue; }
      for (var kx = 0; kx < KW; kx++) {
        let ix = ox * s1 + kx * d1 - p1;
        if (ix < 0 || ix >= W) { continue; }
        for (var c = 0; c < Cg; c++) { acc += ld_x(n, iy, ix, c0 + c) * ld_w(o, ky, kx, c); }
      }
    }
    v = acc;`;

/**
 * Input gradient: output element e is x[n, iy, ix, ci]; y is input 0, w
 * input 1. Output row oy reaches iy through tap ky when iy + p0 - ky*d0 is
 * a multiple of s0 within [0, OH*s0) (integer arithmetic only).
 */
const INPUT_GRAD = `${CONV_LETS}
    let ci = i32(e % u32(C));
    var r = i32(e / u32(C));
    let ix = r % W; r = r / W;
    let iy = r % H;
    let n = r / H;
    let grp = ci / Cg;
    let c = ci - grp * Cg;
    let o0 = grp * Og;
    var acc = 0.0;
    for (var ky = 0; ky < KH; ky++) {
      let ty = iy + p0 - ky * d0;
      if (ty < 0 || ty % s0 != 0 || ty / s0 >= OH) { continue; }
      let oy = ty / s0;
      for (var kx = 0; kx < KW; kx++) {
        let tx = ix + p1 - kx * d1;
        if (tx < 0 || tx % s1 != 0 || tx / s1 >= OW) { continue; }
        let ox = tx / s1;
        for (var q = 0; q < Og; q++) { acc += ld_y(n, oy, ox, o0 + q) * ld_w(o0 + q, ky, kx, c); }
      }
    }
    v = acc;`;

function directKernel(d: Dispatch): KernelCall {
  const output = d.outputs[0]!;
  const out = gpuDtype(output.dtype);
  const A = gpuDtype(d.inputs[0]!.dtype), B = gpuDtype(d.inputs[1]!.dtype);
  const n = output.shape.reduce((a, b) => a * b, 1);
  const forward = d.op === "Convolution";
  const source = cachedSource(`conv:${d.op}:${A.name}:${B.name}:${out.name}`, () =>
    bindings(2) + convLoader(forward ? "ld_x" : "ld_y", 0, A) + convLoader("ld_w", 1, B) +
    wordLoop(out, forward ? FORWARD : INPUT_GRAD));
  return { source, params: convParams(n, convGeometry(d), d.inputs), words: wordsFor(n, out), inputs: d.inputs, output };
}

const GROUP = 64;

/**
 * Weight gradient: a workgroup per output word. For each of the word's
 * elements w[o, ky, kx, c], the threads split the output positions (n, oy,
 * ox), each summing y[n, oy, ox, o] * x[n, iy, ix, g*Cg + c] over its
 * share, then add their partial sums in workgroup memory. x is input 0, y
 * input 1.
 */
function weightGradKernel(d: Dispatch): KernelCall {
  const output = d.outputs[0]!;
  const out = gpuDtype(output.dtype);
  const X = gpuDtype(d.inputs[0]!.dtype), Y = gpuDtype(d.inputs[1]!.dtype);
  const n = output.shape.reduce((a, b) => a * b, 1);
  const perWord = 4 / out.bytes;
  const source = cachedSource(`conv:${d.op}:${X.name}:${Y.name}:${out.name}`, () =>
    bindings(2) + convLoader("ld_x", 0, X) + convLoader("ld_y", 1, Y) + /* wgsl */ `
var<workgroup> part: array<f32, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  ${CONV_LETS}
  let word = wid.x + wid.y * nwg.x;
  let total = u32(prm[0]);
  let P = N * OH * OW;
  var bits = 0u;
  for (var k = 0u; k < ${perWord}u; k++) {
    let el = word * ${perWord}u + k;
    var acc = 0.0;
    if (el < total) {
      let c = i32(el % u32(Cg));
      var r = i32(el / u32(Cg));
      let kx = r % KW; r = r / KW;
      let ky = r % KH;
      let o = r / KH;
      let ci = (o / Og) * Cg + c;
      for (var p = i32(lid); p < P; p += ${GROUP}) {
        let ox = p % OW;
        let t = p / OW;
        let oy = t % OH;
        let nn = t / OH;
        let iy = oy * s0 + ky * d0 - p0;
        let ix = ox * s1 + kx * d1 - p1;
        if (iy >= 0 && iy < H && ix >= 0 && ix < W) { acc += ld_y(nn, oy, ox, o) * ld_x(nn, iy, ix, ci); }
      }
    }
    part[lid] = acc;
    workgroupBarrier();
    for (var half = ${GROUP / 2}u; half > 0u; half = half / 2u) {
      if (lid < half) { part[lid] += part[lid + half]; }
      workgroupBarrier();
    }
    if (el < total) { bits |= ${out.encode("part[0]")} << (k * ${out.bytes * 8}u); }
    workgroupBarrier();
  }
  if (lid == 0u && word * ${perWord}u < total) { out[word] = bits; }
}
`);
  const words = wordsFor(n, out);
  return { source, params: convParams(n, convGeometry(d), d.inputs), words: 0, groups: words, inputs: d.inputs, output };
}

export function convKernel(d: Dispatch): KernelCall | KernelPlan {
  if (tiledConvFits(d)) return tiledConvKernel(d);
  return d.op === "ConvWeightGrad" ? weightGradKernel(d) : directKernel(d);
}

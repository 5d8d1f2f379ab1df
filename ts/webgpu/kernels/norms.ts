// fast.rmsNorm and fast.layerNorm (core/primitives/norm.h): each row of the
// last axis normalised, statistics in f32 as on the CPU: rms uses
// r = 1 / sqrt(mean(x^2) + eps), layer norm the mean and the variance of
// the centred row (two passes over the row, which stays in cache).
//
// Contiguous float32 rows a multiple of 4 long (and float32 weight and bias)
// take a one-pass kernel, as the softmaxes do (rows.ts). Otherwise, two
// stages: a workgroup per row writes the row's (mean, r) to scratch, then an
// elementwise pass over the output words applies (x - mean) * r * w + b.
// Weight and bias are read over the last axis.

import type { Dispatch, KernelPlan, Operand } from "../dispatch_types.js";
import { scratchOperand } from "../dispatch_types.js";
import { bindings, cachedSource, elementwiseParams, enableSubgroups, type GroupOp, groupReduce, indexFunctions, isContiguous, rowOffset, subgroupBuiltins, subgroups, wordLoop, wordsFor } from "../codegen.js";
import { ONE_PASS_MAX, onePassShape } from "./rows.js";
import { DtypeCodes } from "../../generated/boundary.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";

const GROUP = 256;

export function supportsNorms(op: string, inputs: number[], outputs: number[]): boolean {
  if ((op !== "RMSNorm" && op !== "LayerNorm") || outputs.length !== 1) return false;
  return [...inputs, outputs[0]!].every((c) => gpuDtypes.get(c)?.compute === "f32");
}

const ADD: GroupOp = { type: "f32", identity: "0.0", merge: "a + b", subgroupOp: "subgroupAdd" };

const f32Bits = (v: number) => new Int32Array(new Float32Array([v]).buffer)[0]!;

/** Parameters: [nRows, L, last-axis stride, offset, eps bits, nk, keepShape, keepStrides]. */
function statsStage(input: Operand, centred: boolean, eps: number, nRows: number, stats: Operand) {
  const T = gpuDtype(input.dtype);
  const nd = input.shape.length;
  const keep = input.shape.slice(0, nd - 1), keepStrides = input.strides.slice(0, nd - 1);
  const sum = (what: string) => /* wgsl */ `
  {
    var acc = 0.0;
    if (live) {
      for (var k = lid; k < L; k += ${GROUP}u) {
        let x = ${T.load("in0", "u32(base + i32(k) * step)")};
        acc += ${what};
      }
    }
    ${groupReduce(ADD, "acc", "total", "part", GROUP)}
  }`;
  const source = enableSubgroups() + bindings(1) + /* wgsl */ `
var<workgroup> part: array<f32, ${GROUP}>;
@compute @workgroup_size(${GROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32${subgroupBuiltins()}) {
  let row = wid.x + wid.y * nwg.x;
  let live = row < u32(prm[0]);
  let L = u32(prm[1]);
  let step = prm[2];
  let eps = bitcast<f32>(prm[4]);
  var base = prm[3];
  ${rowOffset("row", "base", 5)}
  var mean = 0.0;
  var total = 0.0;
  ${centred ? `${sum("x")}\n  mean = total / f32(L);\n  workgroupBarrier();` : ""}
  ${sum("(x - mean) * (x - mean)")}
  if (live && lid == 0u) {
    out[2u * row] = bitcast<u32>(mean);
    out[2u * row + 1u] = bitcast<u32>(1.0 / sqrt(total / f32(L) + eps));
  }
}
`;
  return {
    source,
    params: [nRows, input.shape[nd - 1]!, input.strides[nd - 1]!, input.offset, f32Bits(eps), keep.length, ...keep, ...keepStrides],
    words: 0,
    groups: nRows,
    inputs: [input],
    output: stats,
  };
}

/**
 * Contiguous float32 rows, a multiple of 4 long, with float32 weight and
 * bias (if any) contiguous over the last axis, in one pass as the one-pass
 * softmax (rows.ts): a workgroup per row holds it in registers (vec4
 * loads), reduces the sum (layer norm), then the sum of squares about the
 * mean, and writes the row: x is read once instead of twice. Inputs x,
 * weight?, bias?; parameters [nRows, L, eps bits].
 */
function onePassSource(centred: boolean, weight: boolean, bias: boolean, group: number, vectors: number): string {
  const nIn = 1 + (weight ? 1 : 0) + (bias ? 1 : 0);
  const w = weight ? " * bitcast<vec4f>(in1[k])" : "";
  const b = bias ? ` + bitcast<vec4f>(in${weight ? 2 : 1}[k])` : "";
  return enableSubgroups() + bindings(nIn, "vec4<u32>") + /* wgsl */ `
var<workgroup> sums: array<f32, ${group}>;
var<workgroup> squares: array<f32, ${group}>;
@compute @workgroup_size(${group})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32${subgroupBuiltins()}) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= u32(prm[0])) { return; }
  let L = u32(prm[1]);
  let L4 = L / 4u;
  let eps = bitcast<f32>(prm[2]);
  let base = row * L4;
  var xs: array<vec4f, ${vectors}>;
  var t = 0.0;
  for (var i = 0u; i < ${vectors}u; i++) {
    let k = lid + i * ${group}u;
    if (k < L4) {
      xs[i] = bitcast<vec4f>(in0[base + k]);
      t += dot(xs[i], vec4f(1.0));
    }
  }
  var mean = 0.0;
  ${centred ? `var total = 0.0;
  ${groupReduce(ADD, "t", "total", "sums", group)}
  mean = total / f32(L);` : ""}
  var q = 0.0;
  for (var i = 0u; i < ${vectors}u; i++) {
    if (lid + i * ${group}u < L4) {
      let c = xs[i] - mean;
      q += dot(c, c);
    }
  }
  var squared = 0.0;
  ${groupReduce(ADD, "q", "squared", "squares", group)}
  let r = 1.0 / sqrt(squared / f32(L) + eps);
  for (var i = 0u; i < ${vectors}u; i++) {
    let k = lid + i * ${group}u;
    if (k < L4) {
      let y = (xs[i] - mean) * r${w}${b};
      out[base + k] = bitcast<vec4u>(y);
    }
  }
}
`;
}

/** Whether the one-pass kernel takes this norm (see onePassSource). */
function onePass(x: Operand, others: Operand[], output: Operand): boolean {
  const L = x.shape[x.shape.length - 1] ?? 0;
  const f32 = (o: Operand) => o.dtype === DtypeCodes.float32;
  return f32(x) && f32(output) && isContiguous(x) && L > 0 && L % 4 === 0 && L <= ONE_PASS_MAX &&
    others.every((o) => f32(o) && o.offset % 4 === 0 && o.strides[o.strides.length - 1] === 1 && o.shape[o.shape.length - 1] === L);
}

/** A last-axis operand (weight, bias) seen over the output's shape. */
const overRows = (o: Operand, shape: number[]): Operand => ({
  ...o,
  shape,
  strides: shape.map((_, d) => (d === shape.length - 1 ? o.strides[o.strides.length - 1] ?? 0 : 0)),
});

export function normsPlan(d: Dispatch): KernelPlan {
  const [x, ...rest] = d.inputs as [Operand, ...Operand[]];
  const output = d.outputs[0]!;
  const hasWeight = d.state.has_weight as boolean;
  const hasBias = d.op === "LayerNorm" && (d.state.has_bias as boolean);
  const weight = hasWeight ? rest[0] : undefined;
  const bias = hasBias ? rest[hasWeight ? 1 : 0] : undefined;
  const nd = output.shape.length;
  const L = output.shape[nd - 1]!;
  const n = output.shape.reduce((a, b) => a * b, 1);
  const nRows = L === 0 ? 0 : n / L;
  const centred = d.op === "LayerNorm";
  const others = [...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  if (onePass(x, others, output)) {
    const { group, vectors } = onePassShape(L);
    const source = cachedSource(`norm1|${centred}|${!!weight}|${!!bias}|${group}|${vectors}|${subgroups}`,
      () => onePassSource(centred, !!weight, !!bias, group, vectors));
    return { scratch: [], stages: [{ source, params: [nRows, L, f32Bits(d.state.eps as number)], words: 0, groups: nRows, inputs: [x, ...others], output }] };
  }
  const stats = scratchOperand(0, DtypeCodes.float32, [Math.max(1, nRows), 2]);
  const out = gpuDtype(output.dtype), T = gpuDtype(x.dtype);
  const operands = [x, ...(weight ? [overRows(weight, output.shape)] : []), ...(bias ? [overRows(bias, output.shape)] : [])];
  // Bindings: x, weight?, bias?, then the statistics.
  const k = operands.length;
  const w = weight ? ` * ${gpuDtype(weight.dtype).load("in1", "idx1(e)")}` : "";
  const b = bias ? ` + ${gpuDtype(bias.dtype).load(`in${weight ? 2 : 1}`, `idx${weight ? 2 : 1}(e)`)}` : "";
  const body = `let row = e / ${Math.max(1, L)}u;
    let mean = bitcast<f32>(in${k}[2u * row]);
    let r = bitcast<f32>(in${k}[2u * row + 1u]);
    let x = ${T.load("in0", "idx0(e)")};
    v = ${centred ? "(x - mean)" : "x"} * r${w}${b};`;
  const finish = {
    source: bindings(k + 1) + indexFunctions(operands) + wordLoop(out, body),
    params: elementwiseParams(n, output.shape, operands),
    words: wordsFor(n, out),
    inputs: [...operands, stats],
    output,
  };
  return {
    scratch: [Math.max(1, nRows) * 8],
    stages: [statsStage(x, centred, d.state.eps as number, nRows, stats), finish],
  };
}

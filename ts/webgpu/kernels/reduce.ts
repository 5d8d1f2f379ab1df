// Reductions (Sum, Prod, Max, Min, All, Any) over any axes of a strided input.
// Invocation w computes the outputs of output word w; each output walks its
// reduced elements in row-major order, accumulating in the output's compute
// type (a float16 sum accumulates in f32, as the CPU does). Speed is the GPU
// speed issue's: this is the general, correct kernel.

import type { Dispatch, KernelCall, KernelPlan } from "../dispatch_types.js";
import { scratchOperand } from "../dispatch_types.js";
import { bindings, rowOffset, treeMerge, wordLoop, wordsFor } from "../codegen.js";
import { type ComputeType, convert, gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";

const REDUCTIONS = ["Sum", "Prod", "Max", "Min", "All", "Any"] as const;
type Reduction = (typeof REDUCTIONS)[number];

function init(op: Reduction, t: ComputeType): string {
  switch (op) {
    case "Sum": return t === "f32" ? "0.0" : t === "i32" ? "0" : "0u";
    case "Prod": return t === "f32" ? "1.0" : t === "i32" ? "1" : "1u";
    case "Max": return t === "f32" ? "-wmx_inf()" : t === "i32" ? "i32(-2147483648)" : "0u";
    case "Min": return t === "f32" ? "wmx_inf()" : t === "i32" ? "2147483647" : "4294967295u";
    case "All": return "1u";
    case "Any": return "0u";
  }
}

function step(op: Reduction, t: ComputeType): string {
  switch (op) {
    case "Sum": return "acc = acc + x;";
    case "Prod": return "acc = acc * x;";
    case "Max": return t === "f32" ? "acc = select(x, acc, wmx_isnan(acc) || acc > x);" : "acc = max(acc, x);";
    case "Min": return t === "f32" ? "acc = select(x, acc, wmx_isnan(acc) || acc < x);" : "acc = min(acc, x);";
    case "All": return "acc = acc & x;";
    case "Any": return "acc = acc | x;";
  }
}

export function supportsReduce(op: string, inputs: number[], outputs: number[]): boolean {
  if (!(REDUCTIONS as readonly string[]).includes(op)) return false;
  return inputs.length === 1 && outputs.length === 1 && gpuDtypes.has(inputs[0]!) && gpuDtypes.has(outputs[0]!);
}

/** Parameters: [nOut, nKeep, nRed, offset, keepShape, keepStrides, redShape, redStrides]. */
/** Reduced extents from which a workgroup per output pays (below, one invocation per output is faster). */
const ROW_MIN = 256;
const GROUP = 256;

export function reduceKernel(d: Dispatch): KernelCall | KernelPlan {
  const axes = d.state.axes as number[];
  if (axes.length === 1 && d.inputs[0]!.shape[axes[0]!]! >= ROW_MIN) return rowReduce(d);
  return wordReduce(d);
}

/** The tree step that merges two partial results. */
function merge(op: Reduction, t: ComputeType): string {
  switch (op) {
    case "Sum": return "a + b";
    case "Prod": return "a * b";
    case "Max": return t === "f32" ? "select(b, a, wmx_isnan(a) || a > b)" : "max(a, b)";
    case "Min": return t === "f32" ? "select(b, a, wmx_isnan(a) || a < b)" : "min(a, b)";
    case "All": return "a & b";
    case "Any": return "a | b";
  }
}

/**
 * One long axis: a workgroup per output, its threads striding the axis and
 * merging in workgroup memory (the order of a float sum is then pairwise,
 * within rounding of the CPU's). No subgroup operations: on the H100 the
 * tree was faster here (bench/gpu_rows.mjs: sum over rows of [8192, 8192]
 * 2325 GB/s with the tree, 1507 GB/s with subgroups, where even the float
 * max, which kept the tree, slowed alike: the subgroup pipelines themselves
 * ran slower). A 32-bit result is written directly; a
 * narrower one goes through a word of scratch per output and a packing pass.
 * Parameters: [nOut, L, axis stride, offset, nk, keepShape, keepStrides].
 */
function rowReduce(d: Dispatch): KernelCall | KernelPlan {
  const op = d.op as Reduction;
  const input = d.inputs[0]!, output = d.outputs[0]!;
  const axis = (d.state.axes as number[])[0]!;
  const keep = input.shape.filter((_, i) => i !== axis), keepStrides = input.strides.filter((_, i) => i !== axis);
  const nOut = keep.reduce((x, y) => x * y, 1);
  const inT = gpuDtype(input.dtype), out = gpuDtype(output.dtype);
  const logical = op === "All" || op === "Any";
  const acc: ComputeType = logical ? "u32" : out.compute;
  const x = logical ? convert(inT.load("in0", "u32(i)"), inT.compute, "u32", true) : convert(inT.load("in0", "u32(i)"), inT.compute, acc);
  const direct = out.bytes === 4;
  const target = direct ? output : scratchOperand(0, output.dtype, [Math.max(1, nOut)]);
  const store = direct ? out.encode(convert("total", acc, out.compute)) : `bitcast<u32>(total)`;
  // Rows of 32-bit elements that start at multiples of 4 and run
  // contiguously, a multiple of 4 long, are read 16 bytes at a time.
  const L = input.shape[axis]!;
  const vec4 = inT.bytes === 4 && input.strides[axis] === 1 && L % 4 === 0 && input.offset % 4 === 0 && keepStrides.every((st) => st % 4 === 0);
  const convertWord = (w: string) => (logical ? convert(inT.decode(w), inT.compute, "u32", true) : convert(inT.decode(w), inT.compute, acc));
  // Invocations: a vector each for short rows (64 to GROUP), GROUP past that.
  let group = GROUP;
  if (vec4) for (group = 64; group < GROUP && group * 4 < L; group *= 2);
  const walk = vec4 ? `for (var k = lid; k < L / 4u; k += ${group}u) {
      let q = in0[u32(base) / 4u + k];
      for (var l = 0u; l < 4u; l++) {
        let x = ${convertWord("q[l]")};
        ${step(op, acc)}
      }
    }` : `for (var k = lid; k < L; k += ${GROUP}u) {
      let i = base + i32(k) * step;
      let x = ${x};
      ${step(op, acc)}
    }`;
  const source = bindings(1, vec4 ? "vec4<u32>" : "u32", "u32") + /* wgsl */ `
var<workgroup> part: array<${acc}, ${group}>;
@compute @workgroup_size(${group})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = wid.x + wid.y * nwg.x;
  let live = o < u32(prm[0]);
  let L = u32(prm[1]);
  let step = prm[2];
  var base = prm[3];
  ${rowOffset("o", "base", 4)}
  var acc: ${acc} = ${init(op, acc)};
  if (live) {
    ${walk}
  }
  part[lid] = acc;
  ${treeMerge("part", group, merge(op, acc))}
  let total = part[0];
  if (live && lid == 0u) { out[o] = ${store}; }
}
`;
  const rows: KernelCall = {
    source,
    params: [nOut, input.shape[axis]!, input.strides[axis]!, input.offset, keep.length, ...keep, ...keepStrides],
    words: 0,
    groups: nOut,
    inputs: [input],
    output: target,
  };
  if (direct) return rows;
  const pack: KernelCall = {
    source: bindings(1) + wordLoop(out, `v = ${convert(acc === "f32" ? "bitcast<f32>(in0[e])" : acc === "i32" ? "bitcast<i32>(in0[e])" : "in0[e]", acc, out.compute)};`),
    params: [nOut],
    words: wordsFor(nOut, out),
    inputs: [target],
    output,
  };
  return { scratch: [Math.max(4, nOut * 4)], stages: [rows, pack] };
}

/** One invocation per output word, each walking its reduced elements in row-major order. */
function wordReduce(d: Dispatch): KernelCall {
  const op = d.op as Reduction;
  const input = d.inputs[0]!;
  const output = d.outputs[0]!;
  const axes = new Set(d.state.axes as number[]);
  const keep: number[] = [], keepStrides: number[] = [], red: number[] = [], redStrides: number[] = [];
  input.shape.forEach((size, i) => {
    if (axes.has(i)) { red.push(size); redStrides.push(input.strides[i]!); }
    else { keep.push(size); keepStrides.push(input.strides[i]!); }
  });
  const nOut = keep.reduce((x, y) => x * y, 1);
  const inT = gpuDtype(input.dtype);
  const out = gpuDtype(output.dtype);
  const logical = op === "All" || op === "Any";
  const acc: ComputeType = logical ? "u32" : out.compute;
  const x = logical ? convert(inT.load("in0", "u32(i)"), inT.compute, "u32", true) : convert(inT.load("in0", "u32(i)"), inT.compute, acc);
  const body = `
    let nk = prm[1];
    let nr = prm[2];
    var base = prm[3];
    ${rowOffset("e", "base", 1, 4)}
    var count = 1u;
    for (var dd = 0; dd < nr; dd++) { count *= u32(prm[4 + 2 * nk + dd]); }
    var acc: ${acc} = ${init(op, acc)};
    for (var k = 0u; k < count; k++) {
      var q = k;
      var i = base;
      for (var dd = nr - 1; dd >= 0; dd--) {
        let size = u32(prm[4 + 2 * nk + dd]);
        i += i32(q % size) * prm[4 + 2 * nk + nr + dd];
        q = q / size;
      }
      let x = ${x};
      ${step(op, acc)}
    }
    v = ${convert("acc", acc, out.compute)};`;
  return {
    source: bindings(1) + wordLoop(out, body),
    params: [nOut, keep.length, red.length, input.offset, ...keep, ...keepStrides, ...red, ...redStrides],
    words: wordsFor(nOut, out),
    inputs: d.inputs,
    output,
  };
}

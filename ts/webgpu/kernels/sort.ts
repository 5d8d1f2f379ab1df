// Sort and ArgSort along one axis: ascending, stable, NaN last, as the CPU's
// (core/primitives/scan.h).
//
// Each element finds its own rank: the elements of its line that sort
// before it (smaller, or equal and earlier), and goes there. That is L
// comparisons per element (L^2 per line): right for the short lines that
// models sort (top-k over a vocabulary row, permutations), and the general
// correct kernel; a merge sort for long lines belongs to the GPU speed issue.
// Values narrower than 32 bits go through a 32-bit scratch and a packing
// pass, so no two invocations write one output word.

import type { Dispatch, KernelCall, KernelPlan, Operand } from "../dispatch_types.js";
import { scratchOperand } from "../dispatch_types.js";
import { WORKGROUP, bindings, elementwiseParams, indexFunctions, wordsFor } from "../codegen.js";
import { DtypeCodes } from "../../generated/boundary.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";
import { lineStarts } from "./axis.js";

export function supportsSort(op: string, inputs: number[], outputs: number[]): boolean {
  if ((op !== "Sort" && op !== "ArgSort") || inputs.length !== 1 || outputs.length !== 1) return false;
  return gpuDtypes.has(inputs[0]!) && gpuDtypes.has(outputs[0]!);
}

export function sortPlan(d: Dispatch): KernelCall | KernelPlan {
  const input = d.inputs[0]!, output = d.outputs[0]!;
  const axis = d.state.axis as number;
  const T = gpuDtype(input.dtype), O = gpuDtype(output.dtype);
  const n = input.shape.reduce((x, y) => x * y, 1);
  const L = input.shape[axis]!;
  const inner = input.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const indices = d.op === "ArgSort";
  const direct = indices || T.bytes === 4;
  const target: Operand = direct ? output : scratchOperand(0, DtypeCodes.uint32, output.shape);
  const starts = lineStarts(input, axis);
  const params = [...elementwiseParams(n, starts.shape, [starts]), L, inner, input.strides[axis]!];
  const tail = params.length - 3;
  const f = T.compute === "f32";
  const less = f ? "!wmx_isnan(a) && (wmx_isnan(b) || a < b)" : "a < b";
  const same = f ? "(wmx_isnan(a) && wmx_isnan(b)) || a == b" : "a == b";
  const raw = T.bytes === 4 ? "in0[xi]" : `((in0[xi >> ${T.bytes === 2 ? 1 : 2}u] >> ((xi & ${T.bytes === 2 ? 1 : 3}u) * ${T.bytes * 8}u)) & ${T.bytes === 2 ? "0xffffu" : "0xffu"})`;
  const source = bindings(1) + indexFunctions([starts]) + /* wgsl */ `
fn before(a: ${T.compute}, b: ${T.compute}) -> bool { return ${less}; }
fn same(a: ${T.compute}, b: ${T.compute}) -> bool { return ${same}; }
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  if (e >= u32(prm[0])) { return; }
  let L = u32(prm[${tail}]);
  let inner = u32(prm[${tail + 1}]);
  let step = prm[${tail + 2}];
  let j = (e / inner) % L;
  let outer = e / (inner * L);
  let line = outer * inner + e % inner;
  let base = i32(idx0(line));
  let xi = u32(base + i32(j) * step);
  let x = ${T.load("in0", "xi")};
  var rank = 0u;
  for (var k = 0u; k < L; k++) {
    let y = ${T.load("in0", "u32(base + i32(k) * step)")};
    if (before(y, x) || (k < j && same(y, x))) { rank++; }
  }
  out[(outer * L + rank) * inner + e % inner] = ${indices ? "j" : raw};
}
`;
  const ranks: KernelCall = { source, params, words: n, inputs: [input], output: target };
  if (direct) return ranks;
  const per = 4 / O.bytes, bits = O.bytes * 8;
  const pack: KernelCall = {
    source: bindings(1) + /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  let n = u32(prm[0]);
  if (w * ${per}u >= n) { return; }
  var word = 0u;
  for (var k = 0u; k < ${per}u; k++) {
    let e = w * ${per}u + k;
    if (e < n) { word |= in0[e] << (k * ${bits}u); }
  }
  out[w] = word;
}
`,
    params: [n],
    words: wordsFor(n, O),
    inputs: [target],
    output,
  };
  return { scratch: [Math.max(4, n * 4)], stages: [ranks, pack] };
}

// Primitives that walk one axis per output line: ArgMax/ArgMin and the scans
// (CumSum, CumProd, CumMax, CumMin), with the CPU's semantics
// (core/backend/cpu/scan.cpp): the first extreme wins and a NaN counts as the
// extreme; scans accumulate in the compute type (f32 for half floats, rounded only
// when stored; narrow integers wrap at every step, as the CPU's do) and NaN
// sticks in cummax/cummin.
//
// One invocation per line keeps the loop sequential, as the CPU's is. A scan
// of a dtype narrower than 32 bits writes 32-bit values to scratch first and
// packs them in a second, elementwise stage, so no two invocations share an
// output word.

import type { Dispatch, KernelCall, KernelPlan, Operand } from "../dispatch_types.js";
import { scratchOperand } from "../dispatch_types.js";
import { bindings, elementwiseParams, indexFunctions, wordLoop, wordsFor } from "../codegen.js";
import { type ComputeType, gpuDtype, gpuDtypes, rounded } from "../wgsl_dtypes.js";

const ARG_OPS = ["ArgMax", "ArgMin"];
const SCAN_OPS = ["CumSum", "CumProd", "CumMax", "CumMin"];

export const isAxisOp = (op: string) => ARG_OPS.includes(op) || SCAN_OPS.includes(op);

export function supportsAxis(op: string, inputs: number[], outputs: number[]): boolean {
  if (!isAxisOp(op) || inputs.length !== 1 || outputs.length !== 1) return false;
  return gpuDtypes.has(inputs[0]!) && gpuDtypes.has(outputs[0]!);
}

/** The input viewed over the output lines: its axis squeezed to 1 with stride 0 (the line's start). */
export function lineStarts(input: Operand, axis: number): Operand {
  return {
    ...input,
    shape: input.shape.map((s, d) => (d === axis ? 1 : s)),
    strides: input.strides.map((s, d) => (d === axis ? 0 : s)),
  };
}

/** x "beats" the best so far: larger (smaller) or a NaN, and the best is not already NaN. */
function beats(op: string, t: ComputeType): string {
  const cmp = op === "ArgMax" ? "x > best" : "x < best";
  return t === "f32" ? `!wmx_isnan(best) && (wmx_isnan(x) || ${cmp})` : cmp;
}

/** Parameters: the elementwise block of the line starts over the output shape, then L and the axis stride. */
function argReduce(d: Dispatch): KernelCall {
  const input = d.inputs[0]!, output = d.outputs[0]!;
  const axis = d.state.axis as number;
  const inT = gpuDtype(input.dtype), out = gpuDtype(output.dtype);
  const n = output.shape.reduce((x, y) => x * y, 1);
  const starts = lineStarts(input, axis);
  const params = [...elementwiseParams(n, output.shape, [starts]), input.shape[axis]!, input.strides[axis]!];
  const tail = params.length - 2;
  const body = `let L = u32(prm[${tail}]);
    let step = prm[${tail + 1}];
    let base = i32(idx0(e));
    var best = ${inT.load("in0", "u32(base)")};
    var at = 0u;
    for (var k = 1u; k < L; k++) {
      let x = ${inT.load("in0", "u32(base + i32(k) * step)")};
      if (${beats(d.op, inT.compute)}) { best = x; at = k; }
    }
    v = at;`;
  return {
    source: bindings(1) + indexFunctions([starts]) + wordLoop(out, body),
    params,
    words: wordsFor(n, out),
    inputs: d.inputs,
    output,
  };
}

function scanInit(op: string, t: ComputeType): string {
  switch (op) {
    case "CumSum": return t === "f32" ? "0.0" : t === "i32" ? "0" : "0u";
    case "CumProd": return t === "f32" ? "1.0" : t === "i32" ? "1" : "1u";
    case "CumMax": return t === "f32" ? "-wmx_inf()" : t === "i32" ? "i32(-2147483648)" : "0u";
    default: return t === "f32" ? "wmx_inf()" : t === "i32" ? "2147483647" : "4294967295u";
  }
}

function scanStep(op: string, t: ComputeType): string {
  switch (op) {
    case "CumSum": return "acc = acc + x;";
    case "CumProd": return "acc = acc * x;";
    case "CumMax": return t === "f32" ? "acc = select(x, acc, wmx_isnan(acc) || acc > x);" : "acc = max(acc, x);";
    default: return t === "f32" ? "acc = select(x, acc, wmx_isnan(acc) || acc < x);" : "acc = min(acc, x);";
  }
}

/**
 * Invocation w scans line w. Parameters: [nLines, ndim, lineShape (the
 * output's shape with the axis at 1), input offset and strides (axis stride
 * 0), output offset 0 and strides (axis stride 0), L, input axis stride,
 * output axis stride].
 */
function scan(d: Dispatch): KernelCall | KernelPlan {
  const input = d.inputs[0]!, output = d.outputs[0]!;
  const axis = d.state.axis as number;
  const reverse = d.state.reverse as boolean, inclusive = d.state.inclusive as boolean;
  const inT = gpuDtype(input.dtype), outT = gpuDtype(output.dtype);
  const t = outT.compute;
  const L = input.shape[axis]!;
  const n = output.shape.reduce((x, y) => x * y, 1);
  const nLines = L === 0 ? 0 : n / L;
  const wide = outT.bytes === 4;
  // A 32-bit output is written in place; a narrow one goes through scratch words.
  const target: Operand = wide ? output : scratchOperand(0, output.dtype, output.shape);
  const inStarts = lineStarts(input, axis);
  const outStarts = lineStarts(target, axis);
  const lineShape = inStarts.shape;
  const params = [...elementwiseParams(nLines, lineShape, [inStarts, outStarts]), L, input.strides[axis]!, target.strides[axis]!];
  const tail = params.length - 3;
  const store = wide ? outT.encode("y") : `bitcast<u32>(y)`;
  const x = inT.load("in0", "u32(ix + i32(k) * sx)"); // the ops layer gives the output the input's dtype
  const source = bindings(1) + indexFunctions([inStarts, outStarts]) + /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let line = gid.x + gid.y * nwg.x * 64u;
  if (line >= u32(prm[0])) { return; }
  let L = u32(prm[${tail}]);
  let sx = prm[${tail + 1}];
  let sy = prm[${tail + 2}];
  let ix = i32(idx0(line));
  let iy = i32(idx1(line));
  var acc: ${t} = ${scanInit(d.op, t)};
  for (var j = 0u; j < L; j++) {
    let k = ${reverse ? "L - 1u - j" : "j"};
    let x = ${x};
    ${inclusive ? "" : `let y = acc;\n    out[u32(iy + i32(k) * sy)] = ${store};`}
    ${scanStep(d.op, t)}
    ${t === "f32" ? "" : `acc = ${rounded(outT, "acc")};`}
    ${inclusive ? `let y = acc;\n    out[u32(iy + i32(k) * sy)] = ${store};` : ""}
  }
}
`;
  const lines: KernelCall = { source, params, words: nLines, inputs: [input], output: target };
  if (wide) return lines;
  // Pack the scratch words into the output's dtype.
  const body = `v = bitcast<${t}>(in0[e]);`;
  const pack: KernelCall = {
    source: bindings(1) + wordLoop(outT, t === "u32" ? "v = in0[e];" : body),
    params: [n],
    words: wordsFor(n, outT),
    inputs: [target],
    output,
  };
  return { scratch: [Math.max(4, n * 4)], stages: [lines, pack] };
}

export function axisPlan(d: Dispatch): KernelCall | KernelPlan {
  return ARG_OPS.includes(d.op) ? argReduce(d) : scan(d);
}

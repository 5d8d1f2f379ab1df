// Kernels that place elements by position: SliceUpdate (a copy of the
// input with a strided region taken from the update), AsStrided (elements of
// the input's row-major order at given strides: the CPU makes a view, the
// GPU copies), View (the input's bytes as another dtype) and
// NumberOfElements (a scalar read from shapes alone).
//
// Each is one pass over the output words, so a narrow dtype's shared words
// are written whole by one invocation.

import type { Dispatch, KernelCall } from "../dispatch_types.js";
import { bindings, elementwiseParams, indexFunctions, wordLoop, wordsFor } from "../codegen.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";

const OPS = ["SliceUpdate", "AsStrided", "NumberOfElements", "View"];

export function supportsRegions(op: string, inputs: number[], outputs: number[]): boolean {
  if (!OPS.includes(op) || outputs.length !== 1) return false;
  if (op === "NumberOfElements") return gpuDtypes.get(outputs[0]!)?.compute === "f32";
  if (op === "View") return inputs.length === 1 && gpuDtypes.has(inputs[0]!) && gpuDtypes.has(outputs[0]!);
  return inputs.every((c) => c === outputs[0]) && gpuDtypes.has(outputs[0]!);
}

const product = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);

/**
 * Element e is in the region when, on every axis, (coord - start) is a
 * multiple k of step with 0 <= k < the update's extent; it then reads update
 * element k. Parameters: the elementwise block of [input, update-as-zero]
 * over the output, then start (nd), step (nd), update shape (nd), update
 * offset and strides (nd).
 */
function sliceUpdate(d: Dispatch): KernelCall {
  const [a, u] = d.inputs as [Dispatch["inputs"][0], Dispatch["inputs"][0]];
  const output = d.outputs[0]!;
  const out = gpuDtype(output.dtype), T = gpuDtype(a.dtype);
  const n = product(output.shape);
  const nd = output.shape.length;
  const params = elementwiseParams(n, output.shape, [a]);
  const at = params.length;
  params.push(...(d.state.start as number[]), ...(d.state.step as number[]), ...u.shape, u.offset, ...u.strides);
  const body = `
    var r = e;
    var inside = true;
    var ui = prm[${at + 3 * nd}];
    for (var dd = ${nd - 1}; dd >= 0; dd--) {
      let size = u32(prm[2 + dd]);
      let coord = i32(r % size);
      r = r / size;
      let diff = coord - prm[${at} + dd];
      let step = prm[${at + nd} + dd];
      let k = diff / step;
      inside = inside && diff % step == 0 && k >= 0 && k < prm[${at + 2 * nd} + dd];
      ui += k * prm[${at + 3 * nd + 1} + dd];
    }
    if (inside) { v = ${T.load("in1", "u32(ui)")}; } else { v = ${T.load("in0", "idx0(e)")}; }`;
  return {
    source: bindings(2) + indexFunctions([a]) + wordLoop(out, body),
    params,
    words: wordsFor(n, out),
    inputs: d.inputs,
    output,
  };
}

/**
 * Output element e reads position q = offset + sum coord_d * strides_d of the
 * input's row-major order, found through the input's own layout.
 * Parameters: [n, nd, output shape, strides, offset, ni, input shape, input
 * strides, input offset].
 */
function asStrided(d: Dispatch): KernelCall {
  const a = d.inputs[0]!, output = d.outputs[0]!;
  const out = gpuDtype(output.dtype), T = gpuDtype(a.dtype);
  const n = product(output.shape);
  const nd = output.shape.length, ni = a.shape.length;
  const params = [n, nd, ...output.shape, ...(d.state.strides as number[]), d.state.offset as number, ni, ...a.shape, ...a.strides, a.offset];
  const inAt = 3 + 2 * nd + 1;
  const body = `
    var r = e;
    var q = prm[${2 + 2 * nd}];
    for (var dd = ${nd - 1}; dd >= 0; dd--) {
      let size = u32(prm[2 + dd]);
      q += i32(r % size) * prm[${2 + nd} + dd];
      r = r / size;
    }
    var p = u32(q);
    var i = prm[${inAt + 2 * ni}];
    for (var dd = ${ni - 1}; dd >= 0; dd--) {
      let size = u32(prm[${inAt} + dd]);
      i += i32(p % size) * prm[${inAt + ni} + dd];
      p = p / size;
    }
    v = ${T.load("in0", "u32(i)")};`;
  return { source: bindings(1) + wordLoop(out, body), params, words: wordsFor(n, out), inputs: d.inputs, output };
}

/** The count (or its reciprocal) over the axes, computed here in double and stored as its f32 bits. */
function numberOfElements(d: Dispatch): KernelCall {
  const a = d.inputs[0]!, output = d.outputs[0]!;
  const count = (d.state.axes as number[]).reduce((x, ax) => x * a.shape[ax]!, 1);
  const bits = new Int32Array(new Float32Array([d.state.inverted ? 1 / count : count]).buffer)[0]!;
  const out = gpuDtype(output.dtype);
  return {
    source: bindings(0) + wordLoop(out, "v = bitcast<f32>(prm[1]);"),
    params: [1, bits],
    words: 1,
    inputs: [],
    output,
  };
}

/**
 * View: the input's bytes in its row-major order, reinterpreted as the
 * output's dtype. Output word w gathers its 4 bytes from the input elements
 * they fall in. Parameters: the input's elementwise block over its own shape.
 */
function view(d: Dispatch): KernelCall {
  const a = d.inputs[0]!, output = d.outputs[0]!;
  const T = gpuDtype(a.dtype), out = gpuDtype(output.dtype);
  const total = product(output.shape) * out.bytes;
  const words = Math.ceil(total / 4);
  const params = elementwiseParams(words, a.shape, [a]);
  const bits = T.bytes * 8;
  const source = bindings(1) + indexFunctions([a]) + /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = gid.x + gid.y * nwg.x * 64u;
  if (w >= u32(prm[0])) { return; }
  var word = 0u;
  for (var b = 0u; b < 4u; b++) {
    let byte = 4u * w + b;
    if (byte >= ${total}u) { break; }
    let i = idx0(byte / ${T.bytes}u);
    let raw = ${T.bytes === 4 ? "in0[i]" : `(in0[i / ${4 / T.bytes}u] >> ((i % ${4 / T.bytes}u) * ${bits}u))`};
    word |= ((raw >> ((byte % ${T.bytes}u) * 8u)) & 0xffu) << (b * 8u);
  }
  out[w] = word;
}
`;
  return { source, params, words, inputs: d.inputs, output };
}

export function regionsPlan(d: Dispatch): KernelCall {
  switch (d.op) {
    case "SliceUpdate": return sliceUpdate(d);
    case "AsStrided": return asStrided(d);
    case "View": return view(d);
    default: return numberOfElements(d);
  }
}

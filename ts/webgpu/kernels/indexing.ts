// Gather (take, takeAlongAxis, array indexing) and Concatenate.
//
// Gather's output is the index grid's shape followed by the slice sizes
// (core/primitives/indexing.h): element e is slice position c of index
// position q, read from the source at sum_k index_k[q] * stride(axis_k) plus
// c's own offset. Negative indices count from the end, as on the CPU. The CPU
// raises on an out-of-range index; a GPU kernel can't, so it clamps into
// range (the README lists this).
//
// Scatter (x.at[...].add and friends, putAlongAxis, the gradient of a
// gather) copies its operand, then lands each update on its destination.
// Concatenate's element e finds its operand by its coordinate on the axis.

import type { Dispatch, KernelCall, KernelPlan, Operand } from "../dispatch_types.js";
import { WORKGROUP, bindings, wordLoop, wordsFor } from "../codegen.js";
import { type ComputeType, WGSL_PRELUDE, gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";
import { elementwiseKernel } from "./elementwise.js";

/** Storage buffers one kernel may bind (WebGPU's default limit is 8: inputs, output, parameters). */
export const MAX_INPUTS = 6;

const SCATTERS = ["Scatter", "ScatterAdd", "ScatterProd", "ScatterMax", "ScatterMin"];
const OPS = ["Gather", "Concatenate", ...SCATTERS];

const isIndex = (c: number) => gpuDtypes.get(c)!.compute !== "f32" && gpuDtypes.get(c)!.name !== "bool";

export function supportsIndexing(op: string, inputs: number[], outputs: number[]): boolean {
  if (!OPS.includes(op) || outputs.length !== 1 || inputs.length > MAX_INPUTS || inputs.length === 0) return false;
  if (!inputs.every((c) => gpuDtypes.has(c)) || !gpuDtypes.has(outputs[0]!)) return false;
  if (op === "Gather") return inputs.slice(1).every(isIndex);
  if (op === "Concatenate") return inputs.every((c) => c === outputs[0]);
  // Scatter: operand, indices, updates of the output's dtype.
  return inputs.length >= 2 && inputs.slice(1, -1).every(isIndex) && inputs[inputs.length - 1] === outputs[0];
}

const product = (s: readonly number[]) => s.reduce((x, y) => x * y, 1);

/**
 * WGSL statements that set `i` to the element index that element `e` of a
 * gather addresses (or a scatter's update `e` lands on) in `base`, an
 * operand of shape `sizes`-sliced: slice position c of index position q, at
 * base.offset + sum_d c_d * base.strides[d] + sum_k index_k[q] * base.strides[axis_k].
 * Index array k is input `firstIndex + k`. Appends its parameters to `params`:
 * [chunk, nd, sliceSizes (nd), base strides (nd), base offset, ni, index
 * shape (ni), then per index array: offset, strides (ni), axis size, axis
 * stride, room (size - slice)].
 */
function addressing(params: number[], base: { shape: number[]; strides: number[]; offset: number },
  idx: readonly Operand[], axes: number[], sizes: number[], firstIndex: number): string {
  const p0 = params.length;
  const nd = base.shape.length;
  const grid = idx[0]?.shape ?? [];
  const ni = grid.length;
  params.push(product(sizes), nd, ...sizes, ...base.strides, base.offset, ni, ...grid);
  const first = params.length;
  const perIndex = ni + 4;
  idx.forEach((o, k) => {
    const ax = axes[k]!;
    params.push(o.offset, ...o.strides, base.shape[ax]!, base.strides[ax]!, base.shape[ax]! - sizes[ax]!);
  });
  let reads = "";
  idx.forEach((o, k) => {
    const T = gpuDtype(o.dtype);
    const b = `${first} + ${k * perIndex}`;
    const buf = `in${firstIndex + k}`;
    // A uint32 index above i32's range is out of range: clamp it first.
    const value = T.compute === "u32" ? `i32(min(${T.load(buf, "ii")}, 0x7fffffffu))` : T.load(buf, "ii");
    reads += `
    {
      var ii = u32(prm[${b}]);
      var r = q;
      for (var dd = ni - 1; dd >= 0; dd--) {
        let size = u32(prm[gs + dd]);
        ii += (r % size) * u32(prm[${b} + 1 + dd]);
        r = r / size;
      }
      var iv = ${value};
      let dim = prm[${b} + 1 + ni];
      if (iv < 0) { iv += dim; }
      iv = clamp(iv, 0, max(prm[${b} + 3 + ni], 0));
      i += iv * prm[${b} + 2 + ni];
    }`;
  });
  return `
    let chunk = u32(prm[${p0}]);
    let nd = prm[${p0 + 1}];
    let ni = prm[${p0 + 3} + 2 * nd];
    let gs = ${p0 + 4} + 2 * nd;
    let q = e / max(chunk, 1u);
    var c = e % max(chunk, 1u);
    var i = prm[${p0 + 2} + 2 * nd];
    for (var dd = nd - 1; dd >= 0; dd--) {
      let size = u32(prm[${p0 + 2} + dd]);
      i += i32(c % size) * prm[${p0 + 2} + nd + dd];
      c = c / size;
    }${reads}`;
}

/** Gather: inputs [source, index arrays...]; output = index grid shape + slice sizes. */
function gather(d: Dispatch): KernelCall {
  const [src, ...idx] = d.inputs as [Operand, ...Operand[]];
  const output = d.outputs[0]!;
  const out = gpuDtype(output.dtype);
  const n = product(output.shape);
  const params = [n];
  const address = addressing(params, src, idx, d.state.axes as number[], d.state.sliceSizes as number[], 1);
  return {
    source: bindings(d.inputs.length) + wordLoop(out, `${address}\n    v = ${gpuDtype(src.dtype).load("in0", "u32(i)")};`),
    params,
    words: wordsFor(n, out),
    inputs: d.inputs,
    output,
  };
}

/** How a scatter combines an update `u` with the current value `o` (the CPU's rules: NaN wins max/min). */
function combine(op: string, t: ComputeType): string {
  switch (op) {
    case "ScatterAdd": return "o + u";
    case "ScatterProd": return "o * u";
    case "ScatterMax": return t === "f32" ? "select(u, o, wmx_isnan(o) || o > u)" : "max(o, u)";
    case "ScatterMin": return t === "f32" ? "select(u, o, wmx_isnan(o) || o < u)" : "min(o, u)";
    default: return "u";
  }
}

/**
 * Scatter: inputs [operand, index arrays..., updates]; the updates' shape is
 * the index grid's followed by the slice's. The operand is copied to the
 * output first; then one invocation per update element combines it into its
 * destination with a compare-and-swap loop on the destination's 32-bit word
 * (duplicates combine in no fixed order, as on MLX's GPU; narrow dtypes share
 * words, which the loop makes safe).
 */
function scatter(d: Dispatch): KernelPlan {
  const a = d.inputs[0]!, u = d.inputs[d.inputs.length - 1]!, idx = d.inputs.slice(1, -1);
  const output = d.outputs[0]!;
  const T = gpuDtype(output.dtype);
  const copy = elementwiseKernel({ op: "Copy", state: {}, inputs: [a], outputs: [output] });
  const n = product(u.shape);
  const slice = u.shape.slice(u.shape.length - output.shape.length);
  const params = [n];
  const address = addressing(params, output, idx, d.state.axes as number[], slice, 0);
  const uAt = params.length;
  params.push(u.offset, ...u.strides);
  const perWord = 4 / T.bytes, bits = T.bytes * 8, mask = bits === 32 ? "0xffffffffu" : `${(2 ** bits - 1) >>> 0}u`;
  const m = idx.length;
  let decl = "";
  for (let k = 0; k <= m; ++k) decl += `@group(0) @binding(${k}) var<storage, read> in${k}: array<u32>;\n`;
  decl += `@group(0) @binding(${m + 1}) var<storage, read_write> out: array<atomic<u32>>;\n`;
  decl += `@group(0) @binding(${m + 2}) var<storage, read> prm: array<i32>;\n`;
  const source = WGSL_PRELUDE + decl + /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let e = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  if (e >= u32(prm[0])) { return; }
  ${address}
  // The update: element e of u in its row-major order.
  let nu = ni + nd;
  var ui = prm[${uAt}];
  var r = e;
  for (var dd = nu - 1; dd >= 0; dd--) {
    // the grid's extents, then the slice's (addressing's parameters)
    let size = u32(select(prm[3 + dd - ni], prm[gs + dd], dd < ni));
    ui += i32(r % size) * prm[${uAt + 1} + dd];
    r = r / size;
  }
  let u = ${T.load(`in${m}`, "u32(ui)")};
  let wi = u32(i) / ${perWord}u;
  let shift = (u32(i) % ${perWord}u) * ${bits}u;
  loop {
    let old = atomicLoad(&out[wi]);
    let o = ${T.decode(`(old >> shift)`)};
    let nv = ${combine(d.op, T.compute)};
    let word = (old & ~(${mask} << shift)) | ((${T.encode("nv")} & ${mask}) << shift);
    if (atomicCompareExchangeWeak(&out[wi], old, word).exchanged) { break; }
  }
}
`;
  const lands: KernelCall = { source, params, words: n, inputs: [...idx, u], output };
  return { scratch: [], stages: [copy, lands] };
}

/**
 * Parameters: [n, nd, output shape (nd), axis, then per operand: its start
 * on the axis, offset, strides (nd)].
 */
function concatenate(d: Dispatch): KernelCall {
  const output = d.outputs[0]!;
  const axis = d.state.axis as number;
  const out = gpuDtype(output.dtype);
  const n = product(output.shape);
  const nd = output.shape.length;
  const params = [n, nd, ...output.shape, axis];
  let start = 0;
  for (const o of d.inputs) {
    params.push(start, o.offset, ...o.strides);
    start += o.shape[axis]!;
  }
  const per = 2 + nd;
  const base = 3 + nd;
  // The operand: the last whose start is at or before the coordinate (empty ones are skipped by that rule).
  let pick = "";
  d.inputs.forEach((o, k) => {
    pick += `  if (jc >= prm[${base + k * per}]) { part = ${k}; }\n`;
  });
  let read = "";
  d.inputs.forEach((o, k) => {
    read += `${k ? " else " : ""}if (part == ${k}) { v = ${gpuDtype(o.dtype).load(`in${k}`, "u32(i)")}; }`;
  });
  const body = `
    let nd = prm[1];
    let axis = prm[${2 + nd}];
    var r = e;
    var coord: array<i32, 16>;
    for (var dd = nd - 1; dd >= 0; dd--) {
      let size = u32(prm[2 + dd]);
      coord[dd] = i32(r % size);
      r = r / size;
    }
    let jc = coord[axis];
    var part = 0;
  ${pick}
    let pb = ${base} + part * ${per};
    coord[axis] = jc - prm[pb];
    var i = prm[pb + 1];
    for (var dd = 0; dd < nd; dd++) { i += coord[dd] * prm[pb + 2 + dd]; }
    ${read}`;
  if (nd > 16) throw new Error("[gpu] Concatenate of more than 16 dimensions.");
  return {
    source: bindings(d.inputs.length) + wordLoop(out, body),
    params,
    words: wordsFor(n, out),
    inputs: d.inputs,
    output,
  };
}

export function indexingPlan(d: Dispatch): KernelCall | KernelPlan {
  return d.op === "Gather" ? gather(d) : d.op === "Concatenate" ? concatenate(d) : scatter(d);
}

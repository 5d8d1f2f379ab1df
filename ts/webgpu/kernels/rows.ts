// Row primitives (core/primitives/scan.h): Softmax, LogSoftmax and LogSumExp
// along one axis of a float array, computed in f32 as the CPU does.
//
// Two stages. The first gives each row a workgroup: its threads stride over
// the row keeping a running (max, sum of exp(x - max)) pair, then merge the
// pairs in workgroup memory; the row's pair goes to a scratch buffer. The
// second is an elementwise pass over the output words that reads the pair of
// each element's row. Two stages keep every output word written by one
// invocation, whatever the dtype's packing and the row length.

import type { Dispatch, KernelPlan, Operand } from "../dispatch_types.js";
import { scratchOperand } from "../dispatch_types.js";
import { bindings, cachedSource, elementwiseParams, enableSubgroups, type GroupOp, groupReduce, indexFunctions, isContiguous, rowOffset, subgroupBuiltins, subgroups, treeMerge, wordLoop, wordsFor } from "../codegen.js";
import { DtypeCodes } from "../../generated/boundary.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";

const ROW_OPS = ["Softmax", "LogSoftmax", "LogSumExp"] as const;
type RowOp = (typeof ROW_OPS)[number];
export const ROW_GROUP = 256;

export const isRowOp = (op: string) => (ROW_OPS as readonly string[]).includes(op);

export function supportsRows(op: string, inputs: number[], outputs: number[]): boolean {
  if (!isRowOp(op) || inputs.length !== 1 || outputs.length !== 1) return false;
  return gpuDtypes.get(inputs[0]!)?.compute === "f32" && gpuDtypes.get(outputs[0]!)?.compute === "f32";
}

/** Merges running pairs: exp-sums are rescaled to the larger max (equal maxima, infinite ones too, add as they are). */
const MERGE = /* wgsl */ `
fn wmx_merge(a: vec2f, b: vec2f) -> vec2f {
  if (wmx_isnan(a.x) || wmx_isnan(b.x)) { return vec2f(wmx_nan(), wmx_nan()); }
  let m = max(a.x, b.x);
  let sa = select(a.y * exp(a.x - m), a.y, a.x == m);
  let sb = select(b.y * exp(b.x - m), b.y, b.x == m);
  return vec2f(m, sa + sb);
}
`;

/**
 * The rows' (max, exp-sum) pairs. Parameters: [nRows, L, axisStride, offset,
 * nk, keepShape (nk), keepStrides (nk)], rows in row-major order of the
 * input's shape without the axis.
 */
function statsStage(input: Operand, axis: number, nRows: number, stats: Operand) {
  const inT = gpuDtype(input.dtype);
  const keep = input.shape.filter((_, d) => d !== axis);
  const keepStrides = input.strides.filter((_, d) => d !== axis);
  const source = bindings(1) + MERGE + /* wgsl */ `
var<workgroup> part: array<vec2f, ${ROW_GROUP}>;
@compute @workgroup_size(${ROW_GROUP})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x + wid.y * nwg.x;
  let live = row < u32(prm[0]);
  let L = u32(prm[1]);
  let step = prm[2];
  var base = prm[3];
  ${rowOffset("row", "base", 4)}
  var acc = vec2f(-wmx_inf(), 0.0);
  if (live) {
    for (var k = lid; k < L; k += ${ROW_GROUP}u) {
      let x = ${inT.load("in0", "u32(base + i32(k) * step)")};
      acc = wmx_merge(acc, vec2f(x, 1.0));
    }
  }
  part[lid] = acc;
  ${treeMerge("part", ROW_GROUP, "wmx_merge(a, b)")}
  if (live && lid == 0u) {
    out[2u * row] = bitcast<u32>(part[0].x);
    out[2u * row + 1u] = bitcast<u32>(part[0].y);
  }
}
`;
  return {
    source,
    params: [nRows, input.shape[axis]!, input.strides[axis]!, input.offset, keep.length, ...keep, ...keepStrides],
    words: 0,
    groups: nRows,
    inputs: [input],
    output: stats,
  };
}

/**
 * Output element e's row is its index with the axis taken out: with `inner`
 * the elements after the axis and `len` the output's extent on it,
 * row = (e / (len * inner)) * inner + e % inner.
 */
function finishStage(op: RowOp, input: Operand, output: Operand, axis: number, stats: Operand) {
  const out = gpuDtype(output.dtype);
  const inT = gpuDtype(input.dtype);
  const inner = output.shape.slice(axis + 1).reduce((x, y) => x * y, 1);
  const len = output.shape[axis]!;
  const n = output.shape.reduce((x, y) => x * y, 1);
  const row = `let row = (e / (len * inner)) * inner + e % inner;
    let m = bitcast<f32>(in1[2u * row]);
    let s = bitcast<f32>(in1[2u * row + 1u]);`;
  let value: string;
  switch (op) {
    case "Softmax":
      // An infinite max makes the row NaN, as on the CPU (exp(inf - inf)).
      value = `let x = ${inT.load("in0", "idx0(e)")};\n    v = select(exp(x - m) / s, wmx_nan(), wmx_isinf(m));`;
      break;
    case "LogSoftmax":
      value = `let x = ${inT.load("in0", "idx0(e)")};\n    v = select(x - m - log(s), x - m, wmx_isinf(m));`;
      break;
    case "LogSumExp":
      value = "v = select(m + log(s), m, wmx_isinf(m));";
      break;
  }
  // The parameter block: elementwise addressing of the input (over the
  // output's shape: equal for the softmaxes), then len and inner.
  const params = [...elementwiseParams(n, output.shape, [input]), len, inner];
  const tail = params.length - 2;
  const body = `let len = u32(prm[${tail}]);
    let inner = u32(prm[${tail + 1}]);
    ${row}
    ${value}`;
  return {
    source: bindings(2) + indexFunctions([input]) + wordLoop(out, body),
    params,
    words: wordsFor(n, out),
    inputs: [input, stats],
    output,
  };
}

/** Vectors of 4 a thread of the one-pass kernel holds at most. */
const MAX_VECTORS = 16;
/** The longest rows a one-pass kernel (here and norms.ts) holds in registers. */
export const ONE_PASS_MAX = ROW_GROUP * 4 * MAX_VECTORS;

/**
 * The one-pass kernel's shape for rows of L: invocations per workgroup (64
 * to ROW_GROUP, the least power of 2 that gives every one a vector: short
 * rows leave fewer idle) and vectors per invocation (the least power of 2
 * that covers the row). One pipeline per shape.
 */
export function onePassShape(L: number): { group: number; vectors: number } {
  let group = 64;
  while (group < ROW_GROUP && group * 4 < L) group *= 2;
  let vectors = 1;
  while (vectors * group * 4 < L) vectors *= 2;
  return { group, vectors };
}

/**
 * Order-preserving u32 keys of f32 (NaN above everything), so that the row's
 * max is a plain unsigned max, which subgroupMax does exactly and with a NaN
 * that wins (a float subgroupMax may drop NaN). Key 0 is below every value.
 */
const KEYS = /* wgsl */ `
fn wmx_key(x: f32) -> u32 {
  let b = bitcast<u32>(x);
  return select(select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u), 0xffffffffu, wmx_isnan(x));
}
fn wmx_unkey(k: u32) -> f32 {
  if (k == 0xffffffffu) { return wmx_nan(); }
  return bitcast<f32>(select(~k, k & 0x7fffffffu, (k & 0x80000000u) != 0u));
}
fn wmx_vmax(a: f32, b: f32) -> f32 { return select(max(a, b), wmx_nan(), wmx_isnan(a) || wmx_isnan(b)); }
`;
const MAX_KEY: GroupOp = { type: "u32", identity: "0u", merge: "max(a, b)", subgroupOp: "subgroupMax" };
const ADD: GroupOp = { type: "f32", identity: "0.0", merge: "a + b", subgroupOp: "subgroupAdd" };

/**
 * Softmax and logSoftmax of contiguous float32 rows along the last axis, in
 * one pass: a workgroup per row loads it into registers (vec4 loads, each
 * invocation `vectors` strided vectors), reduces the row's max across the
 * workgroup, then the sum of exp(x - max), and writes the row: memory is
 * read once and written once. Two workgroup reductions (groupReduce: with
 * subgroups, a barrier each). A NaN anywhere makes the row NaN.
 */
function onePassSource(op: "Softmax" | "LogSoftmax", group: number, vectors: number): string {
  // (as the two-stage kernel: an infinite max gives softmax NaN and logSoftmax x - m)
  const finish = op === "Softmax" ? "select(exp(x - m) * r, vec4f(wmx_nan()), wmx_isinf(m) || wmx_isnan(m))"
    : "select(select(x - m - ls, x - m, wmx_isinf(m)), vec4f(wmx_nan()), wmx_isnan(m))";
  const scale = op === "Softmax" ? "let r = 1.0 / s;" : "let ls = log(s);";
  return enableSubgroups() + bindings(1, "vec4<u32>") + KEYS + /* wgsl */ `
var<workgroup> keys: array<u32, ${group}>;
var<workgroup> sums: array<f32, ${group}>;
@compute @workgroup_size(${group})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32${subgroupBuiltins()}) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= u32(prm[0])) { return; }
  let L4 = u32(prm[1]) / 4u;
  let base = row * L4;
  var xs: array<vec4f, ${vectors}>;
  var m = -wmx_inf();
  for (var i = 0u; i < ${vectors}u; i++) {
    let k = lid + i * ${group}u;
    if (k < L4) {
      let q = in0[base + k];
      let x = vec4f(bitcast<f32>(q.x), bitcast<f32>(q.y), bitcast<f32>(q.z), bitcast<f32>(q.w));
      xs[i] = x;
      m = wmx_vmax(wmx_vmax(m, x.x), wmx_vmax(wmx_vmax(x.y, x.z), x.w));
    }
  }
  var key = 0u;
  ${groupReduce(MAX_KEY, "wmx_key(m)", "key", "keys", group)}
  m = wmx_unkey(key);
  // The sum of exp(x - m) at the row's max (only a finite max uses it).
  var t = 0.0;
  if (!wmx_isinf(m) && !wmx_isnan(m)) {
    for (var i = 0u; i < ${vectors}u; i++) {
      if (lid + i * ${group}u < L4) { t += dot(exp(xs[i] - m), vec4f(1.0)); }
    }
  }
  var s = 0.0;
  ${groupReduce(ADD, "t", "s", "sums", group)}
  ${scale}
  for (var i = 0u; i < ${vectors}u; i++) {
    let k = lid + i * ${group}u;
    if (k < L4) {
      let x = xs[i];
      let y = ${finish};
      out[base + k] = vec4u(bitcast<u32>(y.x), bitcast<u32>(y.y), bitcast<u32>(y.z), bitcast<u32>(y.w));
    }
  }
}
`;
}

/** Whether the one-pass kernel takes this softmax: float32 rows, contiguous, a multiple of 4 long, not too long. */
function onePass(op: string, input: Operand, output: Operand, axis: number): op is "Softmax" | "LogSoftmax" {
  const L = input.shape[axis]!;
  return (op === "Softmax" || op === "LogSoftmax") && input.dtype === DtypeCodes.float32 && output.dtype === DtypeCodes.float32 &&
    axis === input.shape.length - 1 && isContiguous(input) && L % 4 === 0 && L > 0 && L <= ONE_PASS_MAX;
}

export function rowsPlan(d: Dispatch): KernelPlan {
  const op = d.op as RowOp;
  const input = d.inputs[0]!;
  const output = d.outputs[0]!;
  const axis = d.state.axis as number;
  const nRows = input.shape.reduce((x, y, dim) => (dim === axis ? x : x * y), 1);
  if (onePass(op, input, output, axis)) {
    const { group, vectors } = onePassShape(input.shape[axis]!);
    const source = cachedSource(`rows1|${op}|${group}|${vectors}|${subgroups}`, () => onePassSource(op, group, vectors));
    return { scratch: [], stages: [{ source, params: [nRows, input.shape[axis]!], words: 0, groups: nRows, inputs: [input], output }] };
  }
  const stats = scratchOperand(0, DtypeCodes.float32, [Math.max(1, nRows), 2]);
  return {
    scratch: [Math.max(1, nRows) * 8],
    stages: [statsStage(input, axis, nRows, stats), finishStage(op, input, output, axis, stats)],
  };
}

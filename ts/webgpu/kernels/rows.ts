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
 * to `maxGroup`, the least power of 2 that gives every one `minVectors`
 * vectors: short rows leave fewer idle) and vectors per invocation (the
 * least power of 2 that covers the row). One pipeline per shape.
 */
export function onePassShape(L: number, maxGroup = ROW_GROUP, minVectors = 1): { group: number; vectors: number } {
  let group = 64;
  while (group < maxGroup && group * 4 * minVectors < L) group *= 2;
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
 * How the one-pass softmax kernel is built. The defaults are the fastest
 * over all shapes that bench/gpu_softmax_sweep.mjs timed on an H100
 * (bench/h100_gpu.txt, session 11: 2.0-2.4 TB/s over [8192, 8192]); no
 * other setting beat them on every shape there. `maxGroup`: the most invocations a
 * workgroup gets. `minVectors`: the workgroup is sized to give each
 * invocation at least this many vectors where the row allows (session 13's
 * sweep, bench/h100_gpu.txt: rows of 1024 in workgroups of 128 with two
 * vectors each ran at 2.60 TB/s, in workgroups of 256 with one at
 * 2.03-2.07: two loads in flight per invocation instead of one).
 * `expOnce`: softmax keeps exp in its registers for the write instead of
 * computing it again. `fused`: one workgroup reduction of
 * each invocation's (max, exp-sum) pair instead of two (the max, then the
 * sum at it). `exact`: rows that fill every invocation's vectors go without
 * bounds checks.
 */
export interface SoftmaxTuning { maxGroup: number; minVectors: number; expOnce: boolean; fused: boolean; exact: boolean }
const DEFAULT_TUNING: SoftmaxTuning = { maxGroup: ROW_GROUP, minVectors: 2, expOnce: false, fused: false, exact: false };

/** The most invocations a workgroup may have on the device (the smaller of its two limits; WebGPU's default until told). */
let groupLimit = 256;
/** @internal */
export function setRowGroupLimit(invocations: number): void {
  groupLimit = invocations;
}

/**
 * WEBMX_GPU_SOFTMAX (benches): a comma list of g<maxGroup>, v<minVectors>,
 * expOnce, fused, exact and their negations (no-expOnce ...) over the
 * defaults. Read once.
 */
let tuning: SoftmaxTuning | null = null;
export function softmaxTuning(): SoftmaxTuning {
  if (tuning) return tuning;
  const t = { ...DEFAULT_TUNING };
  const spec = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WEBMX_GPU_SOFTMAX ?? "";
  for (const word of spec.split(",").map((w) => w.trim()).filter(Boolean)) {
    const g = /^g(\d+)$/.exec(word);
    const v = /^v(\d+)$/.exec(word);
    if (g) t.maxGroup = Number(g[1]);
    else if (v) t.minVectors = Math.max(1, Number(v[1]));
    else if (word === "expOnce" || word === "fused" || word === "exact") t[word] = true;
    else if (word === "no-expOnce" || word === "no-fused" || word === "no-exact") t[word.slice(3) as "expOnce" | "fused" | "exact"] = false;
  }
  return (tuning = t);
}

/**
 * The row's (max, exp-sum) in one workgroup reduction: each invocation's
 * pair `mt`, `tt` (its own max, and its exp-sum at it: 0 unless mt is
 * finite) into `m`, `s`. With subgroups: a subgroup's max as a key
 * (subgroupMax), its sums rescaled to it and added (subgroupAdd), the
 * subgroups' pairs through workgroup memory (one barrier), merged the same
 * way. Without: a tree of wmx_merge.
 */
function pairReduce(group: number): string {
  if (!subgroups) {
    return `pairs[lid] = vec2f(mt, tt);
  ${treeMerge("pairs", group, "wmx_merge(a, b)")}
  m = pairs[0].x;
  s = pairs[0].y;`;
  }
  // Keys above wmx_key(-inf) (0x007fffff) are values above -inf; key 0 marks "no entry".
  return `{
    let km = subgroupMax(wmx_key(mt));
    let sm = wmx_unkey(km);
    let ts = subgroupAdd(select(0.0, tt * exp(mt - sm), mt > -wmx_inf() && wmx_finite(sm)));
    keys[lid] = select(0u, km, sg_lane == 0u);
    sums[lid] = select(0.0, ts, sg_lane == 0u);
    workgroupBarrier();
    var a = 0u;
    for (var k = sg_lane; k < ${group}u; k += sg_size) { a = max(a, keys[k]); }
    let kr = subgroupMax(a);
    m = wmx_unkey(kr);
    var b = 0.0;
    if (wmx_finite(m)) {
      for (var k = sg_lane; k < ${group}u; k += sg_size) {
        let kk = keys[k];
        if (kk > 0x007fffffu) { b += sums[k] * exp(wmx_unkey(kk) - m); }
      }
    }
    s = subgroupAdd(b);
  }`;
}

/**
 * Softmax and logSoftmax of contiguous float32 rows along the last axis, in
 * one pass: a workgroup per row loads it into registers (vec4 loads, each
 * invocation `vectors` strided vectors, all issued before any arithmetic),
 * reduces the row's max and sum of exp(x - max) across the workgroup (two
 * reductions, or one of pairs: SoftmaxTuning), and writes the row: memory is
 * read once and written once. A NaN anywhere makes the row NaN.
 */
function onePassSource(op: "Softmax" | "LogSoftmax", group: number, vectors: number, t: SoftmaxTuning, exact: boolean): string {
  const has = (i: string) => (exact ? "true" : `lid + ${i} * ${group}u < L4`);
  const expOnce = t.expOnce && op === "Softmax";
  // The value each vector ends with, from xs[i] (x; with expOnce, exp(x - mt)
  // or exp(x - m)) and the row's m and s. As the two-stage kernel: an
  // infinite max gives softmax NaN and logSoftmax x - m.
  const bad = "wmx_isinf(m) || wmx_isnan(m)";
  let scale: string, finish: string;
  if (op === "LogSoftmax") {
    scale = "let ls = log(s);";
    finish = "select(select(x - m - ls, x - m, wmx_isinf(m)), vec4f(wmx_nan()), wmx_isnan(m))";
  } else if (!expOnce) {
    scale = "let r = 1.0 / s;";
    finish = `select(exp(x - m) * r, vec4f(wmx_nan()), ${bad})`;
  } else {
    // xs holds exp(x - mt) (fused) or exp(x - m); an invocation whose values are all -inf holds zeros.
    scale = t.fused ? "let r = select(0.0, exp(mt - m) / s, mt > -wmx_inf());" : "let r = 1.0 / s;";
    finish = `select(x * r, vec4f(wmx_nan()), ${bad})`;
  }
  // The invocation's own max (fused) or the row's (two reductions) that the sum is taken at.
  const at = t.fused ? "mt" : "m";
  const sumLoop = `var tt = 0.0;
  if (wmx_finite(${at})) {
    for (var i = 0u; i < ${vectors}u; i++) {
      if (${has("i")}) {
        ${expOnce ? `xs[i] = exp(xs[i] - ${at});\n        tt += dot(xs[i], vec4f(1.0));` : `tt += dot(exp(xs[i] - ${at}), vec4f(1.0));`}
      }
    }
  }${expOnce ? ` else if (${at} == -wmx_inf()) {
    for (var i = 0u; i < ${vectors}u; i++) { xs[i] = vec4f(0.0); }
  }` : ""}`;
  const reduce = t.fused ? `${sumLoop}
  var m = 0.0;
  var s = 0.0;
  ${pairReduce(group)}` : `var key = 0u;
  ${groupReduce(MAX_KEY, "wmx_key(mt)", "key", "keys", group)}
  let m = wmx_unkey(key);
  ${sumLoop}
  var s = 0.0;
  ${groupReduce(ADD, "tt", "s", "sums", group)}`;
  return enableSubgroups() + bindings(1, "vec4<u32>") + KEYS + (t.fused && !subgroups ? MERGE : "") + /* wgsl */ `
fn wmx_finite(x: f32) -> bool { return !wmx_isinf(x) && !wmx_isnan(x); }
${t.fused && !subgroups ? `var<workgroup> pairs: array<vec2f, ${group}>;` : `var<workgroup> keys: array<u32, ${group}>;
var<workgroup> sums: array<f32, ${group}>;`}
@compute @workgroup_size(${group})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32${subgroupBuiltins()}) {
  let row = wid.x + wid.y * nwg.x;
  if (row >= u32(prm[0])) { return; }
  let L4 = u32(prm[1]) / 4u;
  let base = row * L4 + lid;
  var xs: array<vec4f, ${vectors}>;
  for (var i = 0u; i < ${vectors}u; i++) {
    if (${has("i")}) {
      let q = in0[base + i * ${group}u];
      xs[i] = vec4f(bitcast<f32>(q.x), bitcast<f32>(q.y), bitcast<f32>(q.z), bitcast<f32>(q.w));
    }
  }
  var mt = -wmx_inf();
  for (var i = 0u; i < ${vectors}u; i++) {
    if (${has("i")}) {
      let x = xs[i];
      mt = wmx_vmax(wmx_vmax(mt, x.x), wmx_vmax(wmx_vmax(x.y, x.z), x.w));
    }
  }
  ${reduce}
  ${scale}
  for (var i = 0u; i < ${vectors}u; i++) {
    if (${has("i")}) {
      let x = xs[i];
      let y = ${finish};
      out[base + i * ${group}u] = vec4u(bitcast<u32>(y.x), bitcast<u32>(y.y), bitcast<u32>(y.z), bitcast<u32>(y.w));
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
    const L = input.shape[axis]!;
    const t = softmaxTuning();
    const { group, vectors } = onePassShape(L, Math.min(t.maxGroup, groupLimit), t.minVectors);
    const exact = t.exact && L === group * vectors * 4;
    const source = cachedSource(`rows1|${op}|${group}|${vectors}|${subgroups}|${t.expOnce}|${t.fused}|${exact}`,
      () => onePassSource(op, group, vectors, t, exact));
    return { scratch: [], stages: [{ source, params: [nRows, input.shape[axis]!], words: 0, groups: nRows, inputs: [input], output }] };
  }
  const stats = scratchOperand(0, DtypeCodes.float32, [Math.max(1, nRows), 2]);
  return {
    scratch: [Math.max(1, nRows) * 8],
    stages: [statsStage(input, axis, nRows, stats), finishStage(op, input, output, axis, stats)],
  };
}

// The skeleton every generated kernel shares: bindings, the parameter block,
// strided element addressing and the one-output-word-per-invocation loop
// (see wgsl_dtypes.ts for why whole words).
//
// Parameters travel in a small storage buffer of i32 (`prm`), so the WGSL
// source depends only on the op, the dtypes and which inputs are contiguous,
// not on shapes: one pipeline serves every shape (pipeline creation is the
// slow part on software adapters, ~0.3 s each on SwiftShader).

import type { Operand } from "./dispatch_types.js";
import { type GpuDtype, WGSL_PRELUDE } from "./wgsl_dtypes.js";

export const WORKGROUP = 64;

/** True when the operand reads its elements in row-major order from index 0. */
export function isContiguous(o: Operand): boolean {
  if (o.offset !== 0) return false;
  let expected = 1;
  for (let d = o.shape.length - 1; d >= 0; --d) {
    if (o.shape[d] === 1) continue;
    if (o.strides[d] !== expected) return false;
    expected *= o.shape[d]!;
  }
  return true;
}

/**
 * Storage bindings: `in0..`, read-only, then `out`, then the parameter block.
 * The data buffers are arrays of `word` (vec4<u32> for kernels that move 16
 * bytes per access), the output one of `outWord`.
 */
export function bindings(inputs: number, word = "u32", outWord = word): string {
  let s = "";
  for (let k = 0; k < inputs; ++k) s += `@group(0) @binding(${k}) var<storage, read> in${k}: array<${word}>;\n`;
  s += `@group(0) @binding(${inputs}) var<storage, read_write> out: array<${outWord}>;\n`;
  s += `@group(0) @binding(${inputs + 1}) var<storage, read> prm: array<i32>;\n`;
  return WGSL_PRELUDE + s;
}

/**
 * Elementwise addressing. Parameter block: [n, ndim, shape[ndim], then per
 * input: offset, strides[ndim]]. `idx{k}(e)` maps output element e (row-major
 * over the output shape) to input k's element index.
 */
export function elementwiseParams(n: number, shape: readonly number[], inputs: readonly Operand[]): number[] {
  const p = [n, shape.length, ...shape];
  for (const o of inputs) p.push(o.offset, ...o.strides);
  return p;
}

/** True when every element of the operand is the one at its offset (a broadcast scalar). */
export const isUniform = (o: Operand): boolean => o.strides.every((st, d) => st === 0 || o.shape[d] === 1);

/** How a kernel reads an operand: "c" contiguous, "z" one element broadcast, "s" through strides. */
export type Layout = "c" | "z" | "s";
export const layoutOf = (o: Operand): Layout => (isContiguous(o) ? "c" : isUniform(o) ? "z" : "s");

/** WGSL: input k's offset in the parameter block of elementwiseParams. */
const offsetParam = (k: number) => `prm[2 + prm[1] + ${k} * (prm[1] + 1)]`;

export function indexFunctions(inputs: readonly Operand[]): string {
  let s = "";
  inputs.forEach((o, k) => {
    const layout = layoutOf(o);
    if (layout === "c") {
      s += `fn idx${k}(e: u32) -> u32 { return e; }\n`;
      return;
    }
    if (layout === "z") {
      s += `fn idx${k}(e: u32) -> u32 { return u32(${offsetParam(k)}); }\n`;
      return;
    }
    s += `fn idx${k}(e: u32) -> u32 {
  let nd = prm[1];
  let base = 2 + nd + ${k} * (nd + 1);
  var r = e;
  var i = prm[base];
  for (var d = nd - 1; d >= 0; d--) {
    let size = u32(prm[2 + d]);
    i += i32(r % size) * prm[base + 1 + d];
    r = r / size;
  }
  return u32(i);
}\n`;
  });
  return s;
}

/** Whether the WGSL of an operand list depends on contiguity: part of the pipeline key. */
export const layoutKey = (inputs: readonly Operand[]) => inputs.map(layoutOf).join("");

/** Invocations per workgroup of the vector loop (the bandwidth-bound kernels). */
export const VECTOR_WORKGROUP = 256;

/**
 * Whether the vector loop can run an elementwise kernel: 32-bit output and
 * inputs, each read contiguously or as one broadcast element.
 */
export const vectorizable = (inputs: readonly Operand[], inputBytes: readonly number[], outBytes: number) =>
  outBytes === 4 && inputBytes.every((b) => b === 4) && inputs.every((o) => layoutOf(o) !== "s");

/**
 * The bandwidth-bound form of the word loop, for what `vectorizable`
 * accepts: invocation w reads and writes elements 4w..4w+3 as vec4<u32>
 * (16-byte accesses; buffers are sized in multiples of 256 bytes, so the
 * last vector never leaves its buffer). `body(load)` is the per-element
 * statements, as for wordLoop, given `load(k)`: input k's element as a word.
 * Parameters as elementwiseParams. Launch with vectorGroups(n).
 */
export function vectorSource(inputs: readonly Operand[], out: GpuDtype, body: (load: (k: number) => string) => string): string {
  let s = WGSL_PRELUDE;
  inputs.forEach((o, k) => {
    const t = layoutOf(o) === "c" ? "vec4<u32>" : "u32";
    s += `@group(0) @binding(${k}) var<storage, read> in${k}: array<${t}>;\n`;
  });
  s += `@group(0) @binding(${inputs.length}) var<storage, read_write> out: array<vec4<u32>>;\n`;
  s += `@group(0) @binding(${inputs.length + 1}) var<storage, read> prm: array<i32>;\n`;
  const reads = inputs.map((o, k) => (layoutOf(o) === "c" ? `  let q${k} = in${k}[w];` : `  let q${k} = in${k}[u32(${offsetParam(k)})];`)).join("\n");
  const load = (k: number) => (layoutOf(inputs[k]!) === "c" ? `q${k}[l]` : `q${k}`);
  return `${s}
@compute @workgroup_size(${VECTOR_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = gid.x + gid.y * nwg.x * ${VECTOR_WORKGROUP}u;
  if (w * 4u >= u32(prm[0])) { return; }
${reads}
  var r: vec4<u32>;
  for (var l = 0u; l < 4u; l++) {
    var v: ${out.compute};
    ${body(load)}
    r[l] = ${out.encode("v")};
  }
  out[w] = r;
}
`;
}

/** Workgroups of the vector loop for n elements. */
export const vectorGroups = (n: number) => Math.max(1, Math.ceil(n / (4 * VECTOR_WORKGROUP)));

/**
 * The main function: invocation w writes output word w, computing its
 * elements with `body` (WGSL statements that read `e`, the output element
 * index, and assign `v`, a value of the output's compute type).
 */
export function wordLoop(out: GpuDtype, body: string): string {
  const perWord = 4 / out.bytes;
  const bits = out.bytes * 8;
  return `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = gid.x + gid.y * nwg.x * ${WORKGROUP}u;
  let n = u32(prm[0]);
  let first = w * ${perWord}u;
  if (first >= n) { return; }
  var bits = 0u;
  for (var j = 0u; j < ${perWord}u; j++) {
    let e = first + j;
    if (e >= n) { break; }
    var v: ${out.compute};
    ${body}
    bits |= ${out.encode("v")} << (j * ${bits}u);
  }
  out[w] = bits;
}
`;
}

/**
 * WGSL statements that add to `base` (an i32 var holding the start offset)
 * the offset of row `row` (a u32 expression), rows walking the kept axes in
 * row-major order: their count at prm[countAt], their sizes from
 * prm[shapeAt], their strides right after the sizes.
 */
export function rowOffset(row: string, base: string, countAt: number, shapeAt = countAt + 1): string {
  return `{
    let nk = prm[${countAt}];
    var r = ${row};
    for (var dd = nk - 1; dd >= 0; dd--) {
      let size = u32(prm[${shapeAt} + dd]);
      ${base} += i32(r % size) * prm[${shapeAt} + nk + dd];
      r = r / size;
    }
  }`;
}

/**
 * WGSL statements that fold workgroup array `part` (one value per
 * invocation, `size` invocations, `lid` the local index) into part[0]:
 * `merge` is an expression of the pair `a`, `b`. Barriers before and after.
 */
export function treeMerge(part: string, size: number, merge: string): string {
  return `workgroupBarrier();
  for (var half = ${size / 2}u; half > 0u; half = half / 2u) {
    if (lid < half) {
      let a = ${part}[lid];
      let b = ${part}[lid + half];
      ${part}[lid] = ${merge};
    }
    workgroupBarrier();
  }`;
}

/**
 * Whether generated kernels may use WGSL's subgroup operations: the device
 * was created with the `subgroups` feature (open.ts asks for it where the
 * adapter has it). Set by the backend when it opens; sources that use it
 * carry it in their cache key.
 */
export let subgroups = false;
/** @internal */
export function setSubgroups(on: boolean): void {
  subgroups = on;
}

/** The directive that lets a module use subgroup operations, when they are on. */
export const enableSubgroups = () => (subgroups ? "enable subgroups;\n" : "");

/** The builtins groupReduce needs in main's parameters (none without subgroups). */
export const subgroupBuiltins = () =>
  subgroups ? ", @builtin(subgroup_invocation_id) sg_lane: u32, @builtin(subgroup_size) sg_size: u32" : "";

/** A reduction of one value per invocation across a workgroup. */
export interface GroupOp {
  /** WGSL type of the value. */
  type: string;
  /** Its identity, a WGSL expression. */
  identity: string;
  /** The merge of `a` and `b`, a WGSL expression (for the tree without subgroups). */
  merge: string;
  /** The subgroup builtin doing the same merge (subgroupAdd, subgroupMax, ...); none: the tree even with subgroups. */
  subgroupOp?: string;
}

/**
 * WGSL statements that reduce `value` (one per invocation of a `size`
 * workgroup, `lid` the local index) into `result` (a var the caller
 * declared), the same in every invocation; `part` is a workgroup array of
 * `size` elements of the op's type. Call in uniform control flow. Starts
 * with a barrier-free write, so a caller reusing `part` must put a barrier
 * between the last read of it and the next groupReduce.
 *
 * With subgroups: each subgroup reduces in registers, its first lane puts
 * the result in its own slot (the others the identity), one barrier, then
 * every subgroup folds the slots, each lane a strided share, and reduces
 * the shares: one barrier in all, whatever the subgroup size. The slots
 * are those of the first lanes, so nothing assumes how invocations map to
 * subgroups; the fold assumes full subgroups (lanes 0 to size - 1 all
 * there), which workgroups of a power of 2 at least 64 give on devices
 * with subgroups of at most 64 (NVIDIA 32, AMD 32 or 64, SwiftShader 4). Without: a tree in workgroup memory (log2(size)
 * barriers).
 */
export function groupReduce(op: GroupOp, value: string, result: string, part: string, size: number): string {
  if (!subgroups || !op.subgroupOp) {
    return `${part}[lid] = ${value};
  ${treeMerge(part, size, op.merge)}
  ${result} = ${part}[0];`;
  }
  return `{
    let r = ${op.subgroupOp}(${value});
    ${part}[lid] = select(${op.identity}, r, sg_lane == 0u);
    workgroupBarrier();
    var a: ${op.type} = ${op.identity};
    for (var k = sg_lane; k < ${size}u; k += sg_size) {
      let b = ${part}[k];
      a = ${op.merge};
    }
    ${result} = ${op.subgroupOp}(a);
  }`;
}

/** Workgroup counts for `words` invocations (2-D when over the 65535 per-dimension limit). */
export const workgroups = (words: number) => groupGrid(Math.max(1, Math.ceil(words / WORKGROUP)));

/** `groups` workgroups as a 2-D grid within the 65535 per-dimension limit (kernels fold it back as x + y * nwg.x). */
export function groupGrid(groups: number): [number, number] {
  if (groups <= 65535) return [groups, 1];
  const y = Math.ceil(groups / 65535);
  return [Math.ceil(groups / y), y];
}

/** Output words for n elements of `out`. */
export const wordsFor = (n: number, out: GpuDtype) => Math.ceil((n * out.bytes) / 4);

/**
 * The WGSL for `key`, built once: a kernel's source depends only on what its
 * key names (op, dtypes, layouts), and handing the pipeline cache the same
 * string object each time spares rebuilding and rehashing kilobytes of WGSL
 * per dispatch (most of a small kernel's dispatch cost).
 */
export function cachedSource(key: string, build: () => string): string {
  let s = sources.get(key);
  if (s === undefined) sources.set(key, (s = build()));
  return s;
}
const sources = new Map<string, string>();

// MLX's einsum_path: the greedy contraction order MLX's einsum would use (as
// mlx/einsum.cpp, after numpy and opt_einsum) and MLX's summary of its cost.
// Only the operands' shapes are read.

import { MxArray } from "../array.js";
import { describe } from "../describe.js";
import { arrayArg } from "../args.js";
import { shapeText } from "./common.js";

interface Term { str: string; set: Set<string> }

/** The input subscripts and the output (inferred in implicit mode as MLX does). */
function parse(subscripts: string): [string[], string] {
  const s = subscripts.replace(/ /g, "");
  const arrow = s.indexOf("->");
  if (arrow >= 0) return [s.slice(0, arrow).split(","), s.slice(arrow + 2)];
  // Implicit: an ellipsis first, then the letters seen once, sorted.
  let rhs = "";
  const counts = new Map<string, number>();
  for (const c of s) {
    if (c === ",") continue;
    if (c === "." && rhs === "") {
      rhs += "...";
      continue;
    }
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  for (const [c, n] of counts) if (n === 1) rhs += c;
  return [s.split(","), [...rhs].sort().join("")];
}

const termSize = (term: Iterable<string>, dims: Map<string, number>) => {
  let size = 1;
  for (const c of term) size *= dims.get(c) ?? 0;
  return size;
};

function flopCount(term: Set<string>, inner: boolean, numTerms: number, dims: Map<string, number>): number {
  const factor = Math.max(1, numTerms - 1) + (inner ? 1 : 0);
  return termSize(term, dims) * factor;
}

function costAndScaling(inputs: Term[], output: Term, dims: Map<string, number>): [number, number] {
  const all = new Set<string>();
  for (const t of inputs) for (const c of t.set) all.add(c);
  const inner = [...all].some((c) => !output.set.has(c));
  return [flopCount(all, inner, inputs.length, dims), all.size];
}

interface Candidate { size: number; cost: number; output: Set<string>; dims: number; x: number; y: number }

/** MLX's greedy_path: the positions contracted at each step, its cost and scaling. */
function greedyPath(
  inputs0: Term[], output: Term, dims: Map<string, number>, costLimit: number, memoryLimit: number,
): [number[][], number, number] {
  const inputs = [...inputs0];
  let pairs: [number, number][] = [];
  for (let i = 0; i < inputs.length; ++i) for (let j = i + 1; j < inputs.length; ++j) pairs.push([i, j]);
  const path: number[][] = [];
  let candidates: Candidate[] = [];
  let pathCost = 0, pathScaling = 0;
  const n = inputs.length;
  for (let step = 0; step < n - 1; ++step) {
    const consider = (p1: number, p2: number) => {
      const contracted = new Set([...inputs[p1]!.set, ...inputs[p2]!.set]);
      const kept = new Set<string>();
      inputs.forEach((t, i) => {
        if (i !== p1 && i !== p2) for (const c of t.set) if (contracted.has(c)) kept.add(c);
      });
      for (const c of output.set) if (contracted.has(c)) kept.add(c);
      const newSize = termSize(kept, dims);
      if (newSize > memoryLimit) return;
      const removed = termSize(inputs[p1]!.set, dims) + termSize(inputs[p2]!.set, dims) - newSize;
      const cost = flopCount(contracted, contracted.size > kept.size, 2, dims);
      if (pathCost + cost > costLimit) return;
      candidates.push({ size: removed, cost, output: kept, dims: contracted.size, x: p1, y: p2 });
    };
    const overlap = (a: Set<string>, b: Set<string>) => [...a].some((c) => b.has(c));
    for (const [p1, p2] of pairs) if (overlap(inputs[p1]!.set, inputs[p2]!.set)) consider(p1, p2);
    // Outer products only when nothing else is left.
    if (candidates.length === 0) for (const [p1, p2] of pairs) consider(p1, p2);
    if (candidates.length === 0) {
      // The remaining terms in one naive contraction.
      path.push(inputs.map((_, i) => i));
      const [cost, scale] = costAndScaling(inputs, output, dims);
      pathCost += cost;
      pathScaling = Math.max(scale, pathScaling);
      break;
    }
    // The largest size reduction, then the lowest cost; the first such.
    let best = candidates[0]!;
    for (const c of candidates) if (c.size > best.size || (c.size === best.size && c.cost < best.cost)) best = c;
    pathScaling = Math.max(best.dims, pathScaling);
    const str = [...best.output].sort().sort((a, b) => dims.get(a)! - dims.get(b)!).join("");
    path.push([best.x, best.y]);
    inputs.splice(best.y, 1);
    inputs.splice(best.x, 1);
    inputs.push({ str, set: best.output });
    candidates = candidates
      .filter((c) => c.x !== best.x && c.x !== best.y && c.y !== best.x && c.y !== best.y)
      .map((c) => ({
        ...c,
        x: c.x - (c.x > best.x ? 1 : 0) - (c.x > best.y ? 1 : 0),
        y: c.y - (c.y > best.x ? 1 : 0) - (c.y > best.y ? 1 : 0),
      }));
    pairs = [];
    for (let i = 0; i < inputs.length - 1; ++i) pairs.push([i, inputs.length - 1]);
    pathCost += best.cost;
  }
  return [path, pathCost, pathScaling];
}

/**
 * The contraction path MLX's einsum takes for these operands (each step the
 * positions, in the current list of terms, of the terms contracted; the
 * result goes to the end of the list) and MLX's description of it: the
 * complete contraction, naive and optimized scaling and FLOP counts.
 */
export function einsumPath(subscripts: string, ...operands: MxArray[]): [number[][], string] {
  const op = "einsum_path";
  if (typeof subscripts !== "string") throw new Error(`[${op}] subscripts must be a string, got ${describe(subscripts)}.`);
  const xs = operands.map((a, i) => arrayArg(a, `operand ${i}`, op));
  if (xs.length === 0) throw new Error(`[${op}] At least one operand is required.`);
  const [ins, out0] = parse(subscripts);
  if (xs.length !== ins.length)
    throw new Error(`[${op}] Number of operands, ${xs.length}, does not match number of input subscripts, ${ins.length}`);
  // Ellipses become unused letters (the last ones, so shorter operands line up to the right).
  const used = new Set(subscripts);
  let spare = "";
  for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") if (!used.has(c)) spare += c;
  let maxEllipsis = 0;
  const expand = (sub: string, x: MxArray | null, i: number): string => {
    let have = false, before = 0, after = 0;
    for (let j = 0; j < sub.length; ++j) {
      if (!/[A-Za-z]/.test(sub[j]!)) {
        if (sub.slice(j, j + 3) !== "..." || j + 2 >= sub.length)
          throw new Error(`[${op}] Subscripts must be letters, but got '${sub[j]}'.`);
        if (have) throw new Error(`[${op}] Only one ellipsis per subscript is allowed but found more in '${sub}'.`);
        have = true;
        j += 2;
        continue;
      }
      if (have) ++after;
      else ++before;
    }
    if (!have) return sub;
    let len = maxEllipsis;
    if (x) {
      len = x.ndim - before - after;
      if (len < 0)
        throw new Error(`[${op}] Operand ${i} with shape ${shapeText(x.shape)} has insufficient dimensions for subscript '${sub}'. The ellipsis requires at least ${before + after} dimensions but the operand has ${x.ndim} dimensions.`);
      maxEllipsis = Math.max(maxEllipsis, len);
    }
    return sub.slice(0, before) + spare.slice(spare.length - len) + sub.slice(before + 3);
  };
  const inSubs = ins.map((s, i) => expand(s, xs[i]!, i));
  const outSub = expand(out0, null, -1);
  const output: Term = { str: outSub, set: new Set(outSub) };
  if (output.set.size !== outSub.length) throw new Error(`[${op}] Repeat indices not allowed in output.`);
  const dims = new Map<string, number>();
  const inputs: Term[] = inSubs.map((s, i) => {
    const x = xs[i]!;
    if (s.length !== x.ndim)
      throw new Error(`[${op}] Invalid number of subscripts ${s.length} for input ${i} with ${x.ndim} dimensions.`);
    const local = new Map<string, number>();
    [...s].forEach((c, j) => {
      const d = x.shape[j]!;
      if (local.has(c) && local.get(c) !== d)
        throw new Error(`[${op}] Dimensions of repeated subscripts do not have the same size (${local.get(c)} != ${d}).`);
      local.set(c, d);
      const have = dims.get(c);
      if (have !== undefined && d !== 1 && have !== 1 && have !== d)
        throw new Error(`[${op}] Cannot broadcast dimension ${j} of input ${i} with shape ${shapeText(x.shape)} to size ${have}.`);
      dims.set(c, Math.max(have ?? d, d));
    });
    return { str: s, set: new Set(s) };
  });
  const maxSize = Math.max(termSize(outSub, dims), ...inSubs.map((s) => termSize(s, dims)));
  const [naiveCost, naiveScaling] = costAndScaling(inputs, output, dims);
  let path: number[][], cost: number, scaling: number;
  if (inputs.length <= 2) [path, cost, scaling] = [[inputs.map((_, i) => i)], naiveCost, naiveScaling];
  else [path, cost, scaling] = greedyPath(inputs, output, dims, naiveCost, maxSize);
  const text =
    `  Complete contraction:  ${subscripts}\n` +
    `         Naive scaling:  ${naiveScaling}\n` +
    `     Optimized scaling:  ${scaling}\n` +
    `      Naive FLOP count:  ${naiveCost}\n` +
    `  Optimized FLOP count:  ${cost}\n`;
  return [path, text];
}

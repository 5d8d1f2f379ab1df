// MLX's affine group-wise quantization (core/primitives/quantized.h): a row
// of K values is a little-endian bit stream of bits-wide codes in uint32
// words (code i at bits [i*bits, (i+1)*bits), so 3, 5 and 6-bit codes may
// straddle two words), with one scale and one bias per group of group_size
// values: value = scale * code + bias.
//   Dequantize       (w, scales, biases) -> (..., K)
//   QuantizedMatmul  (x, w, scales, biases) -> x @ dequantize(w).T
//                    (transpose, w (N, K)) or x @ dequantize(w) (w (K, N))
// The dequantized matrix is never stored: Dequantize writes one output
// element per invocation; QuantizedMatmul with 2-D weights (a linear layer)
// is a tiled GEMM that decodes the weight tiles as it stages them, and with
// batched weights computes one output element per invocation. Sums run in
// f32 (float16/bfloat16 widened on load, the result rounded once), as on
// the CPU.
//
// Every operand is read through its strides (vmap and batch broadcasting
// make views). Output element e is (lead, col): lead runs over the output's
// leading axes, of which an operand may have only the first ones (x has them
// all; batched weights the batch axes; 2-D weights none): those it lacks get
// stride 0.

import type { Dispatch, KernelCall, KernelPlan, Operand } from "../dispatch_types.js";
import { bindings, cachedSource, wordLoop, wordsFor } from "../codegen.js";
import { DtypeCodes } from "../../generated/boundary.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";
import { TILE, gatheredGemm, partialsFor, splitReduction, sumParts } from "./gathered_gemm.js";

const isFloat = (c: number) => gpuDtypes.get(c)?.compute === "f32";

export function supportsQuantized(op: string, inputs: number[], outputs: number[]): boolean {
  if (outputs.length !== 1 || !isFloat(outputs[0]!)) return false;
  const rest = op === "QuantizedMatmul" ? inputs.slice(1) : op === "Dequantize" ? inputs : null;
  if (!rest || rest.length !== 3) return false;
  if (op === "QuantizedMatmul" && !isFloat(inputs[0]!)) return false;
  return rest[0] === DtypeCodes.uint32 && isFloat(rest[1]!) && isFloat(rest[2]!);
}

/**
 * Parameters: [n, nl, last (the output's last axis), K (the reduction),
 * bits, group size, lead shape (nl)], then per input: offset, lead strides
 * (nl), row stride, column stride.
 */
function params(n: number, out: Operand, K: number, bits: number, gs: number, inputs: { o: Operand; lead: number }[]) {
  const nl = out.shape.length - 1;
  const p = [n, nl, out.shape[nl]!, K, bits, gs, ...out.shape.slice(0, nl)];
  for (const { o, lead } of inputs) {
    const nd = o.strides.length;
    const leadStrides = Array.from({ length: nl }, (_, d) => (d < lead ? o.strides[d]! : 0));
    p.push(o.offset, ...leadStrides, nd >= 2 ? o.strides[nd - 2]! : 0, o.strides[nd - 1]!);
  }
  return p;
}

/** WGSL helpers: base{k}(lead), rowStride{k}, colStride{k} for `count` inputs, and code(k's words). */
function helpers(count: number, wordsInput: number): string {
  let s = "";
  for (let k = 0; k < count; ++k) {
    const at = `6 + prm[1] + ${k} * (prm[1] + 3)`;
    s += `fn base${k}(lead: u32) -> i32 {
  let nl = prm[1];
  let at = ${at};
  var r = lead;
  var i = prm[at];
  for (var d = nl - 1; d >= 0; d--) {
    let size = u32(prm[6 + d]);
    i += i32(r % size) * prm[at + 1 + d];
    r = r / size;
  }
  return i;
}
fn rowStride${k}() -> i32 { return prm[${at} + 1 + prm[1]]; }
fn colStride${k}() -> i32 { return prm[${at} + 2 + prm[1]]; }
`;
  }
  // Code at bit position pos of the word row at base (words step apart).
  s += `fn code(base: i32, step: i32, pos: u32) -> u32 {
  let bits = u32(prm[4]);
  let at = i32(pos >> 5u);
  let sh = pos & 31u;
  var c = in${wordsInput}[u32(base + at * step)] >> sh;
  if (sh + bits > 32u) { c |= in${wordsInput}[u32(base + (at + 1) * step)] << (32u - sh); }
  return c & ((1u << bits) - 1u);
}
`;
  return s;
}

function dequantizeKernel(d: Dispatch): KernelCall {
  const [wq, scales, biases] = d.inputs as [Operand, Operand, Operand];
  const output = d.outputs[0]!;
  const out = gpuDtype(output.dtype), S = gpuDtype(scales.dtype), B = gpuDtype(biases.dtype);
  const n = output.shape.reduce((a, b) => a * b, 1);
  const nl = output.shape.length - 1;
  const body = `
    let last = u32(prm[2]);
    let col = e % last;
    let lead = e / last;
    let q = code(base0(lead), colStride0(), col * u32(prm[4]));
    let grp = i32(col / u32(prm[5]));
    let sc = ${S.load("in1", "u32(base1(lead) + grp * colStride1())")};
    let bi = ${B.load("in2", "u32(base2(lead) + grp * colStride2())")};
    v = sc * f32(q) + bi;`;
  const source = cachedSource(`dequantize:${S.name}:${B.name}:${out.name}`, () =>
    bindings(3) + helpers(3, 0) + wordLoop(out, body));
  const ins = [wq, scales, biases].map((o) => ({ o, lead: nl }));
  return {
    source,
    params: params(n, output, 0, d.state.bits as number, d.state.group_size as number, ins),
    words: wordsFor(n, out),
    inputs: d.inputs,
    output,
  };
}

/**
 * Transposed (w is (N, K)): output column col is w's row col; each group's
 * partial sums sum(x * code) and sum(x) take its scale and bias once.
 * Otherwise (w is (K, N)): row k of w holds column col's code at col*bits.
 */
function quantizedMatmulKernel(d: Dispatch): KernelCall {
  const [x, wq, scales, biases] = d.inputs as [Operand, Operand, Operand, Operand];
  const output = d.outputs[0]!;
  const transpose = d.state.transpose as boolean;
  const out = gpuDtype(output.dtype), X = gpuDtype(x.dtype), S = gpuDtype(scales.dtype), B = gpuDtype(biases.dtype);
  const n = output.shape.reduce((a, b) => a * b, 1);
  const nl = output.shape.length - 1;
  const K = x.shape[x.shape.length - 1]!;
  const load = (T: typeof X, k: number, at: string) => T.load(`in${k}`, `u32(${at})`);
  const body = `
    let last = u32(prm[2]);
    let K = prm[3];
    let nbits = u32(prm[4]);
    let gs = prm[5];
    let col = e % last;
    let lead = e / last;
    let xb = base0(lead);
    let xk = colStride0();
    let wb = base1(lead);
    let sb = base2(lead);
    let bb = base3(lead);
    var acc = 0.0;
    ${transpose ? `
    let wr = wb + i32(col) * rowStride1();
    let sr = sb + i32(col) * rowStride2();
    let br = bb + i32(col) * rowStride3();
    for (var grp = 0; grp * gs < K; grp++) {
      var sq = 0.0;
      var sx = 0.0;
      for (var k = grp * gs; k < (grp + 1) * gs; k++) {
        let xv = ${load(X, 0, "xb + k * xk")};
        sq += xv * f32(code(wr, colStride1(), u32(k) * nbits));
        sx += xv;
      }
      acc += ${load(S, 2, "sr + grp * colStride2()")} * sq + ${load(B, 3, "br + grp * colStride3()")} * sx;
    }` : `
    let grp = i32(col) / gs;
    let sc = sb + grp * colStride2();
    let bc = bb + grp * colStride3();
    for (var k = 0; k < K; k++) {
      let q = f32(code(wb + k * rowStride1(), colStride1(), col * nbits));
      let wv = ${load(S, 2, "sc + k * rowStride2()")} * q + ${load(B, 3, "bc + k * rowStride3()")};
      acc += ${load(X, 0, "xb + k * xk")} * wv;
    }`}
    v = acc;`;
  const source = cachedSource(`qmm:${transpose}:${X.name}:${S.name}:${B.name}:${out.name}`, () =>
    bindings(4) + helpers(4, 1) + wordLoop(out, body));
  const batch = wq.shape.length - 2;
  const ins = [{ o: x, lead: nl }, { o: wq, lead: batch }, { o: scales, lead: batch }, { o: biases, lead: batch }];
  return {
    source,
    params: params(n, output, K, d.state.bits as number, d.state.group_size as number, ins),
    words: wordsFor(n, out),
    inputs: d.inputs,
    output,
  };
}

/**
 * The tiled kernel (gathered_gemm.ts) for 2-D weights (a linear layer):
 * rows are x's rows, columns the output features, each tile of the weight
 * decoded (scale * code + bias) as it is staged, along the weight rows'
 * codes. Few rows (one token) split the reduction; a 16-bit result is
 * summed in f32 scratch and rounded by a second pass.
 */
function tiledQuantizedMatmul(d: Dispatch): KernelPlan {
  const [x, wq, scales, biases] = d.inputs as [Operand, Operand, Operand, Operand];
  const output = d.outputs[0]!;
  const transpose = d.state.transpose as boolean;
  const X = gpuDtype(x.dtype), S = gpuDtype(scales.dtype), B = gpuDtype(biases.dtype);
  const n = output.shape.reduce((a, b) => a * b, 1);
  const nl = output.shape.length - 1;
  const N = output.shape[nl]!, K = x.shape[x.shape.length - 1]!;
  // Weight row r holds code i (the other index) in group i / gs.
  const decoded = (r: string, i: string) => `let grp = ${i} / gs;
        let q = f32(code(wb + ${r} * rowStride1(), colStride1(), u32(${i}) * nbits));
        v = ${S.load("in2", `u32(sb + ${r} * rowStride2() + grp * colStride2())`)} * q + ${B.load("in3", `u32(bb + ${r} * rowStride3() + grp * colStride3())`)};`;
  const source = cachedSource(`qmm-tiled:${transpose}:${X.name}:${S.name}:${B.name}`, () =>
    bindings(4) + helpers(4, 1) + gatheredGemm({
      setup: `let nbits = u32(prm[4]);
  let gs = prm[5];
  let part = i32(wid.z);
  let chunk = prm[19 + 5 * prm[1]];
  let xk = colStride0();
  let wb = base1(0u);
  let sb = base2(0u);
  let bb = base3(0u);`,
      rows: "i32(u32(prm[0]) / u32(prm[2]))", cols: "prm[2]", kBegin: "part * chunk", kEnd: "min(prm[3], (part + 1) * chunk)",
      aAlongK: true, bAlongK: transpose,
      loadA: `v = ${X.load("in0", "u32(base0(u32(gm)) + gk * xk)")};`,
      loadB: transpose ? decoded("gn", "gk") : decoded("gk", "gn"),
      store: "out[(part * M + gm) * NC + gn] = bitcast<u32>(r);",
    }));
  const ins = [{ o: x, lead: nl }, { o: wq, lead: 0 }, { o: scales, lead: 0 }, { o: biases, lead: 0 }];
  const tiles: [number, number] = [Math.ceil(N / TILE), Math.ceil(n / N / TILE)];
  // One token (few rows) against a large matrix: split the long reduction.
  const [parts, chunk] = splitReduction(tiles[0] * tiles[1], K);
  // A 16-bit result is summed in f32 scratch, then rounded by the second pass.
  const direct = parts === 1 && gpuDtype(output.dtype).name === "float32";
  const partials = direct ? output : partialsFor(parts, output, n, true);
  const gemm: KernelCall = {
    source,
    params: [...params(n, output, K, d.state.bits as number, d.state.group_size as number, ins), parts, chunk],
    words: 0,
    grid: [...tiles, parts],
    inputs: d.inputs,
    output: partials,
  };
  if (direct) return { stages: [gemm], scratch: [] };
  return { stages: [gemm, sumParts(partials, output, n, parts)], scratch: [parts * n * 4] };
}

function tiledFits(d: Dispatch): boolean {
  const output = d.outputs[0]!;
  const N = output.shape[output.shape.length - 1]!;
  const n = output.shape.reduce((a, b) => a * b, 1);
  return d.inputs[1]!.shape.length === 2 && n > 0 &&
    Math.ceil(N / TILE) <= 65535 && Math.ceil(n / N / TILE) <= 65535;
}

export function quantizedKernel(d: Dispatch): KernelCall | KernelPlan {
  if (d.op === "Dequantize") return dequantizeKernel(d);
  return tiledFits(d) ? tiledQuantizedMatmul(d) : quantizedMatmulKernel(d);
}

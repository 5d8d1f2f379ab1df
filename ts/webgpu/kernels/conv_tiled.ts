// The convolution modes with a float32 result as implicit GEMMs, one per
// group, whose operand tiles are gathered straight into workgroup memory
// (the column matrix of im2col is never stored; positions in the padding,
// or that a stride skips, read as zeros):
//   Convolution     rows (n, oy, ox), columns o of the group, reduction
//                   (ky, kx, c): x gathered times the weight's rows
//   ConvInputGrad   rows (n, iy, ix), columns c, reduction (ky, kx, o): y
//                   at the output position each tap reaches (zero when the
//                   stride skips it) times the weight
//   ConvWeightGrad  rows o, columns (ky, kx, c), reduction over the output
//                   positions (n, oy, ox): y's channel times x gathered
// The weight gradient's reduction is long and its output small, so it is
// split over workgroups (gathered_gemm.ts's split-K).
//
// The tiling is gathered_gemm.ts's; each mode's loads walk its operands'
// contiguous axes (channels: x's, y's and the weight's last).
// Grid: (column tiles, row tiles, groups x splits).

import type { Dispatch, KernelCall, KernelPlan, Operand } from "../dispatch_types.js";
import { bindings, cachedSource } from "../codegen.js";
import { type GpuDtype, gpuDtype } from "../wgsl_dtypes.js";
import { CONV_LETS, type ConvGeometry, convGeometry, convLoader, convParams } from "./conv_common.js";
import { TILE, gatheredGemm, partialsFor, splitReduction, sumParts } from "./gathered_gemm.js";


/** A mode's GEMM: sizes, and WGSL that sets `v` to A[gm, gk] / B[gk, gn], and an output element's index. */
interface Gemm {
  rows: (g: ConvGeometry) => number;
  cols: (g: ConvGeometry) => number;
  depth: (g: ConvGeometry) => number;
  /** WGSL i32 expressions of M, NC, KR over CONV_LETS. */
  sizes: [string, string, string];
  /** Whether A's loads walk k (else m) and B's walk k (else n) fastest. */
  aAlongK: boolean;
  bAlongK: boolean;
  loadA: string;
  loadB: string;
  outIndex: string;
  loaders: [string, string];
}

const GEMMS: Record<string, Gemm> = {
  Convolution: {
    rows: (g) => g.N * g.OH * g.OW, cols: (g) => g.Og, depth: (g) => g.KH * g.KW * g.Cg,
    sizes: ["N * OH * OW", "Og", "KH * KW * Cg"],
    aAlongK: true, bAlongK: true,
    loadA: `let ox = gm % OW;
        let tm = gm / OW;
        let tk = gk / Cg;
        let iy = (tm % OH) * s0 + (tk / KW) * d0 - p0;
        let ix = ox * s1 + (tk % KW) * d1 - p1;
        if (iy >= 0 && iy < H && ix >= 0 && ix < W) { v = ld_x(tm / OH, iy, ix, grp * Cg + gk % Cg); }`,
    loadB: `let tk = gk / Cg;
        v = ld_w(grp * Og + gn, tk / KW, tk % KW, gk % Cg);`,
    outIndex: "gm * O + grp * Og + gn",
    loaders: ["ld_x", "ld_w"],
  },
  ConvInputGrad: {
    rows: (g) => g.N * g.H * g.W, cols: (g) => g.Cg, depth: (g) => g.KH * g.KW * g.Og,
    sizes: ["N * H * W", "Cg", "KH * KW * Og"],
    aAlongK: true, bAlongK: false,
    loadA: `let ix = gm % W;
        let tm = gm / W;
        let tk = gk / Og;
        let ty = tm % H + p0 - (tk / KW) * d0;
        let tx = ix + p1 - (tk % KW) * d1;
        if (ty >= 0 && tx >= 0 && ty % s0 == 0 && tx % s1 == 0 && ty / s0 < OH && tx / s1 < OW) {
          v = ld_y(tm / H, ty / s0, tx / s1, grp * Og + gk % Og);
        }`,
    loadB: `let tk = gk / Og;
        v = ld_w(grp * Og + gk % Og, tk / KW, tk % KW, gn);`,
    outIndex: "gm * C + grp * Cg + gn",
    loaders: ["ld_y", "ld_w"],
  },
  ConvWeightGrad: {
    rows: (g) => g.Og, cols: (g) => g.KH * g.KW * g.Cg, depth: (g) => g.N * g.OH * g.OW,
    sizes: ["Og", "KH * KW * Cg", "N * OH * OW"],
    aAlongK: false, bAlongK: false,
    loadA: `let tp = gk / OW;
        v = ld_y(tp / OH, tp % OH, gk % OW, grp * Og + gm);`,
    loadB: `let tp = gk / OW;
        let tk = gn / Cg;
        let iy = (tp % OH) * s0 + (tk / KW) * d0 - p0;
        let ix = (gk % OW) * s1 + (tk % KW) * d1 - p1;
        if (iy >= 0 && iy < H && ix >= 0 && ix < W) { v = ld_x(tp / OH, iy, ix, grp * Cg + gn % Cg); }`,
    outIndex: "part * O * NC + (grp * Og + gm) * NC + gn",
    loaders: ["ld_x", "ld_y"],
  },
};

const groupsOf = (g: ConvGeometry) => g.O / g.Og;

/** How many parts the reduction is split into (only the weight gradient's, which is long), and the length of each. */
function split(d: Dispatch, g: ConvGeometry): [number, number] {
  const m = GEMMS[d.op]!;
  const depth = m.depth(g);
  if (d.op !== "ConvWeightGrad") return [1, Math.max(depth, 1)];
  return splitReduction(Math.ceil(m.cols(g) / TILE) * Math.ceil(m.rows(g) / TILE) * groupsOf(g), depth);
}

function tiledSource(op: string, ta: GpuDtype, tb: GpuDtype): string {
  const m = GEMMS[op]!;
  return bindings(2) + convLoader(m.loaders[0], 0, ta) + convLoader(m.loaders[1], 1, tb) + gatheredGemm({
    setup: `${CONV_LETS}
  let parts = prm[28];
  let chunk = prm[29];
  let grp = i32(wid.z) / parts;
  let part = i32(wid.z) % parts;`,
    rowBase: "prm[30]",
    rows: m.sizes[0], cols: m.sizes[1],
    kBegin: "part * chunk", kEnd: `min(${m.sizes[2]}, (part + 1) * chunk)`,
    aAlongK: m.aAlongK, bAlongK: m.bAlongK,
    loadA: m.loadA, loadB: m.loadB,
    store: `out[${m.outIndex}] = bitcast<u32>(r);`,
  });
}

/** Row tiles one dispatch covers (WebGPU's per-dimension workgroup limit). */
const MAX_TILES = 65535;

export function tiledConvKernel(d: Dispatch): KernelPlan {
  const output = d.outputs[0]!;
  const [a, b] = d.inputs as [Operand, Operand];
  const g = convGeometry(d), m = GEMMS[d.op]!;
  const n = output.shape.reduce((x, y) => x * y, 1);
  const [parts, chunk] = split(d, g);
  const rowTiles = Math.ceil(m.rows(g) / TILE), colTiles = Math.ceil(m.cols(g) / TILE);
  if (colTiles > MAX_TILES || groupsOf(g) * parts > MAX_TILES)
    throw new Error(`[${d.op}] The GPU kernel takes at most ${MAX_TILES * TILE} columns and ${MAX_TILES} groups; got ${m.cols(g)} columns and ${groupsOf(g)} groups.`);
  const ta = gpuDtype(a.dtype), tb = gpuDtype(b.dtype);
  const source = cachedSource(`conv-tiled:${d.op}:${ta.name}:${tb.name}`, () => tiledSource(d.op, ta, tb));
  // A 16-bit result is summed in f32 scratch, then rounded by the second pass.
  const direct = parts === 1 && gpuDtype(output.dtype).name === "float32";
  const partials = direct ? output : partialsFor(parts, output, n, true);
  const stages: KernelCall[] = [];
  for (let base = 0; base < rowTiles; base += MAX_TILES)
    stages.push({
      source,
      params: [...convParams(n, g, d.inputs), parts, chunk, base],
      words: 0,
      grid: [colTiles, Math.min(MAX_TILES, rowTiles - base), groupsOf(g) * parts],
      inputs: d.inputs,
      output: partials,
    });
  if (direct) return { stages, scratch: [] };
  return { stages: [...stages, sumParts(partials, output, n, parts)], scratch: [parts * n * 4] };
}

// What the convolution kernels (conv.ts, conv_tiled.ts) share: the
// geometry of a dispatch, whichever of x, w and y is its output, and the
// parameter block with WGSL helpers that read it.

import type { Dispatch, Operand } from "../dispatch_types.js";
import type { GpuDtype } from "../wgsl_dtypes.js";

/** The geometry of one dispatch, whichever operand is the output. */
export interface ConvGeometry {
  N: number; H: number; W: number; C: number;
  O: number; KH: number; KW: number; Cg: number;
  OH: number; OW: number; Og: number;
  stride: number[]; padding: number[]; dilation: number[];
}

/** The three operands (x, w, y) of a dispatch, by role. */
export function convOperands(d: Dispatch): { x: Operand; w: Operand; y: Operand } {
  const [a, b] = d.inputs as [Operand, Operand];
  const r = d.outputs[0]!;
  if (d.op === "Convolution") return { x: a, w: b, y: r };
  if (d.op === "ConvInputGrad") return { x: r, w: b, y: a };
  return { x: a, w: r, y: b };
}

export function convGeometry(d: Dispatch): ConvGeometry {
  const { x, w, y } = convOperands(d);
  const [N, H, W, C] = x.shape as [number, number, number, number];
  const [O, KH, KW, Cg] = w.shape as [number, number, number, number];
  const groups = d.state.groups as number;
  return {
    N, H, W, C, O, KH, KW, Cg, OH: y.shape[1]!, OW: y.shape[2]!, Og: O / groups,
    stride: d.state.stride as number[], padding: d.state.padding as number[], dilation: d.state.dilation as number[],
  };
}

/**
 * The parameter block every conv kernel shares: [n, N, H, W, C, O, KH, KW,
 * Cg, OH, OW, Og, s0, s1, p0, p1, d0, d1], then each input's offset and 4
 * strides.
 */
export function convParams(n: number, g: ConvGeometry, inputs: readonly Operand[]): number[] {
  const p = [n, g.N, g.H, g.W, g.C, g.O, g.KH, g.KW, g.Cg, g.OH, g.OW, g.Og, ...g.stride, ...g.padding, ...g.dilation];
  for (const o of inputs) p.push(o.offset, ...o.strides);
  return p;
}

/** WGSL `let`s naming the shared parameters (i32). */
export const CONV_LETS = `
  let N = prm[1]; let H = prm[2]; let W = prm[3]; let C = prm[4];
  let O = prm[5]; let KH = prm[6]; let KW = prm[7]; let Cg = prm[8];
  let OH = prm[9]; let OW = prm[10]; let Og = prm[11];
  let s0 = prm[12]; let s1 = prm[13]; let p0 = prm[14]; let p1 = prm[15]; let d0 = prm[16]; let d1 = prm[17];`;

/** WGSL function `name(a, b, c, d) -> f32`: input k's element at those 4-D coordinates. */
export function convLoader(name: string, k: number, T: GpuDtype): string {
  const at = 18 + 5 * k;
  return `fn ${name}(a: i32, b: i32, c: i32, d: i32) -> f32 {
  let i = prm[${at}] + a * prm[${at + 1}] + b * prm[${at + 2}] + c * prm[${at + 3}] + d * prm[${at + 4}];
  return ${T.load(`in${k}`, "u32(i)")};
}\n`;
}

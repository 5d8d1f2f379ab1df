// The convolution primitive's three modes (core/primitives/conv.h): MLX
// layouts, input x (N, H, W, C), weight w (O, KH, KW, C / groups), output y
// (N, OH, OW, O), tied by
//   y[n, oy, ox, o] = sum x[n, oy*s0 + ky*d0 - p0, ox*s1 + kx*d1 - p1, g*Cg + c] * w[o, ky, kx, c]
// over in-bounds positions, o in group g:
//   Convolution     (x, w) -> y   (conv1d and conv2d; conv1d is a height-1 conv2d)
//   ConvInputGrad   (y, w) -> x   (the input's gradient; convTranspose is this mode)
//   ConvWeightGrad  (x, y) -> w   (the weight's gradient)
// Operands are read through their strides (the transposed weight of
// convTranspose is a view) and accumulated in f32, float16/bfloat16 widened
// on load and the result rounded once, as on the CPU.
//
// All three run as tiled implicit GEMMs (conv_tiled.ts); a float16 or
// bfloat16 result is summed in f32 scratch and rounded by a second pass.

import { gpuDtypes } from "../wgsl_dtypes.js";
import { tiledConvKernel } from "./conv_tiled.js";

const MODES = ["Convolution", "ConvInputGrad", "ConvWeightGrad"];

export function supportsConv(op: string, inputs: number[], outputs: number[]): boolean {
  if (!MODES.includes(op) || inputs.length !== 2 || outputs.length !== 1) return false;
  return [...inputs, outputs[0]!].every((c) => gpuDtypes.get(c)?.compute === "f32");
}

export const convKernel = tiledConvKernel;

// Identity, Linear and Bilinear (MLX's nn/layers/linear.py).

import { MxArray } from "../../array.js";
import { matmul, addmm } from "../../linalg.js";
import * as random from "../../random.js";
import { tidy } from "../../transforms.js";
import { Module } from "../module.js";
import { arrayInput, boolOpt, nnOptions, positiveInt } from "../options.js";

/** Returns its input. */
export class Identity extends Module {
  constructor(..._args: unknown[]) {
    super();
  }
  override forward(x: MxArray): MxArray {
    return x;
  }
}

/**
 * `x Wᵀ + b`: weight (outputDims, inputDims) and bias (outputDims,) drawn
 * from U(-1/√inputDims, 1/√inputDims).
 */
export class Linear extends Module {
  declare weight: MxArray;
  declare bias?: MxArray;

  constructor(inputDims: number, outputDims: number, options?: { bias?: boolean }) {
    super();
    const tag = "nn.Linear";
    const o = nnOptions(options, tag, ["bias"]);
    positiveInt(inputDims, "inputDims", tag);
    positiveInt(outputDims, "outputDims", tag);
    const scale = Math.sqrt(1 / inputDims);
    this.weight = random.uniform(-scale, scale, [outputDims, inputDims]);
    if (boolOpt(o.bias, "bias", tag, true)) this.bias = random.uniform(-scale, scale, [outputDims]);
  }

  protected override extraRepr(): string {
    return `input_dims=${this.weight.shape[1]}, output_dims=${this.weight.shape[0]}, bias=${this.bias !== undefined}`;
  }

  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", "nn.Linear");
    return tidy(() => (this.bias !== undefined ? addmm(this.bias, x, this.weight.T) : matmul(x, this.weight.T)));
  }
}

/**
 * `x1ᵀ W x2 + b` per output: weight (outputDims, input2Dims, input1Dims),
 * bias (outputDims,), both from U(-1/√input1Dims, 1/√input1Dims).
 */
export class Bilinear extends Module {
  declare weight: MxArray;
  declare bias?: MxArray;

  constructor(input1Dims: number, input2Dims: number, outputDims: number, options?: { bias?: boolean }) {
    super();
    const tag = "nn.Bilinear";
    const o = nnOptions(options, tag, ["bias"]);
    positiveInt(input1Dims, "input1Dims", tag);
    positiveInt(input2Dims, "input2Dims", tag);
    positiveInt(outputDims, "outputDims", tag);
    const scale = Math.sqrt(1 / input1Dims);
    this.weight = random.uniform(-scale, scale, [outputDims, input2Dims, input1Dims]);
    if (boolOpt(o.bias, "bias", tag, true)) this.bias = random.uniform(-scale, scale, [outputDims]);
  }

  override forward(x1: MxArray, x2: MxArray): MxArray {
    const tag = "nn.Bilinear";
    arrayInput(x1, "x1", tag);
    arrayInput(x2, "x2", tag);
    const [out, in2, in1] = this.weight.shape as [number, number, number];
    if (x1.shape[x1.ndim - 1] !== in1 || x2.shape[x2.ndim - 1] !== in2)
      throw new Error(`[${tag}] Expected inputs with last dimensions ${in1} and ${in2}, got (${x1.shape.join(",")}) and (${x2.shape.join(",")}).`);
    const lead = x1.shape.slice(0, -1);
    return tidy(() => {
      const a = x1.reshape(-1, in1);
      const b = x2.reshape(-1, 1, in2);
      const w = this.weight.reshape(out * in2, in1);
      // (n, out*in2) -> (n, in2, out), then x2 (n, 1, in2) @ that -> (n, 1, out).
      const y = matmul(a, w.T).reshape(-1, out, in2).swapaxes(-2, -1);
      let z = matmul(b, y).squeeze(1).reshape(...lead, out);
      if (this.bias !== undefined) z = z.add(this.bias);
      return z;
    });
  }
}

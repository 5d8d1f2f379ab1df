// Embedding (MLX's nn/layers/embedding.py).

import { MxArray } from "../../array.js";
import { matmul } from "../../linalg.js";
import * as random from "../../random.js";
import { take } from "../../shape_ops.js";
import { tidy } from "../../transforms.js";
import { Module } from "../module.js";
import { arrayInput, positiveInt } from "../options.js";

/** A lookup table: weight (numEmbeddings, dims) from N(0, 1/dims). */
export class Embedding extends Module {
  declare weight: MxArray;

  constructor(numEmbeddings: number, dims: number) {
    super();
    positiveInt(numEmbeddings, "numEmbeddings", "nn.Embedding");
    positiveInt(dims, "dims", "nn.Embedding");
    this.weight = random.normal([numEmbeddings, dims], { scale: Math.sqrt(1 / dims) });
  }

  protected override extraRepr(): string {
    return `${this.weight.shape[0]}, ${this.weight.shape[1]}`;
  }

  /** The rows of weight at the integer indices `x`. */
  override forward(x: MxArray): MxArray {
    arrayInput(x, "x", "nn.Embedding");
    return take(this.weight, x, 0);
  }

  /** `x Wᵀ`: the embedding used as an output projection (tied weights). */
  asLinear(x: MxArray): MxArray {
    arrayInput(x, "x", "nn.Embedding.asLinear");
    return tidy(() => matmul(x, this.weight.T));
  }
}

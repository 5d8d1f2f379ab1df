// RNN, GRU, LSTM (MLX's nn/layers/recurrent.py): inputs (N, L, D) or
// (L, D); outputs the hidden state at every step along axis -2.

import { MxArray } from "../../array.js";
import { matmul, addmm } from "../../linalg.js";
import { multiply, sigmoid, tanh as mxTanh } from "../../elementwise.js";
import { slice, split, stack } from "../../shape_ops.js";
import * as random from "../../random.js";
import { tidy } from "../../transforms.js";
import { describe } from "../../describe.js";
import { Module } from "../module.js";
import { tanh } from "../activations.js";
import { arrayInput, boolOpt, nnOptions, positiveInt } from "../options.js";

const step = (x: MxArray, t: number) => x.index("...", t, slice());

function checkInput(x: MxArray, inputSize: number, tag: string): void {
  arrayInput(x, "x", tag);
  if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== inputSize)
    throw new Error(`[${tag}] Expected an input (N, L, ${inputSize}) or (L, ${inputSize}), got shape (${x.shape.join(",")}).`);
}

/** Projects every step's input at once: x Wᵀ (+ b). */
const project = (x: MxArray, w: MxArray, b: MxArray | null) => (b ? addmm(b, x, w.T) : matmul(x, w.T));

/** Elman RNN: h_t = nonlinearity(x_t Wxhᵀ + h_{t-1} Whhᵀ + bias). */
export class RNN extends Module {
  declare Wxh: MxArray;
  declare Whh: MxArray;
  declare bias: MxArray | null;
  declare hidden_size: number;
  declare nonlinearity: (x: MxArray) => MxArray;

  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean; nonlinearity?: ((x: MxArray) => MxArray) | null }) {
    super();
    const tag = "nn.RNN";
    const o = nnOptions(options, tag, ["bias", "nonlinearity"]);
    positiveInt(inputSize, "inputSize", tag);
    this.hidden_size = positiveInt(hiddenSize, "hiddenSize", tag);
    this.nonlinearity = o.nonlinearity ?? tanh;
    if (typeof this.nonlinearity !== "function")
      throw new Error(`[${tag}] Nonlinearity must be callable. Current value: ${describe(o.nonlinearity)}.`);
    const s = 1 / Math.sqrt(hiddenSize);
    this.Wxh = random.uniform(-s, s, [hiddenSize, inputSize]);
    this.Whh = random.uniform(-s, s, [hiddenSize, hiddenSize]);
    this.bias = boolOpt(o.bias, "bias", tag, true) ? random.uniform(-s, s, [hiddenSize]) : null;
  }

  override forward(x: MxArray, options?: { hidden?: MxArray | null }): MxArray {
    const tag = "nn.RNN";
    let hidden = nnOptions(options, tag, ["hidden"]).hidden ?? null;
    checkInput(x, this.Wxh.shape[1]!, tag);
    return tidy(() => {
      const xp = project(x, this.Wxh, this.bias);
      const all: MxArray[] = [];
      for (let t = 0; t < xp.shape[xp.ndim - 2]!; ++t) {
        const pre = hidden ? addmm(step(xp, t), hidden, this.Whh.T) : step(xp, t);
        hidden = this.nonlinearity(pre);
        all.push(hidden);
      }
      return stack(all, -2);
    });
  }
}

/** GRU with MLX's gate layout: Wx (3H, D) and Wh (3H, H) hold [r, z, n]; b (3H,), bhn (H,). */
export class GRU extends Module {
  declare Wx: MxArray;
  declare Wh: MxArray;
  declare b: MxArray | null;
  declare bhn: MxArray | null;
  declare hidden_size: number;

  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean }) {
    super();
    const tag = "nn.GRU";
    const o = nnOptions(options, tag, ["bias"]);
    positiveInt(inputSize, "inputSize", tag);
    this.hidden_size = positiveInt(hiddenSize, "hiddenSize", tag);
    const s = 1 / Math.sqrt(hiddenSize);
    this.Wx = random.uniform(-s, s, [3 * hiddenSize, inputSize]);
    this.Wh = random.uniform(-s, s, [3 * hiddenSize, hiddenSize]);
    const bias = boolOpt(o.bias, "bias", tag, true);
    this.b = bias ? random.uniform(-s, s, [3 * hiddenSize]) : null;
    this.bhn = bias ? random.uniform(-s, s, [hiddenSize]) : null;
  }

  override forward(x: MxArray, options?: { hidden?: MxArray | null }): MxArray {
    const tag = "nn.GRU";
    let hidden = nnOptions(options, tag, ["hidden"]).hidden ?? null;
    checkInput(x, this.Wx.shape[1]!, tag);
    const H = this.hidden_size;
    return tidy(() => {
      const xp = project(x, this.Wx, this.b);
      const [xRz, xN] = split(xp, [2 * H], -1) as [MxArray, MxArray];
      const all: MxArray[] = [];
      for (let t = 0; t < xp.shape[xp.ndim - 2]!; ++t) {
        let rz = step(xRz, t);
        let hN: MxArray | null = null;
        if (hidden) {
          const hp = matmul(hidden, this.Wh.T);
          const [hRz, hn] = split(hp, [2 * H], -1) as [MxArray, MxArray];
          hN = this.bhn ? hn.add(this.bhn) : hn;
          rz = rz.add(hRz);
        }
        const [r, z] = split(sigmoid(rz), 2, -1) as [MxArray, MxArray];
        let n = step(xN, t);
        if (hN) n = n.add(multiply(r, hN));
        else if (this.bhn) n = n.add(multiply(r, this.bhn));
        n = mxTanh(n);
        const keep = z.neg().add(1).mul(n);
        hidden = hidden ? keep.add(z.mul(hidden)) : keep;
        all.push(hidden);
      }
      return stack(all, -2);
    });
  }
}

/** LSTM with gates [i, f, g, o]: Wx (4H, D), Wh (4H, H), bias (4H,). Returns [hidden states, cell states]. */
export class LSTM extends Module {
  declare Wx: MxArray;
  declare Wh: MxArray;
  declare bias: MxArray | null;
  declare hidden_size: number;

  constructor(inputSize: number, hiddenSize: number, options?: { bias?: boolean }) {
    super();
    const tag = "nn.LSTM";
    const o = nnOptions(options, tag, ["bias"]);
    positiveInt(inputSize, "inputSize", tag);
    this.hidden_size = positiveInt(hiddenSize, "hiddenSize", tag);
    const s = 1 / Math.sqrt(hiddenSize);
    this.Wx = random.uniform(-s, s, [4 * hiddenSize, inputSize]);
    this.Wh = random.uniform(-s, s, [4 * hiddenSize, hiddenSize]);
    this.bias = boolOpt(o.bias, "bias", tag, true) ? random.uniform(-s, s, [4 * hiddenSize]) : null;
  }

  override forward(x: MxArray, options?: { hidden?: MxArray | null; cell?: MxArray | null }): [MxArray, MxArray] {
    const tag = "nn.LSTM";
    const o = nnOptions(options, tag, ["hidden", "cell"]);
    let hidden = o.hidden ?? null, cell = o.cell ?? null;
    checkInput(x, this.Wx.shape[1]!, tag);
    return tidy(() => {
      const xp = project(x, this.Wx, this.bias);
      const hs: MxArray[] = [], cs: MxArray[] = [];
      for (let t = 0; t < xp.shape[xp.ndim - 2]!; ++t) {
        const gates = hidden ? addmm(step(xp, t), hidden, this.Wh.T) : step(xp, t);
        const [i, f, g, og] = split(gates, 4, -1) as [MxArray, MxArray, MxArray, MxArray];
        const ig = sigmoid(i).mul(mxTanh(g));
        cell = cell ? sigmoid(f).mul(cell).add(ig) : ig;
        hidden = sigmoid(og).mul(mxTanh(cell));
        hs.push(hidden);
        cs.push(cell);
      }
      return [stack(hs, -2), stack(cs, -2)] as [MxArray, MxArray];
    });
  }
}

// Activation functions (MLX's nn.relu, nn.gelu, ...) and their module forms
// (nn.ReLU, nn.GELU, ...). Each function runs in a tidy scope: only its
// result survives.

import { describe } from "../describe.js";
import { MxArray } from "../array.js";
import { full } from "../creation.js";
import { maximum, minimum, multiply, abs, erf, exp, negative, sigmoid as mxSigmoid, sign, square, stopGradient, tanh as mxTanh, where, logaddexp } from "../elementwise.js";
import { logsumexp, softmax as mxSoftmax } from "../reduce_ops.js";
import { split } from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { Module } from "./module.js";
import { arrayInput, nnOptions, numberArg, positiveInt, setting } from "./options.js";

const fn1 = (tag: string, f: (x: MxArray) => MxArray) => (x: MxArray): MxArray => {
  arrayInput(x, "x", tag);
  return tidy(() => f(x));
};

export const sigmoid = fn1("nn.sigmoid", (x) => mxSigmoid(x));
export const relu = fn1("nn.relu", (x) => maximum(x, 0));
/** relu(x)². */
export const relu2 = fn1("nn.relu2", (x) => square(maximum(x, 0)));
export const relu6 = fn1("nn.relu6", (x) => minimum(maximum(x, 0), 6));
export const softplus = fn1("nn.softplus", (x) => logaddexp(x, 0));
export const softsign = fn1("nn.softsign", (x) => x.div(abs(x).add(1)));
export const silu = fn1("nn.silu", (x) => x.mul(mxSigmoid(x)));
export const logSigmoid = fn1("nn.logSigmoid", (x) => negative(logaddexp(negative(x), 0)));
/** The exact GELU, x Φ(x). */
export const gelu = fn1("nn.gelu", (x) => x.mul(erf(x.mul(Math.SQRT1_2)).add(1)).div(2));
/** GELU's tanh approximation. */
export const geluApprox = fn1("nn.geluApprox", (x) =>
  x.mul(0.5).mul(mxTanh(x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI))).add(1)));
/** x σ(1.702 x). */
export const geluFastApprox = fn1("nn.geluFastApprox", (x) => x.mul(mxSigmoid(x.mul(1.702))));
export const mish = fn1("nn.mish", (x) => x.mul(mxTanh(logaddexp(x, 0))));
export const hardswish = fn1("nn.hardswish", (x) => x.mul(minimum(maximum(x.add(3), 0), 6)).div(6));
export const tanh = fn1("nn.tanh", (x) => mxTanh(x));
export const selu = fn1("nn.selu", (x) => eluCore(x, 1.67326).mul(1.0507));

function eluCore(x: MxArray, alpha: number): MxArray {
  return where(x.greater(0), x, exp(x).sub(1).mul(alpha));
}

export function leakyRelu(x: MxArray, options?: { negativeSlope?: number }): MxArray {
  const tag = "nn.leakyRelu";
  const s = numberArg(nnOptions(options, tag, ["negativeSlope"]).negativeSlope ?? 0.01, "negativeSlope", tag);
  arrayInput(x, "x", tag);
  return tidy(() => maximum(x.mul(s), x));
}

export function elu(x: MxArray, options?: { alpha?: number }): MxArray {
  const tag = "nn.elu";
  const a = numberArg(nnOptions(options, tag, ["alpha"]).alpha ?? 1, "alpha", tag);
  arrayInput(x, "x", tag);
  return tidy(() => eluCore(x, a));
}

export function celu(x: MxArray, options?: { alpha?: number }): MxArray {
  const tag = "nn.celu";
  const a = numberArg(nnOptions(options, tag, ["alpha"]).alpha ?? 1, "alpha", tag);
  arrayInput(x, "x", tag);
  return tidy(() => maximum(x, 0).add(exp(minimum(x, 0).div(a)).sub(1).mul(a)));
}

export function softmax(x: MxArray, options?: { axis?: number }): MxArray {
  const tag = "nn.softmax";
  const axis = nnOptions(options, tag, ["axis"]).axis ?? -1;
  arrayInput(x, "x", tag);
  return mxSoftmax(x, axis);
}

export function softmin(x: MxArray, options?: { axis?: number }): MxArray {
  const tag = "nn.softmin";
  const axis = nnOptions(options, tag, ["axis"]).axis ?? -1;
  arrayInput(x, "x", tag);
  return tidy(() => mxSoftmax(negative(x), axis));
}

export function logSoftmax(x: MxArray, options?: { axis?: number }): MxArray {
  const tag = "nn.logSoftmax";
  const axis = nnOptions(options, tag, ["axis"]).axis ?? -1;
  arrayInput(x, "x", tag);
  return tidy(() => {
    const shifted = x.sub(stopGradient(x.max(axis, true)));
    return shifted.sub(logsumexp(shifted, axis, true));
  });
}

export function softshrink(x: MxArray, options?: { lambd?: number }): MxArray {
  const tag = "nn.softshrink";
  const l = numberArg(nnOptions(options, tag, ["lambd"]).lambd ?? 0.5, "lambd", tag);
  arrayInput(x, "x", tag);
  return tidy(() => where(abs(x).greater(l), x.sub(sign(x).mul(l)), 0));
}

export function hardShrink(x: MxArray, options?: { lambd?: number }): MxArray {
  const tag = "nn.hardShrink";
  const l = numberArg(nnOptions(options, tag, ["lambd"]).lambd ?? 0.5, "lambd", tag);
  arrayInput(x, "x", tag);
  return tidy(() => where(abs(x).greater(l), x, 0));
}

export function hardTanh(x: MxArray, options?: { minVal?: number; maxVal?: number }): MxArray {
  const tag = "nn.hardTanh";
  const o = nnOptions(options, tag, ["minVal", "maxVal"]);
  const lo = numberArg(o.minVal ?? -1, "minVal", tag), hi = numberArg(o.maxVal ?? 1, "maxVal", tag);
  arrayInput(x, "x", tag);
  return tidy(() => minimum(maximum(x, lo), hi));
}

/** 1 where x >= threshold, else 0. */
export function step(x: MxArray, options?: { threshold?: number }): MxArray {
  const tag = "nn.step";
  const t = numberArg(nnOptions(options, tag, ["threshold"]).threshold ?? 0, "threshold", tag);
  arrayInput(x, "x", tag);
  return tidy(() => where(x.greaterEqual(t), 1, 0));
}

/** The first half of x along `axis` gated by the sigmoid of the second half. */
export function glu(x: MxArray, options?: { axis?: number }): MxArray {
  const tag = "nn.glu";
  const axis = nnOptions(options, tag, ["axis"]).axis ?? -1;
  arrayInput(x, "x", tag);
  return tidy(() => {
    const [a, b] = split(x, 2, axis);
    return a!.mul(mxSigmoid(b!));
  });
}

/** max(0, x) + alpha * min(0, x). */
export function prelu(x: MxArray, alpha: MxArray): MxArray {
  const tag = "nn.prelu";
  arrayInput(x, "x", tag);
  arrayInput(alpha, "alpha", tag);
  return tidy(() => maximum(x, 0).add(multiply(alpha, minimum(x, 0))));
}

// ---- module forms ----

/** A module that applies a fixed function. */
class Activation extends Module {
  declare _fn: (x: MxArray) => MxArray;

  constructor(fn: (x: MxArray) => MxArray) {
    super();
    setting(this, "_fn", fn);
  }
  override forward(x: MxArray): MxArray {
    return this._fn(x);
  }
}

export class Sigmoid extends Activation { constructor() { super(sigmoid); } }
export class ReLU extends Activation { constructor() { super(relu); } }
export class ReLU2 extends Activation { constructor() { super(relu2); } }
export class ReLU6 extends Activation { constructor() { super(relu6); } }
export class Softplus extends Activation { constructor() { super(softplus); } }
export class Softsign extends Activation { constructor() { super(softsign); } }
export class SiLU extends Activation { constructor() { super(silu); } }
export class LogSigmoid extends Activation { constructor() { super(logSigmoid); } }
export class Mish extends Activation { constructor() { super(mish); } }
export class Hardswish extends Activation { constructor() { super(hardswish); } }
export class Tanh extends Activation { constructor() { super(tanh); } }
export class SELU extends Activation { constructor() { super(selu); } }
export class Softmax extends Activation { constructor() { super((x) => softmax(x)); } }
export class Softmin extends Activation { constructor() { super((x) => softmin(x)); } }
export class LogSoftmax extends Activation { constructor() { super((x) => logSoftmax(x)); } }

export class LeakyReLU extends Activation {
  constructor(options?: { negativeSlope?: number }) {
    const s = numberArg(nnOptions(options, "nn.LeakyReLU", ["negativeSlope"]).negativeSlope ?? 0.01, "negativeSlope", "nn.LeakyReLU");
    super((x) => leakyRelu(x, { negativeSlope: s }));
  }
}

export class ELU extends Activation {
  constructor(options?: { alpha?: number }) {
    const a = numberArg(nnOptions(options, "nn.ELU", ["alpha"]).alpha ?? 1, "alpha", "nn.ELU");
    super((x) => elu(x, { alpha: a }));
  }
}

export class CELU extends Activation {
  constructor(options?: { alpha?: number }) {
    const a = numberArg(nnOptions(options, "nn.CELU", ["alpha"]).alpha ?? 1, "alpha", "nn.CELU");
    super((x) => celu(x, { alpha: a }));
  }
}

export class Softshrink extends Activation {
  constructor(options?: { lambd?: number }) {
    const l = numberArg(nnOptions(options, "nn.Softshrink", ["lambd"]).lambd ?? 0.5, "lambd", "nn.Softshrink");
    super((x) => softshrink(x, { lambd: l }));
  }
}

export class HardShrink extends Activation {
  constructor(options?: { lambd?: number }) {
    const l = numberArg(nnOptions(options, "nn.HardShrink", ["lambd"]).lambd ?? 0.5, "lambd", "nn.HardShrink");
    super((x) => hardShrink(x, { lambd: l }));
  }
}

export class HardTanh extends Activation { constructor() { super((x) => hardTanh(x)); } }

export class Step extends Activation {
  constructor(options?: { threshold?: number }) {
    const t = numberArg(nnOptions(options, "nn.Step", ["threshold"]).threshold ?? 0, "threshold", "nn.Step");
    super((x) => step(x, { threshold: t }));
  }
}

export class GLU extends Activation {
  constructor(options?: { axis?: number }) {
    const axis = nnOptions(options, "nn.GLU", ["axis"]).axis ?? -1;
    super((x) => glu(x, { axis }));
  }
}

/** GELU; `approx` "none" (exact, default), "precise" or "tanh" (tanh form), "fast" (x σ(1.702 x)). */
export class GELU extends Activation {
  constructor(options?: { approx?: "none" | "precise" | "tanh" | "fast" }) {
    const approx = nnOptions(options, "nn.GELU", ["approx"]).approx ?? "none";
    const allowed = ["none", "precise", "tanh", "fast"];
    if (!allowed.includes(approx))
      throw new Error(`[nn.GELU] The approximation should be in ${JSON.stringify(allowed)} but ${typeof approx === "string" ? `'${approx}'` : describe(approx)} was given.`);
    super(approx === "none" ? gelu : approx === "fast" ? geluFastApprox : geluApprox);
  }
}

/** prelu with a learned slope: `weight`, shape (numParameters,), starting at `init`. */
export class PReLU extends Module {
  declare weight: MxArray;
  constructor(options?: { numParameters?: number; init?: number }) {
    super();
    const o = nnOptions(options, "nn.PReLU", ["numParameters", "init"]);
    const n = positiveInt(o.numParameters ?? 1, "numParameters", "nn.PReLU");
    this.weight = full([n], numberArg(o.init ?? 0.25, "init", "nn.PReLU"));
  }
  override forward(x: MxArray): MxArray {
    return prelu(x, this.weight);
  }
}


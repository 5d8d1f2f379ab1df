// nn.losses: MLX's loss functions. Arguments MLX gives defaults go in the
// trailing options object (`crossEntropy(logits, targets, {labelSmoothing,
// weights, axis, reduction})`); each runs in a tidy scope.

import { MxArray } from "../array.js";
import { expandDims, takeAlongAxis } from "../shape_ops.js";
import { maximum, minimum, abs, exp, log, sqrt, square, stopGradient, where, clip, logaddexp, power } from "../elementwise.js";
import { logsumexp } from "../reduce_ops.js";
import { tidy } from "../transforms.js";
import { describe } from "../describe.js";
import { arrayInput, nnOptions, numberArg, sameShape, shapeStr } from "./options.js";

export type Reduction = "none" | "mean" | "sum";

function reduction(r: unknown, def: Reduction, tag: string): Reduction {
  const v = r ?? def;
  if (v !== "none" && v !== "mean" && v !== "sum")
    throw new Error(`[${tag}] Invalid reduction ${describe(v)}. Must be one of "none", "mean", "sum".`);
  return v;
}

function reduce(loss: MxArray, r: Reduction): MxArray {
  return r === "mean" ? loss.mean() : r === "sum" ? loss.sum() : loss;
}

function sameShapes(tag: string, what: [string, MxArray][]): void {
  for (const [n, a] of what) arrayInput(a, n, tag);
  const [n0, a0] = what[0]!;
  for (const [n, a] of what.slice(1))
    if (!sameShape(a.shape, a0.shape))
      throw new Error(`[${tag}] ${n0} shape ${shapeStr(a0.shape)} does not match ${n} shape ${shapeStr(a.shape)}.`);
}

function applyWeights(loss: MxArray, weights: MxArray | null | undefined, tag: string): MxArray {
  if (weights === undefined || weights === null) return loss;
  arrayInput(weights, "weights", tag);
  if (!sameShape(weights.shape, loss.shape))
    throw new Error(`[${tag}] Weights with shape ${shapeStr(weights.shape)} is not the same as output loss with shape ${shapeStr(loss.shape)}.`);
  return loss.mul(weights);
}

const normAxis = (axis: number, ndim: number, tag: string) => {
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim)
    throw new Error(`[${tag}] axis ${describe(axis)} is out of bounds for an array of ${ndim} dimensions.`);
  return axis < 0 ? axis + ndim : axis;
};

export interface CrossEntropyOptions {
  weights?: MxArray | null;
  axis?: number;
  labelSmoothing?: number;
  reduction?: Reduction;
}

/**
 * Cross entropy of `logits` against class indices (targets with one axis
 * fewer) or probabilities (targets shaped like logits). Default reduction "none".
 */
export function crossEntropy(logits: MxArray, targets: MxArray, options?: CrossEntropyOptions): MxArray {
  const tag = "nn.losses.crossEntropy";
  const o = nnOptions(options, tag, ["weights", "axis", "labelSmoothing", "reduction"]);
  arrayInput(logits, "logits", tag);
  arrayInput(targets, "targets", tag);
  const ls = numberArg(o.labelSmoothing ?? 0, "labelSmoothing", tag);
  if (ls < 0 || ls >= 1) throw new Error(`[${tag}] Label smoothing must be in [0, 1), got ${ls}.`);
  const red = reduction(o.reduction, "none", tag);
  const axis = normAxis(o.axis ?? -1, logits.ndim, tag);
  const asProbs = targets.ndim === logits.ndim;
  const dropped = logits.shape.filter((_, i) => i !== axis);
  if ((asProbs && !sameShape(targets.shape, logits.shape)) || (!asProbs && !sameShape(targets.shape, dropped)))
    throw new Error(`[${tag}] Targets shape ${shapeStr(targets.shape)} does not match logits shape ${shapeStr(logits.shape)}.`);
  return tidy(() => {
    const z = logits.sub(stopGradient(logits.max(axis, true)));
    const score = asProbs ? z.mul(targets).sum(axis) : takeAlongAxis(z, expandDims(targets, axis), axis).squeeze(axis);
    const lse = logsumexp(z, axis);
    let loss = ls > 0 ? lse.sub(score.mul(1 - ls)).sub(z.mean(axis).mul(ls)) : lse.sub(score);
    loss = applyWeights(loss, o.weights, tag);
    return reduce(loss, red);
  });
}

export interface BinaryCrossEntropyOptions {
  weights?: MxArray | null;
  withLogits?: boolean;
  reduction?: Reduction;
}

/** Binary cross entropy of logits (default) or probabilities (`withLogits: false`). Default reduction "mean". */
export function binaryCrossEntropy(inputs: MxArray, targets: MxArray, options?: BinaryCrossEntropyOptions): MxArray {
  const tag = "nn.losses.binaryCrossEntropy";
  const o = nnOptions(options, tag, ["weights", "withLogits", "reduction"]);
  sameShapes(tag, [["Inputs", inputs], ["targets", targets]]);
  const red = reduction(o.reduction, "mean", tag);
  const withLogits = o.withLogits ?? true;
  return tidy(() => {
    let loss: MxArray;
    if (withLogits) loss = logaddexp(0, inputs).sub(inputs.mul(targets));
    else {
      const logP = clip(log(inputs), -100, null);
      const log1mP = clip(log(inputs.neg().add(1)), -100, null);
      loss = targets.mul(logP).add(targets.neg().add(1).mul(log1mP)).neg();
    }
    return reduce(applyWeights(loss, o.weights, tag), red);
  });
}

type R = { reduction?: Reduction };

/** mean |predictions - targets| (default reduction "mean"). */
export function l1Loss(predictions: MxArray, targets: MxArray, options?: R): MxArray {
  const tag = "nn.losses.l1Loss";
  const red = reduction(nnOptions(options, tag, ["reduction"]).reduction, "mean", tag);
  sameShapes(tag, [["Predictions", predictions], ["targets", targets]]);
  return tidy(() => reduce(abs(predictions.sub(targets)), red));
}

/** mean (predictions - targets)² (default reduction "mean"). */
export function mseLoss(predictions: MxArray, targets: MxArray, options?: R): MxArray {
  const tag = "nn.losses.mseLoss";
  const red = reduction(nnOptions(options, tag, ["reduction"]).reduction, "mean", tag);
  sameShapes(tag, [["Predictions", predictions], ["targets", targets]]);
  return tidy(() => reduce(square(predictions.sub(targets)), red));
}

/** -inputs[targets] along `axis`, inputs being log probabilities (default reduction "none"). */
export function nllLoss(inputs: MxArray, targets: MxArray, options?: { axis?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.nllLoss";
  const o = nnOptions(options, tag, ["axis", "reduction"]);
  const red = reduction(o.reduction, "none", tag);
  arrayInput(inputs, "inputs", tag);
  arrayInput(targets, "targets", tag);
  const axis = o.axis ?? -1;
  return tidy(() => reduce(takeAlongAxis(inputs, expandDims(targets, axis), axis).squeeze(axis).neg(), red));
}

/** Gaussian negative log likelihood with predicted means `inputs` and variances `vars` (default reduction "mean"). */
export function gaussianNllLoss(inputs: MxArray, targets: MxArray, vars: MxArray,
  options?: { full?: boolean; eps?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.gaussianNllLoss";
  const o = nnOptions(options, tag, ["full", "eps", "reduction"]);
  const red = reduction(o.reduction, "mean", tag);
  sameShapes(tag, [["Inputs", inputs], ["targets", targets], ["vars", vars]]);
  const eps = numberArg(o.eps ?? 1e-6, "eps", tag);
  return tidy(() => {
    const v = maximum(vars, eps);
    let loss = log(v).add(square(targets.sub(inputs)).div(v)).mul(0.5);
    if (o.full) loss = loss.add(0.5 * Math.log(2 * Math.PI));
    return reduce(loss, red);
  });
}

/** sum(exp(targets) * (targets - inputs)) along `axis`, both log probabilities (default reduction "none"). */
export function klDivLoss(inputs: MxArray, targets: MxArray, options?: { axis?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.klDivLoss";
  const o = nnOptions(options, tag, ["axis", "reduction"]);
  const red = reduction(o.reduction, "none", tag);
  arrayInput(inputs, "inputs", tag);
  arrayInput(targets, "targets", tag);
  return tidy(() => reduce(exp(targets).mul(targets.sub(inputs)).sum(o.axis ?? -1), red));
}

/** 0.5 d² / beta where |d| < beta, else |d| - 0.5 beta (default reduction "mean"). */
export function smoothL1Loss(predictions: MxArray, targets: MxArray, options?: { beta?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.smoothL1Loss";
  const o = nnOptions(options, tag, ["beta", "reduction"]);
  const red = reduction(o.reduction, "mean", tag);
  sameShapes(tag, [["Predictions", predictions], ["targets", targets]]);
  const beta = numberArg(o.beta ?? 1, "beta", tag);
  return tidy(() => {
    const d = abs(predictions.sub(targets));
    return reduce(where(d.less(beta), square(d).mul(0.5 / beta), d.sub(0.5 * beta)), red);
  });
}

/** max(‖a - p‖_p - ‖a - n‖_p + margin, 0) along `axis` (default reduction "none"). */
export function tripletLoss(anchors: MxArray, positives: MxArray, negatives: MxArray,
  options?: { axis?: number; p?: number; margin?: number; eps?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.tripletLoss";
  const o = nnOptions(options, tag, ["axis", "p", "margin", "eps", "reduction"]);
  const red = reduction(o.reduction, "none", tag);
  for (const [n, a] of [["anchors", anchors], ["positives", positives], ["negatives", negatives]] as const) arrayInput(a, n, tag);
  const axis = o.axis ?? -1, p = numberArg(o.p ?? 2, "p", tag);
  const margin = numberArg(o.margin ?? 1, "margin", tag), eps = numberArg(o.eps ?? 1e-6, "eps", tag);
  return tidy(() => {
    const dist = (b: MxArray) => power(power(abs(anchors.sub(b)), p).sum(axis).add(eps), 1 / p);
    return reduce(maximum(dist(positives).sub(dist(negatives)).add(margin), 0), red);
  });
}

/** max(1 - inputs * targets, 0) (default reduction "none"). */
export function hingeLoss(inputs: MxArray, targets: MxArray, options?: R): MxArray {
  const tag = "nn.losses.hingeLoss";
  const red = reduction(nnOptions(options, tag, ["reduction"]).reduction, "none", tag);
  arrayInput(inputs, "inputs", tag);
  arrayInput(targets, "targets", tag);
  return tidy(() => reduce(maximum(inputs.mul(targets).neg().add(1), 0), red));
}

/** Quadratic within `delta` of the target, linear beyond (default reduction "none"). */
export function huberLoss(inputs: MxArray, targets: MxArray, options?: { delta?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.huberLoss";
  const o = nnOptions(options, tag, ["delta", "reduction"]);
  const red = reduction(o.reduction, "none", tag);
  arrayInput(inputs, "inputs", tag);
  arrayInput(targets, "targets", tag);
  const delta = numberArg(o.delta ?? 1, "delta", tag);
  return tidy(() => {
    const a = abs(inputs.sub(targets));
    const q = minimum(a, delta);
    return reduce(square(q).mul(0.5).add(a.sub(q).mul(delta)), red);
  });
}

/** log(cosh(inputs - targets)) (default reduction "none"). */
export function logCoshLoss(inputs: MxArray, targets: MxArray, options?: R): MxArray {
  const tag = "nn.losses.logCoshLoss";
  const red = reduction(nnOptions(options, tag, ["reduction"]).reduction, "none", tag);
  arrayInput(inputs, "inputs", tag);
  arrayInput(targets, "targets", tag);
  return tidy(() => {
    const e = inputs.sub(targets);
    return reduce(logaddexp(e, e.neg()).sub(Math.LN2), red);
  });
}

/** Cosine similarity of x1 and x2 along `axis` (default 1); reduction default "none". */
export function cosineSimilarityLoss(x1: MxArray, x2: MxArray, options?: { axis?: number; eps?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.cosineSimilarityLoss";
  const o = nnOptions(options, tag, ["axis", "eps", "reduction"]);
  const red = reduction(o.reduction, "none", tag);
  arrayInput(x1, "x1", tag);
  arrayInput(x2, "x2", tag);
  const axis = o.axis ?? 1, eps = numberArg(o.eps ?? 1e-8, "eps", tag);
  return tidy(() => {
    const n1 = sqrt(square(x1).sum(axis)), n2 = sqrt(square(x2).sum(axis));
    return reduce(x1.mul(x2).sum(axis).div(maximum(n1.mul(n2), eps)), red);
  });
}

/** max(0, -targets * (inputs1 - inputs2) + margin) (default reduction "none"). */
export function marginRankingLoss(inputs1: MxArray, inputs2: MxArray, targets: MxArray,
  options?: { margin?: number; reduction?: Reduction }): MxArray {
  const tag = "nn.losses.marginRankingLoss";
  const o = nnOptions(options, tag, ["margin", "reduction"]);
  const red = reduction(o.reduction, "none", tag);
  sameShapes(tag, [["inputs1", inputs1], ["inputs2", inputs2], ["targets", targets]]);
  const margin = numberArg(o.margin ?? 0, "margin", tag);
  return tidy(() => reduce(maximum(targets.neg().mul(inputs1.sub(inputs2)).add(margin), 0), red));
}

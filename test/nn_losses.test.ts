// nn.losses against numpy float64 references (test/fixtures/nn_reference.py),
// their reductions and options, and tagged errors for bad arguments.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { arr, expectClose, fixtures } from "./nn_fixtures.js";

const losses = mx.nn.losses;
const F = fixtures.losses;

describe("crossEntropy", () => {
  const c = F.ce;
  const logits = arr(c.logits), labels = arr(c.labels, true);
  it("class indices, each reduction", () => {
    expectClose(losses.crossEntropy(logits, labels), c.none);
    expectClose(losses.crossEntropy(logits, labels, { reduction: "mean" }), c.mean);
    expectClose(losses.crossEntropy(logits, labels, { reduction: "sum" }), c.sum);
  });
  it("label smoothing, class weights, probabilities as targets, another axis", () => {
    expectClose(losses.crossEntropy(logits, labels, { labelSmoothing: 0.1 }), c.smooth);
    expectClose(losses.crossEntropy(logits, labels, { weights: arr(c.weights), reduction: "mean" }), c.weighted_mean);
    expectClose(losses.crossEntropy(logits, labels, { weights: arr(c.weights), labelSmoothing: 0.1, reduction: "sum" }), c.smooth_weighted_sum);
    expectClose(losses.crossEntropy(logits, arr(c.probs)), c.probs_loss);
    expectClose(losses.crossEntropy(arr(c.logits_axis0), labels, { axis: 0 }), c.none);
  });
  it("errors", () => {
    expect(() => losses.crossEntropy(logits, labels, { labelSmoothing: 1 })).toThrow(/\[nn\.losses\.crossEntropy\] Label smoothing must be in \[0, 1\)/);
    expect(() => losses.crossEntropy(logits, arr(c.weights, true).reshape([2, 2]))).toThrow(/Targets shape \(2,2\) does not match logits shape \(4,5\)/);
    expect(() => losses.crossEntropy(logits, labels, { weights: mx.ones([3]) })).toThrow(/Weights with shape \(3\) is not the same as output loss with shape \(4\)/);
    expect(() => losses.crossEntropy(logits, labels, { reduction: "avg" as any })).toThrow(/Invalid reduction/);
  });
});

describe("binaryCrossEntropy", () => {
  const c = F.bce;
  it("logits (default, mean), none, probabilities, weights", () => {
    expectClose(losses.binaryCrossEntropy(arr(c.logits), arr(c.targets)), c.mean);
    expectClose(losses.binaryCrossEntropy(arr(c.logits), arr(c.targets), { reduction: "none" }), c.none);
    expectClose(losses.binaryCrossEntropy(arr(c.probs), arr(c.targets), { withLogits: false, reduction: "sum" }), c.probs_sum);
    expectClose(losses.binaryCrossEntropy(arr(c.logits), arr(c.targets), { weights: arr(c.weights), reduction: "none" }), c.weighted_none);
  });
  it("shape mismatch", () => {
    expect(() => losses.binaryCrossEntropy(arr(c.logits), mx.zeros([4, 3]))).toThrow(/\[nn\.losses\.binaryCrossEntropy\] Inputs shape \(3,4\) does not match targets shape \(4,3\)/);
  });
});

describe("regression and margin losses", () => {
  const c = F.regression;
  const p = arr(c.pred), t = arr(c.targets);
  it("mse, l1, smoothL1, huber, logCosh, hinge", () => {
    expectClose(losses.mseLoss(p, t), c.mse);
    expectClose(losses.mseLoss(p, t, { reduction: "none" }), c.mse_none);
    expectClose(losses.l1Loss(p, t), c.l1);
    expectClose(losses.l1Loss(p, t, { reduction: "sum" }), c.l1_sum);
    expectClose(losses.smoothL1Loss(p, t), c.smooth_l1);
    expectClose(losses.smoothL1Loss(p, t, { beta: 0.5, reduction: "sum" }), c.smooth_l1_beta);
    expectClose(losses.huberLoss(p, t), c.huber);
    expectClose(losses.huberLoss(p, t, { delta: 0.7, reduction: "mean" }), c.huber_delta);
    expectClose(losses.logCoshLoss(p, t), c.log_cosh);
    expectClose(losses.hingeLoss(p, arr(c.sign_targets)), c.hinge);
    expect(() => losses.mseLoss(p, mx.zeros([4]))).toThrow(/\[nn\.losses\.mseLoss\] Predictions shape \(3,4\) does not match targets shape \(4\)/);
  });
  it("nll and kl divergence", () => {
    expectClose(losses.nllLoss(arr(F.nll.logp), arr(F.nll.labels, true)), F.nll.none);
    expectClose(losses.nllLoss(arr(F.nll.logp), arr(F.nll.labels, true), { reduction: "mean" }), F.nll.mean);
    expectClose(losses.klDivLoss(arr(F.kl.inputs), arr(F.kl.targets)), F.kl.none);
    expectClose(losses.klDivLoss(arr(F.kl.inputs), arr(F.kl.targets), { reduction: "sum" }), F.kl.sum);
  });
  it("gaussian nll (variances clamped to eps, full)", () => {
    const g = F.gaussian_nll;
    expectClose(losses.gaussianNllLoss(arr(g.inputs), arr(g.targets), arr(g.vars)), g.mean);
    expectClose(losses.gaussianNllLoss(arr(g.inputs), arr(g.targets), arr(g.vars), { full: true, reduction: "sum" }), g.full_sum);
  });
  it("triplet, cosine similarity, margin ranking", () => {
    const tr = F.triplet;
    expectClose(losses.tripletLoss(arr(tr.anchors), arr(tr.positives), arr(tr.negatives)), tr.none);
    expectClose(losses.tripletLoss(arr(tr.anchors), arr(tr.positives), arr(tr.negatives), { p: 1, margin: 0.5, reduction: "mean" }), tr.p1_margin_mean);
    const co = F.cosine;
    expectClose(losses.cosineSimilarityLoss(arr(co.x1), arr(co.x2)), co.axis1);
    expectClose(losses.cosineSimilarityLoss(arr(co.x1), arr(co.x2), { axis: 0, reduction: "mean" }), co.axis0_mean);
    const mr = F.margin_ranking;
    expectClose(losses.marginRankingLoss(arr(mr.inputs1), arr(mr.inputs2), arr(mr.targets)), mr.none);
    expectClose(losses.marginRankingLoss(arr(mr.inputs1), arr(mr.inputs2), arr(mr.targets), { margin: 0.3, reduction: "mean" }), mr.margin_mean);
    expect(() => losses.marginRankingLoss(arr(mr.inputs1), mx.zeros([5]), arr(mr.targets))).toThrow(/\[nn\.losses\.marginRankingLoss\] inputs1 shape \(6\) does not match inputs2 shape \(5\)/);
  });
  it("the gradient of crossEntropy (mean) is (softmax - onehot) / N", () => {
    const c = F.ce;
    const logits = arr(c.logits), labels = arr(c.labels, true);
    const g = mx.grad((z: mx.Array) => losses.crossEntropy(z, labels, { reduction: "mean" }))(logits);
    const sm = mx.softmax(logits, -1);
    const onehot = mx.equal(mx.arange(5, mx.int32).reshape([1, 5]), labels.reshape([4, 1])).astype(mx.float64);
    expect(mx.allclose(g, sm.sub(onehot).div(4), 1e-9, 1e-12).item()).toBe(true);
  });
});

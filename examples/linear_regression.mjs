// Linear regression with mx.grad and plain gradient descent: MLX's
// documentation example (examples/linear_regression), in webmx.
//   node examples/linear_regression.mjs [--quick] [--iters N] [--single-thread]
import * as mx from "webmx";
import { numberArg, quick, start } from "./lib/cli.mjs";

await start();
mx.random.seed(0);

const numFeatures = 100;
const numExamples = 1000;
const numIters = numberArg("iters", quick ? 1000 : 10000);
const lr = 0.01;

// True parameters, and noisy targets made from them.
const wStar = mx.random.normal([numFeatures]);
const X = mx.random.normal([numExamples, numFeatures]);
const eps = mx.random.normal([numExamples]).mul(1e-2);
const y = mx.matmul(X, wStar).add(eps);
mx.eval(wStar, X, y);

const lossFn = (w) => mx.matmul(X, w).sub(y).square().mean().mul(0.5);
const gradFn = mx.grad(lossFn);

let w = mx.random.normal([numFeatures]).mul(1e-2);
const report = (label) =>
  mx.tidy(() => {
    const loss = lossFn(w).itemNumber();
    const errorNorm = Math.sqrt(w.sub(wStar).square().sum().itemNumber());
    console.log(`${label}: loss ${loss.toFixed(5)}, |w-w*| = ${errorNorm.toFixed(5)}`);
  });

report("start");
const t0 = performance.now();
for (let i = 0; i < numIters; ++i) {
  // Each step's gradient and the old w are freed as soon as the new w exists.
  const next = mx.tidy(() => w.sub(gradFn(w).mul(lr)));
  mx.eval(next);
  w.dispose();
  w = next;
}
const seconds = (performance.now() - t0) / 1000;
report(`after ${numIters} steps`);
console.log(`${(seconds * 1000 / numIters).toFixed(3)} ms per step`);

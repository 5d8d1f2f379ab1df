// Logistic regression with mx.grad and plain gradient descent: MLX's
// examples/python/logistic_regression.py, in webmx.
//   node examples/logistic_regression.mjs [--quick] [--iters N] [--single-thread]
import * as mx from "webmx";
import { numberArg, quick, start } from "./lib/cli.mjs";

await start();
mx.random.seed(0);

const numFeatures = 100;
const numExamples = 1000;
const numIters = numberArg("iters", quick ? 1000 : 10000);
const lr = 0.1;

// Labels are the side of a random hyperplane each point falls on.
const wStar = mx.random.normal([numFeatures]);
const X = mx.random.normal([numExamples, numFeatures]);
const y = mx.greater(mx.matmul(X, wStar), 0);
mx.eval(wStar, X, y);

// Mean of log(1 + e^z) - y z: binary cross-entropy on the logits z.
const lossFn = (w) => {
  const logits = mx.matmul(X, w);
  return mx.logaddexp(0, logits).sub(y.astype(mx.float32).mul(logits)).mean();
};
const gradFn = mx.grad(lossFn);

let w = mx.random.normal([numFeatures]).mul(1e-2);
const report = (label) =>
  mx.tidy(() => {
    const loss = lossFn(w).itemNumber();
    const accuracy = mx.equal(mx.greater(mx.matmul(X, w), 0), y).astype(mx.float32).mean().itemNumber();
    console.log(`${label}: loss ${loss.toFixed(5)}, accuracy ${accuracy.toFixed(5)}`);
  });

report("start");
const t0 = performance.now();
for (let i = 0; i < numIters; ++i) {
  const next = mx.tidy(() => w.sub(gradFn(w).mul(lr)));
  mx.eval(next);
  w.dispose();
  w = next;
}
const seconds = (performance.now() - t0) / 1000;
report(`after ${numIters} steps`);
console.log(`${(seconds * 1000 / numIters).toFixed(3)} ms per step`);

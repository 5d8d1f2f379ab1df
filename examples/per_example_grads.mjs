// Per-example gradients of the digits MLP with vmap over grad: one call gives
// the gradient of every example's loss, where a loop would take the gradient
// once per example. (JAX's and MLX's per-example gradient recipe; the usual
// use is differentially private SGD, which clips each example's gradient
// before averaging, as shown at the end.)
//   node examples/per_example_grads.mjs [--batch N] [--save FILE.safetensors] [--single-thread]
// --save writes the batch, the model's weights and the per-example gradients
// (test/examples.test.ts checks them against a loop of single-example grads).
import * as mx from "webmx";
import { splitDigits } from "./data/digits.mjs";
import { argv, numberArg, start } from "./lib/cli.mjs";

const { nn } = mx;

await start();
mx.random.seed(3);

const batch = numberArg("batch", 64);
const model = new nn.Sequential(new nn.Linear(64, 32), nn.relu, new nn.Linear(32, 10));
mx.eval(model.parameters());

const { train } = splitDigits();
const x = mx.array(train.x.subarray(0, batch * 64)).reshape(batch, 64);
const y = mx.array(train.labels.subarray(0, batch));

// The loss of one example: x is (64,), y a scalar label.
const exampleLoss = (xi, yi) => nn.losses.crossEntropy(model.forward(xi.reshape(1, -1)), yi.reshape(1), { reduction: "mean" });
const exampleGrad = nn.valueAndGrad(model, exampleLoss);

// vmap maps the example axis of x and y; each leaf of the gradient tree gets
// that axis in front: (batch, ...parameter shape).
const perExampleGrads = mx.vmap((xi, yi) => exampleGrad(xi, yi)[1]);

let t0 = performance.now();
const grads = perExampleGrads(x, y);
mx.eval(grads);
const vmapMs = performance.now() - t0;

// The same gradients one example at a time.
t0 = performance.now();
const looped = [];
for (let i = 0; i < batch; ++i) {
  const g = exampleGrad(x.index(i), y.index(i))[1];
  mx.eval(g);
  looped.push(g);
}
const loopMs = performance.now() - t0;
const maxDiff = mx.tidy(() =>
  Math.max(
    ...mx.tree.flatten(grads).map(([path, g]) => {
      const stacked = mx.stack(looped.map((l) => mx.tree.flatten(l).find(([p]) => p === path)[1]));
      return mx.abs(g.sub(stacked)).max().itemNumber();
    }),
  ),
);
for (const [path, g] of mx.tree.flatten(grads)) console.log(`${path}: per-example gradients of shape (${g.shape.join(", ")})`);
console.log(`vmap(grad): ${vmapMs.toFixed(1)} ms; loop of ${batch} grads: ${loopMs.toFixed(1)} ms; largest difference ${maxDiff.toExponential(2)}`);

// Differentially private SGD's gradient: clip each example's gradient to norm
// at most 1, then average (the noise DP-SGD adds after is left out).
const clippedMean = mx.tidy(() => {
  const leaves = mx.tree.flatten(grads).map(([, g]) => g.reshape(batch, -1));
  const norms = mx.sqrt(mx.concatenate(leaves, 1).square().sum(1));
  const scale = mx.minimum(mx.divide(1, norms), 1);
  console.log(`per-example gradient norms: min ${norms.min().itemNumber().toFixed(3)}, max ${norms.max().itemNumber().toFixed(3)}`);
  return mx.tree.map((g) => mx.tensordot(scale, g, 1).div(batch), grads);
});
console.log(`clipped mean gradient: ${mx.tree.flatten(clippedMean).map(([p, g]) => `${p} (${g.shape.join(", ")})`).join(", ")}`);

const saveAt = argv.indexOf("--save");
if (saveAt >= 0) {
  const file = argv[saveAt + 1];
  const entries = { x, y };
  for (const [path, p] of mx.tree.flatten(model.parameters())) entries[`model.${path}`] = p;
  for (const [path, g] of mx.tree.flatten(grads)) entries[`grads.${path}`] = g;
  mx.saveSafetensors(file, entries);
  console.log(`saved ${file}`);
}

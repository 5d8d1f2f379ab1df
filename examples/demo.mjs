// make demo: trains a 64-128-10 MLP (nn.Sequential of nn.Linear) on the UCI
// digits with an optimizer in a compiled step, reports accuracy on a held-out
// 20% split, and saves the weights as safetensors for inference elsewhere.
//   node examples/demo.mjs [--single-thread] [--threads N] [--epochs N] [--out FILE]
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as mx from "webmx";
import { splitDigits } from "./data/digits.mjs";
import { argv, numberArg, permutation, seededUniform, start } from "./lib/cli.mjs";

const { nn, optimizers } = mx;

await start();
mx.random.seed(42);

// ---- data: shuffled, split 80/20 ----
const { train, test } = splitDigits();
console.log(`digits: ${train.count} training images, ${test.count} held out\n`);
const trainX = mx.array(train.x).reshape(-1, 64), trainY = mx.array(train.labels);
const testX = mx.array(test.x).reshape(-1, 64), testY = mx.array(test.labels);

// ---- model, optimizer, loss ----
const model = new nn.Sequential(new nn.Linear(64, 128), nn.relu, new nn.Linear(128, 10));
const epochs = numberArg("epochs", 20), batch = 32;
const steps = Math.floor(train.count / batch); // full batches only: one traced shape
// SGD with momentum and a little weight decay, its learning rate decayed
// along a cosine over the whole run.
const optimizer = new optimizers.SGD({
  learningRate: optimizers.cosineDecay(0.1, epochs * steps),
  momentum: 0.9,
  weightDecay: 1e-4,
});
const lossAndGrad = nn.valueAndGrad(model, (x, y) => nn.losses.crossEntropy(model.forward(x), y, { reduction: "mean" }));

// One step, compiled: traced once, then replayed without running this body.
// The model's parameters and the optimizer's state are captured state: read
// through `inputs`, written through `outputs`.
const state = [model.state, optimizer.state];
const step = mx.compile(
  (x, y) => {
    const [loss, grads] = lossAndGrad(x, y);
    optimizer.update(model, grads);
    return loss;
  },
  { inputs: state, outputs: state },
);

const accuracy = (m) =>
  mx.tidy(() => mx.equal(mx.argmax(m.forward(testX), -1), testY).astype(mx.float32).mean().itemNumber());

// ---- training: minibatches in a new order each epoch ----
const uniform = seededUniform(42);
const t0 = performance.now();
for (let epoch = 1; epoch <= epochs; ++epoch) {
  const order = permutation(train.count, uniform);
  let total = 0;
  for (let s = 0; s < steps; ++s) {
    mx.tidy(() => {
      const ids = mx.array(Int32Array.from(order.slice(s * batch, (s + 1) * batch)));
      const loss = step(mx.take(trainX, ids, 0), mx.take(trainY, ids, 0));
      mx.eval(loss, state);
      total += loss.itemNumber();
    });
    if (process.stdout.isTTY) {
      const done = Math.round(((s + 1) / steps) * 20);
      process.stdout.write(`\repoch ${String(epoch).padStart(2)}/${epochs} [${"#".repeat(done)}${".".repeat(20 - done)}]`);
    }
  }
  const line = `epoch ${String(epoch).padStart(2)}/${epochs} [${"#".repeat(20)}] loss ${(total / steps).toFixed(4)}`;
  const withAccuracy = epoch % 5 === 0 || epoch === 1;
  console.log(`${process.stdout.isTTY ? "\r" : ""}${line}${withAccuracy ? `  held-out accuracy ${(accuracy(model) * 100).toFixed(1)}%` : ""}`);
}
const acc = accuracy(model);
console.log(`\ntrained in ${((performance.now() - t0) / 1000).toFixed(1)} s; held-out accuracy ${(acc * 100).toFixed(1)}%`);

// ---- weights: safetensors, with MLX's parameter names (layers.0.weight, ...) ----
const here = dirname(fileURLToPath(import.meta.url));
const outAt = argv.indexOf("--out");
const out = outAt >= 0 ? resolve(argv[outAt + 1]) : resolve(here, "weights/digits_mlp.safetensors");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, model.saveWeights());
// Read back into a fresh model to show the file is complete.
const reloaded = new nn.Sequential(new nn.Linear(64, 128), nn.relu, new nn.Linear(128, 10));
reloaded.loadWeights(mx.load(out));
const shown = relative(process.cwd(), out);
console.log(`weights: ${shown.startsWith("..") ? out : shown} (reloaded: held-out accuracy ${(accuracy(reloaded) * 100).toFixed(1)}%)`);
if (acc < 0.97) {
  console.error("held-out accuracy below 97%");
  process.exit(1);
}

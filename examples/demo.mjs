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
import { accuracy, digitsMlp, digitsTrainer, trainEpoch } from "./lib/digits_mlp.mjs";

await start();
mx.random.seed(42);

// ---- data: shuffled, split 80/20 ----
const { train, test } = splitDigits();
console.log(`digits: ${train.count} training images, ${test.count} held out\n`);
const trainX = mx.array(train.x).reshape(-1, 64), trainY = mx.array(train.labels);
const testX = mx.array(test.x).reshape(-1, 64), testY = mx.array(test.labels);

// ---- model, optimizer (examples/lib/digits_mlp.mjs, shared with the PWA) ----
const model = digitsMlp(mx);
const epochs = numberArg("epochs", 20), batch = 32;
const steps = Math.floor(train.count / batch); // full batches only: one traced shape
const trainer = digitsTrainer(mx, model, epochs * steps);
const heldOut = (m) => accuracy(mx, m, testX, testY);

// ---- training: minibatches in a new order each epoch ----
const uniform = seededUniform(42);
const t0 = performance.now();
for (let epoch = 1; epoch <= epochs; ++epoch) {
  const order = permutation(train.count, uniform);
  const progress = (done) => {
    if (!process.stdout.isTTY) return;
    const bar = Math.round((done / steps) * 20);
    process.stdout.write(`\repoch ${String(epoch).padStart(2)}/${epochs} [${"#".repeat(bar)}${".".repeat(20 - bar)}]`);
  };
  const loss = trainEpoch(mx, trainer, trainX, trainY, order, batch, progress);
  const line = `epoch ${String(epoch).padStart(2)}/${epochs} [${"#".repeat(20)}] loss ${loss.toFixed(4)}`;
  const withAccuracy = epoch % 5 === 0 || epoch === 1;
  console.log(`${process.stdout.isTTY ? "\r" : ""}${line}${withAccuracy ? `  held-out accuracy ${(heldOut(model) * 100).toFixed(1)}%` : ""}`);
}
const acc = heldOut(model);
console.log(`\ntrained in ${((performance.now() - t0) / 1000).toFixed(1)} s; held-out accuracy ${(acc * 100).toFixed(1)}%`);

// ---- weights: safetensors, with MLX's parameter names (layers.0.weight, ...) ----
const here = dirname(fileURLToPath(import.meta.url));
const outAt = argv.indexOf("--out");
const out = outAt >= 0 ? resolve(argv[outAt + 1]) : resolve(here, "weights/digits_mlp.safetensors");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, model.saveWeights());
// Read back into a fresh model to show the file is complete.
const reloaded = digitsMlp(mx);
reloaded.loadWeights(mx.load(out));
const shown = relative(process.cwd(), out);
console.log(`weights: ${shown.startsWith("..") ? out : shown} (reloaded: held-out accuracy ${(heldOut(reloaded) * 100).toFixed(1)}%)`);
if (acc < 0.97) {
  console.error("held-out accuracy below 97%");
  process.exit(1);
}

// A character-level decoder-only transformer language model trained with
// AdamW on a warmup + cosine schedule in a compiled step: mlx-examples'
// transformer_lm/main.py, sized for a few KB of Shakespeare's sonnets
// (examples/data/sonnets.txt) instead of PTB. It reports training and
// validation loss, then samples text from the trained model.
//   node examples/transformer_lm.mjs [--quick] [--iters N] [--single-thread]
import { readFileSync } from "node:fs";
import * as mx from "webmx";
import { numberArg, permutation, quick, seededUniform, start } from "./lib/cli.mjs";

const { nn, optimizers: optim } = mx;

class TransformerLM extends nn.Module {
  constructor(vocabSize, numLayers, dims, numHeads) {
    super();
    this.embedding = new nn.Embedding(vocabSize, dims);
    this.pe = new nn.SinusoidalPositionalEncoding(dims);
    this.transformer = new nn.TransformerEncoder(numLayers, dims, numHeads, { normFirst: true });
    this.out_proj = new nn.Linear(dims, vocabSize);
  }

  forward(x) {
    const L = x.shape[1];
    const mask = nn.MultiHeadAttention.createAdditiveCausalMask(L);
    const h = this.embedding.forward(x).add(this.pe.forward(mx.arange(L)));
    return this.out_proj.forward(this.transformer.forward(h, mask));
  }
}

await start();
mx.random.seed(42);

const contextSize = 32;
const batchSize = 16;
const numBlocks = 2, dims = 64, numHeads = 4;
const numIters = numberArg("iters", quick ? 150 : 600);
const learningRate = 3e-3, weightDecay = 1e-5;
const warmup = Math.min(50, Math.floor(numIters / 5));

// ---- data: characters as tokens; the last tenth of the text is held out ----
const text = readFileSync(new URL("./data/sonnets.txt", import.meta.url), "utf8");
const vocab = [...new Set(text)].sort();
const index = new Map(vocab.map((c, i) => [c, i]));
const tokens = Int32Array.from(text, (c) => index.get(c));
const split = Math.floor(tokens.length * 0.9);
const train = tokens.subarray(0, split), valid = tokens.subarray(split);
console.log(`${tokens.length} characters, vocabulary of ${vocab.length}; ${train.length} for training, ${valid.length} held out`);

// Windows of contextSize + 1 tokens: the inputs and, shifted by one, the targets.
const window = contextSize + 1;
function toSamples(data) {
  const samples = Math.floor(data.length / window);
  return mx.array(data.slice(0, samples * window)).reshape(samples, window);
}
const validSamples = toSamples(valid);
// mlx-examples trains on consecutive windows in a new order each pass; on a
// text this short that is about 200 windows, which the model learns by heart
// (training loss falls, validation loss rises, samples are noise). Windows
// starting at every offset (7,000 of them) make it learn the text instead.
const trainTokens = mx.array(train);
const offsets = mx.arange(window, mx.int32).reshape(1, window);

const model = new TransformerLM(vocab.length, numBlocks, dims, numHeads);
mx.eval(model.parameters());
const nparams = mx.tree
  .flatten(model.parameters())
  .filter(([k]) => !k.includes("embedding"))
  .reduce((n, [, p]) => n + p.size, 0);
console.log(`Training a transformer with ${(nparams / 1024 ** 2).toFixed(3)} M parameters`);

const lossFn = (inputs, reduction = "mean") => {
  const x = inputs.index(mx.slice(), mx.slice(0, -1));
  const y = inputs.index(mx.slice(), mx.slice(1));
  return nn.losses.crossEntropy(model.forward(x), y, { reduction });
};

// Linear warmup, then cosine decay to a tenth of the peak.
const schedule = optim.joinSchedules(
  [optim.linearSchedule(0, learningRate, warmup), optim.cosineDecay(learningRate, numIters - warmup, { end: learningRate / 10 })],
  [warmup],
);
const optimizer = new optim.AdamW({ learningRate: schedule, weightDecay });

const state = [model.state, optimizer.state];
const lossAndGradFn = nn.valueAndGrad(model, lossFn);
const step = mx.compile(
  (inputs) => {
    const [loss, grads] = lossAndGradFn(inputs);
    optimizer.update(model, grads);
    return loss;
  },
  { inputs: state, outputs: state },
);

/** Mean loss per predicted token over a set of samples. */
const evalLoss = (samples) =>
  mx.tidy(() => lossFn(samples, "sum").itemNumber() / (samples.shape[0] * contextSize));

// ---- training ----
const uniform = seededUniform(42);
const numStarts = train.length - window + 1;
let perm = [], at = numStarts;
let losses = [];
const firstValid = evalLoss(validSamples);
console.log(`Iter 0: Val loss ${firstValid.toFixed(3)} (uniform guessing: ${Math.log(vocab.length).toFixed(3)})`);
const report = Math.max(1, Math.floor(numIters / 6));
const t0 = performance.now();
let tic = t0;
let firstTrain = null, lastTrain = null;
for (let it = 0; it < numIters; ++it) {
  // Window starts in a new order each pass; only full batches, so the step traces once.
  if (at + batchSize > numStarts) {
    perm = permutation(numStarts, uniform);
    at = 0;
  }
  const starts = mx.array(Int32Array.from(perm.slice(at, at + batchSize))).reshape(batchSize, 1);
  at += batchSize;
  mx.tidy(() => {
    const loss = step(mx.take(trainTokens, starts.add(offsets)));
    mx.eval(loss, state);
    losses.push(loss.itemNumber());
  });
  if ((it + 1) % report === 0 || it + 1 === numIters) {
    const trainLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
    firstTrain ??= trainLoss;
    lastTrain = trainLoss;
    const toc = performance.now();
    console.log(`Iter ${it + 1}: Train loss ${trainLoss.toFixed(3)}, It/sec ${(losses.length / ((toc - tic) / 1000)).toFixed(1)}`);
    losses = [];
    tic = toc;
  }
}
const lastValid = evalLoss(validSamples);
console.log(
  `Iter ${numIters}: Val loss ${lastValid.toFixed(3)}, Val ppl ${Math.exp(lastValid).toFixed(3)}; trained in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);

// ---- sampling: the next character drawn from the softmax at temperature 0.8 ----
function generate(prompt, length, temperature = 0.8) {
  const out = Array.from(prompt, (c) => index.get(c));
  for (let i = 0; i < length; ++i) {
    const next = mx.tidy(() => {
      const context = mx.array(Int32Array.from(out.slice(-contextSize))).reshape(1, -1);
      const logits = model.forward(context).index(0, -1);
      return mx.random.categorical(logits.mul(1 / temperature)).itemNumber();
    });
    out.push(next);
  }
  return out.map((t) => vocab[t]).join("");
}
const sample = generate("Shall I ", quick ? 80 : 300);
console.log(`\nSample:\n${sample}`);
console.log(`\nsummary: train loss ${firstTrain.toFixed(3)} -> ${lastTrain.toFixed(3)}, val loss ${firstValid.toFixed(3)} -> ${lastValid.toFixed(3)}`);

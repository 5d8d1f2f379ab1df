// make demo: trains a 64-128-10 MLP on the UCI digits with mx.valueAndGrad
// and plain SGD, and reports accuracy on a held-out 20% split.
import * as mx from "webmx";
import { loadDigits } from "./data/digits.mjs";

const threads = process.argv.includes("--single-thread") ? false : "auto";
await mx.init({ threads });
const info = mx.backendInfo();
console.log(`webmx: ${info.variant === "mt" ? `threaded build, ${info.threads} threads` : "single-thread build"}`);

// A seeded generator so every run is the same (mulberry32 + Box-Muller).
let seed = 42;
const uniform = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());

// ---- data: shuffle, split 80/20 ----
const { images, labels, count } = loadDigits();
const order = Array.from({ length: count }, (_, i) => i);
for (let i = count - 1; i > 0; --i) {
  const j = Math.floor(uniform() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const nTest = Math.round(count * 0.2);
const nTrain = count - nTest;
function take(indices) {
  const x = new Float32Array(indices.length * 64);
  const y = new Float32Array(indices.length * 10); // one-hot
  const cls = new Int32Array(indices.length);
  indices.forEach((src, i) => {
    x.set(images.subarray(src * 64, src * 64 + 64), i * 64);
    y[i * 10 + labels[src]] = 1;
    cls[i] = labels[src];
  });
  return { x, y, cls };
}
const train = take(order.slice(0, nTrain));
const test = take(order.slice(nTrain));
console.log(`digits: ${nTrain} training images, ${nTest} held out\n`);

// ---- model ----
const init = (fanIn, fanOut) =>
  mx.array(Float32Array.from({ length: fanIn * fanOut }, () => normal() * Math.sqrt(2 / fanIn))).reshape(fanIn, fanOut);
const params = { w1: init(64, 128), b1: mx.zeros([128]), w2: init(128, 10), b2: mx.zeros([10]) };
const lr = 0.1;

const forward = (p, x) => mx.add(mx.matmul(mx.maximum(mx.add(mx.matmul(x, p.w1), p.b1), 0), p.w2), p.b2);

// Mean cross-entropy; logsumexp written out with the max shift for stability.
function loss(p, x, onehot) {
  const logits = forward(p, x);
  const m = logits.max(-1, true);
  const lse = m.add(mx.log(mx.exp(logits.sub(m)).sum(-1, true)));
  return lse.sub(logits.mul(onehot).sum(-1, true)).mean();
}
const lossAndGrad = mx.valueAndGrad(loss);

// One SGD step, compiled: traced once per batch shape, then replayed. The
// parameters are captured state (read through `inputs`, written through
// `outputs`), as an optimizer's state would be.
const state = { params };
const step = mx.compile(
  (x, y) => {
    const [l, g] = lossAndGrad(state.params, x, y);
    state.params = mx.tree.map((w, dw) => w.sub(dw.mul(lr)), state.params, g);
    return l;
  },
  { inputs: state, outputs: state },
);

function accuracy(p, data) {
  return mx.tidy(() => {
    const logits = forward(p, mx.array(data.x).reshape(-1, 64)).dataSync();
    let hit = 0;
    for (let i = 0; i < data.cls.length; ++i) {
      let best = 0;
      for (let k = 1; k < 10; ++k) if (logits[i * 10 + k] > logits[i * 10 + best]) best = k;
      if (best === data.cls[i]) ++hit;
    }
    return hit / data.cls.length;
  });
}

// ---- training: SGD on minibatches ----
const epochs = 30, batch = 32;
const steps = Math.ceil(nTrain / batch);
const t0 = performance.now();
for (let epoch = 1; epoch <= epochs; ++epoch) {
  let total = 0;
  for (let s = 0; s < steps; ++s) {
    const lo = s * batch, hi = Math.min(nTrain, lo + batch);
    mx.tidy(() => {
      const x = mx.array(train.x.subarray(lo * 64, hi * 64)).reshape(-1, 64);
      const y = mx.array(train.y.subarray(lo * 10, hi * 10)).reshape(-1, 10);
      const l = step(x, y);
      mx.eval(l, state.params);
      total += l.item() * (hi - lo);
    });
    if (process.stdout.isTTY) {
      const done = Math.round(((s + 1) / steps) * 20);
      process.stdout.write(`\repoch ${String(epoch).padStart(2)}/${epochs} [${"#".repeat(done)}${".".repeat(20 - done)}]`);
    }
  }
  const line = `epoch ${String(epoch).padStart(2)}/${epochs} [${"#".repeat(20)}] loss ${(total / nTrain).toFixed(4)}`;
  if (epoch % 5 === 0 || epoch === 1) console.log(`\r${line}  held-out accuracy ${(accuracy(state.params, test) * 100).toFixed(1)}%`);
  else if (process.stdout.isTTY) process.stdout.write(`\r${line}\n`);
  else console.log(line);
}
const acc = accuracy(state.params, test);
console.log(`\ntrained in ${((performance.now() - t0) / 1000).toFixed(1)} s; held-out accuracy ${(acc * 100).toFixed(1)}%`);
if (acc < 0.95) {
  console.error("accuracy below 95%");
  process.exit(1);
}

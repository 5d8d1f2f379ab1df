// The PWA's model lives here, in a module Web Worker: webmx, the digits, the
// MLP, training and prediction. Why a worker rather than training on the page
// and yielding between steps: (1) the page never stutters, since a step (or a
// held-out evaluation) never runs on the thread that paints and takes pointer
// events; (2) the threaded build may block its calling thread while the pool
// works (Atomics.wait), which a worker may do and the page's main thread may
// not (there emscripten spins instead and warns). The page sends requests
// {id, type, ...} and gets {id, result} or {id, error}; training also posts
// {type: "step"} and {type: "epoch"} as it goes.
//
// Paths are the site's (see serve.mjs): the package's browser entry is
// ./dist/browser.js, loaded as a user's app would load it; it finds its .wasm
// and thread workers next to itself.
import * as mx from "./dist/browser.js";
import { accuracy, accuracyAsync, digitsMlp, digitsTrainer, trainEpoch, trainEpochAsync } from "./lib/digits_mlp.mjs";
import { parseDigits, splitImages } from "./data/digits_rows.mjs";
import { permutation, seededUniform } from "./lib/shuffle.mjs";

const BATCH = 32;
let data = null; // {trainX, trainY, testX, testY, count}
let model = null;

let onGpu = false;

async function start() {
  await mx.init(); // threads "auto": threaded where the page is cross-origin isolated
  // WebGPU where the browser has an adapter: the model, its training and its
  // predictions then run there (every op of the step has a GPU kernel). With
  // no adapter init rejects, and the CPU build above goes on.
  let gpu = null, gpuError = null;
  if (self.navigator?.gpu) {
    try {
      await mx.init({ gpu: true });
      mx.setDefaultDevice(mx.gpu);
      onGpu = true;
      gpu = mx.backendInfo().gpuAdapter;
    } catch (e) {
      gpuError = String(e?.message ?? e);
    }
  }
  const info = mx.backendInfo();
  return { variant: info.variant, threads: info.threads, simd: info.simd, isolated: self.crossOriginIsolated === true, gpu, gpuError };
}

/** The digits (gzipped CSV, decompressed by the browser) split as make demo splits them. */
async function loadData() {
  if (data) return data;
  const response = await fetch("./data/digits.csv.gz");
  if (!response.ok) throw new Error(`could not fetch the digits: HTTP ${response.status}`);
  const text = await new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text();
  const { train, test } = splitImages(parseDigits(text));
  data = {
    trainX: mx.array(train.x).reshape(-1, 64), trainY: mx.array(train.labels),
    testX: mx.array(test.x).reshape(-1, 64), testY: mx.array(test.labels),
    count: train.count,
  };
  return data;
}

/** Makes `next` the model that predicts, freeing the previous one's weights. */
function replaceModel(next) {
  if (model) mx.dispose(model.parameters());
  model = next;
}

/** Held-out accuracy (GPU values are read back asynchronously). */
async function heldOut(m) {
  return onGpu ? accuracyAsync(mx, m, data.testX, data.testY) : accuracy(mx, m, data.testX, data.testY);
}

async function train({ epochs }) {
  await loadData();
  mx.random.seed(42);
  const fresh = digitsMlp(mx);
  const steps = Math.floor(data.count / BATCH);
  const trainer = digitsTrainer(mx, fresh, epochs * steps);
  const uniform = seededUniform(42);
  const t0 = performance.now();
  for (let epoch = 1; epoch <= epochs; ++epoch) {
    const order = permutation(data.count, uniform);
    const onStep = (done, _steps, batchLoss) =>
      postMessage({ type: "step", done: (epoch - 1) * steps + done, total: epochs * steps, loss: batchLoss });
    const loss = onGpu
      ? await trainEpochAsync(mx, trainer, data.trainX, data.trainY, order, BATCH, onStep)
      : trainEpoch(mx, trainer, data.trainX, data.trainY, order, BATCH, onStep);
    postMessage({ type: "epoch", epoch, epochs, loss, accuracy: await heldOut(fresh) });
    // Let the messages above (and any request) through before the next epoch.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  replaceModel(fresh);
  return { accuracy: await heldOut(model), seconds: (performance.now() - t0) / 1000 };
}

async function loadWeights({ url }) {
  await loadData();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status} (run make demo to write the weights)`);
  const loaded = digitsMlp(mx);
  loaded.loadWeights(await mx.load(response, { format: "safetensors" }));
  replaceModel(loaded);
  return { accuracy: await heldOut(model) };
}

/** Class probabilities and the predicted digit for 64 pixels of 0..16. */
async function predict({ pixels }) {
  if (!model) throw new Error("no model yet: train one or load the pretrained weights");
  if (!Array.isArray(pixels) || pixels.length !== 64) throw new Error("predict expects 64 pixel values");
  const p = mx.tidy(() => mx.softmax(model.forward(mx.array(Float32Array.from(pixels, (v) => v / 16)).reshape(1, 64)), -1));
  try {
    const probs = Array.from(await p.data()); // from either device
    return { probs, digit: probs.indexOf(Math.max(...probs)) };
  } finally {
    p.dispose();
  }
}

const handlers = { start, train, loadWeights, predict };
// Requests run one at a time, in order: a prediction sent during training
// waits for it rather than racing the optimizer's updates.
let queue = Promise.resolve();
self.onmessage = ({ data: request }) => {
  queue = queue.then(async () => {
    try {
      const handler = handlers[request.type];
      if (!handler) throw new Error(`unknown request ${request.type}`);
      postMessage({ id: request.id, result: await handler(request) });
    } catch (e) {
      postMessage({ id: request.id, error: String(e?.message ?? e) });
    }
  });
};

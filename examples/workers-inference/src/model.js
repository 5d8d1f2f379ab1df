// The digits MLP of examples/demo.mjs (64 -> 128 -> relu -> 10), its weights
// bundled with the Worker. Loaded once per isolate, on the first request: every
// later request reuses the same wasm instance and parameters.
import * as mx from "webmx";
// An ArrayBuffer: wrangler.toml imports *.safetensors as Data.
import weights from "../../weights/digits_mlp.safetensors";

const { nn } = mx;

let loading;

/** The model, loaded on first use; a failed load is retried by the next request. */
export function getModel() {
  loading ??= load().catch((e) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

async function load() {
  // "auto" picks the single-thread build: workerd has no Worker for threads.
  await mx.init();
  const model = new nn.Sequential(new nn.Linear(64, 128), nn.relu, new nn.Linear(128, 10));
  // strict: every parameter must be in the file with its shape, so a file
  // saved from another model fails here instead of predicting garbage.
  model.loadWeights(weights, { strict: true });
  model.eval();
  mx.eval(model.parameters());
  return model;
}

/**
 * Class probabilities for `rows` images: `pixels` holds rows * 64 values
 * already scaled to [0, 1]. Returns one `{label, probabilities}` per image.
 */
export function predict(model, pixels, rows) {
  return mx.tidy(() => {
    const probs = mx.softmax(model.forward(mx.array(pixels).reshape(rows, 64)), -1);
    const labels = mx.argmax(probs, -1);
    mx.eval(probs, labels);
    const p = probs.dataSync(), l = labels.dataSync();
    return Array.from({ length: rows }, (_, i) => ({
      label: l[i],
      probabilities: Array.from(p.subarray(i * 10, i * 10 + 10)),
    }));
  });
}

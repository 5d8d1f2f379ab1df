// The digits MLP of `make demo` and the PWA: the model, its compiled training
// step and an epoch of minibatches. The webmx module comes in as an argument
// because the two hosts reach it differently (Node: `import "webmx"`; the
// PWA's worker: the package's dist/browser.js by URL, as module workers have
// no import maps), so this file itself imports nothing.

/** The 64-128-10 MLP (MLX parameter names layers.0.weight, ... in safetensors). */
export function digitsMlp(mx) {
  const { nn } = mx;
  return new nn.Sequential(new nn.Linear(64, 128), nn.relu, new nn.Linear(128, 10));
}

/**
 * SGD with momentum and a little weight decay, its learning rate decayed along
 * a cosine over `totalSteps`, in one compiled step: traced once, then replayed
 * without running its body. The model's parameters and the optimizer's state
 * are captured state, read through `inputs` and written through `outputs`.
 * Returns `{step(x, y) -> loss, state}`.
 */
export function digitsTrainer(mx, model, totalSteps) {
  const { nn, optimizers } = mx;
  const optimizer = new optimizers.SGD({
    learningRate: optimizers.cosineDecay(0.1, totalSteps),
    momentum: 0.9,
    weightDecay: 1e-4,
  });
  const lossAndGrad = nn.valueAndGrad(model, (x, y) => nn.losses.crossEntropy(model.forward(x), y, { reduction: "mean" }));
  const state = [model.state, optimizer.state];
  const step = mx.compile(
    (x, y) => {
      const [loss, grads] = lossAndGrad(x, y);
      optimizer.update(model, grads);
      return loss;
    },
    { inputs: state, outputs: state },
  );
  return { step, state };
}

/** The loss of one step on rows `ids` (an Int32Array), evaluated with the state: on the GPU, submitted. */
function trainStep(mx, { step, state }, x, y, ids) {
  return mx.tidy(() => {
    const rows = mx.array(ids);
    const l = step(mx.take(x, rows, 0), mx.take(y, rows, 0));
    mx.eval(l, state);
    return l;
  });
}

const batchIds = (order, batch, s) => Int32Array.from(order.slice(s * batch, (s + 1) * batch));

/**
 * One epoch of full batches (one traced shape) in the order given; calls
 * `onStep(done, steps, loss)` after each step and returns the mean loss.
 */
export function trainEpoch(mx, trainer, x, y, order, batch, onStep = () => {}) {
  const steps = Math.floor(order.length / batch);
  let total = 0;
  for (let s = 0; s < steps; ++s) {
    const l = trainStep(mx, trainer, x, y, batchIds(order, batch, s));
    const loss = l.itemNumber();
    l.dispose();
    total += loss;
    onStep(s + 1, steps, loss);
  }
  return total / steps;
}

/**
 * trainEpoch for a model on the GPU, whose values are read asynchronously:
 * each step's loss is brought back with `await mx.asyncEval` (4 bytes; the
 * parameters stay on the GPU).
 */
export async function trainEpochAsync(mx, trainer, x, y, order, batch, onStep = () => {}) {
  const steps = Math.floor(order.length / batch);
  let total = 0;
  for (let s = 0; s < steps; ++s) {
    const loss = await readNumber(mx, trainStep(mx, trainer, x, y, batchIds(order, batch, s)));
    total += loss;
    onStep(s + 1, steps, loss);
  }
  return total / steps;
}

/** A scalar array's value, read back from any device, and the array freed. */
export async function readNumber(mx, a) {
  await mx.asyncEval(a);
  const v = a.itemNumber();
  a.dispose();
  return v;
}

const accuracyOf = (mx, model, x, y) => mx.equal(mx.argmax(model.forward(x), -1), y).astype(mx.float32).mean();

/** The fraction of rows of `x` (n x 64) whose predicted class is `y`'s. */
export function accuracy(mx, model, x, y) {
  return mx.tidy(() => accuracyOf(mx, model, x, y).itemNumber());
}

/** accuracy, read back from any device (the GPU's included). */
export function accuracyAsync(mx, model, x, y) {
  return readNumber(mx, mx.tidy(() => accuracyOf(mx, model, x, y)));
}

// The page: registers the service worker (offline + cross-origin isolation,
// sw.js), starts the model's worker (worker.mjs), and wires the training
// controls, the live plot and the drawing pad to it. Its state is mirrored
// on window.digitsApp for anyone scripting the page (the browser test does).
import { drawingPad, showDigitPixels, toDigitPixels } from "./draw.mjs";
import { TrainingPlot } from "./plot.mjs";

const $ = (id) => document.getElementById(id);
const app = (window.digitsApp = { ready: false, busy: false, prediction: null, pixels: null, build: null, log: [] });
const say = (id, text) => {
  $(id).textContent = text;
  app.log.push(`${id}: ${text}`);
};

/**
 * Registers sw.js. A page's cross-origin isolation is fixed when its document
 * loads: where the host sent no COOP/COEP and the service worker has only just
 * started, the page reloads once so that its document comes through the
 * worker, which adds them (sessionStorage keeps it to one reload per tab, so a
 * browser that refuses isolation anyway gets the single-thread build).
 * Resolves to a line for the page, or never when it reloads.
 */
async function serviceWorker() {
  if (!("serviceWorker" in navigator)) return "not available (no service worker in this browser)";
  const registration = await navigator.serviceWorker.register("./sw.js");
  await activated(registration);
  if (!crossOriginIsolated && !sessionStorage.getItem("webmx-coi-reloaded")) {
    sessionStorage.setItem("webmx-coi-reloaded", "1");
    location.reload();
    return new Promise(() => {});
  }
  return registration.active ? "ready (app, builds and weights stored by the service worker)" : "installing";
}

/** Waits for the registration's worker to be active; rejects if its install fails (ready would wait forever). */
function activated(registration) {
  const worker = registration.installing ?? registration.waiting;
  if (!worker) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (worker.state === "activated") resolve();
      // A failed update leaves the previous worker active, which still serves.
      else if (worker.state === "redundant")
        registration.active ? resolve() : reject(new Error("the service worker failed to install"));
    };
    worker.addEventListener("statechange", check);
    check();
  });
}

/** The model's worker, as promises: call(type, fields) -> its result. */
function modelWorker(onEvent) {
  const worker = new Worker("./worker.mjs", { type: "module" });
  const waiting = new Map();
  let next = 0;
  worker.onmessage = ({ data }) => {
    if (data.id === undefined) return onEvent(data);
    const { resolve, reject } = waiting.get(data.id);
    waiting.delete(data.id);
    if (data.error !== undefined) reject(new Error(data.error));
    else resolve(data.result);
  };
  worker.onerror = (e) => {
    const error = new Error(`the model's worker failed: ${e.message || "could not load worker.mjs or webmx"}`);
    for (const { reject } of waiting.values()) reject(error);
    waiting.clear();
  };
  return (type, fields = {}) =>
    new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, type, ...fields });
    });
}

const plot = new TrainingPlot($("plot"));
function onTrainingEvent(event) {
  if (event.type === "step") {
    plot.totalSteps = event.total;
    $("progress").value = event.done / event.total;
    plot.addLoss(event.loss);
    // Redraw at most once a frame, however fast the steps arrive.
    if (!app.plotPending) {
      app.plotPending = true;
      requestAnimationFrame(() => {
        app.plotPending = false;
        plot.draw();
      });
    }
  } else if (event.type === "epoch") {
    plot.addAccuracy(event.accuracy);
    plot.draw();
    say("train-status", `epoch ${event.epoch}/${event.epochs}: loss ${event.loss.toFixed(4)}, held-out accuracy ${(event.accuracy * 100).toFixed(1)}%`);
  }
}
let call = null; // the model's worker, started once the service worker is settled

function setBusy(busy) {
  app.busy = busy;
  $("train").disabled = busy;
  $("load").disabled = busy;
}

async function predictDrawing() {
  const pixels = toDigitPixels($("pad"));
  app.pixels = pixels;
  showDigitPixels($("preview"), pixels);
  if (!pixels || !app.ready) return;
  try {
    const { digit, probs } = await call("predict", { pixels });
    app.prediction = digit;
    $("digit").textContent = String(digit);
    $("probs").replaceChildren(
      ...probs.map((p) => Object.assign(document.createElement("li"), { textContent: `${(p * 100).toFixed(1).padStart(5)}%` })),
    );
    say("predict-status", `predicted ${digit} (${(probs[digit] * 100).toFixed(1)}%)`);
  } catch (e) {
    app.prediction = null;
    say("predict-status", e.message);
  }
}

$("train").addEventListener("click", async () => {
  const epochs = Math.max(1, Math.min(100, Math.floor(Number($("epochs").value) || 10)));
  setBusy(true);
  $("progress").value = 0;
  plot.reset(epochs);
  say("train-status", `training ${epochs} epochs…`);
  try {
    const { accuracy, seconds } = await call("train", { epochs });
    say("train-status", `trained ${epochs} epochs in ${seconds.toFixed(1)} s: held-out accuracy ${(accuracy * 100).toFixed(1)}%`);
    app.trainedAccuracy = accuracy;
    if (app.pixels) await predictDrawing();
  } catch (e) {
    say("train-status", `training failed: ${e.message}`);
  } finally {
    setBusy(false);
  }
});

$("load").addEventListener("click", async () => {
  setBusy(true);
  say("train-status", "loading the pretrained weights…");
  try {
    const { accuracy } = await call("loadWeights", { url: "./weights/digits_mlp.safetensors" });
    app.loadedAccuracy = accuracy;
    say("train-status", `pretrained weights loaded: held-out accuracy ${(accuracy * 100).toFixed(1)}%`);
    if (app.pixels) await predictDrawing();
  } catch (e) {
    say("train-status", `loading the weights failed: ${e.message}`);
  } finally {
    setBusy(false);
  }
});

const pad = drawingPad($("pad"), predictDrawing);
$("clear").addEventListener("click", () => {
  pad.clear();
  app.pixels = null;
  app.prediction = null;
  showDigitPixels($("preview"), null);
  $("digit").textContent = "–";
  $("probs").replaceChildren();
});

say("isolated", crossOriginIsolated ? "yes" : "no");

try {
  say("offline", await serviceWorker());
} catch (e) {
  say("offline", `not available (${e.message})`);
}
try {
  call = modelWorker(onTrainingEvent);
  const build = await call("start");
  app.build = build;
  say("build", build.variant === "mt" ? `threaded, ${build.threads} threads` : "single-thread");
  // The worker opens WebGPU where the browser has an adapter (worker.mjs start).
  say("webgpu", build.gpu ? `WebGPU: the model runs on ${build.gpu}` :
    build.gpuError ? `WebGPU: not used (${build.gpuError})` : "WebGPU: not available in this browser");
  say("train-status", "ready: train the model or load the pretrained weights");
  app.ready = true;
  setBusy(false);
} catch (e) {
  say("build", `failed to load (${e.message})`);
}

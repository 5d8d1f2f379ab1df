// The app's entry when webmx lives in a Worker: the page only relays the result.
const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
worker.onmessage = (e) => {
  window.result = { ...e.data, inWorker: true };
};
worker.onerror = (e) => {
  window.result = { ok: false, message: `worker error: ${e.message}` };
};

// Cloudflare Worker: digit classification with webmx.
//   POST /predict  {"pixels": [64 numbers in 0..16]}          -> {"label", "probabilities"}
//                  {"pixels": [[64 numbers], ...]} (<= 64)    -> {"predictions": [{"label", "probabilities"}, ...]}
// Bad requests get 400 (413 for a body over 128 KiB, 404/405 for another
// path or method) with {"error": "..."}; README.md, "Cloudflare Workers
// inference", has the details and the measured latency.
import { getModel, predict } from "./model.js";
import { HttpError, readImages } from "./request.js";

const json = (status, body, headers = {}) => Response.json(body, { status, headers });

export default {
  async fetch(request) {
    try {
      const { pathname } = new URL(request.url);
      if (pathname !== "/predict") throw new HttpError(404, `[route] no endpoint ${pathname}; use POST /predict`);
      if (request.method !== "POST") {
        return json(405, { error: `[route] /predict takes POST, got ${request.method}` }, { Allow: "POST" });
      }
      const { pixels, rows, batched } = await readImages(request);
      const predictions = predict(await getModel(), pixels, rows);
      return json(200, batched ? { predictions } : predictions[0]);
    } catch (e) {
      if (e instanceof HttpError) return json(e.status, { error: e.message });
      // Not the client's fault (the model failed to load, say): logged, and
      // answered without internals.
      console.error(e);
      return json(500, { error: "[predict] internal error" });
    }
  },
};

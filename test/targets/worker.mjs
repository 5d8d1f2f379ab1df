// Cloudflare Worker used by workers.test.ts (run in Miniflare). It imports the
// package's Workers entry as a consumer's bundle would see it.
import * as mx from "../../dist/workers.js";

export default {
  async fetch(request) {
    const url = new URL(request.url);
    try {
      if (url.pathname === "/threads") {
        try {
          await mx.init({ threads: 4 });
          return Response.json({ ok: true });
        } catch (e) {
          return Response.json({ ok: false, message: String(e && e.message) });
        }
      }
      await mx.init();
      const a = mx.array([1, 2, 3]);
      const b = mx.array([10, 20, 30]);
      const c = mx.add(a, b).sum();
      mx.eval(c);
      return Response.json({ value: c.item(), info: mx.backendInfo() });
    } catch (e) {
      return Response.json({ error: String((e && e.stack) || e) }, { status: 500 });
    }
  },
};

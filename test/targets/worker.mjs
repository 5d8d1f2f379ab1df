// Cloudflare Worker used by workers.test.ts (run in Miniflare). It imports the
// package's Workers entry as a consumer's bundle would see it.
import * as mx from "../../dist/workers.js";
// The threaded build's module, to check that the Workers loader refuses it, and
// the single-thread one as a caller would pass it in opts.wasm.
import threadedWasm from "../../dist/web-mt/webmx-mt.wasm";
import singleThreadWasm from "../../dist/st/webmx-st.wasm";

// init() options that must fail with a tagged error (before the first successful init).
const BAD_INITS = {
  "/threads": { threads: 4 },
  "/bytes": { wasm: new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]) },
  "/url": { wasm: "https://example.com/webmx-st.wasm" },
  "/threaded-module": { wasm: threadedWasm },
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    try {
      if (url.pathname in BAD_INITS) {
        try {
          await mx.init(BAD_INITS[url.pathname]);
          return Response.json({ ok: true });
        } catch (e) {
          return Response.json({ ok: false, message: String(e && e.message) });
        }
      }
      // "/explicit-module": opts.wasm given by the caller; else the packaged module.
      await mx.init(url.pathname === "/explicit-module" ? { wasm: singleThreadWasm } : {});
      // "/io": the request body is an .npz (numpy's): loaded from the Request
      // (a Response-like) and as bytes, then savezCompressed and saveGguf
      // round trips: zip, deflate and GGUF without Node's zlib or fs.
      if (url.pathname === "/io") {
        const bytes = new Uint8Array(await request.clone().arrayBuffer());
        const fromRequest = await mx.load(request, { format: "npz" });
        const fromBytes = mx.load(bytes);
        const again = mx.load(mx.savezCompressed(null, fromBytes));
        const gguf = mx.load(mx.saveGguf(null, { w: fromBytes.arr_0 }, { name: "w" }), { returnMetadata: true });
        const rows = (o) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k].toJSON()]));
        return Response.json({ fromRequest: rows(fromRequest), fromBytes: rows(fromBytes), again: rows(again), gguf: [rows(gguf[0]), gguf[1]] });
      }
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

// The Workers entry (dist/workers.js) inside Miniflare (workerd): the .wasm is
// imported as a CompiledWasm module, the single-thread build is used.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));
const script = fileURLToPath(new URL("./worker.mjs", import.meta.url));

// 2025-01-01: a Worker pinned to an older date (workerd then has no WeakRef /
// FinalizationRegistry: webmx must still start). 2026-04-01 + nodejs_compat:
// workerd sets process.versions.node, which would send a glue built with
// ENVIRONMENT=node down its Node path; ours is web,worker and must not care.
const configs = [
  { name: "plain", compatibilityDate: "2025-01-01", compatibilityFlags: [] as string[] },
  { name: "nodejs_compat", compatibilityDate: "2026-04-01", compatibilityFlags: ["nodejs_compat"] },
];

describe.each(configs)("Cloudflare Workers via Miniflare ($name)", ({ name, compatibilityDate, compatibilityFlags }) => {
  let mf: Miniflare;

  beforeAll(async () => {
    expect(existsSync(new URL("../../dist/workers.js", import.meta.url))).toBe(true);
    mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: root,
      modulesRules: [
        { type: "CompiledWasm", include: ["**/*.wasm"], fallthrough: true },
        // the package is "type": "module": its .js files are ES modules (Miniflare's default: CommonJS)
        { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      ],
      compatibilityDate,
      compatibilityFlags,
    });
    await mf.ready;
  });

  afterAll(async () => {
    await mf?.dispose();
  });

  // First: init() memoises the first successful load, and a failed one may be retried.
  it("refuses an explicit thread count with a clear error", async () => {
    const res = await mf.dispatchFetch("http://localhost/threads");
    const body = (await res.json()) as any;
    expect(body.ok).toBe(false);
    expect(body.message).toMatch(/^\[init\] threads are not available in Cloudflare Workers/);
  });

  it.each([
    ["/bytes", /^\[init\] Cloudflare Workers cannot compile wasm from bytes; import the \.wasm as a module/],
    ["/url", /^\[init\] in Cloudflare Workers opts\.wasm must be a WebAssembly\.Module/],
    ["/threaded-module", /^\[init\] opts\.wasm is the threaded build; Cloudflare Workers need webmx-st\.wasm/],
  ])("refuses opts.wasm that Workers cannot use: %s", async (path, message) => {
    const body = (await (await mf.dispatchFetch(`http://localhost${path}`)).json()) as any;
    expect(body.ok).toBe(false);
    expect(body.message).toMatch(message);
  });

  // One load per Worker: the first config loads the packaged .wasm, the second the caller's opts.wasm.
  it("runs a computation on the single-thread build", async () => {
    const res = await mf.dispatchFetch(`http://localhost/${name === "plain" ? "" : "explicit-module"}`);
    const body = (await res.json()) as any;
    expect(body.error, body.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(body.value).toBe(66);
    expect(body.info.threads).toBe(1);
  });

  it("loads numpy's compressed .npz from the request and bytes, and round-trips savezCompressed and saveGguf", async () => {
    const npz = readFileSync(new URL("../fixtures/io/archives/numpy_savez_compressed.npz", import.meta.url));
    const res = await mf.dispatchFetch("http://localhost/io", { method: "POST", body: npz });
    const body = (await res.json()) as any;
    expect(body.error, body.error).toBeUndefined();
    const keys = ["arr_0", "big", "dotted.name", "empty", "flags", "half", "noise", "ramp", "scalar"];
    for (const part of ["fromRequest", "fromBytes", "again"]) {
      expect(Object.keys(body[part]), part).toEqual(keys);
      // toJSON: NaN and inf become null in JSON; int64 beyond 2^53 are strings.
      expect(body[part].arr_0, part).toEqual([[1.5, -2, null], [0.25, null, 0]]);
      expect(body[part].big, part).toEqual(["-9223372036854775808", "9223372036854775807", 3]);
      expect(body[part]["dotted.name"], part).toEqual([[0, 1, 2], [3, 4, 5]]);
      expect(body[part].ramp.slice(0, 9), part).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1]);
      expect(body[part].ramp.length, part).toBe(12000);
    }
    expect(body.gguf).toEqual([{ w: [[1.5, -2, null], [0.25, null, 0]] }, { name: "w" }]);
  });
});

// A bundler that hands the .wasm over as bytes (here Miniflare's "Data" rule: an
// ArrayBuffer) instead of a compiled module: init() says how to configure it.
describe("Cloudflare Workers with the .wasm imported as bytes", () => {
  let mf: Miniflare;
  beforeAll(async () => {
    mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: root,
      modulesRules: [
        { type: "Data", include: ["**/*.wasm"], fallthrough: true },
        { type: "ESModule", include: ["**/*.js", "**/*.mjs"] },
      ],
      compatibilityDate: "2025-01-01",
    });
    await mf.ready;
  });
  afterAll(async () => {
    await mf?.dispose();
  });

  it("init() fails with a tagged error naming the fix", async () => {
    const res = await mf.dispatchFetch("http://localhost/");
    const body = (await res.json()) as any;
    expect(res.status).toBe(500);
    expect(body.error).toMatch(
      /\[init\] webmx-st\.wasm was not imported as a WebAssembly\.Module; configure the bundler to treat \*\.wasm as CompiledWasm/);
  });
});

// The Workers entry (dist/workers.js) inside Miniflare (workerd): the .wasm is
// imported as a CompiledWasm module, the single-thread build is used.
import { existsSync } from "node:fs";
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

// init() in headless Chromium settles in every failure mode of a real
// deployment, with a tagged error that names the URL at fault and the fix:
// a missing .wasm, an HTML page served in its place, a wrong MIME type (which
// must still load), a glue chunk that 404s, a fetch that never answers, a pool
// worker script that 404s, throws, or never answers, and threads forced on a
// page without SharedArrayBuffer. Each case serves dist/ with one file broken.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerResponse, Server } from "node:http";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { launchChromium, resultOf, serve } from "./browser_harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const N = 256;

let context: BrowserContext;
const servers: Server[] = [];
const hung: ServerResponse[] = [];

beforeAll(async () => {
  context = await launchChromium();
}, 60_000);

afterAll(async () => {
  await context?.close();
  for (const r of hung) r.destroy();
  for (const s of servers) s.close();
});

type Alter = (path: string, res: ServerResponse) => boolean;

/** init-page.html with these init options, dist/ served with `alter` applied. */
async function initWith(opts: object, { isolated = false, alter }: { isolated?: boolean; alter?: Alter } = {}) {
  const served = await serve({ dir: root, prefixes: ["/dist/", "/test/targets/"], isolated, alter });
  servers.push(served.server);
  const url = `${served.origin}/test/targets/init-page.html?opts=${encodeURIComponent(JSON.stringify(opts))}`;
  const { result } = await resultOf(context, url);
  return { ...result, origin: served.origin, requests: served.requests };
}

const answer = (status: number, type: string, body: string | Buffer) => (res: ServerResponse) => {
  res.writeHead(status, { "Content-Type": type }).end(body);
  return true;
};
const on = (file: string, reply: (res: ServerResponse) => boolean): Alter => (path, res) =>
  path === file && reply(res);
const notFound = answer(404, "text/plain", "not found");

describe("init() settles in every failure mode (headless Chromium)", () => {
  it("a missing .wasm rejects, naming its URL and how to serve it", async () => {
    const r = await initWith({}, { alter: on("/dist/st/webmx-st.wasm", notFound) });
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      `[init] could not fetch ${r.origin}/dist/st/webmx-st.wasm: HTTP 404. The bundle expects webmx's ` +
        "st/webmx-st.wasm there: let the bundler emit it (Vite and webpack 5 do; rollup needs " +
        "@web/rollup-plugin-import-meta-assets), copy node_modules/webmx/dist/st/webmx-st.wasm to that URL, " +
        "or pass the URL where you serve it as init({ wasm })",
    );
    const mt = await initWith({}, { isolated: true, alter: on("/dist/web-mt/webmx-mt.wasm", notFound) });
    expect(mt.message).toMatch(
      new RegExp(`^\\[init\\] could not fetch ${mt.origin}/dist/web-mt/webmx-mt\\.wasm: HTTP 404\\. .*web-mt/webmx-mt\\.wasm`),
    );
  });

  it("an HTML page served in place of the .wasm rejects, saying what came back", async () => {
    const html = answer(200, "text/html", "<!doctype html><title>app</title>");
    const r = await initWith({}, { alter: on("/dist/st/webmx-st.wasm", html) });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      new RegExp(
        `^\\[init\\] ${r.origin}/dist/st/webmx-st\\.wasm is not a WebAssembly file \\(Content-Type: text/html, ` +
          `starts with "<!doctype html><title>ap"\\): the server answered with another file`,
      ),
    );
  });

  it("a .wasm with the wrong MIME type still loads, both builds", async () => {
    const octet = (file: string): Alter => (path, res) =>
      path === file && answer(200, "application/octet-stream", readFileSync(`${root}${file}`))(res);
    const st = await initWith({}, { alter: octet("/dist/st/webmx-st.wasm") });
    expect(st).toMatchObject({ ok: true, sum: N ** 3, info: { variant: "st" } });
    const mt = await initWith({}, { isolated: true, alter: octet("/dist/web-mt/webmx-mt.wasm") });
    expect(mt).toMatchObject({ ok: true, sum: N ** 3, info: { variant: "mt" } });
  });

  it("a glue chunk or the worker source that 404s rejects, naming it", async () => {
    const r = await initWith({}, { alter: on("/dist/st/webmx-st.mjs", notFound) });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^\[init\] could not load webmx's glue \.\/st\/webmx-st\.mjs \(relative to the loader\): /);
    const mt = await initWith({}, { isolated: true, alter: on("/dist/web-mt/webmx-mt.pthread-source.js", notFound) });
    expect(mt.message).toMatch(
      /^\[init\] could not load webmx's \.\/web-mt\/webmx-mt\.pthread-source\.js \(relative to the loader\): /,
    );
  });

  it("a .wasm fetch that never answers rejects after opts.timeout, naming the URL", async () => {
    const hang: Alter = (path, res) => path === "/dist/st/webmx-st.wasm" && (hung.push(res), true);
    const r = await initWith({ timeout: 1500 }, { alter: hang });
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      `[init] webmx did not finish loading within 1.5 s, while fetching ${r.origin}/dist/st/webmx-st.wasm. ` +
        "Check the browser's network panel and console for that file; init({ timeout }) sets the limit",
    );
  });

  it("threads forced on a page without SharedArrayBuffer reject with the headers to send", async () => {
    const r = await initWith({ threads: 4 });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^\[init\] the threaded build needs a cross-origin isolated page \(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp\)/);
    // and nothing was fetched for it
    expect(r.requests.filter((p: string) => p.includes("web-mt"))).toEqual([]);
  });

  it("a pool worker script that 404s rejects with its URL and status", async () => {
    const r = await initWith({ threads: 2, workerUrl: "/dist/web-mt/missing.pthread.js" }, { isolated: true });
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      `[init] a thread worker failed to start from ${r.origin}/dist/web-mt/missing.pthread.js (HTTP 404): ` +
        "serve webmx's dist/web-mt/webmx-mt.pthread.js there (same origin, a JavaScript MIME type) or leave out workerUrl",
    );
  });

  it("a pool worker script that throws rejects with its error", async () => {
    const r = await initWith({ threads: 2, workerUrl: "/test/targets/throwing-worker.js" }, { isolated: true });
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      `[init] a thread worker failed while loading webmx from ${r.origin}/test/targets/throwing-worker.js: ` +
        "Uncaught Error: this worker script is broken on purpose",
    );
  });

  it("pool workers that never start reject after opts.timeout, saying how many did", async () => {
    const r = await initWith({ threads: 2, timeout: 3000, workerUrl: "/test/targets/silent-worker.js" }, { isolated: true });
    expect(r.ok).toBe(false);
    expect(r.message).toBe(
      `[init] webmx did not finish loading within 3 s, while starting 2 thread workers from ` +
        `${r.origin}/test/targets/silent-worker.js (0 ready). ` +
        "Check the browser's network panel and console for that file; init({ timeout }) sets the limit",
    );
  });

  it("workerUrl pointing at the shipped worker script loads the threaded build", async () => {
    const r = await initWith({ threads: 2, workerUrl: "/dist/web-mt/webmx-mt.pthread.js" }, { isolated: true });
    expect(r).toMatchObject({ ok: true, sum: N ** 3, info: { variant: "mt", threads: 2 } });
    expect(r.requests.filter((p: string) => p.startsWith("/dist/web-mt/webmx-mt.pthread.js")).length).toBeGreaterThan(0);
    // the default (blob:) worker source was not needed
    expect(r.requests).not.toContain("/dist/web-mt/webmx-mt.pthread-source.js");
  });

  it("a CSP without blob: workers rejects, pointing at workerUrl, which then works", async () => {
    const csp: Alter = (path, res) => {
      if (path.endsWith(".html")) res.setHeader("Content-Security-Policy", "worker-src 'self'");
      return false;
    };
    const r = await initWith({ threads: 2 }, { isolated: true, alter: csp });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /^\[init\] .*Content-Security-Policy must allow blob: workers \(worker-src blob:\); otherwise serve dist\/web-mt\/webmx-mt\.pthread\.js and pass its URL as init\(\{ workerUrl \}\)$/,
    );
    const ok = await initWith({ threads: 2, workerUrl: "/dist/web-mt/webmx-mt.pthread.js" }, { isolated: true, alter: csp });
    expect(ok).toMatchObject({ ok: true, sum: N ** 3, info: { variant: "mt", threads: 2 } });
  });

  it("bad timeout and workerUrl options are refused", async () => {
    const t = await initWith({ timeout: -1 });
    expect(t.message).toBe("[init] timeout must be a positive number of milliseconds, got -1");
    const w = await initWith({ threads: 2, workerUrl: 5 }, { isolated: true });
    expect(w.message).toBe("[init] workerUrl must be a URL or a string, got number");
  });
});

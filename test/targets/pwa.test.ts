// The digits PWA (examples/pwa) in headless Chromium (Debian's, driven by
// playwright-core), as a person would use it: the page loads the package's
// browser build, trains a few epochs, loads the pretrained weights and
// predicts a digit drawn with the mouse (checked against the Node build's
// prediction for the same 8x8 pixels and weights); then, with the server shut
// and the browser offline, a reload still loads, loads the weights and
// predicts, from the service worker's cache. A second site served without
// COOP/COEP gets them from the service worker and runs the threaded build;
// with service workers blocked as well, the page runs the single-thread build.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Server } from "node:http";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import * as mx from "webmx";
// @ts-ignore -- plain .mjs modules of the examples, imported untyped
import { servePwa } from "../../examples/pwa/serve.mjs";
import { launchChromium } from "./browser_harness.js";
// @ts-ignore
import { digitsMlp } from "../../examples/lib/digits_mlp.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const out = join(root, "test-output/pwa");
const weightsDir = join(out, "weights");
const weightsFile = join(weightsDir, "digits_mlp.safetensors");
const noWeightsDir = join(out, "no-weights");

let browser: Browser;
let context: BrowserContext;
const servers: Server[] = [];

async function startSite(isolated: boolean, weights = weightsDir): Promise<{ server: Server; url: string }> {
  const site = await servePwa({ isolated, mounts: { "/weights/": weights } });
  servers.push(site.server);
  return site;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** The page's state (window.digitsApp, see app.mjs). */
const state = (page: Page): Promise<any> => page.evaluate(() => (window as any).digitsApp);

async function waitReady(page: Page) {
  await page.waitForFunction(() => {
    const app = (window as any).digitsApp;
    return app?.ready || app?.log.some((l: string) => l.startsWith("build: failed"));
  }, null, { timeout: 30_000 });
  const app = await state(page);
  expect(app.log.filter((l: string) => l.startsWith("build: failed"))).toEqual([]);
  expect(app.ready).toBe(true);
  return app;
}

/** Draws a "0" (an upright oval, as the digits write it) on the pad with mouse events; waits for the prediction. */
async function drawZero(page: Page, predicted = true) {
  await page.click("#clear");
  const box = (await page.locator("#pad").boundingBox())!;
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  const point = (t: number) => [cx + 0.25 * box.width * Math.sin(t), cy - 0.38 * box.height * Math.cos(t)] as const;
  await page.evaluate(() => ((window as any).digitsApp.prediction = null));
  await page.mouse.move(...point(0));
  await page.mouse.down();
  for (let i = 1; i <= 48; ++i) await page.mouse.move(...point((2 * Math.PI * i) / 48 + 0.1), { steps: 2 });
  await page.mouse.up();
  if (!predicted) return state(page);
  await page.waitForFunction(() => (window as any).digitsApp.prediction !== null, null, { timeout: 10_000 });
  return state(page);
}

/** The Node build's class probabilities for 64 pixels of 0..16 with the weights file. */
function nodePrediction(pixels: number[]): number[] {
  const model = digitsMlp(mx);
  model.loadWeights(mx.load(weightsFile));
  return mx.tidy(() =>
    Array.from(mx.softmax(model.forward(mx.array(Float32Array.from(pixels, (v) => v / 16)).reshape(1, 64)), -1).dataSync() as Float32Array),
  );
}

function checkZeroPixels(pixels: number[]) {
  expect(pixels).toHaveLength(64);
  for (const v of pixels) expect(Number.isInteger(v) && v >= 0 && v <= 16).toBe(true);
  const at = (r: number, c: number) => pixels[r * 8 + c];
  // An oval: ink in the top and bottom rows and the left and right columns, a hole in the middle.
  expect(Math.max(...[2, 3, 4, 5].map((c) => at(0, c)))).toBeGreaterThan(8);
  expect(Math.max(...[2, 3, 4, 5].map((c) => at(7, c)))).toBeGreaterThan(8);
  expect(Math.max(...[0, 1].map((c) => at(4, c)))).toBeGreaterThan(8);
  expect(Math.max(...[6, 7].map((c) => at(4, c)))).toBeGreaterThan(8);
  expect(at(3, 3) + at(3, 4) + at(4, 3) + at(4, 4)).toBe(0);
}

beforeAll(async () => {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(weightsDir, { recursive: true });
  mkdirSync(noWeightsDir, { recursive: true });
  // The pretrained weights, as make demo writes them.
  execFileSync(process.execPath, [join(root, "examples/demo.mjs"), "--single-thread", "--out", weightsFile], { stdio: "pipe" });
  await mx.init({ threads: false });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  context = await browser.newContext({ viewport: { width: 1000, height: 680 } });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(servers.map((s) => s.listening && stop(s)));
});

describe("digits PWA (headless Chromium)", () => {
  it("trains, predicts a drawn digit as Node does, and works offline", async () => {
    const { server, url } = await startSite(true);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(url);
    let app = await waitReady(page);
    expect(app.build.variant).toBe("mt");
    expect(app.build.threads).toBeGreaterThan(1);
    expect(await page.locator("#build").textContent()).toMatch(/^threaded, \d+ threads$/);
    // No --enable-unsafe-webgpu here: no adapter, so the CPU build trains, and the page says why.
    expect(await page.locator("#webgpu").textContent()).toMatch(/^WebGPU: (not used \(.+\)|not available in this browser)$/);
    expect(app.build.gpu).toBe(null);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

    // No model yet: a drawing gets a message, not a prediction.
    await drawZero(page, false);
    await page.waitForFunction(() => /no model yet/.test(document.getElementById("predict-status")!.textContent!), null, { timeout: 10_000 });
    expect((await state(page)).prediction).toBe(null);

    // Train 3 epochs: the progress bar fills and the held-out accuracy is reported.
    await page.fill("#epochs", "3");
    await page.click("#train");
    await page.waitForFunction(() => /^trained|failed/.test(document.getElementById("train-status")!.textContent!), null, { timeout: 30_000 });
    app = await state(page);
    expect(await page.locator("#train-status").textContent()).toMatch(/^trained 3 epochs in [\d.]+ s: held-out accuracy/);
    expect(app.trainedAccuracy).toBeGreaterThan(0.9);
    expect(await page.locator("#progress").evaluate((p: HTMLProgressElement) => p.value)).toBe(1);

    // The pretrained weights, then a drawn 0: the page's prediction is the Node build's.
    await page.click("#load");
    await page.waitForFunction(() => (window as any).digitsApp.loadedAccuracy !== undefined, null, { timeout: 20_000 });
    app = await drawZero(page);
    checkZeroPixels(app.pixels);
    const expected = nodePrediction(app.pixels);
    const digit = expected.indexOf(Math.max(...expected));
    expect(app.prediction).toBe(digit);
    expect(digit).toBe(0);
    expect(await page.locator("#digit").textContent()).toBe("0");
    await page.screenshot({ path: join(out, "pwa.png") });

    // Offline: the server gone and the network off, a reload still works from the cache.
    const loadedAccuracy = app.loadedAccuracy;
    await stop(server);
    await context.setOffline(true);
    try {
      await page.reload();
      app = await waitReady(page);
      expect(app.build.variant).toBe("mt");
      await page.click("#load");
      await page.waitForFunction(() => (window as any).digitsApp.loadedAccuracy !== undefined, null, { timeout: 20_000 });
      expect((await state(page)).loadedAccuracy).toBe(loadedAccuracy);
      app = await drawZero(page);
      expect(app.prediction).toBe(0);
      await page.screenshot({ path: join(out, "pwa-offline.png") });
    } finally {
      await context.setOffline(false);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  it("with WebGPU (SwiftShader's adapter), the model trains and predicts on the GPU", async () => {
    const gpuContext = await launchChromium(["--enable-unsafe-webgpu"]);
    try {
      const { url } = await startSite(true);
      const page = await gpuContext.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(url);
      let app = await waitReady(page);
      expect(app.build.gpu).toMatch(/swiftshader/i);
      expect(await page.locator("#webgpu").textContent()).toMatch(/^WebGPU: the model runs on .*swiftshader/i);
      await page.fill("#epochs", "2");
      await page.click("#train");
      await page.waitForFunction(() => /^trained|failed/.test(document.getElementById("train-status")!.textContent!), null, { timeout: 240_000 });
      expect(await page.locator("#train-status").textContent()).toMatch(/^trained 2 epochs in [\d.]+ s: held-out accuracy/);
      app = await state(page);
      expect(app.trainedAccuracy).toBeGreaterThan(0.85);
      // The pretrained weights on the GPU give the Node build's prediction for a drawn 0.
      await page.click("#load");
      await page.waitForFunction(() => (window as any).digitsApp.loadedAccuracy !== undefined, null, { timeout: 60_000 });
      app = await drawZero(page);
      const expected = nodePrediction(app.pixels);
      expect(app.prediction).toBe(expected.indexOf(Math.max(...expected)));
      expect(app.prediction).toBe(0);
      await page.screenshot({ path: join(out, "pwa-webgpu.png") });
      expect(errors).toEqual([]);
    } finally {
      await gpuContext.close();
    }
  }, 300_000);

  it("on a host without COOP/COEP, the service worker isolates the page and the threaded build runs", async () => {
    const { url } = await startSite(false, noWeightsDir);
    const page = await context.newPage();
    let loads = 0;
    page.on("load", () => ++loads);
    const first = await page.goto(url);
    expect(first!.headers()["cross-origin-embedder-policy"]).toBeUndefined();
    // app.mjs reloads once the service worker is active; the second document comes through it.
    await expect.poll(() => loads, { timeout: 30_000 }).toBe(2);
    const app = await waitReady(page);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(app.build.variant).toBe("mt");
    expect(await page.locator("#isolated").textContent()).toBe("yes");
    // This site has no weights (make demo not run): loading them says so.
    await page.click("#load");
    await page.waitForFunction(() => /failed/.test(document.getElementById("train-status")!.textContent!), null, { timeout: 10_000 });
    expect(await page.locator("#train-status").textContent()).toBe(
      "loading the weights failed: could not fetch ./weights/digits_mlp.safetensors: HTTP 404 (run make demo to write the weights)",
    );
    await page.close();
  });

  it("where no service worker runs and the host sends no COOP/COEP, the single-thread build runs and predicts", async () => {
    const { url } = await startSite(false);
    const plain = await browser.newContext({ serviceWorkers: "block" });
    try {
      const page = await plain.newPage();
      await page.goto(url);
      const app = await waitReady(page);
      expect(app.build).toMatchObject({ variant: "st", threads: 1, isolated: false });
      expect(await page.locator("#build").textContent()).toBe("single-thread");
      expect(await page.locator("#isolated").textContent()).toBe("no");
      await page.click("#load");
      await page.waitForFunction(() => (window as any).digitsApp.loadedAccuracy !== undefined, null, { timeout: 20_000 });
      const drawn = await drawZero(page);
      const expected = nodePrediction(drawn.pixels);
      expect(drawn.prediction).toBe(expected.indexOf(Math.max(...expected)));
    } finally {
      await plain.close();
    }
  });
});

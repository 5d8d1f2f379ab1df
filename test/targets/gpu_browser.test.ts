// The WebGPU backend in headless Chromium (Debian's, on its SwiftShader
// adapter with --enable-unsafe-webgpu): a page opens the GPU through
// navigator.gpu and trains an MLP for a few steps on it; the losses must match
// the CPU's for the same program.
import { afterAll, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { launchChromium, resultOf, serve, type Served } from "./browser_harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

let served: Served | undefined;
let context: BrowserContext | undefined;

afterAll(async () => {
  await context?.close();
  served?.server.close();
});

it("trains an MLP on WebGPU in the page, matching the CPU", async () => {
  served = await serve({ dir: root, prefixes: ["/dist/", "/test/targets/"], isolated: false });
  context = await launchChromium(["--enable-unsafe-webgpu"]);
  const { result: r } = await resultOf(context, `${served.origin}/test/targets/gpu-page.html`, 120_000);
  expect(r.failure).toBeUndefined();
  expect(r.info.gpu).toBe("webgpu");
  expect(r.gpu.device).toBe("Device(gpu, 0)");
  expect(r.gpu.losses).toHaveLength(5);
  r.gpu.losses.forEach((l: number, i: number) => expect(l).toBeCloseTo(r.cpu.losses[i], 4));
  expect(r.gpu.losses[4]).toBeLessThan(r.gpu.losses[0]); // it learns
}, 180_000);

// The WebGPU backend in headless Chromium (Debian's, on its SwiftShader
// adapter with --enable-unsafe-webgpu): a page opens the GPU through
// navigator.gpu and trains an MLP for a few steps on it; the losses must match
// the CPU's for the same program.
import { afterAll, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";

const root = fileURLToPath(new URL("../..", import.meta.url));
const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm" };

let server: Server | undefined;
let context: BrowserContext | undefined;

afterAll(async () => {
  await context?.close();
  server?.close();
});

it("trains an MLP on WebGPU in the page, matching the CPU", async () => {
  server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, "http://x").pathname));
    if (!path.startsWith("/dist/") && !path.startsWith("/test/targets/")) return void res.writeHead(404).end();
    try {
      res.writeHead(200, { "Content-Type": types[extname(path)] ?? "application/octet-stream" }).end(await readFile(join(root, path)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), "webmx-chromium-gpu-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--enable-unsafe-webgpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/test/targets/gpu-page.html`);
  await page.waitForFunction(() => (window as any).result !== undefined, null, { timeout: 120_000 });
  const r = await page.evaluate(() => (window as any).result);
  expect(r.failure).toBeUndefined();
  expect(r.info.gpu).toBe("webgpu");
  expect(r.gpu.device).toBe("Device(gpu, 0)");
  expect(r.gpu.losses).toHaveLength(5);
  r.gpu.losses.forEach((l: number, i: number) => expect(l).toBeCloseTo(r.cpu.losses[i], 4));
  expect(r.gpu.losses[4]).toBeLessThan(r.gpu.losses[0]); // it learns
}, 180_000);

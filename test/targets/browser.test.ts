// The package's browser entry in headless Chromium (Debian's, driven by
// playwright-core): threaded on a cross-origin-isolated page, single-thread
// on a plain page, each loading dist/browser.js and its glue as served files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import { readFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext } from "playwright-core";

const root = fileURLToPath(new URL("../..", import.meta.url));
const types: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

function serve(isolated: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, "http://x").pathname));
    if (!path.startsWith("/dist/") && !path.startsWith("/test/targets/")) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(root, path));
      const headers: Record<string, string> = { "Content-Type": types[extname(path)] ?? "application/octet-stream" };
      if (isolated) {
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Embedder-Policy"] = "require-corp";
      }
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      resolve({ server, url: `http://127.0.0.1:${port}/test/targets/browser-page.html` });
    }),
  );
}

let context: BrowserContext;
const servers: Server[] = [];

beforeAll(async () => {
  context = await chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), "webmx-chromium-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await context?.close();
  for (const s of servers) s.close();
});

async function run(isolated: boolean, query = ""): Promise<any> {
  const { server, url } = await serve(isolated);
  servers.push(server);
  const page = await context.newPage();
  try {
    await page.goto(url + query);
    await page.waitForFunction(() => (window as any).result !== undefined, null, { timeout: 60_000 });
    return await page.evaluate(() => (window as any).result);
  } finally {
    await page.close();
  }
}

function checkValues(r: any) {
  expect(r.failure).toBeUndefined();
  expect(r.value).toBe(58);
  expect(r.grad).toEqual([2, 4, 6]);
  expect(r.error).toMatch(/^\[matmul\] Last dimension of first input with shape \(2,2\)/);
  expect(r.big).toBe(384 ** 3);
  expect(Math.abs(r.expSum / (Math.E * (1 << 18)) - 1)).toBeLessThan(1e-6);
}

describe("browser (headless Chromium)", () => {
  it("uses the threaded build on a cross-origin-isolated page", async () => {
    const r = await run(true);
    checkValues(r);
    expect(r.isolated).toBe(true);
    expect(r.info.variant).toBe("mt");
    expect(r.info.threads).toBeGreaterThan(1);
  });
  it("falls back to the single-thread build on a plain page", async () => {
    const r = await run(false);
    checkValues(r);
    expect(r.isolated).toBe(false);
    expect(r.info.variant).toBe("st");
    expect(r.info.threads).toBe(1);
  });
  it("honours threads: false on an isolated page", async () => {
    const r = await run(true, "?threads=false");
    checkValues(r);
    expect(r.info.variant).toBe("st");
  });
});

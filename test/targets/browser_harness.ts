// Shared by the headless-Chromium tests: a static server on 127.0.0.1 (with or
// without the COOP/COEP headers that make a page cross-origin isolated, and a
// hook to break chosen files) and Debian's Chromium driven by playwright-core.
import { createServer, type ServerResponse, type Server } from "node:http";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".cjs": "text/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".css": "text/css",
};

export interface ServeOptions {
  /** The folder served at "/". */
  dir: string;
  /** Only paths under these prefixes are served (default: all of dir). */
  prefixes?: string[];
  /** COOP same-origin + COEP require-corp on every response. */
  isolated: boolean;
  /** Takes over a request (to break a file): return true when it answered. */
  alter?: (path: string, res: ServerResponse) => boolean;
}

export interface Served {
  server: Server;
  origin: string;
  /** The paths requested, in order. */
  requests: string[];
}

export function serve(opts: ServeOptions): Promise<Served> {
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url!, "http://x").pathname));
    requests.push(path);
    if (opts.isolated) {
      res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
      res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
    }
    res.setHeader("Cache-Control", "no-store");
    if (opts.alter?.(path, res)) return;
    if (opts.prefixes && !opts.prefixes.some((p) => path.startsWith(p))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(opts.dir, path));
      res.writeHead(200, { "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      resolve({ server, origin: `http://127.0.0.1:${port}`, requests });
    }),
  );
}

/** `extraArgs`: more Chromium flags (e.g. --enable-unsafe-webgpu). */
export async function launchChromium(extraArgs: string[] = []): Promise<BrowserContext> {
  return chromium.launchPersistentContext(await mkdtemp(join(tmpdir(), "webmx-chromium-")), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", ...extraArgs],
  });
}

/**
 * Opens url and waits for the page to set window.result; returns it with the
 * console messages the page printed meanwhile.
 */
export async function resultOf(
  context: BrowserContext,
  url: string,
  timeoutMs = 60_000,
): Promise<{ result: any; console: string[] }> {
  const page = await context.newPage();
  const messages: string[] = [];
  page.on("console", (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => messages.push(`pageerror: ${e.message}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as any).result !== undefined, null, { timeout: timeoutMs });
    return { result: await page.evaluate(() => (window as any).result), console: messages };
  } finally {
    await page.close();
  }
}

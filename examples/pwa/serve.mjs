// make pwa: serves the digits PWA on 127.0.0.1, as a static host would serve
// a folder holding the app, the package's dist/ and the data:
//
//   /            examples/pwa/ (page, service worker, model worker, manifest)
//   /dist/       the package's build (dist/browser.js, its glue and .wasm)
//   /lib/        examples/lib/ (the digits MLP and shuffles, shared with Node)
//   /data/       examples/data/ (the digits)
//   /weights/    examples/weights/ (digits_mlp.safetensors, from make demo)
//
// With COOP/COEP headers by default, so the page is cross-origin isolated and
// runs the threaded build; --no-isolation leaves them out, as a host that
// can't set headers would, and the service worker adds them instead (sw.js).
//   node examples/pwa/serve.mjs [--port N] [--no-isolation]
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const defaultMounts = {
  "/dist/": join(repo, "dist"),
  "/lib/": join(repo, "examples/lib"),
  "/data/": join(repo, "examples/data"),
  "/weights/": join(repo, "examples/weights"),
  "/": join(repo, "examples/pwa"),
};
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  // Sent as is (no Content-Encoding): the worker decompresses it itself.
  ".gz": "application/gzip",
  ".safetensors": "application/octet-stream",
};

/** The file a URL path names, or null outside the mounts (or trying to leave one). */
function fileFor(pathname, mounts) {
  const path = normalize(decodeURIComponent(pathname)).replaceAll("\\", "/");
  const prefix = Object.keys(mounts).sort((a, b) => b.length - a.length).find((p) => path.startsWith(p));
  if (!prefix) return null;
  const dir = mounts[prefix];
  const file = resolve(dir, "." + path.slice(prefix.length - 1) + (path.endsWith("/") ? "index.html" : ""));
  return file.startsWith(dir + "/") ? file : null;
}

/**
 * Starts the server; resolves to {server, url}. `isolated` (default true)
 * sends COOP/COEP; `mounts` replaces folders of the layout above (the tests
 * point /weights/ at weights of their own).
 */
export function servePwa({ port = 0, isolated = true, mounts = {} } = {}) {
  const table = { ...defaultMounts, ...mounts };
  const server = createServer(async (req, res) => {
    let file = null;
    try {
      file = fileFor(new URL(req.url, "http://localhost").pathname, table);
    } catch {
      // a malformed %-escape: not a file of ours
    }
    const body = file && (await readFile(file).catch(() => null));
    if (!body || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(body ? 405 : 404, { "Content-Type": "text/plain" }).end(body ? "method not allowed\n" : "not found\n");
      return;
    }
    const headers = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-cache" };
    if (isolated) {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    res.writeHead(200, headers).end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const portAt = args.indexOf("--port");
  const port = portAt >= 0 ? Number(args[portAt + 1]) : 8080;
  const isolated = !args.includes("--no-isolation");
  const { url } = await servePwa({ port, isolated });
  console.log(`webmx digits PWA: ${url}`);
  console.log(isolated
    ? "  served with COOP/COEP: cross-origin isolated, threaded build"
    : "  served without COOP/COEP: the service worker adds them after one reload");
  console.log("  Ctrl-C stops it");
}

// The PWA's service worker. Two jobs:
//
// 1. Offline: at install it stores the app shell, the package's browser entry
//    with every module it imports, both builds' glue, .wasm and thread worker,
//    the digits and the pretrained weights; afterwards every same-origin GET
//    goes to the network first (a rebuilt dist/ shows at once) and falls back
//    to the stored copy when the network is down.
// 2. Cross-origin isolation where the host cannot send headers (the
//    "coi-serviceworker" technique): every response it hands the page gets
//    Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy:
//    require-corp, so a page loaded through it is cross-origin isolated and
//    SharedArrayBuffer (the threaded build) is available. A page's isolation is
//    decided when its document loads, so app.mjs reloads once after this
//    worker first takes control.
//
// Paths are relative to this file, which sits at the site's root (serve.mjs),
// so its scope covers the app, dist/ and the thread workers' scripts.

const CACHE = "webmx-digits-v1";
const SHELL = [
  "./", "./index.html", "./app.mjs", "./draw.mjs", "./plot.mjs", "./worker.mjs", "./style.css",
  "./manifest.webmanifest", "./icon.svg",
  "./lib/digits_mlp.mjs", "./lib/shuffle.mjs", "./data/digits_rows.mjs", "./data/digits.csv.gz",
];
// The loaders find these next to the glue (new URL(name, import.meta.url)): the
// .wasm files and the threaded build's pool worker (its script, and the copy of
// it as a string that the loader starts from a blob: URL).
const BUILDS = [
  "./dist/st/webmx-st.wasm",
  "./dist/web-mt/webmx-mt.wasm", "./dist/web-mt/webmx-mt.pthread.js", "./dist/web-mt/webmx-mt.pthread-source.js",
];
const PACKAGE_ENTRY = "./dist/browser.js";
// Stored when present: written by `make demo`, so a fresh checkout may lack it.
const OPTIONAL = ["./weights/digits_mlp.safetensors"];

/** Relative module specifiers in static imports, re-exports and import("..."). */
function importedSpecifiers(source) {
  const found = [];
  const pattern = /(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]*\bfrom\s*)?\(?\s*["'](\.{1,2}\/[^"']+)["']/g;
  for (const m of source.matchAll(pattern)) found.push(m[1]);
  return found;
}

/** Fetches and stores `url` and, for a JavaScript module, everything it imports. */
async function storeModuleGraph(cache, entry) {
  const seen = new Set();
  const pending = [new URL(entry, self.location.href).href];
  while (pending.length > 0) {
    const url = pending.pop();
    if (seen.has(url)) continue;
    seen.add(url);
    const response = await fetch(url, { cache: "no-cache" });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    await cache.put(url, response.clone());
    if (/\.m?js$/.test(new URL(url).pathname)) {
      for (const spec of importedSpecifiers(await response.text())) pending.push(new URL(spec, url).href);
    }
  }
  return seen.size;
}

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll([...SHELL, ...BUILDS].map((path) => new Request(path, { cache: "no-cache" })));
  await storeModuleGraph(cache, PACKAGE_ENTRY);
  for (const path of OPTIONAL) {
    const response = await fetch(path, { cache: "no-cache" }).catch(() => null);
    if (response?.ok) await cache.put(path, response);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** The response with the isolation headers added (opaque responses can't be changed, nor need to be). */
function isolated(response) {
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  headers.set("Cross-Origin-Resource-Policy", "same-origin");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (offline) {
    // Navigations may carry a query (?x=1); the shell is the same page.
    const stored = await cache.match(request, { ignoreSearch: request.mode === "navigate" });
    if (stored) return stored;
    throw offline;
  }
}

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(networkFirst(request).then(isolated));
});

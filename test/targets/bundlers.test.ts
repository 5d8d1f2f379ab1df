// webmx as a new user gets it: `npm pack`ed, unpacked into a fresh project's
// node_modules, bundled by Vite 7 and 8 (on the main thread, and inside a
// module Worker in both worker formats), webpack 5, esbuild (no splitting) and rollup
// (node-resolve + @web/rollup-plugin-import-meta-assets), each with the
// project's pinned version, then run in headless Chromium on a plain page
// (single-thread build) and a cross-origin-isolated one (threaded build).
// The README's "Use it in your bundler" section shows these set-ups; the sizes
// this prints are the ones quoted there.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { BrowserContext } from "playwright-core";
import { build as viteBuild } from "vite";
import { build as vite8Build } from "vite8"; // npm:vite@8.4.0 beside vitest's Vite 7
import webpack from "webpack";
import * as esbuild from "esbuild";
import { rollup } from "rollup";
import { nodeResolve } from "@rollup/plugin-node-resolve";
// @ts-expect-error -- its types (dist/index.d.ts) are not reachable through its package.json "exports"
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";
import { launchChromium, resultOf, serve } from "./browser_harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const appSrc = join(root, "test/bundlers/app");
const N = 256;

let context: BrowserContext;
let work: string; // the user's project: app/, node_modules/webmx/, out-*/
const servers: Server[] = [];
type Size = { files: number; bytes: number; gzip: number };
const sizes: Record<string, { js: Size; wasm: Size }> = {};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "webmx-bundlers-"));
  // `npm pack` as published (prepack's `make dist` already ran: dist/ is what the tests use).
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8" }),
  )[0];
  mkdirSync(join(work, "node_modules"));
  execFileSync("tar", ["-xzf", join(work, packed.filename), "-C", join(work, "node_modules")]);
  execFileSync("mv", [join(work, "node_modules/package"), join(work, "node_modules/webmx")]);
  cpSync(appSrc, join(work, "app"), { recursive: true });
  context = await launchChromium();
}, 120_000);

afterAll(async () => {
  await context?.close();
  for (const s of servers) s.close();
  if (Object.keys(sizes).length) console.log("bundle sizes (output folder):\n" + JSON.stringify(sizes));
  if (work) rmSync(work, { recursive: true, force: true });
});

function page(dir: string, script: string, module = true): void {
  writeFileSync(
    join(dir, "index.html"),
    `<!doctype html><meta charset="utf-8"><script ${module ? 'type="module" ' : ""}src="${script}"></script>\n`,
  );
}

/** The output folder's JavaScript and .wasm files: count, bytes, gzip -9 bytes. */
function measure(name: string, dir: string): void {
  const js: Size = { files: 0, bytes: 0, gzip: 0 };
  const wasm: Size = { files: 0, bytes: 0, gzip: 0 };
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(m?js|wasm)$/.test(f)) {
        const body = readFileSync(p);
        const s = f.endsWith(".wasm") ? wasm : js;
        s.files++;
        s.bytes += body.length;
        s.gzip += gzipSync(body, { level: 9 }).length;
      }
    }
  };
  walk(dir);
  sizes[name] = { js, wasm };
}

/** Serves dir (plain or isolated) and returns what the app left in window.result. */
async function runApp(dir: string, isolated: boolean): Promise<any> {
  const served = await serve({ dir, isolated });
  servers.push(served.server);
  const { result, console } = await resultOf(context, `${served.origin}/index.html`);
  expect(console.filter((m) => m.startsWith("pageerror") || m.includes("Blocking on the main thread"))).toEqual([]);
  return result;
}

async function expectBothBuilds(dir: string, inWorker = false): Promise<void> {
  const plain = await runApp(dir, false);
  expect(plain).toMatchObject({ ok: true, sum: N ** 3, isolated: false, info: { variant: "st", threads: 1 } });
  const isolated = await runApp(dir, true);
  expect(isolated).toMatchObject({ ok: true, sum: N ** 3, isolated: true, info: { variant: "mt" } });
  expect(isolated.info.threads).toBeGreaterThan(1);
  if (inWorker) expect([plain.inWorker, isolated.inWorker]).toEqual([true, true]);
}

const T = 180_000;

describe("bundled from the packed tarball, run in headless Chromium", () => {
  const vites = [
    { version: 7, build: viteBuild },
    { version: 8, build: vite8Build as typeof viteBuild },
  ];
  for (const { version, build } of vites) {
    for (const format of ["main", "es", "iife"] as const) {
      const name = format === "main" ? `vite${version}` : `vite${version}-worker-${format}`;
      const where = format === "main" ? "(main thread)" : `(module Worker, worker.format "${format}")`;
      it(`Vite ${version} ${where}`, async () => {
        const app = join(work, "app");
        page(app, format === "main" ? "./main.js" : "./main-worker.js");
        const out = join(work, `out-${name}`);
        await build({
          root: app,
          configFile: false,
          logLevel: "silent",
          base: "./",
          build: { outDir: out, emptyOutDir: true, target: "es2022" },
          // Vite 7 bundles workers with rollup, which cannot split an iife bundle: webmx's
          // dynamic imports (the glue of the build that the page can run) go inline.
          worker:
            format === "iife" && version === 7
              ? { format, rollupOptions: { output: { inlineDynamicImports: true } } }
              : { format: format === "main" ? "es" : format },
        });
        measure(name, out);
        await expectBothBuilds(out, format !== "main");
      }, T);
    }
  }

  it("webpack 5", async () => {
    const out = join(work, "out-webpack");
    const stats = await new Promise<webpack.Stats>((resolve, reject) =>
      webpack(
        {
          mode: "production",
          context: join(work, "app"),
          entry: "./main.js",
          output: { path: out, filename: "main.js", clean: true },
          target: "web",
          devtool: false,
          performance: { hints: false },
        },
        (err, s) => (err || !s ? reject(err) : resolve(s)),
      ),
    );
    expect(stats.toJson({ all: false, errors: true }).errors).toEqual([]);
    // webpack compiles a bare import.meta.url to the build machine's file:// URL; webmx has none left.
    const js = readdirSync(out).filter((f) => f.endsWith(".js"));
    expect(js.filter((f) => readFileSync(join(out, f), "utf8").includes("file://"))).toEqual([]);
    page(out, "main.js", false);
    measure("webpack", out);
    await expectBothBuilds(out);
  }, T);

  it("esbuild (one file, no splitting; the .wasm files copied beside it)", async () => {
    const out = join(work, "out-esbuild");
    await esbuild.build({
      entryPoints: [join(work, "app/main.js")],
      bundle: true,
      format: "esm",
      platform: "browser",
      outfile: join(out, "main.js"),
      logLevel: "silent",
    });
    // esbuild leaves new URL(..., import.meta.url) alone: the files go where those URLs point.
    for (const f of ["st/webmx-st.wasm", "web-mt/webmx-mt.wasm"]) {
      cpSync(join(work, "node_modules/webmx/dist", f), join(out, f));
    }
    page(out, "main.js");
    measure("esbuild", out);
    await expectBothBuilds(out);
  }, T);

  /** Bundles the app with rollup, node-resolve and, if asked, the import-meta-assets plugin; returns the folder. */
  async function rollupApp(name: string, assets: boolean): Promise<string> {
    const out = join(work, `out-${name}`);
    const plugins = [nodeResolve({ browser: true }), ...(assets ? [importMetaAssets()] : [])];
    const bundle = await rollup({ input: join(work, "app/main.js"), plugins, onwarn: () => {} });
    await bundle.write({ dir: out, format: "es" });
    await bundle.close();
    page(out, "main.js");
    return out;
  }

  it("rollup (node-resolve + @web/rollup-plugin-import-meta-assets)", async () => {
    const out = await rollupApp("rollup", true);
    measure("rollup", out);
    await expectBothBuilds(out);
  }, T);

  it("rollup with node-resolve alone: init() rejects naming the missing .wasm and the plugin", async () => {
    const out = await rollupApp("rollup-bare", false);
    const r = await runApp(out, false);
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(
      /^Error: \[init\] could not fetch http:\/\/127\.0\.0\.1:\d+\/st\/webmx-st\.wasm: HTTP 404\. .*rollup needs @web\/rollup-plugin-import-meta-assets/,
    );
  }, T);
});

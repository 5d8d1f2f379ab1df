// mx.init through the Node entry: every [init] error path first (a failed init
// may be retried; the first success is memoised for the process, and vitest
// gives each file its own process), then init({wasm}) with a precompiled
// module here and with bytes, an ArrayBuffer, a path and a file: URL in child
// processes. The browser entry's paths: init_browser.test.ts.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as mx from "webmx";

const THREADS = Number(process.env.WEBMX_TEST_THREADS ?? 0) || 0;
const root = fileURLToPath(new URL("..", import.meta.url));
const ST = `${root}/dist/st/webmx-st.wasm`, MT = `${root}/dist/web-mt/webmx-mt.wasm`;
const mine = THREADS > 1 ? MT : ST;
const threads = THREADS > 1 ? THREADS : false;

// Hand-assembled modules: magic + version, then sections.
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const EMPTY = new Uint8Array(HEADER); // valid, but no memory at all
// type () -> (); import "x"."y" as that function (which webmx's imports do not provide)
const FOREIGN = new Uint8Array([...HEADER, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x78, 1, 0x79, 0, 0]);
// imports a shared memory "a"."b": looks like a threaded build
const SHARED = new Uint8Array([...HEADER, 2, 9, 1, 1, 0x61, 1, 0x62, 2, 3, 1, 1]);

describe("init error paths (Node entry)", () => {
  let server: ReturnType<typeof createServer>;
  let base = "";
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.statusCode = 404;
      res.end("missing");
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it("before init, using webmx says to call init", () => {
    expect(() => mx.array([1])).toThrow("[webmx] Call `await mx.init()` before using webmx.");
  });

  it("bad thread counts", async () => {
    for (const t of [0, -2, 1.5, "x", null])
      await expect(mx.init({ threads: t as unknown as number })).rejects.toThrow(
        `[init] threads must be "auto", false or a positive integer, got ${String(t)}`);
  });

  it("a .wasm that cannot be read, fetched or compiled", async () => {
    await expect(mx.init({ wasm: "/nonexistent/webmx.wasm" })).rejects.toThrow(
      /^\[init\] could not read the webmx \.wasm at \/nonexistent\/webmx\.wasm: ENOENT/);
    await expect(mx.init({ wasm: new URL("file:///nonexistent/x.wasm") })).rejects.toThrow(
      /^\[init\] could not read the webmx \.wasm at \/nonexistent\/x\.wasm: ENOENT/);
    await expect(mx.init({ wasm: `${base}/webmx.wasm` })).rejects.toThrow(
      `[init] could not fetch ${base}/webmx.wasm: HTTP 404`);
    // Nothing listens on port 1: a network failure, tagged like the rest.
    await expect(mx.init({ wasm: "http://127.0.0.1:1/webmx.wasm" })).rejects.toThrow(
      /^\[init\] could not fetch http:\/\/127\.0\.0\.1:1\/webmx\.wasm: /);
    await expect(mx.init({ wasm: new Uint8Array([1, 2, 3]) })).rejects.toThrow(
      /^\[init\] could not compile the webmx \.wasm: /);
  });

  it("a module of the other build, or not a webmx build at all", async () => {
    await expect(mx.init({ wasm: readFileSync(ST), threads: 2 })).rejects.toThrow(
      "[init] opts.wasm is the single-thread build but threads: 2 asks for the threaded one");
    await expect(mx.init({ wasm: readFileSync(MT), threads: false })).rejects.toThrow(
      "[init] opts.wasm is the threaded build but threads: false asks for the single-thread one");
    await expect(mx.init({ wasm: SHARED, threads: 1 })).rejects.toThrow(
      "[init] opts.wasm is the threaded build but threads: 1 asks for the single-thread one");
    await expect(mx.init({ wasm: new WebAssembly.Module(EMPTY) })).rejects.toThrow(
      "[init] opts.wasm is not a webmx build: it neither exports nor imports a WebAssembly.Memory");
    await expect(mx.init({ wasm: FOREIGN })).rejects.toThrow(
      /^\[init\] could not instantiate the webmx \.wasm: .*Import #0 module="x"/);
  });

  it("the package's modules without an entry point have no loader", async () => {
    // build/tsc is tsc's output of ts/ (make dist): index.js registers no loader.
    const bare = `${root}/build/tsc/index.js`;
    const core = (await import(bare)) as typeof mx;
    await expect(core.init()).rejects.toThrow("[init] No loader registered: import webmx through its package entry point.");
  });
});

describe("init({wasm}) succeeds", () => {
  it("with a precompiled WebAssembly.Module of this build", async () => {
    const mod = await WebAssembly.compile(readFileSync(mine));
    await mx.init({ wasm: mod, threads });
    const info = mx.backendInfo();
    expect(info.variant).toBe(THREADS > 1 ? "mt" : "st");
    expect(info.threads).toBe(THREADS > 1 ? THREADS : 1);
    expect(mx.matmul(mx.array([[1, 2], [3, 4]]), mx.array([[5], [6]])).tolist()).toEqual([[17], [39]]);
    // Later calls resolve at once, whatever they ask for.
    await mx.init({ wasm: new Uint8Array([1, 2, 3]) });
    expect(mx.backendInfo().variant).toBe(info.variant);
  });

  // This machine has no GPU adapter unless the GPU suites' environment (test/gpu) is set.
  it("init({gpu: true}) without a GPU adapter rejects with a tagged error, and the CPU keeps working", async () => {
    await expect(mx.init({ gpu: true, threads })).rejects.toThrow(/^\[init\] (WebGPU found no GPU adapter|No WebGPU in this Node)/);
    expect(mx.gpuAvailable()).toBe(false);
    expect(mx.backendInfo().gpu).toBe(null);
    expect(() => mx.setDefaultDevice(mx.gpu)).toThrow("[setDefaultDevice] No GPU is open");
    expect(mx.add(mx.array([1, 2]), 1).tolist()).toEqual([2, 3]);
  });

  // One load per process: each source form gets a child process.
  const probe = (name: string, wasmExpr: string, init: string): { variant: string; threads: number; v: number } => {
    mkdirSync(`${root}/build`, { recursive: true });
    const file = `${root}/build/init-probe-${name}.mjs`;
    writeFileSync(file, `import * as mx from "webmx";
import { readFileSync } from "node:fs";
const wasm = ${wasmExpr};
await mx.init({ wasm${init} });
const v = mx.array([1, 2, 3]).multiply(2).sum().item();
console.log(JSON.stringify({ ...mx.backendInfo(), v }));
`);
    return JSON.parse(execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 }));
  };
  const path = JSON.stringify(mine), opts = `, threads: ${JSON.stringify(threads)}`;
  const variant = THREADS > 1 ? "mt" : "st";

  it("with bytes (Uint8Array and ArrayBuffer)", () => {
    expect(probe("bytes", `new Uint8Array(readFileSync(${path}))`, opts)).toMatchObject({ variant, v: 12 });
    expect(probe("buffer", `Uint8Array.from(readFileSync(${path})).buffer`, opts)).toMatchObject({ variant, v: 12 });
  });

  it("with a path and a file: URL", () => {
    expect(probe("path", path, opts)).toMatchObject({ variant, v: 12 });
    expect(probe("url", `new URL("file://" + ${path})`, opts)).toMatchObject({ variant, v: 12 });
  });

  it("with threads left at auto, the module decides the build", () => {
    expect(probe("auto-st", JSON.stringify(ST), "")).toMatchObject({ variant: "st", threads: 1, v: 12 });
  });
});

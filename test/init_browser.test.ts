// The browser entry's [init] error paths, run in Node (which, like a page that
// is not cross-origin isolated, has no crossOriginIsolated): its own process,
// since the entry registers its loader on import and init() loads once.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
// A path in a variable: the bundle is loaded as published, typed as the package.
const entry = `${root}/dist/browser.js`;
const mx = (await import(entry)) as typeof import("webmx");
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

describe("init error paths (browser entry)", () => {
  it("threads need a cross-origin isolated page", async () => {
    await expect(mx.init({ threads: 2 })).rejects.toThrow(
      /^\[init\] the threaded build needs a cross-origin isolated page \(serve it with Cross-Origin-Opener-Policy/);
    await expect(mx.init({ threads: 0 })).rejects.toThrow(/^\[init\] threads must be "auto"/);
  });

  it("a failed fetch of the packaged .wasm names its URL and the fix", async () => {
    // Without opts.wasm the loader fetches the file next to it, which Node's fetch cannot (file: URL);
    // in a page this is a missing or blocked .wasm (test/targets/init_failures.test.ts).
    await expect(mx.init({ threads: false })).rejects.toThrow(
      /^\[init\] could not fetch file:\/\/\S*\/dist\/st\/webmx-st\.wasm: .*\. The bundle expects webmx's st\/webmx-st\.wasm there: /);
  });

  it("opts.wasm that is unreachable or not webmx", async () => {
    await expect(mx.init({ wasm: "http://127.0.0.1:1/webmx.wasm" })).rejects.toThrow(
      /^\[init\] could not fetch http:\/\/127\.0\.0\.1:1\/webmx\.wasm: /);
    await expect(mx.init({ wasm: new Uint8Array(HEADER) })).rejects.toThrow(
      "[init] opts.wasm is not a webmx build: it neither exports nor imports a WebAssembly.Memory");
    await expect(mx.init({ wasm: new Uint8Array([0, 1]) })).rejects.toThrow(/^\[init\] could not compile the webmx \.wasm: /);
  });

  it("then loads from a precompiled single-thread module", async () => {
    await mx.init({ wasm: await WebAssembly.compile(readFileSync(`${root}/dist/st/webmx-st.wasm`)) });
    expect(mx.backendInfo()).toMatchObject({ variant: "st", threads: 1 });
    expect(mx.array([1, 2]).add(mx.array([3, 4])).tolist()).toEqual([4, 6]);
  });
});

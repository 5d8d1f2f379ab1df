// The package's browser entry in headless Chromium (Debian's, driven by
// playwright-core): threaded on a cross-origin-isolated page, single-thread
// on a plain page, each loading dist/browser.js and its glue as served files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Server } from "node:http";
import { fileURLToPath } from "node:url";
import type { BrowserContext } from "playwright-core";
import { launchChromium, resultOf, serve } from "./browser_harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

let context: BrowserContext;
const servers: Server[] = [];

beforeAll(async () => {
  context = await launchChromium();
}, 60_000);

afterAll(async () => {
  await context?.close();
  for (const s of servers) s.close();
});

/** Runs browser-page.html; every console message is checked for emscripten's blocking warning. */
async function run(isolated: boolean, query = ""): Promise<any> {
  const { server, origin } = await serve({ dir: root, prefixes: ["/dist/", "/test/targets/", "/test/fixtures/io/archives/"], isolated });
  servers.push(server);
  const { result, console } = await resultOf(context, `${origin}/test/targets/browser-page.html${query}`);
  expect(console.filter((m) => m.includes("Blocking on the main thread"))).toEqual([]);
  return result;
}

function checkValues(r: any) {
  expect(r.failure).toBeUndefined();
  expect(r.value).toBe(58);
  expect(r.grad).toEqual([2, 4, 6]);
  expect(r.error).toMatch(/^\[matmul\] Last dimension of first input with shape \(2,2\)/);
  expect(r.big).toBe(384 ** 3);
  expect(Math.abs(r.expSum / (Math.E * (1 << 18)) - 1)).toBeLessThan(1e-6);
  expect(r.io.keys).toEqual(["arr_0", "big", "dotted.name", "empty", "flags", "half", "noise", "ramp", "scalar"]);
  expect(r.io.arr0).toEqual([[1.5, -2, Infinity], [0.25, NaN, -0]]);
  expect(r.io.ramp).toEqual([12000]);
  expect(r.io.pathError).toMatch(/^\[load\] Reading and writing files by path \(.*\) needs Node's file system/);
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

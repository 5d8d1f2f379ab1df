// Careless loops: code written as in MLX's Python, with no tidy and no
// dispose (`w = w.sub(g.mul(lr)); mx.eval(w)`). The GC doesn't see wasm
// memory, so the safety net counts arrays that no scope owns, asks the host
// for a collection as they pile up (loops that yield stay bounded), warns
// once, and at the 4 GiB limit fails with a tagged error from which the
// module recovers once the lost arrays are collected.
import { afterEach, describe, expect, it, vi } from "vitest";
import { mx } from "./setup.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const net = mx._internal.pressure;
const defaults = { warnBytes: net.warnBytes, collect: net.collect };

type A = ReturnType<typeof mx.zeros>;
/** An MLX-style SGD loop with no tidy and no dispose, that never yields; `s.w` holds the last step even if one throws. */
function carelessSteps(s: { w: A }, g: A, n: number): A {
  for (let i = 0; i < n; i++) {
    s.w = s.w.sub(g.mul(0.001));
    mx.eval(s.w);
  }
  return s.w;
}

afterEach(() => {
  net.warnBytes = defaults.warnBytes;
  net.collect = defaults.collect;
  vi.restoreAllMocks();
});

describe("arrays no scope owns", () => {
  it("are counted until disposed; tidy's and transforms' arrays are not", () => {
    const base = mx._internal.unownedArrays();
    const a = mx.array([1, 2]);
    const b = a.add(1);
    expect(mx._internal.unownedArrays()).toBe(base + 2);
    const r = mx.tidy(() => a.mul(2).add(1)); // one temporary freed, the result handed out
    expect(mx._internal.unownedArrays()).toBe(base + 3);
    mx.grad((x: any) => x.mul(x).sum())(a).dispose();
    expect(mx._internal.unownedArrays()).toBe(base + 3);
    mx.dispose(a, b, r);
    expect(mx._internal.unownedArrays()).toBe(base);
  });
});

describe("a careless training loop", () => {
  it("stays bounded when it yields to the event loop", async () => {
    const g = mx.ones([256, 1024]); // 1 MiB
    let w = mx.zeros([256, 1024]);
    const askedBefore = net.collections;
    const start = mx.memory().liveBytes;
    let peak = 0;
    for (let i = 0; i < 1000; i++) {
      w = w.sub(g.mul(0.001));
      mx.eval(w);
      await tick();
      peak = Math.max(peak, mx.memory().liveBytes - start);
    }
    // Without the net this loop holds ~1000 MiB at the end (every step's two
    // 1 MiB arrays until a GC happens to run); with it a collection is asked
    // for every 128 MiB of growth.
    expect(peak).toBeLessThan(512 * MiB);
    expect(net.collections).toBeGreaterThan(askedBefore);
    expect(w.index(0).index(0).item()).toBeCloseTo(-1, 4);
  });

  it("warns once, naming mx.tidy and the README section, while unowned memory keeps growing", () => {
    net.warnBytes = 64 * MiB;
    net.warned = false;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const g = mx.ones([256, 1024]);
    const s = { w: mx.zeros([256, 1024]) };
    carelessSteps(s, g, 300);
    expect(warn).toHaveBeenCalledTimes(1);
    const msg = String(warn.mock.calls[0]![0]);
    expect(msg).toMatch(/^\[webmx\] \d+ arrays that were never disposed nor made inside mx\.tidy hold \d+ MiB/);
    expect(msg).toContain('README, "Memory"');
    carelessSteps(s, g, 300);
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it("doesn't warn for a tidy loop of the same size", () => {
    net.warnBytes = 64 * MiB;
    net.warned = false;
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const g = mx.ones([256, 1024]);
    let w = mx.zeros([256, 1024]);
    for (let i = 0; i < 300; i++) {
      const next = mx.tidy(() => w.sub(g.mul(0.001)));
      mx.eval(next);
      w.dispose();
      w = next;
    }
    expect(warn).not.toHaveBeenCalled();
    mx.dispose(g, w);
  });

  it("fails at the memory limit with a tagged error naming dispose/tidy, and recovers once the lost arrays are collected", async () => {
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const g = mx.ones([4096, 1024]); // 16 MiB
    const s = { w: mx.zeros([4096, 1024]) };
    let error: unknown = null;
    try {
      carelessSteps(s, g, 400); // never yields: the GC's finalizers can't run
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/^\[malloc\] Unable to allocate \d+ bytes: out of memory/);
    expect((error as Error).message).toContain("mx.tidy()");
    expect(mx.memory().liveBytes).toBeGreaterThan(3.5 * GiB);
    // The lost steps are garbage now: once the event loop turns, the net frees them.
    for (let i = 0; i < 50 && mx.memory().liveBytes > 1 * GiB; i++) await tick();
    expect(mx.memory().liveBytes).toBeLessThan(1 * GiB);
    // The module computes again, large work included.
    const big = mx.tidy(() => mx.full([2 ** 26], 2).mul(3)); // 256 MiB
    expect(big.index(12345).item()).toBe(6);
    const v = s.w.index(0).index(0).item();
    expect(v).toBeLessThan(0);
    expect(v).toBeGreaterThan(-0.4);
    mx.dispose(big, g, s.w);
  });
});

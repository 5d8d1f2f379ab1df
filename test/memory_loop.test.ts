// Long training loops keep memory flat, with tidy and with `using`; async
// tidy; and the FinalizationRegistry safety net (in a child process run with
// --expose-gc).
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { mx, THREADS } from "./setup.js";
// @ts-ignore -- plain JS helper shared with the demo
import { loadDigits } from "../examples/data/digits.mjs";

const root = fileURLToPath(new URL("..", import.meta.url));
const { images, labels } = loadDigits() as { images: Float32Array; labels: Int32Array };
const BATCH = 32;
const onehot = new Float32Array(labels.length * 10);
labels.forEach((l, i) => (onehot[i * 10 + l] = 1));

function initParams() {
  const w = (n: number, m: number, seed: number) =>
    mx.array(Float32Array.from({ length: n * m }, (_, i) => Math.sin(i * 12.9898 + seed) * 0.1)).reshape(n, m);
  return mx.tidy(() => ({ w1: w(64, 128, 1), b1: mx.zeros([128]), w2: w(128, 10, 2), b2: mx.zeros([10]) }));
}

// Arrays leaked by earlier suites may be collected by the GC at any time, so
// counts can only drop; what must not happen is growth.
function expectFlat(first: ReturnType<typeof mx.memory>, last: ReturnType<typeof mx.memory>) {
  expect(last.liveArrays).toBeLessThanOrEqual(first.liveArrays);
  expect(last.liveBytes).toBeLessThanOrEqual(first.liveBytes);
  expect(last.heapBytes).toBe(first.heapBytes);
}
function loss(p: any, x: any, y: any) {
  const logits = mx.add(mx.matmul(mx.maximum(mx.add(mx.matmul(x, p.w1), p.b1), 0), p.w2), p.b2);
  const m = logits.max(-1, true);
  const lse = m.add(mx.log(mx.exp(logits.sub(m)).sum(-1, true)));
  return lse.sub(logits.mul(y).sum(-1, true)).mean();
}
const lossAndGrad = mx.valueAndGrad(loss);
const batch = (s: number) => {
  const lo = (s * BATCH) % (labels.length - BATCH);
  return [images.subarray(lo * 64, (lo + BATCH) * 64), onehot.subarray(lo * 10, (lo + BATCH) * 10)] as const;
};

const STEPS = 10_000;

describe("memory in a 10,000-step training loop", () => {
  it("stays flat with mx.tidy", () => {
    let params = initParams();
    let first: ReturnType<typeof mx.memory> | null = null;
    let firstLoss = 0, lastLoss = 0;
    for (let s = 0; s < STEPS; ++s) {
      const [xb, yb] = batch(s);
      const next = mx.tidy(() => {
        const [l, g] = lossAndGrad(params, mx.array(xb).reshape(-1, 64), mx.array(yb).reshape(-1, 10));
        const updated = mx.tree.map((w: any, dw: any) => w.sub(dw.mul(0.05)), params, g);
        mx.eval(updated, l);
        if (s === 0) firstLoss = l.item() as number;
        lastLoss = l.item() as number;
        return updated;
      });
      mx.dispose(params);
      params = next as any;
      if (s === 100) first = mx.memory();
    }
    expectFlat(first!, mx.memory());
    expect(lastLoss).toBeLessThan(firstLoss / 4); // and it did learn
    mx.dispose(params);
  });

  it("stays flat with `using`", () => {
    let params: any = initParams();
    let first: ReturnType<typeof mx.memory> | null = null;
    for (let s = 0; s < STEPS; ++s) {
      const [xb, yb] = batch(s);
      using xFlat = mx.array(xb);
      using yFlat = mx.array(yb);
      using x = xFlat.reshape(-1, 64);
      using y = yFlat.reshape(-1, 10);
      const [l, g] = lossAndGrad(params, x, y);
      using lossValue = l;
      const updated = mx.tree.map((w: any, dw: any) => {
        using step = dw.mul(0.05);
        return w.sub(step);
      }, params, g);
      mx.eval(updated, lossValue);
      mx.dispose(g, params);
      params = updated;
      if (s === 100) first = mx.memory();
    }
    expectFlat(first!, mx.memory());
    mx.dispose(params);
  });
});

describe("async tidy and the GC safety net", () => {
  it("tidy accepts an async function and frees its arrays when it settles", async () => {
    const inside: any[] = [];
    const out = await mx.tidy(async () => {
      const a = mx.ones([8]).mul(3);
      inside.push(a);
      await mx.asyncEval(a);
      const b = a.sum();
      inside.push(b.add(0));
      await new Promise((r) => setTimeout(r, 1));
      return b;
    });
    expect(out.item()).toBe(24);
    for (const a of inside) expect(() => a.tolist()).toThrowError(/disposed/);
    out.dispose();
  });

  it("frees arrays whose JS handles were garbage-collected", () => {
    mkdirSync(`${root}/build`, { recursive: true });
    const file = `${root}/build/gc-probe.mjs`;
    writeFileSync(
      file,
      `import * as mx from "webmx";
await mx.init({ threads: ${THREADS > 1 ? THREADS : false} });
const base = mx.memory().liveArrays;
(() => { for (let i = 0; i < 1000; ++i) mx.eval(mx.ones([256]).add(i)); })();
const leaked = mx.memory().liveArrays - base;
for (let i = 0; i < 20 && mx.memory().liveArrays - base > 10; ++i) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 10));
}
console.log(JSON.stringify({ leaked, after: mx.memory().liveArrays - base }));
`,
    );
    const out = JSON.parse(execFileSync(process.execPath, ["--expose-gc", file], { encoding: "utf8", timeout: 60_000 }));
    expect(out.leaked).toBeGreaterThanOrEqual(1000); // nothing was disposed by hand...
    expect(out.after).toBeLessThanOrEqual(10); // ...and the registry freed it
  });
});

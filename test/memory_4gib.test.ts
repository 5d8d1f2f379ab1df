// All 4 GiB of wasm memory: once data sits above 2 GiB, pointers that reach
// JS must still read as addresses (a wasm i32 arrives signed), for reads,
// transforms and compile alike; past 4 GiB allocation fails with a tagged
// error and the module works again once memory is freed. One file, one
// process: the heap stays grown for the rest of it.
import { afterAll, describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const BLOCK = 2 ** 21; // float32 elements: 8 MiB per array

/** An evaluated 8 MiB array whose every element is `v` (its temporaries freed). */
function block(v: number) {
  const a = mx.tidy(() => mx.full([BLOCK], v).add(0));
  mx.eval(a);
  return a;
}

const held: ReturnType<typeof block>[] = [];
const values: number[] = []; // the value that fills held[i]
function hold(v: number) {
  const a = block(v);
  held.push(a);
  values.push(v);
}
function fillTo(bytes: number) {
  while (mx.memory().liveBytes < bytes) hold(held.length);
}

/** Reads, transforms and compile, each checked against hand values. */
function checkEverythingWorks() {
  expect(mx.array([1, 2, 3]).add(1).tolist()).toEqual([2, 3, 4]);
  const n = held.length;
  const v = values[n - 1]!;
  expect(held[n - 1]!.index(5).item()).toBe(v);
  expect(Array.from(held[n - 1]!.index(mx.slice(0, 3)).dataSync() as Float32Array)).toEqual([v, v, v]);
  expect(held[n >> 1]!.sum().item()).toBe(values[n >> 1]! * BLOCK);

  const m = mx.memory();
  expect(m.liveBytes).toBeGreaterThanOrEqual(held.length * 8 * MiB);
  expect(m.peakBytes).toBeGreaterThanOrEqual(m.liveBytes);
  expect(m.heapBytes).toBeGreaterThan(m.liveBytes);

  // d/dx sum(x^2) = 2x; vmap; vjp/jvp
  expect(mx.grad((x: any) => x.mul(x).sum())(mx.array([1, 2, 3])).tolist()).toEqual([2, 4, 6]);
  expect(mx.vmap((x: any) => x.mul(2))(mx.array([[1, 2], [3, 4]])).tolist()).toEqual([[2, 4], [6, 8]]);
  const [outs, cot] = mx.vjp((x: any) => x.exp(), [mx.array([0, 0])], [mx.array([1, 2])]);
  expect(outs[0]!.tolist()).toEqual([1, 1]);
  expect(cot[0]!.tolist()).toEqual([1, 2]);
  const [, tan] = mx.jvp((x: any) => x.mul(3), [mx.array([1])], [mx.array([2])]);
  expect(tan[0]!.tolist()).toEqual([6]);

  // compile (fresh trace and replay) and a training-style update through it
  const step = mx.compile((w: any, g: any) => w.sub(g.mul(0.5)));
  let w = mx.array([1, 2, 3]);
  for (let i = 0; i < 3; i++) w = step(w, mx.array([2, 2, 2]));
  expect(w.tolist()).toEqual([-2, -1, 0]);
  const f = mx.compile((x: any) => x.exp().sum());
  expect(f(mx.array([0, 0, 0])).item()).toBe(3);
  expect(f.traces.length).toBe(1);
}

describe("wasm memory above 2 GiB", () => {
  afterAll(() => {
    mx.dispose(held.splice(0));
    values.length = 0;
  });

  it("reads, transforms and compiles with data past 2 GiB", () => {
    fillTo(2.3 * GiB);
    expect(mx.memory().heapBytes).toBeGreaterThan(2 * GiB);
    checkEverythingWorks();
  });

  it("and past 3 GiB, asyncEval included", async () => {
    fillTo(3.2 * GiB);
    expect(mx.memory().heapBytes).toBeGreaterThan(3 * GiB);
    checkEverythingWorks();
    const y = held[held.length - 1]!.add(1);
    await mx.asyncEval(y);
    const v = values[values.length - 1]! + 1;
    expect(y.index(0).item()).toBe(v);
    expect(Array.from((await y.index(mx.slice(0, 2)).data()) as Float32Array)).toEqual([v, v]);
  });

  it("fails at the 4 GiB limit with a tagged error, and recovers once memory is freed", () => {
    let error: unknown = null;
    try {
      for (let i = 0; i < 200; i++) hold(held.length);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^\[malloc\] Unable to allocate \d+ bytes: out of memory/);
    expect((error as Error).message).toContain("dispose()");
    expect((error as Error).message).toContain("mx.tidy()");
    // Nearly all of the 4 GiB is in use (the last array didn't fit).
    expect(mx.memory().liveBytes).toBeGreaterThan(3.9 * GiB);
    // Small work still fits in what is left...
    expect(mx.array([5]).mul(2).item()).toBe(10);
    // ...and after freeing, large work fits again, with correct values.
    mx.dispose(held.splice(0, held.length - 10));
    values.splice(0, values.length - 10);
    mx.clearCache();
    for (let i = 0; i < 100; i++) hold(1000 + i);
    expect(held[held.length - 1]!.index(7).item()).toBe(1099);
    expect(held[0]!.index(7).item()).toBe(values[0]);
    checkEverythingWorks();
  });
});

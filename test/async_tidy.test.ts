// Async mx.tidy frees only what its own function created: arrays that other
// code makes while it awaits, and what overlapping tidies return, are never
// freed by it. With an async context (AsyncLocalStorage: Node, Workers with
// nodejs_compat) everything the function creates after an await is its own;
// without one (browsers, simulated here) only what it creates before its
// first await is attributed, and nothing else is ever freed by the tidy.
import { afterEach, describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { rng } from "./fuzz/junk.js";

type A = ReturnType<typeof mx.array>;
const tick = () => new Promise<void>((r) => setTimeout(r, 0));
const micro = () => Promise.resolve();

afterEach(() => {
  mx._internal.simulateNoAsyncContext(false);
});

describe("async tidy with an async context", () => {
  it("this host has one", () => {
    expect(mx._internal.hasAsyncContext()).toBe(true);
  });

  it("never frees an array made by other code while it awaits", async () => {
    let inner: A | null = null;
    const p = mx.tidy(async () => {
      await tick();
      inner = mx.array([1, 2]).mul(3);
      return inner.add(1);
    });
    const outside = mx.array([10, 20]);
    const result = await p;
    expect(outside.tolist()).toEqual([10, 20]);
    expect(result.tolist()).toEqual([4, 7]);
    expect(inner!.disposed).toBe(true);
  });

  it("two overlapping tidies keep each other's results", async () => {
    const made: A[] = [];
    const first = mx.tidy(async () => {
      const a = mx.array([1]).add(1);
      made.push(a);
      await tick();
      return a.mul(10);
    });
    const second = mx.tidy(async () => {
      const b = mx.array([2]).add(1);
      made.push(b);
      await tick();
      await tick();
      return b.mul(10);
    });
    const [r1, r2] = await Promise.all([first, second]);
    expect(r1.tolist()).toEqual([20]);
    expect(r2.tolist()).toEqual([30]);
    expect(made.every((a) => a.disposed)).toBe(true);
  });

  it("a tidy that ends first doesn't take the other one's result (reverse order)", async () => {
    let resolveSlow!: () => void;
    const slowGate = new Promise<void>((r) => (resolveSlow = r));
    const slow = mx.tidy(async () => {
      await slowGate;
      return mx.array([7]).add(0);
    });
    const fast = mx.tidy(async () => {
      await micro();
      return mx.array([8]).add(0);
    });
    const rf = await fast;
    resolveSlow();
    const rs = await slow;
    expect(rf.tolist()).toEqual([8]);
    expect(rs.tolist()).toEqual([7]);
  });

  it("a sync tidy inside an async one hands its result to it; the async one frees it unless returned", async () => {
    let handed: A | null = null;
    let temp: A | null = null;
    const r = await mx.tidy(async () => {
      await tick();
      handed = mx.tidy(() => {
        temp = mx.array([1, 1]).add(1);
        return temp.mul(2);
      });
      expect(temp!.disposed).toBe(true); // freed by the inner tidy
      expect(handed.disposed).toBe(false);
      return handed.add(1);
    });
    expect(r.tolist()).toEqual([5, 5]);
    expect(handed!.disposed).toBe(true); // owned by the async tidy, not returned
  });

  it("nested async tidies: the inner result belongs to the outer one", async () => {
    let innerResult: A | null = null;
    const r = await mx.tidy(async () => {
      await tick();
      innerResult = await mx.tidy(async () => {
        await micro();
        return mx.array([3]).add(0);
      });
      await tick();
      return innerResult.mul(2);
    });
    expect(r.tolist()).toEqual([6]);
    expect(innerResult!.disposed).toBe(true);
  });

  it("an inner tidy that outlives its parent hands its result to the caller", async () => {
    let inner: Promise<A> | null = null;
    let gate!: () => void;
    const open = new Promise<void>((r) => (gate = r));
    await mx.tidy(async () => {
      inner = mx.tidy(async () => {
        await open;
        return mx.array([9]).add(0);
      });
      return null;
    });
    gate();
    const r = await inner!;
    expect(r.disposed).toBe(false);
    expect(r.tolist()).toEqual([9]);
    r.dispose();
  });

  it("a rejected tidy frees its arrays and nothing else", async () => {
    let made: A | null = null;
    const outside: A[] = [];
    const p = mx.tidy(async () => {
      made = mx.array([1]).add(1);
      await tick();
      throw new Error("boom");
    });
    outside.push(mx.array([5]));
    await expect(p).rejects.toThrow("boom");
    expect(made!.disposed).toBe(true);
    expect(outside[0]!.tolist()).toEqual([5]);
  });

  it("many interleaved tidies and outside work: nothing outside and no result is freed; no leak", async () => {
    const before = mx.memory().liveArrays;
    const rand = rng(1234);
    const outside: { a: A; v: number }[] = [];
    const temps: A[] = [];
    const jobs: Promise<{ r: A; v: number }>[] = [];
    for (let j = 0; j < 60; j++) {
      const v = j;
      jobs.push(
        mx.tidy(async () => {
          let x = mx.array([v]);
          temps.push(x);
          const hops = 1 + Math.floor(rand() * 4);
          for (let h = 0; h < hops; h++) {
            if (rand() < 0.5) await tick();
            else await micro();
            x = x.add(1);
            temps.push(x);
            if (rand() < 0.3) {
              const y = mx.tidy(() => x.mul(1)); // a sync scope inside the continuation
              temps.push(y);
            }
          }
          return { r: x.mul(2), v: (v + hops) * 2 };
        }),
      );
      // Outside work between the starts, while earlier tidies are pending.
      const k = Math.floor(rand() * 3);
      for (let i = 0; i < k; i++) {
        const w = 100 + j * 10 + i;
        outside.push({ a: mx.array([w]), v: w });
      }
      if (rand() < 0.4) await (rand() < 0.5 ? tick() : micro());
    }
    const results = await Promise.all(jobs);
    for (const { a, v } of outside) expect(a.tolist()).toEqual([v]);
    for (const { r, v } of results) expect(r.tolist()).toEqual([v]);
    expect(temps.every((t) => t.disposed)).toBe(true);
    mx.dispose(outside.map((o) => o.a), results.map((r) => r.r));
    expect(mx.memory().liveArrays).toBeLessThanOrEqual(before);
  });

  it("a kept array survives its async tidy", async () => {
    let kept: A | null = null;
    await mx.tidy(async () => {
      await tick();
      kept = mx.keep(mx.array([4]).add(0));
    });
    expect(kept!.tolist()).toEqual([4]);
    kept!.dispose();
  });
});

describe("async tidy without an async context (as in browsers)", () => {
  it("frees only what its function made before the first await; never outside arrays or results", async () => {
    mx._internal.simulateNoAsyncContext(true);
    expect(mx._internal.hasAsyncContext()).toBe(false);
    let early: A | null = null;
    let late: A | null = null;
    const outside: A[] = [];
    const p1 = mx.tidy(async () => {
      early = mx.array([1]).add(1);
      await tick();
      late = mx.array([2]).add(1); // can't be told from other code's: left alone
      return late.mul(2);
    });
    const p2 = mx.tidy(async () => {
      await tick();
      return mx.array([3]).add(0);
    });
    outside.push(mx.array([10]).add(0));
    await tick();
    outside.push(mx.array([20]).add(0));
    const [r1, r2] = await Promise.all([p1, p2]);
    expect(early!.disposed).toBe(true);
    expect(late!.disposed).toBe(false);
    expect(late!.tolist()).toEqual([3]);
    expect(r1.tolist()).toEqual([6]);
    expect(r2.tolist()).toEqual([3]);
    expect(outside.map((o) => o.item())).toEqual([10, 20]);
    mx.dispose(late, r1, r2, outside);
  });

  it("sync tidy is unaffected", () => {
    mx._internal.simulateNoAsyncContext(true);
    let temp: A | null = null;
    const r = mx.tidy(() => {
      temp = mx.array([1]).add(1);
      return temp.add(1);
    });
    expect(temp!.disposed).toBe(true);
    expect(r.tolist()).toEqual([3]);
  });
});

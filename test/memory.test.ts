// Memory: dispose/using/tidy/keep, transforms leaving nothing behind, the
// buffer cache keeping a steady loop's heap flat, and allocation failure.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const live = () => mx.memory().liveArrays;

describe("memory", () => {
  it("tidy frees what fn created except what it returns and what it keeps", () => {
    const before = live();
    let kept: any;
    const out = mx.tidy(() => {
      const a = mx.ones([4]);
      const b = a.mul(2);
      kept = mx.keep(b.add(1));
      return { result: b.sum(), other: "text" };
    });
    expect(out.other).toBe("text");
    expect(out.result.item()).toBe(8);
    expect(kept.tolist()).toEqual([3, 3, 3, 3]);
    expect(live()).toBe(before + 2);
    mx.dispose(out, kept);
    expect(live()).toBe(before);
  });

  it("nested tidy hands survivors to the enclosing scope", () => {
    const before = live();
    mx.tidy(() => {
      const inner = mx.tidy(() => mx.ones([2]).add(1));
      expect(inner.tolist()).toEqual([2, 2]);
      return null;
    });
    expect(live()).toBe(before);
  });

  it("grad, vmap, customFunction and checkpoint leave no arrays behind", () => {
    const x = mx.array([1, 2, 3]);
    const cf = mx.customFunction((v: any) => v.mul(v)).vjp((v: any, c: any) => c.mul(v).mul(2));
    const ck = mx.checkpoint((v: any) => v.mul(v).sum());
    const run = () => {
      mx.dispose(mx.grad((v: any) => v.mul(v).sum())(x));
      mx.dispose(mx.vmap((v: any) => v.mul(2))(x));
      mx.dispose(mx.grad((v: any) => cf(v).sum())(x));
      mx.dispose(mx.grad(ck)(x));
    };
    run();
    const before = live();
    for (let i = 0; i < 3; ++i) run();
    expect(live()).toBe(before);
  });

  it("a steady loop reuses cached buffers: liveBytes and heapBytes stay flat", () => {
    let w = mx.zeros([256, 256]);
    const step = () => {
      const next = mx.tidy(() => w.add(mx.matmul(w, w).mul(0.001)).add(1));
      mx.eval(next);
      w.dispose();
      w = next;
    };
    for (let i = 0; i < 20; ++i) step();
    const a = mx.memory();
    for (let i = 0; i < 200; ++i) step();
    const b = mx.memory();
    expect(b.liveArrays).toBe(a.liveArrays);
    expect(b.liveBytes).toBe(a.liveBytes);
    expect(b.heapBytes).toBe(a.heapBytes);
    w.dispose();
  });

  it("setCacheLimit(0) empties the cache", () => {
    mx.eval(mx.ones([1024]).add(1)); // leaves a freed buffer in the cache
    mx.setCacheLimit(0);
    expect(mx.memory().cacheBytes).toBe(0);
    mx.setCacheLimit(256 * 2 ** 20);
    expect(() => mx.setCacheLimit(-1)).toThrowError(/^\[setCacheLimit\]/);
  });

  it("an allocation that can't be satisfied is an Error naming the size, and the module stays usable", () => {
    const huge = mx.zeros([1024, 1024, 1024, 3]); // 12 GiB of float32: lazy until evaluated
    expect(() => mx.eval(huge.add(1))).toThrowError(/^\[malloc\] Unable to allocate 12884901888 bytes/);
    // Just under 4 GiB: fits the address space but not beside what the heap already holds.
    const big = mx.zeros([2, 2147381248], mx.uint8);
    expect(() => mx.eval(big.add(1))).toThrowError(/^\[malloc\] Unable to allocate 4294762496 bytes: out of memory/);
    expect(mx.add(mx.array([1]), 1).tolist()).toEqual([2]);
  });
});

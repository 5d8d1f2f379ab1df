// eval / asyncEval semantics.
import { describe, expect, it } from "vitest";
import { mx, THREADS } from "./setup.js";

describe("eval and asyncEval", () => {
  it("eval evaluates array leaves of any trees and ignores other leaves", () => {
    const a = mx.array([1, 2]).add(1);
    const b = mx.array([3]).mul(2);
    mx.eval({ a, nested: [b, "text", 4, null] }, undefined as any);
    expect(a.tolist()).toEqual([2, 3]);
    expect(b.tolist()).toEqual([6]);
    mx.eval(); // nothing to do
  });

  it("asyncEval resolves with the values computed", async () => {
    const x = mx.ones([64, 64]);
    const y = mx.matmul(x, x).sum();
    await mx.asyncEval([y]);
    expect(y.item()).toBe(64 * 64 * 64);
  });

  it("asyncEval reports errors as rejections and the module keeps working", async () => {
    // A vmap placeholder can't be evaluated: make an array that fails at eval time.
    let leaked: any = null;
    mx.vmap((v: any) => {
      leaked = mx.keep(v.mul(2));
      return v;
    })(mx.array([1, 2]));
    await expect(mx.asyncEval(leaked)).rejects.toThrowError(/^\[vmap\] Can't evaluate/);
    expect(mx.add(mx.array([1]), 1).tolist()).toEqual([2]);
  });

  it.runIf(THREADS > 1)("leaves the JS thread free while the threaded build computes", async () => {
    let y = mx.ones([768, 768]).mul(1 / 768);
    for (let i = 0; i < 8; ++i) y = mx.matmul(y, y);
    let ranMeanwhile = false;
    setTimeout(() => (ranMeanwhile = true), 0);
    await mx.asyncEval(y);
    expect(ranMeanwhile).toBe(true);
    expect(Math.abs((y.sum().item() as number) - 768)).toBeLessThan(768 * 1e-2); // float32 rounding over 8 products
  });
});

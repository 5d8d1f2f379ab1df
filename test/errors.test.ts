// Bad input reaches JS as an Error tagged with the op, and the module keeps working.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const stillWorks = () => expect(mx.add(mx.array([1, 2]), 1).tolist()).toEqual([2, 3]);

describe("errors", () => {
  it("matmul shape mismatch names both shapes", () => {
    const a = mx.array([[1, 2, 3], [4, 5, 6]]);
    expect(() => mx.matmul(a, a)).toThrowError(
      /^\[matmul\] Last dimension of first input with shape \(2,3\) must match second to last dimension of second input with shape \(2,3\)/,
    );
    stillWorks();
  });
  it("broadcast, reshape, axis and transpose errors are tagged", () => {
    const a = mx.ones([2, 3]);
    expect(() => mx.add(a, mx.ones([4]))).toThrowError("[add] Shapes (2,3) and (4) cannot be broadcast.");
    expect(() => a.mul(mx.ones([2, 2]))).toThrowError(/^\[multiply\]/);
    expect(() => a.reshape(4, 2)).toThrowError("[reshape] Cannot reshape array of size 6 into shape (4,2).");
    expect(() => a.sum(2)).toThrowError("[sum] Invalid axis 2 for an array with 2 dimensions.");
    expect(() => a.transpose(0)).toThrowError(/^\[transpose\]/);
    expect(() => mx.matmul(mx.array([1], mx.int32), mx.array([1], mx.int32))).toThrowError(/^\[matmul\] Only real floating/);
    stillWorks();
  });
  it("JS-side argument errors are tagged too", () => {
    expect(() => mx.array([[1, 2], [3]])).toThrowError(/^\[array\] Inhomogeneous/);
    expect(() => mx.array(["a"] as any)).toThrowError(/^\[array\] Unsupported value string a/);
    expect(() => mx.array([1], "float8" as any)).toThrowError(/^\[array\] Unknown dtype float8/);
    expect(() => mx.add("x" as any, 1)).toThrowError(/^\[add\] Expected an mx.Array or a JS number/);
    expect(() => mx.array([1, 2]).item()).toThrowError(/^\[item\]/);
    stillWorks();
  });
  it("using an array after dispose() throws instead of reading freed memory", () => {
    const a = mx.array([1, 2, 3]);
    a.dispose();
    expect(() => a.tolist()).toThrowError(/disposed/);
    expect(() => mx.add(a, 1)).toThrowError(/disposed/);
    a.dispose(); // idempotent
    stillWorks();
  });
  it("`using` disposes at the end of the block", () => {
    let escaped: InstanceType<typeof mx.Array>;
    {
      using b = mx.array([1]);
      escaped = b;
      expect(b.item()).toBe(1);
    }
    expect(() => escaped.item()).toThrowError(/disposed/);
  });
  it("the Array constructor is internal: it can't wrap an arbitrary number", () => {
    const Ctor = mx.Array as unknown as new (h: number) => unknown;
    expect(() => new Ctor(1)).toThrowError(/^\[Array\] Make arrays with mx\.array\(\.\.\.\) or the ops; the Array constructor is internal\./);
    expect(mx.array([1, 2])).toBeInstanceOf(mx.Array);
    stillWorks();
  });
});

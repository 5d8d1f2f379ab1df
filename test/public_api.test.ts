// Public functions checked by their results against hand values: clearCache,
// memory().peakBytes, the tree helpers, Array#data(), the typed item
// accessors (itemNumber/itemBool/itemBigInt), toString / util.inspect
// / toJSON. (init and its error paths: init.test.ts, one load per process.)
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const MiB = 2 ** 20;

describe("memory(), clearCache()", () => {
  it("peakBytes rises with a big allocation, stays after it is freed, and is >= liveBytes", () => {
    const before = mx.memory();
    expect(before.peakBytes).toBeGreaterThanOrEqual(before.liveBytes);
    const big = mx.full([16 * MiB], 1, mx.float32).add(1); // 64 MiB (full alone is a broadcast view)
    mx.eval(big);
    const during = mx.memory();
    expect(during.liveBytes - before.liveBytes).toBeGreaterThanOrEqual(64 * MiB);
    expect(during.peakBytes).toBeGreaterThanOrEqual(before.liveBytes + 64 * MiB);
    expect(during.peakBytes).toBeGreaterThanOrEqual(during.liveBytes);
    expect(during.heapBytes).toBeGreaterThanOrEqual(during.liveBytes);
    big.dispose();
    const after = mx.memory();
    expect(during.liveBytes - after.liveBytes).toBeGreaterThanOrEqual(64 * MiB);
    expect(after.peakBytes).toBe(during.peakBytes); // a high-water mark never falls
  });

  it("clearCache empties the buffer cache, and the module keeps working", () => {
    const a = mx.full([4 * MiB], 2, mx.float32).add(0); // 16 MiB
    mx.eval(a);
    const live = mx.memory().liveBytes;
    a.dispose();
    const cached = mx.memory();
    // The freed buffer went to the cache (default limit 256 MiB), not back to the heap.
    expect(cached.cacheBytes).toBeGreaterThanOrEqual(16 * MiB);
    expect(live - cached.liveBytes).toBeGreaterThanOrEqual(16 * MiB);
    mx.clearCache();
    const cleared = mx.memory();
    expect(cleared.cacheBytes).toBe(0);
    expect(cleared.liveBytes).toBe(cached.liveBytes);
    expect(cleared.liveArrays).toBe(cached.liveArrays);
    expect(mx.full([4 * MiB], 3, mx.float32).sum().item()).toBe(3 * 4 * MiB);
    expect(mx.array([1, 2, 3]).add(1).tolist()).toEqual([2, 3, 4]);
    mx.clearCache();
    mx.clearCache(); // twice in a row is fine
    expect(mx.memory().cacheBytes).toBe(0);
  });

  it("setCacheLimit(0) keeps nothing cached", () => {
    mx.setCacheLimit(0);
    try {
      const a = mx.full([MiB], 1, mx.float32).add(0);
      mx.eval(a);
      a.dispose();
      expect(mx.memory().cacheBytes).toBe(0);
    } finally {
      mx.setCacheLimit(256 * MiB);
    }
  });
});

describe("mx.tree", () => {
  const x = mx.array([1]), y = mx.array([2]), z = mx.array([3]);

  it("flatten gives dotted paths depth first, leaves in the same order", () => {
    const tree = { layers: [{ w: x, b: null }, { w: y, b: 7 }], head: { out: z }, name: "mlp" };
    const flat = mx.tree.flatten(tree);
    expect(flat.map(([p]) => p)).toEqual(["layers.0.w", "layers.0.b", "layers.1.w", "layers.1.b", "head.out", "name"]);
    expect(flat[0]![1]).toBe(x);
    expect(flat[2]![1]).toBe(y);
    expect(flat[4]![1]).toBe(z);
    expect(flat.map(([, l]) => l).slice(3)).toEqual([7, z, "mlp"]);
    expect(mx.tree.leaves(tree)).toEqual(flat.map(([, l]) => l));
    expect(mx.tree.flatten(tree, "model").map(([p]) => p)[0]).toBe("model.layers.0.w");
    // A bare leaf has the empty path; empty containers have no leaves.
    expect(mx.tree.flatten(x)).toEqual([["", x]]);
    expect(mx.tree.flatten([])).toEqual([]);
    expect(mx.tree.flatten({ a: {}, b: [] })).toEqual([]);
    expect(mx.tree.leaves([[x], [[y]], z])).toEqual([x, y, z]);
  });

  it("unflatten rebuilds the tree; numeric path parts make arrays", () => {
    expect(mx.tree.unflatten([["a.0", 1], ["a.1", 2], ["b.c", 3]])).toEqual({ a: [1, 2], b: { c: 3 } });
    expect(mx.tree.unflatten([["0", x], ["1", y]])).toEqual([x, y]);
    expect(mx.tree.unflatten([["", x]])).toBe(x);
    expect(mx.tree.unflatten([])).toEqual({});
    expect(mx.tree.unflatten([["layers.0.w", 1], ["layers.1.w", 2]])).toEqual({ layers: [{ w: 1 }, { w: 2 }] });
    // Twelve items: "10" and "11" sort after "9" (not after "1").
    const list = Array.from({ length: 12 }, (_, i) => i * 10);
    expect(mx.tree.unflatten(mx.tree.flatten({ l: list }))).toEqual({ l: list });
  });

  it("flatten then unflatten is the identity on trees of arrays, dicts and leaves", () => {
    const tree = { enc: [{ w: x, b: y }, { w: z, b: null }], scale: 2, tags: ["a", "b"] };
    const back = mx.tree.unflatten(mx.tree.flatten(tree)) as typeof tree;
    expect(back).toEqual(tree);
    expect(back.enc[0]!.w).toBe(x); // the leaves themselves, not copies
    expect(back.enc[1]!.w).toBe(z);
  });

  it("isPlainObject: object literals and null-prototype objects only", () => {
    class Params { w = 1; }
    expect(mx.tree.isPlainObject({})).toBe(true);
    expect(mx.tree.isPlainObject({ a: 1 })).toBe(true);
    expect(mx.tree.isPlainObject(Object.create(null))).toBe(true);
    for (const v of [[], [1], null, undefined, 3, "s", x, new Map(), new Params(), new Date(0), () => 1])
      expect(mx.tree.isPlainObject(v), String(v)).toBe(false);
    // A class instance is therefore a leaf.
    const p = new Params();
    expect(mx.tree.flatten({ p })).toEqual([["p", p]]);
  });
});

describe("Array#itemNumber(), itemBool(), itemBigInt()", () => {
  it("return item()'s value for the dtypes whose value has their type", () => {
    for (const [a, want] of [
      [mx.array(1.5), 1.5],
      [mx.array([[-2.25]], mx.float64), -2.25],
      [mx.array(0.5, mx.float16), 0.5],
      [mx.array(3, mx.bfloat16), 3],
      [mx.array([-7], mx.int32), -7],
      [mx.array(250, mx.uint8), 250],
      [mx.array(2 ** 32 - 1, mx.uint32), 2 ** 32 - 1],
      [mx.array(-128, mx.int8), -128],
      [mx.array([1, 2, 3]).sum(), 6], // a lazy result is evaluated
    ] as [mx.Array, number][]) {
      expect(a.itemNumber(), a.dtype.name).toBe(want);
      expect(a.item(), a.dtype.name).toBe(want);
    }
    expect(mx.array(true).itemBool()).toBe(true);
    expect(mx.array([[false]]).itemBool()).toBe(false);
    expect(mx.array([1, 2]).less(3).all().itemBool()).toBe(true);
    expect(mx.array(2n ** 60n + 1n).itemBigInt()).toBe(2n ** 60n + 1n); // beyond 2^53: exact
    expect(mx.array(-5n).itemBigInt()).toBe(-5n);
    expect(mx.array([2n ** 64n - 1n], mx.uint64).itemBigInt()).toBe(2n ** 64n - 1n);
  });

  it("throw a tagged error naming the dtype and the accessor that fits, and the module keeps working", () => {
    expect(() => mx.array(true).itemNumber()).toThrowError(
      "[itemNumber] itemNumber() reads a number, but the array has dtype bool, whose value is a boolean: use itemBool() or item(), or convert with astype().",
    );
    expect(() => mx.array(3n).itemNumber()).toThrowError(/^\[itemNumber\] .* dtype int64, whose value is a bigint: use itemBigInt\(\)/);
    expect(() => mx.array(1, mx.uint64).itemNumber()).toThrowError(/^\[itemNumber\] .* dtype uint64/);
    expect(() => mx.array(1).itemBool()).toThrowError(/^\[itemBool\] itemBool\(\) reads a boolean, but the array has dtype float32, whose value is a number: use itemNumber\(\)/);
    expect(() => mx.array(1, mx.int32).itemBigInt()).toThrowError(/^\[itemBigInt\] .* dtype int32, whose value is a number/);
    expect(() => mx.array(true).itemBigInt()).toThrowError(/^\[itemBigInt\] .* dtype bool, whose value is a boolean: use itemBool\(\)/);
    expect(() => mx.array([1, 2]).itemNumber()).toThrowError("[itemNumber] itemNumber() can only be called on arrays of size 1, got shape (2).");
    expect(() => mx.zeros([0], mx.bool).itemBool()).toThrowError("[itemBool] itemBool() can only be called on arrays of size 1, got shape (0).");
    expect(() => mx.array([1, 2]).item()).toThrowError("[item] item() can only be called on arrays of size 1, got shape (2).");
    const gone = mx.array(1);
    gone.dispose();
    expect(() => gone.itemNumber()).toThrowError(/disposed/);
    expect(mx.array(2).mul(3).itemNumber()).toBe(6);
  });
});

describe("Array#data()", () => {
  it("resolves to a copy equal to tolist, typed by dtype", async () => {
    const cases: [mx.Array, new (n: number) => ArrayLike<unknown>, unknown[]][] = [
      [mx.array([[1.5, -2], [3, 4]]), Float32Array, [1.5, -2, 3, 4]],
      [mx.array([1.5, -2], mx.float64), Float64Array, [1.5, -2]],
      [mx.array([1.5, -2], mx.float16), Float32Array, [1.5, -2]],
      [mx.array([1.5, -2], mx.bfloat16), Float32Array, [1.5, -2]],
      [mx.array([-3, 7], mx.int32), Int32Array, [-3, 7]],
      [mx.array([250, 7], mx.uint8), Uint8Array, [250, 7]],
      [mx.array([-1, 2], mx.int8), Int8Array, [-1, 2]],
      [mx.array([2n ** 40n, -5n]), BigInt64Array, [2n ** 40n, -5n]],
      [mx.array([2n ** 63n], mx.uint64), BigUint64Array, [2n ** 63n]],
      [mx.array([true, false, true]), Uint8Array, [1, 0, 1]],
    ];
    for (const [a, Ctor, want] of cases) {
      const d = await a.data();
      expect(d, a.dtype.name).toBeInstanceOf(Ctor);
      expect(Array.from(d as ArrayLike<unknown>), a.dtype.name).toEqual(want);
    }
    // A lazy array is evaluated; the result is a copy, not a view.
    const lazy = mx.arange(6).reshape([2, 3]).T.multiply(2);
    const d = (await lazy.data()) as Float32Array;
    expect(Array.from(d)).toEqual([0, 6, 2, 8, 4, 10]);
    d[0] = 99;
    expect(lazy.tolist()).toEqual([[0, 6], [2, 8], [4, 10]]);
    expect(Array.from((await mx.array(5).data()) as Float32Array)).toEqual([5]);
    expect((await mx.zeros([0, 3]).data()).length).toBe(0);
  });

  it("rejects for a disposed array", async () => {
    const a = mx.array([1, 2]);
    a.dispose();
    await expect(a.data()).rejects.toThrow(/disposed/);
  });
});

describe("toString, util.inspect, toJSON", () => {
  it("prints like MLX for several dtypes and shapes", () => {
    expect(String(mx.array([1, 2, 3]))).toBe("array([1, 2, 3], dtype=float32)");
    expect(String(mx.array(0.1))).toBe("array(0.1, dtype=float32)");
    expect(String(mx.array(0.1, mx.float64))).toBe("array(0.1, dtype=float64)");
    expect(String(mx.array([1 / 3], mx.float32))).toBe("array([0.333333], dtype=float32)");
    expect(String(mx.array([1.5, -2], mx.float16))).toBe("array([1.5, -2], dtype=float16)");
    expect(String(mx.array([7, -1], mx.int32))).toBe("array([7, -1], dtype=int32)");
    expect(String(mx.array([2n ** 60n]))).toBe("array([1152921504606846976], dtype=int64)");
    expect(String(mx.array([true, false]))).toBe("array([True, False], dtype=bool)");
    expect(String(mx.array([NaN, Infinity, -Infinity]))).toBe("array([nan, inf, -inf], dtype=float32)");
    expect(String(mx.array([[1, 2], [3, 4]], mx.uint8))).toBe("array([[1, 2],\n       [3, 4]], dtype=uint8)");
    // MLX starts each block of a higher axis on the next line, no blank line (python/tests/test_array.py test_array_repr).
    expect(String(mx.arange(8).reshape([2, 2, 2]))).toBe(
      "array([[[0, 1],\n        [2, 3]],\n       [[4, 5],\n        [6, 7]]], dtype=float32)");
    expect(String(mx.zeros([0]))).toBe("array([], dtype=float32)");
    const d = mx.array([1]);
    d.dispose();
    expect(String(d)).toBe("array(<disposed>)");
  });

  it("elides every axis longer than 6 to 3 items at each end, as MLX (mlx/utils.cpp print_subarray)", () => {
    expect(String(mx.array([1, 1, 1, 1, 1, 1], mx.int32))).toBe("array([1, 1, 1, 1, 1, 1], dtype=int32)");
    expect(String(mx.array([1, 1, 1, 1, 1, 1, 1], mx.int32))).toBe("array([1, 1, 1, ..., 1, 1, 1], dtype=int32)");
    expect(String(mx.arange(1001, mx.int32))).toBe(
      "array([0, 1, 2, ..., 998, 999, 1000], dtype=int32)");
    expect(String(mx.arange(2000, mx.int32).reshape([2, 1000]))).toBe(
      "array([[0, 1, 2, ..., 997, 998, 999],\n       [1000, 1001, 1002, ..., 1997, 1998, 1999]], dtype=int32)");
  });

  it("util.inspect prints the same; JSON.stringify gives nested lists", () => {
    const a = mx.array([[1, 2], [3, 4]]);
    expect(inspect(a)).toBe(String(a));
    expect(JSON.stringify({ w: a, s: mx.array(2.5) })).toBe('{"w":[[1,2],[3,4]],"s":2.5}');
    expect(JSON.stringify(mx.array([true]))).toBe("[true]");
    expect(JSON.stringify(mx.array([3n, 2n ** 60n]))).toBe('[3,"1152921504606846976"]');
  });
});

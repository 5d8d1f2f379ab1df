// mx.Array behaving as MLX's arrays do, in JS terms: iteration along axis 0,
// mx.array of lists holding mx.Arrays (stacked), printing as MLX's repr
// (mlx/utils.cpp print_array: C++ stream floats, i.e. printf's %g, elision of
// every axis longer than 6, one row per line), toJSON, and the constants
// mx.pi, e, inf, nan, eulerGamma and newaxis.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

describe("iteration along axis 0", () => {
  it("destructures keys from split and rows of a matrix", () => {
    const [k1, k2] = mx.random.split(mx.random.key(0));
    expect([k1!.tolist(), k2!.tolist()]).toEqual([[4146024105, 967050713], [2718843009, 1272950319]]);
    const rows: unknown[] = [];
    for (const row of mx.array([[1, 2, 3], [4, 5, 6]], mx.int32)) {
      expect(row.shape).toEqual([3]);
      expect(row.dtype).toBe(mx.int32);
      rows.push(row.tolist());
    }
    expect(rows).toEqual([[1, 2, 3], [4, 5, 6]]);
    const planes = [...mx.arange(24).reshape(2, 3, 4)];
    expect(planes.map((p) => p.shape)).toEqual([[3, 4], [3, 4]]);
    expect(planes[1]!.index(2, 3).item()).toBe(23);
    expect(Array.from(mx.array([true, false, true])).map((b) => b.item())).toEqual([true, false, true]);
    expect([...mx.zeros([0, 3])]).toEqual([]);
  });

  it("a 0-d array is not iterable (MLX: TypeError 'iteration over a 0-d array'), nor a disposed one", () => {
    const s = mx.array(1);
    expect(s[Symbol.iterator]).toBeUndefined();
    expect(() => [...s]).toThrow(TypeError);
    expect(() => {
      for (const v of mx.array(2)) return v;
    }).toThrow(/is not iterable/);
    const d = mx.array([1, 2]);
    d.dispose();
    expect(d[Symbol.iterator]).toBeUndefined();
    // and the module goes on
    expect([...mx.array([5, 6])].map((x) => x.item())).toEqual([5, 6]);
  });

  it("deep equality of test libraries (which walk iterables) still works on trees of arrays", () => {
    const x = mx.array([[1, 2], [3, 4]]), s = mx.array(3);
    expect({ w: [x, s] }).toEqual({ w: [x, s] });
    expect([...x].map((r) => r.tolist())).toEqual([[1, 2], [3, 4]]);
    expect(mx.array([1, 2, 3])).not.toEqual(mx.array([1, 2])); // a different number of rows
  });

  it("works on traced arrays (rows of a vmapped or differentiated argument)", () => {
    const g = mx.grad((x: mx.Array) => {
      const [a, b] = x;
      return a!.mul(b!).sum();
    })(mx.array([[1, 2], [3, 4]]));
    expect(g.tolist()).toEqual([[3, 4], [1, 2]]);
  });
});

describe("mx.array of lists holding mx.Arrays", () => {
  it("stacks them, as MLX does", () => {
    const a = mx.array([1, 2]), b = mx.array([3, 4]);
    const s = mx.array([a, b]);
    expect([s.shape, s.dtype, s.tolist()]).toEqual([[2, 2], mx.float32, [[1, 2], [3, 4]]]);
    // 0-d arrays and numbers mix; nested lists of arrays.
    expect(mx.array([mx.array(1), 2, mx.array(3)]).tolist()).toEqual([1, 2, 3]);
    expect(mx.array([[1, 2], b]).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(mx.array([[a], [b]]).shape).toEqual([2, 1, 2]);
    expect(mx.array([[mx.array(1), 2], [3, mx.array(4)]]).tolist()).toEqual([[1, 2], [3, 4]]);
  });

  it("dtypes: a given dtype casts every part; otherwise they promote", () => {
    const i = mx.array([1, 2], mx.int32);
    expect(mx.array([i, i]).dtype).toBe(mx.int32);
    expect(mx.array([i, mx.array([0.5, 1])]).dtype).toBe(mx.float32);
    const f = mx.array([i, [3, 4]], mx.float64);
    expect([f.dtype, f.tolist()]).toEqual([mx.float64, [[1, 2], [3, 4]]]);
    expect(mx.array([mx.array(true), false]).dtype).toBe(mx.bool);
  });

  it("parts of different shapes are a tagged error, and nothing leaks", () => {
    const a = mx.array([1, 2]), c = mx.array([1, 2, 3]);
    const before = mx.memory().liveArrays;
    expect(() => mx.array([a, c])).toThrow(/^\[array\] Inhomogeneous nested array: elements of shapes \(2\) and \(3\)/);
    expect(() => mx.array([a, [1]])).toThrow(/^\[array\] Inhomogeneous nested array/);
    expect(() => mx.array([a, 1])).toThrow(/^\[array\] Inhomogeneous nested array/);
    expect(mx.memory().liveArrays).toBe(before);
    const s = mx.array([a, a]);
    expect(mx.memory().liveArrays).toBe(before + 1);
    s.dispose();
    expect(a.tolist()).toEqual([1, 2]); // the parts are the caller's, untouched
  });
});

describe("printing as MLX", () => {
  it("MLX's own repr cases (python/tests/test_array.py test_array_repr, ints as int32)", () => {
    const i32 = (v: number[] | number[][] | number[][][] | number) => mx.array(v as any, mx.int32);
    expect(String(mx.array(true))).toBe("array(True, dtype=bool)");
    expect(String(i32(1))).toBe("array(1, dtype=int32)");
    expect(String(mx.array(1.0))).toBe("array(1, dtype=float32)");
    expect(String(i32([1, 0, 1]))).toBe("array([1, 0, 1], dtype=int32)");
    expect(String(i32([[1, 2], [1, 2], [1, 2]]))).toBe("array([[1, 2],\n       [1, 2],\n       [1, 2]], dtype=int32)");
    expect(String(i32([[[1, 2], [1, 2]], [[1, 2], [1, 2]]]))).toBe(
      "array([[[1, 2],\n        [1, 2]],\n       [[1, 2],\n        [1, 2]]], dtype=int32)");
    expect(String(i32(Array.from({ length: 7 }, () => [1, 2])))).toBe(
      "array([[1, 2],\n       [1, 2],\n       [1, 2],\n       ...,\n       [1, 2],\n       [1, 2],\n       [1, 2]], dtype=int32)");
    expect(String(mx.array([1], mx.int8))).toBe("array([1], dtype=int8)");
    expect(String(mx.array([1.2], mx.float16))).toBe("array([1.2002], dtype=float16)");
    expect(String(mx.array([1.123456789]))).toBe("array([1.12346], dtype=float32)");
  });

  it("matrices one row per line, with MLX's indent", () => {
    expect(mx.array([[1, 2], [3, 4]]).toString()).toBe("array([[1, 2],\n       [3, 4]], dtype=float32)");
    expect(String(mx.array([[1, 2], [3, 4]], mx.int32))).toBe("array([[1, 2],\n       [3, 4]], dtype=int32)");
    expect(String(mx.arange(8).reshape(2, 2, 2))).toBe(
      "array([[[0, 1],\n        [2, 3]],\n       [[4, 5],\n        [6, 7]]], dtype=float32)");
  });

  it("scalars, bools, integers, empty arrays", () => {
    expect(String(mx.array(3, mx.int32))).toBe("array(3, dtype=int32)");
    expect(String(mx.array(2.5))).toBe("array(2.5, dtype=float32)");
    expect(String(mx.array([true, false]))).toBe("array([True, False], dtype=bool)");
    expect(String(mx.array([-1, 255], mx.uint8))).toBe("array([255, 255], dtype=uint8)");
    expect(String(mx.array([2n ** 53n + 1n]))).toBe("array([9007199254740993], dtype=int64)");
    expect(String(mx.zeros([0]))).toBe("array([], dtype=float32)");
    expect(String(mx.zeros([2, 0]))).toBe("array([[],\n       []], dtype=float32)");
  });

  it("floats as C++ streams print them (%g, 6 significant digits), nan and inf", () => {
    // The expected texts are Python's '%g' % float32(v).
    expect(String(mx.array([0.1, 1.5, 1e-7, 1234567, 100000, -2.5e-5, 0.0001, 123456.7, 1e6, Math.PI, 1 / 3])))
      .toBe("array([0.1, 1.5, 1e-07, ..., 1e+06, 3.14159, 0.333333], dtype=float32)");
    expect(String(mx.array([1e-7, 1234567, 100000, -2.5e-5, 0.0001, 123456.7])))
      .toBe("array([1e-07, 1.23457e+06, 100000, -2.5e-05, 0.0001, 123457], dtype=float32)");
    expect(String(mx.array([NaN, Infinity, -Infinity, -0]))).toBe("array([nan, inf, -inf, -0], dtype=float32)");
    expect(String(mx.array([0.1], mx.float16))).toBe("array([0.0999756], dtype=float16)");
    expect(String(mx.array([0.1, 2 / 3], mx.float64))).toBe("array([0.1, 0.666667], dtype=float64)");
  });

  it("every axis longer than 6 keeps 3 items at each end", () => {
    expect(String(mx.arange(10, mx.int32))).toBe("array([0, 1, 2, ..., 7, 8, 9], dtype=int32)");
    expect(String(mx.arange(6, mx.int32))).toBe("array([0, 1, 2, 3, 4, 5], dtype=int32)");
    expect(String(mx.arange(70, mx.int32).reshape(7, 10))).toBe([
      "array([[0, 1, 2, ..., 7, 8, 9],",
      "       [10, 11, 12, ..., 17, 18, 19],",
      "       [20, 21, 22, ..., 27, 28, 29],",
      "       ...,",
      "       [40, 41, 42, ..., 47, 48, 49],",
      "       [50, 51, 52, ..., 57, 58, 59],",
      "       [60, 61, 62, ..., 67, 68, 69]], dtype=int32)",
    ].join("\n"));
  });

  it("console.log / util.inspect and template strings print the same", () => {
    const x = mx.array([[1, 2], [3, 4]]);
    expect(inspect(x)).toBe(x.toString());
    expect(inspect({ w: mx.array([1, 2], mx.int32) })).toBe("{ w: array([1, 2], dtype=int32) }");
    expect(`${mx.array(1, mx.int32)}`).toBe("array(1, dtype=int32)");
  });
});

describe("toJSON", () => {
  it("nested lists; bools; int64 beyond 2^53 as strings", () => {
    expect(JSON.stringify(mx.array([[1, 2], [3, 4]]))).toBe("[[1,2],[3,4]]");
    expect(JSON.stringify({ a: mx.array([true, false]), s: mx.array(1.5) })).toBe('{"a":[true,false],"s":1.5}');
    expect(JSON.stringify(mx.array([1n, 2n ** 60n]))).toBe('[1,"1152921504606846976"]');
  });
});

describe("constants", () => {
  it("pi, e, inf, nan, eulerGamma as MLX's; newaxis is null, a new axis in index()", () => {
    expect(mx.pi).toBe(Math.PI);
    expect(mx.e).toBe(Math.E);
    expect(mx.inf).toBe(Infinity);
    expect(Number.isNaN(mx.nan)).toBe(true);
    expect(mx.eulerGamma).toBeCloseTo(0.5772156649015329, 15);
    expect(mx.newaxis).toBe(null);
    const x = mx.array([1, 2, 3]);
    expect(x.index(mx.newaxis).shape).toEqual([1, 3]);
    expect(x.index(mx.slice(), mx.newaxis).shape).toEqual([3, 1]);
  });
});

// mx.utils: mlx.utils' tree functions, checked against the results MLX's
// docstrings and source give for the same trees.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const u = mx.utils as any;

describe("mx.utils", () => {
  it("treeMap maps leaves, takes superset rest trees and isLeaf", () => {
    expect(u.treeMap((x: number) => x * 2, { a: [1, 2], b: { c: 3 } })).toEqual({ a: [2, 4], b: { c: 6 } });
    expect(u.treeMap((a: number, b: number) => a + b, { a: 1, l: [2] }, { a: 10, l: [20, 30], z: 5 })).toEqual({ a: 11, l: [22] });
    const seen: unknown[] = [];
    const out = u.treeMap((x: unknown) => (seen.push(x), "leaf"), { a: [1, 2], b: { c: [3] } }, { isLeaf: (x: unknown) => Array.isArray(x) });
    expect(out).toEqual({ a: "leaf", b: { c: "leaf" } });
    expect(seen).toEqual([[1, 2], [3]]);
    // isLeaf on the root: fn gets the whole tree.
    expect(u.treeMap((t: unknown) => Object.keys(t as object), { x: 1 }, { isLeaf: () => true })).toEqual(["x"]);
    // With arrays as leaves (null is a leaf, as Python's None).
    const t = u.treeMap((x: any) => (x === null ? "none" : x.mul(2)), { w: mx.array([1, 2]), n: null });
    expect(t.w.tolist()).toEqual([2, 4]);
    expect(t.n).toBe("none");
    expect(() => u.treeMap((a: number, b: number) => a + b, { a: 1 }, { b: 2 })).toThrow("[utils.treeMap] The trees do not have the same structure.");
    expect(() => u.treeMap(3, {})).toThrow(/^\[utils.treeMap\] Expected a function/);
    t.w.dispose();
  });

  it("treeMapWithPath gives dotted paths (null at a bare root, as MLX's None)", () => {
    const paths: (string | null)[] = [];
    const out = u.treeMapWithPath((p: string, x: number) => (paths.push(p), x + 1), { model: [{ w: 0, b: 1 }, { w: 0, b: 1 }] });
    expect(paths).toEqual(["model.0.w", "model.0.b", "model.1.w", "model.1.b"]);
    expect(out).toEqual({ model: [{ w: 1, b: 2 }, { w: 1, b: 2 }] });
    expect(u.treeMapWithPath((p: string | null) => p, 5)).toBe(null);
    expect(u.treeMapWithPath((p: string) => p, { a: [1] }, { path: "root" })).toEqual({ a: ["root.a.0"] });
    expect(u.treeMapWithPath((p: string, a: number, b: number) => `${p}=${a + b}`, { a: 1 }, { a: 2 })).toEqual({ a: "a=3" });
    expect(u.treeMapWithPath((p: string, x: unknown) => `${p}:${JSON.stringify(x)}`, { a: [1, 2] }, { isLeaf: Array.isArray })).toEqual({ a: "a:[1,2]" });
  });

  it("treeFlatten: dotted names, MLX's prefix forms, destination, isLeaf", () => {
    expect(u.treeFlatten([[[0]]])).toEqual([["0.0.0", 0]]);
    expect(u.treeFlatten([[[0]]], { prefix: ".hello" })).toEqual([["hello.0.0.0", 0]]); // MLX's docstring
    expect(u.treeFlatten([[[0]]], { prefix: "hello" })).toEqual([["hello.0.0.0", 0]]);
    expect(u.treeFlatten({ a: { b: 1 } }, { destination: {} })).toEqual({ "a.b": 1 });
    const tree = { layers: [{ weight: 1, bias: 2 }, { weight: 3 }], head: { proj: [4, 5] } };
    expect(u.treeFlatten(tree)).toEqual(mx.tree.flatten(tree));
    expect(u.treeFlatten(tree)).toEqual([["layers.0.weight", 1], ["layers.0.bias", 2], ["layers.1.weight", 3], ["head.proj.0", 4], ["head.proj.1", 5]]);
    expect(u.treeFlatten(tree, { isLeaf: (x: unknown) => Array.isArray(x) && typeof x[0] === "number" })).toEqual([
      ["layers.0.weight", 1], ["layers.0.bias", 2], ["layers.1.weight", 3], ["head.proj", [4, 5]],
    ]);
    expect(() => u.treeFlatten(tree, { prefx: "a" })).toThrow(/^\[utils.treeFlatten\] Unknown option 'prefx'/);
  });

  it("treeUnflatten rebuilds from pairs or a {path: leaf} object", () => {
    expect(u.treeUnflatten([["hello.world", 42]])).toEqual({ hello: { world: 42 } });
    expect(u.treeUnflatten({ "hello.world": 42 })).toEqual({ hello: { world: 42 } });
    expect(u.treeUnflatten([["0", "a"], ["1", "b"]])).toEqual(["a", "b"]);
    expect(u.treeUnflatten([["", 5]])).toBe(5);
    const tree = { layers: [{ weight: 1, bias: 2 }, { weight: 3 }], head: { proj: [4, 5] } };
    expect(u.treeUnflatten(u.treeFlatten(tree))).toEqual(tree);
  });

  it("treeReduce folds the leaves, from the initializer or the first leaf", () => {
    const tree = { a: [1, 2, 3], b: [4, 5] };
    expect(u.treeReduce((acc: number, x: number) => acc + x, tree, 0)).toBe(15); // MLX's docstring
    expect(u.treeReduce((acc: number, x: number) => acc + x, tree)).toBe(15);
    expect(u.treeReduce((acc: string, x: number) => acc + x, tree, "")).toBe("12345");
    expect(u.treeReduce((acc: number, x: number[]) => acc + x.length, tree, 0, { isLeaf: Array.isArray })).toBe(5);
    expect(u.treeReduce((acc: number, x: number) => acc + x, {}, 7)).toBe(7);
    const s = u.treeReduce((acc: any, g: any) => acc.add(g.square().sum()), { a: mx.array([3]), b: [mx.array([4])] }, mx.array(0));
    expect(s.item()).toBe(25);
    expect(() => u.treeReduce((a: number) => a, tree, 0, { leaf: 1 })).toThrow(/^\[utils.treeReduce\] Unknown option 'leaf'/);
  });
});

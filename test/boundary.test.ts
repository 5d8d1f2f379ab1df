// The wasm boundary is generated from one source per fact (wasm/op_tables.def,
// core/dtype.h, the wasm/*.cpp signatures). These tests hold the generated TS
// side to what the compiled C++ reports, and every op family to the public API.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe("op tables", () => {
  const families = mx._internal.opFamilies as readonly string[];
  const codes = mx._internal.opCodes as unknown as Record<string, Record<string, number>>;

  it("has the families the C ABI dispatches on", () => {
    expect([...families].sort()).toEqual(["binary", "conv", "index_entry", "index_update", "reduce", "scan", "unary"]);
  });

  it.each(["unary", "binary", "reduce", "scan", "conv", "index_entry", "index_update"])(
    "TS codes of %s equal C++'s list order",
    (family) => {
      const cpp = mx._internal.coreOpNames(family);
      expect(cpp).not.toBeNull();
      const ts = codes[camel(family)]!;
      expect(cpp!.length).toBeGreaterThan(0);
      expect(Object.keys(ts).length).toBe(cpp!.length);
      cpp!.forEach((name, code) => expect(ts[name], `${family}.${name}`).toBe(code));
    },
  );

  it("reports an unknown family as null", () => {
    expect(mx._internal.coreOpNames("no_such_family")).toBeNull();
  });

  it.each(["unary", "binary", "reduce", "scan", "conv"])("every %s op is a public function named after it", (family) => {
    const api = mx as unknown as Record<string, unknown>;
    for (const name of Object.keys(codes[family]!)) {
      const fn = name === "var" ? api["var"] : api[camel(name)];
      expect(typeof fn, `mx.${camel(name)}`).toBe("function");
    }
  });

  it("dispatches each unary code to the op of that name (spot checks against hand values)", () => {
    const x = mx.array([0.25, 1, 4]);
    const pairs: [string, number[]][] = [
      ["sqrt", [0.5, 1, 2]], ["square", [0.0625, 1, 16]], ["reciprocal", [4, 1, 0.25]], ["negative", [-0.25, -1, -4]],
      ["log2", [-2, 0, 2]], ["ceil", [1, 1, 4]], ["floor", [0, 1, 4]],
    ];
    for (const [name, want] of pairs) {
      const f = (mx as unknown as Record<string, (a: mx.Array) => mx.Array>)[name]!;
      expect(f(x).tolist(), name).toEqual(want);
    }
  });

  it("dispatches binary, reduce and scan codes to the ops of those names", () => {
    const a = mx.array([[1, 2], [3, 4]]);
    expect(mx.power(a, 2).tolist()).toEqual([[1, 4], [9, 16]]);
    expect(mx.floorDivide(a, 2).tolist()).toEqual([[0, 1], [1, 2]]);
    expect(mx.remainder(a, 3).tolist()).toEqual([[1, 2], [0, 1]]);
    expect(mx.lessEqual(a, 2).tolist()).toEqual([[true, true], [false, false]]);
    expect(mx.prod(a, 1).tolist()).toEqual([2, 12]);
    expect(mx.var(a, 0).tolist()).toEqual([1, 1]);
    expect(mx.std(a, null, false, 1).item()).toBeCloseTo(Math.sqrt(5 / 3), 6);
    expect(mx.cummax(mx.array([1, 3, 2]), 0).tolist()).toEqual([1, 3, 3]);
    expect(mx.cumprod(mx.array([1, 3, 2]), 0).tolist()).toEqual([1, 3, 6]);
  });
});

describe("dtype codes", () => {
  it("round-trip through the core for all 14 dtypes", () => {
    const all = [mx.bool, mx.uint8, mx.uint16, mx.uint32, mx.uint64, mx.int8, mx.int16, mx.int32, mx.int64,
      mx.float16, mx.bfloat16, mx.float32, mx.float64, mx.complex64];
    expect(new Set(all.map((d) => d.code)).size).toBe(14);
    for (const d of all) expect(mx.zeros([2], d).dtype).toBe(d);
  });
});

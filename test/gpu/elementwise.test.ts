// Elementwise ops on the GPU against the CPU: every unary and binary op of the
// float set, the integer and narrow dtypes (stored packed, computed in 32
// bits), strided and broadcast operands, casts between all stored dtypes.
import { describe, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], lo = -3, hi = 3, seed = 1) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), lo, hi, seed))).reshape(shape);

describe("GPU unary ops (float32)", () => {
  // The domain each op is defined on, so that both devices compute real values.
  const ops: [string, number, number, number?][] = [
    ["abs", -3, 3], ["negative", -3, 3], ["sign", -3, 3], ["square", -3, 3], ["exp", -10, 10, 2e-6],
    ["expm1", -2, 2, 2e-6], ["log", 0.01, 10, 2e-6], ["log1p", -0.5, 10, 2e-6], ["log2", 0.01, 10, 2e-6],
    ["log10", 0.01, 10, 2e-6], ["sqrt", 0, 10, 2e-6], ["rsqrt", 0.1, 10, 2e-6], ["sin", -3, 3, 1e-5],
    ["cos", -3, 3, 1e-5], ["tan", -1.2, 1.2, 1e-5], ["arcsin", -0.99, 0.99, 1e-5], ["arccos", -0.99, 0.99, 1e-5],
    ["arctan", -5, 5, 1e-5], ["sinh", -3, 3, 1e-5], ["cosh", -3, 3, 1e-5], ["tanh", -4, 4, 1e-5],
    ["arcsinh", -5, 5, 1e-5], ["arccosh", 1.01, 5, 1e-5], ["arctanh", -0.95, 0.95, 1e-5], ["sigmoid", -8, 8, 1e-5],
    ["erf", -3, 3, 1e-5], ["erfinv", -0.99, 0.99, 1e-4], ["floor", -3, 3], ["ceil", -3, 3], ["round", -3, 3],
    ["isnan", -3, 3], ["isinf", -3, 3], ["isfinite", -3, 3], ["logicalNot", -1, 1],
  ];
  for (const [op, lo, hi, tol] of ops) {
    it(op, async () => {
      const r = await onBoth(() => (mx as any)[op](f32([7, 9], lo, hi)));
      expectSame(r, { rtol: tol ?? 0, atol: tol ?? 0 });
    });
  }

  it("special values: nan and infinities", async () => {
    const special = () => mx.array(Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 1e-30, 3e38]));
    const r = await onBoth(() => [mx.isnan(special()), mx.isinf(special()), mx.isfinite(special()),
      mx.maximum(special(), mx.array(0)), mx.minimum(mx.array(0), special()), mx.abs(special())]);
    expectSame(r);
  });
});

describe("GPU binary ops", () => {
  const float: [string, number?][] = [["add"], ["subtract"], ["multiply"], ["divide", 1e-6], ["maximum"], ["minimum"],
    ["floorDivide", 1e-6], ["remainder", 1e-5], ["power", 1e-5], ["arctan2", 1e-5], ["logaddexp", 1e-6],
    ["equal"], ["notEqual"], ["less"], ["lessEqual"], ["greater"], ["greaterEqual"]];
  for (const [op, tol] of float) {
    it(`${op} float32, broadcast and strided`, async () => {
      const r = await onBoth(() => {
        const a = f32([4, 6], -3, 3, 1);
        const b = f32([6, 4], 0.5, 3, 2).transpose(); // a strided view
        const c = f32([6], -2, 2, 3); // broadcast along the rows
        const f = (mx as any)[op];
        return [f(a, b), f(a, c), f(c.reshape([1, 6]), a)];
      });
      expectSame(r, { rtol: tol ?? 0, atol: tol ?? 0 });
    });
  }

  for (const dtype of ["int32", "uint32", "int16", "uint16", "int8", "uint8"]) {
    it(`integer arithmetic in ${dtype}`, async () => {
      const r = await onBoth(() => {
        const lo = dtype.startsWith("u") ? 0 : -50;
        const a = mx.array(values(24, lo, 100, 4).map(Math.round), dtype as any).reshape([4, 6]);
        const b = mx.array(values(24, 1, 9, 5).map(Math.round), dtype as any).reshape([4, 6]);
        return ["add", "subtract", "multiply", "maximum", "minimum", "floorDivide", "remainder", "less", "equal"]
          .map((op) => (mx as any)[op](a, b));
      });
      expectSame(r);
    });
  }

  it("integer floor division and remainder by zero give 0, as on the CPU", async () => {
    const r = await onBoth(() => {
      const a = mx.array([7, -7, 0, 5], mx.int32);
      const b = mx.array([0, 0, 0, -2], mx.int32);
      return [mx.floorDivide(a, b), mx.remainder(a, b)];
    });
    expectSame(r);
  });
});

describe("GPU dtypes", () => {
  const dtypes = ["float32", "float16", "bfloat16", "int32", "uint32", "int16", "uint16", "int8", "uint8", "bool"];
  it("astype between every pair of GPU dtypes", async () => {
    const r = await onBoth(() => {
      const out: mx.Array[] = [];
      const x = mx.array(values(10, -2, 120, 6).map((v) => Math.round(v * 4) / 4));
      for (const from of dtypes) {
        const a = x.astype(from as any);
        for (const to of dtypes) out.push(a.astype(to as any));
      }
      return out;
    });
    expectSame(r);
  });

  it("float16 and bfloat16 arithmetic rounds once per op, as the CPU does", async () => {
    const r = await onBoth(() =>
      ["float16", "bfloat16"].flatMap((d) => {
        const a = f32([5, 3], -4, 4, 7).astype(d as any), b = f32([5, 3], -4, 4, 8).astype(d as any);
        return [mx.add(a, b), mx.multiply(a, b), mx.exp(a), mx.tanh(b), mx.where(mx.greater(a, b), a, b)];
      }),
    );
    expectSame(r, { rtol: 1e-2, atol: 1e-2 });
  });

  it("where with a strided condition", async () => {
    const r = await onBoth(() => {
      const a = f32([3, 5]), b = f32([3, 5], -1, 1, 9);
      return mx.where(mx.greater(a, mx.array(0)).transpose().transpose(), a, b);
    });
    expectSame(r);
  });
});

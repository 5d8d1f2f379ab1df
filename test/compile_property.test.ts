// Property test: randomly generated programs of elementwise ops, reductions
// and written indexes give the same values compiled (traced once,
// simplified, fused) as run eagerly, and shapeless traces replayed on other
// shapes do too. Fused kernels run the same float32 element functions as the
// eager kernels, so the comparison is exact (NaN equals NaN).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

type Step = { op: string; a: number; b: number; axis: number };
const UNARY = ["exp", "tanh", "sigmoid", "abs", "negative", "square", "sin", "sqrt", "log1p", "floor"];
const BINARY = ["add", "subtract", "multiply", "divide", "maximum", "minimum", "power"];
const REDUCE = ["sum", "max", "min", "mean"];
const SCALAR = ["addScalar", "mulScalar"];
// Indexes and shapes as a function writes them (shapeless replays them on new
// shapes): a reversed axis, the first row, the last column, ones like x.
const SHAPE = ["flipRows", "firstRow", "lastColumn", "onesLike"];

// Runs `steps` over a pool that starts as the inputs; returns the last value
// and every reduction (so reductions in the middle are outputs too).
function program(steps: Step[], inputs: any[]): any[] {
  const pool = [...inputs];
  const outs: any[] = [];
  const pick = (i: number) => pool[i % pool.length];
  for (const s of steps) {
    let v: any;
    if (UNARY.includes(s.op)) v = (mx as any)[s.op](pick(s.a));
    else if (BINARY.includes(s.op)) v = (mx as any)[s.op](pick(s.a), pick(s.b));
    else if (s.op === "addScalar") v = mx.add(pick(s.a), 0.25 * (s.b % 7) - 0.75);
    else if (s.op === "mulScalar") v = mx.multiply(pick(s.a), 0.5 + (s.b % 3));
    else if (SHAPE.includes(s.op)) {
      const x = pick(s.a);
      if (s.op === "onesLike") v = mx.onesLike(x).add(pick(s.b));
      else if (x.ndim === 0) v = x;
      else if (s.op === "flipRows") v = x.index(mx.slice(null, null, -1));
      else if (s.op === "firstRow") v = x.index(mx.slice(0, 1));
      else v = x.index("...", mx.slice(-1));
    }
    else {
      const x = pick(s.a);
      // keepdims: the result broadcasts against the others in later steps
      v = x.ndim === 0 ? x : (mx as any)[s.op](x, s.axis % x.ndim, true);
      outs.push(v);
    }
    pool.push(v);
  }
  return [pool[pool.length - 1], ...outs];
}

const step = fc.record({
  op: fc.constantFrom(...UNARY, ...BINARY, ...REDUCE, ...SCALAR, ...SHAPE),
  a: fc.nat(40),
  b: fc.nat(40),
  axis: fc.nat(3),
});
const values = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin((i + 1) * (seed + 0.61)) * 3);
const same = (a: any, b: any) => {
  expect(a.shape).toEqual(b.shape);
  const x = Float32Array.from(a.reshape(-1).tolist() as number[]);
  const y = Float32Array.from(b.reshape(-1).tolist() as number[]);
  x.forEach((v, i) => (Number.isNaN(v) ? expect(y[i]).toBeNaN() : expect(y[i]).toBe(v)));
};

describe("compile property", () => {
  it("compiled programs equal eager ones", () => {
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 70 }),
        (steps, rows, cols) =>
          mx.tidy(() => {
            // a full matrix, a row vector, a column vector and a scalar
            const inputs = [
              mx.array(values(rows * cols, 1)).reshape(rows, cols),
              mx.array(values(cols, 2)).reshape(1, cols),
              mx.array(values(rows, 3)).reshape(rows, 1),
              mx.array(values(1, 4)).reshape([]),
            ];
            let traces = 0;
            const f = mx.compile((...xs: any[]) => {
              traces++;
              return program(steps, xs);
            });
            const eager = program(steps, inputs);
            const compiled = f(...inputs) as any[];
            compiled.forEach((c, i) => same(c, eager[i]));
            f(...inputs);
            expect(traces).toBe(1);
            f.dispose();
          }),
      ),
      { numRuns: 60, seed: 20261125 },
    );
  });

  it("shapeless programs traced at one shape equal eager ones at others", () => {
    // Traced with rows, cols >= 2 so that no two inputs' shapes coincide by
    // accident (a trace can't broadcast operands that had one shape).
    const inputsAt = (rows: number, cols: number) => [
      mx.array(values(rows * cols, 1)).reshape(rows, cols),
      mx.array(values(cols, 2)).reshape(1, cols),
      mx.array(values(rows, 3)).reshape(rows, 1),
      mx.array(values(1, 4)).reshape([]),
    ];
    const dim = fc.integer({ min: 1, max: 40 });
    fc.assert(
      fc.property(
        fc.array(step, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 2, max: 9 }),
        fc.integer({ min: 2, max: 40 }),
        fc.array(fc.tuple(dim, dim), { minLength: 1, maxLength: 3 }),
        (steps, rows, cols, others) =>
          mx.tidy(() => {
            let traces = 0;
            const f = mx.compile(
              (...xs: any[]) => {
                traces++;
                return program(steps, xs);
              },
              { shapeless: true },
            );
            // Changing one dim alone keeps some results' shapes (the last
            // column of a wider matrix) while their inputs' change.
            for (const [r, c] of [[rows, cols], [rows, cols + 3], [rows + 2, cols], ...others]) {
              const inputs = inputsAt(r!, c!);
              const eager = program(steps, inputs);
              (f(...inputs) as any[]).forEach((got, i) => same(got, eager[i]));
            }
            expect(traces).toBe(1);
            f.dispose();
          }),
      ),
      { numRuns: 200, seed: 20261126 },
    );
  });

  it("large programs (threaded tiles) equal eager ones", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 4, maxLength: 10 }), (steps) =>
        mx.tidy(() => {
          const inputs = [
            mx.array(values(300 * 257, 5)).reshape(300, 257),
            mx.array(values(257, 6)).reshape(1, 257),
            mx.array(values(300, 7)).reshape(300, 1),
            mx.array(values(1, 8)).reshape([]),
          ];
          const f = mx.compile((...xs: any[]) => program(steps, xs));
          const eager = program(steps, inputs);
          (f(...inputs) as any[]).forEach((c, i) => same(c, eager[i]));
          f.dispose();
        }),
      ),
      { numRuns: 8, seed: 7 },
    );
  });
});

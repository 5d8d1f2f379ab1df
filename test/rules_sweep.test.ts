// Every differentiable elementwise op, through the public API: grad against
// central finite differences in float64, the adjoint identity between jvp and
// vjp, and vmap against an explicit loop over rows.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

const M = mx as any;
const f64 = (xs: number[], shape: number[]) => mx.array(Float64Array.from(xs)).reshape(shape);
const vals = (a: any) => Array.from(a.dataSync() as Float64Array);

// Inputs inside each op's domain (away from kinks and poles).
const unary: [string, (i: number) => number][] = [
  ["abs", (i) => (i % 2 ? 1 : -1) * (0.3 + i / 10)],
  ["negative", (i) => i / 7 - 0.4],
  ["exp", (i) => i / 5 - 1],
  ["expm1", (i) => i / 5 - 1],
  ["log", (i) => 0.2 + i / 3],
  ["log1p", (i) => i / 3],
  ["log2", (i) => 0.2 + i / 3],
  ["log10", (i) => 0.2 + i / 3],
  ["sqrt", (i) => 0.2 + i / 3],
  ["rsqrt", (i) => 0.2 + i / 3],
  ["square", (i) => i / 4 - 0.7],
  ["reciprocal", (i) => 0.5 + i / 3],
  ["sin", (i) => i / 2],
  ["cos", (i) => i / 2],
  ["tan", (i) => i / 10 - 0.3],
  ["arcsin", (i) => i / 10 - 0.3],
  ["arccos", (i) => i / 10 - 0.3],
  ["arctan", (i) => i / 2 - 1],
  ["sinh", (i) => i / 4 - 0.5],
  ["cosh", (i) => i / 4 - 0.5],
  ["tanh", (i) => i / 4 - 0.5],
  ["arcsinh", (i) => i / 2 - 1],
  ["arccosh", (i) => 1.2 + i / 2],
  ["arctanh", (i) => i / 10 - 0.3],
  ["sigmoid", (i) => i / 2 - 1],
  ["erf", (i) => i / 4 - 0.5],
  ["erfinv", (i) => i / 10 - 0.3],
];
const binary: [string, (a: any, b: any) => any][] = [
  ["add", mx.add],
  ["subtract", mx.subtract],
  ["multiply", mx.multiply],
  ["divide", mx.divide],
  ["maximum", mx.maximum],
  ["minimum", mx.minimum],
];

function numericGrad(f: (x: any) => any, x0: number[], shape: number[], h = 1e-6): number[] {
  return x0.map((_, i) =>
    mx.tidy(() => {
      const xp = [...x0], xm = [...x0];
      xp[i]! += h;
      xm[i]! -= h;
      return ((f(f64(xp, shape)).item() as number) - (f(f64(xm, shape)).item() as number)) / (2 * h);
    }),
  );
}

describe("unary rules", () => {
  for (const [name, gen] of unary) {
    it(`${name}: grad, adjoint identity and vmap`, () => {
      const op = M[name] as (x: any) => any;
      const shape = [2, 3];
      const x0 = Array.from({ length: 6 }, (_, i) => gen(i));
      const w = f64(ref.rand(6, 3), shape);
      const loss = (x: any) => op(x).mul(w).sum();
      const g = mx.grad(loss)(f64(x0, shape));
      expect(ref.maxRelErr(vals(g), numericGrad(loss, x0, shape))).toBeLessThan(1e-5);
      const v = f64(ref.rand(6, 4), shape);
      const [, [jv]] = mx.jvp(op, [f64(x0, shape)], [v]);
      const [, [vjpw]] = mx.vjp(op, [f64(x0, shape)], [w]);
      const lhs = w.mul(jv!).sum().item() as number;
      const rhs = vjpw!.mul(v).sum().item() as number;
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-9 * (1 + Math.abs(lhs)));
      const mapped = mx.vmap(op, { inAxes: 1 })(f64(x0, shape));
      for (let c = 0; c < 3; ++c) {
        const col = op(f64([x0[c]!, x0[3 + c]!], [2]));
        expect(vals(mapped.index(c))).toEqual(vals(col));
      }
    });
  }
});

describe("binary rules", () => {
  for (const [name, op] of binary) {
    it(`${name}: grads of both arguments with broadcasting, and vmap`, () => {
      const a0 = ref.rand(6, 5).map((v) => v + 2);
      const b0 = ref.rand(3, 6).map((v) => v - 2.5); // distinct from a: no ties for max/min
      const w = f64(ref.rand(6, 7), [2, 3]);
      const fa = (a: any) => op(a, f64(b0, [3])).mul(w).sum();
      const fb = (b: any) => op(f64(a0, [2, 3]), b).mul(w).sum();
      const [ga, gb] = mx.grad((a: any, b: any) => op(a, b).mul(w).sum(), { argnums: [0, 1] })(f64(a0, [2, 3]), f64(b0, [3]));
      expect(ref.maxRelErr(vals(ga), numericGrad(fa, a0, [2, 3]))).toBeLessThan(1e-5);
      expect(ref.maxRelErr(vals(gb), numericGrad(fb, b0, [3]))).toBeLessThan(1e-5);
      const mapped = mx.vmap(op, { inAxes: [0, null] })(f64(a0, [2, 3]), f64(b0, [3]));
      for (let r = 0; r < 2; ++r) expect(vals(mapped.index(r))).toEqual(vals(op(f64(a0.slice(r * 3, r * 3 + 3), [3]), f64(b0, [3]))));
    });
  }
});

// Loads test/fixtures/nn_reference.json (numpy float64 reference values
// written by test/fixtures/nn_reference.py) as mx arrays.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { mx } from "./setup.js";

export interface Enc { shape: number[]; data: number[] }

export const fixtures = JSON.parse(
  readFileSync(fileURLToPath(new URL("./fixtures/nn_reference.json", import.meta.url)), "utf8"),
) as { layers: Record<string, any>; activations: Record<string, Enc>; losses: Record<string, any> };

/** A float64 array (or int32 with `int`) from an encoded fixture. */
export function arr(e: Enc, int = false): mx.Array {
  const flat = int ? Int32Array.from(e.data) : Float64Array.from(e.data);
  return mx.array(flat).reshape(e.shape);
}

/** `[name, array]` pairs for loadWeights. */
export const weightPairs = (w: Record<string, Enc>): [string, mx.Array][] =>
  Object.entries(w).map(([k, v]) => [k, arr(v)]);

/** Asserts `got` has the fixture's shape and values within rtol/atol. */
export function expectClose(got: mx.Array, want: Enc, tol = 1e-7): void {
  expect(got.shape).toEqual(want.shape);
  const g = Array.from(got.astype(mx.float64).dataSync() as Float64Array);
  expect(g.length).toBe(want.data.length);
  g.forEach((v, i) => {
    const w = want.data[i]!;
    if (Math.abs(v - w) > tol * (1 + Math.abs(w))) expect(v, `element ${i}`).toBeCloseTo(w, 12);
  });
}

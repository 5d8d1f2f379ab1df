// The ops sweep over elementwise ops (and the non-differentiable ones, whose gradients must be zero):
// grad vs finite differences, the jvp/vjp adjoint identity, vmap vs loops
// (see test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { elementwiseRows, zeroGradRows } from "./reference_sweep_rows.js";

describe("ops sweep: elementwise ops (and the non-differentiable ones, whose gradients must be zero)", () => {
  for (const row of [...elementwiseRows, ...zeroGradRows]) it(rowName(row), () => checkRow(row));
});

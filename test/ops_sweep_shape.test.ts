// The ops sweep over shape and indexing ops:
// grad vs finite differences, the jvp/vjp adjoint identity, vmap vs loops
// (see test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { shapeRows } from "./reference_sweep_rows.js";

describe("ops sweep: shape and indexing ops", () => {
  for (const row of [...shapeRows]) it(rowName(row), () => checkRow(row));
});

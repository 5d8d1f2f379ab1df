// The ops sweep over reductions, scans, sorting and normalisers:
// grad vs finite differences, the jvp/vjp adjoint identity, vmap vs loops
// (see test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { reduceRows } from "./reference_sweep_rows.js";

describe("ops sweep: reductions, scans, sorting and normalisers", () => {
  for (const row of [...reduceRows]) it(rowName(row), () => checkRow(row));
});

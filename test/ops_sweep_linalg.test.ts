// The ops sweep over linear algebra, convolutions and mx.fast:
// grad vs finite differences, the jvp/vjp adjoint identity, vmap vs loops
// (see test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { linalgRows } from "./reference_sweep_rows.js";

describe("ops sweep: linear algebra, convolutions and mx.fast", () => {
  for (const row of [...linalgRows]) it(rowName(row), () => checkRow(row));
});

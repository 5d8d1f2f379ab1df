// The ops sweep over linear algebra, convolutions, mx.fast and the random samplers with array arguments:
// grad vs finite differences, the jvp/vjp adjoint identity, vmap vs loops
// (see test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { linalgRows, randomRows } from "./reference_sweep_rows.js";

describe("ops sweep: linear algebra, convolutions, mx.fast and the random samplers with array arguments", () => {
  for (const row of [...linalgRows, ...randomRows]) it(rowName(row), () => checkRow(row));
});

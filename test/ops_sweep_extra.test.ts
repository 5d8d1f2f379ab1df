// The ops sweep over the MLX ops composed in TypeScript (ts/ops_extra/):
// grad vs finite differences, the jvp/vjp adjoint identity, vmap vs loops
// (see test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { extraRows } from "./reference_sweep_rows_extra.js";

describe("ops sweep: ops composed in TypeScript", () => {
  for (const row of extraRows) it(rowName(row), () => checkRow(row));
});

// The ops sweep over mx.linalg's differentiable ops: grad vs finite
// differences, the jvp/vjp adjoint identity, vmap vs loops (see
// test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { mxLinalgRows } from "./reference_sweep_rows_mx_linalg.js";

describe("ops sweep: mx.linalg", () => {
  for (const row of mxLinalgRows) it(rowName(row), () => checkRow(row));
});

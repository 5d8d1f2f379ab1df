// The ops sweep over issue 15's third batch (bitwise, quantized matmuls,
// matmul variants, layout ops, 3-D convolutions): grad vs finite
// differences, the jvp/vjp adjoint identity, vmap vs loops (see
// test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { batch3Rows } from "./reference_sweep_rows_batch3.js";

describe("ops sweep: issue 15's third batch", () => {
  for (const row of batch3Rows) it(rowName(row), () => checkRow(row));
});

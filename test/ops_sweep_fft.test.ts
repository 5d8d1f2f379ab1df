// The ops sweep over complex64 and mx.fft: grad vs finite differences, the
// jvp/vjp adjoint identity, vmap vs loops (see test/reference_sweep.ts).
import { describe, it } from "vitest";
import { checkRow, rowName } from "./reference_sweep.js";
import { fftRows } from "./reference_sweep_rows_fft.js";

describe("ops sweep: complex64 and mx.fft", () => {
  for (const row of fftRows) it(rowName(row), () => checkRow(row));
});

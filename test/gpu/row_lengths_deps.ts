// What row_lengths.ts uses, from vitest and the GPU setup: one import, so
// that the subgroup-free suite can set its environment before setup opens the GPU.
export { describe, it } from "vitest";
export { expectSame, mx, onBoth, values } from "./setup.js";

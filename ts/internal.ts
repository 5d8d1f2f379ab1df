// Hooks for webmx's own tests (exported as mx._internal, not part of the API):
// they switch host-dependent paths so one host can test all of them.
export { simulateNoAsyncContext, hasAsyncContext } from "./scope.js";
export { pressure, unownedArrays } from "./safety_net.js";

import { core } from "./runtime.js";
import { describe } from "./describe.js";
import { OpCodes, OpFamilies } from "./generated/boundary.js";

/** The TS op-code tables (generated from wasm/op_tables.def). */
export const opCodes = OpCodes;
export const opFamilies = OpFamilies;

/** C++'s names for `family`'s codes, in code order (wmx_op_names), or null for an unknown family. */
export function coreOpNames(family: string): string[] | null {
  if (typeof family !== "string") throw new Error(`[coreOpNames] family must be a string, got ${describe(family)}.`);
  const c = core();
  const text = c.withString(family, (p) => {
    const r = c.m._wmx_op_names(p);
    return r === 0 ? null : c.m.UTF8ToString(r);
  });
  return text === null ? null : text.split(",").slice(0, -1);
}

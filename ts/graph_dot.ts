// mx.exportToDot: a graph as Graphviz DOT text, as MLX's export_to_dot
// (which writes a file; here the text is returned, for the page, the
// console or a file as the host allows).

import { core } from "./runtime.js";
import { MxArray } from "./array.js";
import { leavesAs } from "./tree_walk.js";

/**
 * The graph computing the array leaves of `trees`, as DOT text: a node per
 * array still to compute (its primitive, device, dtype and shape) and per
 * evaluated array it reads. Shows where each op runs, and the ToDevice
 * copies between devices.
 */
export function exportToDot(...trees: unknown[]): string {
  const handles = leavesAs(trees, "export_to_dot")
    .filter((l): l is MxArray => l instanceof MxArray)
    .map((a) => a.handle);
  const c = core();
  const p = c.withInts(handles, (ptr, n) => c.m._wmx_graph_dot(ptr, n));
  if (p === 0) c.fail();
  return c.m.UTF8ToString(p);
}

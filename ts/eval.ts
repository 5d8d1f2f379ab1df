// mx.eval and mx.asyncEval: evaluate the array leaves of trees.

import { afterEval } from "./safety_net.js";
import { core } from "./runtime.js";
import { MxArray } from "./array.js";
import { leavesAs } from "./tree_walk.js";
import { evalWithReadback } from "./webgpu/readback.js";

/** Evaluates every mx.Array leaf of the given trees; other leaves are ignored. */
export function evaluate(...trees: unknown[]): void {
  const arrays = leavesAs(trees, "eval").filter((l): l is MxArray => l instanceof MxArray);
  if (arrays.length === 0) return;
  const c = core();
  c.check(c.withInts(arrays.map((a) => a.handle), (p, n) => c.m._wmx_eval(p, n)));
  const gpuError = c.gpu?.takeError();
  if (gpuError) throw gpuError;
  afterEval(); // evaluation is where memory grows: the safety net looks here
}

/**
 * Resolves once every array leaf of the trees is evaluated. With the threaded
 * build the work runs on the core's own thread and this thread stays free.
 */
export function asyncEval(...trees: unknown[]): Promise<void> {
  let handles: number[];
  try {
    handles = leavesAs(trees, "asyncEval")
      .filter((l): l is MxArray => l instanceof MxArray)
      .map((a) => a.handle);
  } catch (e) {
    return Promise.reject(e); // bad arguments: a rejection, as an async function gives
  }
  if (handles.length === 0) return Promise.resolve();
  // Inside a transformation the core refuses to start, and that throws here,
  // at the call (as MLX's async_eval does): a rejection nobody awaits inside
  // the traced function would end Node with an unhandled rejection.
  const c = core();
  if (c.gpu && c.check(c.withInts(handles, (p, n) => c.m._wmx_graph_uses_gpu(p, n))) === 1) {
    // GPU work is issued from this thread (the one that owns the GPUDevice), then read back.
    return evalWithReadback(c, handles).then(afterEval);
  }
  return c.evalAsync(handles).then(afterEval);
}

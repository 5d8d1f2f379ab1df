// nn.checkpoint: mx.checkpoint with respect to a module's trainable
// parameters too (MLX's nn.utils.checkpoint): under a gradient, the
// module's forward pass runs again in the backward pass instead of keeping
// its intermediates.

import { checkpoint as mxCheckpoint } from "../transforms.js";
import { describe } from "../describe.js";
import { Module, withoutKeep } from "./module.js";

/** `fn` (default: `module.forward`) checkpointed over the module's trainable parameters and fn's arguments. */
export function checkpoint<A extends any[], R>(module: Module, fn?: (...args: A) => R): (...args: A) => R {
  const tag = "nn.checkpoint";
  if (!(module instanceof Module)) throw new Error(`[${tag}] Expected an nn.Module, got ${describe(module)}.`);
  if (fn !== undefined && typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  const call = fn ?? ((...args: A) => module.forward(...args) as R);
  // Runs on tracers (again in the backward pass): they go into the module
  // for the call and the module's own arrays come back after it.
  const inner = (params: Record<string, unknown>, ...args: A): R => {
    const own = module.trainableParameters();
    withoutKeep(() => module.update(params));
    try {
      return call(...args);
    } finally {
      withoutKeep(() => module.update(own));
    }
  };
  const checkpointed = mxCheckpoint(inner);
  return (...args: A): R => checkpointed(module.trainableParameters(), ...args) as R;
}

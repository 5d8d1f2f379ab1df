// nn.valueAndGrad: mx.valueAndGrad with respect to a model's trainable
// parameters (MLX's nn.value_and_grad).

import { valueAndGrad as mxValueAndGrad } from "../transforms.js";
import { describe } from "../describe.js";
import { Module, withoutKeep } from "./module.js";

/**
 * `fn` (which calls `model`) as a function returning `[value, grads]`, the
 * gradients a tree like `model.trainableParameters()`.
 */
export function valueAndGrad<A extends any[], R>(model: Module, fn: (...args: A) => R): (...args: A) => [R, Record<string, any>] {
  const tag = "nn.valueAndGrad";
  if (!(model instanceof Module)) throw new Error(`[${tag}] Expected an nn.Module, got ${describe(model)}.`);
  if (typeof fn !== "function") throw new Error(`[${tag}] Expected a function, got ${describe(fn)}.`);
  // The tracers go into the model for fn to use; they belong to the transform.
  const inner = (params: Record<string, unknown>, ...args: A) => {
    withoutKeep(() => model.update(params));
    return fn(...args);
  };
  const vg = mxValueAndGrad(inner);
  const wrapped = (...args: A): [R, Record<string, any>] => {
    const params = model.trainableParameters();
    try {
      return vg(params, ...args) as [R, Record<string, any>];
    } finally {
      // The tracers are freed when the transform ends: put the parameters back.
      withoutKeep(() => model.update(params));
    }
  };
  Object.defineProperty(wrapped, "name", { value: fn.name });
  return wrapped;
}

// clipGradNorm (MLX's optimizers.clip_grad_norm): scales a tree of gradients
// so that their global L2 norm is at most maxNorm.

import { MxArray } from "../array.js";
import { add, divide, minimum, multiply, sqrt, square } from "../elementwise.js";
import { array } from "../creation.js";
import { sum } from "../reduce_ops.js";
import { float32 } from "../dtype.js";
import { tidy } from "../transforms.js";
import { leavesAs } from "../tree_walk.js";
import { map } from "../tree.js";
import { describe } from "../describe.js";

/**
 * `[clipped, totalNorm]`: the gradients times min(maxNorm / (‖g‖ + 1e-6), 1),
 * and ‖g‖, the L2 norm of all gradient entries together (a scalar array).
 */
export function clipGradNorm<T>(grads: T, maxNorm: number): [T, MxArray] {
  const tag = "optimizers.clipGradNorm";
  if (typeof maxNorm !== "number" || Number.isNaN(maxNorm)) throw new Error(`[${tag}] maxNorm must be a number, got ${describe(maxNorm)}.`);
  if (maxNorm < 0) throw new Error(`[${tag}] maxNorm should be >=0, ${maxNorm} was provided instead.`);
  const leaves = leavesAs(grads, tag);
  leaves.forEach((g) => {
    if (!(g instanceof MxArray)) throw new Error(`[${tag}] The gradients must be a tree of mx.Arrays, but one leaf is ${describe(g)}.`);
  });
  return tidy(() => {
    let normSquared: MxArray | null = null;
    for (const g of leaves as MxArray[]) {
      const s = sum(square(g));
      normSquared = normSquared ? add(normSquared, s) : s;
    }
    const totalNorm = sqrt(normSquared ?? array(0, float32));
    const normalizer = minimum(divide(maxNorm, add(totalNorm, 1e-6)), 1);
    const clipped = map((g) => multiply(g as MxArray, normalizer), grads) as unknown as T;
    return [clipped, totalNorm] as [T, MxArray];
  });
}

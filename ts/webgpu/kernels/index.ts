// Every kernel family of the WebGPU backend, and the op each one runs: the
// backend asks them in order which one has a kernel for an (op, dtypes).

import type { Dispatch, KernelCall, KernelFamily, KernelPlan } from "../dispatch_types.js";
import { arangeKernel, supportsArange } from "./arange.js";
import { axisPlan, supportsAxis } from "./axis.js";
import { convKernel, supportsConv } from "./conv.js";
import { elementwiseKernel, supportsElementwise } from "./elementwise.js";
import { fusedKernel, supportsFused } from "./fused.js";
import { indexingPlan, supportsIndexing } from "./indexing.js";
import { matmulKernel, supportsMatmul } from "./matmul.js";
import { normsPlan, supportsNorms } from "./norms.js";
import { quantizedKernel, supportsQuantized } from "./quantized.js";
import { randomBitsKernel, supportsRandom } from "./random.js";
import { reduceKernel, supportsReduce } from "./reduce.js";
import { regionsPlan, supportsRegions } from "./regions.js";
import { rowsPlan, supportsRows } from "./rows.js";
import { sortPlan, supportsSort } from "./sort.js";

export const KERNEL_FAMILIES: readonly KernelFamily[] = [
  { supports: supportsElementwise, plan: elementwiseKernel },
  { supports: supportsFused, plan: fusedKernel },
  { supports: supportsReduce, plan: reduceKernel },
  { supports: supportsMatmul, plan: matmulKernel },
  { supports: supportsRows, plan: rowsPlan },
  { supports: supportsNorms, plan: normsPlan },
  { supports: supportsAxis, plan: axisPlan },
  { supports: supportsIndexing, plan: indexingPlan },
  { supports: supportsRegions, plan: regionsPlan },
  { supports: supportsRandom, plan: randomBitsKernel },
  { supports: supportsSort, plan: sortPlan },
  { supports: supportsConv, plan: convKernel },
  { supports: supportsQuantized, plan: quantizedKernel },
  { supports: supportsArange, plan: arangeKernel },
];

/** The kernels for one dispatch, as a plan. */
export function planFor(d: Dispatch): KernelPlan {
  const ins = d.inputs.map((o) => o.dtype), outs = d.outputs.map((o) => o.dtype);
  const family = KERNEL_FAMILIES.find((f) => f.supports(d.op, ins, outs));
  if (!family) throw new Error(`[gpu] No kernel for ${d.op}.`);
  const p: KernelCall | KernelPlan = family.plan(d);
  return "stages" in p ? p : { stages: [p], scratch: [] };
}

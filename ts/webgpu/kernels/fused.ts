// Fused: a chain of float32 elementwise primitives that compile merged into
// one node (core/primitives/fused.h) becomes one generated kernel, so the
// chain reads its inputs once and writes its result once, with every
// intermediate in registers. The source is cached per (steps, layouts).
//
// The node's state names the chain: "steps" is "Op a b;Op a;..." where an
// argument below `inputs` is that input and one above is an earlier step's
// result; the last step is the output. Inputs arrive at their own shapes
// and broadcast into the output's (the fused node reads through the
// broadcasts compile folded into it).

import type { Dispatch, KernelCall, Operand } from "../dispatch_types.js";
import { DtypeCodes } from "../../generated/boundary.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";
import { elementwiseCall, fusedStep } from "./elementwise.js";

/**
 * Any chain of float32 output: whether each step has an expression is
 * decided by the core before it fuses (it asks for the step's own kernel),
 * and an unread input (a shape donor) may have any GPU dtype.
 */
export function supportsFused(op: string, inputs: number[], outputs: number[]): boolean {
  return op === "Fused" && outputs.length === 1 && outputs[0] === DtypeCodes.float32 && inputs.every((c) => gpuDtypes.has(c));
}

interface Step { op: string; args: number[] }

function parseSteps(state: Dispatch["state"]): Step[] {
  const text = state["steps"];
  if (typeof text !== "string" || !text) throw new Error("[gpu] A fused node without steps.");
  return text.split(";").map((s) => {
    const [op, ...args] = s.split(" ");
    return { op: op!, args: args.map(Number) };
  });
}

/** The operand read through broadcast strides into `shape` (its dims right-aligned). */
function broadcastInto(o: Operand, shape: readonly number[]): Operand {
  const diff = shape.length - o.shape.length;
  const strides = shape.map((_, d) => (d < diff || o.shape[d - diff] === 1 ? 0 : o.strides[d - diff]!));
  return { ...o, shape: [...shape], strides };
}

export function fusedKernel(d: Dispatch): KernelCall {
  const output = d.outputs[0]!;
  const steps = parseSteps(d.state);
  const inputs = d.inputs.map((o) => broadcastInto(o, output.shape));
  const nIn = inputs.length;
  const read = new Set(steps.flatMap((s) => s.args.filter((a) => a < nIn)));
  // An unread input doesn't make the chain strided (nor is it loaded).
  const laidOut = inputs.map((o, k) => (read.has(k) ? o : { ...o, strides: o.strides.map(() => 0), offset: 0 }));
  const body = (load: (k: number) => string) => {
    let s = [...read].map((k) => `let i${k} = ${load(k)};`).join("\n    ");
    const name = (a: number) => (a < nIn ? `i${a}` : `s${a - nIn}`);
    steps.forEach((st, j) => {
      const target = j === steps.length - 1 ? "v" : `s${j}`;
      const code = fusedStep(st.op, st.args.map(name), target);
      if (code === undefined) throw new Error(`[gpu] No fused kernel step for ${st.op}.`);
      s += `\n    ${j === steps.length - 1 ? "" : `var s${j}: f32;\n    `}${code}`;
    });
    return s;
  };
  // Every read input is float32 (an unread one is never loaded).
  const f32 = laidOut.map(() => gpuDtype(DtypeCodes.float32));
  return elementwiseCall(`fused|${d.state["steps"]}`, d.inputs, laidOut, f32, output, output.shape, body);
}

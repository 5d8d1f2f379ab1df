// Learning-rate schedules (MLX's optimizers.schedulers): functions of the
// optimizer's step, passed where a learning rate goes
// (`new optimizers.SGD({learningRate: optimizers.cosineDecay(0.1, 1000)})`).

import type { ArrayOrScalar } from "../array.js";
import { MxArray } from "../array.js";
import { add, less, maximum, minimum, multiply, subtract, cos, where, floorDivide, power } from "../elementwise.js";
import { array } from "../creation.js";
import { optionsArg } from "../args.js";
import { float32 } from "../dtype.js";
import { tidy } from "../transforms.js";
import { describe } from "../describe.js";

/** A schedule: the value at a step (an integer array, or a JS number). */
export type ScheduleFn = (step: ArrayOrScalar) => MxArray;

function numArg(v: unknown, name: string, tag: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`[${tag}] ${name} must be a finite number, got ${describe(v)}.`);
  return v;
}
function stepsArg(v: unknown, name: string, tag: string): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) throw new Error(`[${tag}] ${name} must be an integer greater than 0, but got ${describe(v)}.`);
  return v;
}

/** `init · decayRate^step`. */
export function exponentialDecay(init: number, decayRate: number): ScheduleFn {
  const tag = "optimizers.exponentialDecay";
  numArg(init, "init", tag);
  numArg(decayRate, "decayRate", tag);
  return (step) => tidy(() => multiply(init, power(decayRate, step)));
}

/** `init · decayRate^⌊step / stepSize⌋`. */
export function stepDecay(init: number, decayRate: number, stepSize: number): ScheduleFn {
  const tag = "optimizers.stepDecay";
  numArg(init, "init", tag);
  numArg(decayRate, "decayRate", tag);
  stepsArg(stepSize, "stepSize", tag);
  return (step) => tidy(() => multiply(init, power(decayRate, floorDivide(step, stepSize))));
}

/** From `init` to `end` along half a cosine over `decaySteps` steps, then `end`. */
export function cosineDecay(init: number, decaySteps: number, options?: { end?: number }): ScheduleFn {
  const tag = "optimizers.cosineDecay";
  numArg(init, "init", tag);
  stepsArg(decaySteps, "decaySteps", tag);
  const end = optionsArg<{ end: number }>(options, tag, ["end"]).end ?? 0;
  numArg(end, "end", tag);
  return (step) =>
    tidy(() => {
      const s = minimum(step, decaySteps);
      const decay = multiply(0.5, add(1, cos(multiply(Math.PI / decaySteps, s))));
      return add(end, multiply(decay, init - end));
    });
}

/** From `init` to `end` linearly over `steps` steps, then `end`. */
export function linearSchedule(init: number, end: number, steps: number): ScheduleFn {
  const tag = "optimizers.linearSchedule";
  numArg(init, "init", tag);
  numArg(end, "end", tag);
  stepsArg(steps, "steps", tag);
  return (step) => tidy(() => add(multiply(minimum(step, steps), (end - init) / steps), init));
}

/**
 * `schedules[0]` until `boundaries[0]`, then `schedules[1]` counting steps
 * from that boundary, and so on.
 */
export function joinSchedules(schedules: ScheduleFn[], boundaries: number[]): ScheduleFn {
  const tag = "optimizers.joinSchedules";
  if (!Array.isArray(schedules) || schedules.length === 0) throw new Error(`[${tag}] Must provide at least 1 schedule to join.`);
  if (!schedules.every((s) => typeof s === "function")) throw new Error(`[${tag}] Every schedule must be a function of the step.`);
  if (!Array.isArray(boundaries) || !boundaries.every((b) => typeof b === "number" && Number.isInteger(b)))
    throw new Error(`[${tag}] boundaries must be a list of integers, got ${describe(boundaries)}.`);
  if (schedules.length !== boundaries.length + 1)
    throw new Error(`[${tag}] Received ${boundaries.length} boundaries but expected ${schedules.length - 1}.`);
  return (step) =>
    tidy(() => {
      let out = asArray(schedules[0]!(step));
      boundaries.forEach((b, i) => {
        // The step relative to the boundary, kept at 0 below it (an unsigned
        // step would wrap around; where() picks the earlier value there anyway).
        const since = subtract(maximum(step, b), b);
        out = where(less(step, b), out, asArray(schedules[i + 1]!(since)));
      });
      return out;
    });
}

function asArray(v: unknown): MxArray {
  if (v instanceof MxArray) return v;
  if (typeof v === "number") return array(v, float32);
  throw new Error(`[optimizers.joinSchedules] A schedule returned ${describe(v)}, not an mx.Array or a number.`);
}

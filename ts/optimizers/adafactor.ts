// Adafactor (MLX's optimizers.Adafactor): second moments factored into row
// and column averages for parameters with 2 or more dimensions, a relative
// step size, update clipping, optional first moment.

import type { MxArray } from "../array.js";
import { add, divide, maximum, minimum, multiply, subtract, rsqrt, sqrt, square, zerosLike, power } from "../elementwise.js";
import { expandDims } from "../shape_ops.js";
import { mean } from "../reduce_ops.js";
import { zeros } from "../creation.js";
import { describe } from "../describe.js";
import { num, Optimizer, splitArgs, type ParamState, type Scheduled } from "./optimizer.js";

export interface AdafactorOptions {
  /** A fixed or scheduled rate; ignored while relativeStep is true (default none). */
  learningRate?: Scheduled;
  /** [ε1 added to g², ε2 the least parameter scale] (default [1e-30, 1e-3]). */
  eps?: [number, number];
  /** The update's RMS is clipped to this (default 1). */
  clipThreshold?: number;
  /** β2 = 1 - t^decayRate (default -0.8). */
  decayRate?: number;
  /** First-moment decay; none (default null) keeps no first moment. */
  beta1?: number | null;
  /** Weight decay λ (default 0). */
  weightDecay?: number;
  /** Scale the step by max(ε2, RMS(w)) (default true). */
  scaleParameter?: boolean;
  /** Use the relative step min(1e-2, 1/√t) instead of learningRate (default true). */
  relativeStep?: boolean;
  /** With relativeStep: min(1e-6·t, 1/√t) (default false). */
  warmupInit?: boolean;
}

const KEYS = ["eps", "clipThreshold", "decayRate", "beta1", "weightDecay", "scaleParameter", "relativeStep", "warmupInit"] as const;

function boolOpt(v: unknown, name: string, tag: string, dflt: boolean): boolean {
  if (v === undefined) return dflt;
  if (typeof v !== "boolean") throw new Error(`[${tag}] ${name} must be a boolean, got ${describe(v)}.`);
  return v;
}

const rms = (x: MxArray) => sqrt(mean(square(x)));

export class Adafactor extends Optimizer {
  readonly eps: [number, number];
  readonly clipThreshold: number;
  readonly decayRate: number;
  readonly beta1: number | null;
  readonly weightDecay: number;
  readonly scaleParameter: boolean;
  readonly relativeStep: boolean;
  readonly warmupInit: boolean;

  constructor(learningRate?: Scheduled | AdafactorOptions | null, options?: Omit<AdafactorOptions, "learningRate">) {
    super("optimizers.Adafactor");
    const [lr, o] = splitArgs<AdafactorOptions>(this.tag, learningRate ?? undefined, options, KEYS, false);
    if (o.eps === undefined) this.eps = [1e-30, 1e-3];
    else if (Array.isArray(o.eps) && o.eps.length === 2 && o.eps.every((e) => typeof e === "number")) this.eps = [o.eps[0], o.eps[1]];
    else throw new Error(`[${this.tag}] eps must be a list of two numbers, got ${describe(o.eps)}.`);
    this.clipThreshold = num(o.clipThreshold, "clipThreshold", this.tag, 1);
    this.decayRate = num(o.decayRate, "decayRate", this.tag, -0.8);
    this.beta1 = o.beta1 === undefined || o.beta1 === null ? null : num(o.beta1, "beta1", this.tag, 0);
    this.weightDecay = num(o.weightDecay, "weightDecay", this.tag, 0);
    this.scaleParameter = boolOpt(o.scaleParameter, "scaleParameter", this.tag, true);
    this.relativeStep = boolOpt(o.relativeStep, "relativeStep", this.tag, true);
    this.warmupInit = boolOpt(o.warmupInit, "warmupInit", this.tag, false);
    if (lr !== undefined) this.maybeSchedule("learning_rate", lr);
    else if (!this.relativeStep) throw new Error(`[${this.tag}] Without relativeStep a learningRate is required.`);
  }

  protected initSingle(parameter: MxArray, state: ParamState): void {
    if (parameter.ndim >= 2) {
      const shape = parameter.shape;
      state.exp_avg_sq_row = zeros(shape.slice(0, -1), parameter.dtype);
      state.exp_avg_sq_col = zeros([...shape.slice(0, -2), shape[shape.length - 1]!], parameter.dtype);
    } else {
      state.exp_avg_sq = zerosLike(parameter);
    }
    if (this.beta1 !== null) state.exp_avg = zerosLike(parameter);
  }

  private computeLearningRate(step: MxArray, parameterRms: MxArray): MxArray {
    let relative: MxArray;
    if (this.relativeStep) {
      const minStep = this.warmupInit ? multiply(1e-6, step) : 1e-2;
      relative = minimum(minStep, rsqrt(step));
    } else {
      relative = this.learningRate;
    }
    relative = relative.astype(parameterRms.dtype);
    if (!this.scaleParameter) return relative;
    return multiply(maximum(this.eps[1], parameterRms), relative);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const factored = gradient.ndim >= 2;
    // The step as float32: rsqrt and powers of an integer step are float math.
    const step = this.step.astype("float32");
    const parameterRms = rms(parameter);
    const lr = this.computeLearningRate(step, parameterRms);
    const beta2 = subtract(1, power(step, this.decayRate).astype(parameterRms.dtype));
    let update = add(square(gradient), this.eps[0]);
    if (factored) {
      const row = add(multiply(beta2, state.exp_avg_sq_row!), multiply(subtract(1, beta2), mean(update, -1)));
      const col = add(multiply(beta2, state.exp_avg_sq_col!), multiply(subtract(1, beta2), mean(update, -2)));
      state.exp_avg_sq_row = row;
      state.exp_avg_sq_col = col;
      const rFactor = rsqrt(divide(row, mean(row, -1, true)));
      const cFactor = rsqrt(col);
      update = multiply(multiply(expandDims(rFactor, -1), expandDims(cFactor, -2)), gradient);
    } else {
      const sq = add(multiply(beta2, state.exp_avg_sq!), multiply(subtract(1, beta2), update));
      state.exp_avg_sq = sq;
      update = multiply(rsqrt(sq), gradient);
    }
    update = divide(update, maximum(1, divide(rms(update), this.clipThreshold)));
    update = multiply(lr, update);
    if (this.beta1 !== null) {
      const avg = add(multiply(this.beta1, state.exp_avg!), multiply(1 - this.beta1, update));
      state.exp_avg = avg;
      update = avg;
    }
    let p = parameter;
    if (this.weightDecay !== 0) p = add(p, multiply(p, multiply(-this.weightDecay, lr)));
    return subtract(p, update);
  }
}

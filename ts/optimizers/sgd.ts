// SGD with momentum, dampening, Nesterov momentum and L2 weight decay (MLX's optimizers.SGD).

import type { MxArray } from "../array.js";
import { add, multiply, subtract, zerosLike } from "../elementwise.js";
import { num, Optimizer, splitArgs, type ParamState, type Scheduled } from "./optimizer.js";

export interface SGDOptions {
  learningRate?: Scheduled;
  /** Momentum strength μ (default 0: plain SGD). */
  momentum?: number;
  /** L2 penalty added to the gradient (default 0). */
  weightDecay?: number;
  /** Dampening τ of the momentum (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and no dampening). */
  nesterov?: boolean;
}

const KEYS = ["momentum", "weightDecay", "dampening", "nesterov"] as const;

export class SGD extends Optimizer {
  readonly momentum: number;
  readonly weightDecay: number;
  readonly dampening: number;
  readonly nesterov: boolean;

  constructor(learningRate: Scheduled | SGDOptions, options?: Omit<SGDOptions, "learningRate">) {
    super("optimizers.SGD");
    const [lr, o] = splitArgs<SGDOptions>(this.tag, learningRate, options, KEYS);
    this.momentum = num(o.momentum, "momentum", this.tag, 0);
    this.weightDecay = num(o.weightDecay, "weightDecay", this.tag, 0);
    this.dampening = num(o.dampening, "dampening", this.tag, 0);
    if (o.nesterov !== undefined && typeof o.nesterov !== "boolean") throw new Error(`[${this.tag}] nesterov must be a boolean.`);
    this.nesterov = o.nesterov ?? false;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0))
      throw new Error(`[${this.tag}] Nesterov momentum requires a momentum and zero dampening.`);
    this.maybeSchedule("learning_rate", lr!);
  }

  protected initSingle(parameter: MxArray, state: ParamState): void {
    state.v = zerosLike(parameter);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    let g = gradient;
    if (this.weightDecay !== 0) g = add(g, multiply(this.weightDecay, parameter));
    const lr = this.lrLike(g);
    if (this.momentum <= 0) return subtract(parameter, multiply(lr, g));
    let v = multiply(this.momentum, state.v!);
    v = add(v, this.dampening > 0 ? multiply(1 - this.dampening, g) : g);
    const step = this.nesterov ? add(g, multiply(this.momentum, v)) : v;
    state.v = v;
    return subtract(parameter, multiply(lr, step));
  }
}

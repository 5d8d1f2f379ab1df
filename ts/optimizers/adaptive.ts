// The per-coordinate adaptive optimizers without momentum: RMSprop, Adagrad
// and AdaDelta (MLX's update rules and defaults).

import type { MxArray } from "../array.js";
import { add, divide, multiply, subtract, sqrt, square, zerosLike } from "../elementwise.js";
import { num, Optimizer, splitArgs, type ParamState, type Scheduled } from "./optimizer.js";

export interface RMSpropOptions {
  learningRate?: Scheduled;
  /** Smoothing constant α (default 0.99). */
  alpha?: number;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
}

/** v ← αv + (1-α)g²;  w ← w - λ g / (√v + ε). */
export class RMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;

  constructor(learningRate: Scheduled | RMSpropOptions, options?: Omit<RMSpropOptions, "learningRate">) {
    super("optimizers.RMSprop");
    const [lr, o] = splitArgs<RMSpropOptions>(this.tag, learningRate, options, ["alpha", "eps"]);
    this.alpha = num(o.alpha, "alpha", this.tag, 0.99);
    this.eps = num(o.eps, "eps", this.tag, 1e-8);
    if (this.alpha < 0) throw new Error(`[${this.tag}] alpha should be >=0, ${this.alpha} was provided instead.`);
    if (this.eps <= 0) throw new Error(`[${this.tag}] epsilon should be >0, ${this.eps} was provided instead.`);
    this.maybeSchedule("learning_rate", lr!);
  }

  protected initSingle(parameter: MxArray, state: ParamState): void {
    state.v = zerosLike(parameter);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const lr = this.lrLike(gradient);
    const v = add(multiply(this.alpha, state.v!), multiply(1 - this.alpha, square(gradient)));
    state.v = v;
    return subtract(parameter, divide(multiply(lr, gradient), add(sqrt(v), this.eps)));
  }
}

export interface AdagradOptions {
  learningRate?: Scheduled;
  /** Added to the denominator (default 1e-8). */
  eps?: number;
}

/** v ← v + g²;  w ← w - λ g / (√v + ε). */
export class Adagrad extends Optimizer {
  readonly eps: number;

  constructor(learningRate: Scheduled | AdagradOptions, options?: Omit<AdagradOptions, "learningRate">) {
    super("optimizers.Adagrad");
    const [lr, o] = splitArgs<AdagradOptions>(this.tag, learningRate, options, ["eps"]);
    this.eps = num(o.eps, "eps", this.tag, 1e-8);
    if (this.eps <= 0) throw new Error(`[${this.tag}] epsilon should be >0, ${this.eps} was provided instead.`);
    this.maybeSchedule("learning_rate", lr!);
  }

  protected initSingle(parameter: MxArray, state: ParamState): void {
    state.v = zerosLike(parameter);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const lr = this.lrLike(gradient);
    const v = add(state.v!, square(gradient));
    state.v = v;
    return subtract(parameter, divide(multiply(lr, gradient), add(sqrt(v), this.eps)));
  }
}

export interface AdaDeltaOptions {
  learningRate?: Scheduled;
  /** Decay ρ of the running averages (default 0.9). */
  rho?: number;
  /** Added inside the square roots (default 1e-6). */
  eps?: number;
}

/** v ← ρv + (1-ρ)g²;  Δ = √(u+ε)/√(v+ε) g;  u ← ρu + (1-ρ)Δ²;  w ← w - λΔ. */
export class AdaDelta extends Optimizer {
  readonly rho: number;
  readonly eps: number;

  constructor(learningRate: Scheduled | AdaDeltaOptions, options?: Omit<AdaDeltaOptions, "learningRate">) {
    super("optimizers.AdaDelta");
    const [lr, o] = splitArgs<AdaDeltaOptions>(this.tag, learningRate, options, ["rho", "eps"]);
    this.rho = num(o.rho, "rho", this.tag, 0.9);
    this.eps = num(o.eps, "eps", this.tag, 1e-6);
    if (this.rho < 0) throw new Error(`[${this.tag}] rho should be >=0, ${this.rho} was provided instead.`);
    if (this.eps <= 0) throw new Error(`[${this.tag}] epsilon should be >0, ${this.eps} was provided instead.`);
    this.maybeSchedule("learning_rate", lr!);
  }

  protected initSingle(parameter: MxArray, state: ParamState): void {
    state.v = zerosLike(parameter);
    state.u = zerosLike(parameter);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const lr = this.lrLike(gradient);
    const v = add(multiply(this.rho, state.v!), multiply(1 - this.rho, square(gradient)));
    const d = multiply(divide(sqrt(add(state.u!, this.eps)), sqrt(add(v, this.eps))), gradient);
    const u = add(multiply(this.rho, state.u!), multiply(1 - this.rho, square(d)));
    state.v = v;
    state.u = u;
    return subtract(parameter, multiply(lr, d));
  }
}

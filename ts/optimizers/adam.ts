// Adam and its relatives with first and second moments: Adam, AdamW
// (decoupled weight decay) and Adamax (infinity norm). MLX's rules: no bias
// correction unless `biasCorrection: true`.

import type { MxArray } from "../array.js";
import { add, divide, maximum, multiply, subtract, abs, rsqrt, sqrt, square, zerosLike, power } from "../elementwise.js";
import { betasArg, num, Optimizer, splitArgs, type ParamState, type Scheduled } from "./optimizer.js";

export interface AdamOptions {
  learningRate?: Scheduled;
  /** [β1, β2] of the running averages of g and g² (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Divide the moments by 1-β^t (default false, as MLX). */
  biasCorrection?: boolean;
}
export interface AdamWOptions extends AdamOptions {
  /** Decoupled weight decay λ: w ← w(1 - ηλ) before the Adam step (default 0.01). */
  weightDecay?: number;
}

function boolOpt(v: unknown, name: string, tag: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== "boolean") throw new Error(`[${tag}] ${name} must be a boolean.`);
  return v;
}

/** m ← β1 m + (1-β1)g;  v ← β2 v + (1-β2)g²;  w ← w - λ m / (√v + ε). */
export class Adam extends Optimizer {
  static readonly tagName: string = "optimizers.Adam";
  readonly betas: [number, number];
  readonly eps: number;
  readonly biasCorrection: boolean;
  /** @internal the options this class accepts besides learningRate */
  protected static readonly optionKeys: readonly string[] = ["betas", "eps", "biasCorrection"];

  constructor(learningRate: Scheduled | AdamOptions, options?: Omit<AdamOptions, "learningRate">) {
    const cls = new.target as unknown as typeof Adam;
    super(cls.tagName);
    const [lr, o] = splitArgs<AdamWOptions>(this.tag, learningRate, options, cls.optionKeys as (keyof AdamWOptions & string)[]);
    this.betas = betasArg(o.betas, this.tag, [0.9, 0.999]);
    this.eps = num(o.eps, "eps", this.tag, 1e-8);
    if (this.eps < 0) throw new Error(`[${this.tag}] epsilon should be >=0, ${this.eps} was provided instead.`);
    this.biasCorrection = boolOpt(o.biasCorrection, "biasCorrection", this.tag);
    this.readOptions(o);
    this.maybeSchedule("learning_rate", lr!);
  }

  /** @internal subclasses read their own options here (after the shared ones). */
  protected readOptions(_o: Partial<AdamWOptions>): void {}

  protected initSingle(parameter: MxArray, state: ParamState): void {
    state.m = zerosLike(parameter);
    state.v = zerosLike(parameter);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const lr = this.lrLike(gradient);
    const [b1, b2] = this.betas;
    const m = add(multiply(b1, state.m!), multiply(1 - b1, gradient));
    const v = add(multiply(b2, state.v!), multiply(1 - b2, square(gradient)));
    state.m = m;
    state.v = v;
    if (this.biasCorrection) {
      const c1 = divide(lr, subtract(1, power(b1, this.step))).astype(gradient.dtype);
      const c2 = rsqrt(subtract(1, power(b2, this.step))).astype(gradient.dtype);
      return subtract(parameter, divide(multiply(c1, m), add(multiply(sqrt(v), c2), this.eps)));
    }
    return subtract(parameter, divide(multiply(lr, m), add(sqrt(v), this.eps)));
  }
}

/** Adam with decoupled weight decay: w ← w(1 - λ·wd), then Adam's step. */
export class AdamW extends Adam {
  static override readonly tagName: string = "optimizers.AdamW";
  protected static override readonly optionKeys: readonly string[] = ["betas", "eps", "biasCorrection", "weightDecay"];
  // Assigned in readOptions, which the base constructor calls (a field
  // initializer here would run after it and reset the value).
  declare readonly weightDecay: number;

  constructor(learningRate: Scheduled | AdamWOptions, options?: Omit<AdamWOptions, "learningRate">) {
    super(learningRate, options);
  }

  protected override readOptions(o: Partial<AdamWOptions>): void {
    (this as { weightDecay: number }).weightDecay = num(o.weightDecay, "weightDecay", this.tag, 0.01);
  }

  protected override applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const lr = this.lrLike(gradient);
    return super.applySingle(gradient, multiply(parameter, subtract(1, multiply(lr, this.weightDecay))), state);
  }
}

export interface AdamaxOptions {
  learningRate?: Scheduled;
  /** [β1, β2] (default [0.9, 0.999]). */
  betas?: [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
}

/** m ← β1 m + (1-β1)g;  v ← max(β2 v, |g|);  w ← w - λ m / (v + ε). */
export class Adamax extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;

  constructor(learningRate: Scheduled | AdamaxOptions, options?: Omit<AdamaxOptions, "learningRate">) {
    super("optimizers.Adamax");
    const [lr, o] = splitArgs<AdamaxOptions>(this.tag, learningRate, options, ["betas", "eps"]);
    this.betas = betasArg(o.betas, this.tag, [0.9, 0.999]);
    this.eps = num(o.eps, "eps", this.tag, 1e-8);
    if (this.eps < 0) throw new Error(`[${this.tag}] epsilon should be >=0, ${this.eps} was provided instead.`);
    this.maybeSchedule("learning_rate", lr!);
  }

  protected initSingle(parameter: MxArray, state: ParamState): void {
    state.m = zerosLike(parameter);
    state.v = zerosLike(parameter);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const lr = this.lrLike(gradient);
    const [b1, b2] = this.betas;
    const m = add(multiply(b1, state.m!), multiply(1 - b1, gradient));
    const v = maximum(multiply(b2, state.v!), abs(gradient));
    state.m = m;
    state.v = v;
    return subtract(parameter, divide(multiply(lr, m), add(v, this.eps)));
  }
}

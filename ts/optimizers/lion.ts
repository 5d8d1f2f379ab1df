// Lion (MLX's optimizers.Lion): the sign of an interpolated momentum.

import type { MxArray } from "../array.js";
import { add, multiply, subtract, sign, zerosLike } from "../elementwise.js";
import { betasArg, num, Optimizer, splitArgs, type ParamState, type Scheduled } from "./optimizer.js";

export interface LionOptions {
  learningRate?: Scheduled;
  /** [β1, β2]: interpolation of the update direction, and decay of the momentum (default [0.9, 0.99]). */
  betas?: [number, number];
  /** Decoupled weight decay λ (default 0). */
  weightDecay?: number;
}

/** c = β1 m + (1-β1)g;  m ← β2 m + (1-β2)g;  w ← w(1 - ηλ) - η sign(c). */
export class Lion extends Optimizer {
  readonly betas: [number, number];
  readonly weightDecay: number;

  constructor(learningRate: Scheduled | LionOptions, options?: Omit<LionOptions, "learningRate">) {
    super("optimizers.Lion");
    const [lr, o] = splitArgs<LionOptions>(this.tag, learningRate, options, ["betas", "weightDecay"]);
    this.betas = betasArg(o.betas, this.tag, [0.9, 0.99]);
    this.weightDecay = num(o.weightDecay, "weightDecay", this.tag, 0);
    this.maybeSchedule("learning_rate", lr!);
  }

  protected initSingle(parameter: MxArray, state: ParamState): void {
    state.m = zerosLike(parameter);
  }

  protected applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray {
    const lr = this.lrLike(gradient);
    const [b1, b2] = this.betas;
    const m = state.m!;
    const c = add(multiply(b1, m), multiply(1 - b1, gradient));
    state.m = add(multiply(b2, m), multiply(1 - b2, gradient));
    let p = parameter;
    if (this.weightDecay > 0) p = multiply(subtract(1, multiply(lr, this.weightDecay)), p);
    return subtract(p, multiply(lr, sign(c)));
  }
}

// Sequential (MLX's nn/layers/containers.py).

import { describe } from "../../describe.js";
import { tidy } from "../../transforms.js";
import { Module } from "../module.js";

/** A module or a plain function of one argument (such as nn.relu). */
export type Layer = Module | ((x: any) => any);

/** Calls its layers in order, each on the previous one's output. */
export class Sequential extends Module {
  declare layers: Layer[];

  constructor(...modules: Layer[]) {
    super();
    modules.forEach((m, i) => {
      if (!(m instanceof Module) && typeof m !== "function")
        throw new Error(`[nn.Sequential] Layer ${i} must be an nn.Module or a function, got ${describe(m)}.`);
    });
    this.layers = [...modules];
  }

  /** The layers' intermediate outputs are freed; only the last one is returned. */
  override forward(x: any): any {
    return tidy(() => {
      for (const m of this.layers) x = m instanceof Module ? m.forward(x) : m(x);
      return x;
    });
  }
}

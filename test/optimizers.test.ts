// mx.optimizers against float64 numpy re-implementations of MLX's update
// rules (test/fixtures/optimizers/make_fixtures.py -> reference.json):
// parameters after each of 5 steps and the final state, under MLX's state
// names. Schedules and clipGradNorm against hand values; a compiled training
// step (grad + optimizer.update, state captured through compile's
// inputs/outputs) against the eager one; no arrays left behind.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const ref = JSON.parse(readFileSync(new URL("./fixtures/optimizers/reference.json", import.meta.url), "utf8"));
const opt = mx.optimizers as any;
const NAMES = Object.keys(ref.shapes) as string[];

const tree = (flat: Record<string, number[]>) =>
  mx.tidy(() => Object.fromEntries(NAMES.map((k) => [k, mx.array(flat[k]!).reshape(ref.shapes[k])])));
const vals = (a: any) => Array.from(a.dataSync() as Float32Array);

/** float32 arithmetic against a float64 reference: a few float32 ulps of the values involved. */
function expectClose(got: number[], want: number[], what: string, tol = 2e-5) {
  expect(got.length, what).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i]!;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w)))) expect.fail(`${what}[${i}]: got ${g}, expected ${w}`);
  });
}

function makeOptimizer(c: any) {
  const options = { ...c.options };
  if (c.schedule) {
    const [fn, ...args] = c.schedule;
    options.learningRate = opt[fn](...args);
  }
  return new opt[c.cls](options);
}

/** A stand-in for nn.Module: the interface optimizer.update() needs, parameters in one tree updated in place. */
function makeModel(params: Record<string, any>) {
  return {
    params,
    trainableParameters() {
      return this.params;
    },
    update(newParams: Record<string, any>) {
      for (const k of Object.keys(newParams)) {
        if (this.params[k] !== newParams[k]) this.params[k].dispose();
        this.params[k] = mx.keep(newParams[k]);
      }
    },
  };
}

describe("optimizers against a numpy reference of MLX's rules", () => {
  for (const c of ref.cases) {
    it(`${c.name}: parameters after each of ${ref.grads.length} steps, and the final state`, () => {
      const before = mx.memory().liveArrays;
      const o = makeOptimizer(c);
      const model = makeModel(tree(ref.params));
      ref.grads.forEach((g: Record<string, number[]>, t: number) => {
        const grads = tree(g);
        o.update(model, grads);
        mx.dispose(grads);
        for (const k of NAMES) expectClose(vals(model.params[k]), c.trajectory[t][k], `${c.name} step ${t + 1} ${k}`);
      });
      // MLX's state: step, learning_rate, and per parameter the same names.
      expect(o.state.step.dtype).toBe(mx.uint64);
      expect(o.state.step.item()).toBe(BigInt(ref.grads.length));
      for (const k of NAMES) {
        expect(Object.keys(o.state[k]).sort()).toEqual(Object.keys(c.state[k]).sort());
        for (const [n, v] of Object.entries(c.state[k]) as [string, number[]][])
          expectClose(vals(o.state[k][n]), v, `${c.name} state ${k}.${n}`, 1e-4);
      }
      mx.dispose([model.params, o.state]);
      expect(mx.memory().liveArrays).toBe(before);
    });
  }

  it("applyGradients follows the gradients' tree when the parameters are a superset, and init() sets up MLX's state", () => {
    const o = new opt.SGD(0.5, { momentum: 0.9 });
    const params = { layers: [{ weight: mx.array([1, 2]) }, { weight: mx.array([3]) }], frozen: mx.array([7]) };
    o.init({ layers: params.layers });
    expect(Object.keys(o.state).sort()).toEqual(["layers", "learning_rate", "step"]);
    expect(o.state.layers[1].weight.v.tolist()).toEqual([0]); // state mirrors the parameters' paths
    expect(o.learningRate.item()).toBe(0.5);
    const out = o.applyGradients({ layers: [{ weight: mx.array([1, 1]) }, { weight: mx.array([2]) }] }, params);
    expect(Object.keys(out)).toEqual(["layers"]);
    expect(out.layers[0].weight.tolist()).toEqual([0.5, 1.5]);
    expect(out.layers[1].weight.tolist()).toEqual([2]);
    expect(o.state.layers[0].weight.v.tolist()).toEqual([1, 1]);
    // Positional and options-object forms are the same optimizer.
    const a = new opt.Adam(0.01, { betas: [0.5, 0.6] });
    const b = new opt.Adam({ learningRate: 0.01, betas: [0.5, 0.6] });
    expect([a.betas, a.learningRate.item()]).toEqual([b.betas, b.learningRate.item()]);
    // The learning rate can be set; it is an array in the state (compile captures it).
    o.learningRate = 0.25;
    expect(o.state.learning_rate.item()).toBe(0.25);
  });

  it("keeps its state out of an enclosing tidy, and frees the state it replaces", () => {
    const o = new opt.Adam({ learningRate: 0.1 });
    const model = makeModel({ w: mx.array([1, 2, 3]) });
    const live0 = mx.memory().liveArrays;
    for (let i = 0; i < 3; ++i) mx.tidy(() => o.update(model, { w: mx.array([0.1, 0.2, 0.3]) }));
    expect(o.state.w.m.tolist().length).toBe(3); // survived the tidy
    const live1 = mx.memory().liveArrays;
    for (let i = 0; i < 5; ++i) mx.tidy(() => o.update(model, { w: mx.array([0.1, 0.2, 0.3]) }));
    expect(mx.memory().liveArrays).toBe(live1); // steady: old m, v, step replaced and freed
    expect(live1 - live0).toBe(3); // m, v, and step (made at the first update; learning_rate existed before)
    mx.dispose([model.params, o.state]);
  });

  it("keep float16 and bfloat16 parameters and state in their dtype, close to the float32 result", () => {
    for (const c of ref.cases) {
      for (const dt of [mx.float16, mx.bfloat16]) {
        const o = makeOptimizer(c);
        const params = mx.tidy(() => Object.fromEntries(NAMES.map((k) => [k, mx.array(ref.params[k]).reshape(ref.shapes[k]).astype(dt)])));
        const model = makeModel(params);
        const grads = mx.tidy(() => Object.fromEntries(NAMES.map((k) => [k, mx.array(ref.grads[0][k]).reshape(ref.shapes[k]).astype(dt)])));
        o.update(model, grads);
        for (const k of NAMES) {
          expect(model.params[k].dtype, `${c.name} ${k}`).toBe(dt);
          // One step in 16-bit floats: within a few ulps (2^-7 for bfloat16) of the reference.
          expectClose(vals(model.params[k]), c.trajectory[0][k], `${c.name} ${dt.name} ${k}`, dt === mx.bfloat16 ? 3e-2 : 4e-3);
          for (const v of Object.values(o.state[k]) as any[]) expect(v.dtype, `${c.name} state of ${k}`).toBe(dt);
        }
        mx.dispose([model.params, grads, o.state]);
      }
    }
  });

  it("state saved to safetensors and loaded into a new optimizer continues the same run (as MLX's tree_flatten/tree_unflatten recipe)", () => {
    const c = ref.cases.find((x: any) => x.name === "adam_cosine");
    const grads = ref.grads.map((g: Record<string, number[]>) => tree(g));
    const first = makeOptimizer(c);
    const model = makeModel(tree(ref.params));
    for (const g of grads.slice(0, 2)) first.update(model, g);
    const bytes = mx.saveSafetensors(null, Object.fromEntries(mx.utils.treeFlatten(first.state) as [string, any][]));
    mx.dispose(first.state);
    const live = mx.memory().liveArrays;
    const second = makeOptimizer(c);
    // Loaded inside a tidy: the optimizer takes ownership when its state is set.
    mx.tidy(() => {
      second.state = mx.utils.treeUnflatten(mx.load(bytes) as Record<string, any>);
    });
    expect(second.state.step.dtype).toBe(mx.uint64);
    expect(second.state.step.item()).toBe(2n);
    expect(mx.memory().liveArrays - live).toBe(mx.tree.leaves(second.state).length); // the constructor's learning_rate was freed
    for (const g of grads.slice(2)) second.update(model, g);
    for (const k of NAMES) expectClose(vals(model.params[k]), c.trajectory[ref.grads.length - 1][k], `resumed ${k}`);
    mx.dispose([grads, model.params, second.state]);
  });

  it("rejects bad options with the optimizer's tag", () => {
    expect(() => new opt.SGD({ learningRate: 0.1, nesterov: true })).toThrow("[optimizers.SGD] Nesterov momentum requires a momentum and zero dampening.");
    expect(() => new opt.SGD({ learningRate: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires/);
    expect(() => new opt.SGD({ momentum: 0.9 })).toThrow("[optimizers.SGD] learningRate is required.");
    expect(() => new opt.Adam({ learningRate: 0.1, beta: 0.9 })).toThrow(/^\[optimizers.Adam\] Unknown option 'beta'/);
    expect(() => new opt.Adam({ learningRate: 0.1, betas: [0.9, 1] })).toThrow("[optimizers.Adam] beta2 should be in [0, 1), 1 was provided instead.");
    expect(() => new opt.AdamW({ learningRate: 0.1, betas: [1.5, 0.9] })).toThrow(/^\[optimizers.AdamW\] beta1 should be in/);
    expect(() => new opt.Lion({ learningRate: 0.1, betas: [0.9] })).toThrow(/^\[optimizers.Lion\] betas must be a list of two numbers/);
    expect(() => new opt.RMSprop({ learningRate: 0.1, alpha: -1 })).toThrow(/^\[optimizers.RMSprop\] alpha should be >=0/);
    expect(() => new opt.Adagrad({ learningRate: 0.1, eps: 0 })).toThrow(/^\[optimizers.Adagrad\] epsilon should be >0/);
    expect(() => new opt.AdaDelta({ learningRate: 0.1, rho: -0.1 })).toThrow(/^\[optimizers.AdaDelta\] rho should be >=0/);
    expect(() => new opt.Adafactor({ relativeStep: false })).toThrow(/^\[optimizers.Adafactor\] Without relativeStep a learningRate is required/);
    expect(() => new opt.SGD({ learningRate: "fast" })).toThrow(/^\[optimizers.SGD\] learning_rate must be a number, an mx.Array or a schedule/);
    const o = new opt.SGD(0.1);
    expect(() => o.update({}, {})).toThrow(/^\[optimizers.SGD\] update\(model, gradients\) expects a model with trainableParameters\(\)/);
    expect(() => o.applyGradients({ w: mx.array([1]) }, { w: 3 })).toThrow(/^\[optimizers.SGD\] The parameter 'w' is number 3, not an mx.Array/);
    expect(() => o.applyGradients({ w: mx.array([1]) }, {})).toThrow(/^\[optimizers.SGD\] The trees do not have the same structure/);
    // Still usable after the errors.
    const out = o.applyGradients({ w: mx.array([1]) }, { w: mx.array([2]) });
    expect(out.w.tolist()).toEqual([1.899999976158142]);
  });
});

describe("a compiled training step", () => {
  // Least squares on a fixed batch: the gradients change every step, so the optimizer's state matters.
  const X = [0.5, -1, 2, 0.25, 1.5, -0.5, -2, 1, 0.75, 0.1, -0.3, 1.2];
  const Y = [1, -1, 0.5, 2];
  const loss = (p: any, x: any, y: any) => mx.matmul(x, p.w).add(p.b).sub(y).square().mean();
  const configs: [string, () => any][] = [
    ["SGD with nesterov momentum and weight decay", () => new opt.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
    ["Adam with bias correction", () => new opt.Adam({ learningRate: 0.05, biasCorrection: true })],
    ["AdamW on a cosine schedule", () => new opt.AdamW({ learningRate: opt.cosineDecay(0.1, 6, { end: 0.01 }) })],
    ["Lion on a joined warmup + step decay", () => new opt.Lion({ learningRate: opt.joinSchedules([opt.linearSchedule(0, 0.05, 2), opt.stepDecay(0.05, 0.5, 2)], [2]) })],
    ["Adafactor (factored 2-D and 1-D parameters)", () => new opt.Adafactor({ beta1: 0.9 })],
  ];
  for (const [name, make] of configs) {
    it(`${name}: compiled equals eager over 6 steps`, () => {
      const run = (compiled: boolean) => {
        const params = { w: mx.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]), b: mx.array([0.05, -0.05]) };
        const model = makeModel(params);
        const o = make();
        o.init(model.trainableParameters());
        const vg = mx.valueAndGrad(loss);
        const step = (x: any, y: any) => {
          const [l, grads] = vg(model.params, x, y);
          o.update(model, grads);
          return l;
        };
        const f = compiled ? mx.compile(step, { inputs: [model.params, o.state], outputs: [model.params, o.state] }) : step;
        const x = mx.array(X).reshape(4, 3);
        const y = mx.broadcastTo(mx.array(Y).reshape(4, 1), [4, 2]);
        const losses: number[] = [];
        for (let i = 0; i < 6; ++i) losses.push(mx.tidy(() => f(x, y).item() as number));
        const out = { losses, w: vals(model.params.w), b: vals(model.params.b), step: o.state.step.item(), lr: o.learningRate ? vals(o.learningRate) : [] };
        if (compiled) expect((f as any).traces.length).toBe(1);
        mx.dispose([model.params, o.state, x, y]);
        return out;
      };
      const eager = run(false);
      const compiled = run(true);
      expect(compiled.step).toBe(6n);
      expect(eager.losses[5]).toBeLessThan(eager.losses[0]!);
      expectClose(compiled.losses, eager.losses, "loss", 1e-5);
      expectClose(compiled.w, eager.w, "w", 1e-5);
      expectClose(compiled.b, eager.b, "b", 1e-5);
      expectClose(compiled.lr, eager.lr, "learning_rate", 1e-6);
    });
  }
});

describe("schedules", () => {
  const at = (s: any, step: number) => mx.tidy(() => s(mx.array(step, mx.uint64)).item() as number);
  const close = (got: number, want: number) => expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(want)));

  it("match their formulas at hand-picked steps", () => {
    const cos = opt.cosineDecay(0.1, 1000);
    close(at(cos, 0), 0.1);
    close(at(cos, 4), 0.1 * 0.5 * (1 + Math.cos((Math.PI * 4) / 1000))); // MLX's doc: 0.0999961 after 5 updates
    close(at(cos, 500), 0.05);
    close(at(cos, 2000), 0);
    const cosEnd = opt.cosineDecay(1, 10, { end: 0.5 });
    close(at(cosEnd, 10), 0.5);
    close(at(cosEnd, 5), 0.75);
    const exp = opt.exponentialDecay(0.1, 0.9);
    close(at(exp, 4), 0.06561); // MLX's doc, after 5 updates (a step's rate is taken before its increment)
    close(at(exp, 5), 0.059049);
    const step = opt.stepDecay(0.1, 0.9, 10);
    close(at(step, 9), 0.1);
    close(at(step, 20), 0.081); // MLX's doc, after 21 updates
    close(at(step, 30), 0.0729);
    const lin = opt.linearSchedule(0, 0.1, 100);
    close(at(lin, 0), 0);
    close(at(lin, 25), 0.025);
    close(at(lin, 101), 0.1);
    const joined = opt.joinSchedules([opt.linearSchedule(0, 0.1, 10), opt.cosineDecay(0.1, 200)], [10]);
    close(at(joined, 0), 0);
    close(at(joined, 5), 0.05);
    close(at(joined, 11), 0.1 * 0.5 * (1 + Math.cos(Math.PI / 200))); // MLX's doc: 0.0999938 after 12 updates
  });

  it("drive an optimizer's learning rate as in MLX (the value before each step's increment)", () => {
    const o = new opt.SGD({ learningRate: opt.exponentialDecay(0.1, 0.9) });
    expect(o.learningRate.item()).toBeCloseTo(0.1, 7);
    for (let i = 0; i < 5; ++i) o.update(makeModel({}), {});
    close(o.learningRate.item() as number, 0.1 * 0.9 ** 4);
    const s = new opt.SGD({ learningRate: opt.stepDecay(0.1, 0.9, 10) });
    for (let i = 0; i < 21; ++i) s.update(makeModel({}), {});
    close(s.learningRate.item() as number, 0.081);
  });

  it("reject bad arguments", () => {
    expect(() => opt.cosineDecay(0.1, 0)).toThrow(/^\[optimizers.cosineDecay\] decaySteps must be an integer greater than 0/);
    expect(() => opt.stepDecay(0.1, 0.9, 0)).toThrow(/^\[optimizers.stepDecay\] stepSize must be an integer greater than 0/);
    expect(() => opt.linearSchedule(0, 1, -1)).toThrow(/^\[optimizers.linearSchedule\] steps must be/);
    expect(() => opt.cosineDecay(0.1, 10, { final: 0 })).toThrow(/^\[optimizers.cosineDecay\] Unknown option 'final'/);
    expect(() => opt.joinSchedules([], [])).toThrow("[optimizers.joinSchedules] Must provide at least 1 schedule to join.");
    expect(() => opt.joinSchedules([opt.exponentialDecay(1, 0.5)], [3])).toThrow("[optimizers.joinSchedules] Received 1 boundaries but expected 0.");
  });
});

describe("clipGradNorm", () => {
  it("scales the whole tree by maxNorm / norm when the norm is larger, and returns the norm", () => {
    // ‖(3, 4, 12)‖ = 13.
    const grads = { a: mx.array([3, 4]), b: [mx.array([[12]])] };
    const [clipped, norm] = opt.clipGradNorm(grads, 6.5);
    expect(norm.item()).toBeCloseTo(13, 5);
    const s = 6.5 / (13 + 1e-6);
    expectClose(vals(clipped.a), [3 * s, 4 * s], "a", 1e-6);
    expectClose(vals(clipped.b[0]), [12 * s], "b", 1e-6);
    expect(clipped.b[0].shape).toEqual([1, 1]);
    // Below the limit: unchanged.
    const [same, n2] = opt.clipGradNorm(grads, 100);
    expect(vals(same.a)).toEqual([3, 4]);
    expect(n2.item()).toBeCloseTo(13, 5);
    expect(() => opt.clipGradNorm(grads, -1)).toThrow("[optimizers.clipGradNorm] maxNorm should be >=0, -1 was provided instead.");
    expect(() => opt.clipGradNorm({ a: 3 }, 1)).toThrow(/^\[optimizers.clipGradNorm\] The gradients must be a tree of mx.Arrays/);
    mx.dispose([grads, clipped, norm, same, n2]);
  });
});

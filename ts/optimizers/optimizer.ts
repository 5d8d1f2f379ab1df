// The base of mx.optimizers (MLX's mlx.optimizers.Optimizer): a tree of state
// arrays ({step, learning_rate, <one entry per parameter>}) updated in place,
// so that `mx.compile(step, {inputs: [params, opt.state], outputs: [params,
// opt.state]})` captures it. Each optimizer supplies initSingle (the state of
// one parameter) and applySingle (one parameter's update).
//
// Ownership: the optimizer owns its state arrays. A value it replaces is
// disposed at once, and a new one is kept (exempt from an enclosing tidy),
// except tracers: inside a transform or compile the state holds tracers that
// the transform owns and frees itself.

import { MxArray } from "../array.js";
import { uint64, float32 } from "../dtype.js";
import { add } from "../elementwise.js";
import { array } from "../creation.js";
import { optionsArg } from "../args.js";
import { core } from "../runtime.js";
import { keepArrays } from "../scope.js";
import { tidy } from "../transforms.js";
import { describe } from "../describe.js";
import { mapTree } from "../tree_map.js";
import { isNode, isPlainObject, leavesAs, setKey, walk } from "../tree_walk.js";

/** A tree of arrays: nested plain objects and JS arrays with mx.Array leaves. */
export type Tree = unknown;

/**
 * What `update(model, grads)` needs from a model: nn.Module provides it.
 * `trainableParameters()` returns the tree the gradients follow, and
 * `update(params)` replaces the model's parameters with the new ones.
 */
export interface Trainable {
  trainableParameters(): Tree;
  update(params: Tree): unknown;
}

/** A learning-rate schedule: the value at an optimizer step (an integer array). */
export type Schedule = (step: MxArray) => MxArray;

/** A hyperparameter that can follow a schedule. */
export type Scheduled = number | MxArray | Schedule;

/** One parameter's optimizer state (e.g. {m, v} for Adam). */
export type ParamState = Record<string, MxArray>;

const isTracer = (a: MxArray) => core().m._wmx_is_tracer(a.handle) === 1;

/** @internal keeps what the optimizer stores (not tracers: their transform owns them) */
export function own(a: MxArray): MxArray {
  if (!isTracer(a)) keepArrays([a]);
  return a;
}

/** @internal disposes a replaced state value, unless it is still stored elsewhere (`keep`) */
function disposeReplaced(old: unknown, now: unknown): void {
  if (old instanceof MxArray && old !== now) old.dispose();
}

/**
 * @internal `[lr, options]` from the two calling forms, `new SGD(0.1, {momentum})`
 * and `new SGD({learningRate: 0.1, momentum})`.
 */
export function splitArgs<O extends object>(
  tag: string,
  a: unknown,
  b: unknown,
  keys: readonly (keyof O & string)[],
  lrRequired = true,
): [Scheduled | undefined, Partial<O>] {
  if (isPlainObject(a)) {
    if (b !== undefined) throw new Error(`[${tag}] Pass the options once: either (learningRate, {options}) or ({learningRate, ...options}).`);
    const o = optionsArg<O & { learningRate?: Scheduled }>(a, tag, ["learningRate", ...keys] as any);
    const { learningRate, ...rest } = o as { learningRate?: Scheduled };
    if (learningRate === undefined && lrRequired) throw new Error(`[${tag}] learningRate is required.`);
    return [learningRate, rest as Partial<O>];
  }
  if (a === undefined && lrRequired) throw new Error(`[${tag}] learningRate is required.`);
  return [a as Scheduled | undefined, optionsArg<O>(b, tag, keys)];
}

/** @internal a finite number option */
export function num(v: unknown, name: string, tag: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`[${tag}] ${name} must be a finite number, got ${describe(v)}.`);
  return v;
}

/** @internal `betas` as [b1, b2], each in [0, 1) */
export function betasArg(v: unknown, tag: string, dflt: [number, number]): [number, number] {
  if (v === undefined) return dflt;
  if (!Array.isArray(v) || v.length !== 2 || !v.every((b) => typeof b === "number"))
    throw new Error(`[${tag}] betas must be a list of two numbers, got ${describe(v)}.`);
  v.forEach((b: number, i) => {
    if (!(b >= 0 && b < 1)) throw new Error(`[${tag}] beta${i + 1} should be in [0, 1), ${b} was provided instead.`);
  });
  return [v[0], v[1]];
}

export abstract class Optimizer {
  #state: Record<string, unknown>;
  #initialized = false;
  #schedulers = new Map<string, Schedule>();
  /** Tag of error messages, e.g. "optimizers.Adam". */
  protected readonly tag: string;

  constructor(tag: string) {
    if (new.target === Optimizer)
      throw new Error("[optimizers.Optimizer] Optimizer is the base class; construct SGD, Adam, AdamW, ... (or a subclass with initSingle and applySingle).");
    this.tag = tag;
    // `step` is made when first needed: a constructor that rejects its
    // options (they are checked before any array is made) leaves nothing behind.
    this.#state = {};
  }

  /** The state with its `step` (0 until the first update). */
  #withStep(): Record<string, unknown> {
    if (!(this.#state.step instanceof MxArray)) this.#state.step = own(array(0, uint64));
    return this.#state;
  }

  /**
   * The optimizer's state: `step`, `learning_rate` (and other scheduled
   * values), and per parameter, at the parameter's path, its state arrays.
   * Updated in place by every step (the object stays the same).
   */
  get state(): Record<string, unknown> {
    return this.#withStep();
  }
  /** Replaces the state (e.g. one loaded from a file); parameters missing from it are initialized at the next step. */
  set state(state: Record<string, unknown>) {
    if (!isPlainObject(state)) throw new Error(`[${this.tag}] The state must be a plain object (a tree), got ${describe(state)}.`);
    // The optimizer owns the arrays from now on (e.g. ones just loaded inside a tidy).
    const incoming = new Set(leavesAs(state, this.tag).filter((l): l is MxArray => l instanceof MxArray));
    for (const a of incoming) own(a);
    // ... and frees the state it held before (unless the new one reuses an array of it).
    for (const l of leavesAs(this.#state, this.tag)) if (l instanceof MxArray && !incoming.has(l)) l.dispose();
    this.#initialized = false;
    this.#state = state;
  }

  /** The number of steps taken (a uint64 scalar array). */
  get step(): MxArray {
    return this.#withStep().step as MxArray;
  }
  get learningRate(): MxArray {
    return this.#state.learning_rate as MxArray;
  }
  set learningRate(lr: number | MxArray) {
    this.setState("learning_rate", own(toScalarArray(lr, this.tag, "learningRate")));
  }

  /** Sets a top-level state entry, disposing the value it replaces. */
  private setState(name: string, value: MxArray): void {
    const old = this.#state[name];
    this.#state[name] = value;
    disposeReplaced(old, value);
  }

  /** For subclasses: puts a hyperparameter in the state, on a schedule if it is a function (MLX's _maybe_schedule). */
  protected maybeSchedule(name: string, value: Scheduled): void {
    try {
      if (typeof value === "function") {
        this.#schedulers.set(name, value);
        this.setState(name, own(runSchedule(value, this.step, this.tag)));
      } else {
        this.setState(name, own(toScalarArray(value, this.tag, name)));
      }
    } catch (e) {
      // (called by constructors, last): a failed constructor frees what it made
      for (const v of Object.values(this.#state)) if (v instanceof MxArray) v.dispose();
      this.#state = {};
      throw e;
    }
  }

  /** Applies the gradients to the model's trainable parameters and updates the model with the result. */
  update(model: Trainable, gradients: Tree): void {
    if (model === null || typeof model !== "object" || typeof (model as Trainable).trainableParameters !== "function" || typeof (model as Trainable).update !== "function")
      throw new Error(`[${this.tag}] update(model, gradients) expects a model with trainableParameters() and update(params) (an nn.Module), got ${describe(model)}.`);
    model.update(this.applyGradients(gradients, model.trainableParameters()));
  }

  /**
   * Sets up the state for `parameters` (optional: the first step does it);
   * parameters that already have state keep it.
   */
  init(parameters: Tree): void {
    if (!isPlainObject(parameters))
      throw new Error(`[${this.tag}] The parameters must be a tree whose root is a plain object (as a model's parameters are), got ${describe(parameters)}.`);
    const nodes: unknown[] = [];
    this.#withStep();
    walk(parameters, this.tag, {
      enter: (node, key) => {
        if (key === undefined) {
          nodes.push(this.#state);
          return;
        }
        const parent = nodes[nodes.length - 1] as Record<string | number, unknown>;
        let s = parent[key];
        if (!isNode(s) || Array.isArray(s) !== Array.isArray(node)) {
          s = Array.isArray(node) ? [] : {};
          setKey(parent, key, s);
        }
        nodes.push(s);
      },
      leaf: (value, key, _parent, path) => {
        const parent = nodes[nodes.length - 1] as Record<string | number, unknown>;
        const s = parent[key!];
        if (isPlainObject(s) && Object.keys(s).length > 0) return; // already set up
        if (!(value instanceof MxArray)) throw new Error(`[${this.tag}] The parameter '${path}' is ${describe(value)}, not an mx.Array.`);
        const fresh: ParamState = {};
        setKey(parent, key!, fresh);
        const made = tidy(() => {
          this.initSingle(value, fresh);
          return Object.values(fresh);
        });
        made.forEach(own);
      },
      exit: () => void nodes.pop(),
    }, true);
    this.#initialized = true;
  }

  /**
   * The parameters after one step with `gradients`; `parameters` may be a
   * superset of the gradients' tree (the result follows the gradients).
   */
  applyGradients(gradients: Tree, parameters: Tree): Tree {
    if (!this.#initialized) this.init(gradients);
    for (const [name, schedule] of this.#schedulers) this.setState(name, own(runSchedule(schedule, this.step, this.tag)));
    this.setState("step", own(add(this.step, 1)));
    return mapTree(
      gradients,
      [parameters, this.#state],
      (g, [p, s], path) => {
        if (!(g instanceof MxArray)) return g; // not a gradient (e.g. an empty subtree's placeholder)
        if (!(p instanceof MxArray)) throw new Error(`[${this.tag}] The parameter '${path}' is ${describe(p)}, not an mx.Array.`);
        if (!isPlainObject(s)) throw new Error(`[${this.tag}] The optimizer has no state for '${path}'.`);
        return this.applyOne(g, p, s as ParamState);
      },
      { tag: this.tag, paths: true },
    );
  }

  /** applySingle inside a tidy; the new state values replace (and dispose) the old ones. */
  private applyOne(g: MxArray, p: MxArray, s: ParamState): MxArray {
    const before = { ...s };
    const next: ParamState = { ...s };
    const out = tidy(() => {
      const r = this.applySingle(g, p, next);
      return [r, ...Object.values(next)] as MxArray[];
    });
    for (const k of Object.keys(next)) {
      s[k] = own(next[k]!);
      disposeReplaced(before[k], s[k]);
    }
    return out[0]!;
  }

  /** The initial state of one parameter, written into `state`. */
  protected abstract initSingle(parameter: MxArray, state: ParamState): void;

  /** One parameter's new value; the new state values are written into `state`. */
  protected abstract applySingle(gradient: MxArray, parameter: MxArray, state: ParamState): MxArray;

  /** @internal the learning rate cast to `like`'s dtype, as MLX's `learning_rate.astype(gradient.dtype)` */
  protected lrLike(like: MxArray): MxArray {
    return this.learningRate.astype(like.dtype);
  }
}

function toScalarArray(v: unknown, tag: string, name: string): MxArray {
  if (v instanceof MxArray) return array(v);
  if (typeof v === "number" && !Number.isNaN(v)) return array(v, float32);
  throw new Error(`[${tag}] ${name} must be a number, an mx.Array or a schedule (a function of the step), got ${describe(v)}.`);
}

function runSchedule(schedule: Schedule, step: MxArray, tag: string): MxArray {
  const v = tidy(() => {
    const r = schedule(step) as unknown;
    if (r instanceof MxArray) return r;
    if (typeof r === "number") return array(r, float32);
    throw new Error(`[${tag}] A schedule must return an mx.Array or a number, got ${describe(r)}.`);
  });
  return v;
}

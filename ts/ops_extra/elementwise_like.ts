// Elementwise ops MLX composes from others (mlx/ops.cpp), built here the same
// way: degrees, radians, isposinf, isneginf, logicalXor, positive, trunc,
// nanToNum, divmod and fullLike.

import { MxArray, type ArrayOrScalar, dimsOf } from "../array.js";
import { type Dtype, bool, toDtype } from "../dtype.js";
import { describe } from "../describe.js";
import { numArg, optionsArg, requireArray } from "../args.js";
import { castOperand, operand } from "../operands.js";
import {
  astype, ceil, equal, floor, floorDivide, isnan, less, multiply, notEqual, remainder, stopGradient, where, zerosLike,
} from "../elementwise.js";
import { broadcastTo } from "../shape_ops.js";
import { tidy } from "../transforms.js";
import { atLeastFloat, broadcastShapeOf, freshCopy, scalarOf } from "./common.js";
import { type StreamOptions, streamed } from "../stream.js";

function scaled(op: string, a: ArrayOrScalar, factor: number): MxArray {
  return tidy(() => {
    const x = operand(a, null, op);
    return multiply(x, scalarOf(factor, atLeastFloat(x.dtype)));
  });
}

/** Radians to degrees; integers compute in float32. */
export const degrees = streamed("degrees", (a: ArrayOrScalar) => scaled("degrees", a, 180 / Math.PI));

/** Degrees to radians; integers compute in float32. */
export const radians = streamed("radians", (a: ArrayOrScalar) => scaled("radians", a, Math.PI / 180));

function isInfOfSign(op: string, a: ArrayOrScalar, sign: 1 | -1): MxArray {
  return tidy(() => {
    const x = operand(a, null, op);
    // integers and booleans hold no infinity
    if (x.dtype.kind !== "float") return astype(zerosLike(x), bool);
    return equal(x, scalarOf(sign * Infinity, x.dtype));
  });
}

/** Where a is +infinity (all false for integer and boolean arrays). */
export const isposinf = streamed("isposinf", (a: ArrayOrScalar) => isInfOfSign("isposinf", a, 1));

/** Where a is -infinity (all false for integer and boolean arrays). */
export const isneginf = streamed("isneginf", (a: ArrayOrScalar) => isInfOfSign("isneginf", a, -1));

/** Elementwise exclusive or of the operands' truth values (bool). */
export const logicalXor = streamed("logicalXor", function logicalXor(a: ArrayOrScalar, b: ArrayOrScalar): MxArray {
  const op = "logical_xor";
  return tidy(() => {
    const x = operand(a, null, op), y = operand(b, null, op);
    broadcastShapeOf([dimsOf(x), dimsOf(y)], op); // (dimsOf: checking bakes no shape into a trace)
    return notEqual(astype(x, bool), astype(y, bool));
  });
});

/** `+a`: a new array with a's values. */
export const positive = streamed("positive", (a: MxArray): MxArray => freshCopy(requireArray(a, "positive")));

/** Rounds toward zero; integer arrays come back unchanged. */
export const trunc = streamed("trunc", function trunc(a: ArrayOrScalar): MxArray {
  return tidy(() => {
    const x = operand(a, null, "trunc");
    if (x.dtype.kind === "int" || x.dtype.kind === "uint") return freshCopy(x);
    return where(less(x, 0), ceil(x), floor(x));
  });
});

export interface NanToNumOptions extends StreamOptions {
  /** What NaN becomes (default 0). */
  nan?: number;
  /** What +infinity becomes (default: the dtype's largest finite value). */
  posinf?: number | null;
  /** What -infinity becomes (default: minus the dtype's largest finite value). */
  neginf?: number | null;
}

/** The largest finite value of each floating dtype. */
const FLOAT_MAX: Record<string, number> = {
  float16: 65504,
  bfloat16: 3.3895313892515355e38,
  float32: 3.4028234663852886e38,
  float64: Number.MAX_VALUE,
};

/**
 * NaN and infinities replaced by finite values: `nanToNum(a, nan?, posinf?,
 * neginf?)` as MLX's positionals, or `nanToNum(a, {nan, posinf, neginf})`.
 * Non-floating arrays come back unchanged. (MLX refuses float64 here, for
 * want of a limit; webmx uses float64's.)
 */
export const nanToNum = streamed("nanToNum", function nanToNum(a: ArrayOrScalar, nan: number | NanToNumOptions = 0, posinf?: number | null,
                         neginf?: number | null): MxArray {
  const op = "nan_to_num";
  let o: NanToNumOptions;
  if (typeof nan === "object" && nan !== null) {
    if (posinf !== undefined || neginf !== undefined)
      throw new Error(`[${op}] Pass posinf and neginf in the options object when nan is one.`);
    o = optionsArg<NanToNumOptions>(nan, op, ["nan", "posinf", "neginf"]);
  } else {
    o = { nan, posinf, neginf };
  }
  const nanValue = o.nan === undefined ? 0 : numArg(o.nan, "nan", op, true);
  const bound = (v: unknown, name: string) => (v === undefined || v === null ? null : numArg(v, name, op, true));
  const pos = bound(o.posinf, "posinf"), neg = bound(o.neginf, "neginf");
  return tidy(() => {
    const x = operand(a, null, op);
    if (x.dtype.kind !== "float") return freshCopy(x);
    const max = FLOAT_MAX[x.dtype.name]!;
    const dt = x.dtype;
    let out = where(isnan(x), scalarOf(nanValue, dt), x);
    out = where(isposinf(x), scalarOf(pos ?? max, dt), out);
    return where(isneginf(x), scalarOf(neg ?? -max, dt), out);
  });
}, true);

/**
 * `[a // b, a % b]` (floorDivide, remainder) with numpy broadcasting and
 * promotion. As in MLX, both outputs have zero derivatives.
 */
export const divmod = streamed("divmod", function divmod(a: ArrayOrScalar, b: ArrayOrScalar): [MxArray, MxArray] {
  const op = "divmod";
  return tidy(() => {
    const x = operand(a, b instanceof MxArray ? b : null, op);
    const y = operand(b, a instanceof MxArray ? a : null, op);
    broadcastShapeOf([dimsOf(x), dimsOf(y)], op); // (dimsOf: checking bakes no shape into a trace)
    return [stopGradient(floorDivide(x, y)), stopGradient(remainder(x, y))];
  });
});

/**
 * An array shaped like `a` (broadcast with `vals`' shape) filled with `vals`,
 * in `dtype` (default a's).
 */
export const fullLike = streamed("fullLike", function fullLike(a: MxArray, vals: ArrayOrScalar, dtype?: Dtype | string | null): MxArray {
  const op = "full_like";
  const x = requireArray(a, op);
  const dt = dtype === undefined || dtype === null ? x.dtype : toDtype(dtype, op);
  if (!(vals instanceof MxArray) && typeof vals !== "number" && typeof vals !== "boolean" && typeof vals !== "bigint")
    throw new Error(`[${op}] vals must be an mx.Array or a JS number, boolean or bigint, got ${describe(vals)}.`);
  return tidy(() => {
    const v = astype(castOperand(vals, op, null), dt);
    return broadcastTo(v, broadcastShapeOf([x.shape, v.shape], op));
  });
});

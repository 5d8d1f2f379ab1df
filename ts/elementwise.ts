// Elementwise ops on `mx`: the unary and binary families of the C ABI (their
// codes come from wasm/op_tables.def through ts/generated/boundary.ts), and
// the elementwise ops with arguments of their own (round, where, clip,
// isclose/allclose, arrayEqual, astype). JS scalars are weakly typed against
// the other operand (ts/operands.ts).

import { core } from "./runtime.js";
import { MxArray, type ArrayOrScalar } from "./array.js";
import { type Dtype, toDtype } from "./dtype.js";
import { boolArg, intArg, numArg, optionsArg, requireArray } from "./args.js";
import { operand, withOperands, wrap } from "./operands.js";
import { OpCodes } from "./generated/boundary.js";
import { type StreamOptions, streamed } from "./stream.js";

const m = () => core().m;

/** A unary op of wasm/op_tables.def, by its MLX name (also its error tag). */
function unary(op: keyof typeof OpCodes.unary, a: ArrayOrScalar): MxArray {
  const x = operand(a, null, op);
  try {
    return wrap(m()._wmx_unary(OpCodes.unary[op], x.handle));
  } finally {
    if (x !== a) x.dispose();
  }
}

/** A binary op of wasm/op_tables.def, by its MLX name; each JS scalar is weakly typed against the other operand. */
function binary(op: keyof typeof OpCodes.binary, a: ArrayOrScalar, b: ArrayOrScalar): MxArray {
  const la = b instanceof MxArray ? b : null, lb = a instanceof MxArray ? a : null;
  return withOperands([[a, la], [b, lb]], op, ([x, y]) => wrap(m()._wmx_binary(OpCodes.binary[op], x!, y!)));
}

export const abs = streamed("abs", (a: ArrayOrScalar) => unary("abs", a));

export const negative = streamed("negative", (a: ArrayOrScalar) => unary("negative", a));

export const sign = streamed("sign", (a: ArrayOrScalar) => unary("sign", a));

export const exp = streamed("exp", (a: ArrayOrScalar) => unary("exp", a));

export const expm1 = streamed("expm1", (a: ArrayOrScalar) => unary("expm1", a));

export const log = streamed("log", (a: ArrayOrScalar) => unary("log", a));

export const log1p = streamed("log1p", (a: ArrayOrScalar) => unary("log1p", a));

export const log2 = streamed("log2", (a: ArrayOrScalar) => unary("log2", a));

export const log10 = streamed("log10", (a: ArrayOrScalar) => unary("log10", a));

export const sqrt = streamed("sqrt", (a: ArrayOrScalar) => unary("sqrt", a));

export const rsqrt = streamed("rsqrt", (a: ArrayOrScalar) => unary("rsqrt", a));

export const square = streamed("square", (a: ArrayOrScalar) => unary("square", a));

export const reciprocal = streamed("reciprocal", (a: ArrayOrScalar) => unary("reciprocal", a));

export const sin = streamed("sin", (a: ArrayOrScalar) => unary("sin", a));

export const cos = streamed("cos", (a: ArrayOrScalar) => unary("cos", a));

export const tan = streamed("tan", (a: ArrayOrScalar) => unary("tan", a));

export const arcsin = streamed("arcsin", (a: ArrayOrScalar) => unary("arcsin", a));

export const arccos = streamed("arccos", (a: ArrayOrScalar) => unary("arccos", a));

export const arctan = streamed("arctan", (a: ArrayOrScalar) => unary("arctan", a));

export const sinh = streamed("sinh", (a: ArrayOrScalar) => unary("sinh", a));

export const cosh = streamed("cosh", (a: ArrayOrScalar) => unary("cosh", a));

export const tanh = streamed("tanh", (a: ArrayOrScalar) => unary("tanh", a));

export const arcsinh = streamed("arcsinh", (a: ArrayOrScalar) => unary("arcsinh", a));

export const arccosh = streamed("arccosh", (a: ArrayOrScalar) => unary("arccosh", a));

export const arctanh = streamed("arctanh", (a: ArrayOrScalar) => unary("arctanh", a));

export const sigmoid = streamed("sigmoid", (a: ArrayOrScalar) => unary("sigmoid", a));

export const erf = streamed("erf", (a: ArrayOrScalar) => unary("erf", a));

export const erfinv = streamed("erfinv", (a: ArrayOrScalar) => unary("erfinv", a));

export const floor = streamed("floor", (a: ArrayOrScalar) => unary("floor", a));

export const ceil = streamed("ceil", (a: ArrayOrScalar) => unary("ceil", a));

export const isnan = streamed("isnan", (a: ArrayOrScalar) => unary("isnan", a));

export const isinf = streamed("isinf", (a: ArrayOrScalar) => unary("isinf", a));

export const isfinite = streamed("isfinite", (a: ArrayOrScalar) => unary("isfinite", a));

export const logicalNot = streamed("logicalNot", (a: ArrayOrScalar) => unary("logical_not", a));

export const stopGradient = streamed("stopGradient", (a: ArrayOrScalar) => unary("stop_gradient", a));

export const zerosLike = streamed("zerosLike", (a: ArrayOrScalar) => unary("zeros_like", a));

export const onesLike = streamed("onesLike", (a: ArrayOrScalar) => unary("ones_like", a));

export const add = streamed("add", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("add", a, b));

export const subtract = streamed("subtract", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("subtract", a, b));

export const multiply = streamed("multiply", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("multiply", a, b));

export const divide = streamed("divide", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("divide", a, b));

export const maximum = streamed("maximum", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("maximum", a, b));

export const minimum = streamed("minimum", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("minimum", a, b));

export const equal = streamed("equal", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("equal", a, b));

export const notEqual = streamed("notEqual", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("not_equal", a, b));

export const less = streamed("less", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("less", a, b));

export const lessEqual = streamed("lessEqual", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("less_equal", a, b));

export const greater = streamed("greater", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("greater", a, b));

export const greaterEqual = streamed("greaterEqual", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("greater_equal", a, b));
export const floorDivide = streamed("floorDivide", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("floor_divide", a, b));

export const remainder = streamed("remainder", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("remainder", a, b));

export const power = streamed("power", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("power", a, b));

export const arctan2 = streamed("arctan2", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("arctan2", a, b));

export const logaddexp = streamed("logaddexp", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("logaddexp", a, b));

export const logicalAnd = streamed("logicalAnd", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("logical_and", a, b));

export const logicalOr = streamed("logicalOr", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("logical_or", a, b));

// Bitwise ops (integer and bool dtypes, MLX's promotion; a JS number is weakly
// typed against the array, and two JS numbers are float32, hence an error).
export const bitwiseAnd = streamed("bitwiseAnd", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("bitwise_and", a, b));

export const bitwiseOr = streamed("bitwiseOr", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("bitwise_or", a, b));

export const bitwiseXor = streamed("bitwiseXor", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("bitwise_xor", a, b));

/** Bool shifts as uint8 (MLX); counts outside [0, bits) shift every bit out. */
export const leftShift = streamed("leftShift", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("left_shift", a, b));

/** Arithmetic for signed dtypes; bool shifts as uint8 (MLX). */
export const rightShift = streamed("rightShift", (a: ArrayOrScalar, b: ArrayOrScalar) => binary("right_shift", a, b));

/** `~a` on integers; logicalNot on bool (MLX). */
export const bitwiseInvert = streamed("bitwiseInvert", (a: ArrayOrScalar) => unary("bitwise_invert", a));

export const astype = streamed("astype", function astype(a: MxArray, dtype: Dtype | string): MxArray {
  return wrap(core().m._wmx_astype(requireArray(a, "astype").handle, toDtype(dtype, "astype").code));
});

/** Rounds half to even (as MLX and numpy); `decimals` may be negative. */
export const round = streamed("round", function round(a: ArrayOrScalar, decimals = 0): MxArray {
  const d = intArg(decimals, "decimals", "round");
  const x = operand(a, null, "round");
  try {
    return wrap(m()._wmx_round(x.handle, d));
  } finally {
    if (x !== a) x.dispose();
  }
});

/**
 * `x` where `condition` is true, else `y`, broadcast together. JS scalars
 * are weakly typed against the other operand (float32 when both are scalars).
 */
export const where = streamed("where", function where(condition: ArrayOrScalar, x: ArrayOrScalar, y: ArrayOrScalar): MxArray {
  const lx = y instanceof MxArray ? y : null, ly = x instanceof MxArray ? x : null;
  return withOperands([[condition, null], [x, lx], [y, ly]], "where", ([c, a, b]) => wrap(m()._wmx_where(c!, a!, b!)));
});

/** `a` limited to [aMin, aMax]; either bound may be null (not both). */
export const clip = streamed("clip", function clip(a: ArrayOrScalar, aMin: ArrayOrScalar | null, aMax: ArrayOrScalar | null): MxArray {
  const owned: MxArray[] = [];
  const own = (v: ArrayOrScalar, like: MxArray | null) => {
    const r = operand(v, like, "clip");
    if (r !== v) owned.push(r);
    return r;
  };
  try {
    if (aMin === undefined || aMax === undefined)
      throw new Error("[clip] a_min and a_max are required (pass null for no bound).");
    const x = own(a, aMin instanceof MxArray ? aMin : aMax instanceof MxArray ? aMax : null);
    const lo = aMin === null ? -1 : own(aMin, x).handle;
    const hi = aMax === null ? -1 : own(aMax, x).handle;
    return wrap(m()._wmx_clip(x.handle, lo, hi));
  } finally {
    for (const o of owned) o.dispose();
  }
});

export interface CloseOptions extends StreamOptions {
  /** NaNs compare equal to each other. */
  equalNan?: boolean;
}

function close(all: boolean, a: ArrayOrScalar, b: ArrayOrScalar, rtol: number, atol: number,
               options: CloseOptions | undefined): MxArray {
  const op = all ? "allclose" : "isclose";
  numArg(rtol, "rtol", op);
  numArg(atol, "atol", op);
  const eq = boolArg(optionsArg<CloseOptions>(options, op, ["equalNan"]).equalNan, "equalNan", op);
  const la = b instanceof MxArray ? b : null, lb = a instanceof MxArray ? a : null;
  return withOperands([[a, la], [b, lb]], op, ([x, y]) =>
    wrap(m()._wmx_isclose(all ? 1 : 0, x!, y!, rtol, atol, eq ? 1 : 0)));
}

/** |a - b| <= atol + rtol * |b| elementwise (infinities close only to themselves). */
export const isclose = streamed("isclose", (a: ArrayOrScalar, b: ArrayOrScalar, rtol = 1e-5, atol = 1e-8, options?: CloseOptions) =>
  close(false, a, b, rtol, atol, options), true);

/** Whether every element of a and b isclose (a bool scalar array). */
export const allclose = streamed("allclose", (a: ArrayOrScalar, b: ArrayOrScalar, rtol = 1e-5, atol = 1e-8, options?: CloseOptions) =>
  close(true, a, b, rtol, atol, options), true);

/** Whether a and b have the same shape and values (a bool scalar array); dtypes may differ. */
export const arrayEqual = streamed("arrayEqual", function arrayEqual(a: ArrayOrScalar, b: ArrayOrScalar, equalNan: boolean | CloseOptions = false): MxArray {
  const eq = typeof equalNan === "object" && equalNan !== null
    ? boolArg(optionsArg<CloseOptions>(equalNan, "array_equal", ["equalNan"]).equalNan, "equalNan", "array_equal")
    : boolArg(equalNan, "equalNan", "array_equal");
  return withOperands([[a, null], [b, null]], "array_equal", ([x, y]) => wrap(m()._wmx_array_equal(x!, y!, eq ? 1 : 0)));
}, true);

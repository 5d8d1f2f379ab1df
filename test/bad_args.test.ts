// Bad arguments for every op of API.md's "Arrays" and "Operations": each call
// throws an Error whose message starts with the op's tag ("[take] ...") and
// names the problem; afterwards the module still computes correctly and the
// failed call left no array handle behind. The op list is derived from the
// package's exports, so a new export without a row here fails the suite.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const M = mx as any;

// Fixtures, created once (the leak check compares live handles around each case).
const x23 = mx.array([[1, 2, 3], [4, 5, 6]]); // float32 (2,3)
const v3 = mx.array([1, 2, 3]);
const v4 = mx.array([1, 2, 3, 4]);
const i3 = mx.array([0, 1, 2], mx.int32);
const b2 = mx.array([true, false]);
const s0 = mx.array(2);
const key = M.random.key(0);
const img = mx.ones([1, 4, 4, 2]); // conv2d input (N, H, W, C)
const seq = mx.ones([1, 5, 2]); // conv1d input (N, L, C)
const q4 = mx.ones([1, 2, 3, 4]); // attention (B, N, T, D)
// Arguments that calls below would otherwise build inline (and so count as live arrays).
const fx = {
  empty: mx.zeros([0]), b3: mx.array([true, false, true]), f1: mx.array([0.5]), f11: mx.array([[0.5]]),
  i11: mx.array([[0]], mx.int32), i2: mx.array([0, 1], mx.int32), o33: mx.ones([3, 3]), x32: mx.transpose(x23),
  w232: mx.ones([2, 3, 2]), w233: mx.ones([2, 3, 3]), w292: mx.ones([2, 9, 2]), w2332: mx.ones([2, 3, 3, 2]),
  w3111: mx.ones([3, 1, 1, 1]), w2112: mx.ones([2, 1, 1, 2]), w23: mx.ones([2, 3]), w2335: mx.ones([2, 3, 3, 5]),
  imgInt: mx.ones([1, 4, 4, 2], mx.int32), w2112Int: mx.ones([2, 1, 1, 2], mx.int32), key3: mx.ones([3], mx.uint32),
  k1235: mx.ones([1, 2, 3, 5]),
  bigView: mx.broadcastTo(s0, [2 ** 31 - 1, 4]), // a view: no data behind its 2^33 elements
};
mx.eval(x23, v3, v4, i3, b2, s0, key, img, seq, q4, fx);

interface Case {
  /** The export: "sum", "random.uniform", "fast.rope", "Array#sum". */
  op: string;
  call: () => unknown;
  /** Must start with ^\[tag\] and go on to name the problem. */
  error: RegExp;
  /** The error can only show at evaluation (index values): the call evaluates and runs inside tidy. */
  lazy?: boolean;
}

const cases: Case[] = [];
const row = (op: string, call: () => unknown, error: RegExp, lazy = false) => cases.push({ op, call, error, lazy });

const notArray = /Expected an mx\.Array/;
const shapes23_4 = /Shapes \(2,3\) and \(4\) cannot be broadcast/;

// ---- creation ----
row("array", () => mx.array([[1, 2], [3]]), /^\[array\] Inhomogeneous nested array/);
row("array", () => mx.array(["a"] as any), /^\[array\] Unsupported value string a/);
row("array", () => mx.array([1], "float8" as any), /^\[array\] Unknown dtype float8/);
row("array", () => mx.array(undefined as any), /^\[array\] Unsupported value undefined/);
row("astype", () => mx.astype(x23, "int128"), /^\[astype\] Unknown dtype int128/);
row("astype", () => mx.astype(5 as any, mx.int32), /^\[astype\] Expected an mx\.Array, got number 5/);
row("full", () => mx.full([2, -1], 1), /^\[full\] Negative dimension in shape \(2,-1\)/);
row("full", () => mx.full([2], "x" as any), /^\[full\] The fill value must be .*got string x/);
row("full", () => mx.full("2" as any, 1), /^\[full\] The shape must be an integer or a list of integers/);
row("full", () => mx.full([2], 1, "float7"), /^\[full\] Unknown dtype float7/);
row("zeros", () => mx.zeros([1.5]), /^\[zeros\] The shape must be an integer or a list of integers/);
row("zeros", () => mx.zeros([2 ** 32]), /^\[zeros\] The shape must be an integer or a list of integers/);
row("zeros", () => mx.zeros([2 ** 31 - 1, 2 ** 31 - 1, 2]), /^\[zeros\] The shape \(2147483647,2147483647,2\) has more than 2\^53 elements/);
row("full", () => mx.full([2 ** 31 - 1, 2 ** 31 - 1, 2], 1, mx.int8), /^\[full\] The shape \(2147483647,2147483647,2\) has more than 2\^53 elements/);
row("zeros", () => mx.zeros([-3]), /^\[zeros\] Negative dimension in shape \(-3\)/);
row("ones", () => mx.ones([2], "complex128"), /^\[ones\] Unknown dtype complex128/);
row("ones", () => mx.ones(null as any), /^\[ones\] The shape must be an integer or a list of integers, got null/);
row("arange", () => M.arange(0, 10, 0), /^\[arange\] Cannot use a step of zero/);
row("arange", () => M.arange("a"), /^\[arange\] Unknown dtype a; expected one of bool/);
row("arange", () => M.arange(0, null), /^\[arange\] start, stop and step must be numbers, got null/);
row("arange", () => M.arange(3, mx.bool), /^\[arange\] bool is not supported/);
row("arange", () => M.arange(0, Infinity), /^\[arange\] Cannot use infinity/);
row("linspace", () => M.linspace(0, 1, -2), /^\[linspace\] number of samples, -2, must be non-negative/);
row("linspace", () => M.linspace("0", 1), /^\[linspace\] start must be a number, got string 0/);
row("eye", () => M.eye(2 ** 31), /^\[eye\] n 2147483648 is out of range/);
row("eye", () => M.eye(0), /^\[eye\] N and M must be positive integers/);
row("eye", () => M.eye(2.5), /^\[eye\] n must be an integer, got number 2.5/);
row("identity", () => M.identity(-1), /^\[identity\] N must be a positive integer/);
row("tri", () => M.tri(-2), /^\[tri\] N and M must be non-negative integers/);
row("tril", () => M.tril(v3), /^\[tril\] array must be at least 2-D/);
row("tril", () => M.tril(x23, 0.5), /^\[tril\] k must be an integer, got number 0.5/);
row("triu", () => M.triu(v3), /^\[triu\] array must be at least 2-D/);
row("triu", () => M.triu([[1]]), /^\[triu\] Expected an mx\.Array, got Array/);
row("zerosLike", () => M.zerosLike("x"), /^\[zeros_like\] Expected an mx\.Array or a JS number.*got string x/);
row("onesLike", () => M.onesLike({}), /^\[ones_like\] Expected an mx\.Array or a JS number.*got Object/);

// ---- unary: a non-array argument, a missing argument, and dtype errors ----
const unaryTags: Record<string, string> = {
  abs: "abs", negative: "negative", sign: "sign", exp: "exp", expm1: "expm1", log: "log", log1p: "log1p",
  log2: "log2", log10: "log10", sqrt: "sqrt", rsqrt: "rsqrt", square: "square", reciprocal: "reciprocal",
  sin: "sin", cos: "cos", tan: "tan", arcsin: "arcsin", arccos: "arccos", arctan: "arctan", sinh: "sinh",
  cosh: "cosh", tanh: "tanh", arcsinh: "arcsinh", arccosh: "arccosh", arctanh: "arctanh", sigmoid: "sigmoid",
  erf: "erf", erfinv: "erfinv", floor: "floor", ceil: "ceil", round: "round", isnan: "isnan", isinf: "isinf",
  isfinite: "isfinite", logicalNot: "logical_not", stopGradient: "stop_gradient",
};
for (const [name, tag] of Object.entries(unaryTags)) {
  row(name, () => M[name]("x"), new RegExp(`^\\[${tag}\\] Expected an mx\\.Array or a JS number, boolean or bigint, got string x`));
  row(name, () => M[name](), new RegExp(`^\\[${tag}\\] Expected an mx\\.Array or a JS number, boolean or bigint, got undefined\\.`));
}
row("negative", () => mx.negative(b2), /^\[negative\] Not supported for bool, use logical_not instead/);
row("round", () => mx.round(x23, 1.5), /^\[round\] decimals must be an integer, got number 1.5/);

// ---- binary: incompatible shapes, a non-array operand ----
const binaryTags: Record<string, string> = {
  add: "add", subtract: "subtract", multiply: "multiply", divide: "divide", floorDivide: "floor_divide",
  remainder: "remainder", power: "power", maximum: "maximum", minimum: "minimum", arctan2: "arctan2",
  logaddexp: "logaddexp", equal: "equal", notEqual: "not_equal", less: "less", lessEqual: "less_equal",
  greater: "greater", greaterEqual: "greater_equal", logicalAnd: "logical_and", logicalOr: "logical_or",
};
for (const [name, tag] of Object.entries(binaryTags)) {
  row(name, () => M[name](x23, v4), new RegExp(`^\\[${tag}\\] ${shapes23_4.source}`));
  row(name, () => M[name](x23, "1"), new RegExp(`^\\[${tag}\\] Expected an mx\\.Array or a JS number.*got string 1`));
  row(name, () => M[name](x23), new RegExp(`^\\[${tag}\\] Expected an mx\\.Array or a JS number.*got undefined\\.`));
}
row("where", () => mx.where(fx.b3, x23, v4), /^\[where\] Shapes \(.*\) cannot be broadcast/);
row("where", () => mx.where(b2, "a" as any, 1), /^\[where\] Expected an mx\.Array or a JS number.*got string a/);
row("clip", () => mx.clip(x23, null, null), /^\[clip\] At most one of a_min and a_max may be None/);
row("clip", () => mx.clip(x23, v4, 3), /^\[clip\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("clip", () => (mx.clip as any)(x23, 0), /^\[clip\] a_min and a_max are required/);
row("isclose", () => mx.isclose(x23, v4), /^\[isclose\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("isclose", () => mx.isclose(x23, x23, "big" as any), /^\[isclose\] rtol must be a number, got string big/);
row("allclose", () => mx.allclose(x23, v4), /^\[allclose\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("allclose", () => mx.allclose(x23, x23, 1e-5, 1e-8, { equalNan: "yes" } as any), /^\[allclose\] equalNan must be a boolean/);
row("arrayEqual", () => mx.arrayEqual(x23, {} as any), /^\[array_equal\] Expected an mx\.Array or a JS number.*got Object/);
row("arrayEqual", () => mx.arrayEqual(x23, x23, ["a"] as any), /^\[array_equal\] Expected an options object, got Array/);
row("arrayEqual", () => mx.arrayEqual(x23, x23, 1 as any), /^\[array_equal\] equalNan must be a boolean, got number 1/);

// ---- reductions and scans ----
for (const [name, tag] of Object.entries({ sum: "sum", prod: "prod", mean: "mean", max: "max", min: "min", all: "all", any: "any", var: "var", std: "std", logsumexp: "logsumexp" })) {
  row(name, () => M[name](x23, 2), new RegExp(`^\\[${tag}\\] Invalid axis 2 for an array with 2 dimensions`));
  row(name, () => M[name](x23, [0, -2]), new RegExp(`^\\[${tag}\\] Received duplicate axes`));
  row(name, () => M[name](x23, "0"), new RegExp(`^\\[${tag}\\] The axis must be an integer or a list of integers, got string 0`));
  row(name, () => M[name](x23, 0, "yes"), new RegExp(`^\\[${tag}\\] keepdims must be a boolean, got string yes`));
  row(name, () => M[name]([1, 2]), new RegExp(`^\\[${tag}\\] Expected an mx\\.Array, got Array`));
}
row("max", () => mx.max(fx.empty), /^\[max\] Cannot reduce an array of size zero/);
row("var", () => M.var(x23, 0, false, 0.5), /^\[var\] ddof must be an integer, got number 0.5/);
row("std", () => M.std(x23, null, false, "1"), /^\[std\] ddof must be an integer, got string 1/);
for (const [name, tag] of [["argmax", "argmax"], ["argmin", "argmin"]] as const) {
  row(name, () => M[name](x23, -3), new RegExp(`^\\[${tag}\\] Invalid axis -3 for an array with 2 dimensions`));
  row(name, () => M[name](x23, [0]), new RegExp(`^\\[${tag}\\] The axis must be an integer or null, got Array`));
  row(name, () => M[name](fx.empty), new RegExp(`^\\[${tag}\\] Cannot ${tag} an array of size zero`));
}
for (const [name, tag] of [["cumsum", "cumsum"], ["cumprod", "cumprod"], ["cummax", "cummax"], ["cummin", "cummin"]] as const) {
  row(name, () => M[name](x23, 2), new RegExp(`^\\[${tag}\\] Invalid axis 2 for an array with 2 dimensions`));
  row(name, () => M[name](x23, 0, { reverse: 1 }), new RegExp(`^\\[${tag}\\] reverse must be a boolean, got number 1`));
  row(name, () => M[name](x23, 0, true), new RegExp(`^\\[${tag}\\] Expected an options object, got boolean true`));
}
row("cumsum", () => M.cumsum(x23, 0, { revers: true }), /^\[cumsum\] Unknown option 'revers'; expected reverse, inclusive\./);
for (const [name, tag] of [["sort", "sort"], ["argsort", "argsort"]] as const) {
  row(name, () => M[name](x23, 5), new RegExp(`^\\[${tag}\\] Invalid axis 5 for an array with 2 dimensions`));
  row(name, () => M[name](s0), new RegExp(`^\\[${tag}\\] Cannot sort along axis -1 of a 0-dimensional array`));
}
row("topk", () => mx.topk(v3, 4), /^\[topk\] Received invalid k=4 along axis -1 for array with shape \(3\)/);
row("topk", () => mx.topk(v3, 1.5), /^\[topk\] k must be an integer, got number 1.5/);
row("softmax", () => mx.softmax(x23, 2 ** 40), /^\[softmax\] The axis must be an integer or a list of integers, got number 1099511627776/);
row("softmax", () => mx.softmax(x23, 3), /^\[softmax\] Invalid axis 3 for an array with 2 dimensions/);
row("softmax", () => mx.softmax(x23, -1, { precise: "no" } as any), /^\[softmax\] precise must be a boolean/);
row("logSoftmax", () => mx.logSoftmax(x23, [0, 0]), /^\[log_softmax\] Received duplicate axes/);

// ---- shape ----
row("reshape", () => mx.reshape(x23, [4, 2]), /^\[reshape\] Cannot reshape array of size 6 into shape \(4,2\)/);
row("reshape", () => mx.reshape(fx.bigView, [-1]), /^\[reshape\] The shape \(8589934588\) has a dimension larger than 2147483647/);
row("reshape", () => mx.reshape(x23, [-1, -1]), /^\[reshape\] Can only infer one dimension/);
row("reshape", () => mx.reshape(x23, [2.5]), /^\[reshape\] The shape must be an integer or a list of integers/);
row("flatten", () => M.flatten(x23, 1, 0), /^\[flatten\] start_axis \(1\) must be less than or equal to end_axis \(0\)/);
row("flatten", () => M.flatten(x23, 3), /^\[flatten\] Invalid axis 3 for an array with 2 dimensions/);
row("unflatten", () => M.unflatten(x23, 1, [2, 2]), /^\[unflatten\] Cannot unflatten axis 1 of size 3 into shape \(2,2\)/);
row("unflatten", () => M.unflatten(x23, 5, [3]), /^\[unflatten\] Invalid axis 5 for an array with 2 dimensions/);
row("squeeze", () => mx.squeeze(x23, 0), /^\[squeeze\] Cannot squeeze axis 0 with size 2 != 1/);
row("squeeze", () => mx.squeeze(x23, 4), /^\[squeeze\] Invalid axis 4 for an array with 2 dimensions/);
row("expandDims", () => mx.expandDims(x23, 4), /^\[expand_dims\] Invalid axis 4 for an array with 3 dimensions/);
row("expandDims", () => (mx.expandDims as any)(x23), /^\[expand_dims\] The axis must be an integer or a list of integers, got undefined/);
row("transpose", () => mx.transpose(x23, [0, 0]), /^\[transpose\] Repeated axis 0 in the permutation/);
row("transpose", () => mx.transpose(x23, [0]), /^\[transpose\] Received 1 axes for an array with 2 dimensions/);
row("transpose", () => mx.transpose(x23, [0, 2]), /^\[transpose\] Invalid axis 2 for an array with 2 dimensions/);
row("swapaxes", () => M.swapaxes(x23, 0, 2), /^\[swapaxes\] Invalid axis 2 for an array with 2 dimensions/);
row("moveaxis", () => mx.moveaxis(x23, 0, -3), /^\[moveaxis\] Invalid axis -3 for an array with 2 dimensions/);
row("moveaxis", () => mx.moveaxis(x23, 0.5, 1), /^\[moveaxis\] source and destination must be integers/);
row("broadcastTo", () => mx.broadcastTo(x23, [3, 3]), /^\[broadcast_to\] Cannot broadcast array of shape \(2,3\) to shape \(3,3\)/);
row("broadcastTo", () => mx.broadcastTo(s0, [-1]), /^\[broadcast_to\] Negative dimension in shape \(-1\)/);
row("broadcastTo", () => mx.broadcastTo(s0, [2 ** 31 - 1, 2 ** 31 - 1, 3]), /^\[broadcast_to\] The shape \(2147483647,2147483647,3\) has more than 2\^53 elements/);
row("broadcastTo", () => mx.broadcastTo("a" as any, [3]), /^\[broadcast_to\] Expected an mx\.Array or a JS number.*got string a/);
row("broadcastArrays", () => M.broadcastArrays(x23, v4), /^\[broadcast_arrays\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("broadcastArrays", () => M.broadcastArrays(x23, 1), /^\[broadcast_arrays\] Expected an mx\.Array at position 1, got number 1/);
row("concatenate", () => M.concatenate([x23, v3]), /^\[concatenate\] All the input arrays must have the same number of dimensions, got \(2,3\) and \(3\)/);
row("concatenate", () => M.concatenate([x23, fx.x32]), /^\[concatenate\] All the input array dimensions must match exactly except for the concatenation axis 0/);
row("concatenate", () => M.concatenate([x23, x23], 2), /^\[concatenate\] Invalid axis 2 for an array with 2 dimensions/);
row("concatenate", () => M.concatenate([]), /^\[concatenate\] No arrays provided for concatenation/);
row("concatenate", () => M.concatenate(x23), /^\[concatenate\] Expected a list of mx\.Arrays, got MxArray/);
row("concatenate", () => M.concatenate([s0, s0]), /^\[concatenate\] Zero-dimensional arrays cannot be concatenated/);
row("stack", () => M.stack([x23, v3]), /^\[stack\] All arrays must have the same shape, got \(2,3\) and \(3\)/);
row("stack", () => M.stack([v3, v3], 2), /^\[stack\] Invalid axis 2 for an array with 2 dimensions/);
row("stack", () => M.stack([v3, "x"]), /^\[stack\] Expected an mx\.Array at position 1, got string x/);
row("split", () => M.split(v4, 3), /^\[split\] Array split does not result in sub arrays with equal size/);
row("split", () => M.split(v4, 0), /^\[split\] The number of sections must be positive, got 0/);
row("split", () => M.split(v4, [1], 1), /^\[split\] Invalid axis 1 for an array with 1 dimensions/);
row("split", () => M.split(v4, "2"), /^\[split\] The split indices must be an integer or a list of integers, got string 2/);
row("tile", () => M.tile(v3, [2 ** 31 - 1]), /^\[tile\] Tiling shape \(3\) by 2147483647 on axis 0 gives a dimension larger than 2147483647/);
row("tile", () => M.tile(x23, [-1]), /^\[tile\] Repetitions must be non-negative, got -1/);
row("tile", () => M.tile(x23, "2"), /^\[tile\] The repetitions must be an integer or a list of integers, got string 2/);
row("repeat", () => M.repeat(v3, 2 ** 31 - 1), /^\[repeat\] Repeating axis 0 of size 3 2147483647 times gives a dimension larger than 2147483647/);
row("repeat", () => M.repeat(x23, -2), /^\[repeat\] Number of repeats cannot be negative, got -2/);
row("repeat", () => M.repeat(x23, 2, 2), /^\[repeat\] Invalid axis 2 for an array with 2 dimensions/);
row("pad", () => M.pad(x23, [[1, 1]] .concat([[1, 1], [1, 1]]) as any), /^\[pad\] Invalid number of padding sizes passed to pad: got 3 for an array with 2 dimensions/);
row("pad", () => M.pad(v3, [[2 ** 31 - 1, 2 ** 31 - 1]]), /^\[pad\] The shape \(4294967297\) has a dimension larger than 2147483647/);
row("pad", () => M.pad(v3, [[2 ** 31 - 1, 2 ** 31 - 1]], { mode: "edge" }), /^\[pad\] The shape \(4294967297\) has a dimension larger than 2147483647/);
row("pad", () => M.pad(x23, -1), /^\[pad\] Invalid padding size \(-1, -1\)/);
row("pad", () => M.pad(x23, 1, { mode: "reflect" }), /^\[pad\] Invalid padding mode 'reflect'/);
row("pad", () => M.pad(x23, 1, { constantValues: v3 }), /^\[pad\] The constant value must be a scalar, got an array of shape \(3\)/);
row("pad", () => M.pad(x23, 1, { value: 3 }), /^\[pad\] Unknown option 'value'; expected mode, constantValues\./);
row("pad", () => M.pad(x23, "1"), /^\[pad\] The pad width must be an integer, a pair of integers or a list of pairs/);
row("asStrided", () => M.asStrided(x23, [3, 3], [3, 1]), /^\[as_strided\] The view \(shape \(3,3\), strides \(3,1\), offset 0\) reaches outside the input's 6 elements/);
row("asStrided", () => M.asStrided(x23, [2 ** 31 - 1, 2 ** 31 - 1, 2], [0, 0, 0]), /^\[as_strided\] The shape \(2147483647,2147483647,2\) has more than 2\^53 elements/);
row("asStrided", () => M.asStrided(x23, [2], [1, 1]), /^\[as_strided\] The shape \(2\) and strides \(1,1\) must have the same length/);
row("asStrided", () => M.asStrided(x23, [2], [1], -1), /^\[as_strided\] The view .* reaches outside the input's 6 elements/);

// ---- indexing ----
row("take", () => M.take(x23, fx.f1), /^\[take\] Indices must be integers, got float32/);
row("take", () => M.take(x23, i3, 2), /^\[take\] Invalid axis 2 for an array with 2 dimensions/);
row("take", () => M.take(x23, b2), /^\[take\] Boolean mask indices are not supported/);
row("take", () => M.take(x23, [1.5]), /^\[take\] Index lists must hold integers only/);
row("take", () => M.take(x23, mx.array([7], mx.int32)).tolist(), /^\[take\] Index 7 is out of bounds for axis 0 with size 6\./, true);
row("take", () => M.take(x23, mx.array([-4], mx.int32), 0).tolist(), /^\[take\] Index -4 is out of bounds for axis 0 with size 2\./, true);
row("takeAlongAxis", () => M.takeAlongAxis(x23, i3, 0), /^\[take_along_axis\] Indices of dimension 1 does not match array of dimension 2/);
row("takeAlongAxis", () => M.takeAlongAxis(x23, fx.f11, 0), /^\[take_along_axis\] Indices must be integers, got float32/);
row("takeAlongAxis", () => M.takeAlongAxis(x23, mx.array([[3]], mx.int32), 1).tolist(), /^\[take_along_axis\] Index 3 is out of bounds for axis 1 with size 3\./, true);
row("putAlongAxis", () => M.putAlongAxis(x23, i3, 0, 0), /^\[put_along_axis\] Indices of dimension 1 does not match array of dimension 2/);
row("putAlongAxis", () => M.putAlongAxis(x23, fx.f11, 0, 0), /^\[put_along_axis\] Indices must be integers, got float32/);
row("putAlongAxis", () => M.putAlongAxis(x23, fx.i11, "v", 0), /^\[put_along_axis\] Expected an mx\.Array or a JS number.*got string v/);
row("putAlongAxis", () => M.putAlongAxis(x23, mx.array([[-3]], mx.int32), 1, 0).tolist(), /^\[put_along_axis\] Index -3 is out of bounds for axis 0 with size 2\./, true);
row("sliceDynamic", () => M.sliceDynamic(x23, fx.f1, [0], [1, 3]), /^\[slice_dynamic\] Indices must be integers, got float32/);
row("sliceDynamic", () => M.sliceDynamic(x23, [0], [0], [3, 3]), /^\[slice_dynamic\] Invalid slice size \(3,3\) for an array of shape \(2,3\)/);
row("sliceDynamic", () => M.sliceDynamic(x23, [0, 0], [0], [1, 3]), /^\[slice_dynamic\] The start indices have 2 elements but 1 axes were given/);
row("sliceDynamic", () => M.sliceDynamic(x23, [2], [0], [1, 3]).tolist(), /^\[slice_dynamic\] Index 2 is out of bounds for axis 0 with size 2\./, true);
row("sliceUpdate", () => M.sliceUpdate(x23, fx.o33, [0], [0]), /^\[slice_update\] The update of shape \(3,3\) does not fit in the array of shape \(2,3\)/);
row("sliceUpdate", () => M.sliceUpdate(x23, v3, [0], [2]), /^\[slice_update\] Invalid axis 2 for an array with 2 dimensions/);
row("sliceUpdate", () => M.sliceUpdate(x23, v3, [5], [0]).tolist(), /^\[slice_update\] Index 5 is out of bounds for axis 0 with size 2\./, true);
row("slice", () => M.slice(0.5), /^\[slice\] The start must be an integer, null or undefined, got number 0.5/);
row("slice", () => M.slice(0, 2, 0), /^\[slice\] Slice step cannot be zero/);

// ---- linear algebra and convolutions ----
row("matmul", () => mx.matmul(x23, x23), /^\[matmul\] Last dimension of first input with shape \(2,3\) must match second to last dimension of second input with shape \(2,3\)/);
row("matmul", () => mx.matmul(s0, x23), /^\[matmul\] Got 0 dimension input/);
row("matmul", () => mx.matmul(i3, i3), /^\[matmul\] Only real floating point types are supported but int32 and int32/);
row("matmul", () => mx.matmul(x23, [[1]] as any), /^\[matmul\] Expected an mx\.Array, got Array/);
row("addmm", () => M.addmm(v3, x23, x23), /^\[addmm\] Last dimension of first input with shape \(2,3\) must match/);
row("addmm", () => M.addmm(v4, x23, fx.x32), /^\[addmm\] Shapes \(4\) and \(2,2\) cannot be broadcast/);
row("addmm", () => M.addmm(v3, x23, fx.x32, { alpha: "2" }), /^\[addmm\] alpha must be a number, got string 2/);
row("outer", () => M.outer(v3, 1), /^\[outer\] b must be an mx\.Array, got number 1/);
row("inner", () => M.inner(x23, v4), /^\[inner\] a\.shape\[-1\] \(3\) must match b\.shape\[-1\] \(4\)/);
row("tensordot", () => M.tensordot(x23, x23, 3), /^\[tensordot\] axes \(3\) is larger than the rank of an input/);
row("tensordot", () => M.tensordot(x23, x23, [[0], [1]]), /^\[tensordot\] Dimension 0 of a \(2\) does not match dimension 1 of b \(3\)/);
row("tensordot", () => M.tensordot(x23, x23, [[0, 1], [0]]), /^\[tensordot\] Both axes lists must have the same length, got 2 and 1/);
row("tensordot", () => M.tensordot(x23, x23, [[5], [0]]), /^\[tensordot\] Invalid axis 5 for an array with 2 dimensions/);
row("einsum", () => M.einsum("ij,jk->ik", x23, x23), /^\[einsum\] Size of label 'j' does not match: 3 vs 2/);
row("einsum", () => M.einsum("ij->i", x23, x23), /^\[einsum\] Number of operands \(2\) does not match the subscripts \(1\)/);
row("einsum", () => M.einsum("i$->i", x23), /^\[einsum\] Invalid character '\$'/);
row("einsum", () => M.einsum("ijk->i", x23), /^\[einsum\] Operand 0 has 2 dimensions but its subscripts "ijk" name 3/);
row("einsum", () => M.einsum(5, x23), /^\[einsum\] subscripts must be a string, got number 5/);
row("conv1d", () => M.conv1d(img, fx.w232), /^\[conv1d\] Expected the input to have 3 dimensions \(N, L, C\), got shape \(1,4,4,2\)/);
row("conv1d", () => M.conv1d(seq, fx.w233), /^\[conv1d\] Expected the input's channels \(2\) to equal the weight's input channels \(3\)/);
row("conv1d", () => M.conv1d(seq, fx.w232, { stride: 0 }), /^\[conv1d\] Stride must be positive, got 0/);
row("conv1d", () => M.conv1d(seq, fx.w292), /^\[conv1d\] The padded input \(5\) is smaller than the dilated kernel \(9\)/);
row("conv2d", () => M.conv2d(img, fx.w2112, { strides: 2 }), /^\[conv2d\] Unknown option 'strides'; expected stride, padding, dilation, groups\./);
row("conv2d", () => M.conv2d(seq, fx.w2332), /^\[conv2d\] Expected the input to have 4 dimensions \(N, H, W, C\), got shape \(1,5,2\)/);
row("conv2d", () => M.conv2d(img, fx.w3111, { groups: 2 }), /^\[conv2d\] The output channels \(3\) must be divisible by groups \(2\)/);
row("conv2d", () => M.conv2d(img, fx.w2112, { padding: [1, 2, 3] }), /^\[conv2d\] padding must be an integer or a pair of integers array, got Array/);
row("conv2d", () => M.conv2d(fx.imgInt, fx.w2112Int), /^\[conv2d\] Only real floating point types are supported/);
row("convTranspose1d", () => M.convTranspose1d(seq, fx.w23), /^\[conv_transpose1d\] Expected the weight to have 3 dimensions \(O, K, C\), got shape \(2,3\)/);
row("convTranspose1d", () => M.convTranspose1d(seq, fx.w232, { dilation: -1 }), /^\[conv_transpose1d\] Dilation must be positive, got -1/);
row("convTranspose2d", () => M.convTranspose2d(img, fx.w2335), /^\[conv_transpose2d\] Expected the input's channels \(2\) to equal the weight's input channels \(5\)/);
row("convTranspose2d", () => M.convTranspose2d(img, fx.w2332, "same"), /^\[conv_transpose2d\] Expected an options object, got string same/);

// ---- mx.fast ----
row("fast.rmsNorm", () => M.fast.rmsNorm(x23, v4), /^\[rms_norm\] weight of size 4 does not match the last axis of the input with shape \(2,3\)/);
row("fast.rmsNorm", () => M.fast.rmsNorm(x23, null, "1e-5"), /^\[rms_norm\] eps must be a number, got string 1e-5/);
row("fast.rmsNorm", () => M.fast.rmsNorm(s0, null), /^\[rms_norm\] The input must have at least one dimension/);
row("fast.layerNorm", () => M.fast.layerNorm(x23, v3, x23), /^\[layer_norm\] bias must have 1 dimension, got 2/);
row("fast.layerNorm", () => M.fast.layerNorm(x23, "w", null), /^\[layer_norm\] weight must be an mx\.Array, got string w/);
row("fast.rope", () => M.fast.rope(x23, 3), /^\[rope\] dims must be a positive even number, got 3/);
row("fast.rope", () => M.fast.rope(x23, 4), /^\[rope\] dims \(4\) is larger than the feature size \(3\)/);
row("fast.rope", () => M.fast.rope(x23, 2, { bse: 10 }), /^\[rope\] Unknown option 'bse'; expected traditional, base, scale, offset\./);
row("fast.rope", () => M.fast.rope(v4, 2), /^\[rope\] The input must have at least 2 dimensions/);
row("fast.rope", () => M.fast.rope(x23, 2, { base: "1e4" }), /^\[rope\] base must be a number, got string 1e4/);
row("fast.rope", () => M.fast.rope(x23, 2, { traditional: 1 }), /^\[rope\] traditional must be a boolean, got number 1/);
row("fast.scaledDotProductAttention", () => M.fast.scaledDotProductAttention(q4, x23, q4), /^\[scaled_dot_product_attention\] Expected queries, keys and values with 4 dimensions \(B, N, T, D\)/);
row("fast.scaledDotProductAttention", () => M.fast.scaledDotProductAttention(q4, q4, q4, { mask: "upper" }), /^\[scaled_dot_product_attention\] Unknown mask "upper"/);
row("fast.scaledDotProductAttention", () => M.fast.scaledDotProductAttention(q4, q4, q4, { mask: v4 }), /^\[scaled_dot_product_attention\] Shapes \(4\) and \(1,2,3,3\) cannot be broadcast/);
row("fast.scaledDotProductAttention", () => M.fast.scaledDotProductAttention(q4, fx.k1235, q4), /^\[scaled_dot_product_attention\] Queries and keys have different feature sizes \(4 and 5\)/);
row("fast.scaledDotProductAttention", () => M.fast.scaledDotProductAttention(x23, q4, q4), /^\[scaled_dot_product_attention\] Expected queries, keys and values with 4 dimensions/);

// ---- mx.random ----
row("random.seed", () => M.random.seed(-1), /^\[seed\] The seed must be a non-negative integer, got number -1/);
row("random.key", () => M.random.key(1.5), /^\[key\] The seed must be a non-negative integer, got number 1.5/);
row("random.split", () => M.random.split(x23), /^\[split\] Expected key type uint32 but received float32/);
row("random.split", () => M.random.split(key, -1), /^\[split\] The number of keys must be non-negative, got -1/);
row("random.split", () => M.random.split([0, 1]), /^\[split\] The key must be an mx\.Array, got Array/);
row("random.bits", () => M.random.bits([2], 3), /^\[bits\] Bit width must be in \{1, 2, 4\} but got 3/);
row("random.bits", () => M.random.bits([2], 4, { key: fx.key3 }), /^\[bits\] Expected key shape \(2\) but received \(3\)/);
row("random.uniform", () => M.random.uniform(0, 1, [2], { dtype: mx.int32 }), /^\[uniform\] Can only generate uniform numbers with real floating point type/);
row("random.uniform", () => M.random.uniform(v3, 1, [2]), /^\[uniform\] Shapes \(2\) and \(3\) cannot be broadcast/);
row("random.uniform", () => M.random.uniform(0, 1, [-1]), /^\[uniform\] Negative dimension in shape \(-1\)/);
row("random.uniform", () => M.random.uniform("0", 1), /^\[uniform\] Expected an mx\.Array or a JS number.*got string 0/);
row("random.normal", () => M.random.normal([2], { dtype: mx.uint8 }), /^\[normal\] Can only generate normal numbers with floating point type/);
row("random.normal", () => M.random.normal([2], { scale: "1" }), /^\[normal\] scale must be a number, got string 1/);
row("random.normal", () => M.random.normal([2], { std: 2 }), /^\[normal\] Unknown option 'std'; expected dtype, loc, scale, key\./);
row("random.normal", () => M.random.normal([2 ** 31 - 1, 2 ** 31 - 1, 2]), /^\[normal\] The shape \(2147483647,2147483647,2\) has more than 2\^53 elements/);
row("random.normal", () => M.random.normal("2"), /^\[normal\] The shape must be an integer or a list of integers, got string 2/);
row("random.randint", () => M.random.randint(0, 5, [2], { dtype: mx.float32 }), /^\[randint\] randint only accepts integer dtypes and bool/);
row("random.randint", () => M.random.randint(0, v3, [2]), /^\[randint\] Shapes \(2\) and \(3\) cannot be broadcast/);
row("random.bernoulli", () => M.random.bernoulli(i3), /^\[bernoulli\] bernoulli probability `p` must be a float type/);
row("random.bernoulli", () => M.random.bernoulli(v3, [2]), /^\[bernoulli\] Shapes \(2\) and \(3\) cannot be broadcast/);
row("random.truncatedNormal", () => M.random.truncatedNormal(0, 1, [2], { dtype: mx.int32 }), /^\[truncated_normal\] truncated_normal only accepts floating point dtypes/);
row("random.truncatedNormal", () => M.random.truncatedNormal(0, 1, [2], { key: fx.key3 }), /^\[truncated_normal\] Expected key shape \(2\) but received \(3\)/);
row("random.normal", () => M.random.normal([2], { key: fx.key3 }), /^\[normal\] Expected key shape \(2\) but received \(3\)/);
row("random.truncatedNormal", () => M.random.truncatedNormal(v3, v4), /^\[truncated_normal\] Shapes \(3\) and \(4\) cannot be broadcast/);
row("random.gumbel", () => M.random.gumbel([2], { dtype: mx.int32 }), /^\[gumbel\] Can only generate gumbel numbers with real floating point type/);
row("random.categorical", () => M.random.categorical(x23, { axis: 2 }), /^\[categorical\] Invalid axis 2 for logits with 2 dimensions/);
row("random.categorical", () => M.random.categorical(x23, { shape: [2], numSamples: 2 }), /^\[categorical\] At most one of shape or num_samples can be specified/);
row("random.categorical", () => M.random.categorical([1, 2]), /^\[categorical\] Expected an mx\.Array of logits, got Array/);
row("random.categorical", () => M.random.categorical(x23, { shape: [3] }), /^\[categorical\] Shapes \(3\) and \(2\) cannot be broadcast/);
row("random.permutation", () => M.random.permutation("3"), /^\[permutation\] Expected an mx\.Array or an integer, got string 3/);
row("random.permutation", () => M.random.permutation(-1), /^\[permutation\] n must be non-negative, got -1/);
row("random.permutation", () => M.random.permutation(2.5), /^\[permutation\] n must be an integer, got number 2\.5/);
row("random.permutation", () => M.random.permutation(v3, { axis: 1 }), /^\[permutation\] axis 1 is out of bounds for an array with 1 dimensions/);
row("random.permutation", () => M.random.permutation(s0), /^\[permutation\] axis 0 is out of bounds for an array with 0 dimensions/);
row("random.permutation", () => M.random.permutation(v3, { axis: "0" }), /^\[permutation\] The axis must be an integer, got string 0/);
row("random.permutation", () => M.random.permutation(3, { key: fx.key3 }), /^\[permutation\] Expected key shape \(2\) but received \(3\)/);
row("random.permutation", () => M.random.permutation(3, { key: i3 }), /^\[permutation\] Expected key type uint32 but received int32/);
row("random.permutation", () => M.random.permutation(v3, 0), /^\[permutation\] Expected an options object, got number 0/);
row("random.laplace", () => M.random.laplace([2], { dtype: mx.int32 }), /^\[laplace\] Only real floating point types are supported/);
row("random.laplace", () => M.random.laplace([-1]), /^\[laplace\] Negative dimension in shape \(-1\)/);
row("random.laplace", () => M.random.laplace([2], { scale: "1" }), /^\[laplace\] scale must be a number, got string 1/);
row("random.laplace", () => M.random.laplace([2], { b: 1 }), /^\[laplace\] Unknown option 'b'; expected dtype, loc, scale, key\./);
row("random.laplace", () => M.random.laplace([2], { key: fx.key3 }), /^\[laplace\] Expected key shape \(2\) but received \(3\)/);
row("random.multivariateNormal", () => M.random.multivariateNormal(fx.i2, x23, [], { dtype: mx.float16 }), /^\[multivariate_normal\] dtype must be float32/);
row("random.multivariateNormal", () => M.random.multivariateNormal(s0, fx.o33), /^\[multivariate_normal\] mean must have at least one dimension/);
row("random.multivariateNormal", () => M.random.multivariateNormal(v3, v3), /^\[multivariate_normal\] cov must have at least two dimensions/);
row("random.multivariateNormal", () => M.random.multivariateNormal(v3, x23), /^\[multivariate_normal\] last two dimensions of cov must be equal/);
row("random.multivariateNormal", () => M.random.multivariateNormal(v4, fx.o33), /^\[multivariate_normal\] mean and cov must have compatible shapes/);
row("random.multivariateNormal", () => M.random.multivariateNormal(x23, fx.o33, [4]), /^\[multivariate_normal\] Shapes \(2\) and \(4\) cannot be broadcast/);
row("random.multivariateNormal", () => M.random.multivariateNormal([0, 0], fx.o33), /^\[multivariate_normal\] Expected an mx\.Array as mean, got Array/);
row("random.multivariateNormal", () => M.random.multivariateNormal(v3, fx.o33, [-2]), /^\[multivariate_normal\] Negative dimension in shape \(-2\)/);

// ---- issue 19's bad inputs (found by test/fuzz): deep trees, missing functions, odd values ----
// One depth limit for trees (10,000 levels, tree.ts's MAX_TREE_DEPTH) and one
// dimension limit for arrays (64, the core's kMaxNdim) whose tagged errors
// replace "RangeError: Maximum call stack size exceeded"; each walk is iterative.
const deep = (n: number, leaf: unknown = 1): unknown => {
  let t = leaf;
  for (let i = 0; i < n; ++i) t = [t];
  return t;
};
const deep100k = deep(100_000);
const tooDeep = (tag: string) => new RegExp(`^\\[${tag}\\] The tree is nested deeper than 10000 levels`);
const cyclic: unknown[] = [];
cyclic.push(cyclic);
const ones65 = new Array(65).fill(1);
const x64 = mx.ones(new Array(64).fill(1)); // the most dimensions an array may have
mx.eval(x64);
const f0 = (a: any) => a.sum();
row("array", () => mx.array(deep100k as any), /^\[array\] The nested list is deeper than 64 levels \(or contains itself\); arrays have at most 64 dimensions/);
row("array", () => mx.array(deep(65) as any), /^\[array\] The nested list is deeper than 64 levels/);
row("array", () => mx.array(cyclic as any), /^\[array\] The nested list is deeper than 64 levels \(or contains itself\)/);
row("array", () => mx.array([1], Object.create(null)), /^\[array\] Unknown dtype object; expected one of bool/);
row("array", () => mx.array([1], Symbol("d") as any), /^\[array\] Unknown dtype symbol Symbol\(d\); expected one of bool/);
row("astype", () => mx.astype(x23, Object.create(null)), /^\[astype\] Unknown dtype object; expected one of bool/);
row("fast.rope", () => M.fast.rope(x23, Object.create(null)), /^\[rope\] dims must be an integer, got object/);
row("fast.rope", () => M.fast.rope(x23, 2, { offset: Symbol("o") }), /^\[rope\] offset must be an integer, got symbol Symbol\(o\)/);
row("pad", () => M.pad(x23, 1, { mode: Object.create(null) }), /^\[pad\] Invalid padding mode object: expected 'constant' or 'edge'/);
row("eval", () => mx.eval(deep100k), tooDeep("eval"));
row("eval", () => mx.eval(cyclic), /^\[eval\] The tree is nested deeper than 10000 levels \(or contains itself\)/);
row("exportToDot", () => mx.exportToDot(deep100k), tooDeep("export_to_dot"));
row("dispose", () => mx.dispose(deep100k), tooDeep("dispose"));
row("keep", () => mx.keep(deep100k), tooDeep("keep"));
row("tidy", () => mx.tidy(5 as any), /^\[tidy\] Expected a function, got a number \(5\)/);
row("tidy", () => mx.tidy(() => [mx.ones([2]), deep100k]), tooDeep("tidy")); // and the ones([2]) is freed
row("setCacheLimit", () => mx.setCacheLimit(1n as any), /^\[setCacheLimit\] The limit must be a number of bytes >= 0, got bigint 1/);
row("setCacheLimit", () => mx.setCacheLimit(Symbol("s") as any), /^\[setCacheLimit\] The limit must be a number of bytes >= 0, got symbol Symbol\(s\)/);
row("setCacheLimit", () => mx.setCacheLimit(NaN), /^\[setCacheLimit\] The limit must be a number of bytes >= 0, got number NaN/);
row("grad", () => mx.grad(f0)(deep100k), tooDeep("grad"));
row("grad", () => mx.grad(f0, { argnames: 1 } as any), /^\[grad\] argnames must be a string or a list of strings, got a number \(1\)/);
row("grad", () => mx.grad(f0, { argnums: {} } as any), /^\[grad\] argnums must be an integer or a list of integers, got an object of type Object/);
row("grad", () => mx.grad(5 as any), /^\[grad\] Expected a function, got a number \(5\)/);
row("valueAndGrad", () => mx.valueAndGrad(f0, { argnames: Object.create(null) } as any), /^\[valueAndGrad\] argnames must be a string or a list of strings, got an object of type object/);
row("valueAndGrad", () => mx.valueAndGrad(f0)(deep100k), tooDeep("valueAndGrad"));
row("vjp", () => mx.vjp(f0, deep100k as any, [s0]), /^\[vjp\] primals must contain only arrays, but element 0 is a JS array of length 1/);
row("jvp", () => mx.jvp(f0, [v3], cyclic as any), /^\[jvp\] tangents must contain only arrays, but element 0 is a JS array of length 1/);
row("vmap", () => mx.vmap(f0)(deep100k), tooDeep("vmap"));
row("vmap", () => mx.vmap(f0, { inAxes: deep100k as any })(deep100k), tooDeep("vmap"));
row("vmap", () => mx.vmap(f0, 5 as any), /^\[vmap\] Expected an options object, got number 5/);
row("vmap", () => mx.vmap(f0, { inAxes: 2 ** 32 })(v3), /^\[vmap\] Inputs axes must be integers or null, got 4294967296/);
row("compile", () => mx.compile(f0)(deep100k), tooDeep("compile"));
row("compile", () => mx.compile(f0, { outputs: v3 }), /^\[compile\] outputs must be a tree of arrays \(a JS array, a plain object or an nn\.Module\), got an array of shape \(3\); wrap a single array as \[x\] or \{x\}/);
row("compile", () => mx.compile(f0, { inputs: v3 }), /^\[compile\] inputs must be a tree of arrays \(a JS array, a plain object or an nn\.Module\), got an array of shape/);
row("compile", () => mx.compile(f0, { shapeless: 1 } as any), /^\[compile\] shapeless must be a boolean, got number 1/);
row("compile", () => mx.compile(f0, { output: {} } as any), /^\[compile\] Unknown option 'output'; expected inputs, outputs, shapeless, fuse/);
// Found by the fuzzer: x.data() on a tracer inside vmap gave a rejected promise that the transform
// dropped, so Node ended the process on an unhandled rejection. A returned promise is an error now.
const promised = /The function returned a Promise: transforms trace synchronous functions/;
row("vmap", () => mx.vmap((a: any) => a.data())(v3), new RegExp(`^\\[vmap\\] ${promised.source}`));
row("grad", () => mx.grad(async (a: any) => a.sum())(v3), new RegExp(`^\\[grad\\] ${promised.source}`));
row("compile", () => mx.compile(async (a: any) => a)(v3), new RegExp(`^\\[compile\\] ${promised.source}`));
row("customFunction", () => M.customFunction(f0)(deep100k), tooDeep("customFunction"));
row("customFunction", () => M.customFunction(f0).vjp(5), /^\[customFunction\] The vjp rule must be a function, got a number \(5\)/);
row("checkpoint", () => M.checkpoint(f0)(deep100k), tooDeep("checkpoint"));
row("Array#index", () => x23.index(deep100k as any), /^\[index\] The nested list is deeper than 64 levels/);
row("Array#at", () => x23.at(deep100k as any).add(1), /^\[at\] The nested list is deeper than 64 levels/);
row("take", () => M.take(x23, cyclic), /^\[take\] The nested list is deeper than 64 levels \(or contains itself\)/);
// More than 64 dimensions: refused where the array would be made, by every op.
row("expandDims", () => mx.expandDims(x64, 0), /^\[expand_dims\] The shape has 65 dimensions; at most 64 are supported/);
row("reshape", () => mx.reshape(s0, ones65), /^\[reshape\] The shape has 65 dimensions; at most 64 are supported/);
row("broadcastTo", () => mx.broadcastTo(s0, ones65), /^\[broadcast_to\] The shape has 65 dimensions; at most 64 are supported/);
row("zeros", () => mx.zeros(new Array(100_000).fill(1)), /^\[zeros\] The shape has 100000 dimensions; at most 64 are supported/);
row("random.normal", () => M.random.normal(ones65), /^\[normal\] The shape has 65 dimensions; at most 64 are supported/);
row("stack", () => M.stack([x64, x64]), /^\[stack\] The shape has 65 dimensions; at most 64 are supported/);
row("Array#index", () => x64.index(null), /^\[index\] The shape has 65 dimensions; at most 64 are supported/);
// mx.tree (mlx.utils)
row("tree.unflatten", () => M.tree.unflatten(3), /^\[tree.unflatten\] Expected a list of \[path, value\] pairs, got number 3/);
row("tree.unflatten", () => M.tree.unflatten(), /^\[tree.unflatten\] Expected a list of \[path, value\] pairs, got undefined/);
row("tree.unflatten", () => M.tree.unflatten([[1, 2]]), /^\[tree.unflatten\] Expected a list of \[path, value\] pairs with string paths, but element 0 is a list of length 2 whose path is number 1/);
row("tree.unflatten", () => M.tree.unflatten([2, 3]), /^\[tree.unflatten\] Expected a list of \[path, value\] pairs with string paths, but element 0 is number 2/);
row("tree.unflatten", () => M.tree.unflatten([["a", 1], ["a.b", 2]]), /^\[tree.unflatten\] The path 'a.b' goes through 'a', which is a leaf/);
row("tree.unflatten", () => M.tree.unflatten([["a.b", 1], ["a", 2]]), /^\[tree.unflatten\] The path 'a' is a leaf and also holds other paths below it/);
row("tree.unflatten", () => M.tree.unflatten([[".".repeat(10_000), 1]]), /^\[tree.unflatten\] The tree is nested deeper than 10000 levels/);
row("tree.map", () => M.tree.map(5, x23), /^\[tree.map\] Expected a function, got number 5/);
row("tree.map", () => M.tree.map((a: unknown) => a, deep100k), tooDeep("tree.map"));
row("tree.map", () => M.tree.map((a: unknown) => a, [1, 2], [1]), /^\[tree.map\] The trees do not have the same structure/);
// Found by the fuzzer: fn ran on 9,999 leaves of a cyclic tree before the walk failed, and the
// arrays it returned were lost. The trees are now checked before fn sees a leaf (the row's leak check).
row("tree.map", () => M.tree.map(() => mx.array(1), { self: cyclic }), tooDeep("tree.map"));
row("tree.map", () => M.tree.map(() => mx.array(1), [1, 2, 3], [1, 2]), /^\[tree.map\] The trees do not have the same structure/);
row("tree.flatten", () => M.tree.flatten(deep100k), tooDeep("tree.flatten"));
row("tree.flatten", () => M.tree.flatten(cyclic), tooDeep("tree.flatten"));
row("tree.flatten", () => M.tree.flatten([1], 5), /^\[tree.flatten\] The prefix must be a string, got number 5/);
row("tree.leaves", () => M.tree.leaves({ a: deep100k }), tooDeep("tree.leaves"));

// ---- mx.Array members ----
row("Array#item", () => x23.item(), /^\[item\] item\(\) can only be called on arrays of size 1, got shape \(2,3\)/);
row("Array#itemNumber", () => x23.itemNumber(), /^\[itemNumber\] itemNumber\(\) can only be called on arrays of size 1, got shape \(2,3\)/);
// (lazy: the rows' own one-element arrays are made inside the tidy)
row("Array#itemNumber", () => mx.array(true).itemNumber(), /^\[itemNumber\] itemNumber\(\) reads a number, but the array has dtype bool/, true);
row("Array#itemBool", () => mx.array(1).itemBool(), /^\[itemBool\] itemBool\(\) reads a boolean, but the array has dtype float32/, true);
row("Array#itemBigInt", () => mx.array(1, mx.int32).itemBigInt(), /^\[itemBigInt\] itemBigInt\(\) reads a bigint, but the array has dtype int32/, true);
row("Array#astype", () => x23.astype("float128"), /^\[astype\] Unknown dtype float128/);
for (const [name, tag] of Object.entries({ add: "add", sub: "subtract", subtract: "subtract", mul: "multiply", multiply: "multiply", div: "divide", divide: "divide", maximum: "maximum", minimum: "minimum", equal: "equal", notEqual: "not_equal", less: "less", lessEqual: "less_equal", greater: "greater", greaterEqual: "greater_equal", pow: "power", power: "power" })) {
  row(`Array#${name}`, () => (x23 as any)[name](v4), new RegExp(`^\\[${tag}\\] ${shapes23_4.source}`));
  row(`Array#${name}`, () => (x23 as any)[name]("2"), new RegExp(`^\\[${tag}\\] Expected an mx\\.Array or a JS number.*got string 2`));
}
row("Array#matmul", () => x23.matmul(x23), /^\[matmul\] Last dimension of first input with shape \(2,3\)/);
row("Array#matmul", () => x23.matmul(2 as any), /^\[matmul\] Expected an mx\.Array, got number 2/);
for (const name of ["sum", "prod", "mean", "max", "min", "all", "any", "var", "std", "logsumexp"]) {
  row(`Array#${name}`, () => (x23 as any)[name](-3), new RegExp(`^\\[${name}\\] Invalid axis -3 for an array with 2 dimensions`));
  row(`Array#${name}`, () => (x23 as any)[name](0, 1), new RegExp(`^\\[${name}\\] keepdims must be a boolean, got number 1`));
}
row("Array#var", () => x23.var(0, false, 0.5), /^\[var\] ddof must be an integer/);
row("Array#std", () => x23.std(0, false, 0.5), /^\[std\] ddof must be an integer/);
row("Array#argmax", () => x23.argmax(2), /^\[argmax\] Invalid axis 2 for an array with 2 dimensions/);
row("Array#argmin", () => x23.argmin(2), /^\[argmin\] Invalid axis 2 for an array with 2 dimensions/);
for (const name of ["cumsum", "cumprod", "cummax", "cummin"]) {
  row(`Array#${name}`, () => (x23 as any)[name](2), new RegExp(`^\\[${name}\\] Invalid axis 2 for an array with 2 dimensions`));
  row(`Array#${name}`, () => (x23 as any)[name](0, { inclusive: "no" }), new RegExp(`^\\[${name}\\] inclusive must be a boolean`));
}
row("Array#reshape", () => x23.reshape(4, 2), /^\[reshape\] Cannot reshape array of size 6 into shape \(4,2\)/);
row("Array#reshape", () => x23.reshape("6" as any), /^\[reshape\] The shape must be an integer or a list of integers/);
row("Array#transpose", () => x23.transpose(0), /^\[transpose\] Received 1 axes for an array with 2 dimensions/);
row("Array#transpose", () => x23.transpose(1, 1), /^\[transpose\] Repeated axis 1 in the permutation/);
row("Array#flatten", () => x23.flatten(0, 4), /^\[flatten\] Invalid axis 4 for an array with 2 dimensions/);
row("Array#moveaxis", () => x23.moveaxis(2, 0), /^\[moveaxis\] Invalid axis 2 for an array with 2 dimensions/);
row("Array#swapaxes", () => x23.swapaxes(0, -3), /^\[swapaxes\] Invalid axis -3 for an array with 2 dimensions/);
row("Array#split", () => x23.split(4, 1), /^\[split\] Array split does not result in sub arrays with equal size/);
row("Array#squeeze", () => x23.squeeze(1), /^\[squeeze\] Cannot squeeze axis 1 with size 3 != 1/);
row("Array#round", () => x23.round(0.5), /^\[round\] decimals must be an integer, got number 0.5/);
row("Array#neg", () => b2.neg(), /^\[negative\] Not supported for bool, use logical_not instead/);
row("Array#negative", () => b2.negative(), /^\[negative\] Not supported for bool, use logical_not instead/);
row("Array#index", () => x23.index(0, 0, 0), /^\[index\] Too many indices for an array with 2 dimensions \(got 3\)/);
row("Array#index", () => x23.index(2), /^\[index\] Index 2 is out of bounds for axis 0 with size 2\./);
row("Array#index", () => x23.index(0.5), /^\[index\] Indices must be integers, got 0.5/);
row("Array#index", () => x23.index("...", "..."), /^\[index\] An index can only have a single ellipsis/);
row("Array#index", () => x23.index({} as any), /^\[index\] Unsupported index Object/);
row("Array#index", () => x23.index(fx.f1), /^\[index\] Indices must be integers, got float32/);
row("Array#index", () => x23.index(b2), /^\[index\] Boolean mask indices are not supported/);
row("Array#index", () => x23.index(fx.i2, i3), /^\[index\] Shapes \(2\) and \(3\) cannot be broadcast/);
row("Array#index", () => x23.index(mx.slice(), mx.array([3], mx.int32)).tolist(), /^\[index\] Index 3 is out of bounds for axis 1 with size 3\./, true);
row("Array#at", () => x23.at(0).add(v4), /^\[at\] Cannot broadcast the update of shape \(4\) to the indexed shape \(3\)/);
row("Array#at", () => x23.at(5).set(1), /^\[at\] Index 5 is out of bounds for axis 0 with size 2\./);
row("Array#at", () => x23.at(fx.f1).set(1), /^\[at\] Indices must be integers, got float32/);
row("Array#at", () => x23.at(0).set("v" as any), /^\[at\] Expected an mx\.Array or a JS number.*got string v/);
row("Array#at", () => x23.at(mx.array([0, -3], mx.int32)).add(1).tolist(), /^\[at\] Index -3 is out of bounds for axis 0 with size 2\./, true);

row("setDefaultDevice", () => mx.setDefaultDevice("tpu" as any), /^\[setDefaultDevice\] Expected mx\.cpu or mx\.gpu, got string "?tpu"?/);
row("setDefaultDevice", () => mx.setDefaultDevice(mx.gpu), /^\[setDefaultDevice\] No GPU is open: call `await mx\.init\(\{gpu: true\}\)` first\./);
row("withDevice", () => mx.withDevice(3 as any, () => 1), /^\[withDevice\] Expected mx\.cpu or mx\.gpu, got number 3/);
row("withDevice", () => mx.withDevice(mx.cpu, 5 as any), /^\[withDevice\] Expected a function to run, got number 5/);
// ---- the ops composed in TypeScript (ts/ops_extra/) ----
for (const name of ["degrees", "radians", "isposinf", "isneginf", "trunc"])
  row(name, () => M[name]("x"), new RegExp(`^\\[${name}\\] Expected an mx\\.Array or a JS number, boolean or bigint, got string x`));
row("logicalXor", () => M.logicalXor(x23, {}), /^\[logical_xor\] Expected an mx\.Array or a JS number.*got Object/);
row("logicalXor", () => mx.logicalXor(x23, v4), /^\[logical_xor\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("positive", () => M.positive([1]), /^\[positive\] Expected an mx\.Array, got Array/);
row("nanToNum", () => M.nanToNum(x23, "0"), /^\[nan_to_num\] nan must be a number, got string 0/);
row("nanToNum", () => M.nanToNum(x23, { nan: 1, inf: 2 }), /^\[nan_to_num\] Unknown option 'inf'; expected nan, posinf, neginf/);
row("divmod", () => mx.divmod(x23, v4), /^\[divmod\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("divmod", () => M.divmod("a", x23), /^\[divmod\] Expected an mx\.Array or a JS number.*got string a/);
row("fullLike", () => M.fullLike(x23, 1, "int3"), /^\[full_like\] Unknown dtype int3/);
row("fullLike", () => M.fullLike(3, 1), /^\[full_like\] Expected an mx\.Array, got number 3/);
row("flip", () => mx.flip(x23, [0, 2]), /^\[flip\] Axis 2 is out of bounds for array with 2 dimensions/);
row("flip", () => M.flip(x23, "0"), /^\[flip\] The axis must be an integer or a list of integers, got string 0/);
row("roll", () => mx.roll(x23, [1], [0, 1]), /^\[roll\] At least one shift value per axis is required, 1 provided for 2 axes/);
row("roll", () => mx.roll(x23, 1.5), /^\[roll\] The shift must be an integer, got number 1.5/);
row("roll", () => mx.roll(x23, 1, -3), /^\[roll\] Invalid axis -3 for array with 2 dimensions/);
row("roll", () => mx.roll(x23, 1, 0.5), /^\[roll\] The axis must be an integer or a list of integers, got number 0.5/);
row("atleast1d", () => M.atleast1d(x23, 2), /^\[atleast_1d\] Expected an mx\.Array at position 1, got number 2/);
row("atleast2d", () => M.atleast2d(), /^\[atleast_2d\] Expected at least one mx\.Array/);
row("atleast3d", () => M.atleast3d("x"), /^\[atleast_3d\] Expected an mx\.Array at position 0, got string x/);
row("permuteDims", () => mx.permuteDims(x23, [0, 0]), /^\[transpose\] Repeated axis 0 in the permutation/);
row("concat", () => mx.concat([x23, v4]), /^\[concatenate\] All the input arrays must have the same number of dimensions/);
row("unstack", () => mx.unstack(x23, { axis: 2 }), /^\[unstack\] Axis 2 is out of bounds for array with 2 dimensions/);
row("unstack", () => M.unstack(x23, { axes: 0 }), /^\[unstack\] Unknown option 'axes'; expected axis/);
row("meshgrid", () => M.meshgrid(v3, { indexing: "ji" }), /^\[meshgrid\] Invalid indexing value. Valid values are 'xy' and 'ij'/);
row("meshgrid", () => M.meshgrid(v3, 4), /^\[meshgrid\] Expected an mx\.Array at position 1, got number 4/);
row("broadcastShapes", () => mx.broadcastShapes([2, 3], [4]), /^\[broadcast_shapes\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("broadcastShapes", () => M.broadcastShapes([2, -1]), /^\[broadcast_shapes\] Expects a sequence of shapes/);
row("diff", () => mx.diff(v3, 1, 1), /^\[diff\] Axis is out of bounds for the array/);
row("diff", () => mx.diff(v3, -1), /^\[diff\] Order `n` must be non-negative/);
row("diagonal", () => mx.diagonal(v3), /^\[diagonal\] Array must have at least two dimensions, but got 1 dimensions/);
row("diagonal", () => mx.diagonal(x23, 0, 1, 1), /^\[diagonal\] axis1 and axis2 cannot be the same axis/);
row("diag", () => mx.diag(fx.w232), /^\[diag\] array must be 1-D or 2-D, got array with 3 dimensions/);
row("diag", () => mx.diag(v3, 0.5), /^\[diag\] k must be an integer, got number 0.5/);
row("trace", () => mx.trace(v3), /^\[trace\] Array must have at least two dimensions, but got 1 dimensions/);
row("trace", () => mx.trace(x23, 0, 0, 1, "float9"), /^\[trace\] Unknown dtype float9/);
row("kron", () => mx.kron(fx.empty, v3), /^\[kron\] Input arrays cannot be empty/);
row("kron", () => M.kron(v3, 2), /^\[kron\] b must be an mx\.Array, got number 2/);
row("vecdot", () => mx.vecdot(v3, v4), /^\[vecdot\] a and b must have the same size along axis/);
row("vecdot", () => mx.vecdot(s0, v3), /^\[vecdot\] inputs must be at least 1D/);
row("countNonzero", () => M.countNonzero(x23, 1), /^\[count_nonzero\] Expected an options object, got number 1/);
row("countNonzero", () => mx.countNonzero(x23, { axis: 2 }), /^\[count_nonzero\] Axis 2 is out of bounds for array with 2 dimensions/);
row("median", () => mx.median(x23, [0, 0]), /^\[median\] Received duplicate axis/);
row("median", () => mx.median(fx.empty), /^\[median\] Cannot take median along empty axis/);
row("logcumsumexp", () => mx.logcumsumexp(x23, 2), /^\[logcumsumexp\] Axis 2 is out of bounds for array with 2 dimensions/);
row("logcumsumexp", () => M.logcumsumexp(x23, 0, { reverse: 1 }), /^\[logcumsumexp\] reverse must be a boolean, got number 1/);
row("partition", () => mx.partition(x23, 3), /^\[partition\] Received invalid kth 3 along axis -1 for array with shape: \(2,3\)/);
row("argpartition", () => mx.argpartition(x23, 0, 2), /^\[argpartition\] Axis 2 is out of bounds for array with 2 dimensions/);
row("searchsorted", () => mx.searchsorted(x23, v3), /^\[searchsorted\] The sorted sequence must be 1-D but has 2 dimensions/);
row("searchsorted", () => M.searchsorted(v3, v3, "up"), /^\[searchsorted\] Invalid side 'up'. Expected 'left' or 'right'/);
for (const name of ["bartlett", "hanning", "hamming", "blackman"])
  row(name, () => M[name]("4"), new RegExp(`^\\[${name}\\] M must be an integer, got string 4`));
row("convolve", () => mx.convolve(x23, v3), /^\[convolve\] Inputs must be 1D/);
row("convolve", () => M.convolve(v3, v3, "wrap"), /^\[convolve\] Invalid mode/);
row("issubdtype", () => M.issubdtype("float32", mx.floating), /^\[issubdtype\] Received invalid type for first input/);
row("isdtype", () => M.isdtype(mx.int8, "whole"), /^\[isdtype\] Unknown data type kind: 'whole'/);
row("resultType", () => M.resultType(x23, "int8"), /^\[result_type\] Inputs must be arrays or dtypes/);
row("canCast", () => M.canCast(mx.int8, "int16"), /^\[can_cast\] `to` must be a dtype, got string int16/);
row("asarray", () => M.asarray(x23, null, { copy: 1 }), /^\[asarray\] copy must be a boolean or null, got number/);
row("toFp8", () => mx.toFp8(i3), /^\[to_fp8\] Only real floating types are supported but x.dtype\(\) == int32/);
row("fromFp8", () => mx.fromFp8(x23), /^\[from_fp8\] Input must have type uint8 but x.dtype\(\) == float32/);
row("Array#diag", () => (x23 as any).diag("1"), /^\[diag\] k must be an integer, got string 1/);
row("Array#diagonal", () => v3.diagonal(), /^\[diagonal\] Array must have at least two dimensions, but got 1 dimensions/);
row("Array#logcumsumexp", () => x23.logcumsumexp(-3), /^\[logcumsumexp\] Axis -3 is out of bounds for array with 2 dimensions/);
// issue 15's third batch: bitwise, quantized, matmul variants, layout, 3-D convolutions
for (const [name, tag] of [["bitwiseAnd", "bitwise_and"], ["bitwiseOr", "bitwise_or"], ["bitwiseXor", "bitwise_xor"], ["leftShift", "left_shift"], ["rightShift", "right_shift"]]) {
  row(name!, () => M[name!](x23, i3), new RegExp(`^\\[${tag}\\] Only allowed on integer or boolean types but got types float32 and int32`));
  row(`Array#${name}`, () => (i3 as any)[name!]({}), new RegExp(`^\\[${tag}\\] Expected an mx\\.Array or a JS number`));
}
row("bitwiseInvert", () => mx.bitwiseInvert(x23), /^\[bitwise_invert\] Bitwise inverse only allowed on integer types/);
row("Array#bitwiseInvert", () => x23.bitwiseInvert(), /^\[bitwise_invert\] Bitwise inverse only allowed on integer types/);
const w64 = mx.ones([2, 64]);
const x32 = mx.ones([3, 2]);
row("quantize", () => mx.quantize(w64, 48), /^\[quantize\] The requested group size 48 is not supported/);
row("quantize", () => M.quantize(w64, 64, 4, { mode: "int4" }), /^\[quantize\] Invalid quantization mode 'int4'\./);
row("quantize", () => mx.quantize(w64, 16, 4, { mode: "mxfp4" }), /^\[quantize\] mxfp4 quantization requires group size 32 but got 16\./);
const [wq8, s8] = mx.quantize(w64, 32, 8, { mode: "mxfp8" });
row("dequantize", () => M.dequantize(wq8, s8, v3, null, null, { mode: "mxfp8" }), /^\[dequantize\] Biases must be null for quantization mode 'mxfp8'\./);
row("qqmm", () => mx.qqmm(x23, x23), /^\[qqmm\] The last dimension of the inputs needs to be divisible by the quantization group size 16/);
row("dequantize", () => mx.dequantize(w64, v3, v3), /^\[dequantize\] The matrix should be given as a uint32/);
row("quantizedMatmul", () => mx.quantizedMatmul(x23, w64, v3, v3), /^\[quantized_matmul\] The weight matrix should be uint32 but received float32/);
row("gatherQmm", () => M.gatherQmm(x23, w64, v3, v3, null, null, { bits: 7 }), /^\[gather_qmm\] The requested number of bits 7 is not supported/);
row("gatherMm", () => mx.gatherMm(x23, x23, i3), /^\[gather_mm\] Last dimension of first input with shape \(2,3\) must match/);
row("blockMaskedMm", () => mx.blockMaskedMm(x23, x32, 16, b2), /^\[block_masked_mm\] Only block_sizes 32, 64 are supported/);
row("segmentedMm", () => mx.segmentedMm(x23, x32, i3), /^\[segmented_mm\] The segments should have shape \(\.\.\., 2\)/);
row("hadamardTransform", () => mx.hadamardTransform(x23), /^\[hadamard_transform\] Only supports n = m\*2\^k where m in \(1, 12, 20, 28\)/);
row("view", () => mx.view(v3, mx.float64), /^\[view\] When viewing as a larger dtype, the size in bytes of the last axis/);
row("contiguous", () => M.contiguous(x23, 1), /^\[contiguous\] allowColMajor must be a boolean, got number 1/);
row("depends", () => M.depends([x23], "v3"), /^\[depends\] Expected a list of mx\.Arrays/);
row("conv3d", () => M.conv3d(img, img, { pad: 1 }), /^\[conv3d\] Unknown option 'pad'; expected stride/);
row("convTranspose3d", () => M.convTranspose3d(img, img, { stride: [1, 1] }), /^\[conv_transpose3d\] stride must be an integer or a list of 3 integers/);
row("convGeneral", () => M.convGeneral(seq, seq, { flip: 1 }), /^\[conv_general\] flip must be a boolean, got number 1/);
row("einsumPath", () => mx.einsumPath("ij,jk", x23), /^\[einsum_path\] Number of operands, 1, does not match/);

// ---- complex64 and mx.fft ----
const z3 = mx.array([{ re: 1, im: 2 }, { re: 3, im: -1 }, { re: 0, im: 0.5 }]);
row("complex", () => mx.complex(x23, v4), /^\[complex\] Shapes \(2,3\) and \(4\) cannot be broadcast/);
row("complex", () => mx.complex(x23, "1" as any), /^\[complex\] Expected an mx\.Array or a JS number, boolean or bigint, got string 1/);
row("real", () => M.real([1, 2]), /^\[real\] Expected an mx\.Array, got Array/);
row("imag", () => M.imag(3), /^\[imag\] Expected an mx\.Array, got number 3/);
row("conjugate", () => M.conjugate(null), /^\[conjugate\] Expected an mx\.Array, got null/);
row("conj", () => M.conj("z"), /^\[conj\] Expected an mx\.Array, got string z/);
row("arcsin", () => mx.arcsin(z3), /^\[arcsin\] complex64 is not supported\./);
row("maximum", () => mx.maximum(z3, 1), /^\[maximum\] complex64 is not supported\./);
row("max", () => mx.max(z3), /^\[max\] complex64 is not supported\./);
row("floor", () => mx.floor(z3), /^\[floor\] complex64 is not supported\./);
row("fft.fft", () => mx.fft.fft(x23, 0), /^\[fft.fft\] Invalid FFT output size requested \(0\)/);
row("fft.fft", () => mx.fft.fft(s0), /^\[fft.fft\] Requires array with at least one dimension/);
row("fft.fft", () => mx.fft.fft(x23, null, 2), /^\[fft.fft\] Invalid axis 2 received for array with 2 dimensions/);
row("fft.fft", () => mx.fft.fft(x23, 1.5), /^\[fft.fft\] n must be an integer, got number 1\.5/);
row("fft.ifft", () => mx.fft.ifft(x23, null, -1, "sideways" as any), /^\[fft.ifft\] Invalid norm string sideways\. Expected one of/);
row("fft.rfft", () => M.fft.rfft([1, 2]), /^\[fft.rfft\] Expected an mx\.Array, got Array/);
row("fft.irfft", () => mx.fft.irfft(z3, -2), /^\[fft.irfft\] Invalid FFT output size requested \(-2\)/);
row("fft.fft2", () => mx.fft.fft2(x23, [2, 2, 2]), /^\[fft.fft2\] Shape and axes have different sizes/);
row("fft.ifft2", () => mx.fft.ifft2(v3), /^\[fft.ifft2\] Invalid axis -2 received for array with 1 dimensions/);
row("fft.rfft2", () => mx.fft.rfft2(x23, null, [0, 0]), /^\[fft.rfft2\] Duplicated axis received/);
row("fft.irfft2", () => mx.fft.irfft2(x23, null, [0, "a"] as any), /^\[fft.irfft2\] axes must be an integer, got string a/);
row("fft.fftn", () => mx.fft.fftn(x23, [2, 2]), /^\[fft.fftn\] `axes` should not be `None` if `s` is not `None`/);
row("fft.ifftn", () => mx.fft.ifftn(x23, [2, 0], [0, 1]), /^\[fft.ifftn\] Invalid FFT output size requested \(2,0\)/);
row("fft.rfftn", () => mx.fft.rfftn(x23, null, [5]), /^\[fft.rfftn\] Invalid axis 5 received for array with 2 dimensions/);
row("fft.irfftn", () => mx.fft.irfftn(x23, [3], [0, 1]), /^\[fft.irfftn\] Shape and axes have different sizes/);
row("fft.fftfreq", () => mx.fft.fftfreq(0), /^\[fft.fftfreq\] `n` must be greater than 0/);
row("fft.fftfreq", () => mx.fft.fftfreq(4, 0), /^\[fft.fftfreq\] `d` must be non-zero/);
row("fft.rfftfreq", () => M.fft.rfftfreq(2.5), /^\[fft.rfftfreq\] n must be an integer, got number 2\.5/);
row("fft.fftshift", () => mx.fft.fftshift(x23, [3]), /^\[fft.fftshift\] Invalid axis 3 for array with 2 dimensions/);
row("fft.ifftshift", () => mx.fft.ifftshift(x23, [-3]), /^\[fft.ifftshift\] Invalid axis -3 for array with 2 dimensions/);

// Members of API.md's sections that take no argument that could be wrong (or
// are not ops), each with the reason it has no row.
const noBadArgs: Record<string, string> = {
  // Classes: mx.Array is the type users test with instanceof (arrays come from mx.array and the ops),
  // mx.Dtype the type of mx.float32 etc., mx.Slice what mx.slice() builds (swept through "slice").
  Array: "class, not an op", Dtype: "class, not an op", Slice: "class built by mx.slice (swept)",
  DtypeCategory: "class of mx.floating etc., not an op",
  // Loading, memory and transformations are other sections of API.md, with their own tests.
  init: "Loading section", backendInfo: "Loading section; no arguments",
  memory: "Memory section; no arguments", clearCache: "Memory section; no arguments",
  "Array#dataView": "no arguments (a disposed array's error is tested in data_view.test.ts)",
  asyncEval: "asynchronous: its rejections are tested below",
  disableCompile: "Transformations section; no arguments", enableCompile: "Transformations section; no arguments",
  "tree.isPlainObject": "a predicate: any value is a valid argument",
  // io (API.md's "nn, optimizers, utils, io"): bad files and arguments are tested in test/io.test.ts; the
  // junk sweep would write files named after its junk into the working directory.
  load: "io: test/io.test.ts", save: "io: test/io.test.ts (writes files)", saveSafetensors: "io: test/io.test.ts (writes files)",
  savez: "io: test/io_archives.test.ts (writes files)", savezCompressed: "io: test/io_archives.test.ts (writes files)",
  saveGguf: "io: test/io_archives.test.ts (writes files)",
  // Devices: the class of mx.cpu and mx.gpu, and the getters.
  Device: "class of mx.cpu and mx.gpu, not an op", defaultDevice: "no arguments", gpuAvailable: "no arguments",
  synchronize: "no arguments",
  "Array#device": "getter",
  // Array members without arguments: getters and readers of the array itself.
  "Array#constructor": "internal: wraps a core handle", "Array#handle": "internal getter",
  "Array#disposed": "internal getter", "Array#shape": "getter", "Array#dtype": "getter", "Array#ndim": "getter",
  "Array#size": "getter", "Array#nbytes": "getter", "Array#T": "getter", "Array#dispose": "no arguments",
  "Array#dataSync": "no arguments", "Array#data": "no arguments", "Array#tolist": "no arguments",
  "Array#toString": "no arguments",
  "Array#toJSON": "no arguments (JSON.stringify passes a key, which is ignored)",
  // Unary methods take no argument; their function forms (mx.exp, ...) are swept with bad operands.
  ...Object.fromEntries(
    ["abs", "exp", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "square", "reciprocal", "sin", "cos", "tanh", "sigmoid"]
      .map((n) => [`Array#${n}`, `no arguments; mx.${n} is swept`]),
  ),
};

/** Every function of API.md's "Arrays" and "Operations" that the package exports. */
function exportedOps(): string[] {
  const names: string[] = [];
  for (const [k, v] of Object.entries(mx)) if (typeof v === "function") names.push(k);
  for (const ns of ["random", "fast", "tree", "fft"]) for (const [k, v] of Object.entries(M[ns])) if (typeof v === "function") names.push(`${ns}.${k}`);
  for (const k of Object.getOwnPropertyNames(mx.Array.prototype)) names.push(`Array#${k}`);
  return names;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
/** The tag an op's errors carry: MLX's name for it. */
function tagOf(op: string): string {
  const special: Record<string, string> = {
    "Array#sub": "subtract", "Array#mul": "multiply", "Array#div": "divide", "Array#neg": "negative",
    "Array#pow": "power", sliceDynamic: "slice_dynamic", sliceUpdate: "slice_update",
    atleast1d: "atleast_1d", atleast2d: "atleast_2d", atleast3d: "atleast_3d", toFp8: "to_fp8", fromFp8: "from_fp8",
    // aliases whose errors are those of the op they name, as in MLX
    permuteDims: "transpose", concat: "concatenate",
    // Tags that are the JS names: functions MLX has no C++ op for.
    setCacheLimit: "setCacheLimit", valueAndGrad: "valueAndGrad", customFunction: "customFunction",
    setDefaultDevice: "setDefaultDevice", withDevice: "withDevice",
    "Array#itemNumber": "itemNumber", "Array#itemBool": "itemBool", "Array#itemBigInt": "itemBigInt",
  };
  if (special[op]) return special[op]!;
  return snake(op.replace(/^(random|fast)\./, "").replace(/^Array#/, ""));
}

const live = () => mx.memory().liveArrays;
const stillWorks = () =>
  mx.tidy(() => {
    expect(mx.add(mx.array([1, 2]), 1).tolist()).toEqual([2, 3]);
    // Large enough to run on the pool in the threaded build.
    expect(mx.sum(mx.ones([1 << 17])).item()).toBe(1 << 17);
  });

describe("bad arguments", () => {
  it("every op of API.md's Arrays and Operations has a bad-argument row or a stated reason for none", () => {
    const covered = new Set(cases.map((c) => c.op));
    const missing = exportedOps().filter((op) => !covered.has(op) && !(op in noBadArgs));
    expect(missing).toEqual([]);
    // And no row or reason names something that is not exported (a typo would hide a gap).
    const exported = new Set(exportedOps());
    expect([...covered, ...Object.keys(noBadArgs)].filter((op) => !exported.has(op))).toEqual([]);
  });

  it.each(cases.map((c, i) => [`${c.op} #${i}: ${c.error.source.slice(0, 70)}`, c] as const))("%s", (_, c) => {
    const tag = tagOf(c.op);
    // The expectation itself must name the tag and then the problem.
    expect(c.error.source.startsWith(`^\\[${tag}\\] `)).toBe(true);
    expect(c.error.source.length).toBeGreaterThan(tag.length + 16);
    const before = live();
    let thrown: unknown = null;
    try {
      if (c.lazy) mx.tidy(() => void c.call());
      else {
        const r = c.call();
        mx.dispose(r); // (only if it wrongly succeeded)
      }
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toMatch(c.error);
    expect(live()).toBe(before);
    stillWorks();
    expect(live()).toBe(before);
  });
});

// What the rows can't say: asynchronous calls, errors raised inside a
// transform, the limits' other side (what is still allowed), and state that
// a bad input must not corrupt.
describe("bad inputs: limits and state", () => {
  it("asyncEval rejects a tree nested too deep with a tagged error", async () => {
    const before = live();
    await expect(mx.asyncEval(deep100k)).rejects.toThrowError(tooDeep("asyncEval"));
    await expect(mx.tidy(async () => [mx.ones([2]), deep100k])).rejects.toThrowError(tooDeep("tidy"));
    expect(live()).toBe(before);
    stillWorks();
  });

  it("trees up to 10,000 levels deep work in every walk, without recursion", () => {
    const before = live();
    mx.tidy(() => {
      const a = mx.array([1, 2]);
      const t = deep(10_000 - 1, a); // 9,999 lists around a leaf: 10,000 levels with the argument list
      mx.eval(t);
      // (compared through flatten: vitest's toEqual itself recurses)
      const path = new Array(10_000).fill("0").join(".");
      const flat = M.tree.flatten(deep(10_000, 7));
      expect(flat).toEqual([[path, 7]]);
      expect(M.tree.flatten(M.tree.unflatten(flat))).toEqual([[path, 7]]);
      expect(M.tree.flatten(M.tree.map((v: number, w: number) => v + w, deep(10_000, 7), deep(10_000, 1)))).toEqual([[path, 8]]);
      const g = mx.grad((tree: any) => M.tree.leaves(tree)[0].sum())(deep(5_000, a));
      expect(M.tree.leaves(g)[0].tolist()).toEqual([1, 1]);
      const v = mx.vmap((tree: any) => M.tree.leaves(tree)[0].mul(2))(deep(3_000, a));
      expect(M.tree.leaves(v)[0].tolist()).toEqual([2, 4]);
      const c = mx.compile((tree: any) => M.tree.leaves(tree)[0].add(1))(deep(3_000, a));
      expect(c.tolist()).toEqual([2, 3]);
    });
    expect(live()).toBe(before);
  });

  it("trees keep their order, sparse slots, and '__proto__' keys through the walks", () => {
    const t = { b: [1, , 3], a: { __proto__: null, z: 1 }, [`__proto__`]: 0 }; // eslint-disable-line no-sparse-arrays
    Object.defineProperty(t, "__proto__", { value: 5, enumerable: true }); // an own key named __proto__
    expect(M.tree.flatten(t)).toEqual([["b.0", 1], ["b.2", 3], ["a.z", 1], ["__proto__", 5]]);
    const mapped = M.tree.map((v: number) => v * 10, t);
    expect(Object.getPrototypeOf(mapped)).toBe(Object.prototype);
    expect(Object.keys(mapped)).toEqual(["b", "a", "__proto__"]);
    expect(mapped.b.length).toBe(3);
    expect(1 in mapped.b).toBe(false);
    const u = M.tree.unflatten([["__proto__.polluted", 1], ["constructor", 2]]);
    expect(({} as any).polluted).toBeUndefined(); // no write to Object.prototype
    expect(Object.keys(u)).toEqual(["__proto__", "constructor"]);
    expect(Object.getOwnPropertyDescriptor(u, "__proto__")!.value).toEqual({ polluted: 1 });
    expect(M.tree.unflatten([["0", 1], ["1.x", 2]])).toEqual([1, { x: 2 }]);
    expect(M.tree.unflatten([])).toEqual({});
  });

  it("64 dimensions is the limit everywhere: such an array can be made and read, a 65th is refused", () => {
    const before = live();
    mx.tidy(() => {
      const a = mx.array(deep(63, [1, 2]) as any); // 64 dimensions from a nested list
      expect(a.ndim).toBe(64);
      expect(a.shape.slice(-2)).toEqual([1, 2]);
      expect(a.sum().item()).toBe(3);
      expect(M.tree.leaves(a.tolist())).toEqual([1, 2]);
      expect(x64.reshape(new Array(64).fill(1)).ndim).toBe(64);
      // A 65th dimension made inside a transform is refused by the op that would make it.
      expect(() => mx.vmap((b: any) => mx.expandDims(b, 0))(mx.ones([2, ...new Array(63).fill(1)]))).toThrowError(
        /^\[expand_dims\] The shape has 65 dimensions; at most 64 are supported/,
      );
      expect(() => mx.vmap((b: any) => b.sum())(mx.ones([2, ...new Array(63).fill(1)]))).not.toThrow();
    });
    expect(live()).toBe(before);
    stillWorks();
  });

  it("compile with state: containers only, and one array per written leaf whatever the number of calls", () => {
    const before = live();
    const w0 = mx.array([1, 2]);
    const one = mx.array(1);
    const state = { w: w0 };
    const f = mx.compile((g: any) => ((state.w = state.w.add(g)), state.w.sum()), { inputs: state, outputs: state });
    for (let i = 0; i < 5; ++i) f(one).dispose();
    expect(state.w.tolist()).toEqual([6, 7]);
    expect(live()).toBe(before + 3); // w0 (the caller's), one, and the latest state.w
    expect(() => mx.compile((g: any) => g, { outputs: state.w })).toThrowError(/^\[compile\] outputs must be a tree of arrays/);
    f.dispose();
    mx.dispose(state, w0, one);
    expect(live()).toBe(before);
  });
});

// Index values are only known when the graph runs: the gather/scatter kernels
// check them (on the pool for large index arrays, without throwing there) and
// the error reaches JS from the evaluating call. Negative indices wrap once.
describe("out-of-range indices at evaluation", () => {
  const N = 1 << 17; // 4 chunks of kElementwiseGrain: the threaded build scans in parallel
  const SIZE = 1000;
  /** Deterministic integers in [lo, hi). */
  const ints = (n: number, lo: number, hi: number, seed: number) => {
    let a = seed >>> 0;
    return Int32Array.from({ length: n }, () => {
      a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
      return lo + Math.floor((a / 2 ** 32) * (hi - lo));
    });
  };
  const wrap = (i: number, dim: number) => (i < 0 ? i + dim : i);
  const flat = (a: InstanceType<typeof mx.Array>) => Array.from(a.dataSync() as ArrayLike<number>);
  const base = Float32Array.from({ length: SIZE }, (_, i) => i * 0.5 - 7);
  /** Bad values at two positions: the error names the first one. */
  const withBad = (v: Int32Array, first: number, second: number) => {
    const w = v.slice();
    w[70001] = first;
    w[100003] = second;
    return w;
  };
  const expectEvalError = (make: () => InstanceType<typeof mx.Array>, msg: string) => {
    const before = live();
    mx.tidy(() => {
      const r = make();
      expect(() => r.tolist()).toThrowError(msg);
      expect(() => mx.eval(r)).toThrowError(msg); // the failed node stays unevaluated and fails alike
    });
    expect(live()).toBe(before);
    stillWorks();
  };

  it("take (flat and along an axis) wraps negatives once and rejects the rest", () => {
    const idx = ints(N, -SIZE, SIZE, 1);
    mx.tidy(() => {
      const x = mx.array(base);
      expect(flat(M.take(x, mx.array(idx)))).toEqual(Array.from(idx, (i) => base[wrap(i, SIZE)]));
      const x2 = x.reshape(4, 250);
      const i2 = ints(N, -250, 250, 2);
      const got = M.take(x2, mx.array(i2), 1); // (4, N)
      expect(got.shape).toEqual([4, N]);
      const row3 = flat(got.index(3));
      expect(row3).toEqual(Array.from(i2, (i) => base[750 + wrap(i, 250)]));
    });
    expectEvalError(() => M.take(mx.array(base), mx.array(withBad(idx, SIZE, -SIZE - 5))), `[take] Index ${SIZE} is out of bounds for axis 0 with size ${SIZE}.`);
    expectEvalError(() => M.take(mx.array(base), mx.array(withBad(idx, -SIZE - 1, SIZE))), `[take] Index ${-SIZE - 1} is out of bounds for axis 0 with size ${SIZE}.`);
    expectEvalError(() => M.take(mx.array(base).reshape(4, 250), mx.array(withBad(ints(N, -250, 250, 3), 250, 0)), 1), "[take] Index 250 is out of bounds for axis 1 with size 250.");
  });

  it("every integer index dtype, including unsigned values beyond int64 and non-contiguous index arrays", () => {
    mx.tidy(() => {
      const x = mx.array(base);
      const idx = ints(N, 0, 128, 4);
      for (const dt of [mx.int8, mx.uint8, mx.int16, mx.uint16, mx.uint32, mx.int64, mx.uint64]) {
        expect(flat(M.take(x, mx.array(idx).astype(dt)))).toEqual(Array.from(idx, (i) => base[i]));
      }
      // A transposed and a broadcast index array.
      const i2 = mx.array(ints(N, -SIZE, SIZE, 5)).reshape(256, 512).T;
      const want = Array.from(ints(N, -SIZE, SIZE, 5), (i) => base[wrap(i, SIZE)]);
      const got = flat(M.take(x, i2)); // (512, 256) = transpose of the (256, 512) layout
      for (let r = 0; r < 512; r += 97) for (let c = 0; c < 256; c += 31) expect(got[r * 256 + c]).toBe(want[c * 512 + r]);
      expect(flat(M.take(x, mx.broadcastTo(mx.array([-1], mx.int32), [N])))).toEqual(new Array(N).fill(base[SIZE - 1]));
    });
    expectEvalError(() => M.take(mx.array(base), mx.array([0n, 2n ** 64n - 1n], mx.uint64)), "[take] Index 18446744073709551615 is out of bounds for axis 0 with size 1000.");
    expectEvalError(() => M.take(mx.array(base).index(mx.slice(0, 100)), mx.array([0, 200], mx.uint8)), "[take] Index 200 is out of bounds for axis 0 with size 100.");
    expectEvalError(() => M.take(mx.array(base).index(mx.slice(0, 100)), mx.array([-101], mx.int8)), "[take] Index -101 is out of bounds for axis 0 with size 100.");
    expectEvalError(() => M.take(mx.array(base), mx.array(withBad(ints(N, 0, SIZE, 6), 5000, 0)).reshape(256, 512).T), "[take] Index 5000 is out of bounds");
  });

  it("takeAlongAxis and putAlongAxis", () => {
    const R = 8, C = SIZE / R; // a (8, 125) array, indices along axis 1
    const it = ints(R * 20000, -C, C, 7);
    mx.tidy(() => {
      const x = mx.array(base).reshape(R, C);
      const got = flat(M.takeAlongAxis(x, mx.array(it).reshape(R, 20000), 1));
      expect(got).toEqual(Array.from(it, (i, k) => base[Math.floor(k / 20000) * C + wrap(i, C)]));
      // A permutation per row of a (40, 1000) array, half of it written negatively.
      const rows = 40;
      const perm = new Int32Array(rows * SIZE);
      for (let r = 0; r < rows; ++r) {
        const p = Array.from({ length: SIZE }, (_, i) => i);
        const rnd = ints(SIZE, 0, 1 << 30, 100 + r);
        for (let i = SIZE - 1; i > 0; --i) { const j = rnd[i]! % (i + 1); [p[i], p[j]] = [p[j]!, p[i]!]; }
        for (let i = 0; i < SIZE; ++i) perm[r * SIZE + i] = i % 2 ? p[i]! - SIZE : p[i]!;
      }
      const vals = Float32Array.from({ length: rows * SIZE }, (_, k) => k);
      const put = flat(M.putAlongAxis(mx.zeros([rows, SIZE]), mx.array(perm).reshape(rows, SIZE), mx.array(vals).reshape(rows, SIZE), 1));
      const want = new Array(rows * SIZE).fill(0);
      for (let k = 0; k < rows * SIZE; ++k) want[Math.floor(k / SIZE) * SIZE + wrap(perm[k]!, SIZE)] = vals[k];
      expect(put).toEqual(want);
    });
    const bad = it.slice();
    bad[90001] = C;
    bad[150000] = -C - 1;
    expectEvalError(() => M.takeAlongAxis(mx.array(base).reshape(R, C), mx.array(bad).reshape(R, 20000), 1), `[take_along_axis] Index ${C} is out of bounds for axis 1 with size ${C}.`);
    expectEvalError(() => M.putAlongAxis(mx.zeros([R, C]), mx.array(bad).reshape(R, 20000), 1, 1), `[put_along_axis] Index ${C} is out of bounds for axis 1 with size ${C}.`);
  });

  it("x.index(...) gathers and x.at(...) scatters", () => {
    const idx = ints(N, -SIZE, SIZE, 8);
    mx.tidy(() => {
      const x = mx.array(base).reshape(SIZE, 1);
      expect(flat(x.index(mx.array(idx)))).toEqual(Array.from(idx, (i) => base[wrap(i, SIZE)]));
      const x3 = mx.array(base.subarray(0, 999)).reshape(333, 3);
      const i3 = ints(N, -3, 3, 9);
      const g = flat(x3.index(mx.slice(0, 2), mx.array(i3))); // (2, N)
      expect(g.slice(N)).toEqual(Array.from(i3, (i) => base[3 + wrap(i, 3)]));
      // Duplicates accumulate: counts of every wrapped index.
      const counts = new Array(SIZE).fill(0);
      for (const i of idx) counts[wrap(i, SIZE)] += 1;
      expect(flat(mx.zeros([SIZE]).at(mx.array(idx)).add(1))).toEqual(counts);
      const setTo = flat(mx.array(base).at(mx.array(idx)).set(-1));
      expect(setTo).toEqual(Array.from(base, (v, i) => (counts[i] > 0 ? -1 : v)));
    });
    expectEvalError(() => mx.array(base).reshape(SIZE, 1).index(mx.array(withBad(idx, 1234, -1))), "[index] Index 1234 is out of bounds for axis 0 with size 1000.");
    expectEvalError(() => mx.zeros([SIZE]).at(mx.array(withBad(idx, -1001, 1001))).add(1), "[at] Index -1001 is out of bounds for axis 0 with size 1000.");
    expectEvalError(() => mx.zeros([SIZE]).at(mx.array(withBad(idx, 1001, 0))).maximum(1), "[at] Index 1001 is out of bounds for axis 0 with size 1000.");
    expectEvalError(() => mx.zeros([SIZE], mx.int32).at(mx.array(withBad(idx, 1001, 0))).divide(2), "[index] Index 1001 is out of bounds for axis 0 with size 1000.");
  });

  it("a failed evaluation leaves the graph usable: shared nodes, siblings and later evals", () => {
    const before = live();
    mx.tidy(() => {
      const x = mx.array(base);
      const y = mx.exp(mx.multiply(x, 0.01)); // shared by the failing and the good branch
      const bad = M.take(y, mx.array(withBad(ints(N, 0, SIZE, 10), SIZE + 1, 0)));
      const good = mx.add(y, 1);
      expect(() => mx.eval(bad, good)).toThrowError(`[take] Index ${SIZE + 1} is out of bounds for axis 0 with size ${SIZE}.`);
      const want = Array.from(base, (v) => Math.fround(Math.fround(Math.exp(Math.fround(v * 0.01))) + 1));
      const g = flat(good);
      for (let i = 0; i < SIZE; i += 37) expect(Math.abs(g[i]! - want[i]!)).toBeLessThanOrEqual(1e-6 * want[i]!);
      expect(flat(y).length).toBe(SIZE);
      expect(() => bad.tolist()).toThrowError(/^\[take\] Index 1001 is out of bounds/);
      // The same graph with valid indices still evaluates.
      expect(flat(M.take(y, mx.array([0, -1], mx.int32))).length).toBe(2);
    });
    expect(live()).toBe(before);
    stillWorks();
  });

  it("asyncEval rejects with the same error and the module stays usable", async () => {
    const before = live();
    const x = mx.array(base);
    const idx = mx.array(withBad(ints(N, 0, SIZE, 11), -2000, 0));
    const bad = M.take(x, idx);
    await expect(mx.asyncEval(bad)).rejects.toThrowError("[take] Index -2000 is out of bounds for axis 0 with size 1000.");
    mx.dispose(x, idx, bad);
    expect(live()).toBe(before);
    stillWorks();
  });
});

// Beyond the hand-written rows: every op and Array method, with junk in each
// argument position (wrong types, NaN, huge and fractional numbers, arrays
// where numbers go, ...), either works or throws an Error tagged "[op] " —
// never a TypeError from our own code or a wasm trap — and leaks no handle.
describe("junk in every argument position", () => {
  it("every op either works or throws a tagged error, without leaking", async () => {
    const x = mx.array([[1, 2, 3], [4, 5, 6]]);
    const i = mx.array([0, 1], mx.int32);
    const s = mx.array(3);
    const b = mx.array([true, false]);
    const junk: unknown[] = [undefined, null, "x", {}, [], ["a"], NaN, -1, 1.5, 2 ** 40, true, 1n, x, i, s, b, [1, "a"], () => 1, Symbol("s")];
    // (dispose would free the sweep's own fixtures, and so would disposing what keep returns)
    const notOps = new Set([...Object.keys(noBadArgs).filter((k) => !k.startsWith("Array#")), "dispose", "keep"]);
    const fns: [string, (...a: unknown[]) => unknown][] = [];
    for (const [k, v] of Object.entries(mx)) if (typeof v === "function" && !notOps.has(k)) fns.push([k, v as any]);
    // (not mx.tree: flatten and leaves return the sweep's fixtures; test/fuzz.test.ts gives them fresh arrays)
    for (const ns of ["random", "fast", "fft"]) for (const [k, v] of Object.entries(M[ns])) if (typeof v === "function") fns.push([`${ns}.${k}`, v as any]);
    for (const n of Object.getOwnPropertyNames(mx.Array.prototype)) {
      const d = Object.getOwnPropertyDescriptor(mx.Array.prototype, n)!;
      if (typeof d.value === "function" && n !== "constructor" && n !== "dispose") fns.push([`Array#${n}`, (...a) => (x as any)[n](...a)]);
    }
    for (const [v] of [["set"], ["add"], ["maximum"], ["divide"]]) {
      fns.push([`at().${v}`, (...a) => (x.at(...(a.slice(0, -1) as any[])) as any)[v](a[a.length - 1])]);
    }
    const problems: string[] = [];
    const show = (v: unknown) =>
      typeof v === "symbol" ? "symbol" : typeof v === "function" ? "function" : v instanceof mx.Array ? `array${JSON.stringify(v.shape)}` : typeof v === "bigint" ? `${v}n`
        : JSON.stringify(v, (_, w) => (typeof w === "bigint" ? `${w}n` : w)); // (bigints inside options too)
    for (const [name, f] of fns) {
      const argsets: unknown[][] = [];
      for (const g of junk)
        argsets.push([g], [x, g], [x, g, g], [x, 0, g], [x, x, g], [g, x], [x, x, x, g], [x, 0, 0, g], [x, 1, g, 0], [g, g],
          [x, -1, { a: g }], [x, 0, 1, { dtype: g }], [[2], { key: g, dtype: g }], [x, 2, { stride: g }], [i, 1, 0, g],
          [x, i, g], [x, [0], [0], g]);
      for (const args of argsets) {
        const before = live();
        try {
          const r = f(...args);
          if (r instanceof Promise) await r.catch(() => undefined);
          mx.dispose(r);
        } catch (e) {
          const m = String((e as Error)?.message ?? e);
          if (!/^\[[A-Za-z0-9_.]+\] /.test(m) || !(e instanceof Error))
            problems.push(`${name}(${args.map(show).join(", ")}) threw ${(e as Error)?.constructor?.name}: ${m.slice(0, 80)}`);
        }
        if (live() !== before) problems.push(`${name}(${args.map(show).join(", ")}) leaked ${live() - before}`);
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    mx.dispose(x, i, s, b);
    stillWorks();
  });
});

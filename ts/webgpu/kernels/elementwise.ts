// Elementwise kernels: the unary and binary primitives, Select, AsType and
// the strided copies (Reshape/Flatten that can't be views). One generated
// WGSL source per (op, dtypes, input layouts); shapes are parameters.
//
// Each op is a WGSL expression in the inputs' compute type (wgsl_dtypes.ts);
// the semantics follow the CPU kernels (core/backend/cpu/unary.cpp,
// binary.cpp): NaN propagates through maximum/minimum, floor division and
// remainder follow Python (integer x // 0 and x % 0 give 0), rounding is half
// to even.

import type { Dispatch, KernelCall, Operand } from "../dispatch_types.js";
import {
  bindings, cachedSource, elementwiseParams, indexFunctions, layoutKey, vectorGroups, vectorizable, vectorSource, wordLoop, wordsFor,
} from "../codegen.js";
import { type ComputeType, type GpuDtype, convert, gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";

type Expr = (t: ComputeType) => string | undefined;

const floatOnly = (e: string): Expr => (t) => (t === "f32" ? e : undefined);
const any = (e: string): Expr => () => e;
const byType = (f32: string | undefined, i32: string | undefined, u32: string | undefined): Expr => (t) =>
  t === "f32" ? f32 : t === "i32" ? i32 : u32;

/** Unary ops: an expression of `x`. Ops whose output is bool are in UNARY_PREDICATES. */
const UNARY: Record<string, Expr> = {
  Abs: byType("abs(x)", "abs(x)", "x"),
  Negative: byType("-x", "-x", "0u - x"),
  Sign: byType("sign(x)", "sign(x)", "select(0u, 1u, x > 0u)"),
  Square: any("x * x"),
  Exp: floatOnly("exp(x)"),
  Expm1: floatOnly("wmx_expm1(x)"),
  Log: floatOnly("log(x)"),
  Log1p: floatOnly("wmx_log1p(x)"),
  Log2: floatOnly("log2(x)"),
  Log10: floatOnly("log(x) * 0.4342944819032518"),
  Sqrt: floatOnly("sqrt(x)"),
  Rsqrt: floatOnly("inverseSqrt(x)"),
  Sin: floatOnly("wmx_sincos(x).x"),
  Cos: floatOnly("wmx_sincos(x).y"),
  Tan: floatOnly("wmx_tan(x)"),
  ArcSin: floatOnly("asin(x)"),
  ArcCos: floatOnly("atan2(sqrt((1.0 - x) * (1.0 + x)), x)"),
  ArcTan: floatOnly("atan(x)"),
  Sinh: floatOnly("sinh(x)"),
  Cosh: floatOnly("cosh(x)"),
  Tanh: floatOnly("tanh(x)"),
  ArcSinh: floatOnly("asinh(x)"),
  ArcCosh: floatOnly("acosh(x)"),
  ArcTanh: floatOnly("atanh(x)"),
  Sigmoid: floatOnly("1.0 / (1.0 + exp(-x))"),
  Erf: floatOnly("wmx_erf(x)"),
  ErfInv: floatOnly("wmx_erfinv(x)"),
  Floor: byType("floor(x)", "x", "x"),
  Ceil: byType("ceil(x)", "x", "x"),
  Round: byType("round(x)", "x", "x"),
  StopGradient: any("x"),
  // bool's inversion is logicalNot (the ops layer); narrow ints keep the low bits of ~x.
  BitwiseInvert: byType(undefined, "~x", "~x"),
};

/** Unary ops with a bool output: a WGSL bool expression of `x`. */
const UNARY_PREDICATES: Record<string, Expr> = {
  IsNaN: byType("wmx_isnan(x)", "false", "false"),
  IsInf: byType("wmx_isinf(x)", "false", "false"),
  IsFinite: byType("(bitcast<u32>(x) & 0x7fffffffu) < 0x7f800000u", "true", "true"),
  LogicalNot: byType("x == 0.0", "x == 0", "x == 0u"),
};

/** Binary ops: an expression of `a` and `b`. */
const BINARY: Record<string, Expr> = {
  Add: any("a + b"),
  Subtract: any("a - b"),
  Multiply: any("a * b"),
  Divide: floatOnly("a / b"),
  Maximum: byType("select(b, a, wmx_isnan(a) || a > b)", "max(a, b)", "max(a, b)"),
  Minimum: byType("select(b, a, wmx_isnan(a) || a < b)", "min(a, b)", "min(a, b)"),
  FloorDivide: byType("floor(a / b)", "wmx_floordiv(a, b)", "select(a / b, 0u, b == 0u)"),
  Remainder: byType("wmx_remf(a, b)", "wmx_remi(a, b)", "select(a % b, 0u, b == 0u)"),
  Power: floatOnly("wmx_pow(a, b)"),
  ArcTan2: floatOnly("atan2(a, b)"),
  LogAddExp: floatOnly("wmx_logaddexp(a, b)"),
  BitwiseAnd: byType(undefined, "a & b", "a & b"),
  BitwiseOr: byType(undefined, "a | b", "a | b"),
  BitwiseXor: byType(undefined, "a ^ b", "a ^ b"),
};

/**
 * Shifts: a count that is negative or at least the dtype's width shifts
 * every bit out (0, or the sign for a signed right shift), as on the CPU;
 * WGSL would take the count modulo 32. Narrow signed values arrive
 * sign-extended, so >> is arithmetic and << keeps the low bits.
 */
const SHIFTS: Record<string, (t: ComputeType, width: number) => string | undefined> = {
  LeftShift: (t, w) => (t === "f32" ? undefined : t === "i32"
    ? `select(0, a << u32(b), b >= 0 && b < ${w})` : `select(0u, a << b, b < ${w}u)`),
  RightShift: (t, w) => (t === "f32" ? undefined : t === "i32"
    ? `select(select(0, -1, a < 0), a >> u32(b), b >= 0 && b < ${w})` : `select(0u, a >> b, b < ${w}u)`),
};

/** Comparisons: a WGSL bool expression of `a` and `b`. */
const COMPARISONS: Record<string, string> = {
  Equal: "a == b",
  NotEqual: "a != b",
  Less: "a < b",
  LessEqual: "a <= b",
  Greater: "a > b",
  GreaterEqual: "a >= b",
};

/** The ops whose kernel is a conversion or plain copy of their one input. */
const COPIES = new Set(["AsType", "Reshape", "Flatten", "Copy", "Contiguous"]);

// Vulkan lets sin and cos be off by 2^-11 (SwiftShader is), so they are
// computed here: Cody-Waite reduction by pi/2 in three parts, then the Cephes
// single-precision polynomials, within an ulp or two for |x| < 8192 pi.
const MATH = /* wgsl */ `
fn wmx_sincos(x: f32) -> vec2f {
  if (wmx_isinf(x) || wmx_isnan(x)) { return vec2f(wmx_nan(), wmx_nan()); }
  let j = round(x * 0.6366197723675814);
  var r = x - j * 1.5703125;
  r = r - j * 4.837512969970703125e-4;
  r = r - j * 7.549789954891882e-8;
  let r2 = r * r;
  let s = r + r * r2 * (-1.6666654611e-1 + r2 * (8.3321608736e-3 + r2 * -1.9515295891e-4));
  let c = 1.0 - 0.5 * r2 + r2 * r2 * (4.166664568298827e-2 + r2 * (-1.388731625493765e-3 + r2 * 2.443315711809948e-5));
  switch (i32(j) & 3) {
    case 0: { return vec2f(s, c); }
    case 1: { return vec2f(c, -s); }
    case 2: { return vec2f(-s, -c); }
    default: { return vec2f(-c, s); }
  }
}
fn wmx_tan(x: f32) -> f32 {
  let sc = wmx_sincos(x);
  return sc.x / sc.y;
}
fn wmx_expm1(x: f32) -> f32 {
  let u = exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0 || wmx_isinf(u)) { return um1; }
  return um1 * x / log(u);
}
fn wmx_log1p(x: f32) -> f32 {
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  if (wmx_isinf(u)) { return u; }
  return log(u) * x / (u - 1.0);
}
fn wmx_erf(x: f32) -> f32 {
  // Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7).
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-x * x);
  return select(y, -y, x < 0.0);
}
fn wmx_erfinv(x: f32) -> f32 {
  // M. Giles, "Approximating the erfinv function" (single precision).
  if (abs(x) >= 1.0) { return select(wmx_nan(), select(-wmx_inf(), wmx_inf(), x > 0.0), abs(x) == 1.0); }
  var w = -log((1.0 - x) * (1.0 + x));
  var p: f32;
  if (w < 5.0) {
    w = w - 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w; p = -3.5233877e-06 + p * w; p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w; p = -0.00125372503 + p * w; p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w; p = 1.50140941 + p * w;
  } else {
    w = sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w; p = 0.00134934322 + p * w; p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w; p = -0.0076224613 + p * w; p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w; p = 2.83297682 + p * w;
  }
  return p * x;
}
fn wmx_floordiv(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  return select(q, q - 1, (a % b != 0) && ((a < 0) != (b < 0)));
}
fn wmx_remi(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  return select(r, r + b, r != 0 && ((r < 0) != (b < 0)));
}
// fmod exactly, as C's: WGSL's f32 % is a - b * trunc(a / b), whose division
// may be off by ulps (NVIDIA's is). Each step takes off the largest b * 2^k
// not above the remainder, a subtraction that is exact (the two are within
// a factor of two), and lowers the remainder's exponent.
fn wmx_fmod(a: f32, b: f32) -> f32 {
  if (b == 0.0 || wmx_isnan(a) || wmx_isnan(b) || wmx_isinf(a)) { return wmx_nan(); }
  let m = abs(b);
  var r = abs(a);
  if (wmx_isinf(b) || r < m) { return a; }
  let fm = frexp(m).fract;
  for (var i = 0; i < 300 && r >= m; i++) {
    // m's mantissa at r's exponent (never beyond the largest float), halved when above r
    var d = ldexp(fm, frexp(r).exp);
    if (d > r) { d = d * 0.5; }
    r = r - d;
  }
  return select(r, -r, a < 0.0);
}
fn wmx_remf(a: f32, b: f32) -> f32 {
  let r = wmx_fmod(a, b);
  return select(r, r + b, r != 0.0 && ((r < 0.0) != (b < 0.0)));
}
fn wmx_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return 1.0; }
  if (wmx_isnan(a) || wmx_isnan(b)) { return a + b; }
  if (a < 0.0) {
    if (b != floor(b)) { return wmx_nan(); }
    let r = pow(-a, b);
    return select(r, -r, abs(b % 2.0) == 1.0);
  }
  if (a == 0.0) { return select(0.0, wmx_inf(), b < 0.0); }
  return pow(a, b);
}
fn wmx_logaddexp(a: f32, b: f32) -> f32 {
  if (wmx_isnan(a) || wmx_isnan(b)) { return a + b; }
  let m = max(a, b);
  if (wmx_isinf(m)) { return m; }
  let d = exp(-abs(a - b));
  let u = 1.0 + d;
  return m + select(log(u) * d / (u - 1.0), d, u == 1.0);
}
`;

const binaryExpr = (op: string, d: GpuDtype) => (op in SHIFTS ? SHIFTS[op]!(d.compute, d.bytes * 8) : BINARY[op]!(d.compute));

type Kind = "unary" | "predicate" | "binary" | "comparison" | "select" | "copy";

function kindOf(op: string): Kind | undefined {
  if (op in UNARY) return "unary";
  if (op in UNARY_PREDICATES) return "predicate";
  if (op in BINARY || op in SHIFTS) return "binary";
  if (op in COMPARISONS) return "comparison";
  if (op === "Select") return "select";
  if (COPIES.has(op)) return "copy";
  return undefined;
}

/** Whether an elementwise kernel exists for op with these dtype codes. */
export function supportsElementwise(op: string, inputs: number[], outputs: number[]): boolean {
  const kind = kindOf(op);
  if (!kind || outputs.length !== 1) return false;
  const ins = inputs.map((c) => gpuDtypes.get(c));
  const out = gpuDtypes.get(outputs[0]!);
  if (!out || ins.some((d) => !d)) return false;
  const t = ins[0]!.compute;
  switch (kind) {
    case "unary": return ins.length === 1 && UNARY[op]!(t) !== undefined;
    case "predicate": return ins.length === 1 && out.name === "bool";
    case "binary": return ins.length === 2 && ins[1]!.code === ins[0]!.code && binaryExpr(op, ins[0]!) !== undefined;
    case "comparison": return ins.length === 2 && ins[1]!.code === ins[0]!.code && out.name === "bool";
    case "select": return ins.length === 3 && ins[1]!.code === ins[2]!.code;
    case "copy": return ins.length === 1;
  }
}

export function elementwiseKernel(d: Dispatch): KernelCall {
  const output = d.outputs[0]!;
  const out = gpuDtype(output.dtype);
  // Operands share the output's shape, except a reshaping copy's input: its
  // elements are walked in its own row-major order.
  const shape = d.op === "Reshape" || d.op === "Flatten" ? d.inputs[0]!.shape : output.shape;
  const ins = d.inputs.map((o) => gpuDtype(o.dtype));
  const key = `ew|${d.op}|${d.inputs.map((o) => o.dtype).join(",")}|${output.dtype}`;
  return elementwiseCall(key, d.inputs, d.inputs, ins, output, shape, (load) => elementwiseBody(d.op, ins, out, load));
}

/**
 * The kernel call of one element-by-element computation into `output`:
 * the vector loop where every operand allows it, else the word loop.
 * `operands` are read as laid out (the dispatch's buffers are `inputs`),
 * `types[k]` is operand k's dtype, `shape` the one elements are walked in,
 * and `body(load)` the statements for one element (as elementwiseBody).
 * `key` names the computation; the layouts and the loop are added to it.
 */
export function elementwiseCall(key: string, inputs: Operand[], operands: Operand[], types: readonly GpuDtype[], output: Operand,
  shape: readonly number[], body: (load: (k: number) => string) => string): KernelCall {
  const out = gpuDtype(output.dtype);
  const n = output.shape.reduce((x, y) => x * y, 1);
  const vector = vectorizable(operands, types.map((t) => t.bytes), out.bytes);
  return {
    source: cachedSource(`${key}|${layoutKey(operands)}${vector ? "|v" : ""}`, () => vector
      ? MATH + vectorSource(operands, out, (word) => body((k) => types[k]!.decode(word(k))))
      : bindings(operands.length) + MATH + indexFunctions(operands) + wordLoop(out, body((k) => types[k]!.load(`in${k}`, `idx${k}(e)`)))),
    params: elementwiseParams(n, shape, operands),
    words: wordsFor(n, out),
    ...(vector ? { groups: vectorGroups(n) } : {}),
    inputs,
    output,
  };
}

/**
 * The statements that compute one element of `op` into `v` (the output's
 * compute type), with `load(k)` giving input k's element in its compute type.
 */
function elementwiseBody(op: string, ins: readonly GpuDtype[], out: GpuDtype, load: (k: number) => string): string {
  const t = ins[0]!.compute;
  switch (kindOf(op)) {
    case "unary":
      return `let x = ${load(0)};\n    v = ${convert(UNARY[op]!(t)!, t, out.compute)};`;
    case "predicate":
      return `let x = ${load(0)};\n    v = select(0u, 1u, ${UNARY_PREDICATES[op]!(t)!});`;
    case "binary":
      return `let a = ${load(0)};\n    let b = ${load(1)};\n    v = ${convert(binaryExpr(op, ins[0]!)!, t, out.compute)};`;
    case "comparison":
      return `let a = ${load(0)};\n    let b = ${load(1)};\n    v = select(0u, 1u, ${COMPARISONS[op]});`;
    case "select":
      return `let c = ${load(0)};\n    let a = ${load(1)};\n    let b = ${load(2)};\n    v = ${convert(`select(b, a, c != ${ins[0]!.compute === "f32" ? "0.0" : ins[0]!.compute === "i32" ? "0" : "0u"})`, ins[1]!.compute, out.compute)};`;
    case "copy":
      return `let x = ${load(0)};\n    v = ${convert("x", t, out.compute, out.name === "bool")};`;
    default:
      throw new Error(`[gpu] No elementwise kernel for ${op}.`);
  }
}

/**
 * One step of a fused float32 chain (kernels/fused.ts): WGSL statements that
 * set `target` to `op` applied to the f32 values named `args`, or undefined
 * when the op has no float32 expression here.
 */
export function fusedStep(op: string, args: readonly string[], target: string): string | undefined {
  if (op in UNARY && args.length === 1) {
    const e = UNARY[op]!("f32");
    return e === undefined ? undefined : `{ let x = ${args[0]}; ${target} = ${e}; }`;
  }
  if (op in BINARY && args.length === 2) {
    const e = BINARY[op]!("f32");
    return e === undefined ? undefined : `{ let a = ${args[0]}; let b = ${args[1]}; ${target} = ${e}; }`;
  }
  return undefined;
}

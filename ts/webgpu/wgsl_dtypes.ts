// How each dtype is stored in GPU buffers and computed in WGSL.
//
// WGSL has only 32-bit scalars (f16 needs an optional feature), so every
// buffer is bound as array<u32> and each dtype brings a load (element index ->
// compute value) and an encode (compute value -> its bits). Narrow dtypes are
// packed as in host memory (same bytes, so uploads and downloads are plain
// copies). A kernel writes whole 32-bit words: one invocation produces the
// 1, 2 or 4 elements of one output word, so no two invocations write the same
// word (WGSL has no byte stores).
//
// Computation happens in f32 for the float dtypes (float16 and bfloat16
// values are widened on load and rounded on store), i32 for the signed ints,
// u32 for the unsigned ints and bool (0 or 1).

import { DtypeCodes } from "../generated/boundary.js";

export type ComputeType = "f32" | "i32" | "u32";

export interface GpuDtype {
  readonly code: number;
  readonly name: string;
  readonly bytes: 1 | 2 | 4;
  readonly compute: ComputeType;
  /** WGSL expression: the value of element `idx` (a u32 expression) of buffer `buf`. */
  load(buf: string, idx: string): string;
  /** WGSL expression: the element's bits (in the low `bytes * 8` bits) of compute value `v`. */
  encode(v: string): string;
  /** WGSL expression: the compute value of element bits `w` (the low `bytes * 8` bits; higher bits ignored). */
  decode(w: string): string;
}

const word = (buf: string, idx: string, bytes: number) =>
  bytes === 4 ? `${buf}[${idx}]` : bytes === 2 ? `((${buf}[(${idx}) >> 1u] >> (((${idx}) & 1u) * 16u)) & 0xffffu)` :
    `((${buf}[(${idx}) >> 2u] >> (((${idx}) & 3u) * 8u)) & 0xffu)`;

const make = (code: number, name: string, bytes: 1 | 2 | 4, compute: ComputeType,
  load: (w: string) => string, encode: (v: string) => string): GpuDtype => ({
  code, name, bytes, compute,
  load: (buf, idx) => load(word(buf, idx, bytes)),
  encode,
  decode: (w) => load(bytes === 4 ? w : `((${w}) & ${bytes === 2 ? "0xffffu" : "0xffu"})`),
});

/** WGSL expression: compute value `v` rounded to the dtype (a narrow int wraps, a half float rounds). */
export const rounded = (t: GpuDtype, v: string) => (t.bytes === 4 ? v : t.decode(t.encode(v)));

/** The dtypes GPU buffers can hold (64-bit ones stay on the CPU). */
export const gpuDtypes: ReadonlyMap<number, GpuDtype> = new Map(
  [
    make(DtypeCodes.float32, "float32", 4, "f32", (w) => `bitcast<f32>(${w})`, (v) => `bitcast<u32>(${v})`),
    make(DtypeCodes.int32, "int32", 4, "i32", (w) => `bitcast<i32>(${w})`, (v) => `bitcast<u32>(${v})`),
    make(DtypeCodes.uint32, "uint32", 4, "u32", (w) => w, (v) => `(${v})`),
    make(DtypeCodes.float16, "float16", 2, "f32", (w) => `wmx_f16_value(${w})`, (v) => `wmx_f16_bits(${v})`),
    make(DtypeCodes.bfloat16, "bfloat16", 2, "f32", (w) => `bitcast<f32>(${w} << 16u)`, (v) => `wmx_bf16_bits(${v})`),
    make(DtypeCodes.int16, "int16", 2, "i32", (w) => `(bitcast<i32>(${w} << 16u) >> 16u)`, (v) => `(bitcast<u32>(${v}) & 0xffffu)`),
    make(DtypeCodes.uint16, "uint16", 2, "u32", (w) => w, (v) => `((${v}) & 0xffffu)`),
    make(DtypeCodes.int8, "int8", 1, "i32", (w) => `(bitcast<i32>(${w} << 24u) >> 24u)`, (v) => `(bitcast<u32>(${v}) & 0xffu)`),
    make(DtypeCodes.uint8, "uint8", 1, "u32", (w) => w, (v) => `((${v}) & 0xffu)`),
    make(DtypeCodes.bool, "bool", 1, "u32", (w) => `select(0u, 1u, ${w} != 0u)`, (v) => `select(0u, 1u, (${v}) != 0u)`),
  ].map((d) => [d.code, d]),
);

export function gpuDtype(code: number): GpuDtype {
  const d = gpuDtypes.get(code);
  if (!d) throw new Error(`[gpu] dtype code ${code} has no GPU storage.`);
  return d;
}

export const isFloat = (d: GpuDtype) => d.compute === "f32";

/** WGSL helpers every kernel may call (unused ones cost nothing). */
export const WGSL_PRELUDE = /* wgsl */ `
// float16 in integer arithmetic: WGSL leaves pack2x16float's result for
// values beyond f16's range undefined (SwiftShader gives NaN where the CPU
// rounds to inf) and lets f16 subnormals flush, so the bits are made here:
// one round-to-nearest-even, overflow to inf, subnormals kept.
fn wmx_f16_bits(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  let sign = (b >> 16u) & 0x8000u;
  let a = b & 0x7fffffffu;
  if (a > 0x7f800000u) { return sign | 0x7e00u; }
  if (a >= 0x477ff000u) { return sign | 0x7c00u; }
  if (a >= 0x38800000u) {
    let r = a - 0x38000000u;
    return sign | ((r + 0xfffu + ((r >> 13u) & 1u)) >> 13u);
  }
  return sign | u32(round(bitcast<f32>(a) * 16777216.0));
}
fn wmx_f16_value(h: u32) -> f32 {
  let e = (h >> 10u) & 0x1fu;
  let m = h & 0x3ffu;
  let s = select(1.0, -1.0, (h & 0x8000u) != 0u);
  if (e == 0u) { return s * f32(m) * 5.9604644775390625e-8; }
  if (e == 31u) { return select(s * wmx_inf(), wmx_nan(), m != 0u); }
  return bitcast<f32>(((h & 0x8000u) << 16u) | ((e + 112u) << 23u) | (m << 13u));
}
fn wmx_bf16_bits(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  if ((b & 0x7fffffffu) > 0x7f800000u) { return 0x7fc0u; }
  return ((b + 0x7fffu + ((b >> 16u) & 1u)) >> 16u) & 0xffffu;
}
// NaN and infinity from a variable's bits: WGSL rejects them as constant expressions.
fn wmx_nan() -> f32 { var bits = 0x7fc00000u; return bitcast<f32>(bits); }
fn wmx_inf() -> f32 { var bits = 0x7f800000u; return bitcast<f32>(bits); }
fn wmx_isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn wmx_isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// Float to integer as the CPU converts (core/backend/cpu/kernels/convert.h): truncated and
// wrapped modulo 2^32 (NaN and infinities give 0); a narrower integer takes
// the low bits. Beyond i32's range t is a multiple of 2^8 (24 significant
// bits), so its residue modulo 2^32 is representable and the arithmetic exact.
fn wmx_f2u(x: f32) -> u32 {
  if ((bitcast<u32>(x) & 0x7fffffffu) >= 0x7f800000u) { return 0u; }
  let t = trunc(x);
  if (abs(t) < 2147483648.0) { return bitcast<u32>(i32(t)); }
  return u32(t - floor(t * 2.3283064365386963e-10) * 4294967296.0);
}
`;

/** A compute-type conversion (`from` value to `to`), as C++'s static_cast does. */
export function convert(v: string, from: ComputeType, to: ComputeType, toBool = false): string {
  if (toBool) return from === "f32" ? `select(0u, 1u, ${v} != 0.0)` : from === "i32" ? `select(0u, 1u, ${v} != 0)` : `select(0u, 1u, ${v} != 0u)`;
  if (from === to) return v;
  if (from === "f32") return to === "u32" ? `wmx_f2u(${v})` : `bitcast<i32>(wmx_f2u(${v}))`;
  return `${to}(${v})`;
}

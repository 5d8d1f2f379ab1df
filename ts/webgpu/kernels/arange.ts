// Arange: out[i] = start + i * step with the CPU kernel's exact arithmetic
// (core/backend/cpu/creation.cpp): the product and the sum are each rounded
// to double precision, then the double is converted to the output dtype
// (rounded to nearest-even for the float dtypes, float16 and bfloat16 through
// float32 as on the CPU; truncated toward zero for the integer dtypes).
//
// WGSL has no f64, so the two double operations are done in integer
// arithmetic on the doubles' bits: a 53-bit significand m and an exponent e
// (value m * 2^e), 64-bit integers as vec2u(low word, high word). Values
// whose double is subnormal (below 2^-1022) or beyond the double range are
// left out: arange's start and stop are finite and its step nonzero, so
// only absurd steps (|step| < 1e-300 or a product past 1e308) reach them.

import type { Dispatch, KernelCall } from "../dispatch_types.js";
import { bindings, cachedSource, wordLoop, wordsFor } from "../codegen.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";
import { DtypeCodes } from "../../generated/boundary.js";

export function supportsArange(op: string, inputs: number[], outputs: number[]): boolean {
  return op === "Arange" && inputs.length === 0 && outputs.length === 1 && gpuDtypes.has(outputs[0]!) &&
    outputs[0] !== DtypeCodes.bool;
}

const SOFT_DOUBLE = /* wgsl */ `
fn u64_add(a: vec2u, b: vec2u) -> vec2u {
  let lo = a.x + b.x;
  return vec2u(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}
// a - b for a >= b.
fn u64_sub(a: vec2u, b: vec2u) -> vec2u { return vec2u(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x)); }
fn u64_less(a: vec2u, b: vec2u) -> bool { return a.y < b.y || (a.y == b.y && a.x < b.x); }
fn u64_shl(a: vec2u, s: u32) -> vec2u {
  if (s == 0u) { return a; }
  if (s >= 64u) { return vec2u(0u); }
  if (s >= 32u) { return vec2u(0u, a.x << (s - 32u)); }
  return vec2u(a.x << s, (a.y << s) | (a.x >> (32u - s)));
}
fn u64_shr(a: vec2u, s: u32) -> vec2u {
  if (s == 0u) { return a; }
  if (s >= 64u) { return vec2u(0u); }
  if (s >= 32u) { return vec2u(a.y >> (s - 32u), 0u); }
  return vec2u((a.x >> s) | (a.y << (32u - s)), a.y >> s);
}
fn u64_bits(a: vec2u) -> u32 {
  if (a.y != 0u) { return 64u - countLeadingZeros(a.y); }
  return 32u - countLeadingZeros(a.x);
}
// Whether any of the bits of a below bit s is set.
fn u64_below(a: vec2u, s: u32) -> bool {
  let kept = u64_shl(u64_shr(a, s), s);
  return kept.x != a.x || kept.y != a.y;
}
// a >> s rounded to nearest, ties to even (0 < s < 64).
fn u64_shr_rounded(a: vec2u, s: u32) -> vec2u {
  let m = u64_shr(a, s);
  let tie = (u64_shr(a, s - 1u).x & 1u) == 1u;
  if (tie && (u64_below(a, s - 1u) || (m.x & 1u) == 1u)) { return u64_add(m, vec2u(1u, 0u)); }
  return m;
}
// The full 64-bit product of two words.
fn mul_wide(a: u32, b: u32) -> vec2u {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return vec2u((p00 & 0xffffu) | (mid << 16u), a1 * b1 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u));
}

// A double: (-1)^neg * m * 2^e; m == 0 for zero.
struct Dbl { neg: bool, e: i32, m: vec2u }

fn dbl_from_bits(lo: u32, hi: u32) -> Dbl {
  let biased = i32((hi >> 20u) & 0x7ffu);
  let neg = (hi >> 31u) == 1u;
  if (biased == 0) { return Dbl(neg, -1074, vec2u(lo, hi & 0xfffffu)); }
  return Dbl(neg, biased - 1075, vec2u(lo, (hi & 0xfffffu) | 0x100000u));
}

// m * 2^e with m of up to 64 bits, rounded to a 53-bit significand.
fn dbl_rounded(neg: bool, m: vec2u, e: i32) -> Dbl {
  let bits = u64_bits(m);
  if (bits <= 53u) { return Dbl(neg, e, m); }
  let r = u64_shr_rounded(m, bits - 53u);
  if (r.y == 0x200000u) { return Dbl(neg, e + i32(bits) - 52, vec2u(0u, 0x100000u)); }  // rounded up to 2^53
  return Dbl(neg, e + i32(bits) - 53, r);
}

// fl(i * x) for an element index i < 2^31: the exact product has up to 84
// bits, held in three words before it is rounded.
fn dbl_times_index(x: Dbl, i: u32) -> Dbl {
  let low = mul_wide(i, x.m.x);
  let high = mul_wide(i, x.m.y);
  let w1 = low.y + high.x;
  let w2 = high.y + select(0u, 1u, w1 < low.y);
  if (w2 == 0u) { return dbl_rounded(x.neg, vec2u(low.x, w1), x.e); }
  let s = 43u - countLeadingZeros(w2);  // bits - 53 = 96 - clz - 53, from 12 to 31
  var m = vec2u((low.x >> s) | (w1 << (32u - s)), (w1 >> s) | (w2 << (32u - s)));
  let tie = ((low.x >> (s - 1u)) & 1u) == 1u;
  let sticky = (low.x & ((1u << (s - 1u)) - 1u)) != 0u;
  if (tie && (sticky || (m.x & 1u) == 1u)) { m = u64_add(m, vec2u(1u, 0u)); }
  if (m.y == 0x200000u) { return Dbl(x.neg, x.e + i32(s) + 1, vec2u(0u, 0x100000u)); }
  return Dbl(x.neg, x.e + i32(s), m);
}

// fl(a + b): both significands move up 10 bits, the one with the smaller
// exponent is shifted down to the other's scale with the bits it loses kept
// as a sticky bit at the bottom, and the exact sum or difference is rounded
// once (the guard bits make that the correctly rounded result).
fn dbl_add(a: Dbl, b: Dbl) -> Dbl {
  if (a.m.x == 0u && a.m.y == 0u) {
    if (b.m.x == 0u && b.m.y == 0u) { return Dbl(a.neg && b.neg, 0, vec2u(0u)); }
    return b;
  }
  if (b.m.x == 0u && b.m.y == 0u) { return a; }
  var big = a;
  var small = b;
  if (b.e > a.e) { big = b; small = a; }
  let gap = u32(big.e - small.e);
  let x = u64_shl(big.m, 10u);
  var y = u64_shl(small.m, 10u);
  if (gap > 0u) {
    let lost = u64_below(y, min(gap, 64u));
    y = u64_shr(y, gap);
    if (lost) { y.x |= 1u; }
  }
  if (big.neg == small.neg) { return dbl_rounded(big.neg, u64_add(x, y), big.e - 10); }
  if (u64_less(x, y)) { return dbl_rounded(small.neg, u64_sub(y, x), big.e - 10); }
  let d = u64_sub(x, y);
  if (d.x == 0u && d.y == 0u) { return Dbl(false, 0, vec2u(0u)); }
  return dbl_rounded(big.neg, d, big.e - 10);
}

// The float32 nearest the double (ties to even), as bits.
fn dbl_to_f32_bits(x: Dbl) -> u32 {
  let sgn = select(0u, 0x80000000u, x.neg);
  let bits = u64_bits(x.m);
  if (bits == 0u) { return sgn; }
  let top = x.e + i32(bits) - 1;  // the exponent of the leading bit
  if (top < -126) {  // a subnormal float32: a multiple of 2^-149
    let s = -149 - x.e;
    if (s <= 0) { return sgn | u64_shl(x.m, u32(-s)).x; }
    if (s >= 64) { return sgn; }
    return sgn | u64_shr_rounded(x.m, u32(s)).x;  // reaching 2^23 gives the smallest normal's bits
  }
  var m = u64_shl(x.m, 24u - min(bits, 24u));
  var e = top;
  if (bits > 24u) {
    m = u64_shr_rounded(x.m, bits - 24u);
    if (m.x == 0x1000000u) { m.x = 0x800000u; e += 1; }
  }
  if (e > 127) { return sgn | 0x7f800000u; }
  return sgn | (u32(e + 127) << 23u) | (m.x & 0x7fffffu);
}

// The double truncated toward zero, modulo 2^32 (two's complement).
fn dbl_to_int_bits(x: Dbl) -> u32 {
  var r = 0u;
  if (x.e >= 0) { r = u64_shl(x.m, u32(min(x.e, 64))).x; } else { r = u64_shr(x.m, u32(min(-x.e, 64))).x; }
  return select(r, 0u - r, x.neg);
}

fn arange_at(i: u32) -> Dbl {
  let start = dbl_from_bits(bitcast<u32>(prm[1]), bitcast<u32>(prm[2]));
  let step = dbl_from_bits(bitcast<u32>(prm[3]), bitcast<u32>(prm[4]));
  return dbl_add(start, dbl_times_index(step, i));
}
`;

/** A double's bits as two i32 parameters (low word, high word). */
function doubleWords(x: number): [number, number] {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x, true);
  return [v.getInt32(0, true), v.getInt32(4, true)];
}

/** Parameters: n, then start's and step's bits (low, high words). */
export function arangeKernel(d: Dispatch): KernelCall {
  const output = d.outputs[0]!;
  const out = gpuDtype(output.dtype);
  const n = output.shape.reduce((x, y) => x * y, 1);
  const value = out.compute === "f32" ? "bitcast<f32>(dbl_to_f32_bits(x))" :
    out.compute === "i32" ? "bitcast<i32>(dbl_to_int_bits(x))" : "dbl_to_int_bits(x)";
  const source = cachedSource(`arange:${out.name}`, () =>
    bindings(0) + SOFT_DOUBLE + wordLoop(out, `let x = arange_at(e);\n    v = ${value};`));
  const params = [n, ...doubleWords(d.state.start as number), ...doubleWords(d.state.step as number)];
  return { source, params, words: wordsFor(n, out), inputs: [], output };
}

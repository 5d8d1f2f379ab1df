// MLX's fp8 (e4m3) conversions, toFp8 and fromFp8, built from float32
// arithmetic that reproduces MLX's bit-level kernels (mlx/backend/cpu/
// unary_ops.h, ToFP8/FromFP8): round to nearest even, saturation at +-448
// (infinities and NaN too), and 0x7f decoding to 480 rather than NaN.

import { MxArray } from "../array.js";
import { type Dtype, bfloat16, float32, toDtype, uint8 } from "../dtype.js";
import { requireArray } from "../args.js";
import {
  abs, add, astype, equal, floor, floorDivide, greaterEqual, isnan, less, log2, logicalOr, multiply, power,
  reciprocal, remainder, round, subtract, where, divide,
} from "../elementwise.js";
import { tidy } from "../transforms.js";
import { scalarOf } from "./common.js";
import { streamed } from "../stream.js";

const f32 = (v: number) => scalarOf(v, float32);

/** Encodes floating values as e4m3 fp8 bytes (uint8), as MLX does. */
export const toFp8 = streamed("toFp8", function toFp8(x: MxArray): MxArray {
  const op = "to_fp8";
  const a0 = requireArray(x, op);
  if (a0.dtype.kind !== "float")
    throw new Error(`[${op}] Only real floating types are supported but x.dtype() == ${a0.dtype.name}.`);
  return tidy(() => {
    const f = astype(a0, float32);
    // the sign bit, -0 included (1 / -0 is -inf)
    const negative = where(equal(f, 0), less(reciprocal(f), 0), less(f, 0));
    const a = abs(f);
    // below 2^-6: a multiple of the subnormal step 2^-9, rounded half to even
    const low = round(multiply(a, f32(512)));
    // from 2^-6: the exponent e (corrected where log2 rounds across a power of two), then 3 mantissa bits
    let e = floor(log2(a));
    e = where(greaterEqual(power(f32(2), e), multiply(a, f32(2))), subtract(e, f32(1)), e);
    e = where(greaterEqual(a, power(f32(2), add(e, f32(1)))), add(e, f32(1)), e);
    const q = round(multiply(subtract(divide(a, power(f32(2), e)), f32(1)), f32(8)));
    const high = add(multiply(add(e, f32(7)), f32(8)), q); // q = 8 carries into the exponent
    let code = where(less(a, f32(2 ** -6)), low, high);
    code = where(logicalOr(greaterEqual(a, f32(448)), isnan(a)), f32(0x7e), code);
    return astype(add(code, where(negative, f32(128), f32(0))), uint8);
  });
});

/** Decodes e4m3 fp8 bytes (uint8) to `dtype` (default bfloat16), as MLX does. */
export const fromFp8 = streamed("fromFp8", function fromFp8(x: MxArray, dtype: Dtype | string = bfloat16): MxArray {
  const op = "from_fp8";
  const b = requireArray(x, op);
  const dt = toDtype(dtype, op);
  if (b.dtype !== uint8) throw new Error(`[${op}] Input must have type uint8 but x.dtype() == ${b.dtype.name}.`);
  if (dt.kind !== "float") throw new Error(`[${op}] Only real floating types are supported but dtype == ${dt.name}.`);
  return tidy(() => {
    const v = astype(b, float32);
    const magnitude = remainder(v, f32(128));
    const e = floorDivide(magnitude, f32(8));
    const m = remainder(magnitude, f32(8));
    // subnormal (e = 0): m/8 * 2^-6; normal: (1 + m/8) * 2^(e - 7)
    const sub = multiply(m, f32(2 ** -9));
    const normal = multiply(add(f32(1), multiply(m, f32(1 / 8))), power(f32(2), subtract(e, f32(7))));
    const value = where(equal(e, 0), sub, normal);
    return astype(where(greaterEqual(v, f32(128)), multiply(value, f32(-1)), value), dt);
  });
});

// float16 / bfloat16 <-> number conversions for reading and writing 16-bit
// floats from JS (Node 20 has no Float16Array). Round to nearest even, as
// the core does.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function numberToHalf(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const abs = x & 0x7fffffff;
  if (abs >= 0x7f800000) return sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0);
  if (abs >= 0x477ff000) return sign | 0x7c00;
  if (abs < 0x38800000) {
    f32[0] = Math.abs(f32[0]!) * 16777216; // exact: below 1024
    const s = f32[0]!;
    let r = Math.floor(s);
    const frac = s - r;
    if (frac > 0.5 || (frac === 0.5 && r & 1)) r++;
    return sign | r;
  }
  const mant = abs & 0x7fffff;
  let h = (((abs >>> 23) - 112) << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && h & 1)) h++;
  return sign | h;
}

export function bfloat16ToNumber(b: number): number {
  u32[0] = b << 16;
  return f32[0]!;
}

export function numberToBfloat16(v: number): number {
  f32[0] = v;
  const x = u32[0]!;
  if ((x & 0x7fffffff) > 0x7f800000) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

// float16 / bfloat16 elementwise kernels: blocks widened to float32 with
// SIMD conversions (core/kernels/half_simd.h), run through the float32
// kernel, narrowed back with one round-to-nearest-even. Checked against a
// pure-JS reference (test/reference.ts's exact rounding) over every 16-bit
// pattern, on contiguous, strided and broadcast operands, block tails
// included.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { toDtype } from "./reference.js";

type Half = "float16" | "bfloat16";

/** The value of a 16-bit pattern of `t`, decoded in JS. */
function decode(bits: number, t: Half): number {
  if (t === "bfloat16") return new Float32Array(new Uint32Array([bits << 16]).buffer)[0]!;
  const s = bits & 0x8000 ? -1 : 1, e = (bits >> 10) & 0x1f, m = bits & 0x3ff;
  if (e === 0x1f) return m ? NaN : s * Infinity;
  return s * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}

/** Every 16-bit pattern as an array of `t`, in a scrambled order. */
function allPatterns(t: Half): { bits: Uint16Array; values: number[]; a: InstanceType<typeof mx.Array> } {
  const bits = new Uint16Array(65536);
  for (let i = 0; i < 65536; i++) bits[i] = (i * 40503) & 0xffff; // odd multiplier: a permutation
  const a = mx.view(mx.array(bits), t);
  return { bits, values: Array.from(bits, (b) => decode(b, t)), a };
}

function expectSame(got: number[], want: number[], what: string) {
  expect(got.length).toBe(want.length);
  let bad = 0, first = "";
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (Number.isNaN(w) ? Number.isNaN(g) : Object.is(g, w)) continue;
    if (!bad) first = `at ${i}: got ${g}, want ${w}`;
    bad++;
  }
  expect(bad, `${what}: ${bad} mismatches, first ${first}`).toBe(0);
}

const f32 = Math.fround;

describe.each(["float16", "bfloat16"] as Half[])("%s kernels", (t) => {
  it("widen every pattern to float32 exactly, and narrow float32 with one rounding", () => {
    const { values, a } = allPatterns(t);
    expectSame(a.astype(mx.float32).tolist() as number[], values, "astype float32");
    // float32 values around each half and between neighbours, both signs
    const xs: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const v = values[(i * 13) % 65536]!;
      if (!Number.isFinite(v)) continue;
      xs.push(v, f32(v * (1 + 2 ** -12)), f32(v * (1 - 2 ** -12)), f32(v * (1 + 2 ** -9)), -f32(v * 1.3));
    }
    xs.push(65504, 65519.99, 65520, 1e6, 2 ** -25, 2 ** -25 * 1.0001, 2 ** -26, 3e38, -Infinity, NaN);
    const x = mx.array(Float32Array.from(xs));
    expectSame(x.astype(t).tolist() as number[], xs.map((v) => toDtype(f32(v), t)), "astype from float32");
    mx.dispose(x, a);
  });

  it("binary ops (contiguous, broadcast scalar, transposed) round once from the float32 result", () => {
    const { values, a } = allPatterns(t);
    const b = a.reshape([256, 256]);
    const rev = mx.view(mx.array(Uint16Array.from({ length: 65536 }, (_, i) => (i * 40503 + 12345) & 0xffff)), t);
    const revValues = Array.from({ length: 65536 }, (_, i) => decode((i * 40503 + 12345) & 0xffff, t));
    const cases: [string, () => InstanceType<typeof mx.Array>, (i: number) => number][] = [
      ["a * rev", () => a.mul(rev), (i) => f32(values[i]! * revValues[i]!)],
      ["a + rev", () => a.add(rev), (i) => f32(values[i]! + revValues[i]!)],
      ["a - 1.5", () => a.sub(1.5), (i) => f32(values[i]! - 1.5)],
      ["3 / a", () => mx.divide(3, a), (i) => f32(3 / values[i]!)],
      ["maximum(a, rev)", () => mx.maximum(a, rev), (i) => (Number.isNaN(values[i]!) || Number.isNaN(revValues[i]!) ? NaN : Math.max(values[i]!, revValues[i]!))],
    ];
    for (const [what, f, ref] of cases) {
      const got = mx.tidy(() => f().tolist() as number[]);
      expectSame(got, values.map((_, i) => toDtype(ref(i), t)), what);
    }
    // a transposed operand: element (i, j) of b.T + b is b[j, i] + b[i, j]
    const got = mx.tidy(() => b.T.add(b).reshape([-1]).tolist() as number[]);
    const want = values.map((_, k) => {
      const i = Math.floor(k / 256), j = k % 256;
      return toDtype(f32(values[j * 256 + i]! + values[k]!), t);
    });
    expectSame(got, want, "b.T + b");
    mx.dispose(a, rev);
  });

  it("comparisons give bool from the exact values", () => {
    const { values, a } = allPatterns(t);
    expectSame(mx.tidy(() => a.less(0.5).tolist() as boolean[]).map(Number), values.map((v) => Number(v < 0.5)), "a < 0.5");
    expectSame(mx.tidy(() => a.equal(a).tolist() as boolean[]).map(Number), values.map((v) => Number(v === v)), "a == a");
    a.dispose();
  });

  it("unary SIMD kernels (exp, tanh, sigmoid) land within one 16-bit ulp of the exact result", () => {
    const { values, a } = allPatterns(t);
    const ulp = (v: number) => {
      const m = Math.abs(v), p = t === "float16" ? 11 : 8, emin = t === "float16" ? -14 : -126;
      return 2 ** (Math.max(Math.floor(Math.log2(m || 2 ** emin)), emin) - (p - 1));
    };
    const fns: [string, (x: InstanceType<typeof mx.Array>) => InstanceType<typeof mx.Array>, (v: number) => number][] = [
      ["exp", mx.exp, Math.exp],
      ["tanh", mx.tanh, Math.tanh],
      ["sigmoid", mx.sigmoid, (v) => 1 / (1 + Math.exp(-v))],
      ["abs", mx.abs, Math.abs],
    ];
    for (const [name, f, ref] of fns) {
      const got = mx.tidy(() => f(a).tolist() as number[]);
      let bad = 0, first = "";
      values.forEach((v, i) => {
        const w = toDtype(ref(v), t), g = got[i]!;
        const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= ulp(w);
        if (!ok && !bad++) first = `${name}(${v}) = ${g}, want ${w}`;
      });
      expect(bad, `${name}: ${bad} off by more than an ulp, first ${first}`).toBe(0);
    }
    a.dispose();
  });
});

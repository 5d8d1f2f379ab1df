// arange on the GPU (ts/webgpu/kernels/arange.ts): every 32-bit-or-narrower
// dtype, bit for bit equal to the CPU (which computes start + i * step in
// double precision, then converts), and to a pure-JS reference of that rule
// for float32 and the integer dtypes (JS numbers are doubles: Math.fround
// of start + i * step is the CPU's float32, Math.trunc its integer).
import { describe, expect, it } from "vitest";
import { mx, onBoth } from "./setup.js";

type Case = [start: number, stop: number, step: number, dtype: mx.Dtype];

const bytes = (a: mx.Array) => {
  const d = a.dataSync() as ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number };
  return Array.from(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
};

/** The first index where the two arrays' bytes differ, with both values, or "" when they are equal. */
function firstDifference(cpu: mx.Array, gpu: mx.Array): string {
  const c = bytes(cpu), g = bytes(gpu);
  if (c.length !== g.length) return `length ${g.length} for ${c.length}`;
  const k = c.findIndex((b, i) => b !== g[i]);
  if (k < 0) return "";
  const e = Math.floor(k / cpu.dtype.size);
  return `element ${e}: gpu ${Number((gpu.dataSync() as ArrayLike<number>)[e])}, cpu ${Number((cpu.dataSync() as ArrayLike<number>)[e])}`;
}

/** The CPU's rule in JS, as the element's value in the dtype's typed array. */
function reference(start: number, step: number, n: number, dtype: mx.Dtype): ArrayLike<number> {
  const values = Array.from({ length: n }, (_, i) => start + i * step);
  const ints: Record<string, new (xs: number[]) => ArrayLike<number>> = {
    int8: Int8Array, int16: Int16Array, int32: Int32Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
  };
  if (dtype.name === "float32") return Float32Array.from(values);
  return new ints[dtype.name]!(values.map(Math.trunc));
}

async function check(cases: Case[]): Promise<void> {
  const r = await onBoth(() => cases.map(([a, b, s, t]) => mx.arange(a, b, s, t)));
  const bad: string[] = [];
  cases.forEach(([a, b, s, t], k) => {
    const cpu = r.cpu[k]!, gpu = r.gpu[k]!;
    const name = `arange(${a}, ${b}, ${s}, ${t.name})`;
    expect(gpu.shape, name).toEqual(cpu.shape);
    const diff = firstDifference(cpu, gpu);
    if (diff) bad.push(`${name}: ${diff}`);
    if (t.name !== "float16" && t.name !== "bfloat16") {
      const want = reference(a, s, cpu.shape[0]!, t), got = cpu.dataSync() as ArrayLike<number>;
      const k2 = Array.from(got).findIndex((v, i) => !Object.is(v, want[i]));
      if (k2 >= 0) bad.push(`${name} on the CPU: element ${k2} is ${got[k2]}, the reference ${want[k2]}`);
    }
  });
  expect(bad).toEqual([]);
}

describe("arange on the GPU", () => {
  it("runs there (no CPU fallback any more), and mx.eval evaluates it like any GPU node", async () => {
    const a = mx.withDevice(mx.gpu, () => mx.arange(0, 10, 0.5, mx.float32));
    expect(mx.exportToDot(a)).toMatch(/Arange\\ngpu float32 /);
    expect(mx.backendInfo().gpuFallbacks.some((f) => f.op === "Arange")).toBe(false);
    mx.eval(a);
    expect(Array.from((await a.data()) as Float32Array).slice(0, 4)).toEqual([0, 0.5, 1, 1.5]);
  });

  it("float32: fractional and negative steps, values that cancel to zero, ties past 2^24, large and tiny magnitudes", async () => {
    await check([
      [0, 10, 1, mx.float32], [0, 1, 0.1, mx.float32], [-1, 1, 0.001, mx.float32], [5, -5, -0.3, mx.float32],
      [1, 0, -0.1, mx.float32], [-2.5, 7.25, 0.125, mx.float32], [0.1, 0.9, 0.05, mx.float32],
      [16777200, 16777300, 1, mx.float32], [16777216.5, 16777300, 3.3, mx.float32],
      [1e9, 1e9 + 3000, 1.7, mx.float32], [-1e30, 1e30, 1.3e28, mx.float32], [3e38, 3.5e38, 1e37, mx.float32],
      [0, 1e-30, 3e-33, mx.float32], [0, 2e-40, 3e-42, mx.float32], [-0, 1, 0.25, mx.float32], [0, -1, -0.25, mx.float32],
      [1 / 3, 100, Math.PI, mx.float32], [1e-8, 1, 1e-3 / 7, mx.float32],
    ]);
  });

  it("float16 and bfloat16 round through float32, as the CPU does", async () => {
    await check([
      [0, 100, 0.1, mx.float16], [-3, 3, 0.37, mx.float16], [60000, 70000, 250, mx.float16], [0, 1e-5, 3e-7, mx.float16],
      [0, 100, 0.1, mx.bfloat16], [-1e30, 1e30, 3.7e28, mx.bfloat16], [2047, 2100, 1, mx.float16], [255, 300, 1, mx.bfloat16],
    ]);
  });

  it("the integer dtypes: integer and fractional steps (truncated toward zero), negative values, their ranges' ends", async () => {
    await check([
      [0, 10, 1, mx.int32], [-5, 5, 1, mx.int32], [10, -10, -3, mx.int32], [-3, 3, 0.7, mx.int32], [3.9, -3.9, -0.45, mx.int32],
      [2147483000, 2147483647, 7, mx.int32], [-2147483648, -2147483000, 11, mx.int32],
      [0, 4294967295, 429496729.5, mx.uint32], [4294967000, 4294967295, 3, mx.uint32], [0, 30, 2.5, mx.uint32],
      [-128, 128, 3, mx.int8], [127, -128, -5, mx.int8], [0, 256, 1, mx.uint8], [0.5, 255, 1.75, mx.uint8],
      [-32768, 32767, 97, mx.int16], [0, 65536, 255.5, mx.uint16], [-2.5, 2.5, 0.5, mx.int16],
    ]);
  });

  it("empty ranges and a large one", async () => {
    await check([[3, 3, 1, mx.float32], [5, 0, 1, mx.int32], [0, 5, -1, mx.uint8], [0, 1, 2, mx.float16]]);
    await check([[-100, 100, 0.0007, mx.float32], [0, 1e6, 3, mx.int32]]);
  });
});

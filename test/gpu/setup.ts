// The GPU suites: the package with the WebGPU backend open, on Dawn's Node
// binding (`webgpu` npm package) over the SwiftShader Vulkan driver that
// Debian's chromium ships (the Makefile sets VK_ICD_FILENAMES). Every GPU
// result is compared with the CPU result of the same program.
import * as mx from "webmx";
import { expect } from "vitest";

export const THREADS = Number(process.env.WEBMX_TEST_THREADS ?? 0) || 0;
await mx.init({ threads: THREADS > 1 ? THREADS : false, gpu: true });
export { mx };

type Out = mx.Array | mx.Array[];
const list = (o: Out) => (Array.isArray(o) ? o : [o]);

/** Runs `program` with each device as the default; returns the outputs, read back. */
export async function onBoth(program: () => Out): Promise<{ cpu: mx.Array[]; gpu: mx.Array[] }> {
  const cpu = list(mx.withDevice(mx.cpu, program));
  const gpu = list(mx.withDevice(mx.gpu, program));
  await mx.asyncEval(cpu, gpu);
  return { cpu, gpu };
}

const asNumbers = (a: mx.Array) => Array.from(a.dataSync() as ArrayLike<number | bigint>, Number);

/**
 * Asserts the GPU outputs equal the CPU ones: same shapes and dtypes, values
 * within `rtol`/`atol` (exact by default), NaN where the CPU has NaN.
 */
export function expectSame(r: { cpu: mx.Array[]; gpu: mx.Array[] }, tol: { rtol?: number; atol?: number } = {}): void {
  const rtol = tol.rtol ?? 0, atol = tol.atol ?? 0;
  expect(r.gpu.length).toBe(r.cpu.length);
  r.cpu.forEach((c, i) => {
    const g = r.gpu[i]!;
    expect(g.shape).toEqual(c.shape);
    expect(g.dtype).toBe(c.dtype);
    const want = asNumbers(c), got = asNumbers(g);
    for (let k = 0; k < want.length; ++k) {
      const w = want[k]!, v = got[k]!;
      if (Number.isNaN(w)) { expect(v, `element ${k}`).toBeNaN(); continue; }
      if (!Number.isFinite(w)) { expect(v, `element ${k}`).toBe(w); continue; }
      if (Math.abs(v - w) > atol + rtol * Math.abs(w))
        expect(v, `element ${k} of output ${i} (${c.dtype.name} ${JSON.stringify(c.shape)})`).toBe(w);
    }
  });
}

/** Deterministic values in [lo, hi). */
export function values(n: number, lo = -3, hi = 3, seed = 1): number[] {
  let s = seed >>> 0 || 1;
  const out: number[] = [];
  for (let i = 0; i < n; ++i) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(lo + ((s >>> 8) / 2 ** 24) * (hi - lo));
  }
  return out;
}

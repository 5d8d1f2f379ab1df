// Fused chains and the bandwidth path on the GPU: a compiled elementwise
// chain becomes one generated kernel (one Fused node on the GPU), the
// vector loop (4 elements per invocation) handles every length, and buffers
// freed while commands are still being recorded are reused safely.
import { describe, expect, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], seed = 1, lo = -2, hi = 2) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), lo, hi, seed))).reshape(shape);

/** Ten steps over every kind of step input: both inputs, a scalar, earlier results. */
const chain = (p: mx.Array, q: mx.Array) => {
  let z = mx.add(p, q);
  z = mx.multiply(z, p); z = mx.subtract(z, q); z = mx.maximum(z, p); z = mx.add(z, mx.array(1));
  z = mx.multiply(z, mx.array(0.5)); z = mx.tanh(z); z = mx.add(z, q); z = mx.abs(z);
  return mx.sqrt(z);
};

/** The DOT graph's node labels (op and device). */
const labels = (a: mx.Array) => [...mx.exportToDot(a).matchAll(/label="([^"]*)"/g)].map((m) => m[1]!.replace("\\n", " "));

describe("fused chains on the GPU", () => {
  it("a compiled chain is one Fused kernel on the GPU and matches the CPU, at every length", async () => {
    const compiled = mx.compile(chain);
    for (const n of [1, 3, 4, 5, 1023, 4097]) {
      const r = await onBoth(() => [compiled(f32([n], n), f32([n], n + 1))]);
      expectSame({ cpu: [chain(f32([n], n), f32([n], n + 1))], gpu: r.gpu }, { rtol: 1e-5, atol: 1e-6 });
    }
    const traced = mx.withDevice(mx.gpu, () => compiled(f32([8], 1), f32([8], 2)));
    const ops = labels(traced).filter((l) => !/^(cpu|gpu) /.test(l));
    expect(ops).toContain("Fused gpu float32 (8)");
    expect(ops.filter((l) => !l.startsWith("ToDevice"))).toHaveLength(1);
  });

  it("broadcast, strided and scalar inputs read through their strides", async () => {
    const compiled = mx.compile(chain);
    const r = await onBoth(() => [
      compiled(f32([5, 7], 1), f32([7], 2)), // a row broadcast
      compiled(f32([7, 5], 3).T, f32([5, 1], 4)), // a transposed input and a column broadcast
      compiled(f32([6], 5), mx.array(0.25)), // a scalar
    ]);
    expectSame(r, { rtol: 1e-5, atol: 1e-6 });
  });

  it("transcendental steps (the shared WGSL math) and a shapeless chain at new shapes", async () => {
    const f = (x: mx.Array, y: mx.Array) => mx.logaddexp(mx.erf(mx.sin(x)), mx.multiply(mx.expm1(y), mx.cos(x)));
    const shapeless = mx.compile(f, { shapeless: true });
    const r = await onBoth(() => [shapeless(f32([9], 1), f32([9], 2)), shapeless(f32([3, 11], 3), f32([11], 4))]);
    expectSame(r, { rtol: 1e-5, atol: 1e-6 });
    expectSame({ cpu: [f(f32([3, 11], 3), f32([11], 4))], gpu: [r.gpu[1]!] }, { rtol: 1e-5, atol: 1e-6 });
  });

  it("gradients through a compiled fused chain match the CPU", async () => {
    const g = mx.compile(mx.grad((x: mx.Array) => mx.sum(chain(x, mx.exp(x)))));
    expectSame(await onBoth(() => [g(f32([33], 7, 0.1, 2))]), { rtol: 1e-4, atol: 1e-6 });
  });
});

describe("the vector loop and the buffer pool", () => {
  it("elementwise ops on 32-bit dtypes at lengths around the vector width, with scalar operands", async () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 1001]) {
      const r = await onBoth(() => {
        const x = f32([n], n), y = f32([n], n + 7);
        const i = mx.array(Int32Array.from(values(n, -50, 50, n).map(Math.round)));
        return [mx.add(x, y), mx.exp(x), mx.multiply(x, mx.array(3)), mx.add(i, mx.array(5, mx.int32)), mx.maximum(i, mx.negative(i))];
      });
      expectSame(r, { rtol: 1e-6 });
    }
  });

  it("a buffer freed mid-graph and reused by an upload of a CPU value keeps both values right", async () => {
    // In a tidy, exp(exp(x))'s intermediates are freed while the kernels that
    // use them are still being recorded; the CPU value moved to the GPU next
    // lands in such a buffer, and its upload must not overtake those kernels.
    const n = 4096;
    const x = f32([n], 1, -1, 1), y = f32([n], 2);
    const want = [mx.add(mx.exp(mx.exp(x)), mx.sin(y)), mx.add(mx.exp(mx.exp(mx.exp(x))), mx.sin(y))];
    const got = mx.withDevice(mx.gpu, () => mx.tidy(() => {
      const onCpu = () => mx.withDevice(mx.cpu, () => mx.sin(y));
      const twice = () => mx.exp(mx.exp(mx.multiply(x, mx.array(1))));
      return [mx.add(twice(), onCpu()), mx.add(mx.exp(twice()), onCpu())];
    }));
    await mx.asyncEval(got);
    expectSame({ cpu: want, gpu: got }, { rtol: 2e-5 });
  });
});

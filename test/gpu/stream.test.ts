// MLX's `stream=` on the GPU: `{stream: mx.gpu}` with the CPU as the default
// device places that op on the GPU, `{stream: mx.cpu}` with the GPU default
// places it on the CPU (x.device and exportToDot's placement say where), the
// other ops stay on the default, and results match the CPU's.
import { describe, expect, it } from "vitest";
import { mx, values } from "./setup.js";

/** An evaluated float32 array (no Reshape node left in the graphs below). */
function f32(shape: number[], seed = 1): mx.Array {
  const a = mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), -2, 2, seed))).reshape(shape);
  mx.eval(a);
  return a;
}

/** "Primitive device" of each node still to compute in the graph of `outs`, sorted. */
function placements(outs: mx.Array | mx.Array[]): string[] {
  const dot = mx.exportToDot(outs);
  return [...dot.matchAll(/n\d+ \[label="([A-Za-z0-9]+)\\n(cpu|gpu) /g)].map((m) => `${m[1]} ${m[2]}`).sort();
}

const gpu = { stream: mx.gpu };
const cpu = { stream: mx.cpu };

async function expectClose(got: mx.Array | mx.Array[], want: mx.Array | mx.Array[], rtol = 1e-5, atol = 1e-6) {
  const g = Array.isArray(got) ? got : [got], w = Array.isArray(want) ? want : [want];
  await mx.asyncEval(g, w);
  expect(g.length).toBe(w.length);
  g.forEach((x, i) => {
    expect(x.shape).toEqual(w[i]!.shape);
    expect(x.dtype).toBe(w[i]!.dtype);
    const a = Array.from(x.dataSync() as ArrayLike<number | bigint>, Number);
    const b = Array.from(w[i]!.dataSync() as ArrayLike<number | bigint>, Number);
    a.forEach((v, k) => expect(Math.abs(v - b[k]!) <= atol + rtol * Math.abs(b[k]!), `element ${k}: ${v} vs ${b[k]}`).toBe(true));
  });
}

describe("{stream} places one op", () => {
  it("{stream: mx.gpu} with the CPU default puts that op on the GPU and no other", async () => {
    expect(mx.defaultDevice()).toBe(mx.cpu);
    const x = f32([3, 4]);
    const y = mx.exp(x, gpu);
    expect(y.device).toBe(mx.gpu);
    // the CPU input reaches it through a ToDevice node
    expect(placements(y)).toEqual(["Exp gpu", "ToDevice gpu"]);
    const z = mx.sum(y, 1); // the default again: the CPU, reading the GPU result through a ToDevice
    expect(z.device).toBe(mx.cpu);
    expect(placements(z)).toEqual(["Exp gpu", "Squeeze cpu", "Sum cpu", "ToDevice cpu", "ToDevice gpu"]);
    expect(mx.defaultDevice()).toBe(mx.cpu);
    await expectClose(z, mx.sum(mx.exp(x), 1));
  });

  it("{stream: mx.cpu} with the GPU default puts that op on the CPU", async () => {
    const x = f32([3, 4], 2);
    const [y, z] = mx.withDevice(mx.gpu, () => {
      const a = mx.tanh(x, cpu);
      return [a, mx.multiply(a, 2)];
    });
    expect(y!.device).toBe(mx.cpu);
    expect(placements(y!)).toEqual(["Tanh cpu"]);
    expect(z!.device).toBe(mx.gpu);
    // (the scalar 2 is a CPU constant broadcast on the GPU)
    expect(placements(z!)).toEqual(["Broadcast gpu", "Multiply gpu", "Tanh cpu", "ToDevice gpu", "ToDevice gpu"]);
    await expectClose([y!, z!], [mx.tanh(x), mx.multiply(mx.tanh(x), 2)]);
  });

  it("the device names and the array methods work the same way", async () => {
    const x = f32([4, 4], 3);
    const s = x.sum(0, false, { stream: "gpu" });
    expect(s.device).toBe(mx.gpu);
    const t = mx.withDevice(mx.gpu, () => x.matmul(x, { stream: "cpu" }));
    expect(t.device).toBe(mx.cpu);
    const r = x.reshape(2, 8, gpu);
    expect(r.device).toBe(mx.gpu);
    await expectClose([s, t, r], [x.sum(0), mx.matmul(x, x), x.reshape(2, 8)], 1e-5, 1e-5);
  });

  it("creation ops and random numbers are made on the stream's device", async () => {
    const z = mx.zeros([3], mx.float32, gpu);
    expect(z.device).toBe(mx.gpu);
    const a = mx.withDevice(mx.gpu, () => mx.array([1, 2], undefined, cpu));
    expect(a.device).toBe(mx.cpu);
    const u = mx.random.uniform(0, 1, [8], { key: mx.random.key(3), stream: mx.gpu });
    expect(u.device).toBe(mx.gpu);
    await expectClose([z, a, u], [mx.zeros([3]), mx.array([1, 2]), mx.random.uniform(0, 1, [8], { key: mx.random.key(3) })]);
  });
});

// One op of each family, with {stream: mx.gpu} and the CPU default, against
// the plain CPU result; and where its primitive ran: on the GPU, or on the
// CPU when it is one of backendInfo().gpuFallbacks (as under withDevice).
const families: [string, (s?: mx.StreamOptions) => mx.Array | mx.Array[], string][] = [
  ["add", (s) => mx.add(f32([3, 4]), f32([4], 2), s), "Add gpu"],
  ["sigmoid", (s) => mx.sigmoid(f32([5]), s), "Sigmoid gpu"],
  ["where", (s) => mx.where(mx.greater(f32([4]), 0), f32([4], 2), 1, s), "Select gpu"],
  ["softmax", (s) => mx.softmax(f32([2, 6]), -1, { precise: true, ...s }), "Softmax gpu"],
  ["cumsum", (s) => mx.cumsum(f32([2, 5]), 1, { reverse: true, ...s }), "CumSum gpu"],
  ["argmax", (s) => mx.argmax(f32([3, 5]), 1, false, s), "ArgMax gpu"],
  ["sort", (s) => mx.sort(f32([7]), -1, s), "Sort gpu"],
  ["matmul", (s) => mx.matmul(f32([3, 4]), f32([4, 2], 2), s), "Matmul gpu"],
  ["conv2d", (s) => mx.conv2d(f32([1, 5, 5, 2]), f32([3, 3, 3, 2], 2), { padding: 1, ...s }), "Convolution gpu"],
  ["concatenate", (s) => mx.concatenate([f32([2, 2]), f32([2, 2], 2)], 1, s), "Concatenate gpu"],
  ["take", (s) => mx.take(f32([6]), mx.array([5, 0, 2], mx.int32), 0, s), "Gather gpu"],
  ["fast.rmsNorm", (s) => mx.fast.rmsNorm(f32([2, 8]), f32([8], 2), 1e-5, s), "RMSNorm gpu"],
  ["logcumsumexp", (s) => mx.logcumsumexp(f32([6]), 0, { ...s }), "LogAddExp gpu"],
  ["linalg.inv", (s) => mx.linalg.inv(mx.add(mx.eye(3), mx.multiply(f32([3, 3]), 0.1)), s), "Inverse cpu"],
  ["fft.rfft", (s) => mx.fft.rfft(f32([8]), undefined, -1, undefined, s), "FFT cpu"],
  ["arange", (s) => mx.arange(0, 5, mx.float32, s), "Arange gpu"],
];

describe("every op family with {stream: mx.gpu}", () => {
  // (a loop rather than it.each: tools/gpu_suite's vitest shim runs these suites too)
  for (const [name, call, where] of families) it(`${name} runs on the GPU (or its listed fallback) and matches the CPU`, async () => {
    const got = call(gpu);
    const outs = Array.isArray(got) ? got : [got];
    expect(placements(outs)).toContain(where);
    const [primitive, device] = where.split(" ");
    if (device === "cpu")
      expect(mx.backendInfo().gpuFallbacks.some((f) => f.op === primitive || f.op === "*")).toBe(true);
    await expectClose(got, call(), 1e-4, 1e-5);
  });
});

describe("{stream} in traced functions and after errors", () => {
  it("compile and grad record the placement, as withDevice does", async () => {
    const f = (x: mx.Array) => mx.sum(mx.exp(x, gpu));
    const c = mx.compile(f);
    const x = f32([6]);
    const y1 = c(x), y2 = c(f32([6], 2)); // trace, then replay
    const traced = ["Exp gpu", "Squeeze cpu", "Sum cpu", "ToDevice cpu", "ToDevice gpu"];
    expect(placements(y1)).toEqual(traced);
    expect(placements(y2)).toEqual(traced);
    // withDevice inside a compiled function is recorded the same way
    const w = mx.compile((a: mx.Array) => mx.sum(mx.withDevice(mx.gpu, () => mx.exp(a))));
    expect(placements([w(x), w(f32([6], 3))]).filter((p) => p.startsWith("Exp"))).toEqual(["Exp gpu", "Exp gpu"]);
    await expectClose([y1, y2], [mx.sum(mx.exp(x)), mx.sum(mx.exp(f32([6], 2)))]);
    const g = mx.grad(f)(x);
    expect(mx.exportToDot(g)).toMatch(/gpu/);
    await expectClose(g, mx.exp(x));
    expect(mx.defaultDevice()).toBe(mx.cpu);
  });

  it("an error inside an op with a stream leaves the default device as it was", () => {
    mx.withDevice(mx.gpu, () => {
      expect(() => mx.sum(f32([2]), 5, cpu)).toThrow(/sum/);
      expect(mx.defaultDevice()).toBe(mx.gpu);
      expect(() => mx.exp(f32([2]), { stream: "tpu" as never })).toThrow(/^\[exp\] The stream must be/);
      expect(mx.defaultDevice()).toBe(mx.gpu);
    });
    expect(mx.defaultDevice()).toBe(mx.cpu);
  });
});

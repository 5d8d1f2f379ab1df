// MLX's `stream=` on every op: a trailing `{stream: mx.cpu}` (or "cpu") is
// accepted by each exported op and method and changes nothing on the CPU;
// bad devices and unknown keys are tagged errors; objects that are not
// options ({re, im} values, an op's own options without `stream`) are not
// taken for them. (test/gpu/stream.test.ts checks the placement itself.)
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const cpu = { stream: mx.cpu };
type Out = mx.Array | mx.Array[] | [mx.Array, mx.Array];
const read = (o: Out): unknown => (Array.isArray(o) ? o.map(read) : { shape: o.shape, dtype: o.dtype.name, values: o.tolist() });

const m = () => mx.array([[1, 2], [3, 4]]);
const v = () => mx.array([0.5, -1.5, 2]);
const key = () => mx.random.key(7);

/** One call per op family: `s` is undefined (no options) or the stream options. */
const calls: [string, (s?: mx.StreamOptions) => Out][] = [
  ["exp", (s) => mx.exp(v(), s)],
  ["logicalNot", (s) => mx.logicalNot(mx.array([true, false]), s)],
  ["add", (s) => mx.add(m(), 1, s)],
  ["bitwiseXor", (s) => mx.bitwiseXor(mx.array([3], mx.int32), 5, s)],
  ["astype", (s) => mx.astype(v(), mx.int32, s)],
  ["round", (s) => mx.round(v(), 0, s)],
  ["where", (s) => mx.where(mx.array([true, false, true]), v(), 0, s)],
  ["clip", (s) => mx.clip(v(), -1, 1, s)],
  ["isclose", (s) => mx.isclose(v(), v(), 1e-5, 1e-8, { equalNan: true, ...s })],
  ["arrayEqual", (s) => mx.arrayEqual(v(), v(), { equalNan: false, ...s })],
  ["sum", (s) => mx.sum(m(), 0, true, s)],
  ["var", (s) => mx.var(m(), 1, false, 1, s)],
  ["softmax", (s) => mx.softmax(m(), -1, { precise: true, ...s })],
  ["argmax", (s) => mx.argmax(m(), 1, false, s)],
  ["cumsum", (s) => mx.cumsum(m(), 1, { reverse: true, ...s })],
  ["sort", (s) => mx.sort(v(), -1, s)],
  ["topk", (s) => mx.topk(v(), 2, -1, s)],
  ["array", (s) => mx.array([1, 2], mx.int32, s)],
  ["full", (s) => mx.full([2], 3, undefined, s)],
  ["zeros", (s) => mx.zeros([2], mx.int32, s)],
  ["arange", (s) => mx.arange(1, 4, mx.int32, s)],
  ["linspace", (s) => mx.linspace(0, 1, 3, undefined, s)],
  ["eye", (s) => mx.eye(2, 3, 1, undefined, s)],
  ["tri", (s) => mx.tri(2, 2, 0, undefined, s)],
  ["triu", (s) => mx.triu(m(), 0, s)],
  ["complex", (s) => mx.real(mx.complex(v(), 1, s), s)],
  ["reshape", (s) => mx.reshape(m(), [4], s)],
  ["transpose", (s) => mx.transpose(m(), [1, 0], s)],
  ["concatenate", (s) => mx.concatenate([m(), m()], 1, s)],
  ["split", (s) => mx.split(m(), 2, 0, s)],
  ["pad", (s) => mx.pad(v(), 1, { constantValues: 9, ...s })],
  ["take", (s) => mx.take(v(), mx.array([2, 0], mx.int32), 0, s)],
  ["broadcastArrays", (s) => (s ? mx.broadcastArrays(m(), v().index(mx.slice(0, 2)), s) : mx.broadcastArrays(m(), v().index(mx.slice(0, 2))))],
  ["random.uniform", (s) => mx.random.uniform(0, 1, [3], { key: key(), ...s })],
  ["random.split", (s) => mx.random.split(key(), 3, s)],
  ["random.categorical", (s) => mx.random.categorical(m(), { key: key(), ...s })],
  ["fft.fft", (s) => mx.abs(mx.fft.fft(v(), undefined, -1, undefined, s))],
  ["fft.rfftfreq", (s) => mx.fft.rfftfreq(4, 1, s)],
  ["matmul", (s) => mx.matmul(m(), m(), s)],
  ["addmm", (s) => mx.addmm(m(), m(), m(), { alpha: 2, ...s })],
  ["einsum", (s) => (s ? mx.einsum("ij,jk->ik", m(), m(), s) : mx.einsum("ij,jk->ik", m(), m()))],
  ["conv1d", (s) => mx.conv1d(mx.ones([1, 4, 1]), mx.ones([1, 2, 1]), { stride: 2, ...s })],
  ["linalg.norm", (s) => mx.linalg.norm(m(), null, null, false, s)],
  ["linalg.inv", (s) => mx.linalg.inv(m(), s)],
  ["linalg.svd", (s) => mx.linalg.svd(m(), false, s)],
  ["linalg.qr", (s) => mx.abs(mx.linalg.qr(m(), s)[1])],
  ["fast.rmsNorm", (s) => mx.fast.rmsNorm(m(), null, 1e-5, s)],
  ["fast.rope", (s) => mx.fast.rope(mx.ones([1, 2, 4]), 4, { base: 10000, scale: 1, traditional: false, offset: 0, ...s })],
  ["quantize", (s) => mx.quantize(mx.ones([2, 64]), 64, 4, { ...s })],
  ["view", (s) => mx.view(mx.array([1], mx.int32), mx.uint32, s)],
  ["contiguous", (s) => mx.contiguous(mx.transpose(m()), false, s)],
  ["nanToNum", (s) => mx.nanToNum(mx.array([NaN, 1]), { nan: 5, ...s })],
  ["divmod", (s) => mx.divmod(mx.array([7]), 2, s)],
  ["flip", (s) => mx.flip(v(), 0, s)],
  ["atleast2d", (s) => mx.atleast2d(v(), s)],
  ["unstack", (s) => mx.unstack(m(), { axis: 1, ...s })],
  ["meshgrid", (s) => mx.meshgrid(v(), v(), { indexing: "ij", ...s })],
  ["trace", (s) => mx.trace(m(), 0, 0, 1, undefined, s)],
  ["vecdot", (s) => mx.vecdot(m(), m(), { axis: 0, ...s })],
  ["median", (s) => mx.median(m(), 0, false, s)],
  ["logcumsumexp", (s) => mx.logcumsumexp(v(), 0, { reverse: true, ...s })],
  ["searchsorted", (s) => mx.searchsorted(mx.array([1, 2, 3]), mx.array([2.5]), "left", s)],
  ["hanning", (s) => mx.hanning(4, s)],
  ["convolve", (s) => mx.convolve(v(), v(), "same", s)],
  ["asarray", (s) => mx.asarray([1, 2], mx.int32, { ...s })],
  ["toFp8", (s) => mx.fromFp8(mx.toFp8(v(), s), mx.float32, s)],
  ["gatherMm", (s) => mx.gatherMm(m(), m(), null, null, { ...s })],
  ["hadamardTransform", (s) => mx.hadamardTransform(m(), null, s)],
  ["conv3d", (s) => mx.conv3d(mx.ones([1, 2, 2, 2, 1]), mx.ones([1, 1, 1, 1, 1]), { ...s })],
];

describe("{stream} on every op", () => {
  it.each(calls)("%s gives the same result with {stream: mx.cpu}", (_, call) => {
    expect(read(call(cpu))).toEqual(read(call()));
    expect(read(call({ stream: "cpu" }))).toEqual(read(call()));
  });

  it("the stream may come right after the required arguments, as MLX's keyword does", () => {
    expect(mx.sum(m(), cpu).item()).toBe(10);
    expect(mx.softmax(m(), cpu).tolist()).toEqual(mx.softmax(m()).tolist());
    expect(mx.topk(v(), 1, cpu).tolist()).toEqual([2]);
    expect(mx.random.normal({ stream: mx.cpu }).shape).toEqual([]);
    expect(mx.quantize(mx.ones([2, 64]), cpu).length).toBe(3);
    expect(mx.linalg.svd(m(), cpu).length).toBe(3);
    expect(mx.arange(3, cpu).tolist()).toEqual([0, 1, 2]);
    // trailing undefineds after the options are skipped; {stream: undefined} is the default device
    expect((mx.sum as (...args: unknown[]) => mx.Array)(m(), cpu, undefined).item()).toBe(10);
    expect(mx.exp(mx.array(0), { stream: undefined }).item()).toBe(1);
  });

  it("the methods that are ops take it too", () => {
    const a = m();
    expect(a.add(1, cpu).tolist()).toEqual([[2, 3], [4, 5]]);
    expect(a.sum(0, true, cpu).tolist()).toEqual([[4, 6]]);
    expect(a.sum(undefined, undefined, cpu).item()).toBe(10);
    expect(a.reshape(4, cpu).shape).toEqual([4]);
    expect(a.reshape([1, 4], cpu).shape).toEqual([1, 4]);
    expect(a.transpose(cpu).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(a.transpose(1, 0, cpu).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(a.cumsum(1, { reverse: true, stream: mx.cpu }).tolist()).toEqual([[3, 2], [7, 4]]);
    expect(a.astype(mx.int32, cpu).dtype).toBe(mx.int32);
    expect(a.round(0, cpu).tolist()).toEqual([[1, 2], [3, 4]]);
    expect(a.split(2, 1, cpu).length).toBe(2);
    expect(a.diag(0, cpu).tolist()).toEqual([1, 4]);
    expect(a.exp(cpu).tolist()).toEqual(a.exp().tolist());
  });

  it("grad and compile trace ops with a stream", () => {
    const f = (x: mx.Array) => mx.sum(mx.multiply(mx.exp(x, cpu), 2, cpu), cpu);
    expect(mx.grad(f)(mx.array([0])).tolist()).toEqual([2]);
    expect(mx.compile(f)(mx.array([0])).item()).toBe(2);
  });
});

describe("{stream} errors and ambiguity", () => {
  const a = mx.array([1, 2]);
  it("a bad device or an unknown key is a tagged error and changes nothing", () => {
    expect(() => mx.exp(a, { stream: "tpu" as never })).toThrow(/^\[exp\] The stream must be mx.cpu, mx.gpu, "cpu" or "gpu", got/);
    expect(() => mx.sum(a, { stream: 1 as never })).toThrow(/^\[sum\] The stream must be/);
    expect(() => a.add(1, { stream: {} as never })).toThrow(/^\[add\] The stream must be/);
    expect(() => mx.exp(a, { stream: mx.cpu, keepdims: true } as never)).toThrow(/^\[exp\] Unknown option 'keepdims'; expected stream\./);
    // an op with options of its own checks the other keys
    expect(() => mx.softmax(a, -1, { stream: mx.cpu, precize: true } as never)).toThrow(/^\[softmax\] Unknown option 'precize'/);
    expect(() => mx.random.normal([2], { stream: mx.cpu, kee: 1 } as never)).toThrow(/^\[normal\] Unknown option 'kee'/);
    expect(mx.defaultDevice()).toBe(mx.cpu);
  });

  it("{stream: mx.gpu} without a GPU says so, as setDefaultDevice does", () => {
    expect(() => mx.setDefaultDevice(mx.gpu)).toThrow(/No GPU is open: call `await mx.init\(\{gpu: true\}\)` first\./);
    expect(() => mx.exp(a, { stream: mx.gpu })).toThrow(/^\[exp\] No GPU is open: call `await mx.init\(\{gpu: true\}\)` first\./);
    expect(() => a.sum(0, false, { stream: "gpu" })).toThrow(/^\[sum\] No GPU is open/);
    expect(mx.defaultDevice()).toBe(mx.cpu);
    // an error inside the op leaves the default device as it was
    expect(() => mx.sum(a, 5, cpu)).toThrow(/sum/);
    expect(mx.defaultDevice()).toBe(mx.cpu);
  });

  it("objects that are not stream options are not taken for them", () => {
    // {re, im} complex values, also with an options object after them
    expect(mx.array({ re: 1, im: 2 }).item()).toEqual({ re: 1, im: 2 });
    expect(mx.array({ re: 1, im: 2 }, undefined, cpu).item()).toEqual({ re: 1, im: 2 });
    expect(mx.array([{ re: 3, im: -1 }], undefined, cpu).tolist()).toEqual([{ re: 3, im: -1 }]);
    // an op's own options without `stream` reach the op untouched
    expect(mx.arange(3, { dtype: mx.int32 }).dtype).toBe(mx.int32);
    expect(mx.arange(3, { dtype: mx.int32, stream: mx.cpu }).dtype).toBe(mx.int32);
    expect(mx.arrayEqual(mx.array([NaN]), mx.array([NaN]), { equalNan: true }).item()).toBe(true);
    expect(mx.arrayEqual(mx.array([NaN]), mx.array([NaN]), { equalNan: true, stream: mx.cpu }).item()).toBe(true);
    expect(mx.unstack(m(), { axis: 1 }).map((x) => x.tolist())).toEqual([[1, 3], [2, 4]]);
    expect(mx.meshgrid(v(), mx.array([1]), { indexing: "ij" })[0]!.shape).toEqual([3, 1]);
    // an options object that is not a plain object (a class instance) is not options
    class Opts { stream = mx.gpu; }
    expect(() => mx.exp(a, new Opts() as never)).not.toThrow();
    // an object whose `stream` is inherited, not its own, is not options either
    expect(() => mx.exp(a, Object.create({ stream: mx.gpu }))).not.toThrow();
  });
});

describe("coverage: every exported op takes {stream}", () => {
  // The exports that are not ops (MLX takes no stream= in them either).
  const notOps = new Set([
    "init", "backendInfo", "memory", "setCacheLimit", "clearCache", "Array", "Dtype", "Device", "eval", "asyncEval",
    "setDefaultDevice", "defaultDevice", "withDevice", "gpuAvailable", "synchronize", "exportToDot", "grad",
    "valueAndGrad", "vjp", "jvp", "vmap", "customFunction", "checkpoint", "tidy", "keep", "dispose", "slice", "Slice",
    "compile", "disableCompile", "enableCompile", "load", "save", "savez", "savezCompressed", "saveSafetensors",
    "saveGguf", "DtypeCategory", "issubdtype", "isdtype", "resultType", "canCast", "broadcastShapes", "einsumPath",
    "depends", "random.seed", "random.key",
  ]);
  const ops: [string, (...args: unknown[]) => unknown][] = [];
  for (const [ns, obj] of [["", mx], ["random.", mx.random], ["fft.", mx.fft], ["linalg.", mx.linalg], ["fast.", mx.fast]] as const)
    for (const [name, f] of Object.entries(obj))
      if (typeof f === "function" && !notOps.has(ns + name)) ops.push([ns + name, f as (...args: unknown[]) => unknown]);

  it("finds the op families", () => {
    expect(ops.length).toBeGreaterThan(200);
    for (const name of ["exp", "sum", "arange", "random.uniform", "fft.fft", "linalg.svd", "fast.rope", "conv3d"])
      expect(ops.map(([n]) => n)).toContain(name);
  });

  // An op reads the stream before anything else: a bad one is its tagged error, whatever the other arguments.
  it.each(ops)("%s", (name, f) => {
    expect(() => f({ stream: "tpu" })).toThrow(/^\[\w+\] The stream must be mx.cpu, mx.gpu, "cpu" or "gpu"/);
    expect(() => f(mx.array([1]), { stream: "tpu" })).toThrow(/^\[\w+\] The stream must be/);
    void name;
  });

  const methods = Object.getOwnPropertyNames(mx.Array.prototype).filter((n) => {
    const d = Object.getOwnPropertyDescriptor(mx.Array.prototype, n)!;
    return typeof d.value === "function" && !["constructor", "dispose", "dataSync", "dataView", "data", "item", "itemNumber",
      "itemBool", "itemBigInt", "tolist", "toString", "toJSON", "index", "at"].includes(n);
  });
  it.each(methods)("x.%s", (name) => {
    const x = mx.array([[1, 2], [3, 4]]) as unknown as Record<string, (...args: unknown[]) => unknown>;
    const args = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "maximum", "minimum", "equal", "notEqual",
      "less", "lessEqual", "greater", "greaterEqual", "matmul", "bitwiseAnd", "bitwiseOr", "bitwiseXor", "leftShift",
      "rightShift", "pow", "power"].includes(name) ? [mx.array([[1, 2], [3, 4]])]
      : name === "astype" ? [mx.float32] : name === "moveaxis" || name === "swapaxes" ? [0, 1] : name === "split" ? [2] : [];
    expect(() => x[name]!(...args, { stream: "tpu" })).toThrow(/^\[\w+\] The stream must be/);
  });
});

// mx.load of .npz and .gguf, mx.savez / mx.savezCompressed / mx.saveGguf,
// against files numpy, Python's zipfile and a struct-level GGUF writer made
// (test/fixtures/io/make_archive_fixtures.py; values in
// archives/expected.json), and the reverse: files webmx writes are checked by
// numpy/zipfile and a struct GGUF parser (check_written_archives.py, run here
// through python3). The TypeScript deflate/inflate are checked against
// Node's zlib both ways. Malformed files give tagged errors, leave no arrays
// behind, and the module stays usable.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { deflateRaw } from "../ts/io/deflate.js";
import { inflateRaw } from "../ts/io/inflate.js";
import { crc32 } from "../ts/io/zip.js";

const FIX = fileURLToPath(new URL("./fixtures/io/", import.meta.url));
const ARCH = join(FIX, "archives");
const expected = JSON.parse(readFileSync(join(ARCH, "expected.json"), "utf8"));
const fixture = (name: string) => new Uint8Array(readFileSync(join(ARCH, name)));

const parse = (v: unknown, dtype: string): number | bigint | boolean => {
  if (dtype === "uint64" || dtype === "int64") return BigInt(v as string);
  if (typeof v === "string") return ({ nan: NaN, inf: Infinity, "-inf": -Infinity } as Record<string, number>)[v]!;
  return v as number | boolean;
};
const flat = (x: any): unknown[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);
const ramp = (n: number) => Array.from({ length: n }, (_, i) => Math.floor(i / 7) % 1000);

/** Exact comparison (NaN equals NaN, -0 is not 0) with expected.json's {dtype, shape, values}. */
function expectArray(a: any, e: { dtype: string; shape: number[]; values: unknown[] | null }, label: string) {
  expect(a, label).toBeInstanceOf(mx.array([0]).constructor);
  expect(a.dtype.name, label).toBe(e.dtype === "bool" ? "bool" : e.dtype);
  expect(a.shape, label).toEqual(e.shape);
  const got = flat(a.tolist());
  const want = e.values === null ? ramp(got.length) : e.values.map((v) => parse(v, e.dtype));
  expect(got.length, label).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (typeof w === "number" && Number.isNaN(w)) expect(Number.isNaN(g as number), `${label}[${i}]`).toBe(true);
    else expect(Object.is(g, w), `${label}[${i}]: got ${String(g)}, expected ${String(w)}`).toBe(true);
  });
}

function expectNpz(arrays: any, label: string) {
  expect(Object.keys(arrays).sort(), label).toEqual(Object.keys(expected.npz).sort());
  for (const [k, e] of Object.entries(expected.npz) as [string, any][]) expectArray(arrays[k], e, `${label}/${k}`);
}

/** The arrays of expected.npz made through mx.array (not through any loader). */
function npzArrays(): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, e] of Object.entries(expected.npz) as [string, any][]) {
    const vals = e.values === null ? ramp(e.shape.reduce((a: number, b: number) => a * b, 1)) : e.values.map((v: unknown) => parse(v, e.dtype));
    out[k] = mx.array(vals, mx[e.dtype as "float32"]).reshape(e.shape);
  }
  return out;
}

const tmp = mkdtempSync(join(tmpdir(), "webmx-io-archives-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("deflate and inflate in TypeScript, against Node's zlib", () => {
  let seed = 99;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const samples: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["one byte", new Uint8Array([42])],
    ["random 100 KB", Uint8Array.from({ length: 100_000 }, () => Math.floor(rand() * 256))],
    ["zeros 200 KB", new Uint8Array(200_000)],
    ["text", new TextEncoder().encode("the quick brown fox jumps over the lazy dog. ".repeat(3000))],
    ["float32 ramp", new Uint8Array(new Float32Array(Array.from({ length: 50_000 }, (_, i) => Math.sin(i / 100))).buffer)],
    ["few symbols", Uint8Array.from({ length: 70_000 }, () => (rand() < 0.9 ? 1 : rand() < 0.5 ? 2 : 3))],
  ];

  it("inflates what zlib deflates, at every level and strategy (stored, fixed and dynamic blocks)", () => {
    const settings: zlib.ZlibOptions[] = [
      { level: 0 }, { level: 1 }, { level: 6 }, { level: 9 }, { strategy: zlib.constants.Z_FIXED },
      { strategy: zlib.constants.Z_HUFFMAN_ONLY }, { strategy: zlib.constants.Z_RLE }, { level: 9, memLevel: 1, windowBits: 9 },
    ];
    for (const [name, data] of samples)
      for (const opts of settings) {
        const packed = new Uint8Array(zlib.deflateRawSync(data, opts));
        expect(Buffer.from(inflateRaw(packed, undefined, "[t] ")).equals(Buffer.from(data)), `${name} ${JSON.stringify(opts)}`).toBe(true);
        expect(inflateRaw(packed, data.length, "[t] ").length).toBe(data.length);
      }
  });

  it("deflates to streams zlib inflates, compressing what is compressible", () => {
    for (const [name, data] of samples) {
      const packed = deflateRaw(data);
      expect(Buffer.from(zlib.inflateRawSync(packed)).equals(Buffer.from(data)), name).toBe(true);
      expect(Buffer.from(inflateRaw(packed, data.length, "[t] ")).equals(Buffer.from(data)), name).toBe(true);
      // Never much larger than the data (stored blocks bound it), much smaller where it repeats.
      expect(packed.length, name).toBeLessThanOrEqual(data.length + 5 * Math.ceil((data.length + 1) / 65535) + 1);
      if (name === "zeros 200 KB" || name === "text") expect(packed.length, name).toBeLessThan(data.length / 50);
      if (name === "few symbols") expect(packed.length, name).toBeLessThan(data.length / 3); // dynamic Huffman codes
    }
  });

  it("round-trips sizes around the 65535-byte block boundary, and mixes of runs and noise, through zlib", () => {
    for (const n of [65534, 65535, 65536, 65537, 131070, 131071, 200_003]) {
      const data = new Uint8Array(n);
      // Stretches of noise, runs and repeats of earlier text, so blocks take all three forms.
      for (let i = 0; i < n; ) {
        const kind = Math.floor(rand() * 3);
        const len = Math.min(n - i, 1 + Math.floor(rand() * 3000));
        for (let k = 0; k < len; ++k, ++i)
          data[i] = kind === 0 ? Math.floor(rand() * 256) : kind === 1 ? 7 : i >= 1000 ? data[i - 1000]! : k & 0xff;
      }
      const packed = deflateRaw(data);
      expect(Buffer.from(zlib.inflateRawSync(packed)).equals(Buffer.from(data)), `${n}`).toBe(true);
    }
  });

  it("corrupt streams end in a prefixed error or some bytes, never anything else", () => {
    const src = new Uint8Array(zlib.deflateRawSync(samples[5]![1]));
    let errors = 0;
    for (let trial = 0; trial < 300; ++trial) {
      const f = src.slice(0, trial % 3 === 0 ? Math.floor(rand() * src.length) : src.length);
      for (let k = 0; k < 3; ++k) if (f.length) f[Math.floor(rand() * f.length)] = Math.floor(rand() * 256);
      try {
        expect(inflateRaw(f, samples[5]![1].length, "[t] ")).toBeInstanceOf(Uint8Array);
      } catch (e) {
        errors++;
        expect((e as Error).message).toMatch(/^\[t\] /);
      }
    }
    expect(errors).toBeGreaterThan(100);
  });

  it("computes zip's CRC-32 (zlib's crc32 as the reference)", () => {
    expect(crc32(new TextEncoder().encode("123456789"))).toBe(0xcbf43926); // the standard check value
    for (const [name, data] of samples) expect(crc32(data), name).toBe(zlib.crc32 ? zlib.crc32(data) : crc32(data));
  });

  it("refuses corrupt streams with the caller's prefix", () => {
    const packed = new Uint8Array(zlib.deflateRawSync(samples[4]![1]));
    expect(() => inflateRaw(packed.subarray(0, packed.length - 10), undefined, "[t] x: ")).toThrow(/^\[t\] x: .*(truncated|corrupt)/);
    expect(() => inflateRaw(new Uint8Array([0x07]), undefined, "[t] ")).toThrow("[t] Invalid block type 3 (corrupt data).");
    expect(() => inflateRaw(new Uint8Array([1, 5, 0, 0, 0]), undefined, "[t] ")).toThrow(/stored block's length check fails/);
    expect(() => inflateRaw(packed, 10, "[t] ")).toThrow(/decodes to more than the 10 bytes/);
  });
});

describe("loading .npz files that numpy and zipfile wrote", () => {
  it("reads np.savez (stored) and np.savez_compressed (deflated) files of every kind of array", async () => {
    for (const file of ["numpy_savez.npz", "numpy_savez_compressed.npz"]) {
      const fromPath = mx.load(join(ARCH, file));
      expectNpz(fromPath, file);
      const fromBytes = mx.load(fixture(file)); // the zip magic picks the format
      expectNpz(fromBytes, `${file} (bytes)`);
      const fromResponse = await mx.load(new Response(fixture(file)), { format: "npz" });
      expectNpz(fromResponse, `${file} (Response)`);
      mx.dispose([fromPath, fromBytes, fromResponse]);
    }
  });

  it("reads a streamed archive (data descriptors, zip64 extra fields and end records)", () => {
    const bytes = fixture("streamed_zip64.npz");
    const check = (arrays: any, label: string) => {
      expect(Object.keys(arrays).sort()).toEqual(["a", "ramp"]);
      expectArray(arrays.a, expected.npz.arr_0, `${label}/a`);
      expectArray(arrays.ramp, expected.npz.ramp, `${label}/ramp`);
      mx.dispose(arrays);
    };
    check(mx.load(bytes), "streamed");
    // The same archive with the 32-bit end record's fields saturated: only the zip64 record says where things are.
    const patched = bytes.slice();
    const view = new DataView(patched.buffer);
    const end = patched.length - 22;
    expect(view.getUint32(end, true)).toBe(0x06054b50);
    view.setUint16(end + 8, 0xffff, true);
    view.setUint16(end + 10, 0xffff, true);
    view.setUint32(end + 12, 0xffffffff, true);
    view.setUint32(end + 16, 0xffffffff, true);
    check(mx.load(patched), "zip64 end");
  });

  it("refuses metadata for npz, as MLX", () => {
    expect(() => mx.load(fixture("numpy_savez.npz"), { returnMetadata: true })).toThrow("[load] metadata not supported for format npz.");
  });
});

describe("writing .npz files that numpy reads", () => {
  it("savez / savezCompressed name positional arrays arr_i and take objects of named arrays; check_written_archives.py verifies them", () => {
    const arrays = npzArrays();
    const { arr_0, ...named } = arrays;
    const half = Object.fromEntries(Object.entries(named).slice(0, 3));
    const rest = Object.fromEntries(Object.entries(named).slice(3));
    mx.savez(join(tmp, "written"), arr_0, half, rest); // ".npz" added, as MLX
    expect(existsSync(join(tmp, "written.npz"))).toBe(true);
    mx.savezCompressed(join(tmp, "written_compressed.npz"), arr_0, named);
    writeGguf();
    mx.dispose(arrays);
    let out: string;
    try {
      out = execFileSync("python3", [join(FIX, "check_written_archives.py"), tmp], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e: any) {
      throw new Error(`check_written_archives.py failed (python3 with numpy is needed: apt-get install python3-numpy):\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
    }
    expect(out).toMatch(/^OK \d+ checks/);
  });

  it("round-trips every dtype through bytes, stored and compressed; compression shrinks repetitive data", () => {
    const arrays = npzArrays();
    const extra = {
      bf: mx.array([1, -2.5, 3e38], mx.bfloat16),
      u64: mx.array([0n, 18446744073709551615n], mx.uint64),
      u32: mx.arange(5, mx.uint32),
      f64: mx.array([Math.PI, -0], mx.float64),
      view: mx.arange(12, mx.int32).reshape(3, 4).T, // a strided view is written in C order
    };
    for (const compressed of [false, true]) {
      const bytes = compressed ? mx.savezCompressed(null, arrays, extra) : mx.savez(null, arrays, extra);
      expect(bytes).toBeInstanceOf(Uint8Array);
      const back = mx.load(bytes) as any;
      expect(Object.keys(back).sort()).toEqual([...Object.keys(arrays), ...Object.keys(extra)].sort());
      for (const [k, a] of Object.entries({ ...arrays, ...extra }) as [string, any][]) {
        expect(back[k].dtype, k).toBe(a.dtype);
        expect(back[k].shape, k).toEqual(a.shape);
        expect(back[k].tolist(), k).toEqual(a.tolist());
      }
      mx.dispose(back);
    }
    const big = mx.floorDivide(mx.arange(100_000, mx.int32), 100);
    expect(mx.savezCompressed(null, big).length).toBeLessThan(mx.savez(null, big).length / 10);
    const empty = mx.load(mx.savez(null)) as any;
    expect(empty).toEqual({});
    mx.dispose([arrays, extra, big]);
  });

  it("nn.Module.loadWeights takes .npz bytes as MLX's load_weights takes .npz files", () => {
    const model = new mx.nn.Linear(3, 2);
    const w = mx.array([[1, 2, 3], [4, 5, 6]]);
    const b = mx.array([7, 8]);
    model.loadWeights(mx.savezCompressed(null, { weight: w, bias: b }));
    expect(model.weight.tolist()).toEqual([[1, 2, 3], [4, 5, 6]]);
    expect(model.bias!.tolist()).toEqual([7, 8]);
    expect(() => model.loadWeights(mx.savez(null, { weight: w }))).toThrow(/^\[nn.Module.loadWeights\] Missing 1 par/);
    mx.dispose([model.parameters(), w, b]);
  });

  it("refuses what it can't write, with the operation's tag", () => {
    const a = mx.array([1, 2]);
    expect(() => mx.savez(null, a, { arr_0: a })).toThrow(/^\[savez\] The name 'arr_0' is given twice/);
    expect(() => mx.savez(null, { x: [1, 2] as any })).toThrow(/^\[savez\] 'x' must be an mx.Array/);
    expect(() => mx.savezCompressed(null, 3 as any)).toThrow(/^\[savez_compressed\] Expected mx.Array arguments or objects/);
    expect(() => mx.savez(42 as any, a)).toThrow(/^\[savez\] file must be a path/);
    expect(() => mx.savez(join(tmp, "no-such-dir", "x"), a)).toThrow(/^\[savez\] Failed to write/);
    a.dispose();
  });
});

/** The .gguf file check_written_archives.py verifies. */
function writeGguf() {
  const plain = expected.gguf.plain;
  const arrays: Record<string, any> = {};
  for (const k of ["f32", "f16", "i8", "i16", "i32"]) {
    const e = plain[k];
    arrays[k] = mx.array(e.values.map((v: unknown) => parse(v, e.dtype)), mx[e.dtype as "float32"]).reshape(e.shape);
  }
  const metadata = {
    name: "webmx",
    tokens: ["<s>", "é", ""],
    scalar_f32: mx.array(1.5),
    ids: mx.array([-1n, 2n ** 40n], mx.int64),
    flags: mx.array([true, false]),
    u8: mx.array(200, mx.uint8),
  };
  mx.saveGguf(join(tmp, "written"), arrays, metadata); // ".gguf" added, as MLX
  mx.dispose([arrays, metadata]);
}

describe("GGUF", () => {
  it("reads a GGUF v3 file built from the spec: plain tensors, metadata of every kind, custom alignment", () => {
    const [arrays, metadata] = mx.load(join(ARCH, "handmade.gguf"), { returnMetadata: true }) as any;
    for (const [k, e] of Object.entries(expected.gguf.plain) as [string, any][]) expectArray(arrays[k], e, k);
    expect(Object.keys(metadata).sort()).toEqual(Object.keys(expected.gguf.metadata).sort());
    for (const [k, e] of Object.entries(expected.gguf.metadata) as [string, any][]) {
      if (typeof e === "string" || Array.isArray(e)) expect(metadata[k], k).toEqual(e);
      else expectArray(metadata[k], e, `metadata ${k}`);
    }
    mx.dispose([arrays, metadata]);
  });

  it("loads Q4_0, Q4_1 and Q8_0 tensors as MLX's (weight, scales, biases) that dequantize to GGML's values", () => {
    const arrays = mx.load(fixture("handmade.gguf"), { format: "gguf" }) as any;
    for (const [name, e] of Object.entries(expected.gguf.quantized) as [string, any][]) {
      const prefix = name.slice(0, -".weight".length);
      const w = arrays[name];
      const bits = e.type === 8 ? 8 : 4;
      expect(w.dtype).toBe(mx.uint32);
      expect(w.shape).toEqual([e.shape[0], (e.shape[1] * bits) / 32]);
      expect(arrays[`${prefix}.scales`].dtype).toBe(mx.float16);
      expect(arrays[`${prefix}.scales`].shape).toEqual([e.shape[0], e.shape[1] / 32]);
      expect(arrays[`${prefix}.biases`].shape).toEqual([e.shape[0], e.shape[1] / 32]);
      const dq = mx.dequantize(w, arrays[`${prefix}.scales`], arrays[`${prefix}.biases`], 32, bits);
      // Compared as numbers: MLX's scale * code + bias gives 0 where GGML's d * q gives -0.
      const got = flat(dq.astype(mx.float32).tolist()) as number[];
      got.forEach((g, i) => expect(g === e.dequantized[i], `${name}[${i}]: ${g} vs ${e.dequantized[i]}`).toBe(true));
      dq.dispose();
    }
    mx.dispose(arrays);
  });

  it("dequantizes Q2_K, Q4_K and Q6_K tensors to float16, as MLX's gguflib (GGML's formulas)", () => {
    const arrays = mx.load(fixture("handmade.gguf")) as any;
    for (const [name, e] of Object.entries(expected.gguf.kquant) as [string, any][]) {
      expect(arrays[name].dtype, name).toBe(mx.float16);
      expectArray(arrays[name], { ...e, dtype: "float16" }, name);
    }
    mx.dispose(arrays);
  });

  it("round-trips MLX's save_gguf cases: dtypes and shapes, metadata of strings, lists of strings and arrays", () => {
    for (const dt of ["float16", "float32", "int8", "int16", "int32"] as const)
      for (const shape of [[1], [23], [64, 48], [4, 6, 3, 1, 2]]) {
        const a = dt.startsWith("float") ? mx.random.normal(shape, { dtype: mx[dt] }) : mx.ones(shape, mx[dt]);
        const back = mx.load(mx.saveGguf(null, { test: a })) as any;
        expect(mx.arrayEqual(back.test, a).item(), `${dt} ${shape}`).toBe(true);
        expect(back.test.dtype).toBe(a.dtype);
        mx.dispose([a, back]);
      }
    const t = { test: mx.ones([4, 4], mx.int32) };
    const [, noMeta] = mx.load(mx.saveGguf(null, t, {}), { returnMetadata: true }) as any;
    expect(noMeta).toEqual({});
    for (const dt of ["uint8", "int8", "uint16", "int16", "uint32", "int32", "uint64", "int64", "float32"] as const)
      for (const shape of [[], [2]]) {
        const m = mx.random.uniform(0, 100, shape).astype(mx[dt]);
        const [arrays, meta] = mx.load(mx.saveGguf(null, t, { meta: m }), { returnMetadata: true }) as any;
        expect(Object.keys(meta)).toEqual(["meta"]);
        expect(meta.meta.dtype, dt).toBe(m.dtype);
        expect(meta.meta.shape, dt).toEqual(shape);
        expect(meta.meta.tolist(), dt).toEqual(m.tolist());
        mx.dispose([m, arrays, meta]);
      }
    const metadata = { meta1: ["data1", "data2", "data345"], meta2: mx.array([1, 2, 3, 4]), meta3: "data", meta4: mx.array(1.5) };
    const [arrays, meta] = mx.load(mx.saveGguf(null, t, metadata), { returnMetadata: true }) as any;
    expect(meta.meta1).toEqual(metadata.meta1);
    expect(meta.meta3).toBe("data");
    expect(meta.meta2.tolist()).toEqual([1, 2, 3, 4]);
    expect(meta.meta4.tolist()).toBe(1.5);
    expect(arrays.test.tolist()).toEqual(t.test.tolist());
    mx.dispose([t, arrays, meta, metadata]);
  });

  it("refuses what MLX's save_gguf refuses, with its tag", () => {
    const t = { test: mx.ones([2], mx.int32) };
    for (const dt of ["float16", "bfloat16", "float64"] as const)
      expect(() => mx.saveGguf(null, t, { m: mx.array(1, mx[dt]) })).toThrow(new RegExp(`^\\[save_gguf\\] array type ${dt} not supported for metadata`));
    expect(() => mx.saveGguf(null, t, { m: mx.zeros([2, 2]) })).toThrow(/^\[save_gguf\] Cannot save arrays with more than one dimension/);
    expect(() => mx.saveGguf(null, t, { m: mx.zeros([0]) })).toThrow(/^\[save_gguf\] Cannot save empty arrays/);
    expect(() => mx.saveGguf(null, t, { m: 3 as any })).toThrow(/^\[save_gguf\] metadata 'm' must be a string, a list of strings or an mx.Array/);
    expect(() => mx.saveGguf(null, { x: mx.zeros([2], mx.float64) })).toThrow(/^\[save_gguf\] dtype float64 is not supported/);
    expect(() => mx.saveGguf(null, { x: mx.zeros([2], mx.bool) })).toThrow(/^\[save_gguf\] dtype bool is not supported/);
    expect(() => mx.saveGguf(null, [] as any)).toThrow(/^\[save_gguf\] arrays must be a plain object/);
    mx.dispose(t);
  });
});

describe("malformed archives", () => {
  const ggufHeader = (version: number, tensors: number, kvs: number) => {
    const b = new Uint8Array(24);
    const v = new DataView(b.buffer);
    b.set([0x47, 0x47, 0x55, 0x46]);
    v.setUint32(4, version, true);
    v.setBigUint64(8, BigInt(tensors), true);
    v.setBigUint64(16, BigInt(kvs), true);
    return b;
  };
  const concat = (...parts: Uint8Array[]) => {
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let at = 0;
    for (const p of parts) (out.set(p, at), (at += p.length));
    return out;
  };
  const u32 = (x: number) => new Uint8Array(new Uint32Array([x]).buffer);
  const u64 = (x: number) => new Uint8Array(new BigUint64Array([BigInt(x)]).buffer);
  const gstr = (s: string) => concat(u64(s.length), new TextEncoder().encode(s));
  /** One tensor "t" of `dims` (GGML order) and `type` at offset 0, with `data` after 32-byte alignment. */
  const oneTensor = (type: number, dims: number[], data: Uint8Array) => {
    const head = concat(ggufHeader(3, 1, 0), gstr("t"), u32(dims.length), ...dims.map(u64), u32(type), u64(0));
    return concat(head, new Uint8Array((32 - (head.length % 32)) % 32), data);
  };

  it("gives tagged .gguf errors: magic, version, truncation, unknown types, bad shapes, data past the end", () => {
    const good = fixture("handmade.gguf");
    const cases: [Uint8Array, RegExp][] = [
      [good.slice(0, 3), /does not start with the GGUF magic/],
      [concat(ggufHeader(1, 0, 0)), /Unsupported GGUF version 1/],
      [good.slice(0, 100), /extends past the end of the file/],
      [good.slice(0, good.length - 5), /extends past the end of the file/],
      [oneTensor(13, [256], new Uint8Array(176)), /Tensor 't' has type Q5_K, which is not supported/],
      [oneTensor(12, [128], new Uint8Array(144)), /Tensor 't' \(Q4_K\) has incompatible last dim shape: 128 \(a multiple of 256/],
      [oneTensor(2, [48], new Uint8Array(36)), /Tensor 't' \(Q4_0\) has incompatible last dim shape: 48/],
      [oneTensor(0, [4], new Uint8Array(8)), /Tensor 't' extends past the end of the file/],
      [concat(ggufHeader(3, 0, 1), gstr("k"), u32(9), u32(9), u64(1)), /only one level of nested arrays is supported/],
      [concat(ggufHeader(3, 0, 1), gstr("k"), u32(77)), /Metadata 'k': unknown value type 77/],
      [concat(ggufHeader(3, 0, 1), gstr("general.alignment"), u32(4), u32(48)), /general.alignment must be a power of two, got 48/],
    ];
    const before = mx.memory().liveArrays;
    for (const [bytes, re] of cases) {
      expect(() => mx.load(bytes, { format: "gguf" })).toThrow(re);
      expect(() => mx.load(bytes, { format: "gguf" })).toThrow(/^\[load_gguf\] /);
    }
    // A bad tensor after good metadata and tensors leaves no arrays behind.
    const dup = concat(ggufHeader(3, 2, 1), gstr("m"), u32(6), new Uint8Array(4), gstr("a"), u32(1), u64(1), u32(0), u64(0), gstr("a"), u32(1), u64(1), u32(0), u64(0));
    expect(() => mx.load(concat(dup, new Uint8Array(64)), { format: "gguf" })).toThrow(/Duplicate parameter name a/);
    expect(mx.memory().liveArrays).toBe(before);
  });

  it("gives tagged .npz errors: not a zip, truncated, CRC, method, encrypted, a bad member", () => {
    const good = fixture("numpy_savez_compressed.npz");
    const stored = fixture("numpy_savez.npz");
    const withCentral = (src: Uint8Array, edit: (view: DataView, at: number) => void) => {
      const b = src.slice();
      const view = new DataView(b.buffer);
      const end = b.length - 22;
      edit(view, view.getUint32(end + 16, true)); // the first central directory entry
      return b;
    };
    const badCrc = withCentral(good, (v, at) => v.setUint32(at + 16, v.getUint32(at + 16, true) ^ 1, true));
    const method = withCentral(good, (v, at) => v.setUint16(at + 10, 12, true));
    const encrypted = withCentral(good, (v, at) => v.setUint16(at + 8, 1, true));
    const huge = withCentral(good, (v, at) => v.setUint32(at + 24, 0xfffffff0, true)); // a 4 GiB member from a few bytes
    // Corrupt the first member's .npy magic inside a stored archive (and fix nothing else: the CRC catches it first).
    const badNpy = mx.savez(null, { x: mx.array([1, 2]) });
    badNpy[30 + "x.npy".length] = 0; // the first byte of the member's data
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), /The end of the zip's central directory is missing/],
      [good.slice(0, good.length - 30), /central directory is missing|extends past the end/],
      [good.slice(200), /extends past the end|bad signature/],
      [badCrc, /CRC-32 mismatch/],
      [method, /uses compression method 12; only stored \(0\) and deflate \(8\)/],
      [encrypted, /is encrypted/],
      [huge, /claims 4294967280 bytes from \d+ compressed ones/],
      [badNpy, /'x.npy': CRC-32 mismatch/],
    ];
    for (const [bytes, re] of cases) {
      expect(() => mx.load(bytes, { format: "npz" })).toThrow(re);
      expect(() => mx.load(bytes, { format: "npz" })).toThrow(/^\[load\] /);
    }
    // A member that is not a .npy: the member's name leads the .npy error.
    const notNpy = (() => {
      const b = mx.savez(null, { x: mx.array([1, 2]) });
      const view = new DataView(b.buffer);
      b[30 + "x.npy".length] = 0;
      const crc = crc32(b.subarray(30 + 5, 30 + 5 + view.getUint32(18, true)));
      view.setUint32(14, crc, true);
      view.setUint32(view.getUint32(b.length - 22 + 16, true) + 16, crc, true);
      return b;
    })();
    expect(() => mx.load(notNpy)).toThrow(/^\[load\] 'x.npy' in the .npz: \.npy: The data does not start with the \.npy magic/);
    expect(stored.length).toBeGreaterThan(good.length);
  });

  it("survives random corruption of good archives: every failure is a tagged error, nothing leaks, the module stays usable", () => {
    const files = [fixture("numpy_savez_compressed.npz"), fixture("streamed_zip64.npz"), fixture("handmade.gguf"), fixture("numpy_savez.npz")];
    let seed = 4242;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const before = mx.memory().liveArrays;
    let failures = 0;
    for (let trial = 0; trial < 300; ++trial) {
      const src = files[trial % files.length]!;
      const f = src.slice(0, trial % 5 === 0 ? Math.floor(rand() * src.length) : src.length);
      for (let k = 0; k < 1 + (trial % 4); ++k) {
        const at = Math.floor(rand() * f.length);
        if (f.length) f[at] = Math.floor(rand() * 256);
      }
      try {
        mx.dispose(mx.load(f, { format: trial % 4 === 2 ? "gguf" : "npz", returnMetadata: trial % 4 === 2 }) as any);
      } catch (e) {
        failures++;
        expect((e as Error).message).toMatch(/^\[(load|load_gguf)\] /);
      }
    }
    expect(failures).toBeGreaterThan(100);
    expect(mx.memory().liveArrays).toBe(before);
    const x = mx.array([1, 2, 3]).mul(2);
    const back = mx.load(mx.savezCompressed(null, { x })) as any;
    expect(back.x.tolist()).toEqual([2, 4, 6]);
    mx.dispose([x, back]);
  });
});

// mx.load / mx.save / mx.saveSafetensors against files numpy and a plain
// struct/json writer made (test/fixtures/io/make_fixtures.py, values in
// expected.json), and the reverse: files webmx writes are checked by numpy
// (check_written.py, run here through python3). Malformed files give tagged
// errors and leave the module usable.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const FIX = fileURLToPath(new URL("./fixtures/io/", import.meta.url));
const expected = JSON.parse(readFileSync(join(FIX, "expected.json"), "utf8"));
const DTYPES = Object.keys(expected.arrays) as string[];

/** expected.json's exact values: specials and 64-bit integers are strings. */
function parse(v: unknown, dtype: string): number | bigint | boolean {
  if (dtype === "uint64" || dtype === "int64") return BigInt(v as string);
  if (typeof v === "string") return ({ nan: NaN, inf: Infinity, "-inf": -Infinity, "-0": -0 } as Record<string, number>)[v]!;
  return v as number | boolean;
}
const flat = (x: any): unknown[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

/** Exact comparison: NaN equals NaN, and -0 is not 0. */
function expectValues(a: any, dtype: string, shape: number[], values: unknown[]) {
  expect(a.dtype.name).toBe(dtype);
  expect(a.shape).toEqual(shape);
  const got = flat(a.tolist());
  const want = values.map((v) => parse(v, dtype));
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => {
    const w = want[i];
    if (typeof w === "number" && Number.isNaN(w)) expect(Number.isNaN(g as number), `${dtype}[${i}]`).toBe(true);
    else expect(Object.is(g, w), `${dtype}[${i}]: got ${String(g)}, expected ${String(w)}`).toBe(true);
  });
}

/** An array of `dtype` built from expected.json's values (not through any loader). */
function makeArray(dtype: string): any {
  const e = expected.arrays[dtype];
  const vals = e.values.map((v: unknown) => parse(v, dtype));
  return mx.array(vals, mx[dtype as "float32"]).reshape(e.shape);
}

const tmp = mkdtempSync(join(tmpdir(), "webmx-io-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("loading files numpy and a hand-written safetensors writer made", () => {
  it("reads every dtype of a .safetensors file (names with dots, metadata, a scalar, an empty array)", () => {
    const [arrays, metadata] = mx.load(join(FIX, "all_dtypes.safetensors"), { returnMetadata: true }) as any;
    expect(metadata).toEqual(expected.files["all_dtypes.safetensors"].metadata);
    expect(Object.keys(arrays).sort()).toEqual([...expected.files["all_dtypes.safetensors"].names, "scalar", "empty"].sort());
    for (const d of DTYPES) expectValues(arrays[expected.arrays[d].name], d, expected.arrays[d].shape, expected.arrays[d].values);
    expectValues(arrays.scalar, "float32", [], [7.5]);
    expectValues(arrays.empty, "int32", [0, 3], []);
    mx.dispose(arrays);
  });

  it("reads an unpadded header with no metadata, from a path, bytes, an ArrayBuffer and a Response", async () => {
    const path = join(FIX, "unpadded.safetensors");
    const bytes = new Uint8Array(readFileSync(path));
    const check = (arrays: any) => {
      expect(Object.keys(arrays).length).toBe(4);
      for (const d of DTYPES.filter((d) => arrays[expected.arrays[d].name]))
        expectValues(arrays[expected.arrays[d].name], d, expected.arrays[d].shape, expected.arrays[d].values);
      mx.dispose(arrays);
    };
    check(mx.load(path));
    check(mx.load(bytes));
    check(mx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)));
    const viaResponse = mx.load(new Response(bytes));
    expect(viaResponse).toBeInstanceOf(Promise);
    check(await viaResponse);
    await expect(mx.load(new Response("Not Found", { status: 404 }))).rejects.toThrow("[load] The response has status 404; expected the file's bytes.");
    const [, meta] = mx.load(bytes, { returnMetadata: true }) as any;
    expect(meta).toEqual({});
  });

  it("reads numpy's .npy files of every dtype, and MLX's bfloat16 ('<V2')", () => {
    for (const d of DTYPES) {
      const a = mx.load(join(FIX, "npy", `${d}.npy`)) as any;
      expectValues(a, d, expected.arrays[d].shape, expected.arrays[d].values);
      a.dispose();
    }
  });

  it("reads .npy versions 2.0 and 3.0, Fortran order, big-endian data, scalars and empty arrays", () => {
    for (const [file, e] of Object.entries(expected.npy) as [string, any][]) {
      const a = mx.load(join(FIX, "npy", file)) as any;
      expectValues(a, e.dtype, e.shape, e.values);
      a.dispose();
    }
  });

  it("infers the format from the extension or the data, and takes {format}", () => {
    const npy = new Uint8Array(readFileSync(join(FIX, "npy", "int8.npy")));
    const a = mx.load(npy) as any; // no path: the .npy magic decides
    expectValues(a, "int8", [5], expected.arrays.int8.values);
    const b = mx.load(npy, { format: "npy" }) as any;
    expectValues(b, "int8", [5], expected.arrays.int8.values);
    expect(() => mx.load(npy, { format: "safetensors" })).toThrow(/^\[load_safetensors\] Invalid JSON header length/);
    expect(() => mx.load(npy, { returnMetadata: true })).toThrow("[load] metadata not supported for format npy");
    expect(() => mx.load(npy, { format: "pickle" as any })).toThrow(/^\[load\] Unknown file format 'pickle'; expected one of safetensors, npy, npz, gguf/);
    expect(() => mx.load(npy, { format: "gguf" })).toThrow(/^\[load_gguf\] The data does not start with the GGUF magic/);
    expect(() => mx.load(join(FIX, "expected"))).toThrow(/^\[load\] Could not infer the file format/);
    expect(() => mx.load(join(FIX, "missing.npy"))).toThrow(/^\[load\] Failed to open .*missing\.npy/);
    expect(() => mx.load(42 as any)).toThrow(/^\[load\] Expected a path, a Uint8Array/);
    mx.dispose([a, b]);
  });
});

describe("writing files that numpy reads", () => {
  it("writes .safetensors and .npy files that check_written.py verifies with numpy", () => {
    const arrays: Record<string, any> = {};
    for (const d of DTYPES) arrays[expected.arrays[d].name] = makeArray(d);
    arrays.scalar = mx.array(7.5);
    arrays.empty = mx.zeros([0, 3], mx.int32);
    // The path without its extension: saveSafetensors adds ".safetensors", as MLX.
    mx.saveSafetensors(join(tmp, "written"), arrays, expected.files["all_dtypes.safetensors"].metadata);
    expect(existsSync(join(tmp, "written.safetensors"))).toBe(true);
    for (const d of DTYPES) mx.save(join(tmp, `${d}.npy`), arrays[expected.arrays[d].name]);
    const t = mx.arange(6, mx.int32).reshape(2, 3).T; // a strided view is written in C order
    mx.save(join(tmp, "transposed"), t);
    mx.save(join(tmp, "scalar.npy"), mx.array(-1.25));
    mx.dispose([arrays, t]);
    let out: string;
    try {
      out = execFileSync("python3", [join(FIX, "check_written.py"), tmp], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e: any) {
      // No python3/numpy, or a mismatch: fail with what python said (never skip).
      throw new Error(`check_written.py failed (python3 with numpy is needed: apt-get install python3-numpy):\n${e.stdout ?? ""}${e.stderr ?? e.message}`);
    }
    expect(out).toMatch(/^OK \d+ checks/);
  });

  it("returns the bytes with file null, and they load back unchanged", () => {
    for (const d of DTYPES) {
      const a = makeArray(d);
      const npy = mx.save(null, a);
      expect(npy).toBeInstanceOf(Uint8Array);
      expect((npy.length - (npy[8]! | (npy[9]! << 8)) - 10)).toBe(a.nbytes);
      expect((10 + (npy[8]! | (npy[9]! << 8))) % 64).toBe(0); // numpy's alignment
      const b = mx.load(npy) as any;
      expectValues(b, d, expected.arrays[d].shape, expected.arrays[d].values);
      const st = mx.saveSafetensors(null, { [`x.${d}`]: a });
      const c = (mx.load(st) as any)[`x.${d}`];
      expectValues(c, d, expected.arrays[d].shape, expected.arrays[d].values);
      mx.dispose([a, b, c]);
    }
  });

  it("keeps any name, '__proto__' and the empty string included", () => {
    const arrays: Record<string, any> = {};
    Object.defineProperty(arrays, "__proto__", { value: mx.array([1]), enumerable: true });
    arrays[""] = mx.array([2]);
    arrays["layers.0.self_attention.query_proj.weight"] = mx.array([3]);
    const back = mx.load(mx.saveSafetensors(null, arrays)) as any;
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.keys(back).sort()).toEqual(["", "__proto__", "layers.0.self_attention.query_proj.weight"]);
    expect(back["__proto__"].tolist()).toEqual([1]);
    expect(back[""].tolist()).toEqual([2]);
    mx.dispose([Object.values(arrays), Object.values(back)]);
  });

  it("refuses what it can't write, with the operation's tag", () => {
    const a = mx.array([1, 2]);
    expect(() => mx.saveSafetensors(null, { __metadata__: a })).toThrow(/^\[save_safetensors\] '__metadata__' is reserved/);
    expect(() => mx.saveSafetensors(null, { a: [1, 2] as any })).toThrow(/^\[save_safetensors\] 'a' must be an mx.Array/);
    expect(() => mx.saveSafetensors(null, { a }, { k: 1 as any })).toThrow(/^\[save_safetensors\] metadata values must be strings/);
    expect(() => mx.save(null, [1, 2] as any)).toThrow(/^\[save\] Expected an mx.Array/);
    expect(() => mx.save(42 as any, a)).toThrow(/^\[save\] file must be a path/);
    expect(() => mx.save(join(tmp, "no-such-dir", "x.npy"), a)).toThrow(/^\[save\] Failed to write/);
    a.dispose();
  });
});

describe("malformed files", () => {
  const good = new Uint8Array(readFileSync(join(FIX, "unpadded.safetensors")));
  const headerLen = Number(new DataView(good.buffer, good.byteOffset).getBigUint64(0, true));
  const withHeader = (json: string, data = new Uint8Array(16)) => {
    const h = new TextEncoder().encode(json);
    const out = new Uint8Array(8 + h.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
    out.set(h, 8);
    out.set(data, 8 + h.length);
    return out;
  };

  it("gives tagged safetensors errors: truncated, bad length, bad JSON, bad entries, offsets out of range", () => {
    const cases: [Uint8Array, RegExp][] = [
      [good.slice(0, 5), /too short for the 8-byte header length/],
      [good.slice(0, 8 + headerLen - 3), /The JSON header is \d+ bytes long but the file is only/],
      [good.slice(0, good.length - 1), /exceeding the \d+ bytes of data/],
      [withHeader("{not json"), /The header is not valid JSON/],
      [withHeader("[1, 2]"), /The header must be a JSON object, got a list/],
      [withHeader('{"a": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}}'), /Tensor 'a': unsupported dtype "F8_E4M3"/],
      [withHeader('{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}'), /Tensor 'a': the shape must be a list of non-negative integers/],
      [withHeader('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}'), /Tensor 'a': invalid data offsets \(0, 4\). Expecting 8 bytes/],
      [withHeader('{"a": {"dtype": "F32", "shape": [2], "data_offsets": [12, 20]}}'), /Tensor 'a': invalid data offsets \(12, 20\) exceeding/],
      [withHeader('{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0]}}'), /data_offsets must be two non-negative integers/],
      [withHeader('{"a": 3}'), /Tensor 'a': expected \{dtype, shape, data_offsets\}/],
      [withHeader('{"__metadata__": {"k": 1}}'), /__metadata__ values must be strings/],
    ];
    const bad = new Uint8Array(16);
    bad[0] = 0xff;
    bad[7] = 0xff; // a header length of 2^64 - 255
    cases.push([bad, /Invalid JSON header length/]);
    const before = mx.memory().liveArrays;
    for (const [bytes, re] of cases) {
      expect(() => mx.load(bytes, { format: "safetensors" })).toThrow(re);
      expect(() => mx.load(bytes, { format: "safetensors" })).toThrow(/^\[load_safetensors\] /);
    }
    // A bad entry after good ones leaves no arrays behind.
    const half = withHeader('{"a": {"dtype": "U8", "shape": [4], "data_offsets": [0, 4]}, "b": {"dtype": "XX", "shape": [], "data_offsets": [0, 1]}}');
    expect(() => mx.load(half)).toThrow(/unsupported dtype "XX"/);
    expect(mx.memory().liveArrays).toBe(before);
  });

  it("reads any nonzero byte of a BOOL tensor as true", () => {
    const f = withHeader('{"b": {"dtype": "BOOL", "shape": [4], "data_offsets": [0, 4]}}', new Uint8Array([0, 1, 2, 255]));
    const { b } = mx.load(f) as any;
    expect(b.tolist()).toEqual([false, true, true, true]);
    expect(b.astype(mx.uint8).tolist()).toEqual([0, 1, 1, 1]);
    b.dispose();
  });

  it("gives tagged .npy errors: bad magic, version, truncated header or data, unknown dtype, bad header", () => {
    const good = new Uint8Array(readFileSync(join(FIX, "npy", "float32.npy")));
    const withDict = (dict: string, data = new Uint8Array(64), version = 1) => {
      const pre = version === 1 ? 10 : 12;
      const text = new TextEncoder().encode(dict + "\n");
      const out = new Uint8Array(pre + text.length + data.length);
      out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
      if (version === 1) new DataView(out.buffer).setUint16(8, text.length, true);
      else new DataView(out.buffer).setUint32(8, text.length, true);
      out.set(text, pre);
      out.set(data, pre + text.length);
      return out;
    };
    const version9 = good.slice();
    version9[6] = 9;
    const cases: [Uint8Array, RegExp][] = [
      [good.slice(0, 9), /too short for a header/],
      [good.slice(0, 40), /The header is \d+ bytes long but only \d+ bytes follow/],
      [good.slice(0, good.length - 2), /The array needs 32 bytes of data but the file has 30/],
      [version9, /Unsupported format version 9\.0/],
      [withDict("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }"), /Unsupported dtype '<c16'/],
      [withDict("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }"), /structured dtypes are not supported/],
      [withDict("{'descr': '<f4', 'fortran_order': 'no', 'shape': (2,), }"), /'fortran_order' must be True or False/],
      [withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, -3), }"), /the shape must be a list of non-negative integers/],
      [withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2,"), /Unexpected end|Expected ','/],
      [withDict("{'descr': '<f4' 'fortran_order': False}"), /Expected ',' or '\}'/],
      [withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } junk"), /Unexpected text after the header/],
    ];
    for (const [bytes, re] of cases) {
      expect(() => mx.load(bytes, { format: "npy" })).toThrow(re);
      expect(() => mx.load(bytes, { format: "npy" })).toThrow(/^\[load\] \.npy: /);
    }
    expect(() => mx.load(new Uint8Array([1, 2, 3]), { format: "npy" })).toThrow(/does not start with the \.npy magic/);
    // MLX's own header style: "(2, 2, )", 16-byte padding.
    const mlxStyle = withDict("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2, ), }   ", new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
    const m = mx.load(mlxStyle) as any;
    expect(m.tolist()).toEqual([[1, 2], [3, 4]]);
    m.dispose();
    // A hand-made version 2.0 header reads as well.
    const v2 = withDict("{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", new Uint8Array([1, 0, 255, 255, 0, 128]), 2);
    const a = mx.load(v2) as any;
    expect(a.tolist()).toEqual([1, -1, -32768]);
    a.dispose();
  });

  it("survives random corruption of good files: every failure is a tagged error and the module stays usable", () => {
    const files = [
      new Uint8Array(readFileSync(join(FIX, "all_dtypes.safetensors"))),
      new Uint8Array(readFileSync(join(FIX, "npy", "float16.npy"))),
      new Uint8Array(readFileSync(join(FIX, "npy", "v3_int16.npy"))),
    ];
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let failures = 0;
    for (let trial = 0; trial < 300; ++trial) {
      const src = files[trial % files.length]!;
      const f = src.slice(0, trial % 5 === 0 ? Math.floor(rand() * src.length) : src.length);
      // Flip a few bytes, mostly in the header where the structure is.
      for (let k = 0; k < 1 + (trial % 3); ++k) {
        const at = Math.floor(rand() * Math.min(f.length, 200));
        if (f.length) f[at] = Math.floor(rand() * 256);
      }
      try {
        mx.dispose(mx.load(f) as any);
      } catch (e) {
        failures++;
        expect((e as Error).message).toMatch(/^\[(load|load_safetensors)\] /);
      }
    }
    expect(failures).toBeGreaterThan(50);
    const x = mx.array([1, 2, 3]).mul(2);
    expect(x.tolist()).toEqual([2, 4, 6]);
    const rt = mx.load(mx.save(null, x)) as any;
    expect(rt.tolist()).toEqual([2, 4, 6]);
    mx.dispose([x, rt]);
  });
});

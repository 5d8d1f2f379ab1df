// The GGUF format (versions 2 and 3, https://github.com/ggml-org/ggml/blob/master/docs/gguf.md):
// "GGUF", a version, the tensor and metadata counts (u64), the metadata
// key/value pairs, one info record per tensor (name, dims in GGML's reversed
// order, type, offset into the data section), then the data section,
// aligned to general.alignment (32 by default). Everything little-endian.
//
// As MLX's load_gguf/save_gguf (mlx/io/gguf.cpp, gguf_quants.cpp):
// F32/F16/I8/I16/I32 tensors load as arrays of that dtype; Q4_0, Q4_1 and
// Q8_0 tensors load as MLX's affine quantized triplet (name -> uint32
// weights, name minus ".weight" + ".scales"/".biases" in float16, group size
// 32) that mx.dequantize and mx.quantizedMatmul take; Q2_K, Q4_K and Q6_K
// tensors are dequantized to float16, as MLX's gguflib does. Beyond MLX, I64
// and F64 tensors load as int64 and float64 (MLX refuses them) and BF16 as
// bfloat16 (MLX converts it to float16, losing range: `.astype(mx.float16)`
// gives MLX's array); the other types (Q5_*, Q8_1, Q3_K, Q5_K, IQ*) are
// refused, as MLX refuses them. Metadata
// values load as MLX gives them: numbers and booleans as 0-d arrays
// (FLOAT64 as float32), 1-d arrays of them, strings, and lists of strings.

import { MxArray, dimsOf } from "../array.js";
import {
  type Dtype, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16, float32, float64,
} from "../dtype.js";
import { astype } from "../elementwise.js";
import { describe } from "../describe.js";
import { halfToNumber, numberToHalf } from "../half.js";
import { isPlainObject, setKey } from "../tree_walk.js";
import { arrayFromBytes, byteLength, checkShape, copyArrayBytes } from "./bytes.js";

const TAG_READ = "load_gguf";
const TAG_WRITE = "save_gguf";
const MAGIC = 0x46554747; // "GGUF"
const DEFAULT_ALIGNMENT = 32;

/** GGUF metadata value types. */
const enum V {
  UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9,
  UINT64 = 10, INT64 = 11, FLOAT64 = 12,
}
const VALUE_DTYPES = new Map<number, Dtype>([
  [V.UINT8, uint8], [V.INT8, int8], [V.UINT16, uint16], [V.INT16, int16], [V.UINT32, uint32], [V.INT32, int32],
  [V.FLOAT32, float32], [V.BOOL, bool], [V.UINT64, uint64], [V.INT64, int64], [V.FLOAT64, float64],
]);
/** Which value type save_gguf writes for an array's dtype (MLX's list: no float16, bfloat16 or float64). */
const DTYPE_VALUES = new Map<Dtype, number>([
  [uint8, V.UINT8], [int8, V.INT8], [uint16, V.UINT16], [int16, V.INT16], [uint32, V.UINT32], [int32, V.INT32],
  [float32, V.FLOAT32], [bool, V.BOOL], [uint64, V.UINT64], [int64, V.INT64],
]);

/** GGML tensor types read as plain arrays. */
const TENSOR_DTYPES = new Map<number, Dtype>([
  [0, float32], [1, float16], [24, int8], [25, int16], [26, int32], [27, int64], [28, float64], [30, bfloat16],
]);
/** The tensor types save_gguf writes (MLX's list). */
const WRITE_TYPES = new Map<Dtype, number>([[float32, 0], [float16, 1], [int8, 24], [int16, 25], [int32, 26]]);

/** Quantized types MLX loads: bytes per block of 32 weights and bits per weight. */
const Q4_0 = 2;
const Q4_1 = 3;
const Q8_0 = 8;
const QUANT = new Map<number, { name: string; blockBytes: number; bits: number }>([
  [Q4_0, { name: "Q4_0", blockBytes: 18, bits: 4 }],
  [Q4_1, { name: "Q4_1", blockBytes: 20, bits: 4 }],
  [Q8_0, { name: "Q8_0", blockBytes: 34, bits: 8 }],
]);
/** K-quants (super-blocks of 256 weights) that load dequantized to float16: bytes per super-block. */
const Q2_K = 10;
const Q4_K = 12;
const Q6_K = 14;
const K_QUANT = new Map<number, { name: string; blockBytes: number }>([
  [Q2_K, { name: "Q2_K", blockBytes: 84 }],
  [Q4_K, { name: "Q4_K", blockBytes: 144 }],
  [Q6_K, { name: "Q6_K", blockBytes: 210 }],
]);
const GGML_TYPE_NAMES: Record<number, string> = {
  6: "Q5_0", 7: "Q5_1", 9: "Q8_1", 11: "Q3_K", 13: "Q5_K", 15: "Q8_K",
  16: "IQ2_XXS", 17: "IQ2_XS", 18: "IQ3_XXS", 19: "IQ1_S", 20: "IQ4_NL", 21: "IQ3_S", 22: "IQ2_S", 23: "IQ4_XS", 29: "IQ1_M",
};

export type GgufMetadataValue = MxArray | string | string[];

/** Reads GGUF bytes; "[load_gguf] ..." errors on a malformed file, leaving no arrays behind. */
export function decodeGguf(bytes: Uint8Array): { arrays: Record<string, MxArray>; metadata: Record<string, GgufMetadataValue> } {
  const fail = (m: string): never => {
    throw new Error(`[${TAG_READ}] ${m}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 0;
  const need = (n: number, what: string) => {
    if (pos + n > bytes.length) fail(`${what} extends past the end of the file. Perhaps an incomplete download or corrupt file?`);
  };
  const u32 = (what: string) => {
    need(4, what);
    const v = view.getUint32(pos, true);
    pos += 4;
    return v;
  };
  const u64 = (what: string) => {
    need(8, what);
    const v = view.getBigUint64(pos, true);
    pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} is too large (${v}; corrupt file?).`);
    return Number(v);
  };
  const utf8 = new TextDecoder("utf-8");
  const str = (what: string) => {
    const n = u64(`The length of ${what}`);
    need(n, what);
    const s = utf8.decode(bytes.subarray(pos, pos + n));
    pos += n;
    return s;
  };

  if (bytes.length < 4 || view.getUint32(0, true) !== MAGIC) fail("The data does not start with the GGUF magic 'GGUF'.");
  pos = 4;
  const version = u32("The version");
  if (version !== 2 && version !== 3) fail(`Unsupported GGUF version ${version} (2 and 3 are supported).`);
  const tensorCount = u64("The tensor count");
  const kvCount = u64("The metadata count");

  const made: MxArray[] = [];
  const keep = <T extends MxArray>(a: T): T => (made.push(a), a);
  try {
    const metadata: Record<string, GgufMetadataValue> = {};
    let alignment = DEFAULT_ALIGNMENT;
    for (let i = 0; i < kvCount; ++i) {
      const key = str(`metadata key ${i}`);
      const type = u32(`The type of metadata '${key}'`);
      let value: GgufMetadataValue;
      if (type === V.STRING) value = str(`metadata '${key}'`);
      else if (type === V.ARRAY) {
        const et = u32(`The element type of metadata '${key}'`);
        const n = u64(`The length of metadata '${key}'`);
        if (et === V.STRING) {
          const list: string[] = [];
          for (let k = 0; k < n; ++k) list.push(str(`metadata '${key}'`));
          value = list;
        } else {
          const d = VALUE_DTYPES.get(et);
          if (!d) fail(et === V.ARRAY ? `Metadata '${key}': only one level of nested arrays is supported.` : `Metadata '${key}': unknown array element type ${et}.`);
          need(n * d!.size, `Array metadata '${key}'`);
          value = readValueArray(bytes, pos, d!, [n], keep);
          pos += n * d!.size;
        }
      } else {
        const d = VALUE_DTYPES.get(type);
        if (!d) fail(`Metadata '${key}': unknown value type ${type}.`);
        need(d!.size, `Metadata '${key}'`);
        if (key === "general.alignment" && type === V.UINT32) alignment = view.getUint32(pos, true);
        value = readValueArray(bytes, pos, d!, [], keep);
        pos += d!.size;
      }
      setKey(metadata, key, value);
    }
    if (alignment === 0 || (alignment & (alignment - 1)) !== 0) fail(`general.alignment must be a power of two, got ${alignment}.`);

    const infos: { name: string; shape: number[]; type: number; offset: number }[] = [];
    for (let i = 0; i < tensorCount; ++i) {
      const name = str(`tensor name ${i}`);
      const ndim = u32(`The dimension count of tensor '${name}'`);
      if (ndim > 8) fail(`Tensor '${name}' has ${ndim} dimensions (corrupt file?).`);
      const dims: number[] = [];
      for (let k = 0; k < ndim; ++k) dims.push(u64(`A dimension of tensor '${name}'`));
      const type = u32(`The type of tensor '${name}'`);
      const offset = u64(`The offset of tensor '${name}'`);
      // GGML lists dimensions fastest-varying first: the reverse of MLX's shape.
      const shape = dims.reverse();
      checkShape(shape, `Tensor '${name}'`, TAG_READ);
      infos.push({ name, shape, type, offset });
    }
    const dataStart = Math.ceil(pos / alignment) * alignment;

    // Every tensor is checked before any is read.
    const plan = infos.map(({ name, shape, type, offset }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const q = QUANT.get(type);
      const k = K_QUANT.get(type);
      const d = TENSOR_DTYPES.get(type);
      if (!q && !k && !d)
        fail(`Tensor '${name}' has type ${GGML_TYPE_NAMES[type] ?? type}, which is not supported (supported: F32, F16, BF16, F64, I8, I16, I32, I64, Q4_0, Q4_1, Q8_0, Q2_K, Q4_K, Q6_K).`);
      const block = q ? 32 : k ? 256 : 1;
      if ((q || k) && (shape.length === 0 || shape[shape.length - 1]! % block !== 0))
        fail(`Tensor '${name}' (${(q ?? k)!.name}) has incompatible last dim shape: ${shape[shape.length - 1]} (a multiple of ${block} is needed).`);
      const nbytes = q ? (count / 32) * q.blockBytes : k ? (count / 256) * k.blockBytes : count * d!.size;
      const at = dataStart + offset;
      if (at > bytes.length) fail(`Tensor '${name}' has a data offset past the end of the file. Perhaps an incomplete download or corrupt file?`);
      if (nbytes > bytes.length - at) fail(`Tensor '${name}' extends past the end of the file. Perhaps an incomplete download or corrupt file?`);
      return { name, shape, type, at, q, k, d };
    });
    const arrays: Record<string, MxArray> = {};
    const put = (name: string, a: MxArray) => {
      if (Object.prototype.hasOwnProperty.call(arrays, name))
        fail(`Duplicate parameter name ${name}; this can happen when loading quantized tensors.`);
      setKey(arrays, name, a);
    };
    for (const { name, shape, type, at, q, k, d } of plan) {
      if (d) {
        put(name, keep(arrayFromBytes(bytes, at, d, shape)));
        continue;
      }
      if (k) {
        const half = dequantizeKQuant(bytes, at, type, shape.reduce((a, b) => a * b, 1));
        put(name, keep(arrayFromBytes(new Uint8Array(half.buffer), 0, float16, shape)));
        continue;
      }
      const [w, scales, biases] = readQuantized(bytes, at, type, shape, q!.bits, q!.blockBytes);
      const prefix = name.endsWith(".weight") ? name.slice(0, -".weight".length) : name;
      put(name, keep(w));
      put(`${prefix}.scales`, keep(scales));
      put(`${prefix}.biases`, keep(biases));
    }
    return { arrays, metadata };
  } catch (e) {
    for (const a of made) a.dispose();
    throw e;
  }
}

/** A metadata value (or array of values) as an array; FLOAT64 becomes float32, as MLX reads it. */
function readValueArray(bytes: Uint8Array, at: number, d: Dtype, shape: number[], keep: (a: MxArray) => MxArray): MxArray {
  const a = arrayFromBytes(bytes, at, d, shape);
  if (d !== float64) return keep(a);
  try {
    return keep(astype(a, float32));
  } finally {
    a.dispose();
  }
}

/**
 * MLX's triplet for a Q4_0/Q4_1/Q8_0 tensor: the codes packed into uint32
 * (element k of a word in bits bits*k..), and per block of 32 a float16
 * scale and bias with value = scale * code + bias.
 */
function readQuantized(bytes: Uint8Array, at: number, type: number, shape: number[], bits: number, blockBytes: number): [MxArray, MxArray, MxArray] {
  const count = shape.reduce((a, b) => a * b, 1);
  const blocks = count / 32;
  const codes = new Uint8Array((count * bits) / 8);
  const scales = new Uint16Array(blocks);
  const biases = new Uint16Array(blocks);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let b = 0; b < blocks; ++b) {
    const src = at + b * blockBytes;
    const d = view.getUint16(src, true);
    scales[b] = d;
    if (type === Q8_0) {
      // Signed codes q in [-128, 127], value d*q: unsigned code q+128 (flip the sign bit), bias -128*d.
      biases[b] = numberToHalf(-128 * halfToNumber(d));
      for (let j = 0; j < 32; ++j) codes[b * 32 + j] = bytes[src + 2 + j]! ^ 0x80;
      continue;
    }
    // Q4_0: value d*(q-8), bias -8*d; Q4_1: value d*q + m, bias m. GGML packs
    // element j in the low nibble of byte j and element j+16 in its high
    // nibble; MLX's packing is element k in nibble k (low first).
    const q = src + (type === Q4_0 ? 2 : 4);
    biases[b] = type === Q4_0 ? numberToHalf(-8 * halfToNumber(d)) : view.getUint16(src + 2, true);
    const out = b * 16;
    for (let j = 0; j < 16; ++j) {
      const lo = bytes[q + j]! & 0x0f;
      const hi = bytes[q + j]! >> 4;
      codes[out + (j >> 1)]! |= lo << ((j & 1) * 4);
      codes[out + 8 + (j >> 1)]! |= hi << ((j & 1) * 4);
    }
  }
  const wShape = [...shape.slice(0, -1), (shape[shape.length - 1]! * bits) / 32];
  const sShape = [...shape.slice(0, -1), shape[shape.length - 1]! / 32];
  const w = arrayFromBytes(codes, 0, uint32, wShape);
  try {
    const s = arrayFromBytes(new Uint8Array(scales.buffer), 0, float16, sShape);
    const bi = arrayFromBytes(new Uint8Array(biases.buffer), 0, float16, sShape);
    return [w, s, bi];
  } catch (e) {
    w.dispose();
    throw e;
  }
}

/**
 * A Q2_K, Q4_K or Q6_K tensor's `count` weights as float16 bits, computed
 * in float32 as GGML's (and gguflib's) dequantization and rounded to half:
 * each super-block of 256 weights has sub-block scales (and mins) that are
 * themselves quantized against one or two float16 super-scales.
 */
function dequantizeKQuant(bytes: Uint8Array, at: number, type: number, count: number): Uint16Array {
  const f = Math.fround;
  const out = new Uint16Array(count);
  const half = (p: number) => halfToNumber(bytes[p]! | (bytes[p + 1]! << 8));
  let i = 0;
  for (let blk = at; i < count; ) {
    if (type === Q4_K) {
      // d, dmin, 12 bytes of eight 6-bit (scale, min) pairs, 128 bytes of 4-bit codes.
      const d = half(blk);
      const dmin = half(blk + 2);
      const sm = blk + 4;
      const scales: number[] = [];
      const mins: number[] = [];
      for (let j = 0; j < 8; ++j) {
        const sc = j < 4 ? bytes[sm + j]! & 63 : (bytes[sm + j + 4]! & 0xf) | ((bytes[sm + j - 4]! >> 6) << 4);
        const m = j < 4 ? bytes[sm + j + 4]! & 63 : (bytes[sm + j + 4]! >> 4) | ((bytes[sm + j]! >> 6) << 4);
        scales.push(f(d * sc));
        mins.push(f(dmin * m));
      }
      // Each 32 bytes hold two sub-blocks: the low nibbles, then the high ones.
      for (let b = 0, q = blk + 16; b < 8; b += 2, q += 32) {
        for (let j = 0; j < 32; ++j) out[i++] = numberToHalf(f(f((bytes[q + j]! & 0xf) * scales[b]!) - mins[b]!));
        for (let j = 0; j < 32; ++j) out[i++] = numberToHalf(f(f((bytes[q + j]! >> 4) * scales[b + 1]!) - mins[b + 1]!));
      }
      blk += 144;
    } else if (type === Q6_K) {
      // 128 bytes of low 4 bits, 64 bytes of high 2 bits, 16 int8 scales, d: two clusters of 128 weights.
      const d = half(blk + 208);
      for (let cluster = 0; cluster < 2; ++cluster) {
        const lo = blk + cluster * 64;
        const hi = blk + 128 + cluster * 32;
        const sc = blk + 192 + cluster * 8;
        for (let j = 0; j < 128; ++j) {
          const q = (((bytes[lo + (j % 64)]! >> (Math.floor(j / 64) * 4)) & 0xf) | (((bytes[hi + (j % 32)]! >> (Math.floor(j / 32) * 2)) & 3) << 4)) - 32;
          const s = (bytes[sc + (j >> 4)]! << 24) >> 24; // int8
          out[i++] = numberToHalf(f(f(d * s) * q));
        }
      }
      blk += 210;
    } else {
      // Q2_K: 16 bytes of (min << 4 | scale) per 16 weights, 64 bytes of 2-bit codes, d, dmin.
      const d = half(blk + 80);
      const dmin = half(blk + 82);
      let bn = 0;
      let scale = 0;
      let min = 0;
      for (let cluster = 0; cluster < 2; ++cluster)
        for (let j = 0; j < 128; ++j) {
          if (j % 16 === 0) {
            scale = f(d * (bytes[blk + bn]! & 0xf));
            min = f(dmin * (bytes[blk + bn]! >> 4));
            ++bn;
          }
          const q = (bytes[blk + 16 + (j % 32) + cluster * 32]! >> (Math.floor(j / 32) * 2)) & 3;
          out[i++] = numberToHalf(f(f(q * scale) - min));
        }
      blk += 84;
    }
  }
  return out;
}

/** Bytes a GGUF writer appends, grown as needed. */
class Writer {
  buf = new Uint8Array(1024);
  len = 0;
  private view = new DataView(this.buf.buffer);
  reserve(n: number) {
    if (this.len + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
    this.view = new DataView(grown.buffer);
  }
  u32(v: number) {
    this.reserve(4);
    this.view.setUint32(this.len, v, true);
    this.len += 4;
  }
  u64(v: number) {
    this.reserve(8);
    this.view.setBigUint64(this.len, BigInt(v), true);
    this.len += 8;
  }
  str(s: string) {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.raw(b);
  }
  raw(b: Uint8Array) {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }
  array(a: MxArray) {
    const n = byteLength(a);
    this.reserve(n);
    copyArrayBytes(a, this.buf, this.len);
    this.len += n;
  }
  padTo(alignment: number) {
    const n = (alignment - (this.len % alignment)) % alignment;
    this.raw(new Uint8Array(n));
  }
}

/** GGUF v3 bytes of `arrays` with metadata (strings, lists of strings, 0-d or 1-d arrays), as MLX's save_gguf writes them. */
export function encodeGguf(arrays: Record<string, MxArray>, metadata?: Record<string, GgufMetadataValue> | null): Uint8Array {
  const fail = (m: string): never => {
    throw new Error(`[${TAG_WRITE}] ${m}`);
  };
  if (!isPlainObject(arrays)) fail(`arrays must be a plain object of {name: mx.Array}, got ${describe(arrays)}.`);
  if (metadata !== undefined && metadata !== null && !isPlainObject(metadata))
    fail(`metadata must be a plain object of strings, lists of strings and mx.Arrays, got ${describe(metadata)}.`);
  const meta = Object.entries(metadata ?? {});
  const tensors = Object.entries(arrays);
  // Everything is checked before anything is written.
  for (const [k, v] of meta) {
    if (typeof v === "string" || (Array.isArray(v) && v.every((s) => typeof s === "string"))) continue;
    if (!(v instanceof MxArray)) fail(`metadata '${k}' must be a string, a list of strings or an mx.Array, got ${describe(v)}.`);
    const a = v as MxArray;
    const dims = dimsOf(a);
    if (dims.length > 1) fail(`Cannot save arrays with more than one dimension (metadata '${k}' has shape [${dims.join(", ")}]).`);
    if (dims.includes(0)) fail(`Cannot save empty arrays (metadata '${k}').`);
    if (!DTYPE_VALUES.has(a.dtype)) fail(`array type ${a.dtype.name} not supported for metadata ('${k}').`);
  }
  for (const [name, a] of tensors) {
    if (!(a instanceof MxArray)) fail(`'${name}' must be an mx.Array, got ${describe(a)}.`);
    if (!WRITE_TYPES.has(a.dtype)) fail(`dtype ${a.dtype.name} is not supported ('${name}'; supported: float32, float16, int8, int16, int32).`);
  }

  const w = new Writer();
  w.u32(MAGIC);
  w.u32(3);
  w.u64(tensors.length);
  w.u64(meta.length);
  for (const [k, v] of meta) {
    w.str(k);
    if (typeof v === "string") {
      w.u32(V.STRING);
      w.str(v);
    } else if (Array.isArray(v)) {
      w.u32(V.ARRAY);
      w.u32(V.STRING);
      w.u64(v.length);
      for (const s of v) w.str(s);
    } else {
      const type = DTYPE_VALUES.get(v.dtype)!;
      const dims = dimsOf(v);
      if (dims.length === 1) {
        w.u32(V.ARRAY);
        w.u32(type);
        w.u64(dims[0]!);
      } else w.u32(type);
      w.array(v);
    }
  }
  let offset = 0;
  for (const [name, a] of tensors) {
    offset = Math.ceil(offset / DEFAULT_ALIGNMENT) * DEFAULT_ALIGNMENT;
    const dims = dimsOf(a);
    w.str(name);
    w.u32(dims.length);
    for (let i = dims.length - 1; i >= 0; --i) w.u64(dims[i]!);
    w.u32(WRITE_TYPES.get(a.dtype)!);
    w.u64(offset);
    offset += byteLength(a);
  }
  for (const [, a] of tensors) {
    w.padTo(DEFAULT_ALIGNMENT);
    w.array(a);
  }
  return w.buf.slice(0, w.len);
}

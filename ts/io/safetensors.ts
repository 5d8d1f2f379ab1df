// The safetensors format (https://github.com/huggingface/safetensors): an
// 8-byte little-endian header length N, N bytes of JSON
// {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {k: v}},
// then the data, offsets counted from the end of the header. Names and
// dtypes as MLX and the safetensors package write them.

import { MxArray, dimsOf } from "../array.js";
import {
  type Dtype, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16, float32, float64,
} from "../dtype.js";
import { describe } from "../describe.js";
import { isPlainObject, setKey } from "../tree_walk.js";
import { arrayFromBytes, byteLength, checkShape, copyArrayBytes } from "./bytes.js";

const TAG_READ = "load_safetensors";
const TAG_WRITE = "save_safetensors";

const NAMES: [Dtype, string][] = [
  [bool, "BOOL"], [uint8, "U8"], [int8, "I8"], [uint16, "U16"], [int16, "I16"], [uint32, "U32"], [int32, "I32"],
  [uint64, "U64"], [int64, "I64"], [float16, "F16"], [bfloat16, "BF16"], [float32, "F32"], [float64, "F64"],
];
const toName = new Map(NAMES);
const fromName = new Map(NAMES.map(([d, n]) => [n, d]));

/** As the safetensors package: a header over 100 MB is refused. */
const MAX_HEADER = 100_000_000;

/** The safetensors bytes of `arrays` (each evaluated), with optional string metadata. */
export function encodeSafetensors(arrays: Record<string, MxArray>, metadata?: Record<string, string> | null): Uint8Array {
  if (!isPlainObject(arrays)) throw new Error(`[${TAG_WRITE}] arrays must be a plain object of {name: mx.Array}, got ${describe(arrays)}.`);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined && metadata !== null) {
    if (!isPlainObject(metadata)) throw new Error(`[${TAG_WRITE}] metadata must be a plain object of strings, got ${describe(metadata)}.`);
    for (const [k, v] of Object.entries(metadata))
      if (typeof v !== "string") throw new Error(`[${TAG_WRITE}] metadata values must be strings, but '${k}' is ${describe(v)}.`);
    if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  }
  const entries = Object.entries(arrays);
  let offset = 0;
  for (const [name, a] of entries) {
    if (!(a instanceof MxArray)) throw new Error(`[${TAG_WRITE}] '${name}' must be an mx.Array, got ${describe(a)}.`);
    if (name === "__metadata__") throw new Error(`[${TAG_WRITE}] '__metadata__' is reserved for the metadata and can't name an array.`);
    const n = byteLength(a);
    setKey(header, name, { dtype: toName.get(a.dtype)!, shape: [...dimsOf(a)], data_offsets: [offset, offset + n] });
    offset += n;
  }
  // Spaces pad the header so that the data starts 8-byte aligned (as the
  // safetensors package writes it; readers may map the data in place).
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  let at = 8 + padded;
  for (const [, a] of entries) {
    copyArrayBytes(a, out, at);
    at += byteLength(a);
  }
  return out;
}

/** Arrays and metadata from safetensors bytes; throws a "[load_safetensors] ..." error on a malformed file. */
export function decodeSafetensors(bytes: Uint8Array): { arrays: Record<string, MxArray>; metadata: Record<string, string> } {
  if (!(bytes instanceof Uint8Array)) throw new Error(`[${TAG_READ}] Expected a Uint8Array, got ${describe(bytes)}.`);
  const fail = (msg: string): never => {
    throw new Error(`[${TAG_READ}] ${msg}`);
  };
  if (bytes.length < 8) fail(`The data is ${bytes.length} bytes long, too short for the 8-byte header length (truncated file?).`);
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n === 0n || n > BigInt(MAX_HEADER)) fail(`Invalid JSON header length ${n} (not a safetensors file?).`);
  const headerLen = Number(n);
  if (8 + headerLen > bytes.length)
    fail(`The JSON header is ${headerLen} bytes long but the file is only ${bytes.length} bytes. Perhaps an incomplete download or corrupt file?`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    fail(`The header is not valid JSON (${(e as Error).message}).`);
  }
  if (!isPlainObject(header)) fail(`The header must be a JSON object, got ${header === null ? "null" : Array.isArray(header) ? "a list" : typeof header}.`);
  const h = header as Record<string, unknown>;
  const dataStart = 8 + headerLen;
  const dataLen = bytes.length - dataStart;

  // Everything is checked before any array is made: a bad entry leaves nothing behind.
  const metadata: Record<string, string> = {};
  const plan: [string, Dtype, number[], number][] = [];
  for (const [name, info] of Object.entries(h)) {
    if (name === "__metadata__") {
      if (info === null) continue;
      if (!isPlainObject(info)) fail(`__metadata__ must be an object of strings, got ${JSON.stringify(info)}.`);
      for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
        if (typeof v !== "string") fail(`__metadata__ values must be strings, but '${k}' is ${JSON.stringify(v)}.`);
        setKey(metadata, k, v);
      }
      continue;
    }
    if (!isPlainObject(info)) fail(`Tensor '${name}': expected {dtype, shape, data_offsets}, got ${JSON.stringify(info)}.`);
    const { dtype: dn, shape, data_offsets: offs } = info as Record<string, unknown>;
    const dtype = typeof dn === "string" ? fromName.get(dn) : undefined;
    if (!dtype) fail(`Tensor '${name}': unsupported dtype ${JSON.stringify(dn)}; expected one of ${NAMES.map(([, s]) => s).join(", ")}.`);
    const count = checkShape(shape, `Tensor '${name}'`, TAG_READ);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => typeof o === "number" && Number.isSafeInteger(o) && o >= 0))
      fail(`Tensor '${name}': data_offsets must be two non-negative integers, got ${JSON.stringify(offs)}.`);
    const [begin, end] = offs as [number, number];
    const expected = count * dtype!.size;
    if (end < begin || end - begin !== expected)
      fail(`Tensor '${name}': invalid data offsets (${begin}, ${end}). Expecting ${expected} bytes.`);
    if (end > dataLen)
      fail(`Tensor '${name}': invalid data offsets (${begin}, ${end}) exceeding the ${dataLen} bytes of data. Perhaps an incomplete download or corrupt file?`);
    plan.push([name, dtype!, shape as number[], dataStart + begin]);
  }
  const arrays: Record<string, MxArray> = {};
  const made: MxArray[] = [];
  try {
    for (const [name, dtype, shape, at] of plan) {
      const a = arrayFromBytes(bytes, at, dtype, shape);
      made.push(a);
      setKey(arrays, name, a);
    }
  } catch (e) {
    for (const a of made) a.dispose();
    throw e;
  }
  return { arrays, metadata };
}

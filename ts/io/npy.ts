// numpy's .npy format (versions 1.0, 2.0 and 3.0): the magic "\x93NUMPY", a
// version, a little-endian header length (2 bytes in 1.0, 4 after), a Python
// dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
// padded with spaces and a newline, then the data. bfloat16, which numpy
// lacks, is written as MLX writes it: descr '<V2' (two raw bytes), and read back
// from '<V2' or '|V2'.

import { MxArray, dimsOf } from "../array.js";
import {
  type Dtype, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16, float32, float64,
} from "../dtype.js";
import { transpose } from "../shape_ops.js";
import { describe } from "../describe.js";
import { arrayFromBytes, byteLength, checkShape, copyArrayBytes } from "./bytes.js";

const TAG_READ = "load";
const TAG_WRITE = "save";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy's type codes (kind + size) by dtype; bfloat16 as MLX: V2. */
const CODES: [Dtype, string][] = [
  [bool, "b1"], [uint8, "u1"], [uint16, "u2"], [uint32, "u4"], [uint64, "u8"], [int8, "i1"], [int16, "i2"],
  [int32, "i4"], [int64, "i8"], [float16, "f2"], [bfloat16, "V2"], [float32, "f4"], [float64, "f8"],
];
const codeOf = new Map(CODES);
const fromCode = new Map(CODES.map(([d, c]) => [c, d]));

/** True when `bytes` start with the .npy magic. */
export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

/** The .npy bytes of `a` (evaluated now): C order, little-endian. */
export function encodeNpy(a: MxArray): Uint8Array {
  if (!(a instanceof MxArray)) throw new Error(`[${TAG_WRITE}] Expected an mx.Array, got ${describe(a)}.`);
  const code = codeOf.get(a.dtype)!;
  const descr = `${a.dtype.size === 1 ? "|" : "<"}${code}`;
  const dims = dimsOf(a);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(", ")})`;
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // numpy pads the whole preamble to a multiple of 64 bytes, ending in "\n";
  // version 1.0 unless the header's length doesn't fit its 2 bytes.
  const padTo64 = (pre: number) => Math.ceil((pre + dict.length + 1) / 64) * 64;
  const v1 = padTo64(10) - 10 <= 0xffff;
  const pre = v1 ? 10 : 12;
  const total = padTo64(pre);
  dict = dict + " ".repeat(total - pre - dict.length - 1) + "\n";
  const n = byteLength(a);
  const out = new Uint8Array(total + n);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (v1) view.setUint16(8, dict.length, true);
  else view.setUint32(8, dict.length, true);
  for (let i = 0; i < dict.length; ++i) out[pre + i] = dict.charCodeAt(i); // ASCII only
  copyArrayBytes(a, out, total);
  return out;
}

/** The array in .npy bytes; throws a "[load] ..." error on a malformed file. */
export function decodeNpy(bytes: Uint8Array): MxArray {
  if (!(bytes instanceof Uint8Array)) throw new Error(`[${TAG_READ}] Expected a Uint8Array, got ${describe(bytes)}.`);
  const fail = (msg: string): never => {
    throw new Error(`[${TAG_READ}] .npy: ${msg}`);
  };
  if (!isNpy(bytes)) fail("The data does not start with the .npy magic string \\x93NUMPY.");
  if (bytes.length < 10) fail(`The file is ${bytes.length} bytes long, too short for a header (truncated file?).`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(`Unsupported format version ${major}.${bytes[7]} (1.0, 2.0 and 3.0 are supported).`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major > 1 && bytes.length < 12) fail(`The file is ${bytes.length} bytes long, too short for a version ${major} header (truncated file?).`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.length)
    fail(`The header is ${headerLen} bytes long but only ${bytes.length - start} bytes follow (truncated file?).`);
  let text: string;
  try {
    // 1.0 and 2.0 headers are latin-1 (ASCII in practice); 3.0 is UTF-8.
    text = new TextDecoder(major === 3 ? "utf-8" : "latin1", { fatal: true }).decode(bytes.subarray(start, start + headerLen));
  } catch {
    return fail("The header is not valid UTF-8.");
  }
  const header = parseHeader(text, fail);
  const descr = header.descr;
  if (typeof descr !== "string") fail(`'descr' must be a type string such as '<f4', got ${describe(descr)} (structured dtypes are not supported).`);
  const m = /^([<>|=]?)([a-zA-Z]\d+)$/.exec(descr as string);
  const dtype = m ? fromCode.get(m[2]!) : undefined;
  if (!m || !dtype) fail(`Unsupported dtype '${descr}'; supported: ${CODES.map(([, c]) => c).join(", ")} (bfloat16 as V2).`);
  const bigEndian = m![1] === ">";
  const fortran = header.fortran_order;
  if (typeof fortran !== "boolean") fail(`'fortran_order' must be True or False, got ${describe(fortran)}.`);
  const shape = header.shape;
  const count = checkShape(shape, ".npy: The header", TAG_READ);
  const nbytes = count * dtype!.size;
  const dataStart = start + headerLen;
  if (dataStart + nbytes > bytes.length)
    fail(`The array needs ${nbytes} bytes of data but the file has ${bytes.length - dataStart} (truncated file?).`);
  const dims = shape as number[];
  if (!fortran) return arrayFromBytes(bytes, dataStart, dtype!, dims, bigEndian);
  // Column-major data is the row-major data of the reversed shape, transposed (as MLX reads it).
  const raw = arrayFromBytes(bytes, dataStart, dtype!, [...dims].reverse(), bigEndian);
  try {
    return transpose(raw);
  } finally {
    raw.dispose();
  }
}

type Literal = string | number | boolean | null | Literal[] | { [k: string]: Literal };

/** Parses the header's Python literal (a dict of strings, booleans, ints and tuples). */
function parseHeader(text: string, fail: (msg: string) => never): Record<string, Literal> {
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) ++i;
  };
  const value = (depth: number): Literal => {
    if (depth > 32) fail("The header is nested too deeply.");
    ws();
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) fail("Unterminated string in the header.");
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (ch === "(" || ch === "[") {
      const close = ch === "(" ? ")" : "]";
      ++i;
      const items: Literal[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          ++i;
          return items;
        }
        items.push(value(depth + 1));
        ws();
        if (text[i] === ",") ++i;
        else if (text[i] !== close) fail(`Expected ',' or '${close}' at character ${i} of the header.`);
      }
    }
    if (ch === "{") {
      ++i;
      const obj: Record<string, Literal> = Object.create(null);
      for (;;) {
        ws();
        if (text[i] === "}") {
          ++i;
          return obj;
        }
        const k = value(depth + 1);
        if (typeof k !== "string") fail("The header's keys must be strings.");
        ws();
        if (text[i] !== ":") fail(`Expected ':' at character ${i} of the header.`);
        ++i;
        obj[k as string] = value(depth + 1);
        ws();
        if (text[i] === ",") ++i;
        else if (text[i] !== "}") fail(`Expected ',' or '}' at character ${i} of the header.`);
      }
    }
    const word = /^(True|False|None|-?\d+L?)/.exec(text.slice(i, i + 32));
    if (!word) fail(`Unexpected ${i < text.length ? `'${text[i]}'` : "end"} at character ${i} of the header.`);
    i += word![0].length;
    if (word![0] === "True") return true;
    if (word![0] === "False") return false;
    if (word![0] === "None") return null;
    return Number(word![0].replace("L", ""));
  };
  const dict = value(0);
  ws();
  if (i !== text.length) fail(`Unexpected text after the header's dict at character ${i}.`);
  if (dict === null || typeof dict !== "object" || Array.isArray(dict)) fail("The header must be a Python dict.");
  return dict as Record<string, Literal>;
}

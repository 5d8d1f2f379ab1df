// mx.load, mx.save, mx.savez, mx.savezCompressed, mx.saveSafetensors and
// mx.saveGguf (MLX's names and argument order). Paths go through the host's
// file system (Node); bytes work everywhere, synchronously (compression
// included: see inflate.ts).

import { MxArray } from "../array.js";
import { optionsArg } from "../args.js";
import { describe } from "../describe.js";
import { fileHost } from "./file_host.js";
import { decodeNpy, encodeNpy, isNpy } from "./npy.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";
import { decodeNpz, encodeNpz, namedArrays } from "./npz.js";
import { decodeGguf, encodeGguf, type GgufMetadataValue } from "./gguf.js";

export type { GgufMetadataValue };
export type LoadFormat = "safetensors" | "npy" | "npz" | "gguf";
const FORMATS: readonly string[] = ["safetensors", "npy", "npz", "gguf"];

export interface LoadOptions {
  /**
   * "safetensors", "npy", "npz" or "gguf"; by default from the path's
   * extension, else from the data (the .npy, zip and GGUF magic numbers;
   * anything else is read as safetensors).
   */
  format?: LoadFormat;
  /** safetensors and gguf: return `[arrays, metadata]` instead of the arrays. */
  returnMetadata?: boolean;
}

type Loaded =
  | MxArray
  | Record<string, MxArray>
  | [Record<string, MxArray>, Record<string, string>]
  | [Record<string, MxArray>, Record<string, GgufMetadataValue>];

/** The format that `bytes` start with: .npy's magic, a zip's local header ("PK\x03\x04"), "GGUF"; else safetensors. */
function sniffFormat(bytes: Uint8Array): LoadFormat {
  if (isNpy(bytes)) return "npy";
  const magic = (s: string) => bytes.length >= s.length && [...s].every((c, i) => bytes[i] === c.charCodeAt(0));
  if (magic("PK\x03\x04") || magic("PK\x05\x06")) return "npz";
  if (magic("GGUF")) return "gguf";
  return "safetensors";
}

/** A Response-like value: its bytes come asynchronously. */
interface ResponseLike {
  arrayBuffer(): Promise<ArrayBuffer>;
  url?: string;
  ok?: boolean;
  status?: number;
}
const isResponse = (v: unknown): v is ResponseLike =>
  typeof v === "object" && v !== null && typeof (v as ResponseLike).arrayBuffer === "function" && !ArrayBuffer.isView(v);

function extensionFormat(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const base = name.split(/[?#]/)[0]!;
  const slash = Math.max(base.lastIndexOf("/"), base.lastIndexOf("\\"));
  const dot = base.lastIndexOf(".");
  return dot > slash ? base.slice(dot + 1) : undefined;
}

function decode(bytes: Uint8Array, format: string | undefined, returnMetadata: boolean): Loaded {
  const fmt = format ?? sniffFormat(bytes);
  if ((fmt === "npy" || fmt === "npz") && returnMetadata) throw new Error(`[load] metadata not supported for format ${fmt}.`);
  if (fmt === "npy") return decodeNpy(bytes);
  if (fmt === "npz") return decodeNpz(bytes);
  if (fmt === "safetensors") {
    const { arrays, metadata } = decodeSafetensors(bytes);
    return returnMetadata ? [arrays, metadata] : arrays;
  }
  if (fmt === "gguf") {
    const { arrays, metadata } = decodeGguf(bytes);
    if (returnMetadata) return [arrays, metadata];
    // The metadata's arrays are not returned: free them now.
    for (const v of Object.values(metadata)) if (v instanceof MxArray) v.dispose();
    return arrays;
  }
  throw new Error(`[load] Unknown file format ${fmt}; expected one of ${FORMATS.join(", ")}.`);
}

/**
 * Arrays from a .safetensors or .gguf file (`{name: array}`, or
 * `[arrays, metadata]` with returnMetadata), a .npz file (`{name: array}`)
 * or a .npy file (one array). `file` is a path (Node), a Uint8Array or
 * ArrayBuffer, or a Response (then the result is a Promise).
 */
export function load(file: string, options?: LoadOptions): Loaded;
export function load(file: Uint8Array | ArrayBuffer, options?: LoadOptions): Loaded;
export function load(file: ResponseLike, options?: LoadOptions): Promise<Loaded>;
export function load(file: string | Uint8Array | ArrayBuffer | ResponseLike, options?: LoadOptions): Loaded | Promise<Loaded> {
  const o = optionsArg<LoadOptions>(options, "load", ["format", "returnMetadata"]);
  if (o.format !== undefined && !FORMATS.includes(o.format as string))
    throw new Error(`[load] Unknown file format ${typeof o.format === "string" ? `'${o.format}'` : describe(o.format)}; expected one of ${FORMATS.join(", ")}.`);
  if (o.returnMetadata !== undefined && typeof o.returnMetadata !== "boolean")
    throw new Error(`[load] returnMetadata must be a boolean, got ${describe(o.returnMetadata)}.`);
  const returnMetadata = o.returnMetadata === true;
  if (typeof file === "string") {
    const format = o.format ?? extensionFormat(file);
    if (format === undefined) throw new Error(`[load] Could not infer the file format from the extension of '${file}'; pass {format}.`);
    let bytes: Uint8Array;
    try {
      bytes = fileHost("load", file).readFile(file);
    } catch (e) {
      throw (e as Error).message?.startsWith("[load]") ? e : new Error(`[load] Failed to open ${file}: ${(e as Error).message}`);
    }
    return decode(bytes, format, returnMetadata);
  }
  if (file instanceof Uint8Array) return decode(file, o.format, returnMetadata);
  if (file instanceof ArrayBuffer) return decode(new Uint8Array(file), o.format, returnMetadata);
  if (isResponse(file)) {
    const ext = extensionFormat(file.url);
    const format = o.format ?? (ext !== undefined && FORMATS.includes(ext) ? (ext as LoadFormat) : undefined);
    // A failed request's body is an error page, not the file.
    if (file.ok === false)
      return Promise.reject(new Error(`[load] The response${file.url ? ` for ${file.url}` : ""} has status ${file.status}; expected the file's bytes.`));
    return file.arrayBuffer().then((buf) => decode(new Uint8Array(buf), format, returnMetadata));
  }
  throw new Error(`[load] Expected a path, a Uint8Array, an ArrayBuffer or a Response, got ${describe(file)}.`);
}

function writeTo(tag: string, file: string | null, ext: string, bytes: () => Uint8Array): Uint8Array | undefined {
  if (file === null) return bytes();
  if (typeof file !== "string") throw new Error(`[${tag}] file must be a path (a string) or null (to get the bytes), got ${describe(file)}.`);
  const host = fileHost(tag, file);
  // As MLX: the extension is added when missing.
  const path = file.endsWith(ext) ? file : file + ext;
  const data = bytes();
  try {
    host.writeFile(path, data);
  } catch (e) {
    throw new Error(`[${tag}] Failed to write ${path}: ${(e as Error).message}`);
  }
  return undefined;
}

/** Writes `array` as .npy to `file` (".npy" added if missing); with `file` null, returns the bytes. */
export function save(file: null, array: MxArray): Uint8Array;
export function save(file: string, array: MxArray): void;
export function save(file: string | null, array: MxArray): Uint8Array | void {
  return writeTo("save", file, ".npy", () => encodeNpy(array));
}

/** Writes `arrays` as .safetensors to `file` (extension added if missing); with `file` null, returns the bytes. */
export function saveSafetensors(file: null, arrays: Record<string, MxArray>, metadata?: Record<string, string> | null): Uint8Array;
export function saveSafetensors(file: string, arrays: Record<string, MxArray>, metadata?: Record<string, string> | null): void;
export function saveSafetensors(file: string | null, arrays: Record<string, MxArray>, metadata?: Record<string, string> | null): Uint8Array | void {
  return writeTo("save_safetensors", file, ".safetensors", () => encodeSafetensors(arrays, metadata));
}

/**
 * Writes arrays as an uncompressed .npz to `file` (".npz" added if
 * missing), as MLX's savez(file, *args, **kwargs): each array argument is
 * named arr_0, arr_1, ... by position, and object arguments give names
 * (`mx.savez(f, x, y, {weights: w})`). With `file` null, returns the bytes.
 */
export function savez(file: null, ...arrays: (MxArray | Record<string, MxArray>)[]): Uint8Array;
export function savez(file: string, ...arrays: (MxArray | Record<string, MxArray>)[]): void;
export function savez(file: string | null, ...arrays: (MxArray | Record<string, MxArray>)[]): Uint8Array | void {
  const named = namedArrays("savez", arrays);
  return writeTo("savez", file, ".npz", () => encodeNpz(named, false));
}

/** As savez, with each member deflate-compressed (numpy's savez_compressed). */
export function savezCompressed(file: null, ...arrays: (MxArray | Record<string, MxArray>)[]): Uint8Array;
export function savezCompressed(file: string, ...arrays: (MxArray | Record<string, MxArray>)[]): void;
export function savezCompressed(file: string | null, ...arrays: (MxArray | Record<string, MxArray>)[]): Uint8Array | void {
  const named = namedArrays("savez_compressed", arrays);
  return writeTo("savez_compressed", file, ".npz", () => encodeNpz(named, true));
}

/**
 * Writes `arrays` (float32, float16, int8, int16, int32) as GGUF v3 to
 * `file` (".gguf" added if missing), with metadata values that are strings,
 * lists of strings, or 0-d/1-d arrays (not float16, bfloat16 or float64), as
 * MLX's save_gguf. With `file` null, returns the bytes.
 */
export function saveGguf(file: null, arrays: Record<string, MxArray>, metadata?: Record<string, GgufMetadataValue> | null): Uint8Array;
export function saveGguf(file: string, arrays: Record<string, MxArray>, metadata?: Record<string, GgufMetadataValue> | null): void;
export function saveGguf(file: string | null, arrays: Record<string, MxArray>, metadata?: Record<string, GgufMetadataValue> | null): Uint8Array | void {
  return writeTo("save_gguf", file, ".gguf", () => encodeGguf(arrays, metadata));
}

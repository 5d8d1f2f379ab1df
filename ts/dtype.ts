// The 14 dtypes. Their codes cross the wasm boundary: they come from
// core/dtype.h through ts/generated/boundary.ts.

import { describe } from "./describe.js";
import { DtypeCodes } from "./generated/boundary.js";

export type DtypeName =
  | "bool" | "uint8" | "uint16" | "uint32" | "uint64" | "int8" | "int16" | "int32" | "int64"
  | "float16" | "bfloat16" | "float32" | "float64" | "complex64";

export type DtypeKind = "bool" | "uint" | "int" | "float" | "complex";

export class Dtype {
  /** @internal */
  constructor(
    readonly name: DtypeName,
    /** Bytes per element. */
    readonly size: number,
    /** @internal code shared with the C++ core */
    readonly code: number,
    readonly kind: DtypeKind,
  ) {
    Object.freeze(this);
  }
  toString(): string {
    return this.name;
  }
}

export const bool = new Dtype("bool", 1, DtypeCodes.bool, "bool");
export const uint8 = new Dtype("uint8", 1, DtypeCodes.uint8, "uint");
export const uint16 = new Dtype("uint16", 2, DtypeCodes.uint16, "uint");
export const uint32 = new Dtype("uint32", 4, DtypeCodes.uint32, "uint");
export const uint64 = new Dtype("uint64", 8, DtypeCodes.uint64, "uint");
export const int8 = new Dtype("int8", 1, DtypeCodes.int8, "int");
export const int16 = new Dtype("int16", 2, DtypeCodes.int16, "int");
export const int32 = new Dtype("int32", 4, DtypeCodes.int32, "int");
export const int64 = new Dtype("int64", 8, DtypeCodes.int64, "int");
export const float16 = new Dtype("float16", 2, DtypeCodes.float16, "float");
export const bfloat16 = new Dtype("bfloat16", 2, DtypeCodes.bfloat16, "float");
export const float32 = new Dtype("float32", 4, DtypeCodes.float32, "float");
export const float64 = new Dtype("float64", 8, DtypeCodes.float64, "float");
/** Two float32 (real, imaginary); reads back as interleaved pairs in a Float32Array. */
export const complex64 = new Dtype("complex64", 8, DtypeCodes.complex64, "complex");

/** @internal indexed by code */
export const dtypes: readonly Dtype[] = [
  bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64,
].sort((a, b) => a.code - b.code);

/** Accepts a Dtype or its name; throws "[op] ..." otherwise. @internal */
export function toDtype(d: unknown, op: string): Dtype {
  if (d instanceof Dtype) return d;
  if (typeof d === "string") {
    const found = dtypes.find((t) => t.name === d);
    if (found) return found;
  }
  // (describe: String() throws on Object.create(null) and on symbols in templates)
  throw new Error(`[${op}] Unknown dtype ${typeof d === "string" ? d : describe(d)}; expected one of ${dtypes.map((t) => t.name).join(", ")}.`);
}

/** The TypedArray a dtype reads back as (float16/bfloat16 widen to float32). */
export type DataArray =
  | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Int8Array | Int16Array | Int32Array
  | BigInt64Array | Float32Array | Float64Array;

/** @internal */
export function isFloating(d: Dtype): boolean {
  return d.kind === "float";
}

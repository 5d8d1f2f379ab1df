// MLX's dtype queries (mlx/dtype.cpp, python/src/ops.cpp): the dtype
// categories (mx.floating, mx.integer, ...), issubdtype, isdtype, resultType
// and canCast, with MLX's promotion table.

import { MxArray } from "../array.js";
import {
  Dtype, type DtypeName, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
  float16, bfloat16, float32, float64, complex64,
} from "../dtype.js";
import { describe } from "../describe.js";

/** An abstract dtype category, as numpy's and MLX's (`mx.floating`, `mx.integer`, ...). */
export class DtypeCategory {
  /** @internal */
  constructor(readonly name: string, private readonly parents: readonly string[]) {
    Object.freeze(this);
  }
  /** @internal Whether this category lies within `other` (itself included). */
  within(other: DtypeCategory): boolean {
    return other === this || this.parents.includes(other.name);
  }
  toString(): string {
    return this.name;
  }
}

// MLX's subcategory_to_category table, row by row.
export const generic = new DtypeCategory("generic", []);
export const number = new DtypeCategory("number", ["generic"]);
export const integer = new DtypeCategory("integer", ["number", "generic"]);
export const signedinteger = new DtypeCategory("signedinteger", ["integer", "number", "generic"]);
export const unsignedinteger = new DtypeCategory("unsignedinteger", ["integer", "number", "generic"]);
export const inexact = new DtypeCategory("inexact", ["number", "generic"]);
export const floating = new DtypeCategory("floating", ["inexact", "number", "generic"]);
export const complexfloating = new DtypeCategory("complexfloating", ["inexact", "number", "generic"]);

/** The category each dtype belongs to (bool only to `generic`, as in MLX). */
function categoryOf(d: Dtype): DtypeCategory {
  switch (d.kind) {
    case "bool": return generic;
    case "uint": return unsignedinteger;
    case "int": return signedinteger;
    case "complex": return complexfloating;
    default: return floating;
  }
}

/**
 * Whether arg1 is arg2 or lies within it: a dtype is a subtype of itself and
 * of its categories; a category of itself and its parents, never of a dtype.
 */
export function issubdtype(arg1: Dtype | DtypeCategory, arg2: Dtype | DtypeCategory): boolean {
  const op = "issubdtype";
  const isDt = (v: unknown) => v instanceof Dtype;
  const isCat = (v: unknown) => v instanceof DtypeCategory;
  if (!isDt(arg1) && !isCat(arg1)) throw new Error(`[${op}] Received invalid type for first input.`);
  if (!isDt(arg2) && !isCat(arg2)) throw new Error(`[${op}] Received invalid type for second input.`);
  if (arg2 instanceof Dtype) return arg1 === arg2;
  const cat = arg1 instanceof Dtype ? categoryOf(arg1) : arg1;
  return cat.within(arg2 as DtypeCategory);
}

export type DtypeKindName =
  | "bool" | "signed integer" | "unsigned integer" | "integral" | "real floating" | "complex floating" | "numeric";

const KINDS: Record<DtypeKindName, (d: Dtype) => boolean> = {
  "bool": (d) => d === bool,
  "signed integer": (d) => issubdtype(d, signedinteger),
  "unsigned integer": (d) => issubdtype(d, unsignedinteger),
  "integral": (d) => issubdtype(d, integer),
  "real floating": (d) => issubdtype(d, floating),
  "complex floating": (d) => issubdtype(d, complexfloating),
  "numeric": (d) => issubdtype(d, number),
};

/** Whether `dtype` is the given dtype or of the given kind (array API names), or of any in a list of these. */
export function isdtype(dtype: Dtype, kind: Dtype | DtypeKindName | (Dtype | DtypeKindName)[]): boolean {
  const op = "isdtype";
  if (!(dtype instanceof Dtype)) throw new Error(`[${op}] dtype must be a Dtype, got ${describe(dtype)}.`);
  const one = (k: unknown): boolean => {
    if (k instanceof Dtype) return dtype === k;
    if (typeof k === "string") {
      const test = (KINDS as Record<string, (d: Dtype) => boolean>)[k];
      if (!test) throw new Error(`[${op}] Unknown data type kind: '${k}'.`);
      return test(dtype);
    }
    throw new Error(`[${op}] \`kind\` must be a dtype, a string, or a tuple of dtypes and strings.`);
  };
  return Array.isArray(kind) ? kind.some(one) : one(kind);
}

// MLX's type_rules (mlx/dtype.cpp); complex64 (its last row and column) absorbs every dtype.
const ORDER: DtypeName[] = [
  "bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16", "float32", "float64", "bfloat16", "complex64",
];
const RULES: string[] = [
  "bool     uint8    uint16   uint32   uint64   int8     int16    int32    int64    float16  float32  float64  bfloat16  complex64",
  "uint8    uint8    uint16   uint32   uint64   int16    int16    int32    int64    float16  float32  float64  bfloat16  complex64",
  "uint16   uint16   uint16   uint32   uint64   int32    int32    int32    int64    float16  float32  float64  bfloat16  complex64",
  "uint32   uint32   uint32   uint32   uint64   int64    int64    int64    int64    float16  float32  float64  bfloat16  complex64",
  "uint64   uint64   uint64   uint64   uint64   float32  float32  float32  float32  float16  float32  float64  bfloat16  complex64",
  "int8     int16    int32    int64    float32  int8     int16    int32    int64    float16  float32  float64  bfloat16  complex64",
  "int16    int16    int32    int64    float32  int16    int16    int32    int64    float16  float32  float64  bfloat16  complex64",
  "int32    int32    int32    int64    float32  int32    int32    int32    int64    float16  float32  float64  bfloat16  complex64",
  "int64    int64    int64    int64    float32  int64    int64    int64    int64    float16  float32  float64  bfloat16  complex64",
  "float16  float16  float16  float16  float16  float16  float16  float16  float16  float16  float32  float64  float32  complex64",
  "float32  float32  float32  float32  float32  float32  float32  float32  float32  float32  float32  float64  float32  complex64",
  "float64  float64  float64  float64  float64  float64  float64  float64  float64  float64  float64  float64  float64  complex64",
  "bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 bfloat16 float32  float32  float64  bfloat16  complex64",
  "complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64 complex64",
];
const BY_NAME: Record<string, Dtype> = {
  bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64, float16, bfloat16, float32, float64, complex64,
};
const TABLE: Dtype[][] = RULES.map((row) => row.trim().split(/\s+/).map((n) => BY_NAME[n]!));

/** MLX's promote_types. */
function promoteTypes(a: Dtype, b: Dtype): Dtype {
  return TABLE[ORDER.indexOf(a.name)]![ORDER.indexOf(b.name)]!;
}

/** The dtype that promoting the given arrays' and dtypes' types together gives. */
export function resultType(...arraysAndDtypes: (MxArray | Dtype)[]): Dtype {
  const op = "result_type";
  if (arraysAndDtypes.length === 0) throw new Error(`[${op}] At least one array or dtype is required.`);
  const types = arraysAndDtypes.map((v) => {
    if (v instanceof MxArray) return v.dtype;
    if (v instanceof Dtype) return v;
    throw new Error(`[${op}] Inputs must be arrays or dtypes.`);
  });
  return types.reduce(promoteTypes);
}

/** Whether `from` (an array's dtype or a dtype) promotes with `to` to `to`. */
export function canCast(from: MxArray | Dtype, to: Dtype): boolean {
  const op = "can_cast";
  const f = from instanceof MxArray ? from.dtype : from;
  if (!(f instanceof Dtype)) throw new Error(`[${op}] \`from_\` must be an array or a dtype.`);
  if (!(to instanceof Dtype)) throw new Error(`[${op}] \`to\` must be a dtype, got ${describe(to)}.`);
  return promoteTypes(f, to) === to;
}

// MLX's asarray: mx.array with numpy's `copy` keyword.

import { MxArray, type NestedList } from "../array.js";
import { type Dtype, bool, toDtype } from "../dtype.js";
import { optionsArg } from "../args.js";
import { array, full, type NestedInput } from "../creation.js";
import { where } from "../elementwise.js";
import { tidy } from "../transforms.js";
import { type StreamOptions, streamed } from "../stream.js";

export interface AsarrayOptions extends StreamOptions {
  /** true: always a new array; false: never copy (an error when one is needed); null/undefined: copy when needed. */
  copy?: boolean | null;
}

/**
 * The input as an array (see mx.array). JS data is always copied into the
 * core's memory, so `{copy: false}` works only for an mx.Array already of
 * the requested dtype; the result is then a new handle on the same data.
 * `{copy: true}` gives an mx.Array argument a buffer of its own.
 */
export const asarray = streamed("asarray", function asarray(a: NestedList | NestedInput | ArrayBufferView | MxArray, dtype?: Dtype | string | null,
                        options?: AsarrayOptions): MxArray {
  const op = "asarray";
  const o = optionsArg<AsarrayOptions>(options, op, ["copy"]);
  if (o.copy !== undefined && o.copy !== null && typeof o.copy !== "boolean")
    throw new Error(`[${op}] copy must be a boolean or null, got ${typeof o.copy}.`);
  const dt = dtype === undefined || dtype === null ? undefined : toDtype(dtype, op);
  if (o.copy === false && !(a instanceof MxArray && (!dt || dt === a.dtype)))
    throw new Error(`[${op}] A copy is required${a instanceof MxArray ? " to change the dtype" : " to bring JS data into the core"}, but copy is false.`);
  if (o.copy === true && a instanceof MxArray && (!dt || dt === a.dtype))
    // a select copies every element exactly (an arithmetic identity could change -0 or NaN payloads)
    return tidy(() => where(full([], true, bool), a, a));
  return array(a as Parameters<typeof array>[0], dt);
}, true);

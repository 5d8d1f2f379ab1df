// MLX's view (the same bytes read as another dtype), contiguous (a
// row-contiguous copy) and depends (arrays evaluated only together with
// others): core primitives in core/primitives/layout.h.

import { core } from "./runtime.js";
import { MxArray } from "./array.js";
import { type Dtype, toDtype } from "./dtype.js";
import { arrayArg, arrayList, boolArg } from "./args.js";
import { takeResults, wrap } from "./operands.js";
import { streamed } from "./stream.js";

const m = () => core().m;

/**
 * `a`'s bytes as `dtype` (MLX's view): the last axis grows or shrinks by the
 * size ratio; the bytes are read in row-major order.
 */
export const view = streamed("view", function view(a: MxArray, dtype: Dtype | string): MxArray {
  const op = "view";
  return wrap(m()._wmx_view(arrayArg(a, "a", op).handle, toDtype(dtype, op).code));
});

/**
 * A row-contiguous copy of `a`. `allowColMajor` is MLX's flag (a
 * column-major input may stay so); webmx always gives row-major.
 */
export const contiguous = streamed("contiguous", function contiguous(a: MxArray, allowColMajor = false): MxArray {
  const op = "contiguous";
  boolArg(allowColMajor, "allowColMajor", op);
  return wrap(m()._wmx_contiguous(arrayArg(a, "a", op).handle));
});

/**
 * `inputs` (new arrays with their values) that, when evaluated, evaluate
 * `dependencies` too. Each argument is an array or a list of them; a single
 * array in gives a single array out (MLX).
 */
export function depends(inputs: MxArray, dependencies: MxArray | MxArray[]): MxArray;
export function depends(inputs: MxArray[], dependencies: MxArray | MxArray[]): MxArray[];
export function depends(inputs: MxArray | MxArray[], dependencies: MxArray | MxArray[]): MxArray | MxArray[] {
  const op = "depends";
  const single = inputs instanceof MxArray;
  const xs = single ? [inputs] : arrayList(inputs, op);
  const ds = dependencies instanceof MxArray ? [dependencies] : arrayList(dependencies, op);
  if (xs.length === 0) throw new Error(`[${op}] At least one input is required.`);
  const hs = [...xs, ...ds].map((x) => x.handle);
  const out = takeResults(core().withInts(hs, (p) => m()._wmx_depends(p, xs.length, ds.length)));
  return single ? out[0]! : out;
}

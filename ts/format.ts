// How an mx.Array prints (toString, Node's util.inspect), as MLX does:
// `array([[1, 2],\n       [3, 4]], dtype=float32)`. Floats narrower than
// float64 print with 6 significant digits (float32 0.1 reads "0.1", not its
// exact value 0.10000000149011612), nan/inf as MLX spells them, and arrays of
// more than 1000 elements keep 3 items at each end of every long axis.

import type { Dtype } from "./dtype.js";
import type { Scalar } from "./array.js";

const ELIDE_ABOVE = 1000;
const EDGE = 3;

function scalarText(v: Scalar, dtype: Dtype): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return String(v);
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (dtype.kind === "float" && dtype.size < 8) return String(Number(v.toPrecision(6)));
  return String(v);
}

/** The MLX-style text of an array of `shape` whose row-major values are `flat`. */
export function formatArray(shape: readonly number[], dtype: Dtype, flat: Scalar[]): string {
  const elide = flat.length > ELIDE_ABOVE;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const indent = " ".repeat("array(".length);
  const walk = (d: number, offset: number): string => {
    if (d === shape.length) return scalarText(flat[offset]!, dtype);
    const n = shape[d]!;
    const items: string[] = [];
    for (let i = 0; i < n; ++i) {
      if (elide && n > 2 * EDGE && i === EDGE) {
        items.push("...");
        i = n - EDGE - 1;
        continue;
      }
      items.push(walk(d + 1, offset + i * strides[d]!));
    }
    // Rows of the last two axes go on their own lines, blocks of higher axes
    // after blank lines, indented to the column after the brackets.
    const sep = d === shape.length - 1 ? ", " : "," + "\n".repeat(shape.length - 1 - d) + indent + " ".repeat(d + 1);
    return `[${items.join(sep)}]`;
  };
  return `array(${walk(0, 0)}, dtype=${dtype.name})`;
}

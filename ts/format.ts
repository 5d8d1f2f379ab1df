// How an mx.Array prints (toString, Node's util.inspect), as MLX's
// operator<< (mlx/utils.cpp print_array): `array([[1, 2],\n       [3, 4]],
// dtype=float32)`. Floats print as C++ streams do by default (printf's %g
// with 6 significant digits: 0.1, 1e-07, 1.23457e+06), bools as True/False,
// nan/inf as MLX spells them; every axis longer than 6 keeps 3 items at each
// end with "..." between, and each row of a higher axis starts a new line
// indented to the column after its brackets.

import type { Dtype } from "./dtype.js";
import type { Complex, Scalar } from "./array.js";

const EDGE = 3;

/** printf("%g") of v: 6 significant digits, exponent form below 1e-4 or from 1e6, trailing zeros dropped. */
export function formatG(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (v === Infinity) return "inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mant, expText] = v.toExponential(5).split("e") as [string, string];
  const exp = Number(expText);
  const trim = (t: string) => (t.includes(".") ? t.replace(/0+$/, "").replace(/\.$/, "") : t);
  if (exp < -4 || exp >= 6) return `${trim(mant)}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return trim(v.toFixed(5 - exp));
}

function scalarText(v: Scalar | Complex, dtype: Dtype): string {
  // complex64 as MLX: real part, then the imaginary part's sign and value, "j" (1+2j, 0-1j, 1+nanj).
  if (typeof v === "object") return `${formatG(v.re)}${v.im >= 0 || Number.isNaN(v.im) ? `+${formatG(v.im)}` : `-${formatG(-v.im)}`}j`;
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "bigint") return String(v);
  return dtype.kind === "float" ? formatG(v) : String(v);
}

/**
 * The MLX-style text of an array of `shape`: `at(i)` reads row-major element
 * i (only the printed ones are read, so a large array's text costs little).
 */
export function formatArray(shape: readonly number[], dtype: Dtype, at: (i: number) => Scalar | Complex): string {
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const walk = (d: number, offset: number): string => {
    if (d === shape.length) return scalarText(at(offset), dtype);
    const n = shape[d]!;
    const items: string[] = [];
    for (let i = 0; i < n; ++i) {
      if (i === EDGE && n > 2 * EDGE) {
        items.push("...");
        i = n - EDGE - 1;
        continue;
      }
      items.push(walk(d + 1, offset + i * strides[d]!));
    }
    const sep = d === shape.length - 1 ? ", " : ",\n" + " ".repeat("array(".length + d + 1);
    return `[${items.join(sep)}]`;
  };
  return `array(${walk(0, 0)}, dtype=${dtype.name})`;
}

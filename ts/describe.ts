// How error messages name a JS value. Error paths must never throw errors of
// their own: a Proxy whose traps throw, an object with a throwing
// `constructor` getter, Object.create(null) (no toString) or a symbol (which
// template literals refuse) would otherwise replace the tagged error the user
// should see with an untagged TypeError.

const MAX_SHOWN = 60; // characters of a string or number shown in a message

/** The class name of an object ("Array", "MxArray", "Object"), or "object" when it has none. */
export function typeName(v: object): string {
  try {
    const name = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name !== "" ? name : "object";
  } catch {
    return "object";
  }
}

/** "string x", "number 1.5", "undefined", "Array": a JS value as error messages name it. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "object") return typeName(v);
  if (typeof v === "function") return "function";
  let s: string;
  try {
    s = String(v); // symbols and bigints convert with String(), not with `${}`
  } catch {
    s = "?";
  }
  if (s.length > MAX_SHOWN) s = `${s.slice(0, MAX_SHOWN)}...`;
  return `${typeof v} ${s}`;
}

/**
 * A value as a phrase with its article, for messages about what a user's
 * function returned or was given ("an array of shape (2,3)", "a JS array of
 * length 2", "an object of type Map", "a number (5)").
 */
export function describePhrase(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === "object" && typeof (v as { disposed?: unknown }).disposed === "boolean" && "shape" in v) {
    const a = v as { disposed: boolean; shape: number[] };
    return a.disposed ? "a disposed array" : `an array of shape (${a.shape.join(",")})`;
  }
  if (Array.isArray(v)) return `a JS array of length ${v.length}`;
  if (typeof v === "object") return `an object of type ${typeName(v)}`;
  if (typeof v === "function") return "a function";
  return `a ${describe(v).replace(" ", " (")})`;
}

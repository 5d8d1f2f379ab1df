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

// numpy's .npz format: a zip archive with one .npy member per array, named
// "<key>.npy" (np.savez and np.savez_compressed; MLX's savez and
// savez_compressed write the same). Reading strips the ".npy" suffix as MLX
// does; the members may be stored or deflated.

import { MxArray } from "../array.js";
import { describe } from "../describe.js";
import { isPlainObject, setKey } from "../tree_walk.js";
import { decodeNpy, encodeNpy } from "./npy.js";
import { readZip, writeZip } from "./zip.js";

const TAG_READ = "load";

/**
 * The (name, array) pairs of savez's arguments, as MLX's savez(file, *args,
 * **kwargs): each array argument is named arr_<its position among the
 * arrays>, each plain object adds its own names; a name given twice is an error.
 */
export function namedArrays(tag: string, items: unknown[]): [string, MxArray][] {
  const out = new Map<string, MxArray>();
  const add = (name: string, a: unknown) => {
    if (!(a instanceof MxArray)) throw new Error(`[${tag}] '${name}' must be an mx.Array, got ${describe(a)}.`);
    if (out.has(name)) throw new Error(`[${tag}] The name '${name}' is given twice (an array argument at position i is named arr_i).`);
    out.set(name, a);
  };
  let position = 0;
  for (const item of items) {
    if (item instanceof MxArray) add(`arr_${position++}`, item);
    else if (isPlainObject(item)) for (const [k, v] of Object.entries(item)) add(k, v);
    else throw new Error(`[${tag}] Expected mx.Array arguments or objects of {name: mx.Array}, got ${describe(item)}.`);
  }
  return [...out];
}

/** The .npz bytes of `arrays` (each evaluated), members deflated when `compress`. */
export function encodeNpz(arrays: [string, MxArray][], compress: boolean): Uint8Array {
  return writeZip(arrays.map(([name, a]) => ({ name: `${name}.npy`, data: encodeNpy(a) })), compress);
}

/** The arrays of .npz bytes by name; "[load] ..." errors on a malformed archive or member. */
export function decodeNpz(bytes: Uint8Array): Record<string, MxArray> {
  const entries = readZip(bytes, TAG_READ);
  const arrays: Record<string, MxArray> = {};
  const made: MxArray[] = [];
  try {
    for (const { name, data } of entries) {
      const key = name.length > 4 && name.endsWith(".npy") ? name.slice(0, -4) : name;
      let a: MxArray;
      try {
        a = decodeNpy(data);
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        throw new Error(msg.startsWith(`[${TAG_READ}] `) ? `[${TAG_READ}] '${name}' in the .npz: ${msg.slice(TAG_READ.length + 3)}` : msg);
      }
      made.push(a);
      setKey(arrays, key, a);
    }
  } catch (e) {
    for (const a of made) a.dispose();
    throw e;
  }
  return arrays;
}

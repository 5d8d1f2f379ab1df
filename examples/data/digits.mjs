// Loads the UCI optical digits (1797 8x8 images, CC BY 4.0; see digits.rst)
// in Node: 64 pixel values in 0..16 then the label, one image per line.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { parseDigits, splitImages } from "./digits_rows.mjs";

export function loadDigits() {
  return parseDigits(gunzipSync(readFileSync(new URL("./digits.csv.gz", import.meta.url))).toString("utf8"));
}

/** The seeded held-out split of `splitImages` (digits_rows.mjs) over the whole set. */
export function splitDigits(options = {}) {
  return splitImages(loadDigits(), options);
}

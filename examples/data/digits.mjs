// Loads the UCI optical digits (1797 8x8 images, CC BY 4.0; see digits.rst):
// 64 pixel values in 0..16 then the label, one image per line.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";

export function loadDigits() {
  const text = gunzipSync(readFileSync(new URL("./digits.csv.gz", import.meta.url))).toString("utf8");
  const rows = text.trim().split("\n");
  const images = new Float32Array(rows.length * 64);
  const labels = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    const v = row.split(",").map(Number);
    for (let k = 0; k < 64; ++k) images[i * 64 + k] = v[k] / 16;
    labels[i] = v[64];
  });
  return { images, labels, count: rows.length };
}

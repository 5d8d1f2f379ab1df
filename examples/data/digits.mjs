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

/**
 * The digits shuffled with a seeded generator and split into a training set
 * and a held-out set of `testFraction` of the images: `{x, labels}` each, x
 * as rows of 64 pixels, labels as int32 class indices.
 */
export function splitDigits({ seed = 0, testFraction = 0.2 } = {}) {
  const { images, labels, count } = loadDigits();
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const order = Array.from({ length: count }, (_, i) => i);
  for (let i = count - 1; i > 0; --i) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.round(count * testFraction);
  const take = (indices) => {
    const x = new Float32Array(indices.length * 64);
    const y = new Int32Array(indices.length);
    indices.forEach((src, i) => {
      x.set(images.subarray(src * 64, src * 64 + 64), i * 64);
      y[i] = labels[src];
    });
    return { x, labels: y, count: indices.length };
  };
  return { train: take(order.slice(0, count - nTest)), test: take(order.slice(count - nTest)) };
}

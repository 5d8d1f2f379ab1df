// The digits' text format and the held-out split, without host APIs: Node
// (digits.mjs) and the browser (the PWA's worker) read the gzipped file each
// their own way and share this.
import { permutation, seededUniform } from "../lib/shuffle.mjs";

/**
 * Parses digits.csv's text (one image per line: 64 pixel values in 0..16,
 * then the label) into pixels scaled to 0..1 and int32 labels.
 */
export function parseDigits(text) {
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
 * The images shuffled with a seeded generator and split into a training set
 * and a held-out set of `testFraction` of the images: `{x, labels}` each, x
 * as rows of 64 pixels, labels as int32 class indices.
 */
export function splitImages({ images, labels, count }, { seed = 0, testFraction = 0.2 } = {}) {
  const order = permutation(count, seededUniform(seed));
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

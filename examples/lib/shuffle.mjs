// Seeded shuffles done in plain JS, shared by the Node examples and the PWA
// (no host APIs: the browser imports this file as it is).

/** A seeded uniform generator in [0, 1) (mulberry32), for shuffles done in JS. */
export function seededUniform(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A seeded Fisher-Yates permutation of 0..n-1. */
export function permutation(n, uniform) {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; --i) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

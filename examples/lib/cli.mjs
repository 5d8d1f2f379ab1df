// Command-line handling shared by the examples: which wasm build to load and
// how long to run. `--single-thread` loads the single-thread build,
// `--threads N` the threaded one with N threads (default: the host's choice);
// `--quick` asks for a short run (the tests use it).
import * as mx from "webmx";

export const argv = process.argv.slice(2);
export const quick = argv.includes("--quick");

/** The number after `--name`, or `fallback` when the flag is absent. */
export function numberArg(name, fallback) {
  const at = argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isFinite(value)) throw new Error(`--${name} expects a number, got ${argv[at + 1]}`);
  return value;
}

/** Loads the build the flags ask for and says which one it is. */
export async function start() {
  const threads = argv.includes("--single-thread") ? false : numberArg("threads", "auto");
  await mx.init({ threads });
  const info = mx.backendInfo();
  console.log(`webmx: ${info.variant === "mt" ? `threaded build, ${info.threads} threads` : "single-thread build"}`);
}

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

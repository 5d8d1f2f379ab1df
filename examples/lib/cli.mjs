// Command-line handling shared by the examples: which wasm build to load and
// how long to run. `--single-thread` loads the single-thread build,
// `--threads N` the threaded one with N threads (default: the host's choice);
// `--quick` asks for a short run (the tests use it).
import * as mx from "webmx";

export { permutation, seededUniform } from "./shuffle.mjs";

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

// The junk-argument fuzzer (test/fuzz/fuzz.ts). `make test` runs a short,
// deterministic run per build (seed 1); `make fuzz` a long one with a new seed
// (WEBMX_FUZZ_ITERATIONS, WEBMX_FUZZ_SEED; FUZZ_ITERATIONS/FUZZ_SEED in make).
// A finding prints the seed, the iteration and the call: rerun with that seed
// to reproduce it, then turn it into a row of bad_args.test.ts.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { fuzz, targets } from "./fuzz/fuzz.js";

const SEED = Number(process.env.WEBMX_FUZZ_SEED ?? 1);
const ITERATIONS = Number(process.env.WEBMX_FUZZ_ITERATIONS ?? 4000);
const M = mx as any;

describe("fuzz", () => {
  it("targets every export (namespaces included) and every mx.Array member", () => {
    const names = new Set(targets(mx).map((t) => t.name));
    for (const [k, v] of Object.entries(mx)) if (typeof v === "function") expect(names.has(k)).toBe(true);
    for (const ns of ["random", "fast", "tree", "linalg"]) for (const k of Object.keys(M[ns])) if (typeof M[ns][k] === "function") expect(names.has(`${ns}.${k}`)).toBe(true);
    for (const k of Object.getOwnPropertyNames(mx.Array.prototype)) if (k !== "constructor") expect(names.has(`Array#${k}`)).toBe(true);
  });

  it("finds planted bugs: an untagged TypeError, a stack overflow and a leak", async () => {
    // The module with three bugs of the kinds issue 19 listed.
    const buggy = {
      ...M,
      tidy: (fn: () => unknown) => fn(), // TypeError: fn is not a function
      tree: {
        ...M.tree,
        leaves: (t: unknown): unknown[] => (Array.isArray(t) ? t.flatMap((c) => buggy.tree.leaves(c)) : [t]), // recursion
        flatten: (t: unknown) => (mx.ones([1]), M.tree.flatten(t)), // leaks one array per call
      },
    };
    const { findings } = await fuzz(buggy, { seed: 7, iterations: 600, only: /^(tidy|tree\.leaves|tree\.flatten)$/ });
    const problems = findings.map((f) => f.problem).join("\n");
    expect(problems).toMatch(/threw TypeError: fn is not a function/);
    expect(problems).toMatch(/threw RangeError: Maximum call stack size exceeded/);
    expect(problems).toMatch(/leaked 1 array/);
  });

  it(`${ITERATIONS} junk calls, seed ${SEED}: each returns or throws a tagged error, leaks nothing, and the module still computes`, async () => {
    const { findings, stats } = await fuzz(mx, { seed: SEED, iterations: ITERATIONS });
    expect(findings.map((f) => `${f.problem}\n    from ${f.call.slice(0, 400)} [seed ${SEED}, iteration ${f.iteration}]`)).toEqual([]);
    // The junk gets past the argument checks often enough to reach the core.
    expect(stats.returned).toBeGreaterThan(stats.calls * 0.3);
    expect(stats.tagged).toBeGreaterThan(stats.calls * 0.1);
  }, 60_000 + ITERATIONS * 20);
});

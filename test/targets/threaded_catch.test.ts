// The threaded build shares one exception landing-pad context between threads
// (see the Makefile's MT_EH_FIX note): only typed catch clauses use it, so
// every catch in the core, whose code runs on pool and async-eval threads,
// must be a lone `catch (...)`. Typed catches belong in wasm/, which runs on
// the thread that calls the module.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const core = fileURLToPath(new URL("../../core", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "tests" ? [] : sources(path);
    return /\.(cpp|h)$/.test(name) ? [path] : [];
  });
}

describe("threaded build", () => {
  it("the core catches only with catch (...)", () => {
    const files = sources(core);
    expect(files.length).toBeGreaterThan(20);
    const typed: string[] = [];
    let lone = 0;
    for (const f of files)
      readFileSync(f, "utf8")
        .split("\n")
        .forEach((line, i) => {
          for (const m of line.matchAll(/\bcatch\s*\(([^)]*)\)/g)) {
            if (m[1]!.trim() === "...") lone++;
            else typed.push(`${f}:${i + 1}: ${line.trim()}`);
          }
        });
    expect(typed).toEqual([]);
    expect(lone).toBeGreaterThan(0); // the scan sees the catches that are there
  });
});

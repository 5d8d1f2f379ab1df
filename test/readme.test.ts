// Runs the README's usage example verbatim in a fresh Node process, importing
// the package by name, and checks every `console.log(...); // value` line.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function usageExample(): string {
  const readme = readFileSync(`${root}/README.md`, "utf8");
  const section = readme.slice(readme.indexOf("## Usage"));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("README.md has no ```js block under ## Usage");
  return m[1]!;
}

describe("README", () => {
  it("usage example runs verbatim and prints what its comments say", () => {
    const code = usageExample();
    const expected = [...code.matchAll(/console\.log\(.*\);\s*\/\/\s*(.+)$/gm)].map((m) => m[1]!.trim());
    expect(expected.length).toBeGreaterThan(0);
    mkdirSync(`${root}/build`, { recursive: true });
    const file = `${root}/build/readme-example.mjs`; // inside the package, so `import "webmx"` resolves to it
    writeFileSync(file, code);
    const out = execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
    expect(out.trim().split("\n")).toEqual(expected);
  });
});

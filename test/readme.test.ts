// Runs the README's usage examples (the programs under ## Usage) verbatim,
// each in a fresh Node process importing the package by name, and checks
// every `console.log(...); // value` line.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function usageExamples(): string[] {
  const readme = readFileSync(`${root}/README.md`, "utf8");
  const section = readme.slice(readme.indexOf("## Usage"));
  const usage = section.slice(0, section.indexOf("\n## ", 1));
  // The blocks that are whole programs (those importing the package).
  const blocks = [...usage.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => b.startsWith('import * as mx from "webmx";'));
  if (blocks.length === 0) throw new Error("README.md has no ```js program under ## Usage");
  return blocks;
}

describe("README", () => {
  const examples = usageExamples();
  it("has the core example and the nn + optimizer example", () => {
    expect(examples.length).toBe(2);
    expect(examples[1]).toContain("nn.valueAndGrad");
  });
  examples.forEach((code, i) => {
    it(`usage example ${i + 1} runs verbatim and prints what its comments say`, () => {
      const expected = [...code.matchAll(/console\.log\(.*\);\s*\/\/\s*(.+)$/gm)].map((m) => m[1]!.trim());
      expect(expected.length).toBeGreaterThan(0);
      mkdirSync(`${root}/build`, { recursive: true });
      const file = `${root}/build/readme-example-${i + 1}.mjs`; // inside the package, so `import "webmx"` resolves to it
      writeFileSync(file, code);
      const out = execFileSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
      expect(out.trim().split("\n")).toEqual(expected);
    });
  });
});

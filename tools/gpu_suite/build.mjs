// Builds a vitest-free copy of the GPU suites (test/gpu/*.ts) for a machine
// that has only node, Dawn's binding and dist/ (the H100 machine, see
// ../../README.md "WebGPU"): each suite is transpiled to JS, `vitest` points at
// vitest_shim.mjs and `webmx` at dist/node.js. Usage: node tools/gpu_suite/build.mjs OUTDIR
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const out = process.argv[2] ?? ".gpu/suite";
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
fs.mkdirSync(out, { recursive: true });
const distNode = path.relative(path.resolve(out), path.join(root, "dist/node.js")).replaceAll(path.sep, "/");
const suites = [];
for (const f of fs.readdirSync(path.join(root, "test/gpu"))) {
  if (!f.endsWith(".ts")) continue;
  const src = fs.readFileSync(path.join(root, "test/gpu", f), "utf8");
  let js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  js = js.replaceAll(`from "vitest"`, `from "./vitest_shim.mjs"`).replaceAll(`from "webmx"`, `from "${distNode}"`)
    .replaceAll(`from "./setup.js"`, `from "./setup.mjs"`);
  const name = f.replace(/\.ts$/, ".mjs");
  fs.writeFileSync(path.join(out, name), js);
  if (f.endsWith(".test.ts")) suites.push(name);
}
fs.copyFileSync(path.join(root, "tools/gpu_suite/vitest_shim.mjs"), path.join(out, "vitest_shim.mjs"));
fs.writeFileSync(path.join(out, "run.mjs"), `// Runs the GPU suites without vitest; exits 1 when one fails.
import { run } from "./vitest_shim.mjs";
import { mx } from "./setup.mjs";
console.log("webmx GPU suites on", JSON.stringify(mx.backendInfo()));
${suites.map((s) => `await import("./${s}");`).join("\n")}
process.exitCode = (await run()) ? 1 : 0;
`);
console.log(`gpu suites (${suites.length}) written to ${out}`);

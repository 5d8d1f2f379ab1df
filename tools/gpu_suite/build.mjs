// Builds a vitest-free copy of the GPU suites (test/gpu/*.ts) for a machine
// that has only node, Dawn's binding and dist/ (the H100 machine, see
// ../../README.md "WebGPU"): each suite, and the shared test helpers in
// test/*.ts that suites import (the ops sweep's rows), is transpiled to JS
// in the same layout (OUTDIR/gpu/*.js, OUTDIR/*.js), with `vitest` pointing
// at vitest_shim.mjs and `webmx` at dist/node.js.
// Usage: node tools/gpu_suite/build.mjs OUTDIR
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";

const out = path.resolve(process.argv[2] ?? ".gpu/suite");
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, "gpu"), { recursive: true });
fs.writeFileSync(path.join(out, "package.json"), `{"type": "module"}\n`);
fs.copyFileSync(path.join(root, "tools/gpu_suite/vitest_shim.mjs"), path.join(out, "vitest_shim.mjs"));

const rel = (fromDir, to) => {
  const r = path.relative(fromDir, to).replaceAll(path.sep, "/");
  return r.startsWith(".") ? r : `./${r}`;
};

/** Transpiles test/<sub>/<file>.ts to OUTDIR/<sub>/<file>.js. */
function emit(sub, file) {
  const src = fs.readFileSync(path.join(root, "test", sub, file), "utf8");
  const dir = path.join(out, sub);
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText
    .replaceAll(`from "vitest"`, `from "${rel(dir, path.join(out, "vitest_shim.mjs"))}"`)
    .replaceAll(`from "webmx"`, `from "${rel(dir, path.join(root, "dist/node.js"))}"`);
  fs.writeFileSync(path.join(dir, file.replace(/\.ts$/, ".js")), js);
}

const suites = [];
for (const f of fs.readdirSync(path.join(root, "test/gpu"))) {
  if (!f.endsWith(".ts")) continue;
  emit("gpu", f);
  if (f.endsWith(".test.ts")) suites.push(f.replace(/\.ts$/, ".js"));
}
// The helpers (not the suites) of test/: what GPU suites may import.
for (const f of fs.readdirSync(path.join(root, "test")))
  if (f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts")) emit("", f);

// One process per suite, as vitest runs them: a suite's dropped arrays (which
// the GC frees at some later point) must not move another suite's memory counters.
fs.writeFileSync(path.join(out, "suite.mjs"), `// Runs one GPU suite (argv[2]) without vitest; exits 1 when a test fails.
// (suites open the GPU themselves: setup.js, or their own device)
import { run } from "./vitest_shim.mjs";
await import(\`./gpu/\${process.argv[2]}\`);
process.exitCode = (await run()) ? 1 : 0;
`);
fs.writeFileSync(path.join(out, "run.mjs"), `// Runs every GPU suite, each in its own process; exits 1 when one fails.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
const { mx } = await import("./gpu/setup.js");
console.log("webmx GPU suites on", JSON.stringify(mx.backendInfo().gpuAdapter));
const suites = ${JSON.stringify(suites)};
let failed = 0;
const t0 = performance.now();
for (const s of suites) {
  console.log(\`-- \${s}\`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL("./suite.mjs", import.meta.url)), s], { stdio: "inherit" });
  if (r.status !== 0) failed++;
}
console.log(\`\${suites.length - failed} of \${suites.length} suites passed (\${((performance.now() - t0) / 1000).toFixed(1)} s)\`);
process.exit(failed ? 1 : 0);
`);
console.log(`gpu suites (${suites.length}) written to ${out}`);

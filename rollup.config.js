// Bundles the tsc output (build/tsc) into dist/{node,browser,workers}.js and
// copies the emscripten outputs next to them (web-mt as tools/pthread_worker.mjs left it):
//
//   dist/st/webmx-st.{mjs,wasm}
//   dist/web-mt/webmx-mt.{mjs,wasm,pthread.js,pthread-source.js}  (tools/pthread_worker.mjs)
//   dist/node-mt/webmx-mt.{mjs,worker.js} + package.json {"type":"commonjs"}
//   dist/types/**.d.ts
//   dist/require.cjs (ts/entry/require.cjs: the "require" condition's entry)
//
// The glue is never bundled or renamed: each glue hard-codes its own .wasm and
// worker names and the worker hard-codes the glue's. Loaders reach it through
// literal relative specifiers ("./st/webmx-st.mjs", "./st/webmx-st.wasm"), which
// are written relative to dist/ and kept external, verbatim. Every chunk stays in
// dist/ itself so those paths and new URL(..., import.meta.url) resolve.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

const BUILD_WASM = "build/wasm";
const BUILD_TSC = "build/tsc";
const GLUE_DIRS = ["st", "web-mt", "node-mt"];
const EXTERNAL = /^\.\/(?:st|web-mt|node-mt)\/webmx-[\w.-]+\.(?:mjs|wasm|js)$/;

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** Keeps "./st/webmx-st.mjs" & co. external and byte-for-byte as written. */
function externalGlue() {
  return {
    name: "webmx-external-glue",
    resolveId(source) {
      if (EXTERNAL.test(source)) return { id: source, external: "absolute" };
      return null;
    },
  };
}

/** Emits the emscripten outputs and the declaration files as assets. */
function copyAssets() {
  return {
    name: "webmx-copy-assets",
    buildStart() {
      for (const d of GLUE_DIRS) {
        for (const file of walk(join(BUILD_WASM, d))) this.addWatchFile(file);
      }
      this.addWatchFile("ts/entry/require.cjs");
    },
    generateBundle() {
      for (const d of GLUE_DIRS) {
        for (const file of walk(join(BUILD_WASM, d))) {
          const name = relative(BUILD_WASM, file).split(sep).join("/");
          if (name.split("/").pop().startsWith(".")) continue; // build stamps
          this.emitFile({ type: "asset", fileName: name, source: readFileSync(file) });
        }
      }
      this.emitFile({ type: "asset", fileName: "require.cjs", source: readFileSync("ts/entry/require.cjs") });
      for (const file of walk(BUILD_TSC)) {
        if (!file.endsWith(".d.ts")) continue;
        const name = "types/" + relative(BUILD_TSC, file).split(sep).join("/");
        this.emitFile({ type: "asset", fileName: name, source: readFileSync(file) });
      }
    },
  };
}

export default {
  input: {
    node: `${BUILD_TSC}/entry/node.js`,
    browser: `${BUILD_TSC}/entry/browser.js`,
    workers: `${BUILD_TSC}/entry/workers.js`,
  },
  external: [/^node:/],
  preserveEntrySignatures: "strict",
  plugins: [externalGlue(), copyAssets()],
  output: {
    dir: "dist",
    format: "es",
    entryFileNames: "[name].js",
    chunkFileNames: "webmx-[hash].js",
    generatedCode: "es2015",
  },
  onwarn(warning, warn) {
    if (warning.code === "CIRCULAR_DEPENDENCY") return;
    warn(warning);
  },
};

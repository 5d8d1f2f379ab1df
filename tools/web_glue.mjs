#!/usr/bin/env node
// Post-link step for the two web glues (build/wasm/st, build/wasm/web-mt), run
// by the Makefile right after em++.
//
// emscripten 3.1.6 opens an ES-module glue with `var _scriptDir =
// import.meta.url;`. webpack 5 compiles a bare import.meta.url to the module's
// file:// URL on the build machine, so every app bundle would carry its
// developer's local path. _scriptDir only seeds the default locateFile's
// directory, and webmx's loaders never rely on it (the browser and Workers
// loaders pass Module.locateFile, and every loader hands the glue a compiled
// module), so the glue starts from no directory instead. The glue's
// `new URL("webmx-*.wasm", import.meta.url)` stays: bundlers emit the file.
//
// Usage: node tools/web_glue.mjs <glue.mjs>   (rewrites it in place)

import { readFileSync, writeFileSync } from "node:fs";

const gluePath = process.argv[2];
if (!gluePath) {
  console.error("usage: node tools/web_glue.mjs <glue.mjs>");
  process.exit(2);
}
const glue = readFileSync(gluePath, "utf8");
const pattern = /var _scriptDir = import\.meta\.url;/g;
const found = glue.match(pattern)?.length ?? 0;
if (found !== 1) {
  console.error(`web_glue: expected one "var _scriptDir = import.meta.url;" in ${gluePath}, found ${found}`);
  process.exit(1);
}
writeFileSync(gluePath, glue.replace(pattern, "var _scriptDir = undefined;"));

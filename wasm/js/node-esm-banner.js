// --extern-pre-js for the Node threaded glue (build/wasm/node-mt/webmx-mt.mjs).
// emscripten 3.1.6 emits CommonJS-style Node code (require, __dirname, __filename)
// even in ES-module output; give it module-scoped equivalents.
// `Worker` is bound here too, so the glue's `new Worker(...)` resolves to this
// binding and node-mt-pre.js/pthread-post.js can undo the glue's
// `global.Worker = ...` assignment (a global Worker in Node misleads host detection).
import { createRequire as __wmxCreateRequire } from "node:module";
import { fileURLToPath as __wmxFileURLToPath } from "node:url";
import { dirname as __wmxDirname } from "node:path";
const require = __wmxCreateRequire(import.meta.url);
const __filename = __wmxFileURLToPath(import.meta.url);
const __dirname = __wmxDirname(__filename);
const Worker = require("node:worker_threads").Worker;

// --pre-js for the web threaded glue (build/wasm/web-mt/webmx-mt.mjs).
// Pool workers load the glue by URL. Point them at this very file (import.meta.url,
// captured by emscripten as _scriptDir) so they still find it after a bundler has
// renamed or hashed the chunk.
if (!Module["mainScriptUrlOrBlob"] && typeof _scriptDir == "string") {
  Module["mainScriptUrlOrBlob"] = _scriptDir;
}

// The package's CommonJS entry (the "require" condition under "node").
// webmx is an ES module. Node 20.19+ and 22.12+ can require() one, so this
// hands back the ES entry itself (same module instance as `import`). Older
// Node (20.0-20.18, 21, 22.0-22.11) cannot; its own error would only name a
// file inside the package, so say what to do instead.
"use strict";

try {
  module.exports = require("./node.js");
} catch (e) {
  const code = e && e.code;
  if (code !== "ERR_REQUIRE_ESM" && code !== "ERR_REQUIRE_ASYNC_MODULE") throw e;
  const err = new Error(
    `[webmx] webmx is an ES module and this Node (${process.version}) cannot require() it. ` +
      'Load it with `import * as mx from "webmx"` (in an .mjs file or a "type": "module" package), ' +
      'or from CommonJS with `const mx = await import("webmx")`; or use Node 20.19+ / 22.12+, ' +
      "whose require() loads ES modules.",
  );
  err.code = "ERR_WEBMX_REQUIRE_ESM";
  err.cause = e;
  throw err;
}

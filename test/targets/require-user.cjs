// A CommonJS user of the package, run by require_entry.test.ts. `require("webmx")`
// resolves through the package's own exports (a package may name itself), so
// this takes the "node" -> "require" entry exactly as an installed copy would.
"use strict";
const mx = require("webmx");
mx.init({ threads: false }).then(() => {
  process.stdout.write(JSON.stringify(mx.array([1, 2, 3]).add(10).tolist()));
});

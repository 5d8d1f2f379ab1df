// The package's CommonJS entry (dist/require.cjs, the "require" condition):
// a Node that can require() ES modules gets the ES entry itself; one that
// cannot (Node 20.0-20.18, played here by --no-experimental-require-module,
// which restores their behaviour on 20.19+) gets an error saying to use import.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const user = fileURLToPath(new URL("./require-user.cjs", import.meta.url));

function runUser(flags: string[]) {
  return spawnSync(process.execPath, [...flags, user], { cwd: root, encoding: "utf8", timeout: 30_000 });
}

describe("require('webmx')", () => {
  it("package.json routes require under node to dist/require.cjs, import to dist/node.js", () => {
    const pkg = JSON.parse(readFileSync(`${root}/package.json`, "utf8"));
    expect(pkg.exports["."].node).toEqual({
      import: "./dist/node.js",
      require: "./dist/require.cjs",
      default: "./dist/node.js",
    });
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(`${root}/LICENSE`, "utf8")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the webmx authors\n/);
  });

  it("loads the ES entry where Node can require() ES modules", () => {
    const r = runUser([]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([11, 12, 13]);
  });

  it("says to use import where it cannot", () => {
    const r = runUser(["--no-experimental-require-module"]);
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("[webmx] webmx is an ES module and this Node");
    expect(r.stderr).toContain('const mx = await import("webmx")');
    expect(r.stderr).toContain("code: 'ERR_WEBMX_REQUIRE_ESM'");
  });
});

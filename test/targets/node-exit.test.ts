// A Node script that uses the threaded build must exit by itself: the pthread
// pool workers are unref'd by the loader, so nothing has to be called at the end.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const distNode = fileURLToPath(new URL("../../dist/node.js", import.meta.url));

function runNode(code: string, timeoutMs = 30_000) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; timedOut: boolean; ms: number }>(
    (resolve, reject) => {
      const t0 = Date.now();
      const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill("SIGKILL");
      }, timeoutMs);
      child.on("error", reject);
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr, timedOut, ms: Date.now() - t0 });
      });
    },
  );
}

describe("Node process exit", () => {
  it("dist/node.js is built", () => {
    expect(existsSync(distNode)).toBe(true);
  });

  for (const threads of [2, false] as const) {
    it(`exits by itself after using the ${threads ? "threaded" : "single-thread"} build`, async () => {
      const script = `
        import * as mx from ${JSON.stringify(pathToFileURL(distNode).href)};
        await mx.init({ threads: ${JSON.stringify(threads)} });
        const a = mx.array([1, 2, 3]);
        const b = mx.array([10, 20, 30]);
        const c = mx.add(a, b).sum();
        mx.eval(c);
        console.log(JSON.stringify({ value: c.item(), threads: mx.backendInfo().threads }));
      `;
      const r = await runNode(script);
      expect(r.timedOut, `process did not exit within 30 s; stderr:\n${r.stderr}`).toBe(false);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
      expect(out.value).toBe(66);
      expect(out.threads).toBe(threads === false ? 1 : threads);
    });
  }
});

// examples/workers-inference as a user deploys it: bundled by wrangler (as
// `wrangler deploy` would upload it, "webmx" resolved through the package's
// workerd export condition), then served by workerd through Miniflare on
// 127.0.0.1 and asked over real HTTP. Its predictions are checked against the
// Node build running the same weights, its refusals against the documented
// errors, and it reports its latency over 1000 requests (printed, not asserted).
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as mx from "webmx";
// @ts-ignore -- plain JS helper shared with the demo
import { splitDigits } from "../../examples/data/digits.mjs";

const root = fileURLToPath(new URL("../../", import.meta.url));
const exampleDir = join(root, "examples/workers-inference");
const weightsFile = join(root, "examples/weights/digits_mlp.safetensors");
const REQUEST_TIMEOUT_MS = 10_000;

/** The weights `make demo` writes; trained here (single-thread build, ~20 s) when absent. */
function ensureWeights(): void {
  if (existsSync(weightsFile)) return;
  // written next to it, then renamed: never a half-written file at the path the Worker bundles
  const partial = weightsFile.replace(/\.safetensors$/, `.partial-${process.pid}.safetensors`);
  try {
    execFileSync(process.execPath, ["examples/demo.mjs", "--single-thread", "--out", partial], {
      cwd: root,
      stdio: "pipe",
      timeout: 120_000,
    });
    renameSync(partial, weightsFile);
  } finally {
    rmSync(partial, { force: true });
  }
}

/** `wrangler deploy --dry-run`: the upload bundle (index.js plus the .wasm and weights modules). */
function bundle(outDir: string): void {
  execFileSync(process.execPath, [join(root, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--outdir", outDir], {
    cwd: exampleDir,
    stdio: "pipe",
    timeout: 60_000,
    // no banner: it is also what asks the npm registry for a newer wrangler
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", WRANGLER_LOG_PATH: outDir, NO_COLOR: "1" },
  });
}

/** The held-out digits as the raw 0..16 pixel values a client sends. */
const heldOut = (() => {
  const { test } = splitDigits() as { test: { x: Float32Array; labels: Int32Array; count: number } };
  return Array.from({ length: test.count }, (_, i) => ({
    pixels: Array.from(test.x.subarray(i * 64, i * 64 + 64), (v) => Math.round(v * 16)),
    label: test.labels[i]!,
  }));
})();

let mf: Miniflare;
let url: string;
let workDir: string;
/** The Node build's probabilities for each held-out image (same weights, same scaling). */
let reference: Float32Array[];

beforeAll(async () => {
  ensureWeights();
  workDir = mkdtempSync(join(tmpdir(), "webmx-workers-inference-"));
  const outDir = join(workDir, "bundle");
  bundle(outDir);
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(exampleDir, "wrangler.toml"), "utf8"))![1]!;
  mf = new Miniflare({
    modules: true,
    scriptPath: join(outDir, "index.js"),
    modulesRoot: outDir,
    // what wrangler uploads them as: its default rule for .wasm, wrangler.toml's for the weights
    modulesRules: [
      { type: "CompiledWasm", include: ["**/*.wasm"] },
      { type: "Data", include: ["**/*.safetensors"] },
    ],
    compatibilityDate,
    host: "127.0.0.1",
    port: 0,
  });
  url = (await mf.ready).toString().replace(/\/$/, "");

  await mx.init({ threads: false });
  const model = new mx.nn.Sequential(new mx.nn.Linear(64, 128), mx.nn.relu, new mx.nn.Linear(128, 10));
  model.loadWeights(readFileSync(weightsFile), { strict: true });
  reference = mx.tidy(() => {
    const x = mx.divide(mx.array(Float32Array.from(heldOut.flatMap((d) => d.pixels))).reshape(-1, 64), 16);
    const probs = mx.softmax(model.forward(x), -1).dataSync() as Float32Array;
    return heldOut.map((_, i) => probs.slice(i * 10, i * 10 + 10));
  });
}, 180_000);

afterAll(async () => {
  await mf?.dispose();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** POST /predict; `body` is sent as JSON unless it is already text, bytes or a stream. */
function post(body: unknown, init: RequestInit = {}): Promise<Response> {
  const raw = typeof body === "string" || body instanceof Uint8Array || body instanceof ReadableStream;
  return fetch(`${url}/predict`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: raw ? (body as BodyInit) : JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    ...init,
  });
}

type Prediction = { label: number; probabilities: number[] };

function expectMatchesNode(p: Prediction, i: number): void {
  expect(p.probabilities).toHaveLength(10);
  const worst = Math.max(...p.probabilities.map((v, k) => Math.abs(v - reference[i]![k]!)));
  expect(worst, `held-out image ${i}: largest difference from the Node build's probabilities`).toBeLessThan(1e-5);
  expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  expect(p.label).toBe(p.probabilities.indexOf(Math.max(...p.probabilities)));
}

describe("examples/workers-inference in workerd (Miniflare, real HTTP on 127.0.0.1)", () => {
  it("answers one image with the Node build's probabilities and their argmax", async () => {
    for (const i of [0, 1, 2]) {
      const res = await post({ pixels: heldOut[i]!.pixels });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
      expectMatchesNode((await res.json()) as Prediction, i);
    }
  });

  it("answers batches (the whole held-out set, 64 at a time) and classifies it as trained", async () => {
    let correct = 0;
    for (let start = 0; start < heldOut.length; start += 64) {
      const batch = heldOut.slice(start, start + 64);
      const res = await post({ pixels: batch.map((d) => d.pixels) });
      expect(res.status).toBe(200);
      const { predictions } = (await res.json()) as { predictions: Prediction[] };
      expect(predictions).toHaveLength(batch.length);
      predictions.forEach((p, j) => {
        expectMatchesNode(p, start + j);
        if (p.label === batch[j]!.label) ++correct;
      });
    }
    // make demo stops below 97% held-out accuracy; the Worker must agree
    expect(correct / heldOut.length).toBeGreaterThanOrEqual(0.97);
  });

  it("takes fractional pixel values (a client's own scaling to 0..16)", async () => {
    const pixels = heldOut[0]!.pixels.map((v) => v * 0.999);
    const res = await post({ pixels });
    expect(res.status).toBe(200);
    const p = (await res.json()) as Prediction;
    expect(p.label).toBe(((await (await post({ pixels: heldOut[0]!.pixels })).json()) as Prediction).label);
  });

  const row = heldOut[0]!.pixels;
  const withValue = (v: unknown) => `{"pixels":[${[v, ...row.slice(1)].map(String).join(",")}]}`;
  it.each([
    ["not JSON", "{pixels: [1, 2", /^\[predict\] the body is not JSON/],
    ["an empty body", "", /^\[predict\] the body (is empty|is not JSON)/],
    ["a JSON array body", [row], /^\[predict\] the body must be a JSON object \{"pixels": \[\.\.\.\]\}/],
    ["no pixels", {}, /^\[predict\] "pixels" must be an array/],
    ["an unknown field", { pixels: row, image: row }, /^\[predict\] unknown field "image"/],
    ["pixels as a string", { pixels: "0,1,2" }, /^\[predict\] "pixels" must be an array/],
    ["too few pixels", { pixels: row.slice(0, 63) }, /^\[predict\] pixels must have 64 values \(8x8 pixels\), got 63$/],
    ["too many pixels", { pixels: [...row, 0] }, /^\[predict\] pixels must have 64 values \(8x8 pixels\), got 65$/],
    ["no pixels at all", { pixels: [] }, /^\[predict\] pixels must have 64 values \(8x8 pixels\), got 0$/],
    ["a string pixel", { pixels: ["3", ...row.slice(1)] }, /^\[predict\] pixels\[0\] is "3"; pixels are numbers in \[0, 16\]$/],
    ["NaN as JSON.stringify sends it (null)", { pixels: [NaN, ...row.slice(1)] }, /^\[predict\] pixels\[0\] is null;/],
    ["a literal NaN (not JSON)", withValue("NaN"), /^\[predict\] the body is not JSON/],
    ["an overflowing number", withValue("1e999"), /^\[predict\] pixels\[0\] is Infinity;/],
    ["a negative pixel", { pixels: [-1, ...row.slice(1)] }, /^\[predict\] pixels\[0\] is -1;/],
    ["a pixel above 16", { pixels: [...row.slice(1), 17] }, /^\[predict\] pixels\[63\] is 17;/],
    ["a nested row in one image", { pixels: [...row.slice(1), [1]] }, /^\[predict\] pixels\[63\] is an array;/],
    ["a batch with a short row", { pixels: [row, row.slice(1)] }, /^\[predict\] pixels\[1\] must have 64 values \(8x8 pixels\), got 63$/],
    ["a batch with a number for a row", { pixels: [row, 5] }, /^\[predict\] pixels\[1\] must be an array of 64 numbers/],
    ["a batch with a bad value", { pixels: [row, [...row.slice(1), true]] }, /^\[predict\] pixels\[1\]\[63\] is true;/],
    ["too large a batch", { pixels: Array(65).fill(row) }, /^\[predict\] a batch holds at most 64 images, got 65$/],
    ["arrays nested 40000 deep", `{"pixels":${"[".repeat(40_000)}${"]".repeat(40_000)}}`, /^\[predict\] pixels\[0\] must have 64 values \(8x8 pixels\), got 1$/],
  ])("refuses %s with 400 and a JSON error", async (_what, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(message);
  });

  it("refuses a body that is not UTF-8 with 400", async () => {
    const res = await post(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe("[predict] the body is not UTF-8 text");
  });

  it("refuses a body over 128 KiB with 413, declared or streamed without a length", async () => {
    const big = JSON.stringify({ pixels: row, padding: " ".repeat(200 * 1024) });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toBe("[predict] the body is larger than 131072 bytes");

    const chunk = new TextEncoder().encode(" ".repeat(16 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 20) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await post(stream, { duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it("answers 405 (Allow: POST) for another method and 404 for another path", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await fetch(`${url}/predict`, { method, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
      expect(((await res.json()) as { error: string }).error).toBe(`[route] /predict takes POST, got ${method}`);
    }
    for (const path of ["/", "/predict/", "/predictions"]) {
      const res = await post({ pixels: row });
      expect(res.status).toBe(200); // the service is still up between refusals
      const missing = await fetch(`${url}${path}`, { method: "POST", body: "{}", signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: string }).error).toBe(`[route] no endpoint ${path}; use POST /predict`);
    }
  });

  it("answers 64 concurrent requests, each with its own image's prediction", async () => {
    const answers = await Promise.all(heldOut.slice(0, 64).map(async (d) => (await post({ pixels: d.pixels })).json()));
    answers.forEach((p, i) => expectMatchesNode(p as Prediction, i));
  });

  it("reports p50/p99 latency over 1000 single-image requests, each answered correctly", async () => {
    const times: number[] = [];
    for (let n = 0; n < 1000; ++n) {
      const i = n % heldOut.length;
      const t0 = performance.now();
      const res = await post({ pixels: heldOut[i]!.pixels });
      const p = (await res.json()) as Prediction;
      times.push(performance.now() - t0);
      expect(res.status).toBe(200);
      expect(p.label).toBe(reference[i]!.indexOf(Math.max(...reference[i]!)));
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(2);
    console.log(`workers-inference latency over ${times.length} sequential requests (127.0.0.1, workerd via Miniflare): ` +
      `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms`);
  });
});

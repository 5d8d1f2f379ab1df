// Runs each program in examples/ briefly (their --quick or small settings) in
// a child Node process on the build this run targets, and checks what it
// reports: losses that fall, accuracies over thresholds, text sampled from
// the language model. The files examples write (per-example gradients, the
// demo's safetensors) are checked here against values computed independently:
// a loop of single-example gradients, a fresh model's accuracy.
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { mx, THREADS } from "./setup.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const buildFlags = THREADS > 1 ? ["--threads", String(THREADS)] : ["--single-thread"];
const nn = mx.nn;

/** stdout of `node examples/<name> ...args`, after checking it loaded this run's build. */
function run(name: string, ...args: string[]): string {
  const out = execFileSync(process.execPath, [join(root, "examples", name), ...buildFlags, ...args], {
    cwd: root,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, WEBMX_DISABLE_COMPILE: "" },
  });
  expect(out.split("\n")[0]).toBe(THREADS > 1 ? `webmx: threaded build, ${THREADS} threads` : "webmx: single-thread build");
  return out;
}

/** The numbers that `pattern`'s groups capture, for every line it matches. */
function numbers(out: string, pattern: RegExp): number[][] {
  const rows = [...out.matchAll(new RegExp(pattern.source, "gm"))].map((m) => m.slice(1).map(Number));
  expect(rows.length, `no line matches ${pattern}`).toBeGreaterThan(0);
  return rows;
}

/** The digits' held-out split, as examples/data/digits.mjs makes it (a plain .mjs module, so imported untyped). */
async function heldOutDigits(): Promise<{ x: Float32Array; labels: Int32Array; count: number }> {
  const url = new URL("../examples/data/digits.mjs", import.meta.url).href;
  const digits: any = await import(url);
  return digits.splitDigits().test;
}

describe("examples", () => {
  it("linear_regression: gradient descent recovers w* to within the noise", () => {
    const out = run("linear_regression.mjs", "--quick");
    const [[loss0, err0], [loss1, err1]] = numbers(out, /loss ([\d.]+), \|w-w\*\| = ([\d.]+)$/);
    // Start: w near 0, so |w - w*| is about |w*| ~ sqrt(100) = 10.
    expect(err0).toBeGreaterThan(5);
    expect(loss0).toBeGreaterThan(10);
    // The targets carry noise of std 1e-2: the best loss is about 0.5e-4.
    expect(loss1).toBeLessThan(1e-3);
    expect(err1).toBeLessThan(0.05);
  });

  it("logistic_regression: separates the two classes", () => {
    const out = run("logistic_regression.mjs", "--quick");
    const [[loss0, acc0], [loss1, acc1]] = numbers(out, /loss ([\d.]+), accuracy ([\d.]+)$/);
    expect(loss0).toBeCloseTo(Math.log(2), 1); // w near 0: every probability near 1/2
    expect(acc0).toBeLessThan(0.7);
    expect(loss1).toBeLessThan(0.2);
    expect(acc1).toBeGreaterThanOrEqual(0.97);
  });

  it("mnist: the nn MLP with Adam in a compiled step reaches 97% held out", () => {
    const out = run("mnist.mjs", "--quick");
    const epochs = numbers(out, /^Epoch \d+: Train loss ([\d.]+), Test accuracy ([\d.]+)/);
    expect(epochs.length).toBe(20);
    expect(epochs.at(-1)![0]).toBeLessThan(epochs[0]![0]! / 5);
    expect(epochs.at(-1)![1]).toBeGreaterThanOrEqual(0.97);
  });

  it("transformer_lm: training and validation loss fall, and it samples text", () => {
    const out = run("transformer_lm.mjs", "--quick");
    const [[vocab]] = numbers(out, /vocabulary of (\d+);/);
    const [[train0, train1, valid0, valid1]] = numbers(out, /^summary: train loss ([\d.]+) -> ([\d.]+), val loss ([\d.]+) -> ([\d.]+)$/);
    const uniform = Math.log(vocab!);
    expect(valid0).toBeGreaterThan(uniform - 0.5); // untrained: about as good as guessing
    expect(train1).toBeLessThan(train0! - 0.5);
    expect(valid1).toBeLessThan(uniform - 1.2);
    const sample = /\nSample:\n([\s\S]*?)\n\nsummary/.exec(out)![1]!;
    expect(sample.startsWith("Shall I ")).toBe(true);
    expect([...sample].length).toBe(8 + 80);
    const text = readFileSync(join(root, "examples/data/sonnets.txt"), "utf8");
    expect([...sample].every((c) => text.includes(c))).toBe(true);
  });

  it("per_example_grads: vmap over grad equals a loop of single-example grads", () => {
    const dir = mkdtempSync(join(tmpdir(), "webmx-examples-"));
    try {
      const file = join(dir, "grads.safetensors");
      const out = run("per_example_grads.mjs", "--batch", "12", "--save", file);
      expect(out).toContain("layers.0.weight: per-example gradients of shape (12, 32, 64)");
      const saved = mx.load(file) as Record<string, mx.Array>;
      const model = new nn.Sequential(new nn.Linear(64, 32), nn.relu, new nn.Linear(32, 10));
      model.loadWeights(Object.entries(saved).filter(([k]) => k.startsWith("model.")).map(([k, v]) => [k.slice(6), v] as [string, mx.Array]));
      const x = saved.x!, y = saved.y!;
      const grad = nn.valueAndGrad(model, (xi: mx.Array, yi: mx.Array) =>
        nn.losses.crossEntropy(model.forward(xi), yi, { reduction: "mean" }),
      );
      const names = ["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"];
      expect(Object.keys(saved).filter((k) => k.startsWith("grads.")).sort()).toEqual(names.map((n) => `grads.${n}`).sort());
      for (let i = 0; i < 12; ++i) {
        mx.tidy(() => {
          const [, g] = grad(x.index(mx.slice(i, i + 1)), y.index(mx.slice(i, i + 1)));
          const flat = new Map(mx.tree.flatten(g) as [string, mx.Array][]);
          for (const name of names) {
            const mine = flat.get(name)!, theirs = saved[`grads.${name}`]!.index(i);
            expect(theirs.shape).toEqual(mine.shape);
            expect(mx.allclose(theirs, mine, 1e-5, 1e-6).itemBool(), `${name}, example ${i}`).toBe(true);
          }
        });
      }
      // Examples differ, so their gradients do (the batch axis is not a broadcast of one gradient).
      const g0 = saved["grads.layers.2.bias"]!;
      expect(mx.allclose(g0.index(0), g0.index(1)).itemBool()).toBe(false);
      mx.dispose([saved, model]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("demo: reaches 97% held out and writes weights a fresh model loads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "webmx-demo-"));
    try {
      const file = join(dir, "digits_mlp.safetensors");
      const out = run("demo.mjs", "--out", file);
      const [[reported]] = numbers(out, /^trained in [\d.]+ s; held-out accuracy ([\d.]+)%$/);
      expect(reported).toBeGreaterThanOrEqual(97);
      expect(out).toContain(`weights: ${file}`);
      // The accuracy of the saved weights, computed here.
      const test = await heldOutDigits();
      const model = new nn.Sequential(new nn.Linear(64, 128), nn.relu, new nn.Linear(128, 10));
      model.loadWeights(readFileSync(file));
      const pred = mx.argmax(model.forward(mx.array(test.x).reshape(-1, 64)), -1).tolist() as number[];
      const hits = pred.filter((p, i) => p === test.labels[i]).length;
      expect(test.count).toBe(359);
      expect(hits / test.count).toBeGreaterThanOrEqual(0.97);
      expect(Math.abs((100 * hits) / test.count - reported!)).toBeLessThan(0.06);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

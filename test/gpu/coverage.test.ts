// Every op of API.md runs on the GPU or is a listed fallback: each row of
// the ops sweep (and the creation ops it has no row for) is built with the
// GPU as the default device, and every node its graph places on the CPU
// (exportToDot shows where each runs) must be one that
// backendInfo().gpuFallbacks names for that dtype. Then the GPU results are
// compared with the CPU's, so a new kernel is checked as it is added.
import { describe, expect, it } from "vitest";
import { mx, values } from "./setup.js";
import { API_OPS, NOT_SWEPT, allRows } from "../reference_sweep_rows.js";
import type { Row } from "../reference_sweep.js";

/** [primitive, device, dtype] of each node still to compute in the DOT text. */
function placements(dot: string): [string, string, string][] {
  return graph(dot).filter((n) => n.op !== "").map((n) => [n.op, n.device, n.dtype]);
}

interface Node { op: string; device: string; dtype: string; inputs: string[] }

/** The DOT text's nodes (op "" for evaluated inputs) and, for each, the dtypes of its inputs. */
function graph(dot: string): Node[] {
  const nodes = new Map<string, Node>();
  for (const m of dot.matchAll(/(n\d+) \[label="(?:([A-Za-z0-9]+)\\n)?(cpu|gpu) ([a-z0-9]+) /g))
    nodes.set(m[1]!, { op: m[2] ?? "", device: m[3]!, dtype: m[4]!, inputs: [] });
  for (const m of dot.matchAll(/(n\d+) -> (n\d+);/g)) nodes.get(m[2]!)!.inputs.push(nodes.get(m[1]!)!.dtype);
  return [...nodes.values()];
}

function inputs(r: Row): mx.Array[] {
  let seed = 1;
  const floats = r.inputs.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = r.gen ? Array.from({ length: n }, (_, i) => r.gen!(i, 0, 0)) : values(n, -1, 1, seed++);
    return mx.array(Float32Array.from(data)).reshape(shape);
  });
  const ints = (r.ints ?? []).map((s) =>
    mx.array(Int32Array.from({ length: s.shape.reduce((a, b) => a * b, 1) }, (_, i) => s.gen(i, 0))).reshape(s.shape));
  return [...floats, ...ints];
}

const listed = (op: string, dtype: string) =>
  mx.backendInfo().gpuFallbacks.some((f) => (f.op === "*" || f.op === op) && (f.dtypes === "all" || f.dtypes.includes(dtype)));

const list = (o: mx.Array | mx.Array[]) => (Array.isArray(o) ? o : [o]);

/** The CPU nodes of `program`'s graph (built with the GPU as the default) that the fallback list doesn't name. */
function unlisted(program: () => mx.Array | mx.Array[]): string[] {
  const outs = list(mx.withDevice(mx.gpu, program));
  return graph(mx.exportToDot(outs))
    .filter((n) => n.op !== "" && n.device === "cpu" && n.op !== "ToDevice")
    .filter((n) => ![n.dtype, ...n.inputs].some((dt) => listed(n.op, dt)))
    .map((n) => `${n.op} ${n.dtype} from ${n.inputs.join(", ")}`);
}

describe("GPU coverage of API.md's ops", () => {
  it("exportToDot shows each node's primitive and device", () => {
    const x = mx.withDevice(mx.gpu, () => mx.exp(mx.array([1, 2])));
    const dot = mx.exportToDot(x);
    expect(dot).toMatch(/^digraph \{/);
    expect(placements(dot)).toEqual([["Exp", "gpu", "float32"]]);
    const y = mx.withDevice(mx.gpu, () => mx.add(mx.array([1n], mx.int64), mx.array([2n], mx.int64)));
    expect(placements(mx.exportToDot(y))).toEqual([["Add", "cpu", "int64"]]);
    mx.eval(x);
    expect(placements(mx.exportToDot(x))).toEqual([]); // evaluated: a leaf now
  });

  it("every swept op's graph is on the GPU except the listed fallbacks", () => {
    const bad: string[] = [];
    for (const r of allRows) {
      const xs = mx.withDevice(mx.gpu, () => inputs(r));
      for (const miss of unlisted(() => r.fn(...xs))) bad.push(`${r.op}${r.label ? ` (${r.label})` : ""}: ${miss}`);
    }
    expect([...new Set(bad)]).toEqual([]);
  });

  it("the ops the sweep has no row for, too; and no listed fallback is stale", () => {
    const programs: Record<string, () => mx.Array | mx.Array[]> = {
      zeros: () => mx.zeros([2, 3]), ones: () => mx.ones([2]), full: () => mx.full([2], 3),
      arange: () => mx.arange(5), linspace: () => mx.linspace(0, 1, 5), eye: () => mx.eye(3), identity: () => mx.identity(2),
      // gradients bring their own primitives
      conv2dGrads: () => mx.grad((x: mx.Array, w: mx.Array) => mx.sum(mx.conv2d(x, w)), { argnums: [0, 1] })(
        mx.ones([1, 4, 4, 2]), mx.ones([3, 2, 2, 2])) as mx.Array[],
      wide: () => mx.add(mx.array([1n], mx.int64), mx.array([2n], mx.int64)),
      // mx.linalg's factorizations without sweep rows (no gradients)
      qr: () => mx.linalg.qr(mx.array([[2, 1], [1, 3]])), lu: () => mx.linalg.lu(mx.array([[2, 1], [1, 3]])),
      // qqmm (not swept: a straight-through gradient and no vmap, as in MLX)
      qqmm: () => mx.qqmm(mx.ones([2, 32]), mx.ones([3, 32]), null, { mode: "mxfp8" }),
    };
    const bad: string[] = [];
    for (const [op, program] of Object.entries(programs)) for (const miss of unlisted(program)) bad.push(`${op}: ${miss}`);
    expect(bad).toEqual([]);
    // Each entry of the list names something that does run on the CPU.
    const seen = new Set<string>();
    for (const program of [...Object.values(programs), ...allRows.map((r) => () => r.fn(...mx.withDevice(mx.gpu, () => inputs(r))))])
      for (const n of graph(mx.exportToDot(list(mx.withDevice(mx.gpu, program))))) if (n.device === "cpu" && n.op) seen.add(n.op);
    const stale = mx.backendInfo().gpuFallbacks.filter((f) => f.op !== "*" && !seen.has(f.op)).map((f) => f.op);
    expect(stale).toEqual([]);
    // Every op of API.md is covered by a row or by a program here, or its NOT_SWEPT reason is not about the GPU.
    const rowOps = new Set(allRows.map((r) => r.op));
    const uncovered = API_OPS.filter((op) => !rowOps.has(op) && !(op in programs) && !(op in NOT_SWEPT));
    expect(uncovered).toEqual([]);
  });

  it("the swept ops give the CPU's results on the GPU", async () => {
    const failures: string[] = [];
    for (const r of allRows) {
      if (r.op.startsWith("random.")) continue; // same bits, but samplers' float steps may differ by an ulp: random tests
      const cpu = list(mx.withDevice(mx.cpu, () => r.fn(...inputs(r))));
      const gpu = list(mx.withDevice(mx.gpu, () => r.fn(...mx.withDevice(mx.gpu, () => inputs(r)))));
      await mx.asyncEval(cpu, gpu);
      cpu.forEach((c, i) => {
        const g = gpu[i]!;
        const a = Array.from(c.dataSync() as ArrayLike<number | bigint>, Number), b = Array.from(g.dataSync() as ArrayLike<number | bigint>, Number);
        const ok = a.length === b.length && a.every((v, k) => Object.is(v, b[k]) || Math.abs(v - b[k]!) <= 1e-4 + 1e-4 * Math.abs(v));
        if (!ok) failures.push(`${r.op}${r.label ? ` (${r.label})` : ""} output ${i}`);
      });
    }
    expect(failures).toEqual([]);
  }, 300_000); // (SwiftShader on two busy cores: a minute or more)
});

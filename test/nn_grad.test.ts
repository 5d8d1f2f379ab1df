// nn.valueAndGrad: gradients with respect to a model's trainable parameters
// against central finite differences (float64) through each kind of layer;
// frozen parameters left out; the model keeps its own arrays; state a
// module assigns during the transform (BatchNorm) is kept; a compiled
// training step with the model's state as compile's inputs/outputs.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const nn = mx.nn;
const f64 = <M extends mx.nn.Module>(m: M): M => m.apply((p) => p.astype(mx.float64));

/** Compares grads with central differences of loss() at a few elements of every parameter. */
function checkGrads(model: mx.nn.Module, loss: () => mx.Array, samples = 4, h = 1e-6): number {
  const [value, grads] = nn.valueAndGrad(model, loss)();
  expect(Math.abs((value as mx.Array).item() as number - (loss().item() as number))).toBeLessThan(1e-12);
  const flatG = new Map(mx.tree.flatten(grads) as [string, mx.Array][]);
  const params = mx.tree.flatten(model.trainableParameters()) as [string, mx.Array][];
  expect([...flatG.keys()]).toEqual(params.map(([k]) => k));
  let checked = 0;
  for (const [name, p] of params) {
    const g = flatG.get(name)!;
    expect(g.shape).toEqual(p.shape);
    const gd = g.dataSync() as Float64Array;
    const base = Float64Array.from(p.dataSync() as Float64Array);
    for (let s = 0; s < Math.min(samples, base.length); ++s) {
      const i = Math.floor(((s * 7919 + 13) % 104729) / 104729 * base.length);
      const at = (d: number) => {
        const v = Float64Array.from(base);
        v[i] += d;
        model.loadWeights([[name, mx.array(v).reshape(p.shape)]], { strict: false });
        return loss().item() as number;
      };
      const fd = (at(h) - at(-h)) / (2 * h);
      model.loadWeights([[name, p]], { strict: false });
      expect(Math.abs(fd - gd[i]!), `${name}[${i}] fd=${fd} grad=${gd[i]}`).toBeLessThan(1e-5 * (1 + Math.abs(fd)));
      checked++;
    }
  }
  return checked;
}

const rnd = (shape: number[]) => mx.random.normal(shape).astype(mx.float64);

describe("nn.valueAndGrad against finite differences", () => {
  it("MLP with cross entropy", () => {
    const m = f64(new nn.Sequential(new nn.Linear(4, 8), nn.gelu, new nn.Linear(8, 3)));
    const x = rnd([5, 4]), y = mx.array(Int32Array.from([0, 2, 1, 1, 0]));
    expect(checkGrads(m, () => nn.losses.crossEntropy(m.forward(x), y, { reduction: "mean", labelSmoothing: 0.1 }))).toBe(15); // 4 + 4 + 4 + 3 (the last bias has 3)
  });
  it("LayerNorm, RMSNorm, GroupNorm, Bilinear", () => {
    const x = rnd([3, 6]);
    const ln = f64(new nn.LayerNorm(6)).apply((p) => p.add(rnd(p.shape).mul(0.1)));
    checkGrads(ln, () => ln.forward(x).mul(x).sum());
    const rms = f64(new nn.RMSNorm(6)).apply((p) => p.add(rnd(p.shape).mul(0.1)));
    checkGrads(rms, () => rms.forward(x).mul(x).sum());
    const gn = f64(new nn.GroupNorm(2, 6)).apply((p) => p.add(rnd(p.shape).mul(0.1)));
    checkGrads(gn, () => gn.forward(x.reshape([3, 1, 6])).square().sum());
    const bl = f64(new nn.Bilinear(6, 2, 3));
    const x2 = rnd([3, 2]);
    checkGrads(bl, () => bl.forward(x, x2).square().sum());
  });
  it("MultiHeadAttention and a TransformerEncoderLayer with a causal mask", () => {
    const mha = f64(new nn.MultiHeadAttention(8, 2, { bias: true }));
    const q = rnd([2, 3, 8]), kv = rnd([2, 4, 8]);
    checkGrads(mha, () => mha.forward(q, kv, kv).square().sum(), 3);
    const layer = f64(new nn.TransformerEncoderLayer(8, 2, { mlpDims: 12 }));
    const mask = nn.MultiHeadAttention.createAdditiveCausalMask(3, mx.float64);
    checkGrads(layer, () => layer.forward(q, mask).square().mean(), 2);
  });
  it("recurrent layers", () => {
    const x = rnd([2, 3, 2]);
    for (const m of [new nn.RNN(2, 3), new nn.GRU(2, 3), new nn.LSTM(2, 3)]) {
      f64(m);
      checkGrads(m, () => {
        const y = m.forward(x);
        return (Array.isArray(y) ? y[0] : y).square().sum();
      });
    }
  });
  it("convolution, pooling and BatchNorm in training", () => {
    const m = f64(new nn.Sequential(new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.BatchNorm(3), new nn.MaxPool2d(2), new nn.Conv1d(3, 2, 2)));
    const x = rnd([2, 4, 4, 2]);
    // The pooled (N, 2, 2, 3) map: flatten the spatial axes for Conv1d.
    const net = (inp: mx.Array) => {
      const [conv, bn, pool, c1] = m.layers as [mx.nn.Conv2d, mx.nn.BatchNorm, mx.nn.MaxPool2d, mx.nn.Conv1d];
      const saved = [bn.running_mean!, bn.running_var!];
      const y = c1.forward(pool.forward(bn.forward(conv.forward(inp))).reshape([2, 4, 3]));
      bn.update({ running_mean: saved[0]!, running_var: saved[1]! }); // finite differences need a fixed state
      return y.square().sum();
    };
    checkGrads(m, () => net(x), 3);
  });
});

describe("nn.valueAndGrad behaviour", () => {
  it("frozen parameters get no gradient; aux outputs come back", () => {
    const m = new nn.Sequential(new nn.Linear(3, 3), new nn.Linear(3, 1));
    m.layers[0] instanceof nn.Module && (m.layers[0] as mx.nn.Module).freeze();
    const x = mx.random.normal([4, 3]);
    const [[loss, aux], g] = nn.valueAndGrad(m, (inp: mx.Array) => {
      const y = m.forward(inp);
      return [y.sum(), y];
    })(x) as any;
    expect(mx.tree.flatten(g).map(([k]) => k)).toEqual(["layers.1.weight", "layers.1.bias"]);
    expect((g as any).layers[0]).toEqual({});
    expect(aux.shape).toEqual([4, 1]);
    expect(Math.abs((loss.item() as number) - (m.forward(x).sum().item() as number))).toBeLessThan(1e-5);
  });
  it("the model keeps its own parameter arrays, usable afterwards", () => {
    const m = new nn.Linear(3, 2);
    const w = m.weight;
    const x = mx.random.normal([2, 3]);
    nn.valueAndGrad(m, (inp: mx.Array) => m.forward(inp).sum())(x);
    expect(m.weight).toBe(w);
    expect(w.disposed).toBe(false);
    expect(m.forward(x).shape).toEqual([2, 2]);
  });
  it("BatchNorm running stats assigned during the transform are kept and match eager", () => {
    const make = () => {
      mx.random.seed(11);
      return new nn.Sequential(new nn.Linear(3, 3), new nn.BatchNorm(3));
    };
    const a = make(), b = make();
    const x = mx.random.normal([5, 3]);
    nn.valueAndGrad(a, (inp: mx.Array) => a.forward(inp).square().sum())(x);
    b.forward(x);
    const ra = (a.layers[1] as mx.nn.BatchNorm).running_var!, rb = (b.layers[1] as mx.nn.BatchNorm).running_var!;
    expect(ra.disposed).toBe(false);
    expect(mx.allclose(ra, rb).item()).toBe(true);
  });
  it("a compiled SGD step with the model state as inputs/outputs matches the eager one", () => {
    const make = () => {
      mx.random.seed(5);
      return new nn.Sequential(new nn.Linear(4, 6), nn.relu, new nn.Linear(6, 2));
    };
    const eager = make(), comp = make();
    const sgd = (model: mx.nn.Module) => {
      const vg = nn.valueAndGrad(model, (x: mx.Array, y: mx.Array) => nn.losses.mseLoss(model.forward(x), y));
      return (x: mx.Array, y: mx.Array) => {
        const [loss, grads] = vg(x, y);
        model.update(mx.tree.map((p: mx.Array, g: mx.Array) => p.sub(g.mul(0.1)), model.trainableParameters(), grads) as any);
        return loss;
      };
    };
    const stepE = sgd(eager);
    const stepC = mx.compile(sgd(comp), { inputs: comp.state, outputs: comp.state });
    for (let i = 0; i < 5; ++i) {
      const x = mx.random.normal([8, 4]), y = mx.random.normal([8, 2]);
      const le = stepE(x, y).item() as number, lc = stepC(x, y).item() as number;
      expect(Math.abs(le - lc)).toBeLessThan(1e-5 * (1 + Math.abs(le)));
    }
    for (const [[k, pe], [, pc]] of mx.tree.flatten(eager.parameters()).map((e, i) => [e, mx.tree.flatten(comp.parameters())[i]!]))
      expect(mx.allclose(pe as mx.Array, pc as mx.Array, 1e-5, 1e-6).item(), k as string).toBe(true);
  });
  it("checkpointed transformer stacks give the same values and gradients", () => {
    const make = (checkpoint: boolean) => {
      mx.random.seed(21);
      return new nn.Transformer({ dims: 8, numHeads: 2, numEncoderLayers: 2, numDecoderLayers: 2, mlpDims: 12, checkpoint });
    };
    const plain = make(false), ck = make(true);
    expect((ck.encoder as mx.nn.TransformerEncoder).checkpoint).toBe(true);
    const src = mx.random.normal([2, 3, 8]), tgt = mx.random.normal([2, 4, 8]);
    const mask = nn.MultiHeadAttention.createAdditiveCausalMask(4);
    const run = (m: mx.nn.Transformer) => nn.valueAndGrad(m, () => m.forward(src, tgt, null, mask, null).square().sum())();
    const [v1, g1] = run(plain), [v2, g2] = run(ck);
    expect(Math.abs((v1.item() as number) - (v2.item() as number))).toBeLessThan(1e-4);
    const f1 = mx.tree.flatten(g1), f2 = mx.tree.flatten(g2);
    expect(f2.map(([k]) => k)).toEqual(f1.map(([k]) => k));
    f1.forEach(([k, g], i) => expect(mx.allclose(g as mx.Array, f2[i]![1] as mx.Array, 1e-4, 1e-5).item(), k).toBe(true));
    // The module keeps its own arrays after the checkpointed pass.
    expect(mx.tree.leaves(ck.parameters()).every((p) => !(p as mx.Array).disposed)).toBe(true);
    expect(nn.checkpoint(ck.encoder, (x: mx.Array) => ck.encoder.forward(x, null))(src).shape).toEqual([2, 3, 8]);
    expect(() => nn.checkpoint({} as any)).toThrow(/\[nn\.checkpoint\] Expected an nn\.Module/);
  });
  it("a small language model learns a next-token rule with a compiled SGD step", () => {
    mx.random.seed(7);
    class LM extends nn.Module {
      embedding = new nn.Embedding(8, 16);
      transformer = new nn.TransformerEncoder(1, 16, 2);
      out_proj = new nn.Linear(16, 8);
      override forward(x: mx.Array) {
        const mask = nn.MultiHeadAttention.createAdditiveCausalMask(x.shape[1]!);
        return this.out_proj.forward(this.transformer.forward(this.embedding.forward(x), mask));
      }
    }
    const m = new LM();
    const vg = nn.valueAndGrad(m, (x: mx.Array, y: mx.Array) => nn.losses.crossEntropy(m.forward(x), y, { reduction: "mean" }));
    const step = mx.compile((x: mx.Array, y: mx.Array) => {
      const [l, g] = vg(x, y);
      m.update(mx.tree.map((p: mx.Array, d: mx.Array) => p.sub(d.mul(0.1)), m.trainableParameters(), g) as any);
      return l;
    }, { inputs: m.state, outputs: m.state });
    // Sequences t, t+1, ... mod 8: the next token is always the current one plus one.
    const start = mx.array(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7])).reshape([8, 1]);
    const seqs = mx.remainder(start.add(mx.arange(7, mx.int32).reshape([1, 7])), 8);
    const x = seqs.index(mx.slice(), mx.slice(0, 6)), y = seqs.index(mx.slice(), mx.slice(1, 7));
    const first = step(x, y).item() as number;
    let last = first;
    for (let i = 0; i < 60; ++i) last = step(x, y).item() as number;
    expect(first).toBeGreaterThan(1.5);
    expect(last).toBeLessThan(0.2);
    const pred = mx.argmax(m.forward(x), -1);
    expect(mx.arrayEqual(pred, y).item()).toBe(true);
  });
  it("errors", () => {
    expect(() => nn.valueAndGrad({} as any, () => mx.zeros([]))).toThrow(/\[nn\.valueAndGrad\] Expected an nn\.Module/);
    expect(() => nn.valueAndGrad(new nn.Linear(2, 2), 3 as any)).toThrow(/\[nn\.valueAndGrad\] Expected a function/);
    const m = new nn.Linear(2, 2);
    const w = m.weight;
    expect(() => nn.valueAndGrad(m, () => m.weight.sum(0))()).toThrow(/\[valueAndGrad\] The function must return a scalar array/);
    expect(m.weight).toBe(w); // put back after the failure
  });
});

// nn.Module: parameter names and shapes as MLX's (hand-listed from MLX's
// python/mlx/nn/layers sources), train/eval, freeze/unfreeze, update,
// apply, loadWeights (strict errors), and a module as a tree node for
// mx.eval, mx.dispose, tree.map and compile's inputs/outputs.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

const nn = mx.nn;
const names = (m: mx.nn.Module, trainable = false) =>
  mx.tree.flatten(trainable ? m.trainableParameters() : m.parameters()).map(([k, v]) => [k, (v as mx.Array).shape]);

class MLP extends nn.Module {
  declare layers: mx.nn.Linear[];
  declare extra: { scale: mx.Array; list: mx.Array[] };
  constructor() {
    super();
    this.layers = [new nn.Linear(3, 4), new nn.Linear(4, 2)];
    this.extra = { scale: mx.ones([2]), list: [mx.zeros([1])] };
  }
  override forward(x: mx.Array): mx.Array {
    return this.layers[1]!.forward(nn.relu(this.layers[0]!.forward(x))).mul(this.extra.scale);
  }
}

describe("parameter names and shapes are MLX's", () => {
  it("basic layers", () => {
    expect(names(new nn.Linear(3, 5))).toEqual([["weight", [5, 3]], ["bias", [5]]]);
    expect(names(new nn.Linear(3, 5, { bias: false }))).toEqual([["weight", [5, 3]]]);
    expect(names(new nn.Bilinear(2, 3, 4))).toEqual([["weight", [4, 3, 2]], ["bias", [4]]]);
    expect(names(new nn.Embedding(10, 4))).toEqual([["weight", [10, 4]]]);
    expect(names(new nn.LayerNorm(6))).toEqual([["weight", [6]], ["bias", [6]]]);
    expect(names(new nn.LayerNorm(6, { bias: false }))).toEqual([["weight", [6]]]);
    expect(names(new nn.RMSNorm(6))).toEqual([["weight", [6]]]);
    expect(names(new nn.GroupNorm(2, 6))).toEqual([["bias", [6]], ["weight", [6]]]);
    expect(names(new nn.InstanceNorm(6))).toEqual([]);
    expect(names(new nn.BatchNorm(4))).toEqual([["weight", [4]], ["bias", [4]], ["running_mean", [4]], ["running_var", [4]]]);
    expect(names(new nn.BatchNorm(4), true)).toEqual([["weight", [4]], ["bias", [4]]]);
    expect(names(new nn.Conv1d(3, 8, 5))).toEqual([["weight", [8, 5, 3]], ["bias", [8]]]);
    expect(names(new nn.Conv2d(4, 8, [3, 2], { groups: 2 }))).toEqual([["weight", [8, 3, 2, 2]], ["bias", [8]]]);
    expect(names(new nn.ConvTranspose1d(3, 8, 5))).toEqual([["weight", [8, 5, 3]], ["bias", [8]]]);
    expect(names(new nn.ConvTranspose2d(3, 8, 2))).toEqual([["weight", [8, 2, 2, 3]], ["bias", [8]]]);
    expect(names(new nn.RNN(3, 5))).toEqual([["Wxh", [5, 3]], ["Whh", [5, 5]], ["bias", [5]]]);
    expect(names(new nn.GRU(3, 5))).toEqual([["Wx", [15, 3]], ["Wh", [15, 5]], ["b", [15]], ["bhn", [5]]]);
    expect(names(new nn.LSTM(3, 5))).toEqual([["Wx", [20, 3]], ["Wh", [20, 5]], ["bias", [20]]]);
    expect(names(new nn.PReLU({ numParameters: 3 }))).toEqual([["weight", [3]]]);
    expect(names(new nn.MaxPool2d(2))).toEqual([]);
    expect(names(new nn.Dropout({ p: 0.2 }))).toEqual([]);
    expect(names(new nn.RoPE(8))).toEqual([]);
  });
  it("attention and transformer layers", () => {
    expect(names(new nn.MultiHeadAttention(8, 2, { bias: true, valueDims: 4 }))).toEqual([
      ["query_proj.weight", [8, 8]], ["query_proj.bias", [8]], ["key_proj.weight", [8, 8]], ["key_proj.bias", [8]],
      ["value_proj.weight", [4, 8]], ["value_proj.bias", [4]], ["out_proj.weight", [8, 4]], ["out_proj.bias", [8]],
    ]);
    const enc = names(new nn.TransformerEncoderLayer(8, 2, { mlpDims: 16 }));
    expect(enc).toEqual([
      ["attention.query_proj.weight", [8, 8]], ["attention.key_proj.weight", [8, 8]], ["attention.value_proj.weight", [8, 8]],
      ["attention.out_proj.weight", [8, 8]], ["ln1.weight", [8]], ["ln1.bias", [8]], ["ln2.weight", [8]], ["ln2.bias", [8]],
      ["linear1.weight", [16, 8]], ["linear1.bias", [16]], ["linear2.weight", [8, 16]], ["linear2.bias", [8]],
    ]);
    const t = new nn.Transformer({ dims: 8, numHeads: 2, numEncoderLayers: 2, numDecoderLayers: 1 });
    const keys = mx.tree.flatten(t.parameters()).map(([k]) => k);
    expect(keys).toContain("encoder.layers.1.attention.out_proj.weight");
    expect(keys).toContain("encoder.ln.bias");
    expect(keys).toContain("decoder.layers.0.self_attention.query_proj.weight");
    expect(keys).toContain("decoder.layers.0.cross_attention.value_proj.weight");
    expect(keys).toContain("decoder.layers.0.ln3.weight");
    expect(keys).toContain("decoder.ln.weight");
    // encoder layers 12 each + ln; decoder layer: 2 attentions (4 each), ln1-3, linear1-2; + ln
    expect(keys.length).toBe(2 * 12 + 2 + (8 + 6 + 4) + 2);
  });
  it("Sequential numbers its layers, functions included", () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), nn.relu, new nn.Linear(3, 1));
    expect(names(s)).toEqual([["layers.0.weight", [3, 2]], ["layers.0.bias", [3]], ["layers.2.weight", [1, 3]], ["layers.2.bias", [1]]]);
    expect((s.parameters() as any).layers[1]).toEqual({});
  });
  it("a user module: arrays in lists and objects, '_'-prefixed keys excluded", () => {
    const m = new MLP();
    (m as any)._cache = mx.zeros([3]);
    expect(names(m).map(([k]) => k)).toEqual(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "extra.scale", "extra.list.0"]);
  });
});

describe("module state", () => {
  it("children, leafModules, modules, namedModules", () => {
    const m = new MLP();
    expect(Object.keys(m.children())).toEqual(["layers", "extra"]);
    expect((m.children() as any).layers[0]).toBe(m.layers[0]);
    expect((m.leafModules() as any).layers[1]).toBe(m.layers[1]);
    expect(m.modules().length).toBe(3);
    expect(m.namedModules().map(([k]) => k).sort()).toEqual(["", "layers.0", "layers.1"]);
  });
  it("train / eval reach every submodule; Dropout acts only in training", () => {
    const s = new nn.Sequential(new nn.Dropout({ p: 0.5 }), new nn.Sequential(new nn.Dropout({ p: 0.5 })));
    expect(s.training).toBe(true);
    const x = mx.ones([200]);
    const y = s.forward(x).tolist() as number[];
    expect(y.every((v) => v === 0 || v === 4)).toBe(true); // two layers: 1/(0.5*0.5)
    expect(y.some((v) => v === 0)).toBe(true);
    s.eval();
    expect(s.modules().every((m) => !m.training)).toBe(true);
    expect(s.forward(x)).toBe(x);
    s.train();
    expect(s.modules().every((m) => m.training)).toBe(true);
    expect(() => s.train("yes" as any)).toThrow(/\[nn\.Module\.train\] mode must be a boolean/);
    expect(() => new nn.Dropout({ p: 1 })).toThrow(/\[nn\.Dropout\] The dropout probability 1 is not in \[0, 1\)/);
  });
  it("Dropout2d zeroes whole channels", () => {
    const d = new nn.Dropout2d({ p: 0.5 });
    const y = d.forward(mx.ones([4, 3, 3, 16]));
    const v = y.reshape([4, 9, 16]).tolist() as number[][][];
    for (const b of v) for (let c = 0; c < 16; ++c) expect(new Set(b.map((row) => row[c])).size).toBe(1);
    expect(() => d.forward(mx.ones([3, 3]))).toThrow(/\[nn\.Dropout2d\] Received input with 2 dimensions/);
  });
  it("freeze / unfreeze, with keys, recurse and strict", () => {
    const m = new MLP();
    m.freeze();
    expect(names(m, true)).toEqual([]);
    m.unfreeze({ keys: "bias" });
    expect(names(m, true).map(([k]) => k)).toEqual(["layers.0.bias", "layers.1.bias"]);
    m.unfreeze();
    expect(names(m, true).length).toBe(6);
    m.freeze({ keys: ["weight"] });
    expect(names(m, true).map(([k]) => k)).toEqual(["layers.0.bias", "layers.1.bias", "extra.scale", "extra.list.0"]);
    m.unfreeze().freeze({ recurse: false });
    expect(names(m, true).map(([k]) => k)).toEqual(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]);
    expect(() => m.freeze({ keys: "nope", strict: true })).toThrow(/\[nn\.Module\.freeze\] Module doesn't contain member nope/);
    expect(() => m.freeze({ keys: 3 } as any)).toThrow(/keys must be a string or a list of strings/);
    const bn = new nn.BatchNorm(3);
    bn.unfreeze();
    expect(names(bn, true).map(([k]) => k)).toEqual(["weight", "bias"]); // running stats stay frozen
  });
  it("update replaces parameters; strict errors leave the module as it was", () => {
    const lin = new nn.Linear(2, 2);
    const w = mx.zeros([2, 2]);
    lin.update({ weight: w });
    expect(lin.weight).toBe(w);
    const before = lin.bias;
    expect(() => lin.update({ bias: mx.ones([2]), nope: mx.ones([1]) })).toThrow(/\[nn\.Module\.update\] Module does not have parameter named "nope"/);
    expect(lin.bias).toBe(before);
    expect(() => lin.update({ weight: 3 } as any)).toThrow(/Received invalid type: number for parameter 'weight'/);
    expect(lin.weight).toBe(w);
    lin.update({ bias: mx.ones([2]), nope: mx.ones([1]) }, { strict: false });
    expect(lin.bias!.tolist()).toEqual([1, 1]);
    const m = new MLP();
    expect(() => m.update({ layers: [{}, {}, {}] })).toThrow(/List index 2 is out of bounds for destination of length 2/);
    m.update({ layers: [{}, { bias: mx.zeros([2]) }] });
    expect(m.layers[1]!.bias!.tolist()).toEqual([0, 0]);
  });
  it("apply maps every parameter (or those a filter picks)", () => {
    const m = new MLP();
    m.apply((p) => p.astype(mx.float16));
    expect(mx.tree.leaves(m.parameters()).every((p) => (p as mx.Array).dtype === mx.float16)).toBe(true);
    // As in MLX the filter sees every key on the way down ("layers" too).
    const s = new nn.Sequential(new nn.Linear(2, 4), new nn.Linear(4, 1));
    s.apply((p) => mx.zerosLike(p), (_mod, k, v) => k === "bias" || !(v instanceof mx.Array));
    expect((s.layers[0] as mx.nn.Linear).bias!.tolist()).toEqual([0, 0, 0, 0]);
    expect(((s.layers[0] as mx.nn.Linear).weight.abs().sum().item() as number) > 0).toBe(true);
    expect(() => m.apply(3 as any)).toThrow(/\[nn\.Module\.apply\] Expected a function/);
  });
  it("loadWeights: pairs and records, strict errors, non-strict subsets", () => {
    const lin = new nn.Linear(3, 2);
    const w = mx.ones([2, 3]), b = mx.zeros([2]);
    lin.loadWeights([["weight", w], ["bias", b]]);
    expect(lin.weight).toBe(w);
    lin.loadWeights({ weight: mx.full([2, 3], 2), bias: b });
    expect(lin.weight.tolist()).toEqual([[2, 2, 2], [2, 2, 2]]);
    expect(() => lin.loadWeights([["weight", w]])).toThrow(/\[nn\.Module\.loadWeights\] Missing 1 parameters: \nbias\./);
    expect(() => lin.loadWeights([["weight", w], ["bias", b], ["extra", b]])).toThrow(/Received 1 parameters not in model: \nextra\./);
    expect(() => lin.loadWeights([["weight", mx.ones([3, 2])], ["bias", b]])).toThrow(/Expected shape \(2,3\) but received shape \(3,2\) for parameter weight/);
    expect(lin.weight.tolist()).toEqual([[2, 2, 2], [2, 2, 2]]); // unchanged by the failures
    lin.loadWeights([["weight", w], ["extra", b]], { strict: false });
    expect(lin.weight).toBe(w);
    expect((lin as any).extra).toBeUndefined();
    const s = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 1));
    s.loadWeights([["layers.1.bias", mx.array([5])]], { strict: false });
    expect(s.layers[1] instanceof nn.Linear && (s.layers[1] as mx.nn.Linear).bias!.item()).toBe(5);
    expect(() => lin.loadWeights(new Uint8Array(8))).toThrow(/^\[(load|safetensors)[^\]]*\]/);
    expect(() => lin.loadWeights([["weight"]] as any)).toThrow(/Expected \[name, array\] pairs, but element 0/);
  });
  it("saveWeights writes safetensors that loadWeights reads back into another model, by MLX name", () => {
    const a = new MLP(), b = new MLP();
    const bytes = a.saveWeights({ format: "mlx" });
    // The header names every parameter under its dotted MLX path.
    const headerLen = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
    expect(Object.keys(header).filter((k) => k !== "__metadata__").sort()).toEqual(
      ["extra.list.0", "extra.scale", "layers.0.bias", "layers.0.weight", "layers.1.bias", "layers.1.weight"]);
    expect(header.__metadata__).toEqual({ format: "mlx" });
    const before = mx.memory().liveArrays;
    b.loadWeights(bytes);
    const pa = mx.tree.flatten(a.parameters()), pb = mx.tree.flatten(b.parameters());
    for (let i = 0; i < pa.length; ++i) expect((pb[i]![1] as mx.Array).tolist()).toEqual((pa[i]![1] as mx.Array).tolist());
    // b holds the 6 loaded arrays; nothing else decoded stays alive (b's old ones are the caller's, as update's are).
    expect(mx.memory().liveArrays).toBe(before + pa.length);
    // A strict failure frees what it decoded and leaves the model as it was.
    const lin = new nn.Linear(4, 3);
    const w0 = lin.weight.tolist();
    const live = mx.memory().liveArrays;
    expect(() => lin.loadWeights(bytes)).toThrow(/Received \d+ parameters not in model/);
    expect(mx.memory().liveArrays).toBe(live);
    expect(lin.weight.tolist()).toEqual(w0);
  });
  it("setDtype casts floating parameters only (by default)", () => {
    const m = new MLP();
    m.update({ extra: { list: [mx.zeros([1], mx.int32)] } });
    m.setDtype(mx.bfloat16);
    expect(m.layers[0]!.weight.dtype).toBe(mx.bfloat16);
    expect(m.extra.list[0]!.dtype).toBe(mx.int32);
    m.setDtype(mx.float32, null);
    expect(m.extra.list[0]!.dtype).toBe(mx.float32);
  });
  it("updateModules swaps submodules; strict errors change nothing", () => {
    const s = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 2));
    const first = s.layers[0];
    const repl = new nn.Identity();
    expect(() => s.updateModules({ layers: [repl, {}, {}] })).toThrow(/\[nn\.Module\.updateModules\] List index 2 is out of bounds/);
    expect(s.layers[0]).toBe(first);
    expect(() => s.updateModules({ other: repl })).toThrow(/Module does not have sub-module named "other"/);
    s.updateModules({ layers: [repl, {}] });
    expect(s.layers[0]).toBe(repl);
    expect(names(s).map(([k]) => k)).toEqual(["layers.1.weight", "layers.1.bias"]);
  });
  it("class-field submodules and parameters are found like assigned ones", () => {
    class Net extends nn.Module {
      fc = new nn.Linear(2, 3);
      gain = mx.ones([3]);
      override forward(x: mx.Array) {
        return this.fc.forward(x).mul(this.gain);
      }
    }
    const n = mx.tidy(() => new Net());
    expect(names(n)).toEqual([["fc.weight", [3, 2]], ["fc.bias", [3]], ["gain", [3]]]);
    expect(n.gain.disposed).toBe(false);
    expect(n.forward(mx.ones([1, 2])).shape).toEqual([1, 3]);
  });
  it("repeated nn.valueAndGrad calls leave no arrays behind", () => {
    const m = new nn.Sequential(new nn.Linear(3, 4), nn.relu, new nn.LayerNorm(4), new nn.Linear(4, 1));
    const x = mx.random.normal([5, 3]);
    const vg = nn.valueAndGrad(m, (inp: mx.Array) => m.forward(inp).square().mean());
    mx.dispose(vg(x));
    const before = mx.memory().liveArrays;
    for (let i = 0; i < 5; ++i) mx.dispose(vg(x));
    expect(mx.memory().liveArrays).toBe(before);
  });
  it("toString shows the module tree", () => {
    const s = new nn.Sequential(new nn.Linear(2, 3), nn.relu);
    expect(String(s)).toBe("Sequential(\n  (layers.0): Linear(input_dims=2, output_dims=3, bias=true)\n)");
  });
  it("constructor arguments are checked with tagged errors", () => {
    expect(() => new nn.Linear(0, 2)).toThrow(/\[nn\.Linear\] inputDims must be a positive integer/);
    expect(() => new nn.Linear(2, 2, { biass: true } as any)).toThrow(/\[nn\.Linear\] Unknown option 'biass'/);
    expect(() => new nn.MultiHeadAttention(6, 4)).toThrow(/\[nn\.MultiHeadAttention\] The input feature dimensions should be divisible/);
    expect(() => new nn.GroupNorm(4, 6)).toThrow(/\[nn\.GroupNorm\] The number of features \(6\) must be evenly divisible by the number of groups \(4\)/);
    expect(() => new nn.LayerNorm(4, { eps: 0 })).toThrow(/\[nn\.LayerNorm\] 'eps' must be positive/);
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/\[nn\.Conv2d\] The number of input channels \(3\) must be divisible by the number of groups \(2\)/);
    expect(() => new nn.ConvTranspose2d(3, 4, 3, { outputPadding: -1 })).toThrow(/\[nn\.ConvTranspose2d\] outputPadding must be a non-negative integer/);
    expect(() => new nn.Sequential(new nn.Linear(2, 2), 3 as any)).toThrow(/\[nn\.Sequential\] Layer 1 must be an nn\.Module or a function/);
  });
  it("bad inputs at forward are tagged errors and the layer keeps working", () => {
    const bn = new nn.BatchNorm(3);
    expect(() => bn.forward(mx.ones([1, 3]))).toThrow(/\[nn\.BatchNorm\] BatchNorm training requires more than one value per channel/);
    expect(() => bn.forward(mx.ones([2, 4]))).toThrow(/\[nn\.BatchNorm\] Expected 3 features/);
    expect(bn.forward(mx.ones([2, 3])).shape).toEqual([2, 3]);
    const rnn = new nn.LSTM(3, 4);
    expect(() => rnn.forward(mx.ones([2, 5, 2]))).toThrow(/\[nn\.LSTM\] Expected an input \(N, L, 3\)/);
    expect(rnn.forward(mx.ones([2, 5, 3]))[0].shape).toEqual([2, 5, 4]);
    const pool = new nn.MaxPool2d(4);
    expect(() => pool.forward(mx.ones([1, 2, 2, 1]))).toThrow(/\[nn\.MaxPool2d\] The window \(4,4\) is larger than/);
    expect(() => new nn.MultiHeadAttention(8, 2).forward(mx.ones([2, 8]), mx.ones([2, 8]), mx.ones([2, 8]))).toThrow(/\[nn\.MultiHeadAttention\] Expected \(batch, length, dims\)/);
  });
});

describe("a module is a tree node", () => {
  it("tree.flatten / tree.map / tree.leaves walk its parameters and submodules", () => {
    const m = new MLP();
    expect(mx.tree.flatten(m).map(([k]) => k)).toEqual(mx.tree.flatten(m.parameters()).map(([k]) => k));
    const doubled = mx.tree.map((p: mx.Array) => p.mul(2), m) as any;
    expect(Object.getPrototypeOf(doubled)).toBe(Object.prototype); // a plain object, as mlx.utils gives a dict
    expect(mx.allclose(doubled.layers[0].weight, m.layers[0]!.weight.mul(2)).item()).toBe(true);
    expect(mx.tree.leaves(m).length).toBe(6);
  });
  it("built-in layers expose only arrays and modules to tree walks (settings stay out)", () => {
    const layers: mx.nn.Module[] = [
      new nn.Conv2d(2, 3, 3, { stride: [1, 2] }), new nn.ConvTranspose1d(2, 3, 3), new nn.MaxPool2d([2, 2]), new nn.AvgPool1d(2),
      new nn.Dropout2d(), new nn.Dropout3d(), new nn.Upsample([2, 2], { mode: "linear" }), new nn.GELU(), new nn.LeakyReLU(),
      new nn.RoPE(4), new nn.TransformerEncoder(1, 8, 2, { checkpoint: true }), new nn.GroupNorm(2, 4), new nn.BatchNorm(3),
      new nn.LSTM(2, 3), new nn.GRU(2, 3, { bias: false }), new nn.SinusoidalPositionalEncoding(4), new nn.ALiBi(),
    ];
    for (const l of layers) {
      for (const leaf of mx.tree.leaves(l)) expect(leaf instanceof mx.Array, l.constructor.name).toBe(true);
      // so grad can take a module argument and compile can capture any of them
      expect(mx.tree.flatten(l).length, l.constructor.name).toBe(mx.tree.leaves(l).length);
    }
    const g = mx.grad((c: any) => c.weight.sum())(layers[0]) as any;
    expect(g.weight.shape).toEqual([3, 3, 3, 2]);
  });
  it("mx.eval and mx.dispose", () => {
    const m = new MLP();
    m.update({ extra: { scale: m.extra.scale.add(1) } });
    mx.eval(m);
    mx.dispose(m);
    expect(m.layers[0]!.weight.disposed).toBe(true);
    expect(m.extra.scale.disposed).toBe(true);
  });
  it("arrays assigned to a module inside tidy are kept; temporaries are freed", () => {
    const before = mx.memory().liveArrays;
    const lin = mx.tidy(() => new nn.Linear(4, 4));
    expect(lin.weight.disposed).toBe(false);
    expect(mx.memory().liveArrays - before).toBe(2);
    const x = mx.ones([2, 4]);
    const mid = mx.memory().liveArrays;
    for (let i = 0; i < 5; ++i) lin.forward(x).dispose();
    expect(mx.memory().liveArrays).toBe(mid);
    const seq = new nn.Sequential(new nn.Linear(4, 4), nn.relu, new nn.LayerNorm(4));
    mx.eval(seq);
    const mid2 = mx.memory().liveArrays;
    for (let i = 0; i < 3; ++i) seq.forward(x).dispose();
    expect(mx.memory().liveArrays).toBe(mid2); // intermediates between layers are freed
    const bn = new nn.BatchNorm(4);
    mx.tidy(() => void bn.forward(x.add(mx.arange(8).reshape([2, 4]))));
    expect(bn.running_mean!.disposed).toBe(false);
    // x = [[1..4], [5..8]]: batch means 3..6, momentum 0.1.
    expect(mx.allclose(bn.running_mean!, mx.array([0.3, 0.4, 0.5, 0.6])).item()).toBe(true);
  });
  it("compile with inputs/outputs = model.state: BatchNorm running stats match eager", () => {
    const make = () => {
      mx.random.seed(3);
      return new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm(4));
    };
    const eager = make(), comp = make();
    const step = mx.compile((x: mx.Array) => comp.forward(x).sum(), { inputs: comp.state, outputs: comp.state });
    for (let i = 0; i < 4; ++i) {
      const x = mx.random.normal([6, 3]);
      const a = eager.forward(x).sum().item() as number;
      const b = step(x).item() as number;
      expect(Math.abs(a - b)).toBeLessThan(1e-4);
    }
    const bnE = eager.layers[1] as mx.nn.BatchNorm, bnC = comp.layers[1] as mx.nn.BatchNorm;
    expect(mx.allclose(bnC.running_mean!, bnE.running_mean!, 1e-5, 1e-6).item()).toBe(true);
    expect(mx.allclose(bnC.running_var!, bnE.running_var!, 1e-5, 1e-6).item()).toBe(true);
    expect(step.traces.length).toBe(1); // replayed, not retraced

    // Parameters changed outside are read again (inputs).
    (comp.layers[0] as mx.nn.Linear).update({ bias: mx.full([4], 10) });
    (eager.layers[0] as mx.nn.Linear).update({ bias: mx.full([4], 10) });
    comp.eval();
    eager.eval();
    const x = mx.random.normal([6, 3]);
    const evalStep = mx.compile((x: mx.Array) => comp.forward(x), { inputs: comp.state });
    expect(mx.allclose(evalStep(x), eager.forward(x), 1e-5, 1e-5).item()).toBe(true);
    // Replays free the state they replace: memory stays flat.
    comp.train();
    const xs = mx.random.normal([6, 3]);
    step(xs).dispose();
    const live = mx.memory().liveArrays;
    for (let i = 0; i < 3; ++i) step(xs).dispose();
    expect(mx.memory().liveArrays).toBe(live);
  });
  it("grad of a function of a module argument gives a plain tree of gradients", () => {
    const lin = new nn.Linear(3, 1, { bias: false });
    const x = mx.array([[1, 2, 3]]);
    const g = mx.grad((params: any) => mx.matmul(x, params.weight.T).sum())(lin) as any;
    expect(g.weight.tolist()).toEqual([[1, 2, 3]]);
  });
});

// nn layers against numpy float64 references (test/fixtures/nn_reference.py):
// weights go in by MLX parameter name through loadWeights, outputs are
// compared elementwise.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import { arr, expectClose, fixtures, weightPairs } from "./nn_fixtures.js";

const nn = mx.nn;
const L = fixtures.layers;
const f64 = <M extends mx.nn.Module>(m: M): M => m.apply((p) => p.astype(mx.float64));

describe("linear layers", () => {
  it("Linear", () => {
    const m = f64(new nn.Linear(4, 5)).loadWeights(weightPairs(L.linear.weights));
    expectClose(m.forward(arr(L.linear.x)), L.linear.y);
  });
  it("Linear without bias is x Wᵀ", () => {
    const m = f64(new nn.Linear(4, 5, { bias: false })).loadWeights([["weight", arr(L.linear.weights.weight)]]);
    const x = arr(L.linear.x);
    const want = mx.matmul(x, arr(L.linear.weights.weight).T);
    expect(mx.allclose(m.forward(x), want).item()).toBe(true);
  });
  it("Bilinear", () => {
    const b = L.bilinear;
    const m = f64(new nn.Bilinear(4, 5, 6)).loadWeights(weightPairs(b.weights));
    expectClose(m.forward(arr(b.x1), arr(b.x2)), b.y);
  });
  it("Identity and Sequential with a function", () => {
    const x = arr(L.linear.x);
    expect(new nn.Identity().forward(x)).toBe(x);
    const lin = f64(new nn.Linear(4, 5)).loadWeights(weightPairs(L.linear.weights));
    const seq = new nn.Sequential(lin, nn.relu, new nn.Identity());
    expectClose(seq.forward(x), { shape: L.linear.y.shape, data: L.linear.y.data.map((v: number) => Math.max(v, 0)) });
  });
  it("Embedding looks up rows and asLinear multiplies by Wᵀ", () => {
    const m = new nn.Embedding(5, 4);
    const w = arr(L.linear.weights.weight);
    m.loadWeights({ weight: w });
    const ids = mx.array(Int32Array.from([3, 0, 4, 3])).reshape([2, 2]);
    const y = m.forward(ids);
    expect(y.shape).toEqual([2, 2, 4]);
    const wl = w.tolist() as number[][];
    expect(y.tolist()).toEqual([[wl[3], wl[0]], [wl[4], wl[3]]]);
    const x = arr(L.linear.x);
    expect(mx.allclose(m.asLinear(x), mx.matmul(x, w.T)).item()).toBe(true);
  });
});

describe("normalization layers", () => {
  it("LayerNorm (affine and not)", () => {
    const c = L.layer_norm;
    expectClose(f64(new nn.LayerNorm(6)).loadWeights(weightPairs(c.weights)).forward(arr(c.x)), c.y);
    const plain = new nn.LayerNorm(6, { affine: false });
    expect(Object.keys(plain.parameters())).toEqual([]);
    expectClose(plain.forward(arr(c.x)), c.y_plain);
  });
  it("RMSNorm", () => {
    const c = L.rms_norm;
    expectClose(f64(new nn.RMSNorm(6)).loadWeights(weightPairs(c.weights)).forward(arr(c.x)), c.y);
  });
  it("GroupNorm, MLX's grouping and PyTorch's", () => {
    const c = L.group_norm;
    expectClose(f64(new nn.GroupNorm(3, 6)).loadWeights(weightPairs(c.weights)).forward(arr(c.x)), c.y);
    const pt = f64(new nn.GroupNorm(3, 6, { pytorchCompatible: true })).loadWeights(weightPairs(c.weights));
    expectClose(pt.forward(arr(c.x)), c.y_pytorch);
  });
  it("BatchNorm: batch statistics and running-stat updates in training, running stats in eval", () => {
    const c = L.batch_norm;
    const m = f64(new nn.BatchNorm(5)).loadWeights(weightPairs(c.weights));
    expectClose(m.forward(arr(c.x)), c.y_train);
    expectClose(m.running_mean!, c.running_mean);
    expectClose(m.running_var!, c.running_var);
    m.loadWeights(weightPairs(c.weights)).eval();
    expectClose(m.forward(arr(c.x)), c.y_eval);
    expectClose(m.running_mean!, c.weights.running_mean); // eval leaves them
  });
  it("InstanceNorm with affine", () => {
    const c = L.instance_norm;
    expectClose(f64(new nn.InstanceNorm(5, { affine: true })).loadWeights(weightPairs(c.weights)).forward(arr(c.x)), c.y);
  });
});

describe("attention and transformer layers", () => {
  it("MultiHeadAttention with an additive mask and without", () => {
    const c = L.mha;
    const m = f64(new nn.MultiHeadAttention(8, 2)).loadWeights(weightPairs(c.weights));
    expectClose(m.forward(arr(c.q), arr(c.k), arr(c.v), { mask: arr(c.mask) }), c.y);
    expectClose(m.forward(arr(c.q), arr(c.k), arr(c.v)), c.y_nomask);
  });
  it('mask "causal" equals the additive causal mask', () => {
    const m = new nn.MultiHeadAttention(8, 2);
    const x = mx.random.normal([2, 4, 8]);
    const a = m.forward(x, x, x, { mask: "causal" });
    const b = m.forward(x, x, x, { mask: nn.MultiHeadAttention.createAdditiveCausalMask(4) });
    expect(mx.allclose(a, b, 1e-5, 1e-6).item()).toBe(true);
  });
  it("createAdditiveCausalMask", () => {
    const m = nn.MultiHeadAttention.createAdditiveCausalMask(3);
    const v = m.tolist() as number[][];
    expect(v[0]![0]).toBe(0);
    expect(v[2]![1]).toBe(0);
    expect(v[0]![1]).toBeLessThan(-3e38);
    expect(v[1]![2]).toBeLessThan(-3e38);
  });
  it("TransformerEncoderLayer, pre-norm and post-norm", () => {
    const c = L.encoder_layer;
    const pre = f64(new nn.TransformerEncoderLayer(8, 2, { mlpDims: 16 })).loadWeights(weightPairs(c.weights));
    expectClose(pre.forward(arr(c.x), arr(c.mask)), c.y_norm_first);
    const post = f64(new nn.TransformerEncoderLayer(8, 2, { mlpDims: 16, normFirst: false })).loadWeights(weightPairs(c.weights));
    expectClose(post.forward(arr(c.x), arr(c.mask)), c.y_post_norm);
  });
  it("TransformerEncoder of two layers", () => {
    const c = L.encoder;
    const m = f64(new nn.TransformerEncoder(2, 8, 2, { mlpDims: 16 })).loadWeights(weightPairs(c.weights));
    expectClose(m.forward(arr(c.x), arr(c.mask)), c.y);
  });
  it("Transformer wires encoder memory into the decoder", () => {
    const t = new nn.Transformer({ dims: 8, numHeads: 2, numEncoderLayers: 1, numDecoderLayers: 1, mlpDims: 16 });
    const src = mx.random.normal([2, 3, 8]), tgt = mx.random.normal([2, 4, 8]);
    const mask = nn.MultiHeadAttention.createAdditiveCausalMask(4);
    const want = t.decoder.forward(tgt, t.encoder.forward(src, null), mask, null);
    expect(mx.allclose(t.forward(src, tgt, null, mask, null), want).item()).toBe(true);
  });
  it("RoPE matches the rotation formula", () => {
    const c = L.rope;
    for (const k of c.cases) {
      const m = new nn.RoPE(k.dims, { traditional: k.traditional, base: k.base, scale: k.scale });
      expectClose(m.forward(arr(c.x).astype(mx.float32), { offset: k.offset }), k.y, 2e-5);
    }
  });
  it("ALiBi slopes and biases", () => {
    const slopes = nn.ALiBi.createAlibiSlope(8).reshape([8]).tolist() as number[];
    expect(slopes).toEqual([0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625]);
    // 6 heads: the 4-head slopes, then every other one of the 8-head slopes.
    const s6 = nn.ALiBi.createAlibiSlope(6).reshape([6]).tolist() as number[];
    expect(s6).toEqual([0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125]);
    const scores = mx.zeros([1, 2, 2, 3]);
    const out = new nn.ALiBi().forward(scores, { offset: 1 }).tolist() as number[][][][];
    // query positions 1, 2 against keys 0, 1, 2; heads' slopes 0.0625 and 0.00390625
    expect(out[0]![0]).toEqual([[-0.0625, 0, -0.0625], [-0.125, -0.0625, 0]]);
    expect(out[0]![1]![0]).toEqual([-0.00390625, 0, -0.00390625]);
  });
  it("SinusoidalPositionalEncoding", () => {
    const c = L.sinusoidal;
    expectClose(new nn.SinusoidalPositionalEncoding(c.dims).forward(arr(c.x).astype(mx.float32)), c.y, 1e-5);
  });
});

describe("convolution and pooling layers", () => {
  it("Conv1d with stride and padding", () => {
    const c = L.conv1d;
    const m = f64(new nn.Conv1d(3, 4, 3, { stride: c.stride, padding: c.padding })).loadWeights(weightPairs(c.weights));
    expectClose(m.forward(arr(c.x)), c.y);
  });
  it("Conv2d with per-axis stride and padding", () => {
    const c = L.conv2d;
    const m = f64(new nn.Conv2d(2, 3, [3, 2], { stride: c.stride, padding: c.padding })).loadWeights(weightPairs(c.weights));
    expectClose(m.forward(arr(c.x)), c.y);
  });
  it("ConvTranspose1d/2d are the adjoints of Conv1d/2d (⟨conv(x), y⟩ = ⟨x, convT(y)⟩)", () => {
    const c1 = new nn.Conv1d(3, 4, 3, { bias: false });
    const t1 = new nn.ConvTranspose1d(4, 3, 3, { bias: false });
    // convT's weight (out=3, K, in=4) is conv's (4, K, 3) with channels swapped.
    t1.update({ weight: c1.weight.transpose(2, 1, 0) });
    const x = mx.random.normal([2, 7, 3]), y = mx.random.normal([2, 5, 4]);
    const lhs = c1.forward(x).mul(y).sum().item() as number;
    const rhs = x.mul(t1.forward(y)).sum().item() as number;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
    const c2 = new nn.Conv2d(2, 3, 3, { bias: false });
    const t2 = new nn.ConvTranspose2d(3, 2, 3, { bias: false });
    t2.update({ weight: c2.weight.transpose(3, 1, 2, 0) });
    const x2 = mx.random.normal([1, 5, 6, 2]), y2 = mx.random.normal([1, 3, 4, 3]);
    const l2 = c2.forward(x2).mul(y2).sum().item() as number;
    const r2 = x2.mul(t2.forward(y2)).sum().item() as number;
    expect(Math.abs(l2 - r2)).toBeLessThan(1e-4 * (1 + Math.abs(l2)));
    expect(t2.bias).toBeUndefined();
    expect(new nn.ConvTranspose2d(3, 2, 3).forward(y2).shape).toEqual([1, 5, 6, 2]);
  });
  it("ConvTranspose1d/2d with stride, padding and outputPadding", () => {
    for (const c of L.conv_transpose) {
      const Cls = (nn as any)[c.layer];
      const m = f64(new Cls(c.in, c.out, c.kernel, { stride: c.stride, padding: c.padding, outputPadding: c.outputPadding }));
      m.loadWeights(weightPairs(c.weights));
      expectClose(m.forward(arr(c.x)), c.y);
    }
  });
  it("MaxPool/AvgPool 1d, 2d and 3d, overlapping, tiling and padded windows", () => {
    for (const c of L.pooling) {
      const Cls = (nn as any)[c.layer];
      const m = new Cls(c.kernel, { stride: c.stride, padding: c.padding });
      expectClose(m.forward(arr(c.x)), c.y);
    }
  });
});

describe("recurrent layers", () => {
  it("RNN", () => {
    const c = L.rnn;
    expectClose(f64(new nn.RNN(3, 5)).loadWeights(weightPairs(c.weights)).forward(arr(c.x)), c.y);
  });
  it("GRU, from zero and from a given hidden state", () => {
    const c = L.gru;
    const m = f64(new nn.GRU(3, 5)).loadWeights(weightPairs(c.weights));
    expectClose(m.forward(arr(c.x)), c.y);
    expectClose(m.forward(arr(c.x), { hidden: arr(c.h0) }), c.y_h0);
  });
  it("LSTM returns hidden and cell states", () => {
    const c = L.lstm;
    const [h, cell] = f64(new nn.LSTM(3, 5)).loadWeights(weightPairs(c.weights)).forward(arr(c.x));
    expectClose(h, c.y);
    expectClose(cell, c.cell);
  });
  it("unbatched (L, D) input gives (L, H)", () => {
    const c = L.rnn;
    const m = f64(new nn.RNN(3, 5)).loadWeights(weightPairs(c.weights));
    const y = m.forward(arr(c.x).index(0));
    expectClose(y, { shape: [4, 5], data: c.y.data.slice(0, 20) });
  });
});

describe("Upsample", () => {
  it("nearest, linear and cubic, with and without alignCorners, integer and fractional scales", () => {
    const c = L.upsample;
    for (const k of c.cases) {
      const m = new nn.Upsample(k.scale, { mode: k.mode, alignCorners: k.align });
      expectClose(m.forward(arr(c.x)), k.y, 1e-9);
    }
  });
  it("one scale for every spatial axis; errors", () => {
    const x = mx.random.normal([2, 3, 4]);
    const y = new nn.Upsample(2).forward(x);
    expect(y.shape).toEqual([2, 6, 4]);
    expect(mx.arrayEqual(y.index(mx.slice(), mx.slice(null, null, 2)), x).item()).toBe(true);
    expect(() => new nn.Upsample(2, { mode: "area" as any })).toThrow(/\[nn\.Upsample\] Got unsupported upsampling algorithm: area/);
    expect(() => new nn.Upsample(2, { antialias: true })).toThrow(/Antialiasing is not supported for nearest neighbor upsampling/);
    expect(() => new nn.Upsample([2, 2]).forward(x)).toThrow(/One scale per spatial dimension is required/);
    expect(() => new nn.Upsample(2).forward(mx.ones([2, 3]))).toThrow(/at least 3D but 2D was provided/);
  });
});

describe("activations", () => {
  const A = fixtures.activations;
  const x = arr(A.x);
  const cases: [string, (x: mx.Array) => mx.Array][] = [
    ["relu", nn.relu], ["relu2", nn.relu2], ["relu6", nn.relu6], ["leakyRelu", (t) => nn.leakyRelu(t)],
    ["leakyRelu_0.2", (t) => nn.leakyRelu(t, { negativeSlope: 0.2 })], ["elu", (t) => nn.elu(t)],
    ["elu_0.5", (t) => nn.elu(t, { alpha: 0.5 })], ["celu_1.5", (t) => nn.celu(t, { alpha: 1.5 })], ["selu", nn.selu],
    ["sigmoid", nn.sigmoid], ["tanh", nn.tanh], ["softplus", nn.softplus], ["softsign", nn.softsign], ["silu", nn.silu],
    ["logSigmoid", nn.logSigmoid], ["gelu", nn.gelu], ["geluApprox", nn.geluApprox], ["geluFastApprox", nn.geluFastApprox],
    ["mish", nn.mish], ["hardswish", nn.hardswish], ["hardTanh", (t) => nn.hardTanh(t)], ["hardShrink", (t) => nn.hardShrink(t)],
    ["softshrink", (t) => nn.softshrink(t)], ["step", (t) => nn.step(t)], ["softmax", (t) => nn.softmax(t)],
    ["softmin", (t) => nn.softmin(t)], ["logSoftmax", (t) => nn.logSoftmax(t)], ["glu", (t) => nn.glu(t)],
    ["prelu_0.25", (t) => nn.prelu(t, mx.array([0.25], mx.float64))],
  ];
  for (const [name, f] of cases) it(name, () => expectClose(f(x), A[name]!, 1e-6));

  it("module forms give the functions' values", () => {
    const mods: [mx.nn.Module, string][] = [
      [new nn.ReLU(), "relu"], [new nn.ReLU6(), "relu6"], [new nn.LeakyReLU({ negativeSlope: 0.2 }), "leakyRelu_0.2"],
      [new nn.ELU({ alpha: 0.5 }), "elu_0.5"], [new nn.CELU({ alpha: 1.5 }), "celu_1.5"], [new nn.SELU(), "selu"],
      [new nn.Sigmoid(), "sigmoid"], [new nn.Tanh(), "tanh"], [new nn.Softplus(), "softplus"], [new nn.SiLU(), "silu"],
      [new nn.GELU(), "gelu"], [new nn.GELU({ approx: "tanh" }), "geluApprox"], [new nn.GELU({ approx: "precise" }), "geluApprox"],
      [new nn.GELU({ approx: "fast" }), "geluFastApprox"], [new nn.Mish(), "mish"], [new nn.Hardswish(), "hardswish"],
      [new nn.Softmax(), "softmax"], [new nn.LogSoftmax(), "logSoftmax"], [new nn.GLU(), "glu"], [new nn.Step(), "step"],
      [new nn.LogSigmoid(), "logSigmoid"], [new nn.Softsign(), "softsign"], [new nn.HardTanh(), "hardTanh"],
      [new nn.Softshrink(), "softshrink"], [new nn.HardShrink(), "hardShrink"], [new nn.Softmin(), "softmin"],
      [new nn.ReLU2(), "relu2"],
    ];
    for (const [m, name] of mods) expectClose(m.forward(x), A[name]!, 1e-6);
    const p = f64(new nn.PReLU());
    expect(mx.tree.flatten(p.parameters()).map(([k, v]) => [k, (v as mx.Array).shape])).toEqual([["weight", [1]]]);
    expectClose(p.forward(x), A["prelu_0.25"]!, 1e-6);
  });
  it("bad options are tagged errors", () => {
    expect(() => new nn.GELU({ approx: "erf" as any })).toThrow(/\[nn\.GELU\] The approximation should be in/);
    expect(() => nn.leakyRelu(x, { slope: 1 } as any)).toThrow(/\[nn\.leakyRelu\] Unknown option 'slope'/);
    expect(() => nn.relu([1, 2] as any)).toThrow(/\[nn\.relu\] x must be an mx\.Array/);
  });
});

// make bench: a few figures for webmx on this machine, each beside a plain-JS
// baseline run in the same process (ratios, not absolute claims). Not a test.
import * as mx from "webmx";

const threads = process.argv.includes("--single-thread") ? false : "auto";
await mx.init({ threads });
const info = mx.backendInfo();
const rows = [];
const time = (fn, reps = 5) => {
  fn(); // warm up
  const t = [];
  for (let r = 0; r < reps; ++r) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]; // median ms
};

// 1. Per-op dispatch: lazy op creation + dispose, no compute.
{
  const a = mx.ones([4]);
  const n = 100_000;
  const ms = time(() => {
    for (let i = 0; i < n; ++i) a.add(a).dispose();
  }, 3);
  rows.push({ what: "op dispatch (a.add(a), lazy) per call", webmx: `${((ms * 1000) / n).toFixed(2)} us`, baseline: "-", ratio: "-" });
  const msScalar = time(() => {
    for (let i = 0; i < n; ++i) a.add(1).dispose();
  }, 3);
  rows.push({ what: "op dispatch with a JS scalar (a.add(1)) per call", webmx: `${((msScalar * 1000) / n).toFixed(2)} us`, baseline: "-", ratio: "-" });
}

// 2. matmul 512^3 float32 vs a cache-friendly JS triple loop.
{
  const n = 512;
  const A = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
  const B = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i));
  const a = mx.array(A).reshape(n, n), b = mx.array(B).reshape(n, n);
  const ms = time(() => mx.tidy(() => mx.eval(mx.matmul(a, b))));
  const C = new Float32Array(n * n);
  const js = time(() => {
    C.fill(0);
    for (let i = 0; i < n; ++i)
      for (let k = 0; k < n; ++k) {
        const aik = A[i * n + k];
        for (let j = 0; j < n; ++j) C[i * n + j] += aik * B[k * n + j];
      }
  }, 3);
  const gf = (2 * n ** 3) / (ms * 1e6);
  rows.push({ what: `matmul ${n}x${n}x${n} f32`, webmx: `${ms.toFixed(1)} ms (${gf.toFixed(1)} GFLOP/s)`, baseline: `${js.toFixed(1)} ms`, ratio: `${(js / ms).toFixed(1)}x` });
}

// 2b. matrix-vector: matmul([1000, 100], [100]), read in place without packing.
{
  const m = 1000, k = 100, reps = 200;
  const X = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i));
  const W = Float32Array.from({ length: k }, (_, i) => Math.cos(i));
  const x = mx.array(X).reshape(m, k), w = mx.array(W);
  const ms = time(() => { for (let r = 0; r < reps; ++r) mx.tidy(() => mx.eval(mx.matmul(x, w))); }) / reps;
  const Y = new Float32Array(m);
  const js = time(() => {
    for (let r = 0; r < reps; ++r)
      for (let i = 0; i < m; ++i) {
        let s = 0;
        for (let j = 0; j < k; ++j) s += X[i * k + j] * W[j];
        Y[i] = s;
      }
  }) / reps;
  rows.push({ what: `matmul ${m}x${k} by a vector (gemv), per call`, webmx: `${(ms * 1000).toFixed(1)} us`, baseline: `${(js * 1000).toFixed(1)} us`, ratio: `${(js / ms).toFixed(1)}x` });
}

// 3. exp over 4M float32 vs Math.exp.
{
  const n = 1 << 22;
  const X = Float32Array.from({ length: n }, (_, i) => (i % 1000) / 100 - 5);
  const x = mx.array(X);
  const ms = time(() => mx.tidy(() => mx.eval(mx.exp(x))));
  const Y = new Float32Array(n);
  const js = time(() => {
    for (let i = 0; i < n; ++i) Y[i] = Math.exp(X[i]);
  });
  rows.push({ what: "exp, 4M f32", webmx: `${ms.toFixed(1)} ms`, baseline: `${js.toFixed(1)} ms`, ratio: `${(js / ms).toFixed(1)}x` });
  x.dispose();
}

// 3b. The SIMD transcendentals over 16M float32 (GB/s counts one read and one
// write), beside a copy (abs) as the memory-speed mark; the fastest of 7
// runs, which is the steadiest figure on a shared machine.
{
  const n = 1 << 24;
  const X = Float32Array.from({ length: n }, (_, i) => (i % 1000) / 100 - 5);
  const x = mx.array(X), xp = mx.array(X.map((v) => Math.abs(v) + 0.1));
  const fastest = (fn) => {
    fn();
    let best = Infinity;
    for (let r = 0; r < 7; ++r) {
      const t0 = performance.now();
      fn();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  };
  const copy = fastest(() => mx.tidy(() => mx.eval(mx.abs(x))));
  for (const op of ["exp", "expm1", "log", "log1p", "tanh", "sigmoid", "sin", "cos", "erf"]) {
    // log and log1p over their domain (x in [-5, 5) would make 40% of log1p's lanes NaN, its rare path)
    const input = op === "log" || op === "log1p" ? xp : x;
    const ms = fastest(() => mx.tidy(() => mx.eval(mx[op](input))));
    rows.push({ what: `${op}, 16M f32`, webmx: `${ms.toFixed(1)} ms (${((8 * n) / (ms * 1e6)).toFixed(1)} GB/s)`, baseline: `copy ${copy.toFixed(1)} ms`, ratio: `${(copy / ms).toFixed(2)}x` });
  }
  mx.dispose([x, xp]);
}

// 4. sum of 16M float32 vs a JS loop.
{
  const n = 1 << 24;
  const X = Float32Array.from({ length: n }, (_, i) => (i % 7) - 3);
  const x = mx.array(X);
  const ms = time(() => mx.tidy(() => mx.eval(x.sum())));
  const js = time(() => {
    let s = 0;
    for (let i = 0; i < n; ++i) s += X[i];
    return s;
  });
  rows.push({ what: "sum, 16M f32", webmx: `${ms.toFixed(1)} ms`, baseline: `${js.toFixed(1)} ms`, ratio: `${(js / ms).toFixed(1)}x` });
}

// 5. A 10-op elementwise chain (and a reduction ending one), compiled with fusion (one tiled kernel)
// against the same compiled graph unfused and against eager ops.
{
  // transcendental-heavy (compute-bound) and arithmetic-only (memory-bound)
  const chains = {
    "10-op chain": (x, y) => x.mul(y).add(1).tanh().mul(x).sub(y.sigmoid()).abs().sqrt().add(0.5).log().maximum(x),
    "10-op arithmetic chain": (x, y) => x.mul(y).add(1).mul(x).sub(y).mul(0.5).add(x).maximum(y).mul(y).sub(1).minimum(x),
    "sum((x - y)^2), a reduction ending the chain,": (x, y) => x.sub(y).square().sum(),
  };
  for (const [name, chain] of Object.entries(chains))
  for (const n of [1 << 20, 1 << 24]) {
    const fused = mx.compile(chain);
    const unfused = mx.compile(chain, { fuse: false });
    const x = mx.array(Float32Array.from({ length: n }, (_, i) => Math.sin(i))), y = mx.array(Float32Array.from({ length: n }, (_, i) => Math.cos(i)));
    const reps = n > 1 << 20 ? 5 : 7;  // 16M: the first runs after a heap growth touch fresh pages (slow on VMs)
    const tf = time(() => mx.tidy(() => mx.eval(fused(x, y))), reps);
    const tu = time(() => mx.tidy(() => mx.eval(unfused(x, y))), reps);
    const te = time(() => mx.tidy(() => mx.eval(chain(x, y))), reps);
    const label = n === 1 << 20 ? "1M" : "16M";
    rows.push({ what: `${name} ${label} f32: fused vs compiled unfused`, webmx: `${tf.toFixed(1)} ms`, baseline: `${tu.toFixed(1)} ms`, ratio: `${(tu / tf).toFixed(2)}x` });
    rows.push({ what: `${name} ${label} f32: fused vs eager`, webmx: `${tf.toFixed(1)} ms`, baseline: `${te.toFixed(1)} ms`, ratio: `${(te / tf).toFixed(2)}x` });
    mx.dispose([x, y]);
    fused.dispose();
    unfused.dispose();
  }
}

// 6. The demo's training step (64-128-10 MLP, batch 64, valueAndGrad + SGD):
// compiled against the same step run eagerly.
{
  const rnd = (n, k) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.1);
  const state = { p: { w1: mx.array(rnd(64 * 128, 1.1)).reshape(64, 128), b1: mx.zeros([128]), w2: mx.array(rnd(1280, 1.7)).reshape(128, 10), b2: mx.zeros([10]) } };
  const x = mx.array(rnd(64 * 64, 0.3).map((v) => v * 100)).reshape(64, 64);
  const y = mx.array(Float32Array.from({ length: 640 }, (_, i) => (i % 10 === (i / 10) % 7 ? 1 : 0))).reshape(64, 10);
  const loss = (p, xb, yb) => {
    const logits = mx.add(mx.matmul(mx.maximum(mx.add(mx.matmul(xb, p.w1), p.b1), 0), p.w2), p.b2);
    const m = logits.max(-1, true);
    const lse = m.add(mx.log(mx.exp(logits.sub(m)).sum(-1, true)));
    return lse.sub(logits.mul(yb).sum(-1, true)).mean();
  };
  const vg = mx.valueAndGrad(loss);
  const body = (xb, yb) => {
    const [l, g] = vg(state.p, xb, yb);
    state.p = mx.tree.map((w, d) => w.sub(d.mul(0.05)), state.p, g);
    return l;
  };
  const compiled = mx.compile(body, { inputs: state, outputs: state });
  const n = 200;
  const run = (f) => () => {
    for (let i = 0; i < n; ++i) {
      const old = state.p;
      mx.tidy(() => {
        mx.eval(f(x, y), state.p);
        return state.p;
      });
      if (f === body) mx.dispose(old); // compile frees the state it replaces itself
    }
  };
  const tc = time(run(compiled), 3), te = time(run(body), 3);
  rows.push({ what: "digits MLP training step: compiled vs eager", webmx: `${((tc * 1000) / n).toFixed(0)} us`, baseline: `${((te * 1000) / n).toFixed(0)} us`, ratio: `${(te / tc).toFixed(2)}x` });
}

// 7. Inference on requests of varying batch size (a Worker serving a model):
// one shapeless trace against compile's trace per new shape, over the same
// stream of batch sizes, each compiled function fresh per run.
{
  const rnd = (n, k) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * k) * 0.1);
  const w1 = mx.array(rnd(64 * 128, 1.1)).reshape(64, 128), w2 = mx.array(rnd(1280, 1.7)).reshape(128, 10);
  const forward = (xb) => mx.softmax(mx.matmul(mx.tanh(mx.matmul(xb, w1)), w2), -1).argmax(-1);
  const batches = Array.from({ length: 40 }, (_, i) => 1 + ((i * 7) % 32));
  const inputs = batches.map((b) => mx.array(rnd(b * 64, 0.3)).reshape(b, 64));
  const serve = (shapeless) => () => {
    const f = mx.compile(forward, { shapeless });
    for (const xb of inputs) mx.tidy(() => mx.eval(f(xb)));
    f.dispose();
  };
  const ts = time(serve(true), 3), tr = time(serve(false), 3);
  rows.push({ what: `MLP inference, ${inputs.length} requests of ${new Set(batches).size} batch sizes: shapeless vs per-shape traces`, webmx: `${ts.toFixed(1)} ms`, baseline: `${tr.toFixed(1)} ms`, ratio: `${(tr / ts).toFixed(2)}x` });
  mx.dispose([w1, w2, ...inputs]);
}

// 8. Row kernels over [1024, 4096] float32 along the last axis: GB/s counts
// one read of the input and one write of the output (logsumexp writes one
// value per row), beside a two-pass plain-JS softmax in float64.
{
  const R = 1024, C = 4096, n = R * C;
  const X = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 4);
  const x = mx.array(X).reshape(R, C);
  const w = mx.array(Float32Array.from({ length: C }, (_, i) => 1 + Math.cos(i))), b = mx.array(Float32Array.from({ length: C }, (_, i) => Math.sin(i)));
  const gbs = (bytes, ms) => `${ms.toFixed(2)} ms (${(bytes / (ms * 1e6)).toFixed(1)} GB/s)`;
  const Y = new Float32Array(n);
  const js = time(() => {
    for (let r = 0; r < R; ++r) {
      const o = r * C;
      let m = -Infinity;
      for (let i = 0; i < C; ++i) m = Math.max(m, X[o + i]);
      let s = 0;
      for (let i = 0; i < C; ++i) s += Y[o + i] = Math.exp(X[o + i] - m);
      for (let i = 0; i < C; ++i) Y[o + i] /= s;
    }
  }, 3);
  const cases = [
    ["softmax", () => mx.softmax(x, -1), 8 * n],
    ["logSoftmax", () => mx.logSoftmax(x, -1), 8 * n],
    ["logsumexp", () => mx.logsumexp(x, -1), 4 * n + 4 * R],
    ["fast.layerNorm", () => mx.fast.layerNorm(x, w, b, 1e-5), 8 * n],
    ["fast.rmsNorm", () => mx.fast.rmsNorm(x, w, 1e-5), 8 * n],
  ];
  const centred = () => x.sub(mx.mean(x, -1, true));
  const composed = {
    "fast.layerNorm": () => { const c = centred(); return c.mul(mx.rsqrt(mx.mean(mx.square(c), -1, true).add(1e-5))).mul(w).add(b); },
    "fast.rmsNorm": () => x.mul(mx.rsqrt(mx.mean(mx.square(x), -1, true).add(1e-5))).mul(w),
  };
  for (const [name, f, bytes] of cases) {
    const ms = time(() => mx.tidy(() => mx.eval(f())), 7);
    // softmax: beside plain JS; the norms: beside their definitions composed of mx ops
    const base = name === "softmax" ? js : composed[name] ? time(() => mx.tidy(() => mx.eval(composed[name]())), 7) : null;
    const what = name === "softmax" ? "plain JS" : "composed";
    rows.push({ what: `${name} [${R}, ${C}] f32, last axis`, webmx: gbs(bytes, ms), baseline: base ? `${what} ${base.toFixed(1)} ms` : "-", ratio: base ? `${(base / ms).toFixed(1)}x` : "-" });
  }
  mx.dispose([x, w, b]);
}

// Sections 9 and 10: an SGD training step (valueAndGrad of `loss`, then
// p - lr * g), and ms per step of f(p, x, y) -> [loss, new p] over 9 runs
// that each replace p, as a training loop does.
const sgdStep = (loss, lr) => {
  const vg = mx.valueAndGrad(loss);
  return (p, x, y) => {
    const [l, g] = vg(p, x, y);
    return [l, mx.tree.map((a, b) => a.sub(b.mul(lr)), p, g)];
  };
};
const stepTime = (f, params, x, y) => {
  let p = params;
  const ms = time(() => {
    const [l, next] = mx.tidy(() => {
      const r = f(p, x, y);
      mx.eval(r);
      return r;
    });
    mx.dispose(p, l);
    p = next;
  }, 9);
  mx.dispose(p);
  return ms;
};

// 9. A 2-layer transformer encoder training step (B16, L32, D64, 4 heads;
// valueAndGrad + SGD): compiled against eager, and fused against the same
// compiled step with {fuse: false} (fusion must never lose: issue 14).
{
  const B = 16, L = 32, D = 64;
  const x = mx.random.normal([B, L, D]), y = mx.random.randint(0, 10, [B]);
  mx.eval(x, y);
  // A fresh model per variant: a traced step leaves tracers in the modules it updated.
  const timeMode = (mode) => {
    mx.random.seed(0);
    const model = new mx.nn.TransformerEncoder(2, D, 4), head = new mx.nn.Linear(D, 10);
    const step = sgdStep((p, x, y) => {
      model.update(p.m);
      head.update(p.h);
      return mx.nn.losses.crossEntropy(head.forward(model.forward(x, null).mean(1)), y, { reduction: "mean" });
    }, 0.01);
    const f = mode === "eager" ? step : mx.compile(step, { fuse: mode === "fused" });
    return stepTime(f, mx.keep({ m: model.parameters(), h: head.parameters() }), x, y);
  };
  const te = timeMode("eager"), tc = timeMode("fused"), tn = timeMode("unfused");
  rows.push({ what: "transformer step B16 L32 D64: compiled vs eager", webmx: `${tc.toFixed(2)} ms`, baseline: `${te.toFixed(2)} ms`, ratio: `${(te / tc).toFixed(2)}x` });
  rows.push({ what: "transformer step: compiled (fused) vs {fuse: false}", webmx: `${tc.toFixed(2)} ms`, baseline: `${tn.toFixed(2)} ms`, ratio: `${(tn / tc).toFixed(2)}x` });
  mx.dispose([x, y]);
}

// 10. float16 and bfloat16 training against float32: the 784-512-512-10 MLP
// step at batch 128 (valueAndGrad + SGD, compiled), parameters and data in
// the 16-bit type (elementwise work widened to float32 in SIMD blocks).
{
  const sizes = [784, 512, 512, 10], batch = 128;
  const timeDtype = (dt) => {
    mx.random.seed(1);
    const p = {};
    for (let l = 0; l < 3; l++) {
      p[`w${l}`] = mx.random.normal([sizes[l], sizes[l + 1]]).mul(0.05).astype(dt);
      p[`b${l}`] = mx.zeros([sizes[l + 1]], dt);
    }
    const x = mx.random.normal([batch, 784]).astype(dt), y = mx.zeros([batch, 10], dt);
    const f = mx.compile(sgdStep((p, x, y) => {
      let h = x;
      for (let l = 0; l < 3; l++) {
        h = mx.matmul(h, p[`w${l}`]).add(p[`b${l}`]);
        if (l < 2) h = mx.maximum(h, 0);
      }
      return mx.logSoftmax(h, -1).mul(y).sum().mul(-1 / batch);
    }, 0.01));
    const ms = stepTime(f, p, x, y);
    mx.dispose([x, y]);
    return ms;
  };
  const t32 = timeDtype(mx.float32);
  for (const dt of [mx.float16, mx.bfloat16]) {
    const t = timeDtype(dt);
    rows.push({ what: `MLP 784-512-512-10 b128 step, ${dt} vs float32`, webmx: `${t.toFixed(2)} ms`, baseline: `${t32.toFixed(2)} ms`, ratio: `${(t32 / t).toFixed(2)}x` });
  }
}

console.log(`webmx bench: ${info.variant === "mt" ? `threaded, ${info.threads} threads` : "single thread"} (baseline: plain JS in the same process)`);
console.table(rows);
console.log(JSON.stringify({ backend: info, results: rows }));

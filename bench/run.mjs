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

console.log(`webmx bench: ${info.variant === "mt" ? `threaded, ${info.threads} threads` : "single thread"} (baseline: plain JS in the same process)`);
console.table(rows);
console.log(JSON.stringify({ backend: info, results: rows }));

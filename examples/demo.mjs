// make demo: a tour of what works today, on both wasm builds.
// (The transforms work turns this into training an MLP on the digits data.)
import * as mx from "webmx";

const threads = process.argv.includes("--single-thread") ? false : "auto";
await mx.init({ threads });
const info = mx.backendInfo();
console.log(`webmx ${info.variant === "mt" ? `threaded build, ${info.threads} threads` : "single-thread build"}, SIMD ${info.simd}\n`);

const x = mx.array([[1, 2], [3, 4]]);
console.log("x =", x.toString());
console.log("x @ x =", mx.matmul(x, x).toString());
console.log("(x @ x + 1).sum() =", mx.matmul(x, x).add(1).sum().item());
console.log("x.T =", x.T.toString(), "(a view: no copy)");
console.log("x.sum(0) =", x.sum(0).toString(), " x.sum(1, keepdims) =", x.sum(1, true).toString());
const i = mx.array([1, 2, 3], mx.int32);
console.log("int32 + 1 =", i.add(1).toString(), " int32 + 0.5 =", i.add(0.5).toString());
console.log("bool sum =", mx.array([true, false, true]).sum().toString());

// Least squares by the normal equations' pieces, lazily: one graph, one eval.
const n = 4096, d = 256;
const data = new Float32Array(n * d).map((_, k) => Math.sin(k * 0.37));
const A = mx.array(data).reshape(n, d);
const gram = mx.matmul(A.T, A); // reads the transposed view directly
let t0 = performance.now();
mx.eval(gram);
let ms = performance.now() - t0;
const gflops = (2 * n * d * d) / (ms * 1e6);
console.log(`\nA.T @ A for A of shape (${n},${d}): ${ms.toFixed(1)} ms, ${gflops.toFixed(1)} GFLOP/s`);
console.log("trace(A.T @ A) =", mx.sum(mx.multiply(gram, mx.array(Float32Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 1 : 0))).reshape(d, d))).item().toFixed(2),
  " = sum(A*A) =", A.mul(A).sum().item().toFixed(2));

try {
  mx.matmul(A, A);
} catch (e) {
  console.log(`\nshape errors are tagged JS Errors: ${e.message}`);
}
console.log("...and the module keeps working:", mx.add(x, 1).tolist());

// Matmul of strided float operands: a [..., M, K] times b [..., K, N] (batch
// axes already broadcast by the core) into a row-contiguous [..., M, N],
// accumulated in f32; float16/bfloat16 operands are widened on load and the
// result rounded once, as the CPU does. A float32 result takes the tiled
// kernel (matmul_tiled.ts, which hands 4-aligned row-major float32 operands
// to matmul_gemm.ts); a 16-bit one the plain kernel below, whose
// invocations each write one output word.

import type { Dispatch, KernelCall } from "../dispatch_types.js";
import { bindings, wordLoop, wordsFor } from "../codegen.js";
import { gpuDtype, gpuDtypes } from "../wgsl_dtypes.js";
import { tiledMatmulFits, tiledMatmulKernel } from "./matmul_tiled.js";

export function supportsMatmul(op: string, inputs: number[], outputs: number[]): boolean {
  if (op !== "Matmul" || inputs.length !== 2 || outputs.length !== 1) return false;
  const ds = [...inputs, outputs[0]!].map((c) => gpuDtypes.get(c));
  return ds.every((d) => d?.compute === "f32");
}

export function matmulKernel(d: Dispatch): KernelCall {
  return tiledMatmulFits(d) ? tiledMatmulKernel(d) : plainMatmulKernel(d);
}

/**
 * One dot product per output element: the kernel for 16-bit results.
 * Parameters: [nOut, nb, M, N, K, aOffset, bOffset, a strides (nb+2), b
 * strides (nb+2), batch shape (nb)].
 */
function plainMatmulKernel(d: Dispatch): KernelCall {
  const [a, b] = d.inputs as [typeof d.inputs[0], typeof d.inputs[0]];
  const output = d.outputs[0]!;
  const nd = output.shape.length;
  const nb = nd - 2;
  const M = output.shape[nd - 2]!, N = output.shape[nd - 1]!, K = a.shape[nd - 1]!;
  const nOut = output.shape.reduce((x, y) => x * y, 1);
  const A = gpuDtype(a.dtype), B = gpuDtype(b.dtype), out = gpuDtype(output.dtype);
  const body = `
    let nb = prm[1];
    let M = u32(prm[2]);
    let N = u32(prm[3]);
    let K = u32(prm[4]);
    let sa = 7;
    let sb = 7 + nb + 2;
    let bs = 7 + 2 * (nb + 2);
    let col = e % N;
    let row = (e / N) % M;
    var r = e / (M * N);
    var ia = prm[5];
    var ib = prm[6];
    for (var dd = nb - 1; dd >= 0; dd--) {
      let size = u32(prm[bs + dd]);
      let c = i32(r % size);
      ia += c * prm[sa + dd];
      ib += c * prm[sb + dd];
      r = r / size;
    }
    ia += i32(row) * prm[sa + nb];
    ib += i32(col) * prm[sb + nb + 1];
    let ak = prm[sa + nb + 1];
    let bk = prm[sb + nb];
    var acc = 0.0;
    for (var k = 0u; k < K; k++) {
      acc += ${A.load("in0", "u32(ia + i32(k) * ak)")} * ${B.load("in1", "u32(ib + i32(k) * bk)")};
    }
    v = acc;`;
  return {
    source: bindings(2) + wordLoop(out, body),
    params: [nOut, nb, M, N, K, a.offset, b.offset, ...a.strides, ...b.strides, ...output.shape.slice(0, nb)],
    words: wordsFor(nOut, out),
    inputs: d.inputs,
    output,
  };
}

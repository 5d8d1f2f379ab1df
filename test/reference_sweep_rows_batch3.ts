// The ops sweep's rows for issue 15's third batch (bitwise ops, quantized
// matmuls, matmul variants, layout ops, 3-D and general convolutions), in the
// format of reference_sweep_rows.ts, which adds them to its table and master
// list.
import { mx } from "./setup.js";
import type { Row } from "./reference_sweep.js";

type A = any;
/** Small integers from float inputs, for the bitwise ops. */
const ints = (x: A) => x.mul(8).astype(mx.int32);
const shifts = (x: A) => x.mul(4).add(4).astype(mx.int32);
/** A fixed 4-bit quantized (3 x 32) weight (float32: the kernel computes in float32). */
const quantized = () => {
  const w = mx.arange(0, 96, mx.float32).reshape([3, 32]).mul(0.37).sin();
  return mx.quantize(w, 32, 4);
};
/** The same weight in MLX's mxfp8 mode: [codes, uint8 scales]. */
const fpQuantized = () => mx.quantize(mx.arange(0, 96, mx.float32).reshape([3, 32]).mul(0.37).sin(), 32, 8, { mode: "mxfp8" });

/** The fp quantization modes' rows (their primitives are CPU fallbacks on the GPU: ts/webgpu/fallbacks.ts). */
const fpQuantizedRows: Row[] = [
  { op: "quantize", label: "mxfp4", inputs: [[2, 32]], zeroGrad: true, fn: (w) => mx.quantize(w, 32, 4, { mode: "mxfp4" })[0] },
  { op: "quantize", label: "nvfp4 scales", inputs: [[2, 32]], zeroGrad: true, fn: (w) => mx.quantize(w, 16, 4, { mode: "nvfp4" })[1] },
  {
    op: "quantizedMatmul",
    label: "mxfp8",
    inputs: [[2, 32]],
    f32: true,
    fn: (x) => {
      const [wq, s] = fpQuantized();
      return mx.quantizedMatmul(x, wq!, s!, null, { mode: "mxfp8" });
    },
  },
  {
    op: "gatherQmm",
    label: "mxfp8",
    inputs: [[2, 1, 32]],
    f32: true,
    fn: (x) => {
      const [wq, s] = fpQuantized().map((a) => mx.stack([a, a]));
      return mx.gatherQmm(x, wq!, s!, null, mx.array([1, 0, 1], mx.int32), mx.array([0, 1, 1], mx.int32), { mode: "mxfp8" });
    },
  },
];

export const batch3Rows: Row[] = [
  ...fpQuantizedRows,
  { op: "bitwiseAnd", inputs: [[2, 3], [3]], zeroGrad: true, fn: (a, b) => mx.bitwiseAnd(ints(a), ints(b)) },
  { op: "bitwiseOr", inputs: [[2, 3], [3]], zeroGrad: true, fn: (a, b) => mx.bitwiseOr(ints(a), ints(b)) },
  { op: "bitwiseXor", inputs: [[2, 3], [3]], zeroGrad: true, fn: (a, b) => mx.bitwiseXor(ints(a), ints(b)) },
  { op: "leftShift", inputs: [[2, 3], [3]], zeroGrad: true, fn: (a, b) => mx.leftShift(ints(a), shifts(b)) },
  { op: "rightShift", inputs: [[2, 3], [3]], zeroGrad: true, fn: (a, b) => mx.rightShift(ints(a).mul(16), shifts(b)) },
  // bitwise_invert and view have no derivative rule (MLX): integer inputs
  // only, so the row checks values and vmap.
  { op: "bitwiseInvert", inputs: [], ints: [{ shape: [2, 3], gen: (i, b) => i * 37 - 90 + b }], fn: (a) => mx.bitwiseInvert(a) },
  { op: "view", inputs: [], ints: [{ shape: [2, 4], gen: (i, b) => i * 1000 - 3000 + b }], fn: (a) => mx.view(a, mx.int16) },
  // the codes are piecewise constant in the weights
  { op: "quantize", inputs: [[2, 32]], zeroGrad: true, fn: (w) => mx.quantize(w, 32, 4)[0] },
  {
    op: "dequantize",
    inputs: [[3, 1], [3, 1]],
    f32: true,
    fn: (s, b) => mx.dequantize(quantized()[0]!, s, b, 32, 4),
  },
  {
    op: "quantizedMatmul",
    inputs: [[2, 32], [3, 1], [3, 1]],
    f32: true,
    fn: (x, s, b) => {
      const [wq] = quantized();
      return mx.quantizedMatmul(x, wq!, s, b, { groupSize: 32 });
    },
  },
  {
    op: "quantizedMatmul",
    label: "transpose false",
    inputs: [[2, 3]],
    f32: true,
    fn: (x) => {
      const [wq, s, b] = quantized();
      return mx.quantizedMatmul(x, wq!, s!, b!, { groupSize: 32, transpose: false });
    },
  },
  {
    op: "gatherQmm",
    inputs: [[2, 1, 32]],
    f32: true,
    fn: (x) => {
      const [wq, s, b] = quantized().map((a) => mx.stack([a, a.mul(1)]));
      return mx.gatherQmm(x, wq!, s!, b!, mx.array([1, 0, 1], mx.int32), mx.array([0, 1, 1], mx.int32), { groupSize: 32 });
    },
  },
  {
    op: "gatherMm",
    inputs: [[3, 2, 4], [2, 4, 2]],
    ints: [{ shape: [2], gen: (i, b) => (i + b) % 3 }, { shape: [2], gen: (i, b) => (i * 2 + b) % 2 }],
    fn: (a, b, li, ri) => mx.gatherMm(a, b, li, ri),
  },
  {
    op: "blockMaskedMm",
    inputs: [[2, 40], [40, 3], [1, 2]],
    fn: (a, b, ml) => mx.blockMaskedMm(a, b, 32, mx.array([[true]]), ml, mx.array([[true], [false]])),
  },
  {
    op: "segmentedMm",
    inputs: [[2, 5], [5, 3]],
    ints: [{ shape: [2, 2], gen: (i, b) => [0, 2 + b, 1, 5][i]! }],
    fn: (a, b, segs) => mx.segmentedMm(a, b, segs),
  },
  { op: "hadamardTransform", inputs: [[2, 8]], fn: (x) => mx.hadamardTransform(x) },
  { op: "contiguous", inputs: [[2, 3]], fn: (x) => mx.contiguous(x.T) },
  { op: "depends", inputs: [[2, 3], [3]], fn: (a, d) => mx.depends([a.mul(2)], [d.add(1)])[0] },
  { op: "conv3d", inputs: [[1, 3, 3, 3, 2], [2, 2, 2, 2, 2]], fn: (x, w) => mx.conv3d(x, w, { padding: [1, 0, 0], stride: [2, 1, 1] }) },
  { op: "convTranspose3d", inputs: [[1, 2, 2, 2, 2], [2, 2, 2, 2, 2]], fn: (x, w) => mx.convTranspose3d(x, w, { stride: 2, padding: [1, 0, 0] }) },
  {
    op: "convGeneral",
    inputs: [[1, 4, 2], [2, 3, 2]],
    fn: (x, w) => mx.convGeneral(x, w, { padding: [[2], [1]], inputDilation: 2, flip: true }),
  },
];


/** The third batch's ops that take arrays, for the master list. */
export const BATCH3_OPS: string[] = (
  "bitwiseAnd bitwiseOr bitwiseXor leftShift rightShift bitwiseInvert quantize dequantize quantizedMatmul gatherQmm qqmm " +
  "gatherMm blockMaskedMm segmentedMm hadamardTransform view contiguous depends conv3d convTranspose3d convGeneral"
).split(" ");

export const BATCH3_NOT_SWEPT: Record<string, string> = {
  qqmm:
    "its gradient is MLX's straight-through one (not the derivative finite differences measure) and it has no vmap, " +
    "as in MLX: test/fp_quantize.test.ts checks it against a reference",
};

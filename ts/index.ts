// webmx: MLX's lazy arrays and function transformations for the web.
// Usage: `import * as mx from "webmx"; await mx.init();`

export {
  init, backendInfo, memory, setCacheLimit, clearCache, type InitOptions, type MemoryInfo,
} from "./runtime.js";
export { MxArray as Array, type ArrayOrScalar, type Axis, type Complex, type NestedList, type Scalar } from "./array.js";
export {
  Dtype, type DtypeName, type DataArray, bool, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
  float16, bfloat16, float32, float64, complex64,
} from "./dtype.js";
export { complex, real, imag, conjugate, conj } from "./complex.js";
export * as fft from "./fft.js";
export { array, full, zeros, ones, arange, linspace, eye, identity, tri, tril, triu, type NestedInput, type ArangeOptions } from "./creation.js";
export * from "./elementwise.js";
export { evaluate as eval, asyncEval } from "./eval.js";
export { Device, type DeviceType, cpu, gpu, setDefaultDevice, defaultDevice, withDevice, gpuAvailable, synchronize } from "./device.js";
export type { StreamOptions } from "./stream.js";
export { exportToDot } from "./graph_dot.js";
export {
  grad, valueAndGrad, vjp, jvp, vmap, customFunction, checkpoint, tidy, keep, dispose, type GradOptions,
  type VmapOptions, type AxisSpec, type CustomFunction,
} from "./transforms.js";
export type { GradOptionsFor, GradResult, OutputList } from "./tree_types.js";
export {
  reshape, transpose, broadcastTo, squeeze, expandDims, moveaxis, concatenate, stack, split, tile, repeat, pad,
  flatten, unflatten, swapaxes, broadcastArrays, asStrided,
  take, takeAlongAxis, putAlongAxis, sliceDynamic, sliceUpdate, slice, Slice,
  type PadOptions, type IndexEntry, type AtUpdater,
} from "./shape_ops.js";
export { compile, disableCompile, enableCompile, type Compiled, type CompileOptions } from "./compile.js";
export * from "./reduce_ops.js";
export * as random from "./random.js";
export { pi, e, inf, nan, eulerGamma, newaxis } from "./constants.js";
export * from "./linalg.js";
export * as fast from "./fast.js";
export * as tree from "./tree.js";
export * as nn from "./nn/index.js";
/** @internal Test hooks: not part of the API, may change at any time. */
export * as _internal from "./internal.js";
export * as optimizers from "./optimizers/index.js";
export * as utils from "./utils.js";
export {
  load, save, savez, savezCompressed, saveSafetensors, saveGguf, type LoadOptions as LoadFileOptions, type LoadFormat, type GgufMetadataValue,
} from "./io/load_save.js";

// ---- MLX ops composed in TypeScript from the core's ops (ts/ops_extra/) ----
export {
  degrees, radians, isposinf, isneginf, logicalXor, positive, trunc, nanToNum, divmod, fullLike,
  type NanToNumOptions,
} from "./ops_extra/elementwise_like.js";
export {
  flip, roll, atleast1d, atleast2d, atleast3d, permuteDims, concat, unstack, meshgrid, broadcastShapes, diff,
  type UnstackOptions, type MeshgridOptions,
} from "./ops_extra/shape_like.js";
export { diagonal, diag, trace, kron, vecdot, type VecdotOptions } from "./ops_extra/linalg_like.js";
export {
  countNonzero, median, logcumsumexp, partition, argpartition, searchsorted,
  type CountNonzeroOptions, type LogcumsumexpOptions,
} from "./ops_extra/reduce_like.js";
export { bartlett, hanning, hamming, blackman, convolve } from "./ops_extra/signal_like.js";
export {
  DtypeCategory, generic, number, integer, signedinteger, unsignedinteger, inexact, floating, complexfloating,
  issubdtype, isdtype, resultType, canCast, type DtypeKindName,
} from "./ops_extra/dtype_like.js";
export { asarray, type AsarrayOptions } from "./ops_extra/creation_like.js";
export { toFp8, fromFp8 } from "./ops_extra/fp8_like.js";
export * as linalg from "./linalg_namespace.js";
export {
  quantize, dequantize, quantizedMatmul, gatherQmm, qqmm,
  type QuantizationMode, type QqmmOptions, type QuantizeOptions, type DequantizeOptions, type QuantizedMatmulOptions,
  type GatherQmmOptions,
} from "./quantized.js";
export { view, contiguous, depends } from "./layout.js";
export {
  gatherMm, blockMaskedMm, segmentedMm, hadamardTransform, type GatherMmOptions,
} from "./ops_extra/matmul_like.js";
export {
  conv3d, convTranspose3d, convGeneral, type Conv3dOptions, type ConvTranspose3dOptions, type ConvGeneralOptions,
} from "./ops_extra/conv_like.js";
export { einsumPath } from "./ops_extra/einsum_path.js";

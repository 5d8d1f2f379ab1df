// What the core hands the GPU backend for one kernel (wasm/gpu_bindings.cpp).

export interface Operand {
  /** Buffer id from GpuBackend.allocate. */
  buffer: number;
  /** Dtype code (core/dtype.h). */
  dtype: number;
  shape: number[];
  /** In elements; 0 for broadcast axes, negative for reversed views. */
  strides: number[];
  /** In elements. */
  offset: number;
}

export interface Dispatch {
  /** The primitive's name (Primitive::name()): "Exp", "Add", "Sum", "Matmul", ... */
  op: string;
  /** The primitive's parameters (Primitive::state()). */
  state: Record<string, number | boolean | string | number[]>;
  inputs: Operand[];
  /** Freshly allocated, row-contiguous. */
  outputs: Operand[];
}

/** A kernel ready to record: its WGSL (the pipeline cache key), parameters and launch size. */
export interface KernelCall {
  source: string;
  params: number[];
  /** Invocations (one per output word). */
  words: number;
  /** Workgroups to launch instead, for kernels that give each workgroup one row. */
  groups?: number;
  /** A 3-D grid of workgroups to launch instead (tiled kernels: tile column, tile row, batch). */
  grid?: [number, number, number];
  inputs: Operand[];
  output: Operand;
}

/**
 * Kernels run in order for one primitive, with scratch buffers between them
 * (an operand whose `buffer` is `scratchRef(k)` names scratch buffer k). The
 * GPU orders the dispatches of one pass, so a stage sees what the one before wrote.
 */
export interface KernelPlan {
  stages: KernelCall[];
  /** Byte sizes of the scratch buffers. */
  scratch: number[];
}

/** The buffer id that stands for scratch buffer k of a plan. */
export const scratchRef = (k: number) => -(k + 1);

/** A row-contiguous 32-bit scratch operand of `n` elements. */
export function scratchOperand(k: number, dtype: number, shape: number[]): Operand {
  const strides: number[] = [];
  let s = 1;
  for (let d = shape.length - 1; d >= 0; --d) { strides[d] = s; s *= shape[d]!; }
  return { buffer: scratchRef(k), dtype, shape, strides, offset: 0 };
}

/** A family of kernels: which (op, dtypes) it runs, and the kernels for one dispatch. */
export interface KernelFamily {
  supports(op: string, inputs: number[], outputs: number[]): boolean;
  plan(d: Dispatch): KernelCall | KernelPlan;
}

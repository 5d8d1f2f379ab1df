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
  inputs: Operand[];
  output: Operand;
}

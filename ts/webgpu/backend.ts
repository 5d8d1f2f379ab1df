// The WebGPU backend: implements the core's GPU backend interface
// (core/backend/gpu/gpu_backend.h) through embind. It owns the GPUBuffers
// (a size-bucketed pool), the pipelines (cached by WGSL source), the command
// encoder that kernels are recorded into between flushes, and readback.
//
// Everything here runs on the JS thread that owns the GPUDevice: the core
// calls it from eval on that thread only.

/// <reference types="@webgpu/types" />
import type { Dispatch, KernelCall, Operand } from "./dispatch_types.js";
import { KERNEL_FAMILIES, planFor } from "./kernels/index.js";
import { groupGrid, setSubgroups, workgroups } from "./codegen.js";
import { gpuDtypes } from "./wgsl_dtypes.js";
import { setGemmStorageLimit } from "./kernels/matmul_gemm.js";
import { setRowGroupLimit } from "./kernels/rows.js";
import type { GpuBackendHandle } from "./options.js";

// GPUBufferUsage / GPUMapMode values (Node has no such globals without the binding's `globals`).
const STORAGE = 0x80, COPY_SRC = 0x04, COPY_DST = 0x08, MAP_READ = 0x01, MAP_MODE_READ = 0x01;
const COMPUTE = 0x4; // GPUShaderStage.COMPUTE
/** Bytes of kernel parameter blocks kept on the GPU (4096 blocks at the usual 256-byte alignment). */
const PARAMS_ARENA = 1024 * 1024;
/** Bind groups kept for reuse (a few steps of a training loop's kernels). */
const BIND_GROUP_CACHE = 8192;

/** Ops whose node shares its input's buffer (core views): any stored dtype. */
const VIEWS = new Set(["Squeeze", "ExpandDims", "Transpose", "Broadcast", "Slice", "ConcatPart", "Depends", "ToDevice", "Placeholder"]);

/** Buffer sizes: powers of two up to 1 MiB (at least 256 bytes), then multiples of 1 MiB. */
function bucket(nbytes: number): number {
  if (nbytes <= 256) return 256;
  if (nbytes <= 1 << 20) return 2 ** Math.ceil(Math.log2(nbytes));
  return Math.ceil(nbytes / (1 << 20)) * (1 << 20);
}

/** The GPU pool's least limit (and setCacheLimit's documented default). */
const DEFAULT_CACHE_LIMIT = 256 * 2 ** 20;

export class WebGpuBackend implements GpuBackendHandle {
  private readonly buffers = new Map<number, GPUBuffer>();
  private readonly pool = new Map<number, GPUBuffer[]>();
  /** Every pooled buffer, least recently released first (trim destroys from the front). */
  private readonly pooled = new Set<GPUBuffer>();
  /** Buffers that commands recorded since the last flush use. */
  private readonly recorded = new Set<GPUBuffer>();
  private nextId = 1;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private cacheBytes_ = 0;
  /**
   * The pool's limit as setCacheLimit set it; until then (null) the pool may
   * keep as much as arrays have held at once, at least 256 MiB. A step whose
   * intermediates are larger than a fixed limit would otherwise give them
   * back each time and allocate (and have Dawn zero) them again next step:
   * ten chained adds of 256 MiB in one evaluation ran at 540 GB/s on the H100
   * against 2.6 TB/s for one. MLX's Metal cache is likewise bounded by the
   * device's memory, not a fixed size.
   */
  private userLimit: number | null = null;
  private liveBytes = 0;
  private peakLiveBytes = 0;
  /** The first error since the last check (validation, out of memory, device lost). */
  private error: Error | null = null;
  lost = false;
  /** The adapter, as its info describes it ("nvidia-h100-80gb-hbm3", "swiftshader", ...). */
  readonly adapter: string;

  constructor(
    readonly device: GPUDevice,
    private readonly heap: () => Uint8Array,
    /** What the device came from, kept alive with it (see OpenedGpu.owners). */
    readonly owners: unknown[] = [],
  ) {
    const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    this.adapter = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s).join(" ") || "unknown";
    setSubgroups(device.features?.has("subgroups") ?? false);
    setGemmStorageLimit(device.limits?.maxComputeWorkgroupStorageSize ?? 16384);
    setRowGroupLimit(Math.min(device.limits?.maxComputeInvocationsPerWorkgroup ?? 256, device.limits?.maxComputeWorkgroupSizeX ?? 256));
    device.addEventListener?.("uncapturederror", (ev: Event) => {
      const e = (ev as GPUUncapturedErrorEvent).error;
      this.record(new Error(`[gpu] ${e.constructor?.name ?? "GPUError"}: ${e.message}`));
    });
    void device.lost.then((info) => {
      this.lost = true;
      if (info.reason !== "destroyed") this.record(new Error(`[gpu] The GPU device was lost: ${info.message}`));
    });
  }

  private record(e: Error): void {
    this.error ??= e;
  }

  /** The first GPU error since the last call, cleared (null when none). */
  takeError(): Error | null {
    const e = this.error;
    this.error = null;
    return e;
  }

  get cacheBytes(): number {
    return this.cacheBytes_;
  }

  // ---- the core's interface (each method catches its own errors: see gpu_bindings.cpp) ----

  allocate(nbytes: number): number {
    try {
      if (this.lost) throw new Error("[gpu] The GPU device was lost; GPU arrays can't be made.");
      // Beyond the device's limits createBuffer (or binding the buffer) would
      // fail only later, as an error attributed to whatever runs next: refuse
      // here, so the op that asked fails ("[malloc] Unable to allocate ...").
      if (nbytes > this.maxBuffer) return 0;
      const id = this.nextId++;
      const buf = this.takeBuffer(Math.min(bucket(nbytes), this.maxBuffer));
      this.buffers.set(id, buf);
      this.liveBytes += buf.size;
      this.peakLiveBytes = Math.max(this.peakLiveBytes, this.liveBytes);
      return id;
    } catch (e) {
      this.record(e as Error);
      return 0;
    }
  }

  release(id: number): void {
    const buf = this.buffers.get(id);
    if (!buf) return;
    this.buffers.delete(id);
    this.liveBytes -= buf.size;
    // Pooled at once, even while recorded commands still use it: the next
    // kernel that writes it is recorded (and so runs) after them, so a chain
    // of ops reuses its freed intermediates within one command buffer. Only
    // an upload could overtake them (queue writes run before the commands
    // still being recorded): upload() swaps in another buffer when that would happen.
    this.toPool(buf);
    // (a buffer that recorded commands use can't be destroyed before they are submitted)
    if (!this.encoder) this.trim();
  }

  upload(id: number, host: number, nbytes: number): void {
    try {
      let buf = this.buffers.get(id)!;
      // A queue write runs before the commands still being recorded: a reused
      // buffer that they read or write is swapped for one they don't use (the
      // pool's, or a new one), rather than submitting them early.
      if (this.recorded.has(buf)) buf = this.swapForUpload(id, buf);
      const src = this.heap();
      // writeBuffer takes whole 4-byte multiples; the bucket leaves room.
      const n = Math.ceil(nbytes / 4) * 4;
      // A view of wasm memory, copied first when that memory is shared (threaded build).
      const bytes = (src.buffer instanceof ArrayBuffer ? src.subarray(host, host + n) : src.slice(host, host + n)) as Uint8Array<ArrayBuffer>;
      this.device.queue.writeBuffer(buf, 0, bytes);
    } catch (e) {
      this.record(e as Error);
    }
  }

  private swapForUpload(id: number, buf: GPUBuffer): GPUBuffer {
    const other = this.takeBuffer(buf.size, (b) => !this.recorded.has(b));
    this.buffers.set(id, other);
    this.toPool(buf);
    return other;
  }

  /** A buffer of `size` bytes: the most recently pooled one that `usable` accepts, else a new one. */
  private takeBuffer(size: number, usable: (b: GPUBuffer) => boolean = () => true): GPUBuffer {
    const list = this.pool.get(size) ?? [];
    for (let at = list.length - 1; at >= 0; --at) {
      const buf = list[at]!;
      if (!usable(buf)) continue;
      list.splice(at, 1);
      this.pooled.delete(buf);
      this.cacheBytes_ -= size;
      return buf;
    }
    const buf = this.device.createBuffer({ size, usage: STORAGE | COPY_SRC | COPY_DST });
    this.serials.set(buf, this.nextSerial++);
    return buf;
  }

  /** Puts a free buffer in the pool (trim() keeps the pool within its limit). */
  private toPool(buf: GPUBuffer): void {
    let list = this.pool.get(buf.size);
    if (!list) this.pool.set(buf.size, (list = []));
    list.push(buf);
    this.pooled.add(buf);
    this.cacheBytes_ += buf.size;
  }

  supports(op: string, inputs: number[], outputs: number[]): boolean {
    if (VIEWS.has(op)) return [...inputs, ...outputs].every((c) => gpuDtypes.has(c));
    return KERNEL_FAMILIES.some((f) => f.supports(op, inputs, outputs));
  }

  dispatch(d: Dispatch): void {
    const scratch: number[] = [];
    try {
      const plan = planFor(d);
      for (const bytes of plan.scratch) {
        const id = this.allocate(bytes);
        if (!id) return;
        scratch.push(id);
      }
      // Scratch references (negative ids) become the buffers just allocated.
      const real = (o: Operand): Operand => (o.buffer < 0 ? { ...o, buffer: scratch[-o.buffer - 1]! } : o);
      for (const call of plan.stages) this.encode({ ...call, inputs: call.inputs.map(real), output: real(call.output) });
    } catch (e) {
      this.record(e as Error);
    } finally {
      for (const id of scratch) this.release(id);
    }
  }

  flush(): void {
    try {
      if (this.pass) this.pass.end();
      if (this.encoder) {
        // The parameter blocks staged since the last write, in one write
        // queued before the submit that reads them (and after every earlier
        // submit's reads of what they overwrite).
        if (this.dirtyEnd > this.dirtyStart) {
          this.device.queue.writeBuffer(this.paramsArena(), this.dirtyStart, this.paramsStaged, this.dirtyStart / 4, (this.dirtyEnd - this.dirtyStart) / 4);
          this.dirtyStart = this.dirtyEnd;
        }
        this.device.queue.submit([this.encoder.finish()]);
      }
    } catch (e) {
      this.record(e as Error);
    } finally {
      this.pass = null;
      this.encoder = null;
      this.recorded.clear();
      this.trim();
    }
  }

  /** Submits what is recorded and resolves when the GPU has finished all submitted work. */
  async synchronize(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    const e = this.takeError();
    if (e) throw e;
  }

  // ---- readback ----

  /** The first `nbytes` of buffer `id`, once the GPU has written them. */
  async download(id: number, nbytes: number): Promise<Uint8Array> {
    this.flush();
    const buf = this.buffers.get(id);
    if (!buf) throw new Error(`[gpu] Unknown buffer ${id}.`);
    const size = Math.max(4, Math.ceil(nbytes / 4) * 4);
    const staging = this.device.createBuffer({ size, usage: MAP_READ | COPY_DST });
    const enc = this.device.createCommandEncoder();
    enc.copyBufferToBuffer(buf, 0, staging, 0, size);
    this.device.queue.submit([enc.finish()]);
    try {
      await staging.mapAsync(MAP_MODE_READ);
      return new Uint8Array(staging.getMappedRange(0, size).slice(0, nbytes));
    } catch (e) {
      // The GPU error behind a failed read (a lost device, an earlier failure) says more than the map's.
      throw this.takeError() ?? new Error(`[gpu] Reading a GPU result failed: ${(e as Error).message || (this.lost ? "the device was lost" : "unknown error")}`);
    } finally {
      staging.destroy();
    }
  }

  setCacheLimit(bytes: number): void {
    this.userLimit = bytes;
    this.trim();
  }

  /** Destroys every pooled buffer now; the limit stays as it was. */
  clearCache(): void {
    this.trim(0);
  }

  /** The pool's limit now (see userLimit). */
  private get cacheLimit(): number {
    return this.userLimit ?? Math.max(DEFAULT_CACHE_LIMIT, this.peakLiveBytes);
  }

  // ---- internals ----

  /**
   * Destroys pooled buffers, least recently released first, until the pool
   * is within its limit (the most recently freed are the likeliest to be
   * asked for again: a loop frees and allocates the same sizes each step).
   */
  private trim(limit = this.cacheLimit): void {
    for (const buf of this.pooled) {
      if (this.cacheBytes_ <= limit) break;
      if (this.recorded.has(buf)) continue;
      const list = this.pool.get(buf.size)!;
      list.splice(list.indexOf(buf), 1);
      this.pooled.delete(buf);
      this.cacheBytes_ -= buf.size;
      this.destroy(buf);
    }
  }

  /** Destroys a buffer, and the cached bind groups (which may name it) with it. */
  private destroy(buf: GPUBuffer): void {
    buf.destroy();
    this.bindGroups.clear();
  }

  private pipeline(source: string, inputs: number): GPUComputePipeline {
    let p = this.pipelines.get(source);
    if (!p) {
      const module = this.device.createShaderModule({ code: source });
      p = this.device.createComputePipeline({ layout: this.layout(inputs), compute: { module, entryPoint: "main" } });
      this.pipelines.set(source, p);
    }
    return p;
  }

  /**
   * The bind group layout of kernels with `inputs` inputs (codegen.ts's
   * bindings()): explicit, because an "auto" layout drops the bindings a
   * kernel never reads, and bind groups are made for all of them.
   */
  private layout(inputs: number): GPUPipelineLayout {
    let l = this.layouts.get(inputs);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [];
      for (let k = 0; k <= inputs + 1; ++k)
        entries.push({ binding: k, visibility: COMPUTE, buffer: { type: k === inputs ? "storage" : "read-only-storage" } });
      const group = this.device.createBindGroupLayout({ entries });
      l = this.device.createPipelineLayout({ bindGroupLayouts: [group] });
      this.layouts.set(inputs, l);
      this.groupLayouts.set(inputs, group);
    }
    return l;
  }
  private readonly layouts = new Map<number, GPUPipelineLayout>();

  /** Buffer `id`, noted as used by the commands being recorded. */
  private use(id: number): GPUBuffer {
    const buf = this.buffers.get(id)!;
    this.recorded.add(buf);
    return buf;
  }
  private readonly groupLayouts = new Map<number, GPUBindGroupLayout>();

  /** Records one kernel into the open compute pass. */
  private encode(call: KernelCall): void {
    if (call.grid ? call.grid.includes(0) : (call.groups ?? call.words) === 0) return;
    const pipeline = this.pipeline(call.source, call.inputs.length);
    const params = call.params.length ? call.params : [0];
    const size = params.length * 4;
    const offset = this.paramsBlock(params);
    const group = this.bindGroup(call, offset, size);
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) this.pass = this.encoder.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, group);
    const [x, y, z] = call.grid ?? [...(call.groups !== undefined ? groupGrid(call.groups) : workgroups(call.words)), 1];
    this.pass.dispatchWorkgroups(x, y, z);
  }

  /**
   * The bind group of a kernel's buffers and parameter block. Creating one
   * costs more than recording the dispatch (tens of microseconds in Dawn), and
   * a loop binds the same pooled buffers at the same arena offsets step after
   * step: bind groups are cached by (buffers, offset, size), and the cache is
   * dropped whenever a buffer is destroyed.
   */
  private bindGroup(call: KernelCall, offset: number, size: number): GPUBindGroup {
    const buffers = call.inputs.map((o) => this.use(o.buffer));
    buffers.push(this.use(call.output.buffer));
    let key = `${offset},${size}`;
    for (const b of buffers) key += `,${this.serials.get(b)}`;
    let group = this.bindGroups.get(key);
    if (!group) {
      const entries: GPUBindGroupEntry[] = buffers.map((buffer, k) => ({ binding: k, resource: { buffer } }));
      entries.push({ binding: call.inputs.length + 1, resource: { buffer: this.paramsArena(), offset, size } });
      group = this.device.createBindGroup({ layout: this.groupLayouts.get(call.inputs.length)!, entries });
      if (this.bindGroups.size >= BIND_GROUP_CACHE) this.bindGroups.clear();
      this.bindGroups.set(key, group);
    }
    return group;
  }
  private readonly bindGroups = new Map<string, GPUBindGroup>();
  /** A number per buffer, for bind group keys. */
  private readonly serials = new WeakMap<GPUBuffer, number>();
  private nextSerial = 1;

  // Kernel parameters live in one arena that outlasts flushes: each
  // distinct block is written once, at an offset aligned as storage
  // bindings must be, and found again by its values. A loop's kernels see
  // the same parameters step after step, so a steady loop writes none: a
  // writeBuffer before each submit (a copy, and a barrier between it and
  // the kernels before and after) cost 2% of a 64M add on the H100. New
  // blocks are staged and written in one writeBuffer at the flush. When the
  // arena is full, what is recorded is submitted and the arena starts over;
  // the queue orders the overwrites after the kernels that read the old blocks.
  private readonly paramBlocks = new Map<string, number>();
  private paramsTop = 0;
  private dirtyStart = 0;
  private dirtyEnd = 0;
  /** The arena offset of a parameter block with these values, staging it if new. */
  private paramsBlock(params: readonly number[]): number {
    const key = params.join(",");
    const known = this.paramBlocks.get(key);
    if (known !== undefined) return known;
    const size = Math.ceil((params.length * 4) / this.paramsAlign) * this.paramsAlign;
    if (this.paramsTop + size > PARAMS_ARENA) {
      this.flush();  // writes and submits what reads the old blocks (and ends the pass)
      this.paramBlocks.clear();
      this.paramsTop = this.dirtyStart = this.dirtyEnd = 0;
    }
    const offset = this.paramsTop;
    this.paramsStaged.set(params, offset / 4);
    this.paramsTop += size;
    this.dirtyEnd = this.paramsTop;
    this.paramBlocks.set(key, offset);
    return offset;
  }
  private arena: GPUBuffer | null = null;
  private readonly paramsStaged = new Int32Array(PARAMS_ARENA / 4);
  // (read once: Dawn's Node binding makes a new limits object per access)
  private paramsAlign_ = 0;
  private get paramsAlign(): number {
    return (this.paramsAlign_ ||= this.device.limits?.minStorageBufferOffsetAlignment ?? 256);
  }
  /** The largest buffer a kernel can bind (the smaller of the two limits, in whole 256-byte blocks as buckets are). */
  private maxBuffer_ = 0;
  private get maxBuffer(): number {
    const l = this.device.limits;
    const max = Math.min(l?.maxBufferSize ?? 2 ** 28, l?.maxStorageBufferBindingSize ?? 2 ** 27);
    return (this.maxBuffer_ ||= Math.floor(max / 256) * 256);
  }
  private paramsArena(): GPUBuffer {
    this.arena ??= this.device.createBuffer({ size: PARAMS_ARENA, usage: STORAGE | COPY_DST });
    return this.arena;
  }
}

// x.dataView(): a zero-copy TypedArray over the evaluated data in wasm memory
// (embind's memory_view), valid until the array is disposed or memory grows.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";

describe("dataView", () => {
  it("gives each dtype's TypedArray over the same values dataSync copies", () => {
    const cases: [mx.Dtype, string][] = [
      [mx.bool, "Uint8Array"], [mx.uint8, "Uint8Array"], [mx.int8, "Int8Array"], [mx.uint16, "Uint16Array"],
      [mx.int16, "Int16Array"], [mx.uint32, "Uint32Array"], [mx.int32, "Int32Array"], [mx.float32, "Float32Array"],
      [mx.float64, "Float64Array"], [mx.int64, "BigInt64Array"], [mx.uint64, "BigUint64Array"],
    ];
    for (const [dt, ctor] of cases) {
      const x = mx.array([[0, 1, 2], [3, 4, 5]], dt);
      const v = x.dataView();
      expect(v.constructor.name, dt.name).toBe(ctor);
      expect(Array.from(v as ArrayLike<unknown>), dt.name).toEqual(Array.from(x.dataSync() as ArrayLike<unknown>));
    }
  });

  it("gives float16 and bfloat16 as their raw bits", () => {
    // IEEE half: 1 = 0x3c00, 2 = 0x4000, -0.5 = 0xb800; bfloat16: the top 16 bits of the float32.
    expect(Array.from(mx.array([1, 2, -0.5], mx.float16).dataView() as Uint16Array)).toEqual([0x3c00, 0x4000, 0xb800]);
    expect(Array.from(mx.array([1, 2, -0.5], mx.bfloat16).dataView() as Uint16Array)).toEqual([0x3f80, 0x4000, 0xbf00]);
  });

  it("is a view, not a copy: it lies in wasm memory and sees the array's bytes", () => {
    const x = mx.arange(6).reshape(2, 3);
    const v = x.dataView() as Float32Array;
    expect(v.buffer.byteLength).toBe(mx.memory().heapBytes); // the whole wasm memory behind it
    const again = x.dataView() as Float32Array;
    expect(again.byteOffset).toBe(v.byteOffset); // the same bytes each time
    // (Writing through it is against the contract; here it shows that no copy was made.)
    v[0] = 42;
    expect(x.dataSync()[0]).toBe(42);
  });

  it("evaluates lazy arrays and lays strided views out row-major", () => {
    const x = mx.arange(6).reshape(2, 3).transpose();
    expect(Array.from(x.dataView() as Float32Array)).toEqual([0, 3, 1, 4, 2, 5]);
    expect(Array.from(mx.exp(mx.zeros([3])).dataView() as Float32Array)).toEqual([1, 1, 1]);
    expect(mx.zeros([0, 4]).dataView().length).toBe(0);
  });

  it("stops being valid when the array is disposed: its memory serves the next array", () => {
    const x = mx.zeros([1024]).add(7); // (add: a buffer of its own, where zeros alone is a broadcast scalar)
    const v = x.dataView() as Float32Array;
    expect(v[0]).toBe(7);
    x.dispose();
    expect(() => x.dataView()).toThrow(/^\[webmx\] This array was disposed/);
    const y = mx.zeros([1024]).add(9);
    // The freed buffer was reused (the allocator's cache): the old view now shows y.
    expect(y.dataView().byteOffset).toBe(v.byteOffset);
    expect(v[0]).toBe(9);
  });

  it("stops being valid when wasm memory grows", () => {
    const x = mx.zeros([16]).add(3);
    const v = x.dataView() as Float32Array;
    const heap = mx.memory().heapBytes;
    const big = mx.zeros([Math.ceil(heap / 4) + (1 << 20)]).add(1); // more than the whole heap: it must grow
    mx.eval(big);
    expect(mx.memory().heapBytes).toBeGreaterThan(heap);
    if (mx.backendInfo().variant === "st") {
      // A plain ArrayBuffer is detached by growth: the old view is empty.
      expect(v.length).toBe(0);
    } else {
      // A SharedArrayBuffer is never detached; the old view still maps the old size, and a new view is needed
      // for memory beyond it.
      expect(v.buffer.byteLength).toBe(heap);
      expect((x.dataView() as Float32Array).buffer.byteLength).toBe(mx.memory().heapBytes);
    }
    expect(Array.from(x.dataView() as Float32Array)).toEqual(new Array(16).fill(3));
    big.dispose();
  });
});

// The generated GEMM kernels (ts/webgpu/kernels/matmul_gemm.ts) against the
// CPU: shapes that end inside a tile, K steps short of a full one and odd
// counts of them (the double buffer's two halves), batches with broadcast
// operands, and views at offsets or with row strides longer than their
// rows. Every operand here is 4-aligned and row-major, the kernels' case.
// Each *_gemm_*.test.ts file runs them with one configuration (WEBMX_GPU_GEMM,
// read when the first product is planned).
import { describe, it } from "vitest";
import { expectSame, mx, onBoth, values } from "./setup.js";

const f32 = (shape: number[], seed: number) =>
  mx.array(Float32Array.from(values(shape.reduce((a, b) => a * b, 1), -2, 2, seed))).reshape(shape);

export function gemmSuite(label: string): void {
  describe(`GPU GEMM ${label}`, () => {
    it("partial tiles, K of one, odd and even K step counts", async () => {
      const r = await onBoth(() => [
        mx.matmul(f32([130, 36], 1), f32([36, 132], 2)),
        mx.matmul(f32([1, 4], 3), f32([4, 8], 4)),
        mx.matmul(f32([257, 20], 5), f32([20, 260], 6)),
        mx.matmul(f32([300, 44], 7), f32([44, 200], 8)),
        mx.matmul(f32([64, 68], 9), f32([68, 64], 10)),
      ]);
      expectSame(r, { rtol: 1e-5, atol: 1e-5 });
    });

    it("batches, broadcast operands, views at offsets and with longer rows", async () => {
      const r = await onBoth(() => {
        const a = f32([40, 72], 11).index(mx.slice(), mx.slice(0, 36)); // rows of 36 in rows of 72
        const b = f32([36, 264], 12).index(mx.slice(), mx.slice(4, 136)); // at offset 4, rows of 264
        return [
          mx.matmul(a, b),
          mx.matmul(f32([3, 20, 12], 13), f32([12, 136], 14)),
          mx.matmul(f32([2, 3, 65, 68], 15), f32([3, 68, 132], 16)),
          mx.matmul(f32([136, 8], 17).index(mx.slice(4, 132)), f32([8, 260], 18)),
        ];
      });
      expectSame(r, { rtol: 1e-5, atol: 1e-5 });
    });
  });
}

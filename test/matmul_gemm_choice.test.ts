// Which GEMM configuration (ts/webgpu/kernels/matmul_gemm.ts) a product
// gets: 128x128 tiles where they fill the GPU's waves, 64x64 tiles with a
// K step of 16 for few tiles and a long K (where the device allows their
// 16.5 KiB), else 64x128 tiles.
import { describe, expect, it } from "vitest";
import { gemmFor, gemmStorage, GEMM_CONFIGS, setGemmStorageLimit } from "../ts/webgpu/kernels/matmul_gemm.js";

const name = (M: number, N: number, K: number, batch = 1) => gemmFor(M, N, K, batch).name;

describe("GEMM configuration choice", () => {
  it("by tile count, wave fill and K", () => {
    setGemmStorageLimit(49152);
    expect(name(4096, 4096, 4096)).toBe("128x128"); // 1024 tiles
    expect(name(2048, 2048, 2048)).toBe("128x128"); // 256 tiles, one wave of 264
    expect(name(3072, 3072, 3072)).toBe("64x128"); // 576 tiles: 2.2 waves
    expect(name(128, 128, 64, 256)).toBe("128x128"); // a batch counts its tiles
    expect(name(1024, 1024, 1024)).toBe("64x128"); // 64 tiles
    expect(name(4096, 512, 784)).toBe("64x128");
    expect(name(1024, 1024, 8192)).toBe("64x64k16"); // few tiles, long K
  });

  it("only configurations within the device's workgroup memory", () => {
    setGemmStorageLimit(16384);
    expect(name(1024, 1024, 8192)).toBe("64x128");
    expect(gemmStorage(GEMM_CONFIGS["128x128"]!)).toBeLessThanOrEqual(16384);
    expect(gemmStorage(GEMM_CONFIGS["64x128"]!)).toBeLessThanOrEqual(16384);
    expect(name(4096, 4096, 4096)).toBe("128x128");
  });
});

// mx.linalg with the GPU as the default device: its factorizations run on the
// CPU (the GPU backend has no kernel for them), their GPU-made inputs are
// copied over, and the results feed GPU ops; everything equals the CPU run.
import { describe, expect, it } from "vitest";
import { expectSame, mx, onBoth } from "./setup.js";

const L = mx.linalg;

describe("linalg with the GPU as default device", () => {
  it("inv, solve, cholesky, eigh, svd and norm give the CPU results and feed GPU ops", async () => {
    const program = () => {
      const a = mx.array([[4, 1, 2], [1, 3, 0], [2, 0, 5]]).multiply(1.5); // made by a GPU op on the GPU
      const [w, v] = L.eigh(a);
      return [
        L.inv(a).matmul(a).add(1),
        L.solve(a, mx.array([1, 2, 3])),
        L.cholesky(a).exp(),
        w,
        v.abs(),
        L.svd(a, false),
        L.norm(a, "nuc").add(L.norm(a, 2)),
      ];
    };
    expectSame(await onBoth(program), { rtol: 1e-6 }); // the GPU's exp differs from the CPU's in the last bits
    const inv = mx.withDevice(mx.gpu, () => L.inv(mx.eye(2).multiply(2)));
    await mx.asyncEval(inv);
    expect(inv.tolist()).toEqual([[0.5, 0], [0, 0.5]]);
  });

  it("gradients through inv under the GPU default", async () => {
    const grad = () => mx.grad((x: mx.Array) => L.inv(x).sum())(mx.array([[2, 1], [1, 3]]).add(0));
    expectSame(await onBoth(grad), { rtol: 1e-6 });
  });
});

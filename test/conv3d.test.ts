// conv3d, convTranspose3d and convGeneral against a direct-loop JS reference
// of MLX's conv_general (input dilation, low/high padding, kernel dilation,
// flip, groups), against the core's conv1d/conv2d/convTranspose2d where the
// cases coincide, gradients against finite differences, vmap against a loop,
// and MLX's "[conv] ..." errors.
import { describe, expect, it } from "vitest";
import { mx } from "./setup.js";
import * as ref from "./reference.js";

type A = any;
const flat = (a: A) => Array.from(a.astype(mx.float64).dataSync() as Float64Array);
const rnd = (shape: number[], seed: number) => mx.array(Float64Array.from(ref.rand(ref.size(shape), seed))).reshape(shape);

interface Params { stride: number[]; lo: number[]; hi: number[]; kdil: number[]; idil: number[]; groups: number; flip: boolean }

/** MLX's conv_general by definition: out[n, o, c] = sum over taps and channels of the group. */
function refConv(x: number[], xs: number[], w: number[], ws: number[], p: Params): [number[], number[]] {
  const nd = xs.length - 2, N = xs[0]!, C = xs[nd + 1]!, O = ws[0]!, Cg = ws[nd + 1]!, Og = O / p.groups;
  const inSp = xs.slice(1, nd + 1), k = ws.slice(1, nd + 1);
  const dilated = inSp.map((n, i) => (n - 1) * p.idil[i]! + 1);
  const outSp = dilated.map((n, i) => Math.floor((n + p.lo[i]! + p.hi[i]! - p.kdil[i]! * (k[i]! - 1) - 1) / p.stride[i]!) + 1);
  const prod = (a: number[]) => a.reduce((s, v) => s * v, 1);
  const unravel = (i: number, shape: number[]) => shape.map((_, d) => Math.floor(i / prod(shape.slice(d + 1))) % shape[d]!);
  const out: number[] = [];
  for (let n = 0; n < N; ++n) for (let oi = 0; oi < prod(outSp); ++oi) for (let o = 0; o < O; ++o) {
    const opos = unravel(oi, outSp), g = Math.floor(o / Og);
    let acc = 0;
    for (let ki = 0; ki < prod(k); ++ki) {
      const kpos = unravel(ki, k);
      // position in the dilated, padded input
      const ipos: number[] = [];
      let ok = true;
      for (let d = 0; d < nd; ++d) {
        const q = opos[d]! * p.stride[d]! + kpos[d]! * p.kdil[d]! - p.lo[d]!;
        if (q < 0 || q >= dilated[d]! || q % p.idil[d]! !== 0) ok = false;
        ipos.push(q / p.idil[d]!);
      }
      if (!ok) continue;
      const kk = p.flip ? kpos.map((v, d) => k[d]! - 1 - v) : kpos;
      for (let c = 0; c < Cg; ++c) {
        const xi = ((n * prod(inSp) + ipos.reduce((s, v, d) => s * inSp[d]! + v, 0)) * C) + g * Cg + c;
        const wi = ((o * prod(k) + kk.reduce((s, v, d) => s * k[d]! + v, 0)) * Cg) + c;
        acc += x[xi]! * w[wi]!;
      }
    }
    out.push(acc);
  }
  return [out, [N, ...outSp, O]];
}

function expectClose(got: number[], want: number[], tol = 1e-10) {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
}
function expectError(fn: () => unknown, msg: string | RegExp) {
  expect(fn).toThrowError(msg);
  expect(mx.array([1, 2]).add(1).tolist()).toEqual([2, 3]);
}
const same = (n: number, v: number) => new Array<number>(n).fill(v);

describe("conv3d", () => {
  const cases: [string, number[], number[], { stride?: number[]; padding?: number[]; dilation?: number[] }][] = [
    ["plain", [2, 4, 5, 3, 2], [3, 2, 2, 2, 2], {}],
    ["stride, padding, dilation", [1, 7, 6, 5, 3], [2, 2, 3, 2, 3], { stride: [2, 1, 2], padding: [1, 2, 0], dilation: [2, 1, 2] }],
  ];
  for (const [label, xs, ws, o] of cases) {
    it(`${label}: values against the reference`, () => {
      const x = rnd(xs, 1), w = rnd(ws, 2);
      const out = mx.conv3d(x, w, o);
      const p = o.padding ?? same(3, 0);
      const [want, shape] = refConv(flat(x), xs, flat(w), ws, {
        stride: o.stride ?? same(3, 1), lo: p, hi: p, kdil: o.dilation ?? same(3, 1), idil: same(3, 1), groups: 1, flip: false,
      });
      expect(out.shape).toEqual(shape);
      expectClose(flat(out), want);
    });
  }

  it("gradients against finite differences, vmap against a loop, float32", () => {
    const x = rnd([1, 4, 3, 3, 2], 3), w = rnd([2, 2, 2, 2, 2], 4), c = rnd([1, 3, 2, 2, 2], 5);
    const o = { stride: [2, 2, 2], padding: [1, 0, 0] };
    const loss = (a: A, b: A) => mx.conv3d(a, b, o).mul(c).sum();
    const [gx, gw] = (mx.grad(loss, { argnums: [0, 1] }) as A)(x, w);
    const fd = (arr: A, which: number) => flat(arr).map((_, i) => {
      const h = 1e-6, d = new Float64Array(arr.size);
      d[i] = h;
      const dp = mx.array(d).reshape(arr.shape);
      const args = (s: number) => (which === 0 ? [x.add(dp.mul(s)), w] : [x, w.add(dp.mul(s))]);
      return ((loss(...(args(1) as [A, A])).item() as number) - (loss(...(args(-1) as [A, A])).item() as number)) / (2 * h);
    });
    expectClose(flat(gx), fd(x, 0), 1e-6);
    expectClose(flat(gw), fd(w, 1), 1e-6);
    const xs = rnd([3, 1, 3, 3, 3, 2], 6);
    const f = (a: A) => mx.conv3d(a, w);
    expectClose(flat((mx.vmap(f) as A)(xs)), flat(mx.stack([0, 1, 2].map((i) => f(xs.index(i))))));
    const y = mx.conv3d(x.astype(mx.float32), w.astype(mx.float32));
    expect(y.dtype).toBe(mx.float32);
    expectClose(flat(y), flat(mx.conv3d(x, w)), 1e-5);
  });

  it("depth 1 equals conv2d", () => {
    const x = rnd([2, 1, 5, 4, 2], 7), w = rnd([3, 1, 2, 3, 2], 8);
    const got = mx.conv3d(x, w, { stride: [1, 2, 1], padding: [0, 1, 1] });
    const want = mx.conv2d(x.index(mx.slice(), 0), w.index(mx.slice(), 0), { stride: [2, 1], padding: [1, 1] });
    expectClose(flat(got.index(mx.slice(), 0)), flat(want));
  });
});

describe("convTranspose3d", () => {
  it("MLX's flipped, input-dilated convolution; depth 1 equals convTranspose2d", () => {
    const xs = [1, 3, 3, 2, 2], ws = [3, 2, 3, 2, 2];
    const x = rnd(xs, 10), w = rnd(ws, 11);
    const st = [2, 1, 2], pd = [1, 0, 1], dl = [1, 2, 1], op = [1, 0, 1];
    const out = mx.convTranspose3d(x, w, { stride: st, padding: pd, dilation: dl, outputPadding: op });
    const lo = ws.slice(1, 4).map((k, i) => dl[i]! * (k - 1) - pd[i]!);
    const hi = lo.map((l, i) => l + op[i]!);
    const [want, shape] = refConv(flat(x), xs, flat(w), ws, { stride: [1, 1, 1], lo, hi, kdil: dl, idil: st, groups: 1, flip: true });
    expect(out.shape).toEqual(shape);
    expect(shape.slice(1, 4)).toEqual([0, 1, 2].map((i) => (xs[1 + i]! - 1) * st[i]! - 2 * pd[i]! + dl[i]! * (ws[1 + i]! - 1) + 1 + op[i]!));
    expectClose(flat(out), want);
    // A single depth plane and depth-1 kernel: the core's convTranspose2d.
    const x2 = rnd([2, 1, 3, 4, 2], 12), w2 = rnd([3, 1, 2, 2, 2], 13);
    const got2 = mx.convTranspose3d(x2, w2, { stride: [1, 2, 1], padding: [0, 1, 0] });
    const want2 = mx.convTranspose2d(x2.index(mx.slice(), 0), w2.index(mx.slice(), 0), { stride: [2, 1], padding: [1, 0] });
    expectClose(flat(got2.index(mx.slice(), 0)), flat(want2));
  });
});

describe("convGeneral", () => {
  it("1-D and 2-D with asymmetric padding, input dilation, flip and groups", () => {
    const x = rnd([2, 5, 4], 20), w = rnd([4, 3, 2], 21);
    const o = { stride: [2], padding: [[2], [1]] as [number[], number[]], kernelDilation: [1], inputDilation: [2], groups: 2, flip: true };
    const [want, shape] = refConv(flat(x), [2, 5, 4], flat(w), [4, 3, 2], { stride: [2], lo: [2], hi: [1], kdil: [1], idil: [2], groups: 2, flip: true });
    const got = mx.convGeneral(x, w, o);
    expect(got.shape).toEqual(shape);
    expectClose(flat(got), want);
    const x2 = rnd([1, 4, 5, 2], 22), w2 = rnd([2, 2, 3, 2], 23);
    const o2 = { stride: [1, 2], padding: [[0, 1], [2, -1]] as [number[], number[]], kernelDilation: [2, 1], inputDilation: [1, 3] };
    const [want2, shape2] = refConv(flat(x2), [1, 4, 5, 2], flat(w2), [2, 2, 3, 2], { stride: [1, 2], lo: [0, 1], hi: [2, -1], kdil: [2, 1], idil: [1, 3], groups: 1, flip: false });
    const got2 = mx.convGeneral(x2, w2, o2);
    expect(got2.shape).toEqual(shape2);
    expectClose(flat(got2), want2);
    // Plain options are conv1d's.
    expectClose(flat(mx.convGeneral(x, w, { groups: 2, padding: 1 })), flat(mx.conv1d(x, w, { groups: 2, padding: 1 })));
  });

  it("errors as MLX (tagged [conv]), the module stays usable", () => {
    const x = rnd([1, 3, 3, 3, 2], 30), w = rnd([2, 2, 2, 2, 2], 31);
    expectError(() => mx.conv3d(x, w, { groups: 2 }), "[conv] Can only handle groups != 1 in 1D or 2D convolutions.");
    expectError(() => mx.conv3d(x.astype(mx.int32), w), /^\[conv\] Invalid input array with type int32/);
    expectError(() => mx.conv3d(x.reshape([1, 9, 3, 2]), w), /^\[conv\] Invalid weight array with 5 dimensions for 2D convolution/);
    expectError(() => mx.conv3d(x, rnd([2, 2, 2, 2, 3], 1)), /^\[conv\] Expect the input channels in the input and weight array to match/);
    expectError(() => mx.conv3d(x, rnd([2, 5, 2, 2, 2], 1)), /^\[conv\] The output would have a non-positive size/);
    expectError(() => mx.convGeneral(rnd([2, 2], 1), rnd([2, 2], 1)), /^\[conv\] Only works for inputs with 1-3 spatial dimensions/);
    expectError(() => mx.convGeneral(x, w, { stride: [1, 1] }), /^\[conv_general\] stride must be an integer or a list of 3 integers/);
    expectError(() => mx.convTranspose3d(x, w, { groups: 2 }), "[conv] Can only handle groups != 1 in 1D or 2D convolutions.");
  });
});

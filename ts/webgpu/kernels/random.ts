// RandomBits: threefry2x32-20 counter-based bits laid out exactly as the CPU
// kernel lays them out (core/backend/cpu/random_bits.cpp), so one key gives
// the same numbers on both devices. Each key fills its own block of
// `bytesPerKey` bytes, made of 32-bit words: with `half` = words / 2, the
// counter (j, second + j) gives words j and second + j (second = half, plus
// one when the word count is odd, the middle word then coming from counter
// (half, 0)); a block's last word may be cut short.
//
// Invocation w writes output word w: each of its bytes belongs to some key's
// word, hashed once per distinct (key, word) the output word touches.

import type { Dispatch, KernelCall } from "../dispatch_types.js";
import { bindings, elementwiseParams, indexFunctions } from "../codegen.js";
import { DtypeCodes } from "../../generated/boundary.js";
import { gpuDtype } from "../wgsl_dtypes.js";

export function supportsRandom(op: string, inputs: number[], outputs: number[]): boolean {
  if (op !== "RandomBits" || inputs.length !== 1 || outputs.length !== 1) return false;
  const widths: number[] = [DtypeCodes.uint8, DtypeCodes.uint16, DtypeCodes.uint32];
  return inputs[0] === DtypeCodes.uint32 && widths.includes(outputs[0]!);
}

const THREEFRY = /* wgsl */ `
fn wmx_rotl(x: u32, r: u32) -> u32 { return (x << r) | (x >> (32u - r)); }
fn wmx_threefry(k0: u32, k1: u32, c0: u32, c1: u32) -> vec2u {
  let ks = array<u32, 3>(k0, k1, k0 ^ k1 ^ 0x1BD11BDAu);
  let rot = array<u32, 8>(13u, 15u, 26u, 6u, 17u, 29u, 16u, 24u);
  var x0 = c0 + ks[0];
  var x1 = c1 + ks[1];
  for (var i = 0u; i < 5u; i++) {
    for (var j = 0u; j < 4u; j++) {
      x0 += x1;
      x1 = wmx_rotl(x1, rot[(i % 2u) * 4u + j]);
      x1 ^= x0;
    }
    x0 += ks[(i + 1u) % 3u];
    x1 += ks[(i + 2u) % 3u] + i + 1u;
  }
  return vec2u(x0, x1);
}
`;

/** Parameters: the keys' elementwise block over their own shape (its n: the output words), then bytesPerKey, total bytes, the keys' last stride. */
export function randomBitsKernel(d: Dispatch): KernelCall {
  const keys = d.inputs[0]!, output = d.outputs[0]!;
  const out = gpuDtype(output.dtype);
  const numKeys = keys.shape.reduce((x, y) => x * y, 1) / 2;
  const n = output.shape.reduce((x, y) => x * y, 1);
  const bytesPerKey = numKeys ? (n / numKeys) * out.bytes : 0;
  const totalBytes = n * out.bytes;
  const words = Math.ceil(totalBytes / 4);
  const params = [...elementwiseParams(words, keys.shape, [keys]), bytesPerKey, totalBytes, keys.strides[keys.shape.length - 1]!];
  const tail = params.length - 3;
  const source = bindings(1) + THREEFRY + indexFunctions([keys]) + /* wgsl */ `
fn key_word(key: u32, w: u32) -> u32 {
  let bpk = u32(prm[${tail}]);
  let nw = (bpk + 3u) / 4u;
  let half = nw / 2u;
  let odd = nw % 2u;
  let ki = idx0(2u * key);
  let k0 = in0[ki];
  let k1 = in0[ki + u32(prm[${tail + 2}])];
  if (w < half) { return wmx_threefry(k0, k1, w, half + odd + w).x; }
  if (odd == 1u && w == half) { return wmx_threefry(k0, k1, half, 0u).x; }
  let j = w - half - odd;
  return wmx_threefry(k0, k1, j, half + odd + j).y;
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let w = gid.x + gid.y * nwg.x * 64u;
  if (w >= u32(prm[0])) { return; }
  let bpk = u32(prm[${tail}]);
  let total = u32(prm[${tail + 1}]);
  var bits = 0u;
  var cached = 0xffffffffu;
  var cachedKey = 0xffffffffu;
  var value = 0u;
  for (var b = 0u; b < 4u; b++) {
    let byte = 4u * w + b;
    if (byte >= total) { break; }
    let key = byte / bpk;
    let at = byte % bpk;
    if (key != cachedKey || at / 4u != cached) {
      cachedKey = key;
      cached = at / 4u;
      value = key_word(key, cached);
    }
    bits |= ((value >> ((at % 4u) * 8u)) & 0xffu) << (b * 8u);
  }
  out[w] = bits;
}
`;
  return { source, params, words: numKeys && n ? words : 0, inputs: d.inputs, output };
}

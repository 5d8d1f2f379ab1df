// Raw deflate compression (RFC 1951), synchronous and in plain TypeScript,
// for mx.savezCompressed in every host (see inflate.ts for why not zlib or
// CompressionStream). Greedy LZ77 over a 32 KiB window with hash chains,
// then each block of up to 65535 input bytes is written in whichever of the
// three block types is smallest: stored, fixed Huffman or dynamic Huffman.

import {
  CODE_LENGTH_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA, fixedDistanceLengths, fixedLiteralLengths, reverseBits,
} from "./deflate_tables.js";

const WINDOW = 32768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const BLOCK = 65535; // the most a stored block holds
const HASH_BITS = 15;
const MAX_CHAIN = 48; // candidates tried per position: speed against ratio

/** Length code (257..285) index and distance code index for each value, built once. */
const lengthIndex = new Uint8Array(MAX_MATCH + 1);
for (let i = 0; i < 29; ++i) for (let l = LENGTH_BASE[i]!; l < (i === 28 ? 259 : LENGTH_BASE[i + 1]!); ++l) lengthIndex[l] = i;
lengthIndex[258] = 28;
function distIndex(d: number): number {
  let i = 29;
  while (DIST_BASE[i]! > d) --i;
  return i;
}

class BitWriter {
  buf = new Uint8Array(1 << 16);
  len = 0;
  private acc = 0;
  private n = 0;
  private reserve(k: number) {
    if (this.len + k <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + k));
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }
  /** Writes the low `count` (<= 16) bits of `value`, least significant first. */
  put(value: number, count: number) {
    this.acc |= value << this.n;
    this.n += count;
    if (this.n >= 8) {
      this.reserve(3);
      while (this.n >= 8) {
        this.buf[this.len++] = this.acc & 0xff;
        this.acc >>>= 8;
        this.n -= 8;
      }
    }
  }
  alignToByte() {
    if (this.n > 0) this.put(0, 8 - this.n);
  }
  bytes(src: Uint8Array) {
    this.reserve(src.length);
    this.buf.set(src, this.len);
    this.len += src.length;
  }
}

/**
 * Huffman code lengths (at most `limit` bits) for symbol frequencies `freq`.
 * Too long a code is avoided by flattening the frequencies and trying again,
 * which converges to a balanced code.
 */
function codeLengths(freq: ArrayLike<number>, limit: number): Uint8Array {
  const n = freq.length;
  const f = Array.from(freq);
  for (;;) {
    const lengths = new Uint8Array(n);
    const used = f.map((w, s) => [w, s] as [number, number]).filter(([w]) => w > 0);
    if (used.length === 0) return lengths;
    if (used.length === 1) {
      lengths[used[0]![1]] = 1;
      return lengths;
    }
    // Nodes: leaves 0..n-1, internal nodes after; parent links give each leaf's depth.
    const parent: number[] = new Array(n).fill(-1);
    const leaves = used.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    // Two sorted queues (leaves, then merged nodes) make the Huffman merge linear after the sort.
    const merged: [number, number][] = [];
    let li = 0;
    let mi = 0;
    const take = (): [number, number] => {
      if (mi >= merged.length || (li < leaves.length && leaves[li]![0] <= merged[mi]![0])) return leaves[li++]!;
      return merged[mi++]!;
    };
    while (leaves.length - li + merged.length - mi > 1) {
      const a = take();
      const b = take();
      const id = parent.length;
      parent.push(-1);
      parent[a[1]] = id;
      parent[b[1]] = id;
      merged.push([a[0] + b[0], id]);
    }
    const depth = new Array<number>(parent.length).fill(0);
    for (let id = parent.length - 1; id >= 0; --id) if (parent[id]! >= 0) depth[id] = depth[parent[id]!]! + 1;
    let max = 0;
    for (const [, s] of used) {
      lengths[s] = depth[s]!;
      max = Math.max(max, depth[s]!);
    }
    if (max <= limit) return lengths;
    for (let s = 0; s < n; ++s) if (f[s]! > 0) f[s] = (f[s]! >>> 1) | 1;
  }
}

/** Canonical codes for `lengths`, bit-reversed for the LSB-first stream. */
function canonicalCodes(lengths: Uint8Array): Uint16Array {
  const count = new Array<number>(16).fill(0);
  for (const l of lengths) if (l) count[l]!++;
  const next = new Array<number>(16).fill(0);
  for (let len = 1, code = 0; len <= 15; ++len) {
    code = (code + count[len - 1]!) << 1;
    next[len] = code;
  }
  const codes = new Uint16Array(lengths.length);
  for (let s = 0; s < lengths.length; ++s) if (lengths[s]) codes[s] = reverseBits(next[lengths[s]!]!++, lengths[s]!);
  return codes;
}

/** Run-length encoding of the code lengths with symbols 16/17/18: [symbol, extra value] pairs. */
function runLengths(lengths: Uint8Array): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < lengths.length; ) {
    const v = lengths[i]!;
    let run = 1;
    while (i + run < lengths.length && lengths[i + run] === v) ++run;
    let left = run;
    if (v === 0) {
      while (left >= 11) {
        const k = Math.min(left, 138);
        out.push([18, k - 11]);
        left -= k;
      }
      if (left >= 3) {
        out.push([17, left - 3]);
        left = 0;
      }
    } else {
      out.push([v, 0]);
      --left;
      while (left >= 3) {
        const k = Math.min(left, 6);
        out.push([16, k - 3]);
        left -= k;
      }
    }
    for (; left > 0; --left) out.push([v, 0]);
    i += run;
  }
  return out;
}

const CL_EXTRA: Record<number, number> = { 16: 2, 17: 3, 18: 7 };

/** The raw deflate stream of `src`. */
export function deflateRaw(src: Uint8Array): Uint8Array {
  const w = new BitWriter();
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(WINDOW);
  const hash = (i: number) => (((src[i]! << 10) ^ (src[i + 1]! << 5) ^ src[i + 2]!) * 0x9e37) >>> 0 & ((1 << HASH_BITS) - 1);
  const insert = (i: number) => {
    if (i + MIN_MATCH > src.length) return;
    const h = hash(i);
    prev[i & (WINDOW - 1)] = head[h]!;
    head[h] = i;
  };
  const fixedLit = fixedLiteralLengths();
  const fixedDist = fixedDistanceLengths();
  // Tokens of one block: a literal byte, or a match as length << 16 | distance.
  const tokens = new Uint32Array(BLOCK);
  const MATCH = 0x80000000;
  let start = 0;
  do {
    const end = Math.min(src.length, start + BLOCK);
    let nt = 0;
    const litFreq = new Uint32Array(286);
    const distFreq = new Uint32Array(30);
    for (let i = start; i < end; ) {
      let bestLen = 0;
      let bestDist = 0;
      if (i + MIN_MATCH <= end) {
        const maxLen = Math.min(MAX_MATCH, end - i);
        let cand = head[hash(i)]!;
        for (let chain = 0; cand >= 0 && i - cand <= WINDOW - 1 && chain < MAX_CHAIN; ++chain) {
          if (src[cand + bestLen] === src[i + bestLen]) {
            let l = 0;
            while (l < maxLen && src[cand + l] === src[i + l]) ++l;
            if (l > bestLen) {
              bestLen = l;
              bestDist = i - cand;
              if (l === maxLen) break;
            }
          }
          const p = prev[cand & (WINDOW - 1)]!;
          if (p >= cand) break; // a slot overwritten by a newer position
          cand = p;
        }
      }
      if (bestLen >= MIN_MATCH) {
        tokens[nt++] = (MATCH | (bestLen << 16) | bestDist) >>> 0;
        litFreq[257 + lengthIndex[bestLen]!]!++;
        distFreq[distIndex(bestDist)]!++;
        for (let k = 0; k < bestLen; ++k) insert(i + k);
        i += bestLen;
      } else {
        tokens[nt++] = src[i]!;
        litFreq[src[i]!]!++;
        insert(i);
        ++i;
      }
    }
    litFreq[256] = 1;
    const last = end === src.length ? 1 : 0;

    // Costs in bits of each encoding of this block (3 header bits common to all).
    const dataBits = (ll: Uint8Array, dl: Uint8Array) => {
      let b = 0;
      for (let s = 0; s < 286; ++s) b += litFreq[s]! * ((ll[s] ?? 0) + (s >= 257 ? LENGTH_EXTRA[s - 257]! : 0));
      for (let d = 0; d < 30; ++d) b += distFreq[d]! * ((dl[d] ?? 0) + DIST_EXTRA[d]!);
      return b;
    };
    const litLens = codeLengths(litFreq, 15);
    const distLens = codeLengths(distFreq, 15);
    // A block without matches still needs one distance code length listed.
    if (distLens.every((l) => l === 0)) distLens[0] = 1;
    let nlit = 286;
    while (nlit > 257 && litLens[nlit - 1] === 0) --nlit;
    let ndist = 30;
    while (ndist > 1 && distLens[ndist - 1] === 0) --ndist;
    const allLens = new Uint8Array(nlit + ndist);
    allLens.set(litLens.subarray(0, nlit));
    allLens.set(distLens.subarray(0, ndist), nlit);
    const runs = runLengths(allLens);
    const clFreq = new Uint32Array(19);
    for (const [s] of runs) clFreq[s]!++;
    const clLens = codeLengths(clFreq, 7);
    let ncl = 19;
    while (ncl > 4 && clLens[CODE_LENGTH_ORDER[ncl - 1]!] === 0) --ncl;
    let dynBits = 14 + 3 * ncl + dataBits(litLens, distLens);
    for (const [s] of runs) dynBits += clLens[s]! + (CL_EXTRA[s] ?? 0);
    const fixedBits = dataBits(fixedLit, fixedDist);
    const storedBits = 32 + 8 * (end - start) + 7; // LEN, NLEN, data, at most 7 bits of alignment

    if (storedBits <= fixedBits && storedBits <= dynBits) {
      w.put(last, 1);
      w.put(0, 2);
      w.alignToByte();
      const n = end - start;
      w.put(n & 0xffff, 16);
      w.put(~n & 0xffff, 16);
      w.bytes(src.subarray(start, end));
    } else {
      const dynamic = dynBits < fixedBits;
      const ll = dynamic ? litLens : fixedLit;
      const dl = dynamic ? distLens : fixedDist;
      w.put(last, 1);
      w.put(dynamic ? 2 : 1, 2);
      if (dynamic) {
        w.put(nlit - 257, 5);
        w.put(ndist - 1, 5);
        w.put(ncl - 4, 4);
        for (let i = 0; i < ncl; ++i) w.put(clLens[CODE_LENGTH_ORDER[i]!]!, 3);
        const clCodes = canonicalCodes(clLens);
        for (const [s, extra] of runs) {
          w.put(clCodes[s]!, clLens[s]!);
          if (s >= 16) w.put(extra, CL_EXTRA[s]!);
        }
      }
      const lc = canonicalCodes(ll);
      const dc = canonicalCodes(dl);
      for (let t = 0; t < nt; ++t) {
        const tok = tokens[t]!;
        if (tok < MATCH) {
          w.put(lc[tok]!, ll[tok]!);
          continue;
        }
        const len = (tok >>> 16) & 0x7fff;
        const d = tok & 0xffff;
        const li = lengthIndex[len]!;
        w.put(lc[257 + li]!, ll[257 + li]!);
        if (LENGTH_EXTRA[li]) w.put(len - LENGTH_BASE[li]!, LENGTH_EXTRA[li]!);
        const di = distIndex(d);
        w.put(dc[di]!, dl[di]!);
        if (DIST_EXTRA[di]) w.put(d - DIST_BASE[di]!, DIST_EXTRA[di]!);
      }
      w.put(lc[256]!, ll[256]!);
    }
    start = end;
  } while (start < src.length);
  w.alignToByte();
  return w.buf.slice(0, w.len);
}

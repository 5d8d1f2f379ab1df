// Raw deflate decompression (RFC 1951), synchronous and in plain TypeScript,
// so that mx.load reads compressed .npz members from bytes in every host:
// Node's zlib exists only in Node, and the web's DecompressionStream is
// asynchronous while mx.load of bytes returns the arrays directly.

import {
  CODE_LENGTH_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA, fixedDistanceLengths, fixedLiteralLengths, reverseBits,
} from "./deflate_tables.js";

/** A canonical Huffman code as a lookup table indexed by the next `bits` input bits: entry = symbol << 4 | length (0: no code). */
interface DecodeTable {
  table: Uint16Array | Uint32Array;
  bits: number;
}

function buildTable(lengths: Uint8Array, fail: (m: string) => never): DecodeTable {
  const count = new Array<number>(16).fill(0);
  let maxLen = 0;
  for (const l of lengths) {
    count[l]!++;
    if (l > maxLen) maxLen = l;
  }
  count[0] = 0;
  // Kraft: a code with more codes of a length than the lengths allow is malformed.
  let left = 1;
  for (let len = 1; len <= 15; ++len) {
    left = left * 2 - count[len]!;
    if (left < 0) fail("A Huffman code is over-subscribed (corrupt data).");
  }
  const next = new Array<number>(16).fill(0);
  for (let len = 1, code = 0; len <= 15; ++len) {
    code = (code + count[len - 1]!) << 1;
    next[len] = code;
  }
  const table = new Uint32Array(1 << maxLen);
  for (let sym = 0; sym < lengths.length; ++sym) {
    const len = lengths[sym]!;
    if (len === 0) continue;
    const r = reverseBits(next[len]!++, len);
    for (let i = r; i < table.length; i += 1 << len) table[i] = (sym << 4) | len;
  }
  return { table, bits: maxLen };
}

/**
 * The bytes that the raw deflate stream `src` encodes. `expectedSize`, when
 * known (a zip entry's size), sizes the output and bounds it: a stream that
 * decodes to more is an error. Errors on corrupt data are `errorPrefix`
 * followed by the problem (e.g. "[load] 'w.npy': ").
 */
export function inflateRaw(src: Uint8Array, expectedSize: number | undefined, errorPrefix: string): Uint8Array {
  const fail = (m: string): never => {
    throw new Error(errorPrefix + m);
  };
  let out = new Uint8Array(expectedSize ?? Math.max(1024, src.length * 4));
  let outLen = 0;
  const ensure = (n: number) => {
    if (outLen + n <= out.length) return;
    if (expectedSize !== undefined) fail(`The compressed data decodes to more than the ${expectedSize} bytes the archive lists (corrupt data).`);
    let size = out.length * 2;
    while (size < outLen + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(out.subarray(0, outLen));
    out = grown;
  };

  let pos = 0;
  let bitBuf = 0;
  let bitCount = 0;
  // Past the end of the input the reader feeds zero bytes and counts them: a
  // code or value that reads any of them means the data was truncated.
  let padded = 0;
  const fill = (n: number) => {
    while (bitCount < n) {
      let byte = 0;
      if (pos < src.length) byte = src[pos++]!;
      else padded++;
      bitBuf |= byte << bitCount;
      bitCount += 8;
    }
  };
  const consume = (n: number) => {
    bitBuf >>>= n;
    bitCount -= n;
    if (padded > 0 && bitCount < padded * 8) fail("The compressed data ends early (truncated file?).");
  };
  const bits = (n: number): number => {
    if (n === 0) return 0;
    fill(n);
    const v = bitBuf & ((1 << n) - 1);
    consume(n);
    return v;
  };
  const decode = (t: DecodeTable): number => {
    if (t.bits === 0) fail("A block uses a Huffman code that has no codes (corrupt data).");
    fill(t.bits);
    const e = t.table[bitBuf & ((1 << t.bits) - 1)]!;
    const len = e & 15;
    if (len === 0) fail("Invalid Huffman code (corrupt data).");
    consume(len);
    return e >>> 4;
  };

  let fixed: [DecodeTable, DecodeTable] | undefined;
  for (let last = 0; !last; ) {
    last = bits(1);
    const type = bits(2);
    if (type === 0) {
      // Stored: skip to a byte boundary; LEN and its one's complement NLEN follow.
      consume(bitCount & 7);
      const len = bits(16);
      const nlen = bits(16);
      if ((len ^ 0xffff) !== nlen) fail("A stored block's length check fails (corrupt data).");
      // The bit buffer now holds only whole bytes that come before `pos`.
      let fromBuf = bitCount >>> 3;
      ensure(len);
      let i = 0;
      for (; i < len && fromBuf > 0; ++i, --fromBuf) out[outLen++] = bits(8);
      const rest = len - i;
      if (pos + rest > src.length) fail("A stored block ends past the end of the data (truncated file?).");
      out.set(src.subarray(pos, pos + rest), outLen);
      outLen += rest;
      pos += rest;
      continue;
    }
    let lit: DecodeTable;
    let dist: DecodeTable;
    if (type === 1) {
      fixed ??= [buildTable(fixedLiteralLengths(), fail), buildTable(fixedDistanceLengths(), fail)];
      [lit, dist] = fixed;
    } else if (type === 2) {
      const nlit = bits(5) + 257;
      const ndist = bits(5) + 1;
      const ncode = bits(4) + 4;
      if (nlit > 286 || ndist > 30) fail("A dynamic block lists too many codes (corrupt data).");
      const codeLengths = new Uint8Array(19);
      for (let i = 0; i < ncode; ++i) codeLengths[CODE_LENGTH_ORDER[i]!] = bits(3);
      const lenCode = buildTable(codeLengths, fail);
      const lengths = new Uint8Array(nlit + ndist);
      for (let i = 0; i < nlit + ndist; ) {
        const sym = decode(lenCode);
        if (sym < 16) {
          lengths[i++] = sym;
          continue;
        }
        let repeat: number;
        let value = 0;
        if (sym === 16) {
          if (i === 0) fail("A length repeat has nothing to repeat (corrupt data).");
          value = lengths[i - 1]!;
          repeat = 3 + bits(2);
        } else if (sym === 17) repeat = 3 + bits(3);
        else repeat = 11 + bits(7);
        if (i + repeat > nlit + ndist) fail("Code lengths run past the codes' count (corrupt data).");
        lengths.fill(value, i, i + repeat);
        i += repeat;
      }
      if (lengths[256] === 0) fail("A dynamic block has no end-of-block code (corrupt data).");
      lit = buildTable(lengths.subarray(0, nlit), fail);
      dist = buildTable(lengths.subarray(nlit), fail);
    } else {
      return fail("Invalid block type 3 (corrupt data).");
    }
    for (;;) {
      const sym = decode(lit);
      if (sym < 256) {
        ensure(1);
        out[outLen++] = sym;
        continue;
      }
      if (sym === 256) break;
      const li = sym - 257;
      if (li >= 29) fail("Invalid length code (corrupt data).");
      const len = LENGTH_BASE[li]! + bits(LENGTH_EXTRA[li]!);
      const di = decode(dist);
      if (di >= 30) fail("Invalid distance code (corrupt data).");
      const d = DIST_BASE[di]! + bits(DIST_EXTRA[di]!);
      if (d > outLen) fail("A match reaches back before the start of the data (corrupt data).");
      ensure(len);
      // Byte by byte: a match may overlap the bytes it writes.
      for (let k = 0; k < len; ++k, ++outLen) out[outLen] = out[outLen - d]!;
    }
  }
  return outLen === out.length ? out : out.slice(0, outLen);
}

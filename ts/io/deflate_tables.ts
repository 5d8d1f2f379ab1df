// The constants of the deflate format (RFC 1951) that the compressor and the
// decompressor share: the base values and extra-bit counts of the length
// codes (257..285) and the distance codes (0..29), and the order in which a
// dynamic block lists the code-length code's lengths.

export const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
export const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
export const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
export const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
export const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

/** The fixed literal/length code's lengths (BTYPE 01). */
export function fixedLiteralLengths(): Uint8Array {
  const l = new Uint8Array(288);
  l.fill(8, 0, 144);
  l.fill(9, 144, 256);
  l.fill(7, 256, 280);
  l.fill(8, 280, 288);
  return l;
}

/** The fixed distance code's lengths: 5 bits each. */
export function fixedDistanceLengths(): Uint8Array {
  return new Uint8Array(30).fill(5);
}

/** `code`'s lowest `len` bits in reverse order (deflate sends Huffman codes most significant bit first into an LSB-first stream). */
export function reverseBits(code: number, len: number): number {
  let r = 0;
  for (let i = 0; i < len; ++i) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

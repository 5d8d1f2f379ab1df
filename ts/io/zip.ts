// Zip archives as .npz files use them (PKWARE APPNOTE 6.3): reading stored
// and deflated members, with data descriptors and zip64 records (numpy
// writes zip64 for large members), and writing stored or deflated members.
// Everything is synchronous and works on bytes, in every host.

import { deflateRaw } from "./deflate.js";
import { inflateRaw } from "./inflate.js";

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;
const ZIP64_END_SIG = 0x06064b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const STORED = 0;
const DEFLATED = 8;
const UTF8_NAMES = 1 << 11;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; ++n) {
    let c = n;
    for (let k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32 (ISO 3309, as zip and gzip use it) of `data`. */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; ++i) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Uint8Array;
}

/** The members of a zip archive in the central directory's order; "[tag] ..." errors on a malformed archive. */
export function readZip(bytes: Uint8Array, tag: string): ZipEntry[] {
  const fail = (m: string): never => {
    throw new Error(`[${tag}] ${m}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number) => view.getUint16(at, true);
  const u32 = (at: number) => view.getUint32(at, true);
  const u64 = (at: number) => {
    const v = view.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail("A zip64 size or offset is too large (corrupt file?).");
    return Number(v);
  };
  const within = (at: number, n: number, what: string) => {
    if (at < 0 || at + n > bytes.length) fail(`${what} extends past the end of the file (truncated file?).`);
  };

  // The end-of-central-directory record: the last 22 bytes, unless a comment (at most 65535 bytes) follows it.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); --at)
    if (u32(at) === END_SIG && at + 22 + u16(at + 20) === bytes.length) {
      end = at;
      break;
    }
  if (end < 0) fail("The end of the zip's central directory is missing (not a zip file, or truncated?).");
  let count = u16(end + 10);
  let dirSize = u32(end + 12);
  let dirOffset = u32(end + 16);
  if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
    const loc = end - 20;
    if (loc < 0 || u32(loc) !== ZIP64_LOCATOR_SIG) fail("The zip64 end-of-directory locator is missing (corrupt file?).");
    const rec = u64(loc + 8);
    within(rec, 56, "The zip64 end-of-directory record");
    if (u32(rec) !== ZIP64_END_SIG) fail("The zip64 end-of-directory record has a bad signature (corrupt file?).");
    count = u64(rec + 32);
    dirSize = u64(rec + 40);
    dirOffset = u64(rec + 48);
  }
  within(dirOffset, dirSize, "The central directory");

  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let i = 0; i < count; ++i) {
    within(at, 46, "A central directory entry");
    if (u32(at) !== CENTRAL_SIG) fail(`Central directory entry ${i} has a bad signature (corrupt file?).`);
    const flags = u16(at + 8);
    const method = u16(at + 10);
    const crc = u32(at + 16);
    let csize = u32(at + 20);
    let usize = u32(at + 24);
    const nameLen = u16(at + 28);
    const extraLen = u16(at + 30);
    const commentLen = u16(at + 32);
    let local = u32(at + 42);
    within(at + 46, nameLen + extraLen + commentLen, "A central directory entry");
    const nameBytes = bytes.subarray(at + 46, at + 46 + nameLen);
    const name = new TextDecoder(flags & UTF8_NAMES ? "utf-8" : "latin1").decode(nameBytes);
    // A zip64 extra field holds, in this order, whichever of the sizes and the offset don't fit 32 bits.
    for (let e = at + 46 + nameLen, stop = e + extraLen; e + 4 <= stop; ) {
      const id = u16(e);
      const size = u16(e + 2);
      if (e + 4 + size > stop) fail(`'${name}': a malformed extra field (corrupt file?).`);
      if (id === 0x0001) {
        let p = e + 4;
        const next = () => {
          if (p + 8 > e + 4 + size) fail(`'${name}': the zip64 extra field is too short (corrupt file?).`);
          const v = u64(p);
          p += 8;
          return v;
        };
        if (usize === 0xffffffff) usize = next();
        if (csize === 0xffffffff) csize = next();
        if (local === 0xffffffff) local = next();
      }
      e += 4 + size;
    }
    at += 46 + nameLen + extraLen + commentLen;
    if (flags & 1) fail(`'${name}' is encrypted; encrypted archives are not supported.`);
    if (method !== STORED && method !== DEFLATED) fail(`'${name}' uses compression method ${method}; only stored (0) and deflate (8) are supported.`);
    // The data follows the local header, whose name and extra field lengths may differ from the central directory's.
    within(local, 30, `'${name}': the local header`);
    if (u32(local) !== LOCAL_SIG) fail(`'${name}': the local header has a bad signature (corrupt file?).`);
    const dataStart = local + 30 + u16(local + 26) + u16(local + 28);
    within(dataStart, csize, `'${name}': the member's data`);
    const raw = bytes.subarray(dataStart, dataStart + csize);
    let data: Uint8Array;
    if (method === STORED) {
      if (csize !== usize) fail(`'${name}': a stored member's sizes differ (${csize} and ${usize}; corrupt file?).`);
      data = raw;
    } else {
      // Deflate expands at most 1032:1; a larger claim is corrupt, and is refused before the output is allocated.
      if (usize > csize * 1032 + 1024) fail(`'${name}' claims ${usize} bytes from ${csize} compressed ones (corrupt file?).`);
      data = inflateRaw(raw, usize, `[${tag}] '${name}': `);
      if (data.length !== usize) fail(`'${name}' decompresses to ${data.length} bytes; the archive lists ${usize} (corrupt file?).`);
    }
    if (crc32(data) !== crc) fail(`'${name}': CRC-32 mismatch (corrupt file?).`);
    entries.push({ name, data });
  }
  return entries;
}

/** A zip archive of `entries`, each stored or deflated; zip64 records where sizes or offsets pass 32 bits. */
export function writeZip(entries: ZipEntry[], compress: boolean): Uint8Array {
  const enc = new TextEncoder();
  // MS-DOS date and time of 1980-01-01 00:00: the archive's bytes don't depend on the clock.
  const DOS_DATE = (0 << 9) | (1 << 5) | 1;
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const big = (n: number) => n >= 0xffffffff;
  for (const { name, data } of entries) {
    const nameBytes = enc.encode(name);
    const body = compress ? deflateRaw(data) : data;
    const crc = crc32(data);
    const zip64 = big(data.length) || big(body.length) || big(offset);
    // The local header's zip64 field carries both sizes; the central one also the offset.
    const local = new Uint8Array(30 + nameBytes.length + (zip64 ? 20 : 0));
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL_SIG, true);
    lv.setUint16(4, zip64 ? 45 : 20, true);
    lv.setUint16(6, UTF8_NAMES, true);
    lv.setUint16(8, compress ? DEFLATED : STORED, true);
    lv.setUint16(12, DOS_DATE, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, zip64 ? 0xffffffff : body.length, true);
    lv.setUint32(22, zip64 ? 0xffffffff : data.length, true);
    lv.setUint16(26, nameBytes.length, true);
    lv.setUint16(28, zip64 ? 20 : 0, true);
    local.set(nameBytes, 30);
    if (zip64) {
      const x = 30 + nameBytes.length;
      lv.setUint16(x, 0x0001, true);
      lv.setUint16(x + 2, 16, true);
      lv.setBigUint64(x + 4, BigInt(data.length), true);
      lv.setBigUint64(x + 12, BigInt(body.length), true);
    }
    const cen = new Uint8Array(46 + nameBytes.length + (zip64 ? 28 : 0));
    const cv = new DataView(cen.buffer);
    cv.setUint32(0, CENTRAL_SIG, true);
    cv.setUint16(4, zip64 ? 45 : 20, true);
    cv.setUint16(6, zip64 ? 45 : 20, true);
    cv.setUint16(8, UTF8_NAMES, true);
    cv.setUint16(10, compress ? DEFLATED : STORED, true);
    cv.setUint16(14, DOS_DATE, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, zip64 ? 0xffffffff : body.length, true);
    cv.setUint32(24, zip64 ? 0xffffffff : data.length, true);
    cv.setUint16(28, nameBytes.length, true);
    cv.setUint16(30, zip64 ? 28 : 0, true);
    cv.setUint32(38, 0o100644 << 16, true); // a regular file, rw-r--r--
    cv.setUint32(42, zip64 ? 0xffffffff : offset, true);
    cen.set(nameBytes, 46);
    if (zip64) {
      const x = 46 + nameBytes.length;
      cv.setUint16(x, 0x0001, true);
      cv.setUint16(x + 2, 24, true);
      cv.setBigUint64(x + 4, BigInt(data.length), true);
      cv.setBigUint64(x + 12, BigInt(body.length), true);
      cv.setBigUint64(x + 20, BigInt(offset), true);
    }
    parts.push(local, body);
    central.push(cen);
    offset += local.length + body.length;
  }
  const dirOffset = offset;
  const dirSize = central.reduce((s, c) => s + c.length, 0);
  const zip64 = entries.length >= 0xffff || big(dirOffset) || big(dirSize);
  const tail = new Uint8Array((zip64 ? 56 + 20 : 0) + 22);
  const tv = new DataView(tail.buffer);
  let t = 0;
  if (zip64) {
    tv.setUint32(0, ZIP64_END_SIG, true);
    tv.setBigUint64(4, 44n, true); // the record's size after this field
    tv.setUint16(12, 45, true);
    tv.setUint16(14, 45, true);
    tv.setBigUint64(24, BigInt(entries.length), true);
    tv.setBigUint64(32, BigInt(entries.length), true);
    tv.setBigUint64(40, BigInt(dirSize), true);
    tv.setBigUint64(48, BigInt(dirOffset), true);
    tv.setUint32(56, ZIP64_LOCATOR_SIG, true);
    tv.setBigUint64(64, BigInt(dirOffset + dirSize), true);
    tv.setUint32(72, 1, true); // disks
    t = 76;
  }
  tv.setUint32(t, END_SIG, true);
  tv.setUint16(t + 8, zip64 ? 0xffff : entries.length, true);
  tv.setUint16(t + 10, zip64 ? 0xffff : entries.length, true);
  tv.setUint32(t + 12, zip64 ? 0xffffffff : dirSize, true);
  tv.setUint32(t + 16, zip64 ? 0xffffffff : dirOffset, true);
  const out = new Uint8Array(offset + dirSize + tail.length);
  let p = 0;
  for (const part of [...parts, ...central, tail]) {
    out.set(part, p);
    p += part.length;
  }
  return out;
}

import { inflateSync } from 'node:zlib';

/**
 * Unpacks a WOFF 1.0 font into the plain TrueType/OpenType file it wraps. fontkit reads WOFF too, but
 * inflates a table again on each access, which made text layout several times slower; unpacking once
 * at load time costs a millisecond.
 */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const src = Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength);
  if (src.length < 44 || src.toString('latin1', 0, 4) !== 'wOFF') throw new TypeError('not a WOFF 1.0 font');
  const flavor = src.readUInt32BE(4);
  const numTables = src.readUInt16BE(12);
  const entries: { tag: number; data: Buffer; checksum: number }[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = 44 + 20 * i;
    const tag = src.readUInt32BE(at);
    const offset = src.readUInt32BE(at + 4);
    const compLength = src.readUInt32BE(at + 8);
    const origLength = src.readUInt32BE(at + 12);
    const checksum = src.readUInt32BE(at + 16);
    const raw = src.subarray(offset, offset + compLength);
    const data = compLength < origLength ? inflateSync(raw) : raw;
    if (data.length !== origLength) throw new TypeError('damaged WOFF font table');
    entries.push({ tag, data, checksum });
  }
  // The sfnt header's binary-search fields, as the OpenType spec defines them.
  let pow2 = 1;
  let log2 = 0;
  while (pow2 * 2 <= numTables) {
    pow2 *= 2;
    log2++;
  }
  const headerSize = 12 + 16 * numTables;
  const padded = (n: number) => (n + 3) & ~3;
  const total = entries.reduce((sum, e) => sum + padded(e.data.length), headerSize);
  const out = Buffer.alloc(total);
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(pow2 * 16, 6);
  out.writeUInt16BE(log2, 8);
  out.writeUInt16BE(numTables * 16 - pow2 * 16, 10);
  let offset = headerSize;
  entries.forEach((e, i) => {
    const rec = 12 + 16 * i;
    out.writeUInt32BE(e.tag, rec);
    out.writeUInt32BE(e.checksum, rec + 4);
    out.writeUInt32BE(offset, rec + 8);
    out.writeUInt32BE(e.data.length, rec + 12);
    e.data.copy(out, offset);
    offset += padded(e.data.length);
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

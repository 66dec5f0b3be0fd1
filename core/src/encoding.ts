/**
 * Conversions used at the edges (command line, files, databases). They allocate and are not meant
 * for hot loops; errors never echo the input, which may be a secret.
 */
const HEX = '0123456789abcdef';
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function hexToBytes(hex: string): Uint8Array {
  const clean = hex
    .trim()
    .replace(/^0x/i, '')
    .replace(/[\s:-]/g, '');
  if (clean.length % 2 !== 0) throw new RangeError('hex string has an odd number of digits');
  if (!/^[0-9a-fA-F]*$/.test(clean))
    throw new RangeError('hex string has a character that is not 0-9 or a-f');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += HEX[b >> 4] + HEX[b & 15];
  return s;
}

/** RFC 4648 base32 as used in otpauth:// URIs: case-insensitive, padding and spaces optional. */
export function base32ToBytes(text: string): Uint8Array {
  const clean = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  const out = new Uint8Array(Math.floor((clean.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let o = 0;
  for (const ch of clean) {
    const v = BASE32.indexOf(ch);
    if (v < 0) throw new RangeError('base32 string has a character outside A-Z and 2-7');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out[o++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if (bits >= 5 || (value & ((1 << bits) - 1)) !== 0) {
    throw new RangeError('base32 string has a length or trailing bits that no byte string encodes');
  }
  return out;
}

export function bytesToBase32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** A code as the zero-padded string a display or a key card shows. */
export function formatCode(code: number, digits: number): string {
  return String(code).padStart(digits, '0');
}

/**
 * Parses a code typed by a person: exactly `digits` decimal digits (spaces ignored). Returns -1
 * for anything else, so callers can treat a malformed code like a wrong one.
 */
export function parseCode(text: string, digits: number): number {
  const clean = text.replace(/\s/g, '');
  if (clean.length !== digits || !/^[0-9]+$/.test(clean)) return -1;
  return Number(clean);
}

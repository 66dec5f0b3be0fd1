import { PskcError } from './errors.js';

/**
 * xs:base64Binary: white space may appear anywhere; the rest must be base64 in its one canonical
 * spelling (Node's decoder alone would skip stray characters and ignore the unused final bits).
 */
export function base64ToBytes(text: string, what: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  const bytes = Buffer.from(clean, 'base64');
  if (bytes.toString('base64') !== clean) throw new PskcError('invalid', `${what} is not base64`);
  return new Uint8Array(bytes);
}

export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** xs:int / xs:long as a safe integer within [min, max]. */
export function parseInteger(text: string, what: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(text)) throw new PskcError('invalid', `${what} is not a whole number`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new PskcError('unsupported', `${what} must be from ${min} to ${max}`);
  }
  return n;
}

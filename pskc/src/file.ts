import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { PskcError } from './errors.js';
import { checkSize, MAX_PSKC_BYTES } from './xml.js';

/**
 * Reads a PSKC file for parsePskc, refusing one larger than `maxBytes` from its size on disk before
 * a byte of it is read, and never reading more than `maxBytes` + 1 bytes (a file that grows while it
 * is read is refused too).
 */
export function readPskcFile(path: string, maxBytes = MAX_PSKC_BYTES): Uint8Array {
  return readBounded(path, maxBytes, 'a PSKC file', (size) => checkSize(size, maxBytes));
}

function readBounded(
  path: string,
  maxBytes: number,
  what: string,
  tooLarge: (size: number) => void,
): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new PskcError('invalid', `${path} is a folder, not ${what}`);
    if (stat.size > maxBytes) tooLarge(stat.size);
    // One byte more than allowed, so that a file that grew after fstat (or a device) is caught.
    const buffer = new Uint8Array(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) {
        if (length > maxBytes) tooLarge(length);
        break;
      }
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** A pre-shared key file: the AES-128 key as 32 hex digits and a newline (as privacyIDEA takes it). */
export const PSK_BYTES = 16;

export function formatPskFile(key: Uint8Array): string {
  if (key.length !== PSK_BYTES) throw new RangeError(`a pre-shared key is ${PSK_BYTES} bytes`);
  return `${Buffer.from(key).toString('hex')}\n`;
}

/** The key in a pre-shared key file's text; the error never shows the text, which is a secret. */
export function parsePskFile(text: string): Uint8Array {
  const clean = text.trim();
  if (!/^[0-9a-fA-F]{32}$/.test(clean)) {
    throw new RangeError('a pre-shared key file holds exactly 32 hex digits (16 bytes, AES-128)');
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

/** Reads a pre-shared key file; a problem is one RangeError line naming the file, never its contents. */
export function readPskFile(path: string): Uint8Array {
  const notKey = () =>
    new RangeError(
      `${path} is not a pre-shared key file (32 hex digits; make one with: nemid keygen --psk --out FILE)`,
    );
  const bytes = readBounded(path, 256, 'a pre-shared key file', () => {
    throw notKey();
  });
  try {
    return parsePskFile(new TextDecoder().decode(bytes));
  } catch {
    throw notKey();
  }
}

/** Reads a password file for RFC 6030 6.2: its text without the final line break. */
export function readPasswordFile(path: string): string {
  const bytes = readBounded(path, 1024, 'a password file', () => {
    throw new RangeError(`${path} is too long for a password file (1024 bytes at most)`);
  });
  const password = new TextDecoder().decode(bytes).replace(/\r?\n$/, '');
  if (password === '') throw new RangeError(`${path} is empty; a password file holds the password`);
  return password;
}

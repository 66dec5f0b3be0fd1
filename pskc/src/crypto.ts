import { bytesEqual } from '@nemid-sim/core';
import { cbc } from '@noble/ciphers/aes.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import type { MacAlgorithm } from './uris.js';

const BLOCK = 16;
const HASHES = { 'hmac-sha1': sha1, 'hmac-sha256': sha256, 'hmac-sha512': sha512 } as const;

/** MAC keys as long as the hash's output, as RFC 2104 recommends. */
export const MAC_KEY_BYTES: Readonly<Record<MacAlgorithm, number>> = {
  'hmac-sha1': 20,
  'hmac-sha256': 32,
  'hmac-sha512': 64,
};

/** XML Encryption CBC: the IV is the first block of the CipherValue, then the ciphertext. */
export function encryptCbc(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const body = cbc(key, iv).encrypt(plaintext);
  const out = new Uint8Array(BLOCK + body.length);
  out.set(iv);
  out.set(body, BLOCK);
  return out;
}

/**
 * Decrypts an IV-prefixed CipherValue; undefined when it cannot be the output of encryption under
 * this key (length, or padding). The padding is XML Encryption's (5.2): only the last byte, the
 * number of padding bytes, is defined, so only it is checked.
 */
export function decryptCbc(key: Uint8Array, data: Uint8Array): Uint8Array | undefined {
  if (data.length < 2 * BLOCK || data.length % BLOCK !== 0) return undefined;
  const plain = cbc(key, data.subarray(0, BLOCK), { disablePadding: true }).decrypt(data.subarray(BLOCK));
  const pad = plain[plain.length - 1];
  if (pad < 1 || pad > BLOCK) return undefined;
  return plain.slice(0, plain.length - pad);
}

export function mac(algorithm: MacAlgorithm, key: Uint8Array, data: Uint8Array): Uint8Array {
  return hmac(HASHES[algorithm], key, data);
}

export function macMatches(
  algorithm: MacAlgorithm,
  key: Uint8Array,
  data: Uint8Array,
  expected: Uint8Array,
): boolean {
  return bytesEqual(mac(algorithm, key, data), expected);
}

/** PBKDF2 (RFC 8018) with an HMAC pseudo-random function, for RFC 6030 6.2. */
export function deriveKey(
  password: string,
  salt: Uint8Array,
  iterations: number,
  keyBytes: number,
  prf: MacAlgorithm,
): Uint8Array {
  return pbkdf2(HASHES[prf], new TextEncoder().encode(password), salt, { c: iterations, dkLen: keyBytes });
}

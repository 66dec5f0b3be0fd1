import { SHA1_IV, sha1Compress } from './sha1.js';
import { SHA256_IV, sha256Compress } from './sha256.js';
import { SHA512_IV, sha512Compress } from './sha512.js';

export type Algorithm = 'sha1' | 'sha256' | 'sha512';

/** What HMAC needs to know about a Merkle-Damgård hash, in 32-bit words. */
export interface HashSpec {
  readonly name: Algorithm;
  readonly blockBytes: number;
  readonly digestBytes: number;
  /** Length of the message schedule in int32s (80, 64, or 160 for SHA-512's 80 halves-pairs). */
  readonly scheduleInts: number;
  readonly iv: readonly number[];
  /** Compresses block w into the chaining value `init` (default: `state` itself), writing `state`. */
  readonly compress: (state: Int32Array, w: Int32Array, init?: Int32Array) => void;
}

export const HASHES: Readonly<Record<Algorithm, HashSpec>> = {
  sha1: {
    name: 'sha1',
    blockBytes: 64,
    digestBytes: 20,
    scheduleInts: 80,
    iv: SHA1_IV,
    compress: sha1Compress,
  },
  sha256: {
    name: 'sha256',
    blockBytes: 64,
    digestBytes: 32,
    scheduleInts: 64,
    iv: SHA256_IV,
    compress: sha256Compress,
  },
  sha512: {
    name: 'sha512',
    blockBytes: 128,
    digestBytes: 64,
    scheduleInts: 160,
    iv: SHA512_IV,
    compress: sha512Compress,
  },
};

export function hashSpec(algorithm: string): HashSpec {
  if (algorithm !== 'sha1' && algorithm !== 'sha256' && algorithm !== 'sha512') {
    throw new RangeError(`unknown algorithm "${algorithm}": expected sha1, sha256 or sha512`);
  }
  return HASHES[algorithm];
}

/** Loads `block` bytes starting at `offset` into w[0..] as big-endian int32s. */
export function loadBlock(w: Int32Array, bytes: Uint8Array, offset: number, blockBytes: number): void {
  for (let i = 0; i < blockBytes >> 2; i++) {
    const p = offset + 4 * i;
    w[i] = (bytes[p] << 24) | (bytes[p + 1] << 16) | (bytes[p + 2] << 8) | bytes[p + 3];
  }
}

/** Big-endian byte i of a digest held as int32 words. */
export function byteOf(words: Int32Array, i: number): number {
  return (words[i >> 2] >>> (24 - ((i & 3) << 3))) & 0xff;
}

/**
 * A whole digest of an arbitrary message. Used only when an engine is constructed (to shorten
 * long HMAC keys and derive sub-keys), so it may allocate.
 */
export function digest(spec: HashSpec, message: Uint8Array): Uint8Array {
  const lengthField = spec.blockBytes === 128 ? 16 : 8;
  const padded = new Uint8Array(
    Math.ceil((message.length + 1 + lengthField) / spec.blockBytes) * spec.blockBytes,
  );
  padded.set(message);
  padded[message.length] = 0x80;
  const bits = message.length * 8;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(bits / 4294967296));
  view.setUint32(padded.length - 4, bits >>> 0);
  const state = Int32Array.from(spec.iv, (x) => x | 0);
  const w = new Int32Array(spec.scheduleInts);
  for (let off = 0; off < padded.length; off += spec.blockBytes) {
    loadBlock(w, padded, off, spec.blockBytes);
    spec.compress(state, w);
  }
  const out = new Uint8Array(spec.digestBytes);
  for (let i = 0; i < out.length; i++) out[i] = byteOf(state, i);
  return out;
}

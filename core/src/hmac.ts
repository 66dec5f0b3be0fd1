import { byteOf, digest, type HashSpec, loadBlock } from './hash-spec.js';

/**
 * HMAC (RFC 2104) with the inner and outer pad states computed once per key, specialised for
 * the 8-byte messages of HOTP: one MAC costs exactly two compressions and allocates nothing.
 */
export class CounterMac {
  private readonly inner: Int32Array;
  private readonly outer: Int32Array;
  private readonly state: Int32Array;
  private readonly w: Int32Array;
  private readonly blockInts: number;
  private readonly digestInts: number;
  private readonly innerBits: number;
  private readonly outerBits: number;
  private readonly lastByte: number;
  private readonly compress: (state: Int32Array, w: Int32Array) => void;

  constructor(spec: HashSpec, key: Uint8Array) {
    this.compress = spec.compress;
    this.blockInts = spec.blockBytes >> 2;
    this.digestInts = spec.digestBytes >> 2;
    this.innerBits = (spec.blockBytes + 8) * 8;
    this.outerBits = (spec.blockBytes + spec.digestBytes) * 8;
    this.lastByte = spec.digestBytes - 1;
    this.w = new Int32Array(spec.scheduleInts);
    this.state = new Int32Array(spec.iv.length);
    const k = key.length > spec.blockBytes ? digest(spec, key) : key;
    const block = new Uint8Array(spec.blockBytes);
    this.inner = padState(spec, block, k, 0x36, this.w);
    this.outer = padState(spec, block, k, 0x5c, this.w);
    block.fill(0);
  }

  /**
   * HMAC of the 8-byte big-endian message (hi, lo), reduced by RFC 4226 §5.3 dynamic truncation
   * to a 31-bit number.
   */
  truncated(hi: number, lo: number): number {
    const w = this.w;
    const s = this.state;
    const n = this.blockInts;
    copy(s, this.inner);
    w[0] = hi;
    w[1] = lo;
    w[2] = 0x80000000 | 0;
    for (let i = 3; i < n - 1; i++) w[i] = 0;
    w[n - 1] = this.innerBits;
    this.compress(s, w);
    const d = this.digestInts;
    for (let i = 0; i < d; i++) w[i] = s[i];
    w[d] = 0x80000000 | 0;
    for (let i = d + 1; i < n - 1; i++) w[i] = 0;
    w[n - 1] = this.outerBits;
    copy(s, this.outer);
    this.compress(s, w);
    const off = byteOf(s, this.lastByte) & 0x0f;
    return (
      ((byteOf(s, off) & 0x7f) << 24) |
      (byteOf(s, off + 1) << 16) |
      (byteOf(s, off + 2) << 8) |
      byteOf(s, off + 3)
    );
  }
}

function copy(dst: Int32Array, src: Int32Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = src[i];
}

function padState(
  spec: HashSpec,
  block: Uint8Array,
  key: Uint8Array,
  pad: number,
  w: Int32Array,
): Int32Array {
  block.fill(pad);
  for (let i = 0; i < key.length; i++) block[i] = key[i] ^ pad;
  const state = Int32Array.from(spec.iv, (x) => x | 0);
  loadBlock(w, block, 0, spec.blockBytes);
  spec.compress(state, w);
  return state;
}

/** A one-off HMAC of an arbitrary message; allocates, for construction-time key derivation only. */
export function hmac(spec: HashSpec, key: Uint8Array, message: Uint8Array): Uint8Array {
  const k = key.length > spec.blockBytes ? digest(spec, key) : key;
  const ipad = new Uint8Array(spec.blockBytes + message.length).fill(0x36, 0, spec.blockBytes);
  const opad = new Uint8Array(spec.blockBytes + spec.digestBytes).fill(0x5c, 0, spec.blockBytes);
  for (let i = 0; i < k.length; i++) {
    ipad[i] ^= k[i];
    opad[i] ^= k[i];
  }
  ipad.set(message, spec.blockBytes);
  opad.set(digest(spec, ipad), spec.blockBytes);
  return digest(spec, opad);
}

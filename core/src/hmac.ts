import { digest, type HashSpec, loadBlock } from './hash-spec.js';

/**
 * HMAC (RFC 2104) with the inner and outer pad states computed once per key, specialised for
 * the 8-byte messages of HOTP: one MAC costs exactly two compressions and allocates nothing.
 */
export class CounterMac {
  private readonly inner: Int32Array;
  private readonly outer: Int32Array;
  private readonly state: Int32Array;
  // Two message blocks whose padding and length words are written once, here: the compression
  // functions never modify w[0..15], so each MAC only writes the counter and the inner digest.
  private readonly innerBlock: Int32Array;
  private readonly outerBlock: Int32Array;
  private readonly digestInts: number;
  private readonly lastWord: number;
  private readonly compress: (state: Int32Array, w: Int32Array, init?: Int32Array) => void;

  constructor(spec: HashSpec, key: Uint8Array) {
    this.compress = spec.compress;
    const blockInts = spec.blockBytes >> 2;
    this.digestInts = spec.digestBytes >> 2;
    this.lastWord = (spec.digestBytes >> 2) - 1;
    this.state = new Int32Array(spec.iv.length);
    this.innerBlock = new Int32Array(spec.scheduleInts);
    this.innerBlock[2] = 0x80000000 | 0;
    this.innerBlock[blockInts - 1] = (spec.blockBytes + 8) * 8;
    this.outerBlock = new Int32Array(spec.scheduleInts);
    this.outerBlock[this.digestInts] = 0x80000000 | 0;
    this.outerBlock[blockInts - 1] = (spec.blockBytes + spec.digestBytes) * 8;
    const k = key.length > spec.blockBytes ? digest(spec, key) : key;
    const block = new Uint8Array(spec.blockBytes);
    const scratch = new Int32Array(spec.scheduleInts);
    this.inner = padState(spec, block, k, 0x36, scratch);
    this.outer = padState(spec, block, k, 0x5c, scratch);
    block.fill(0);
  }

  /**
   * HMAC of the 8-byte big-endian message (hi, lo), reduced by RFC 4226 §5.3 dynamic truncation
   * to a 31-bit number.
   */
  truncated(hi: number, lo: number): number {
    const s = this.state;
    const iw = this.innerBlock;
    const ow = this.outerBlock;
    iw[0] = hi;
    iw[1] = lo;
    this.compress(s, iw, this.inner);
    const d = this.digestInts;
    for (let i = 0; i < d; i++) ow[i] = s[i];
    this.compress(s, ow, this.outer);
    // The offset is the low nibble of the digest's last byte; the 4 bytes it points at span at
    // most two words.
    const off = s[this.lastWord] & 0x0f;
    const i = off >> 2;
    const shift = (off & 3) << 3;
    const bytes = shift === 0 ? s[i] : (s[i] << shift) | (s[i + 1] >>> (32 - shift));
    return bytes & 0x7fffffff;
  }
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

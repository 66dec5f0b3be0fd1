import { gcm } from '@noble/ciphers/aes.js';
import { VerifierError } from './errors.js';
import type { RandomSource } from './runtime.js';

const VERSION = 1;
const NONCE_BYTES = 12;
const encoder = new TextEncoder();

/**
 * AES-256-GCM for secrets at rest. The packed form is version || nonce || ciphertext+tag. The
 * record's identity (say 'card:A123456789') is the associated data, so a ciphertext copied into
 * another row does not decrypt there.
 */
export class SecretBox {
  private readonly key: Uint8Array;

  constructor(
    key: Uint8Array,
    private readonly random: RandomSource,
  ) {
    if (!(key instanceof Uint8Array) || key.length !== 32) throw new RangeError('the key must be 32 bytes');
    this.key = key.slice();
  }

  seal(plaintext: Uint8Array, context: string): Uint8Array {
    const nonce = this.random(NONCE_BYTES);
    const sealed = gcm(this.key, nonce, encoder.encode(context)).encrypt(plaintext);
    const out = new Uint8Array(1 + NONCE_BYTES + sealed.length);
    out[0] = VERSION;
    out.set(nonce, 1);
    out.set(sealed, 1 + NONCE_BYTES);
    return out;
  }

  /**
   * Throws WRONG_MASTER_KEY when the ciphertext was sealed under another key (or altered, or moved
   * to another record, which a key check at start-up tells apart).
   */
  open(packed: Uint8Array, context: string): Uint8Array {
    if (packed.length < 1 + NONCE_BYTES + 16 || packed[0] !== VERSION) {
      throw new VerifierError('WRONG_MASTER_KEY', 'a stored secret is not in a known format');
    }
    const nonce = packed.subarray(1, 1 + NONCE_BYTES);
    try {
      return gcm(this.key, nonce, encoder.encode(context)).decrypt(packed.subarray(1 + NONCE_BYTES));
    } catch {
      throw new VerifierError('WRONG_MASTER_KEY');
    }
  }
}

import { HASHES } from './hash-spec.js';
import { CounterMac, hmac } from './hmac.js';

/** Slots on one key card (KC-1). */
export const CARD_SLOTS = 148;
/** Key numbers are 4 digits: 0000-9999. */
export const KEY_NUMBER_SPACE = 10_000;
export const CARD_KEY_DIGITS = 6;
const MIN_CARD_SECRET_BYTES = 16;

export interface CardEngine {
  /** The 4-digit key number printed in `slot` (0..147), as a number 0..9999. */
  keyNumber(slot: number): number;
  /** The 6-digit key printed next to the key number in `slot`, as a number 0..999999. */
  key(slot: number): number;
  /** The slot whose key number is `keyNumber`, or -1 when that number is not on this card. */
  slotOf(keyNumber: number): number;
}

const HALF_BITS = 7;
const HALF_MASK = (1 << HALF_BITS) - 1;
const ROUNDS = 6;
const encoder = new TextEncoder();
// Separate HMAC keys for key numbers and keys, so that neither can be computed from the other.
const NUMBER_LABEL = encoder.encode('nemid-sim key card v1: key numbers');
const KEY_LABEL = encoder.encode('nemid-sim key card v1: keys');

/**
 * Key numbers come from a keyed pseudo-random permutation of 0..9999: a 6-round balanced Feistel
 * network on 14 bits (two 7-bit halves, HMAC-SHA256 round function) with cycle walking back into
 * 0..9999. slot -> number is the permutation, number -> slot its inverse, so both are cheap and the
 * 148 numbers on a card are distinct by construction.
 */
class Card implements CardEngine {
  private readonly numberMac: CounterMac;
  private readonly keyMac: CounterMac;
  /**
   * The round function's value for each (round, half), -1 until first needed. The Feistel network
   * has only 6 x 128 distinct round inputs, and the 148 key numbers of a card with their cycle
   * walking make about 1,450 round calls on about 670 of them: remembering them halves the HMACs
   * of printing a card (about 1,600 to about 820).
   */
  private readonly rounds = new Int16Array(ROUNDS << HALF_BITS).fill(-1);

  constructor(secret: Uint8Array) {
    const spec = HASHES.sha256;
    this.numberMac = new CounterMac(spec, hmac(spec, secret, NUMBER_LABEL));
    this.keyMac = new CounterMac(spec, hmac(spec, secret, KEY_LABEL));
  }

  keyNumber(slot: number): number {
    checkSlot(slot);
    let x = this.encrypt(slot);
    while (x >= KEY_NUMBER_SPACE) x = this.encrypt(x);
    return x;
  }

  key(slot: number): number {
    checkSlot(slot);
    return this.keyMac.truncated(0, slot) % 1_000_000;
  }

  slotOf(keyNumber: number): number {
    if (!(Number.isInteger(keyNumber) && keyNumber >= 0 && keyNumber < KEY_NUMBER_SPACE)) {
      throw new RangeError(`key number must be an integer from 0 to 9999, got ${String(keyNumber)}`);
    }
    let x = this.decrypt(keyNumber);
    while (x >= KEY_NUMBER_SPACE) x = this.decrypt(x);
    return x < CARD_SLOTS ? x : -1;
  }

  private round(r: number, half: number): number {
    const at = (r << HALF_BITS) | half;
    let value = this.rounds[at];
    if (value < 0) {
      value = this.numberMac.truncated(r, half) & HALF_MASK;
      this.rounds[at] = value;
    }
    return value;
  }

  private encrypt(x: number): number {
    let left = x >>> HALF_BITS;
    let right = x & HALF_MASK;
    for (let r = 0; r < ROUNDS; r++) {
      const next = left ^ this.round(r, right);
      left = right;
      right = next;
    }
    return (left << HALF_BITS) | right;
  }

  private decrypt(y: number): number {
    let left = y >>> HALF_BITS;
    let right = y & HALF_MASK;
    for (let r = ROUNDS - 1; r >= 0; r--) {
      const prev = right ^ this.round(r, left);
      right = left;
      left = prev;
    }
    return (left << HALF_BITS) | right;
  }
}

function checkSlot(slot: number): void {
  if (!(Number.isInteger(slot) && slot >= 0 && slot < CARD_SLOTS)) {
    throw new RangeError(`slot must be an integer from 0 to ${CARD_SLOTS - 1}, got ${String(slot)}`);
  }
}

export function createCardEngine(cardSecret: Uint8Array): CardEngine {
  if (!(cardSecret instanceof Uint8Array)) throw new TypeError('card secret must be a Uint8Array');
  if (cardSecret.length < MIN_CARD_SECRET_BYTES) {
    throw new RangeError(`card secret must be at least ${MIN_CARD_SECRET_BYTES} bytes`);
  }
  return new Card(cardSecret);
}

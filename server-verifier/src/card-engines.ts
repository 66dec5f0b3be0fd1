import {
  bytesEqual,
  type CardEngine,
  createCardEngine,
  createOtpEngine,
  type OtpEngine,
} from '@nemid-sim/core';
import type { SecretBox } from './secret-box.js';
import type { CardRecord, TokenRecord } from './store/records.js';

const LIMIT = 1024;

/**
 * Decrypting a secret and building an engine costs more than using one, so engines are kept for
 * recently used cards and tokens. An entry is keyed by serial and checked against the stored
 * ciphertext, so a re-keyed record never meets a stale engine. Beyond the limit, the oldest entry
 * not used since it was last passed over goes (second chance: a hit only sets a flag, where
 * moving the entry to the back would cost two map operations on every verification).
 */
class EngineCache<E> {
  private readonly entries = new Map<string, { ciphertext: Uint8Array; engine: E; used: boolean }>();

  get(key: string, ciphertext: Uint8Array, build: () => E): E {
    const hit = this.entries.get(key);
    if (hit && bytesEqual(hit.ciphertext, ciphertext)) {
      hit.used = true;
      return hit.engine;
    }
    const engine = build();
    // Room is made before the new entry goes in, so it cannot be the one forgotten.
    if (!this.entries.delete(key) && this.entries.size >= LIMIT) this.evictOne();
    this.entries.set(key, { ciphertext: ciphertext.slice(), engine, used: false });
    return engine;
  }

  private evictOne(): void {
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      if (!entry.used) return;
      entry.used = false;
      this.entries.set(key, entry);
    }
  }
}

/**
 * A card engine that remembers key number -> slot. Inverting the key-number permutation costs
 * about ten HMACs, and choosing a random unused key inverts every used key number on the card.
 */
class SlotMemo implements CardEngine {
  private readonly slots = new Map<number, number>();

  constructor(private readonly engine: CardEngine) {}

  keyNumber(slot: number): number {
    return this.engine.keyNumber(slot);
  }

  key(slot: number): number {
    return this.engine.key(slot);
  }

  slotOf(keyNumber: number): number {
    let slot = this.slots.get(keyNumber);
    if (slot === undefined) {
      slot = this.engine.slotOf(keyNumber);
      // A card has 148 key numbers; numbers not on it are not remembered (no growth from guesses).
      if (slot >= 0) this.slots.set(keyNumber, slot);
    }
    return slot;
  }
}

export function cardContext(serial: string): string {
  return `card:${serial}`;
}

export function tokenContext(serial: string): string {
  return `token:${serial}`;
}

export class Engines {
  private readonly cards = new EngineCache<CardEngine>();
  private readonly tokens = new EngineCache<OtpEngine>();

  constructor(private readonly box: SecretBox) {}

  card(card: CardRecord): CardEngine {
    return this.cards.get(card.serial, card.secretCiphertext, () => {
      const secret = this.box.open(card.secretCiphertext, cardContext(card.serial));
      try {
        return new SlotMemo(createCardEngine(secret));
      } finally {
        secret.fill(0);
      }
    });
  }

  token(token: TokenRecord): OtpEngine {
    return this.tokens.get(token.serial, token.secretCiphertext, () => {
      const secret = this.box.open(token.secretCiphertext, tokenContext(token.serial));
      try {
        return createOtpEngine(secret, token.algorithm);
      } finally {
        secret.fill(0);
      }
    });
  }
}

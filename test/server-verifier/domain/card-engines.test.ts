/**
 * The verifier's engine cache (server-verifier/src/card-engines.ts): an engine is built (a secret
 * decrypted) once per card while the card stays in use, a re-keyed card never meets its old
 * engine, and beyond the limit the entries used since they were last passed over stay.
 */
import { createHash } from 'node:crypto';
import { createCardEngine } from '@nemid-sim/core';
import { describe, expect, it } from 'vitest';
import { cardContext, Engines } from '../../../server-verifier/src/card-engines.js';
import { SecretBox } from '../../../server-verifier/src/secret-box.js';
import type { CardRecord } from '../../../server-verifier/src/store/records.js';

/** A SecretBox that counts decryptions: each one is an engine built. */
class CountingBox extends SecretBox {
  opened = 0;
  override open(packed: Uint8Array, context: string): Uint8Array {
    this.opened++;
    return super.open(packed, context);
  }
}

const secretOf = (label: string) => new Uint8Array(createHash('sha256').update(label).digest());

function setup() {
  let counter = 0;
  const box = new CountingBox(new Uint8Array(32).fill(3), (n) => {
    const out = new Uint8Array(n);
    out.fill(++counter & 0xff);
    out[0] = counter >> 8;
    return out;
  });
  const card = (serial: string, label = serial): CardRecord => ({
    serial,
    userId: 'u',
    secretCiphertext: box.seal(secretOf(label), cardContext(serial)),
    sequence: 1,
    status: 'active',
    issuedAt: 0,
    reorderSentAt: null,
    usedSlots: new Uint8Array(19),
    lockout: { failures: 0, lockedUntil: null, locks: 0, blocked: false },
  });
  return { box, card, engines: new Engines(box) };
}

const keyOf = (label: string, slot: number) => createCardEngine(secretOf(label)).key(slot);

describe('engine cache', () => {
  it('builds one engine per card and gives the right keys from it', () => {
    const { box, card, engines } = setup();
    const a = card('A000000001');
    const copy = { ...a, secretCiphertext: a.secretCiphertext.slice() };
    expect(engines.card(a).key(7)).toBe(keyOf('A000000001', 7));
    expect(engines.card(copy).key(8)).toBe(keyOf('A000000001', 8));
    expect(box.opened).toBe(1);
  });

  it('builds afresh for a card whose stored secret changed', () => {
    const { box, card, engines } = setup();
    expect(engines.card(card('A000000001')).key(0)).toBe(keyOf('A000000001', 0));
    const rekeyed = card('A000000001', 'another secret');
    expect(engines.card(rekeyed).key(0)).toBe(keyOf('another secret', 0));
    expect(box.opened).toBe(2);
    // And the new engine is the one kept.
    expect(engines.card(rekeyed).key(1)).toBe(keyOf('another secret', 1));
    expect(box.opened).toBe(2);
  });

  it('keeps the cards used since they were last passed over when it must forget one', () => {
    const { box, card, engines } = setup();
    const cards = Array.from({ length: 1024 }, (_, i) => card(`C${String(i).padStart(9, '0')}`));
    for (const c of cards) engines.card(c);
    expect(box.opened).toBe(1024);
    // The oldest card is in use again; the next new card pushes out the oldest unused one.
    engines.card(cards[0]);
    engines.card(card('D000000000'));
    expect(box.opened).toBe(1025);
    engines.card(cards[0]);
    expect(box.opened).toBe(1025);
    engines.card(cards[1]);
    expect(box.opened).toBe(1026);
    expect(engines.card(cards[1]).key(5)).toBe(keyOf('C000000001', 5));
  });

  it('forgets even used cards once every entry has had its second chance', () => {
    const { box, card, engines } = setup();
    const cards = Array.from({ length: 1024 }, (_, i) => card(`C${String(i).padStart(9, '0')}`));
    for (const c of cards) engines.card(c);
    for (const c of cards) engines.card(c);
    expect(box.opened).toBe(1024);
    engines.card(card('D000000000'));
    // All were used: each loses its mark once, then the oldest goes.
    engines.card(cards[0]);
    expect(box.opened).toBe(1026);
    engines.card(cards[2]);
    expect(box.opened).toBe(1026);
  });
});

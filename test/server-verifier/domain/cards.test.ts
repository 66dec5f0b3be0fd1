import { CARD_SLOTS } from '@nemid-sim/core';
import { describe, expect, it } from 'vitest';
import {
  BANK,
  cardChallenge,
  cardSecret,
  codeOf,
  enrolWithCard,
  type Harness,
  HOUR,
  keyFor,
  makeHarness,
  PASSWORD,
} from './harness.js';

async function challenge(h: Harness, nemId: string) {
  return cardChallenge(await h.verifier.startLogon({ userId: nemId, password: PASSWORD, providerId: BANK }));
}

/** Logs on with the right key; returns the key number that was asked. */
async function logonWithCard(h: Harness, nemId: string, secrets: Map<string, Uint8Array>): Promise<string> {
  const c = await challenge(h, nemId);
  const secret = secrets.get(c.cardNumber);
  if (!secret) throw new Error(`no secret for ${c.cardNumber}`);
  await h.verifier.completeLogon(c.challengeId, keyFor(secret, c.keyNumber));
  return `${c.cardNumber}/${c.keyNumber}`;
}

describe('key cards (KC-1..KC-5, KC-9)', () => {
  it('asks for a key number on the named card and logs on with the key printed next to it', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const c = await challenge(h, u.nemIdNumber);
    expect(c.cardNumber).toBe('A000-000-001');
    expect(c.keyNumber).toMatch(/^\d{4}$/);
    expect(c.expiresAt).toBe(h.clock.now + 5 * 60_000);
    const r = await h.verifier.completeLogon(c.challengeId, keyFor(u.secret, c.keyNumber));
    expect(r).toMatchObject({
      userId: u.userId,
      factor: 'card',
      mustChangePassword: false,
      tokenActivated: false,
    });
  });

  it('never asks for a used key, refuses a reused one (AUTH010), and hands over to the next card', async () => {
    const h = makeHarness({ policy: { reorderThreshold: 20 } });
    const u = await enrolWithCard(h);
    const second = cardSecret(2);
    await h.verifier.issueCard(u.userId, { serial: 'A000000002', secret: second });
    const secrets = new Map([
      ['A000-000-001', u.secret],
      ['A000-000-002', second],
    ]);
    const asked = new Set<string>();
    for (let i = 0; i < CARD_SLOTS; i++) asked.add(await logonWithCard(h, u.nemIdNumber, secrets));
    expect(asked.size).toBe(CARD_SLOTS);
    expect([...asked].every((k) => k.startsWith('A000-000-001/'))).toBe(true);
    const cards = await h.verifier.listCards(u.userId);
    expect(cards.map((c) => [c.cardNumber, c.status, c.keysLeft, c.current])).toEqual([
      ['A000-000-001', 'exhausted', 0, false],
      ['A000-000-002', 'active', CARD_SLOTS, true],
    ]);
    expect(h.events.filter((e) => e.type === 'card-handover')).toEqual([
      expect.objectContaining({ fromCardNumber: 'A000-000-001', toCardNumber: 'A000-000-002' }),
    ]);
    // The reorder event came exactly once, at 20 keys left.
    const reorders = h.events.filter((e) => e.type === 'card-reorder');
    expect(reorders).toEqual([expect.objectContaining({ cardNumber: 'A000-000-001', keysLeft: 20 })]);
    const next = await challenge(h, u.nemIdNumber);
    expect(next.cardNumber).toBe('A000-000-002');
  });

  it('says AUTH006 when the last card is used up and there is no next card', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const secrets = new Map([['A000-000-001', u.secret]]);
    for (let i = 0; i < CARD_SLOTS; i++) await logonWithCard(h, u.nemIdNumber, secrets);
    expect(await codeOf(challenge(h, u.nemIdNumber))).toBe('AUTH006');
    expect(h.events.filter((e) => e.type === 'card-handover')).toEqual([
      expect.objectContaining({ fromCardNumber: 'A000-000-001', toCardNumber: null }),
    ]);
  });

  it('refuses a key used before for a concurrent challenge on the same key', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const a = await challenge(h, u.nemIdNumber);
    // Force a second challenge for the same key number by copying the first in the store.
    const stored = await h.store.getChallenge(a.challengeId);
    await h.store.write({ insert: { challenges: [{ ...stored!, id: 'copy' }] } });
    await h.verifier.completeLogon(a.challengeId, keyFor(u.secret, a.keyNumber));
    expect(await codeOf(h.verifier.completeLogon('copy', keyFor(u.secret, a.keyNumber)))).toBe('AUTH010');
  });

  it('calls a key from an earlier log-on an old key (AUTH010)', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const first = await challenge(h, u.nemIdNumber);
    const oldKey = keyFor(u.secret, first.keyNumber);
    await h.verifier.completeLogon(first.challengeId, oldKey);
    const second = await challenge(h, u.nemIdNumber);
    expect(await codeOf(h.verifier.completeLogon(second.challengeId, oldKey))).toBe('AUTH010');
  });

  it('uses the reorder threshold the user chose, once per card', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    await h.verifier.setReorderThreshold(u.userId, 145);
    const secrets = new Map([['A000-000-001', u.secret]]);
    for (let i = 0; i < 6; i++) await logonWithCard(h, u.nemIdNumber, secrets);
    expect(h.events.filter((e) => e.type === 'card-reorder')).toEqual([
      expect.objectContaining({ type: 'card-reorder', userId: u.userId, keysLeft: 145 }),
    ]);
  });

  it('marks the reorder on the card once, at the log-on that reached the threshold', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    await h.verifier.setReorderThreshold(u.userId, 145);
    const secrets = new Map([['A000-000-001', u.secret]]);
    const marks: (number | null)[] = [];
    for (let i = 0; i < 6; i++) {
      h.clock.advance(1000);
      await logonWithCard(h, u.nemIdNumber, secrets);
      marks.push((await h.store.getCard('A000000001'))!.reorderSentAt);
    }
    // 3 log-ons reach the threshold (145 keys left); the 3 after it leave the mark as it was.
    const third = marks[2];
    expect(third).not.toBeNull();
    expect(marks).toEqual([null, null, third, third, third, third]);
    expect(h.events.filter((e) => e.type === 'card-reorder')).toHaveLength(1);
  });

  it('holds at most 4 active cards', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    for (let i = 2; i <= 4; i++) await h.verifier.issueCard(u.userId, { serial: `A00000000${i}` });
    expect(await codeOf(h.verifier.issueCard(u.userId, { serial: 'A000000005' }))).toBe('CONFLICT');
    expect(await codeOf(h.verifier.issueCard(u.userId, { serial: 'bad' }))).toBe('INVALID_INPUT');
    const imported = await h.verifier.importCards([
      { userId: u.userId, serial: 'B000000001', secret: cardSecret(9) },
    ]);
    expect(imported).toEqual({
      imported: [],
      refused: [{ serial: 'B000000001', reason: 'A user holds at most 4 active cards.' }],
    });
  });

  it('quarantines the card after 5 wrong keys (AUTH004) and revokes it after 5 more (LOCK003)', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const wrong = async () => {
      const c = await challenge(h, u.nemIdNumber);
      const right = keyFor(u.secret, c.keyNumber);
      const bad = right === '000000' ? '000001' : '000000';
      return codeOf(h.verifier.completeLogon(c.challengeId, bad));
    };
    for (let i = 0; i < 4; i++) expect(await wrong()).toBe('AUTH002');
    expect(await wrong()).toBe('AUTH004');
    expect(await codeOf(challenge(h, u.nemIdNumber))).toBe('AUTH004');
    h.clock.advance(HOUR);
    for (let i = 0; i < 4; i++) expect(await wrong()).toBe('AUTH002');
    expect(await wrong()).toBe('LOCK003');
    expect((await h.verifier.listCards(u.userId))[0].status).toBe('revoked');
    expect(await codeOf(challenge(h, u.nemIdNumber))).toBe('AUTH006');
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'card-blocked', reason: 'revoked' }));
  });

  it('resets the wrong-key count after a right key', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const attempt = async (right: boolean) => {
      const c = await challenge(h, u.nemIdNumber);
      const key = keyFor(u.secret, c.keyNumber);
      return codeOf(
        h.verifier.completeLogon(c.challengeId, right ? key : key === '111111' ? '222222' : '111111'),
      );
    };
    for (let i = 0; i < 4; i++) await attempt(false);
    expect(await attempt(true)).toBe('resolved');
    for (let i = 0; i < 4; i++) expect(await attempt(false)).toBe('AUTH002');
  });

  it('blocks a lost or found card by its number at once, and the next card takes over', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    await h.verifier.issueCard(u.userId, { serial: 'A000-000-002', secret: cardSecret(2) });
    const pending = await challenge(h, u.nemIdNumber);
    expect(await h.verifier.blockCard('a000 000 001', 'found')).toBe(true);
    expect(await h.verifier.blockCard('Z999-999-999', 'found')).toBe(false);
    expect(
      await codeOf(h.verifier.completeLogon(pending.challengeId, keyFor(u.secret, pending.keyNumber))),
    ).toBe('AUTH008');
    expect(h.events).toContainEqual(
      expect.objectContaining({
        type: 'card-blocked',
        userId: u.userId,
        cardNumber: 'A000-000-001',
        reason: 'found',
      }),
    );
    expect((await challenge(h, u.nemIdNumber)).cardNumber).toBe('A000-000-002');
  });

  it('does not accept keys from another person’s card (KC-4)', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const other = await h.verifier.enrol({ name: 'Bo', cpr: '0202801235', password: 'andet789' });
    const otherSecret = cardSecret(5);
    await h.verifier.issueCard(other.userId, { serial: 'C000000001', secret: otherSecret });
    const c = await challenge(h, u.nemIdNumber);
    const mine = keyFor(u.secret, c.keyNumber);
    let theirs: string;
    try {
      theirs = keyFor(otherSecret, c.keyNumber);
    } catch {
      theirs = '123456';
    }
    if (theirs === mine) theirs = '654321';
    expect(await codeOf(h.verifier.completeLogon(c.challengeId, theirs))).toBe('AUTH002');
  });
});

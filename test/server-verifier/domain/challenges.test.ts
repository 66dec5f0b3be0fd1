import { describe, expect, it } from 'vitest';
import {
  BANK,
  cardChallenge,
  codeOf,
  enrolWithCard,
  keyFor,
  MINUTE,
  makeHarness,
  PASSWORD,
} from './harness.js';

async function started() {
  const h = makeHarness();
  const u = await enrolWithCard(h);
  const c = cardChallenge(
    await h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: BANK }),
  );
  return { h, u, c, key: keyFor(u.secret, c.keyNumber) };
}

describe('challenges', () => {
  it('expire after 5 minutes', async () => {
    const { h, c, key } = await started();
    h.clock.advance(5 * MINUTE);
    expect(await codeOf(h.verifier.completeLogon(c.challengeId, key))).toBe('AUTH003');
  });

  it('work until just before they expire', async () => {
    const { h, c, key } = await started();
    h.clock.advance(5 * MINUTE - 1);
    expect((await h.verifier.completeLogon(c.challengeId, key)).factor).toBe('card');
  });

  it('are single use, right or wrong', async () => {
    const { h, c, key } = await started();
    await h.verifier.completeLogon(c.challengeId, key);
    expect(await codeOf(h.verifier.completeLogon(c.challengeId, key))).toBe('AUTH003');
    const second = await started();
    expect(await codeOf(second.h.verifier.completeLogon(second.c.challengeId, 'nonsense'))).toBe('AUTH002');
    expect(await codeOf(second.h.verifier.completeLogon(second.c.challengeId, second.key))).toBe('AUTH003');
  });

  it('refuse an unknown id', async () => {
    const { h, key } = await started();
    expect(await codeOf(h.verifier.completeLogon('made-up', key))).toBe('AUTH003');
  });

  it('follow the configured time-out, and expired ones are purged', async () => {
    const h = makeHarness({ policy: { challengeTtlMs: MINUTE } });
    const u = await enrolWithCard(h);
    const c = await h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: BANK });
    expect(c.expiresAt).toBe(h.clock.now + MINUTE);
    h.clock.advance(MINUTE);
    expect(await h.verifier.purgeExpiredChallenges()).toBe(1);
  });

  it('draw key numbers from the injected randomness: same seed, same questions', async () => {
    const asked = async () => (await started()).c.keyNumber;
    expect(await asked()).toBe(await asked());
  });

  it('have ids that sort by the time they were made, with 128 random bits after it', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = await h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: BANK });
      ids.push(c.challengeId);
      h.clock.advance(1);
    }
    const made = h.clock.now - 3;
    for (const [i, id] of ids.entries()) {
      // 12 hex digits of the creation time in ms, then 16 random bytes in base64url.
      expect(id).toMatch(/^[0-9a-f]{12}[A-Za-z0-9_-]{22}$/);
      expect(Number.parseInt(id.slice(0, 12), 16)).toBe(made + i);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids.map((id) => id.slice(12))).size).toBe(3);
  });
});

import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { describe, expect, it } from 'vitest';
import {
  BANK,
  cardChallenge,
  codeOf,
  enrolWithCard,
  type Harness,
  keyFor,
  logonWith,
  MINUTE,
  makeHarness,
  PASSWORD,
  TOKEN_SERIAL,
  tokenChallenge,
  tokenSecret,
} from './harness.js';

const SECRET = tokenSecret(1);
const hotp = createOtpEngine(SECRET, 'sha1');
const totpAt = (ms: number) => formatCode(hotp.totp(Math.floor(ms / 1000), 30, 6), 6);
const hotpAt = (counter: number) => formatCode(hotp.hotp(counter, 6), 6);

async function withToken(kind: 'hotp' | 'totp', h: Harness = makeHarness()) {
  const u = await enrolWithCard(h);
  await h.verifier.registerTokens([
    { serial: TOKEN_SERIAL, kind, secret: SECRET },
    { serial: '0000 0000 0000 0002', kind, secret: tokenSecret(2) },
  ]);
  await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
  return { h, u };
}

async function start(h: Harness, nemId: string) {
  return h.verifier.startLogon({ userId: nemId, password: PASSWORD, providerId: BANK });
}

describe('key display activation (T-7)', () => {
  it('offers "switch to key display" on a card challenge and activates with the first valid code', async () => {
    const { h, u } = await withToken('totp');
    const c = cardChallenge(await start(h, u.nemIdNumber));
    expect(c.canSwitchToToken).toBe(true);
    const t = tokenChallenge(await h.verifier.switchToToken(c.challengeId));
    expect(t).toMatchObject({ tokenSerial: TOKEN_SERIAL, activation: true, expiresAt: c.expiresAt });
    // The card challenge is gone: it cannot be answered any more.
    expect(await codeOf(h.verifier.completeLogon(c.challengeId, keyFor(u.secret, c.keyNumber)))).toBe(
      'AUTH003',
    );
    const r = await h.verifier.completeLogon(t.challengeId, totpAt(h.clock.now));
    expect(r).toMatchObject({ userId: u.userId, factor: 'token', tokenActivated: true });
    expect(h.events).toContainEqual(
      expect.objectContaining({ type: 'token-activated', tokenSerial: TOKEN_SERIAL }),
    );
    expect((await h.verifier.getToken(u.userId))?.state).toBe('active');
    // From now on the key display is the default factor.
    h.clock.advance(MINUTE);
    expect(tokenChallenge(await start(h, u.nemIdNumber)).activation).toBe(false);
  });

  it('does not accept an assigned token before activation, and a wrong code does not activate', async () => {
    const { h, u } = await withToken('totp');
    const c = cardChallenge(await start(h, u.nemIdNumber));
    const t = await h.verifier.switchToToken(c.challengeId);
    const right = totpAt(h.clock.now);
    expect(
      await codeOf(h.verifier.completeLogon(t.challengeId, right === '000000' ? '000001' : '000000')),
    ).toBe('AUTH002');
    expect((await h.verifier.getToken(u.userId))?.state).toBe('assigned');
    expect(cardChallenge(await start(h, u.nemIdNumber)).canSwitchToToken).toBe(true);
  });

  it('cannot switch without an ordered key display', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const c = cardChallenge(await start(h, u.nemIdNumber));
    expect(c.canSwitchToToken).toBe(false);
    expect(await codeOf(h.verifier.switchToToken(c.challengeId))).toBe('AUTH003');
  });

  it('gives one key display per NemID (T-5)', async () => {
    const { h, u } = await withToken('totp');
    expect(await codeOf(h.verifier.assignToken(u.userId, '0000000000000002'))).toBe('CONFLICT');
    const other = await h.verifier.enrol({ name: 'Bo', cpr: '0202801235', password: 'andet789' });
    expect(await codeOf(h.verifier.assignToken(other.userId, TOKEN_SERIAL))).toBe('CONFLICT');
    expect(
      await codeOf(h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'totp', secret: SECRET }])),
    ).toBe('CONFLICT');
  });
});

describe('token codes', () => {
  async function active(kind: 'hotp' | 'totp') {
    const { h, u } = await withToken(kind);
    let counter = 0;
    await logonWith(h, u.nemIdNumber, {
      switchToToken: true,
      tokenCode: () => (kind === 'hotp' ? hotpAt(counter++) : totpAt(h.clock.now)),
    });
    return { h, u, next: () => hotpAt(counter++), skip: (n: number) => (counter += n) };
  }

  it('never accepts a TOTP code twice, not even within its own 30 seconds', async () => {
    const { h, u } = await active('totp');
    h.clock.advance(MINUTE);
    const code = totpAt(h.clock.now);
    await logonWith(h, u.nemIdNumber, { tokenCode: () => code });
    h.clock.advance(5_000);
    expect(await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: () => code }))).toBe('AUTH010');
  });

  it('refuses an HOTP code already used, or one before it', async () => {
    const { h, u, next } = await active('hotp');
    const c1 = next();
    const c2 = next();
    await logonWith(h, u.nemIdNumber, { tokenCode: () => c2 });
    expect(await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: () => c2 }))).toBe('AUTH010');
    expect(await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: () => c1 }))).toBe('AUTH010');
  });

  it('accepts an HOTP code within the look-ahead of 10', async () => {
    const { h, u, next, skip } = await active('hotp');
    skip(10);
    expect((await logonWith(h, u.nemIdNumber, { tokenCode: next })).factor).toBe('token');
  });

  it('resyncs an HOTP device pressed 50 times without logging on, with the next code', async () => {
    const { h, u, next, skip } = await active('hotp');
    skip(50);
    const c = tokenChallenge(await start(h, u.nemIdNumber));
    let retry: unknown;
    try {
      await h.verifier.completeLogon(c.challengeId, next());
    } catch (e) {
      expect(e).toMatchObject({ code: 'AUTH011' });
      retry = (e as { retry: unknown }).retry;
    }
    const again = tokenChallenge(retry as Parameters<typeof tokenChallenge>[0]);
    expect((await h.verifier.completeLogon(again.challengeId, next())).factor).toBe('token');
    // And ordinary use goes on from there.
    expect((await logonWith(h, u.nemIdNumber, { tokenCode: next })).factor).toBe('token');
  });

  it('does not resync on two codes that are not consecutive', async () => {
    const { h, u, next, skip } = await active('hotp');
    skip(50);
    const c = tokenChallenge(await start(h, u.nemIdNumber));
    const retry = await h.verifier
      .completeLogon(c.challengeId, next())
      .catch((e: { retry: { challengeId: string } }) => e.retry);
    skip(1);
    expect(
      await codeOf(h.verifier.completeLogon((retry as { challengeId: string }).challengeId, next())),
    ).not.toBe('resolved');
  });

  it('refuses a code beyond the resync window of 1000', async () => {
    const { h, u, next, skip } = await active('hotp');
    skip(1001);
    expect(await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: next }))).toBe('AUTH002');
  });

  it('accepts one of 50 parallel answers with the same code', async () => {
    const { h, u, next } = await active('hotp');
    const code = next();
    const challenges = [];
    for (let i = 0; i < 50; i++) challenges.push(await start(h, u.nemIdNumber));
    const results = await Promise.all(
      challenges.map((c) => codeOf(h.verifier.completeLogon(c.challengeId, code))),
    );
    expect(results.filter((r) => r === 'resolved')).toHaveLength(1);
    expect(results.filter((r) => r !== 'resolved').every((r) => r === 'AUTH010' || r === 'AUTH004')).toBe(
      true,
    );
  });

  it('quarantines a token after 5 wrong codes and revokes it after 5 more', async () => {
    const { h, u } = await active('totp');
    const bad = async () => {
      const c = await start(h, u.nemIdNumber);
      const right = totpAt(h.clock.now);
      return codeOf(h.verifier.completeLogon(c.challengeId, right === '999999' ? '999998' : '999999'));
    };
    for (let i = 0; i < 4; i++) expect(await bad()).toBe('AUTH002');
    expect(await bad()).toBe('AUTH004');
    expect(await codeOf(start(h, u.nemIdNumber))).toBe('AUTH004');
    h.clock.advance(61 * MINUTE);
    for (let i = 0; i < 4; i++) expect(await bad()).toBe('AUTH002');
    expect(await bad()).toBe('LOCK003');
    expect(await h.verifier.getToken(u.userId)).toBeNull();
    // The user falls back to the key card.
    expect(cardChallenge(await start(h, u.nemIdNumber)).canSwitchToToken).toBe(false);
  });
});

describe('token actions need a card key (T-3, T-8)', () => {
  async function activeTotp() {
    const { h, u } = await withToken('totp');
    await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: () => totpAt(h.clock.now) });
    return { h, u };
  }

  it('blocks a lost key display with a card key, falls back to the card, and unblocks it again', async () => {
    const { h, u } = await activeTotp();
    const c = cardChallenge(await h.verifier.startTokenAction({ userId: u.userId, action: 'block' }));
    expect(c.purpose).toBe('token-block');
    expect(await codeOf(h.verifier.completeTokenAction(c.challengeId, '000000'))).toMatch(/AUTH002|AUTH010/);
    const c2 = cardChallenge(await h.verifier.startTokenAction({ userId: u.userId, action: 'block' }));
    expect(await h.verifier.completeTokenAction(c2.challengeId, keyFor(u.secret, c2.keyNumber))).toEqual({
      action: 'block',
      tokenSerial: TOKEN_SERIAL,
      state: 'blocked',
    });
    h.clock.advance(MINUTE);
    expect(cardChallenge(await start(h, u.nemIdNumber)).canSwitchToToken).toBe(false);
    const c3 = cardChallenge(await h.verifier.startTokenAction({ userId: u.userId, action: 'unblock' }));
    expect((await h.verifier.completeTokenAction(c3.challengeId, keyFor(u.secret, c3.keyNumber))).state).toBe(
      'active',
    );
    expect(tokenChallenge(await start(h, u.nemIdNumber)).tokenSerial).toBe(TOKEN_SERIAL);
  });

  it('replaces the key display with a new one, which needs activating', async () => {
    const { h, u } = await activeTotp();
    const c = cardChallenge(
      await h.verifier.startTokenAction({
        userId: u.userId,
        action: 'replace',
        newTokenSerial: '0000000000000002',
      }),
    );
    expect(await h.verifier.completeTokenAction(c.challengeId, keyFor(u.secret, c.keyNumber))).toEqual({
      action: 'replace',
      tokenSerial: '0000 0000 0000 0002',
      state: 'assigned',
    });
    expect(cardChallenge(await start(h, u.nemIdNumber)).canSwitchToToken).toBe(true);
  });

  it('lets support block a key display by phone without a key', async () => {
    const { h, u } = await activeTotp();
    expect((await h.verifier.blockTokenBySupport(u.userId)).state).toBe('blocked');
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'token-blocked', reason: 'lost' }));
  });

  it('never answers a token action with a token code', async () => {
    const { h, u } = await activeTotp();
    const c = await h.verifier.startTokenAction({ userId: u.userId, action: 'block' });
    expect(c.factor).toBe('card');
    expect(
      await codeOf(h.verifier.completeLogon(c.challengeId, keyFor(u.secret, cardChallenge(c).keyNumber))),
    ).toBe('AUTH003');
  });
});

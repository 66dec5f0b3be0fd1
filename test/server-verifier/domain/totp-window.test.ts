import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { describe, expect, it } from 'vitest';
import { codeOf, DAY, enrolWithCard, logonWith, makeHarness, TOKEN_SERIAL, tokenSecret } from './harness.js';

const SECRET = tokenSecret(11);
const engine = createOtpEngine(SECRET, 'sha1');
const SERIAL = TOKEN_SERIAL.replace(/ /g, '');

/** The code a device whose clock is `offsetSteps` steps ahead shows at server time `ms`. */
const codeAt = (ms: number, offsetSteps: number) =>
  formatCode(engine.hotp(Math.floor(ms / 30_000) + offsetSteps, 6), 6);

async function activated() {
  const h = makeHarness({ seed: 'window' });
  const u = await enrolWithCard(h);
  await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'totp', secret: SECRET }]);
  await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
  await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: () => codeAt(h.clock.now, 0) });
  const logon = (offset: number) =>
    logonWith(h, u.nemIdNumber, { tokenCode: () => codeAt(h.clock.now, offset) });
  return { h, logon };
}

describe('TOTP window and drift evidence', () => {
  it('accepts +-1 step right after use and nothing further', async () => {
    const { h, logon } = await activated();
    h.clock.advance(60_000);
    // Ahead of the window a code is only a resync candidate: the device's next code must follow.
    expect(await codeOf(logon(3))).toBe('AUTH011');
    // Behind it, the step is before the last accepted one.
    expect(await codeOf(logon(-3))).toBe('AUTH002');
    expect((await logon(1)).factor).toBe('token');
  });

  it('widens the window with the time since last use (30 ppm of 100 days is 9 steps + 1)', async () => {
    const { h, logon } = await activated();
    h.clock.advance(100 * DAY);
    expect(await codeOf(logon(12))).toBe('AUTH011');
    expect((await logon(10)).factor).toBe('token');
  });

  it('moves the stored offset only when two codes in a row agree', async () => {
    const { h, logon } = await activated();
    h.clock.advance(100 * DAY);
    await logon(8);
    let t = await h.store.getToken(SERIAL);
    expect(t).toMatchObject({ driftSteps: 0, pendingDriftSteps: 8 });
    // Right after, the window is narrow again, but it also looks around the unconfirmed offset.
    h.clock.advance(60_000);
    await logon(8);
    t = await h.store.getToken(SERIAL);
    expect(t).toMatchObject({ driftSteps: 8, pendingDriftSteps: null });
    h.clock.advance(60_000);
    expect(await codeOf(logon(0))).toBe('AUTH002');
    expect((await logon(9)).factor).toBe('token');
  });

  it('does not let a lucky match at the edge move the offset, and forgets it when the next code disagrees', async () => {
    const { h, logon } = await activated();
    h.clock.advance(100 * DAY);
    await logon(-9);
    h.clock.advance(60_000);
    await logon(0);
    expect(await h.store.getToken(SERIAL)).toMatchObject({ driftSteps: 0, pendingDriftSteps: null });
  });

  it('keeps every accepted step above the last one, even when the offset moves back', async () => {
    const { h, logon } = await activated();
    h.clock.advance(60_000);
    await logon(1);
    const last = (await h.store.getToken(SERIAL))!.lastCounter;
    // Same server step, the device's step one lower: already passed.
    expect(await codeOf(logon(0))).toBe('AUTH010');
    expect((await h.store.getToken(SERIAL))!.lastCounter).toBe(last);
  });
});

import { createOtpEngine, formatCode } from '@nemid-sim/core';
import { createDevice, SECONDS_PER_DAY, Xoshiro128 } from '@nemid-sim/device-sim';
import { describe, expect, it } from 'vitest';
import {
  codeOf,
  enrolWithCard,
  type Harness,
  logonWith,
  makeHarness,
  TOKEN_SERIAL,
  tokenSecret,
} from './harness.js';

const YEAR_DAYS = 365.25;

/** A user whose key display (made at the harness's start time) is activated on day 0. */
async function userWithDevice(
  h: Harness,
  mode: 'totp' | 'hotp',
  ppm: number,
  ageingPpm: number,
  seed: number,
) {
  const u = await enrolWithCard(h);
  const secret = tokenSecret(seed);
  const startUnix = Math.floor(h.clock.now / 1000);
  const device = createDevice({ secret, startUnix, mode, ppm, ageingPpm, seed, serial: TOKEN_SERIAL });
  await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: mode, secret }]);
  await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
  const press = () => {
    const code = device.press(h.clock.now / 1000);
    if (code < 0) throw new Error('the device battery died');
    return formatCode(code, 6);
  };
  await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: press });
  return { u, device, press };
}

describe('years of simulated key-display use (device-sim)', () => {
  for (const [ppm, ageing] of [
    [20, 3],
    [-20, -3],
    [20, -3],
    [0, 0],
  ] as const) {
    it(`accepts every fresh TOTP code and no replay for 3 years at ${ppm} ppm (ageing ${ageing})`, async () => {
      const h = makeHarness({ seed: `drift${ppm}${ageing}` });
      const { u, device, press } = await userWithDevice(h, 'totp', ppm, ageing, 7);
      const rng = new Xoshiro128(ppm + 100 * ageing + 1000);
      const end = h.clock.now + 3 * YEAR_DAYS * SECONDS_PER_DAY * 1000;
      let logons = 0;
      let replays = 0;
      while (h.clock.now < end) {
        // Mostly days apart, sometimes hours, sometimes a couple of months in a drawer.
        const r = rng.nextFloat();
        const gapDays =
          r < 0.2 ? rng.nextFloat() * 0.2 : r < 0.9 ? rng.nextFloat() * 14 : 30 + rng.nextFloat() * 60;
        h.clock.advance(Math.round(gapDays * SECONDS_PER_DAY * 1000));
        let code = '';
        const typingMs = Math.round(rng.nextFloat() * 25_000);
        const result = await logonWith(h, u.nemIdNumber, {
          tokenCode: () => {
            code = press();
            h.clock.advance(typingMs);
            return code;
          },
        });
        expect(result.factor).toBe('token');
        logons++;
        if (rng.nextFloat() < 0.3) {
          h.clock.advance(Math.round(rng.nextFloat() * 60_000));
          expect(await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: () => code }))).toBe('AUTH010');
          replays++;
        }
      }
      expect(logons).toBeGreaterThan(80);
      expect(replays).toBeGreaterThan(20);
      // The device really did drift by many time steps over the three years.
      const driftSeconds = Math.abs(device.clockErrorAt(h.clock.now / 1000));
      if (ppm !== 0) expect(driftSeconds).toBeGreaterThan(30 * 30);
    });
  }

  it('accepts a TOTP device left in a drawer for a year', async () => {
    const h = makeHarness({ seed: 'drawer' });
    const { u, device, press } = await userWithDevice(h, 'totp', 20, 3, 3);
    h.clock.advance(YEAR_DAYS * SECONDS_PER_DAY * 1000);
    expect(Math.abs(device.clockErrorAt(h.clock.now / 1000))).toBeGreaterThan(10 * 30);
    expect((await logonWith(h, u.nemIdNumber, { tokenCode: press })).factor).toBe('token');
    h.clock.advance(60_000);
    expect((await logonWith(h, u.nemIdNumber, { tokenCode: press })).factor).toBe('token');
  });

  it('still works after an HOTP device was pressed 50 times without logging on', async () => {
    const h = makeHarness({ seed: 'hotp50' });
    const { u, press } = await userWithDevice(h, 'hotp', 0, 0, 4);
    h.clock.advance(SECONDS_PER_DAY * 1000);
    for (let i = 0; i < 50; i++) {
      press();
      h.clock.advance(40_000);
    }
    // The first code is beyond the look-ahead of 10: the error carries a challenge for the next one.
    let retryId = '';
    try {
      await logonWith(h, u.nemIdNumber, { tokenCode: press });
    } catch (e) {
      expect(e).toMatchObject({ code: 'AUTH011' });
      retryId = (e as { retry?: { challengeId: string } }).retry?.challengeId ?? '';
    }
    expect((await h.verifier.completeLogon(retryId, press())).factor).toBe('token');
    for (let i = 0; i < 5; i++) {
      h.clock.advance(3600_000);
      expect((await logonWith(h, u.nemIdNumber, { tokenCode: press })).factor).toBe('token');
    }
  });

  // T-2: a device may lie in a drawer for years between registration (its clock set) and its first
  // log-on; the window follows the time since its clock was last known.
  for (const [ppm, months] of [
    [-20, 12],
    [20, 18],
    [-20, 18],
    [20, 36],
    [-20, 36],
  ] as const) {
    it(`activates a TOTP device first used ${months} months after registration at ${ppm} ppm`, async () => {
      const h = makeHarness({ seed: `shelf${ppm}${months}` });
      const u = await enrolWithCard(h);
      const secret = tokenSecret(5);
      const device = createDevice({
        secret,
        startUnix: h.clock.now / 1000,
        mode: 'totp',
        ppm,
        ageingPpm: 0,
        seed: 5,
      });
      await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'totp', secret }]);
      await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
      h.clock.advance(months * (YEAR_DAYS / 12) * SECONDS_PER_DAY * 1000);
      const press = () => formatCode(device.press(h.clock.now / 1000), 6);
      expect(Math.abs(device.clockErrorAt(h.clock.now / 1000))).toBeGreaterThan(600);
      const result = await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: press });
      expect(result.tokenActivated).toBe(true);
      h.clock.advance(45_000);
      expect((await logonWith(h, u.nemIdNumber, { tokenCode: press })).factor).toBe('token');
    });
  }

  it('recovers a TOTP device whose clock is beyond any safe window with two consecutive codes', async () => {
    const h = makeHarness({ seed: 'far' });
    const { u } = await userWithDevice(h, 'totp', 0, 0, 6);
    // The device's clock jumps 6 hours ahead (a reset, say): far beyond any window.
    const engine = createOtpEngine(tokenSecret(6), 'sha1');
    const far = { press: (unix: number) => engine.totp(unix + 6 * 3600, 30, 6) };
    h.clock.advance(120_000);
    const press = () => formatCode(far.press(h.clock.now / 1000), 6);
    let retryId = '';
    try {
      await logonWith(h, u.nemIdNumber, { tokenCode: press });
      throw new Error('the first code was accepted');
    } catch (e) {
      expect(e).toMatchObject({ code: 'AUTH011' });
      retryId = (e as { retry?: { challengeId: string } }).retry?.challengeId ?? '';
    }
    h.clock.advance(35_000);
    expect((await h.verifier.completeLogon(retryId, press())).factor).toBe('token');
    h.clock.advance(3600_000);
    expect((await logonWith(h, u.nemIdNumber, { tokenCode: press })).factor).toBe('token');
  });

  it('speaks of the key display, not the card, when a code is wrong or used (AUTH002, AUTH010)', async () => {
    const h = makeHarness({ seed: 'words' });
    const { u, press } = await userWithDevice(h, 'hotp', 0, 0, 8);
    const c = await h.verifier.startLogon({
      userId: u.nemIdNumber,
      password: 'hemmelig42',
      providerId: 'bank',
    });
    const code = press();
    await h.verifier.completeLogon(c.challengeId, code);
    const again = await h.verifier.startLogon({
      userId: u.nemIdNumber,
      password: 'hemmelig42',
      providerId: 'bank',
    });
    const used = await h.verifier.completeLogon(again.challengeId, code).catch((e: Error) => e);
    expect(used).toMatchObject({ code: 'AUTH010' });
    expect((used as Error).message).toMatch(/key display/);
    expect((used as Error).message).not.toMatch(/card/);
    const third = await h.verifier.startLogon({
      userId: u.nemIdNumber,
      password: 'hemmelig42',
      providerId: 'bank',
    });
    const wrong = await h.verifier.completeLogon(third.challengeId, '000000').catch((e: Error) => e);
    expect(wrong).toMatchObject({ code: 'AUTH002' });
    expect((wrong as Error).message).not.toMatch(/card/);
  });
});

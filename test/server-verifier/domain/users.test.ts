import { describe, expect, it } from 'vitest';
import {
  BANK,
  CPR,
  cardChallenge,
  codeOf,
  enrolWithCard,
  keyFor,
  logonWith,
  makeHarness,
  PASSWORD,
  registerProviders,
} from './harness.js';

describe('users and user ids (ID-2, ID-5)', () => {
  it('logs on with the NemID number, the CPR number (with or without dash) or the alias', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h, { alias: 'Anna.J' });
    expect(u.nemIdNumber).toMatch(/^[1-9]\d{8}$/);
    for (const id of [u.nemIdNumber, CPR, '010190-1234', 'anna.j', ' ANNA.J ']) {
      const r = await logonWith(h, id, { cardSecret: u.secret });
      expect(r.userId).toBe(u.userId);
    }
  });

  it('creates, changes and removes the alias at any time; the old one stops working', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    expect(await h.verifier.setAlias(u.userId, 'Fuglen')).toBe('fuglen');
    await logonWith(h, 'fuglen', { cardSecret: u.secret });
    await h.verifier.setAlias(u.userId, 'solsort');
    expect(await codeOf(logonWith(h, 'fuglen', { cardSecret: u.secret }))).toBe('AUTH001');
    await logonWith(h, 'solsort', { cardSecret: u.secret });
    await h.verifier.setAlias(u.userId, null);
    expect((await h.verifier.getUser(u.userId)).alias).toBeNull();
  });

  it('refuses aliases that could be a NemID or CPR number, and aliases taken by someone else', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h, { alias: 'anna' });
    const other = await h.verifier.enrol({ name: 'Bo', cpr: '0202801235', password: 'andet789' });
    for (const bad of ['123456789', '0101901234', 'ab', 'has space', 'x'.repeat(41)]) {
      expect(await codeOf(h.verifier.setAlias(other.userId, bad))).toBe('INVALID_INPUT');
    }
    expect(await codeOf(h.verifier.setAlias(other.userId, 'ANNA'))).toBe('CONFLICT');
    expect(await h.verifier.setAlias(u.userId, 'anna')).toBe('anna');
  });

  it('validates the CPR number and refuses a second NemID for it', async () => {
    const h = makeHarness();
    await enrolWithCard(h);
    expect(await codeOf(h.verifier.enrol({ name: 'X', cpr: '3102901234', password: PASSWORD }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(h.verifier.enrol({ name: 'X', cpr: '01019012', password: PASSWORD }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(h.verifier.enrol({ name: 'X', cpr: CPR, password: PASSWORD }))).toBe('CONFLICT');
  });

  it('requires an age of 18 (ID-5) and a birth date without a CPR number', async () => {
    const h = makeHarness();
    // Born 1 February 2010 (7th digit 4, year 10: 2010): 15 at the harness's start in 2026.
    expect(await codeOf(h.verifier.enrol({ name: 'Kid', cpr: '0102104321', password: PASSWORD }))).toBe(
      'INVALID_INPUT',
    );
    expect(await codeOf(h.verifier.enrol({ name: 'No CPR', password: PASSWORD }))).toBe('INVALID_INPUT');
    const adult = await h.verifier.enrol({ name: 'No CPR', birthDate: '1990-06-30', password: PASSWORD });
    expect(adult.eligibility).toBe('bank-only');
    const full = await h.verifier.enrol({ name: 'Full', cpr: '311207-4321', password: PASSWORD });
    expect(full.eligibility).toBe('full');
  });

  it('applies the password rules when enrolling and changing (ID-4)', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    for (const bad of ['1234', '0000', '0190', 'abcdef', '12345678', 'a1']) {
      expect(await codeOf(h.verifier.changePassword(u.userId, bad))).toBe('INVALID_INPUT');
    }
    await h.verifier.changePassword(u.userId, '2580');
    expect((await logonWith(h, u.nemIdNumber, { cardSecret: u.secret }).catch(() => null)) === null).toBe(
      true,
    );
  });

  it('sends a temporary password by SMS only with a mobile number on file; it works at once', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    expect(await codeOf(h.verifier.issueTemporaryPassword(u.userId, 'sms'))).toBe('CONFLICT');
    await h.verifier.updateProfile(u.userId, { mobile: '+45 12 34 56 78' });
    const temp = await h.verifier.issueTemporaryPassword(u.userId, 'sms');
    expect(temp.sendTo).toBe('+45 12 34 56 78');
    expect(temp.password).toMatch(/^[a-z]{5}\d{3}$/);
    const c = cardChallenge(
      await h.verifier.startLogon({ userId: u.nemIdNumber, password: temp.password, providerId: BANK }),
    );
    const r = await h.verifier.completeLogon(c.challengeId, keyFor(u.secret, c.keyNumber));
    expect(r.mustChangePassword).toBe(true);
    expect(
      await codeOf(h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: BANK })),
    ).toBe('AUTH001');
    await h.verifier.changePassword(u.userId, 'nyt-kodeord7');
    expect(await logonWith(h, u.nemIdNumber, { cardSecret: u.secret }).catch(() => null)).toBeNull();
  });
});

describe('blocking and deleting a NemID (S-4, KC-8)', () => {
  it('blocks the whole NemID at once on misuse: no log-on, no signing, no pending challenge', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const pending = cardChallenge(
      await h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: BANK }),
    );
    await h.verifier.blockNemId(u.userId, 'suspected misuse');
    expect(
      await codeOf(h.verifier.completeLogon(pending.challengeId, keyFor(u.secret, pending.keyNumber))),
    ).toBe('AUTH005');
    expect(await codeOf(logonWith(h, u.nemIdNumber, { cardSecret: u.secret }))).toBe('AUTH005');
    // Only the right password learns that the NemID is blocked.
    expect(
      await codeOf(h.verifier.startLogon({ userId: u.nemIdNumber, password: 'wrong123', providerId: BANK })),
    ).toBe('AUTH001');
    expect(
      await codeOf(h.verifier.startSigning({ userId: u.userId, transactions: ['x'], providerId: BANK })),
    ).toBe('AUTH005');
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'nemid-blocked', userId: u.userId }));
    await h.verifier.unblockNemId(u.userId);
    expect((await logonWith(h, u.nemIdNumber, { cardSecret: u.secret })).userId).toBe(u.userId);
  });

  it('deletes a NemID on request: it then fails like an unknown user id, and its cards are blocked', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h, { alias: 'anna' });
    await h.verifier.deleteNemId(u.userId);
    for (const id of [u.nemIdNumber, CPR, 'anna']) {
      expect(await codeOf(logonWith(h, id, { cardSecret: u.secret }))).toBe('AUTH001');
    }
    expect(await codeOf(h.verifier.getUser(u.userId))).toBe('NOT_FOUND');
    expect((await h.store.listCards(u.userId)).map((c) => c.status)).toEqual(['blocked']);
    expect((await h.store.getUser(u.userId))?.alias).toBeNull();
    // KC-8: the log stays, for the user and (with a court order) the police.
    const log = await h.verifier.auditLog(u.userId);
    expect(log.map((e) => e.action)).toEqual(['enrol', 'card-issued', 'nemid-deleted']);
    expect(await codeOf(h.verifier.auditLog('nobody'))).toBe('NOT_FOUND');
  });

  it('lets a person whose NemID was deleted enrol again, with nothing of the old access left', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h, { alias: 'anna' });
    await h.verifier.updateProfile(u.userId, { mobile: '+4511111111' });
    await h.verifier.deleteNemId(u.userId);
    expect(await h.store.getUser(u.userId)).toMatchObject({ name: '', mobile: null, status: 'deleted' });
    const again = await h.verifier.enrol({
      name: 'Anna Jensen',
      cpr: CPR,
      password: 'ny-start9',
      alias: 'anna',
    });
    expect(again).toEqual({ userId: u.userId, nemIdNumber: u.nemIdNumber, eligibility: 'full' });
    expect(await codeOf(logonWith(h, 'anna', { cardSecret: u.secret }))).toBe('AUTH001');
    const c = await h.verifier
      .startLogon({ userId: 'anna', password: 'ny-start9', providerId: BANK })
      .catch((e) => e);
    expect(c).toMatchObject({ code: 'AUTH006' });
  });

  it('registers providers idempotently', async () => {
    const h = makeHarness();
    await registerProviders(h.verifier);
    await registerProviders(h.verifier);
    expect((await h.store.getProvider(BANK))?.isBank).toBe(true);
  });
});

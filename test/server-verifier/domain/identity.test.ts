import { describe, expect, it } from 'vitest';
import {
  BANK,
  CPR,
  cardChallenge,
  codeOf,
  enrolWithCard,
  keyFor,
  makeHarness,
  PASSWORD,
  SHOP,
  TAX,
} from './harness.js';

describe('identity given to service providers (S-3)', () => {
  it('gives the CPR number to CPR-approved providers and a per-provider pseudonym to others', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    await h.verifier.registerProvider({
      id: 'shop2',
      name: 'Another shop',
      cprApproved: false,
      isBank: false,
    });
    expect(await h.verifier.identityFor(u.userId, BANK)).toEqual({ kind: 'cpr', cpr: CPR });
    expect(await h.verifier.identityFor(u.userId, TAX)).toEqual({ kind: 'cpr', cpr: CPR });
    const shop = await h.verifier.identityFor(u.userId, SHOP);
    const shop2 = await h.verifier.identityFor(u.userId, 'shop2');
    expect(shop.kind).toBe('pseudonym');
    expect(shop).not.toEqual(shop2);
    expect(JSON.stringify(shop)).not.toContain(CPR);
    expect(JSON.stringify(shop)).not.toContain(u.userId);
    expect(JSON.stringify(shop)).not.toContain(u.nemIdNumber);
    // Stable: the same on every log-on.
    const c = cardChallenge(
      await h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: SHOP }),
    );
    const r = await h.verifier.completeLogon(c.challengeId, keyFor(u.secret, c.keyNumber));
    expect(r.identity).toEqual(shop);
  });

  it('gives different users different pseudonyms, and the same user the same under the same master key', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    const other = await h.verifier.enrol({ name: 'Bo', cpr: '0202801235', password: 'andet789' });
    const a = await h.verifier.identityFor(u.userId, SHOP);
    expect(await h.verifier.identityFor(other.userId, SHOP)).not.toEqual(a);
    const again = makeHarness({ store: h.store });
    expect(await again.verifier.identityFor(u.userId, SHOP)).toEqual(a);
  });

  it('lets a bank-only NemID (no CPR number) log on at banks only (ID-5)', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h, { cpr: null });
    expect(u.eligibility).toBe('bank-only');
    expect(
      await codeOf(h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: SHOP })),
    ).toBe('AUTH012');
    const c = cardChallenge(
      await h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: BANK }),
    );
    const r = await h.verifier.completeLogon(c.challengeId, keyFor(u.secret, c.keyNumber));
    expect(r.identity.kind).toBe('pseudonym');
    const sign = (providerId: string) =>
      h.verifier.startSigning({ userId: u.userId, transactions: ['x'], providerId });
    expect(await codeOf(sign(SHOP))).toBe('AUTH012');
    expect((await sign(BANK)).purpose).toBe('sign');
  });

  it('refuses an unknown provider', async () => {
    const h = makeHarness();
    const u = await enrolWithCard(h);
    expect(
      await codeOf(
        h.verifier.startLogon({ userId: u.nemIdNumber, password: PASSWORD, providerId: 'nobody' }),
      ),
    ).toBe('NOT_FOUND');
  });
});

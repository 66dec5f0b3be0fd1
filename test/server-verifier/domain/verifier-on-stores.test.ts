import { CARD_SLOTS, createOtpEngine, formatCode } from '@nemid-sim/core';
import { createMemoryStore, type Store } from '@nemid-sim/server-verifier';
import { openPostgresStore } from '@nemid-sim/server-verifier/postgres';
import { openSqliteStore } from '@nemid-sim/server-verifier/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from '../stores/pg-env.js';
import {
  BANK,
  cardChallenge,
  codeOf,
  enrolWithCard,
  HOUR,
  keyFor,
  logonWith,
  makeHarness,
  PASSWORD,
  TOKEN_SERIAL,
  tokenSecret,
} from './harness.js';

const schemas: TestSchema[] = [];
afterAll(async () => {
  await Promise.all(schemas.map((s) => s.drop()));
});

const stores: [string, () => Promise<Store>][] = [
  ['memory', async () => createMemoryStore()],
  ['sqlite', async () => openSqliteStore(':memory:')],
  [
    'postgres',
    async () => {
      const s = await createTestSchema();
      schemas.push(s);
      return openPostgresStore({ connectionString: s.url, schema: s.schema, max: 4 });
    },
  ],
];

/** The verifier's main flows end to end on each store: what the conformance suite checks method by method. */
for (const [name, open] of stores) {
  describe(`verifier on the ${name} store`, () => {
    const withStore = async (fn: (h: ReturnType<typeof makeHarness>) => Promise<void>) => {
      const store = await open();
      try {
        await fn(makeHarness({ store, seed: name }));
      } finally {
        await store.close();
      }
    };

    it('logs on with a card key, refuses it again, and locks the password', () =>
      withStore(async (h) => {
        const u = await enrolWithCard(h, { alias: 'anna' });
        const c = cardChallenge(
          await h.verifier.startLogon({ userId: 'anna', password: PASSWORD, providerId: BANK }),
        );
        const key = keyFor(u.secret, c.keyNumber);
        expect((await h.verifier.completeLogon(c.challengeId, key)).userId).toBe(u.userId);
        expect(await codeOf(h.verifier.completeLogon(c.challengeId, key))).toBe('AUTH003');
        for (let i = 0; i < 4; i++) await logonWith(h, 'anna', { cardSecret: u.secret });
        const wrong = () => h.verifier.startLogon({ userId: 'anna', password: 'wrong123', providerId: BANK });
        for (let i = 0; i < 4; i++) expect(await codeOf(wrong())).toBe('AUTH001');
        expect(await codeOf(wrong())).toBe('LOCK001');
        h.clock.advance(8 * HOUR);
        expect((await logonWith(h, 'anna', { cardSecret: u.secret })).userId).toBe(u.userId);
        expect((await h.verifier.listCards(u.userId))[0].keysLeft).toBe(CARD_SLOTS - 6);
      }));

    it('activates an HOTP token by switching, then never accepts a code twice', () =>
      withStore(async (h) => {
        const u = await enrolWithCard(h);
        const engine = createOtpEngine(tokenSecret(1), 'sha1');
        let counter = 0;
        const press = () => formatCode(engine.hotp(counter++, 6), 6);
        await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'hotp', secret: tokenSecret(1) }]);
        await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
        const r = await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: press });
        expect(r.tokenActivated).toBe(true);
        const code = press();
        expect((await logonWith(h, u.nemIdNumber, { tokenCode: () => code })).factor).toBe('token');
        expect(await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: () => code }))).toBe('AUTH010');
        counter += 50;
        expect(await codeOf(logonWith(h, u.nemIdNumber, { tokenCode: press }))).toBe('AUTH011');
      }));

    it('activates a TOTP device 3 years after registration, and recovers one far off its clock (T-2)', () =>
      withStore(async (h) => {
        const u = await enrolWithCard(h);
        const engine = createOtpEngine(tokenSecret(2), 'sha1');
        let offset = 0;
        const press = () => formatCode(engine.totp(h.clock.now / 1000 + offset, 30, 6), 6);
        await h.verifier.registerTokens([{ serial: TOKEN_SERIAL, kind: 'totp', secret: tokenSecret(2) }]);
        await h.verifier.assignToken(u.userId, TOKEN_SERIAL);
        // Three years in a drawer at 20 ppm: about 32 minutes behind.
        h.clock.advance(3 * 365 * 24 * HOUR);
        offset = -1890;
        expect(
          (await logonWith(h, u.nemIdNumber, { switchToToken: true, tokenCode: press })).tokenActivated,
        ).toBe(true);
        offset = 5 * 3600;
        h.clock.advance(60_000);
        const first = await logonWith(h, u.nemIdNumber, { tokenCode: press }).catch((e) => e);
        expect(first).toMatchObject({ code: 'AUTH011' });
        h.clock.advance(30_000);
        expect((await h.verifier.completeLogon(first.retry.challengeId, press())).factor).toBe('token');
        expect((await h.store.getToken(TOKEN_SERIAL.replaceAll(' ', '')))?.driftSteps).toBe(600);
      }));

    it('signs a batch, bound to its digest, and emits the reorder event once', () =>
      withStore(async (h) => {
        const u = await enrolWithCard(h);
        await h.verifier.setReorderThreshold(u.userId, 146);
        const batch = ['Pay 10 DKK', 'Pay 20 DKK'];
        for (let i = 0; i < 3; i++) {
          const c = cardChallenge(
            await h.verifier.startSigning({ userId: u.userId, transactions: batch, providerId: BANK }),
          );
          const key = keyFor(u.secret, c.keyNumber);
          if (i === 0)
            expect(await codeOf(h.verifier.completeSigning(c.challengeId, key, ['Pay 10 DKK']))).toBe(
              'AUTH009',
            );
          else expect((await h.verifier.completeSigning(c.challengeId, key, batch)).transactionCount).toBe(2);
        }
        expect(h.events.filter((e) => e.type === 'card-reorder')).toHaveLength(1);
        const log = await h.verifier.auditLog(u.userId);
        expect(log.filter((e) => e.action === 'sign').map((e) => e.outcome)).toEqual(['AUTH009', 'ok', 'ok']);
      }));
  });
}

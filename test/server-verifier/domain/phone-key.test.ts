/**
 * A-2, Voice Response: the verifier hands the key a card challenge asks for to the embedding
 * backend's phone service, with the mobile number on file, and logs that it did (never the key).
 */
import {
  createMemoryStore,
  createVerifier,
  type KeyCall,
  type PhoneService,
} from '@nemid-sim/server-verifier';
import { describe, expect, it } from 'vitest';
import {
  BANK,
  CPR,
  cardChallenge,
  cardSecret,
  codeOf,
  FAST_SCRYPT,
  keyFor,
  ManualClock,
  MINUTE,
  PASSWORD,
  registerProviders,
  seededRandom,
} from './harness.js';

async function setUp(options: { phoneService?: PhoneService; mobile?: string | null } = {}) {
  const clock = new ManualClock();
  const calls: KeyCall[] = [];
  const verifier = createVerifier({
    store: createMemoryStore(),
    masterKey: new Uint8Array(32).fill(4),
    clock: clock.read,
    random: seededRandom('phone-key'),
    policy: { scrypt: FAST_SCRYPT },
    phoneService:
      'phoneService' in options
        ? options.phoneService
        : async (call) => {
            calls.push(call);
          },
  });
  await registerProviders(verifier);
  const mobile = options.mobile === undefined ? '+45 20 12 34 56' : options.mobile;
  const user = await verifier.enrol({ name: 'Bo Blind', cpr: CPR, mobile, password: PASSWORD });
  const secret = cardSecret(1);
  await verifier.issueCard(user.userId, { serial: 'A000-000-001', secret });
  const logon = () =>
    verifier.startLogon({ userId: user.nemIdNumber, password: PASSWORD, providerId: BANK, ip: '192.0.2.4' });
  return { verifier, clock, calls, user, secret, logon };
}

describe('phoneKey (A-2)', () => {
  it('calls the mobile number on file with the key asked for; the challenge is answered as usual', async () => {
    const { verifier, calls, user, secret, logon } = await setUp();
    const c = cardChallenge(await logon());
    await verifier.phoneKey(c.challengeId);
    const key = keyFor(secret, c.keyNumber);
    expect(calls).toEqual([
      {
        userId: user.userId,
        phone: '+45 20 12 34 56',
        cardNumber: 'A000-000-001',
        keyNumber: c.keyNumber,
        key,
      },
    ]);
    const done = await verifier.completeLogon(c.challengeId, calls[0].key);
    expect(done.userId).toBe(user.userId);
  });

  it('logs the call, and never the key', async () => {
    const { verifier, calls, user, logon } = await setUp();
    const c = cardChallenge(await logon());
    await verifier.phoneKey(c.challengeId);
    const log = await verifier.auditLog(user.userId);
    const phoned = log.filter((e) => e.action === 'key-phoned');
    expect(phoned).toEqual([expect.objectContaining({ factor: 'card', outcome: 'ok', ip: '192.0.2.4' })]);
    expect(JSON.stringify(log)).not.toContain(calls[0].key);
  });

  it('refuses without a phone service, without a mobile number, and for a spent or expired challenge', async () => {
    const none = await setUp({ phoneService: undefined });
    expect(await codeOf(none.verifier.phoneKey(cardChallenge(await none.logon()).challengeId))).toBe(
      'CONFLICT',
    );

    const noMobile = await setUp({ mobile: null });
    expect(await codeOf(noMobile.verifier.phoneKey((await noMobile.logon()).challengeId))).toBe('CONFLICT');
    expect(noMobile.calls).toEqual([]);

    const { verifier, clock, calls, secret, logon } = await setUp();
    const used = cardChallenge(await logon());
    await verifier.completeLogon(used.challengeId, keyFor(secret, used.keyNumber));
    expect(await codeOf(verifier.phoneKey(used.challengeId))).toBe('AUTH003');
    const late = await logon();
    clock.advance(6 * MINUTE);
    expect(await codeOf(verifier.phoneKey(late.challengeId))).toBe('AUTH003');
    expect(calls).toEqual([]);
  });
});

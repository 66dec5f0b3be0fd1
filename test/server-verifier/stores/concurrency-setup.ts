/**
 * Shared set-up for the concurrency tests: a user with a password, a key card and an activated
 * HOTP key display, prepared through the public Verifier API on any store. Helpers for the HOTP
 * codes and for counting outcomes.
 */
import { createHash } from 'node:crypto';
import { createCardEngine, createOtpEngine, formatCode } from '@nemid-sim/core';
import {
  type ChallengeView,
  createVerifier,
  type Store,
  type Verifier,
  VerifierError,
} from '@nemid-sim/server-verifier';

export const RACE_NOW = Date.UTC(2026, 0, 5, 9, 0, 0);
export const RACE_PASSWORD = 'hemmelig42';
export const RACE_PROVIDER = 'bank';
export const MASTER_KEY_HEX = '07'.repeat(32);
/** Cheap scrypt: the tests are about interleavings, not key stretching. */
export const FAST_SCRYPT = { N: 16, r: 1, p: 1 };
export const TOKEN_SECRET = new Uint8Array(createHash('sha256').update('race-token').digest()).slice(0, 20);
export const CARD_SECRET = new Uint8Array(createHash('sha256').update('race-card').digest());

/** Deterministic bytes per seed, so two verifiers on one database never draw the same challenge id. */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let filled = 0; filled < n; ) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      const take = Math.min(block.length, n - filled);
      out.set(block.subarray(0, take), filled);
      filled += take;
    }
    return out;
  };
}

export function raceVerifier(store: Store, seed: string, now = RACE_NOW): Verifier {
  return createVerifier({
    store,
    masterKey: Buffer.from(MASTER_KEY_HEX, 'hex'),
    clock: () => now,
    random: seededRandom(seed),
    policy: { scrypt: FAST_SCRYPT },
  });
}

export function hotpCode(counter: number): string {
  return formatCode(createOtpEngine(TOKEN_SECRET, 'sha1').hotp(counter, 6), 6);
}

export interface RaceUser {
  readonly userId: string;
  /** The NemID number, typed as the user id at log-on. */
  readonly login: string;
}

/**
 * Enrols a user with a card and an HOTP key display and activates the display (T-7) with the
 * code for counter 0, so the next valid code is `hotpCode(1)`.
 */
export async function prepareRaceUser(v: Verifier, n: number): Promise<RaceUser> {
  const { userId, login } = await enrolCardUser(v, n);
  const tokenSerial = `1000 2000 3000 ${String(n).padStart(4, '0')}`;
  await v.registerTokens([{ serial: tokenSerial, kind: 'hotp', secret: TOKEN_SECRET }]);
  await v.assignToken(userId, tokenSerial);
  const card = await v.startLogon({
    userId: login,
    password: RACE_PASSWORD,
    providerId: RACE_PROVIDER,
  });
  if (card.factor !== 'card' || !card.canSwitchToToken)
    throw new Error('expected a card challenge with a switch');
  const activation = await v.switchToToken(card.challengeId);
  const done = await v.completeLogon(activation.challengeId, hotpCode(0));
  if (!done.tokenActivated) throw new Error('the key display was not activated');
  return { userId, login };
}

/** User number `n` (1..99) with a password and one key card (card number A000-000-0nn). */
export async function enrolCardUser(v: Verifier, n: number): Promise<RaceUser> {
  await v.registerProvider({ id: RACE_PROVIDER, name: 'Bank', cprApproved: true, isBank: true });
  const cpr = `01019012${String(n).padStart(2, '0')}`;
  const { userId, nemIdNumber } = await v.enrol({ name: `Race User ${n}`, cpr, password: RACE_PASSWORD });
  await v.issueCard(userId, { serial: `A000-000-${String(n).padStart(3, '0')}`, secret: CARD_SECRET });
  return { userId, login: nemIdNumber };
}

/** The key printed next to `keyNumber` ('0042') on every race user's card. */
export function cardKey(keyNumber: string): string {
  const engine = createCardEngine(CARD_SECRET);
  return formatCode(engine.key(engine.slotOf(Number(keyNumber))), 6);
}

/** Token challenges for `n` separate log-ons of the user (the password step done for each). */
export async function tokenChallenges(v: Verifier, user: RaceUser, n: number): Promise<ChallengeView[]> {
  const out: ChallengeView[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await v.startLogon({ userId: user.login, password: RACE_PASSWORD, providerId: RACE_PROVIDER }));
  }
  if (out.some((c) => c.factor !== 'token')) throw new Error('expected token challenges');
  return out;
}

/** 'ok' or the error code of each settled attempt. */
export function outcomes(results: readonly PromiseSettledResult<unknown>[]): string[] {
  return results.map((r) => {
    if (r.status === 'fulfilled') return 'ok';
    if (r.reason instanceof VerifierError) return r.reason.code;
    throw r.reason;
  });
}

/** How often each outcome occurred, e.g. { ok: 1, AUTH010: 49 }. */
export function tally(codes: readonly string[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const c of codes) t[c] = (t[c] ?? 0) + 1;
  return t;
}

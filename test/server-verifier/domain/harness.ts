import { createHash } from 'node:crypto';
import { createCardEngine, formatCode } from '@nemid-sim/core';
import {
  type ChallengeView,
  createMemoryStore,
  createVerifier,
  type PolicyOverrides,
  type Store,
  type Verifier,
  type VerifierEvent,
} from '@nemid-sim/server-verifier';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Deterministic "cryptographic" bytes: SHA-256 in counter mode over a seed. */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  let pool = new Uint8Array(0);
  return (n) => {
    while (pool.length < n) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      const next = new Uint8Array(pool.length + block.length);
      next.set(pool);
      next.set(block, pool.length);
      pool = next;
    }
    const out = pool.slice(0, n);
    pool = pool.slice(n);
    return out;
  };
}

export class ManualClock {
  constructor(public now = START) {}
  readonly read = (): number => this.now;
  advance(ms: number): void {
    this.now += ms;
  }
}

export interface Harness {
  readonly verifier: Verifier;
  readonly store: Store;
  readonly clock: ManualClock;
  readonly events: VerifierEvent[];
  readonly masterKey: Uint8Array;
}

/** Cheap scrypt, so tests spend their time on behaviour, not on key stretching. */
export const FAST_SCRYPT = { N: 16, r: 1, p: 1 };

export function makeHarness(
  options: { seed?: string; policy?: PolicyOverrides; store?: Store } = {},
): Harness {
  const clock = new ManualClock();
  const store = options.store ?? createMemoryStore();
  const events: VerifierEvent[] = [];
  const masterKey = new Uint8Array(32).fill(7);
  const verifier = createVerifier({
    store,
    masterKey,
    clock: clock.read,
    random: seededRandom(options.seed ?? 'test'),
    policy: { scrypt: FAST_SCRYPT, ...options.policy },
    onEvent: (e) => events.push(e),
  });
  return { verifier, store, clock, events, masterKey };
}

export const PASSWORD = 'hemmelig42';
export const CPR = '0101901234';
export const BANK = 'bank';
export const SHOP = 'shop';
export const TAX = 'skat';

export async function registerProviders(v: Verifier): Promise<void> {
  await v.registerProvider({ id: BANK, name: 'Danske Bank', cprApproved: true, isBank: true });
  await v.registerProvider({ id: SHOP, name: 'Web shop', cprApproved: false, isBank: false });
  await v.registerProvider({ id: TAX, name: 'SKAT', cprApproved: true, isBank: false });
}

export function cardSecret(n: number): Uint8Array {
  return new Uint8Array(createHash('sha256').update(`card-${n}`).digest());
}

/** The key printed next to `keyNumber` ('0042') on the card with this secret. */
export function keyFor(secret: Uint8Array, keyNumber: string): string {
  const engine = createCardEngine(secret);
  const slot = engine.slotOf(Number(keyNumber));
  if (slot < 0) throw new Error(`key number ${keyNumber} is not on this card`);
  return formatCode(engine.key(slot), 6);
}

/** A user with a CPR number, a password and one card (secret `cardSecret(1)`, number A000-000-001). */
export async function enrolWithCard(h: Harness, extra: { cpr?: string | null; alias?: string } = {}) {
  await registerProviders(h.verifier);
  const enrolled = await h.verifier.enrol({
    name: 'Anna Jensen',
    cpr: extra.cpr === undefined ? CPR : extra.cpr,
    birthDate: extra.cpr === null ? '1980-02-03' : null,
    alias: extra.alias,
    password: PASSWORD,
  });
  const secret = cardSecret(1);
  await h.verifier.issueCard(enrolled.userId, { serial: 'A000-000-001', secret });
  return { ...enrolled, secret };
}

export function cardChallenge(c: ChallengeView) {
  if (c.factor !== 'card') throw new Error(`expected a card challenge, got ${c.factor}`);
  return c;
}

export function tokenChallenge(c: ChallengeView) {
  if (c.factor !== 'token') throw new Error(`expected a token challenge, got ${c.factor}`);
  return c;
}

/** Expects `p` to reject with a VerifierError carrying `code`. */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e && typeof e === 'object' && 'code' in e) return String((e as { code: unknown }).code);
    throw e;
  }
  return 'resolved';
}

export const TOKEN_SERIAL = '1234 5678 9012 3456';

export function tokenSecret(n: number): Uint8Array {
  return new Uint8Array(createHash('sha1').update(`token-${n}`).digest());
}

/** Logs on and answers with the card, switching to the key display first when `tokenCode` is given. */
export async function logonWith(
  h: Harness,
  nemId: string,
  answer: { cardSecret?: Uint8Array; tokenCode?: () => string; switchToToken?: boolean },
) {
  let c = await h.verifier.startLogon({
    userId: nemId,
    password: PASSWORD,
    providerId: BANK,
    ip: '192.0.2.9',
  });
  if (answer.switchToToken) c = await h.verifier.switchToToken(c.challengeId);
  if (c.factor === 'card') {
    if (!answer.cardSecret) throw new Error('a card challenge came but no card was given');
    return h.verifier.completeLogon(c.challengeId, keyFor(answer.cardSecret, c.keyNumber));
  }
  if (!answer.tokenCode) throw new Error('a token challenge came but no token was given');
  return h.verifier.completeLogon(c.challengeId, answer.tokenCode());
}

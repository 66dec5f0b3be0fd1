import type { Engines } from './card-engines.js';
import { chooseCardKey } from './cards.js';
import { auditEntry, type Origin, type VerifierContext } from './context.js';
import { VerifierError } from './errors.js';
import { isLocked } from './lockout.js';
import { timeOrderedId } from './runtime.js';
import { formatCardSerial, formatTokenSerial } from './serials.js';
import type { ChallengePurpose, ChallengeRecord, UserRecord } from './store/records.js';
import type { ChallengeView } from './views.js';

/** What a challenge carries besides the store's columns (kept as JSON in `data`). */
export interface ChallengeData {
  readonly site: string | null;
  /** A token challenge that activates the token (T-7). */
  readonly activation: boolean;
  /** The card challenge offers "switch to key display". */
  readonly canSwitch: boolean;
  readonly transactionCount: number | null;
  /** For token actions: the new token of a replacement. */
  readonly newTokenSerial: string | null;
  /** The log-on used a temporary password (ID-3): the result asks for a new one. */
  readonly temporaryPassword: boolean;
  /** Card challenges: the slot of the key asked for (saves inverting the key-number permutation). */
  readonly slot: number | null;
}

export function challengeData(c: ChallengeRecord): ChallengeData {
  // Written by this module only, so its shape is known; missing fields default as before.
  const d = c.data === null ? {} : (JSON.parse(c.data) as Partial<ChallengeData>);
  return {
    site: d.site ?? null,
    activation: d.activation ?? false,
    canSwitch: d.canSwitch ?? false,
    transactionCount: d.transactionCount ?? null,
    newTokenSerial: d.newTokenSerial ?? null,
    temporaryPassword: d.temporaryPassword ?? false,
    slot: typeof d.slot === 'number' ? d.slot : null,
  };
}

export interface ChallengeRequest {
  readonly user: UserRecord;
  readonly purpose: ChallengePurpose;
  readonly origin: Origin;
  readonly batchDigest?: string | null;
  readonly transactionCount?: number | null;
  readonly newTokenSerial?: string | null;
  readonly temporaryPassword?: boolean;
  /** Token actions (T-3) always ask for a card key. */
  readonly cardOnly?: boolean;
}

/**
 * The second factor: the user's active key display if there is one, else a random unused key from
 * the current card. An ordered but not yet activated key display is offered as a switch (T-7).
 */
export async function createChallenge(
  ctx: VerifierContext,
  engines: Engines,
  req: ChallengeRequest,
): Promise<ChallengeView> {
  const now = ctx.clock();
  const token = await ctx.store.findUserToken(req.user.id);
  const base = {
    userId: req.user.id,
    purpose: req.purpose,
    batchDigest: req.batchDigest ?? null,
    providerId: req.origin.providerId ?? null,
    ip: req.origin.ip ?? null,
    createdAt: now,
    expiresAt: now + ctx.policy.challengeTtlMs,
  };
  const data = {
    site: req.origin.site ?? null,
    transactionCount: req.transactionCount ?? null,
    newTokenSerial: req.newTokenSerial ?? null,
    temporaryPassword: req.temporaryPassword ?? false,
  };
  if (!req.cardOnly && token !== null && token.state === 'active') {
    if (token.lockout.blocked) throw new VerifierError('LOCK003', undefined, { factor: 'token' });
    if (isLocked(token.lockout, now)) throw new VerifierError('AUTH004', undefined, { factor: 'token' });
    return save(ctx, {
      ...base,
      id: timeOrderedId(now, ctx.random),
      factor: 'token',
      cardSerial: null,
      keyNumber: null,
      tokenSerial: token.serial,
      data: JSON.stringify({ ...data, activation: false, canSwitch: false }),
    });
  }
  const { card, keyNumber, slot } = await chooseCardKey(ctx, engines, req.user.id);
  const canSwitch = !req.cardOnly && token !== null && token.state === 'assigned';
  return save(ctx, {
    ...base,
    id: timeOrderedId(now, ctx.random),
    factor: 'card',
    cardSerial: card.serial,
    keyNumber,
    tokenSerial: null,
    data: JSON.stringify({ ...data, activation: false, canSwitch, slot }),
  });
}

async function save(ctx: VerifierContext, c: ChallengeRecord): Promise<ChallengeView> {
  await ctx.store.write({ insert: { challenges: [c] } });
  return challengeView(c);
}

export function challengeView(c: ChallengeRecord): ChallengeView {
  const d = challengeData(c);
  if (c.factor === 'card') {
    return {
      challengeId: c.id,
      purpose: c.purpose,
      factor: 'card',
      cardNumber: formatCardSerial(c.cardSerial ?? ''),
      keyNumber: String(c.keyNumber ?? 0).padStart(4, '0'),
      canSwitchToToken: d.canSwitch,
      batchDigest: c.batchDigest,
      expiresAt: c.expiresAt,
    };
  }
  return {
    challengeId: c.id,
    purpose: c.purpose,
    factor: 'token',
    tokenSerial: formatTokenSerial(c.tokenSerial ?? ''),
    activation: d.activation,
    batchDigest: c.batchDigest,
    expiresAt: c.expiresAt,
  };
}

/**
 * T-7: "Skift til nøgleviser". The card challenge is used up and replaced by a token challenge
 * for the ordered key display, with the same purpose, batch and expiry.
 */
export async function switchToToken(ctx: VerifierContext, challengeId: string): Promise<ChallengeView> {
  const peek = await ctx.store.getChallenge(challengeId);
  if (peek === null) throw new VerifierError('AUTH003');
  const now = ctx.clock();
  const keys = { user: peek.userId, challenge: challengeId, tokenOf: peek.userId };
  const next = await ctx.store.update(keys, ({ user, challenge: c, heldToken }) => {
    const d = c === null ? null : challengeData(c);
    const allowed =
      c !== null && d !== null && user !== null && now < c.expiresAt && c.factor === 'card' && d.canSwitch;
    // Thrown, so the unit of work is rolled back and the card challenge stays usable.
    if (!allowed || heldToken === null || heldToken.state !== 'assigned') throw new VerifierError('AUTH003');
    const replacement: ChallengeRecord = {
      ...c,
      id: timeOrderedId(now, ctx.random),
      factor: 'token',
      cardSerial: null,
      keyNumber: null,
      tokenSerial: heldToken.serial,
      data: JSON.stringify({ ...d, activation: true, canSwitch: false, slot: null }),
    };
    const origin = { ip: c.ip, providerId: c.providerId, site: d.site };
    const line = auditEntry(now, user, origin, 'token', 'switch-to-token', 'ok');
    return { result: replacement, writes: { insert: { challenges: [replacement], audit: [line] } } };
  });
  return challengeView(next);
}

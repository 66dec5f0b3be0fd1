import { stringsEqual } from '@nemid-sim/core';
import type { Engines } from './card-engines.js';
import { type CardCheck, chooseCardKey, finishCardAnswer, judgeCardAnswer } from './cards.js';
import { auditEntry, type Origin, type VerifierContext } from './context.js';
import { VerifierError } from './errors.js';
import { tokenSubject } from './lockout-subjects.js';
import { timeOrderedId } from './runtime.js';
import { formatCardSerial, formatTokenSerial } from './serials.js';
import type {
  AnswerVerdict,
  ChallengePurpose,
  ChallengeRecord,
  LoadedChallenge,
  ProviderRecord,
  UserRecord,
} from './store/store.js';
import { finishTokenAnswer, judgeTokenAnswer, type TokenCheck } from './tokens.js';
import type { ChallengeView } from './views.js';

/** What a challenge carries besides the store's columns (kept as JSON in `data`). */
interface ChallengeData {
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
    const lockout = await ctx.store.getLockout(tokenSubject(token.serial));
    if (lockout.blocked) throw new VerifierError('LOCK003');
    if (lockout.lockedUntil !== null && now < lockout.lockedUntil) throw new VerifierError('AUTH004');
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
  if ((await ctx.store.createChallenge(c)) !== 'ok') throw new Error('challenge id collision');
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
  if (peek === null || peek.factor !== 'card' || !challengeData(peek).canSwitch) {
    throw new VerifierError('AUTH003');
  }
  const token = await ctx.store.findUserToken(peek.userId);
  if (token === null || token.state !== 'assigned') throw new VerifierError('AUTH003');
  const now = ctx.clock();
  const c = await ctx.store.consumeChallenge(challengeId, now);
  if (c === null) throw new VerifierError('AUTH003');
  const d = challengeData(c);
  return save(ctx, {
    ...c,
    id: timeOrderedId(now, ctx.random),
    factor: 'token',
    cardSerial: null,
    keyNumber: null,
    tokenSerial: token.serial,
    data: JSON.stringify({ ...d, activation: true, canSwitch: false, slot: null }),
  });
}

/** What an answer got as far as, for the audit log even when it fails. */
export interface AnswerTrace {
  challenge?: ChallengeRecord;
  user?: UserRecord;
}

export interface Answered {
  readonly challenge: ChallengeRecord;
  readonly user: UserRecord;
  readonly data: ChallengeData;
  /** The challenge's provider as the answer found it (S-3 identity), or null. */
  readonly provider: ProviderRecord | null;
  readonly tokenActivated: boolean;
}

/** What the judge worked out, kept for the steps after the store's answer step. */
type Judged = { readonly data: ChallengeData } & (
  | { readonly factor: 'card'; readonly check: CardCheck }
  | { readonly factor: 'token'; readonly check: TokenCheck }
);

/**
 * Answers a challenge once, in one store call (`Store.answerChallenge`): the challenge is consumed
 * (single use, expiry) and checked against the expected purpose and batch, the key or code is
 * judged, and the store applies the verdict atomically (use the key or advance the counter, reset
 * or count failures, and, with `okAction`, write the audit line of the accepted answer). AUTH011
 * (an HOTP resync) carries a fresh challenge for the next code.
 */
export async function answerChallenge(
  ctx: VerifierContext,
  engines: Engines,
  challengeId: string,
  purposes: readonly ChallengePurpose[],
  typed: string,
  batchDigest: string | null,
  trace: AnswerTrace = {},
  okAction: string | null = null,
): Promise<Answered> {
  const now = ctx.clock();
  let refusal: { readonly error: unknown } | null = null;
  let judged: Judged | null = null;
  const { loaded, settled } = await ctx.store.answerChallenge(challengeId, now, (l) => {
    // A store may judge more than once (PostgreSQL judges cached rows first): keep the last.
    refusal = null;
    judged = null;
    try {
      const r = judge(ctx, engines, l, purposes, typed, batchDigest, now, okAction);
      judged = r.judged;
      return r.verdict;
    } catch (error) {
      // The judge must not throw into the store: the refusal is raised after the challenge is spent.
      refusal = { error };
      return null;
    }
  });
  if (loaded === null) throw new VerifierError('AUTH003');
  const c = loaded.challenge;
  trace.challenge = c;
  const user = loaded.user;
  if (user !== null && user.status !== 'deleted') trace.user = user;
  if (refusal !== null) throw (refusal as { readonly error: unknown }).error;
  const j = judged as Judged | null;
  if (j === null || settled === null || user === null) throw new VerifierError('AUTH003');
  const data = j.data;
  if (j.factor === 'card') {
    const more = finishCardAnswer(ctx, engines, j.check, settled);
    if (more !== null) await more;
    return { challenge: c, user, data, provider: loaded.provider, tokenActivated: false };
  }
  const answer = await finishTokenAnswer(ctx, j.check, settled, data.activation, now);
  if (answer === 'resync') {
    const retryAt = ctx.clock();
    const retry = await save(ctx, {
      ...c,
      id: timeOrderedId(retryAt, ctx.random),
      createdAt: retryAt,
      expiresAt: retryAt + ctx.policy.challengeTtlMs,
    });
    throw new VerifierError('AUTH011', undefined, retry);
  }
  return { challenge: c, user, data, provider: loaded.provider, tokenActivated: data.activation };
}

/** The synchronous part of an answer, run inside the store's answer step. Throws refusals. */
function judge(
  ctx: VerifierContext,
  engines: Engines,
  loaded: LoadedChallenge,
  purposes: readonly ChallengePurpose[],
  typed: string,
  batchDigest: string | null,
  now: number,
  okAction: string | null,
): { readonly judged: Judged; readonly verdict: AnswerVerdict } {
  const c = loaded.challenge;
  const user = loaded.user;
  if (user === null || user.status === 'deleted') throw new VerifierError('AUTH003');
  if (!purposes.includes(c.purpose)) throw new VerifierError('AUTH003');
  if (user.status === 'blocked') throw new VerifierError('AUTH005');
  if (c.batchDigest !== null || batchDigest !== null) {
    if (c.batchDigest === null || batchDigest === null || !stringsEqual(c.batchDigest, batchDigest)) {
      throw new VerifierError('AUTH009');
    }
  }
  const data = challengeData(c);
  const origin = { ip: c.ip, providerId: c.providerId, site: data.site };
  const audit = okAction === null ? null : auditEntry(now, user, origin, c.factor, okAction, 'ok');
  if (c.factor === 'card') {
    const r = judgeCardAnswer(ctx, engines, loaded, user, data.slot, typed, audit);
    return { judged: { data, factor: 'card', check: r.check }, verdict: r.verdict };
  }
  const r = judgeTokenAnswer(ctx, engines, loaded, typed, data.activation, now, audit);
  return { judged: { data, factor: 'token', check: r.check }, verdict: r.verdict };
}

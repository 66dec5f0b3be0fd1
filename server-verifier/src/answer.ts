import { stringsEqual } from '@nemid-sim/core';
import { decideCardAnswer } from './card-answer.js';
import type { Engines } from './card-engines.js';
import { type ChallengeData, challengeData, challengeView } from './challenges.js';
import { auditEntry, type VerifierContext } from './context.js';
import { type ErrorCode, VerifierError } from './errors.js';
import type { FactorVerdict } from './factor-verdict.js';
import { timeOrderedId } from './runtime.js';
import { formatCardSerial } from './serials.js';
import type {
  CardRecord,
  ChallengePurpose,
  ChallengeRecord,
  ProviderRecord,
  UserRecord,
} from './store/records.js';
import type { AnswerRows, Decision } from './store/store.js';
import { decideTokenAnswer } from './token-answer.js';
import type { VerifierEvent } from './views.js';

/** What the caller expects of the challenge and how the attempt is logged. */
export interface AnswerRequest {
  readonly purposes: readonly ChallengePurpose[];
  readonly typed: string;
  /** KC-7: the digest of the transactions signed now, or null for a log-on. */
  readonly batchDigest: string | null;
  /** The audit action of this attempt (its outcome is 'ok' or the error code). */
  readonly action: string;
  /** Write the 'ok' line with the answer (false when the caller logs its own after more work). */
  readonly logOk: boolean;
}

export interface Answered {
  readonly challenge: ChallengeRecord;
  readonly user: UserRecord;
  readonly data: ChallengeData;
  /** The challenge's provider as the answer found it (S-3 identity), or null. */
  readonly provider: ProviderRecord | null;
  readonly tokenActivated: boolean;
}

interface Outcome {
  readonly answered: Answered | null;
  readonly error: VerifierError | null;
  readonly events: readonly VerifierEvent[];
  readonly exhausted: CardRecord | null;
}

/**
 * Answers a challenge in one unit of work: the store consumes it (single use) and holds its card or
 * token; the domain decides (challenge checks, then the key or code) once; the store writes the
 * decision (the card or token as the answer leaves it, the audit line, an AUTH011 retry challenge)
 * and commits. Events go out after the commit; a refusal is thrown after it, since its counting
 * must stand.
 */
export async function answerChallenge(
  ctx: VerifierContext,
  engines: Engines,
  challengeId: string,
  req: AnswerRequest,
): Promise<Answered> {
  const now = ctx.clock();
  const outcome = await ctx.store.answer(challengeId, (rows) => decideAnswer(ctx, engines, rows, req, now));
  for (const e of outcome.events) ctx.emit(e);
  if (outcome.exhausted !== null) await announceHandover(ctx, outcome.exhausted);
  if (outcome.error !== null) throw outcome.error;
  return outcome.answered as Answered;
}

function decideAnswer(
  ctx: VerifierContext,
  engines: Engines,
  rows: AnswerRows | null,
  req: AnswerRequest,
  now: number,
): Decision<Outcome> {
  if (rows === null) return refusal(auditEntry(now, null, {}, 'none', req.action, 'AUTH003'), 'AUTH003');
  const c = rows.challenge;
  const data = challengeData(c);
  const user = rows.user !== null && rows.user.status !== 'deleted' ? rows.user : null;
  const origin = { ip: c.ip, providerId: c.providerId, site: data.site };
  const line = (outcome: string) => auditEntry(now, user, origin, c.factor, req.action, outcome);
  const early = challengeProblem(c, user, req, now);
  if (early !== null || user === null) return refusal(line(early ?? 'AUTH003'), early ?? 'AUTH003');
  const verdict: FactorVerdict =
    c.factor === 'card'
      ? decideCardAnswer(ctx, engines, c, rows.card, user, data.slot, req.typed, now)
      : decideTokenAnswer(ctx, engines, c, rows.token, data.activation, req.typed, now);
  let error = verdict.error;
  const challenges: ChallengeRecord[] = [];
  if (verdict.resync) {
    const retry: ChallengeRecord = {
      ...c,
      id: timeOrderedId(now, ctx.random),
      createdAt: now,
      expiresAt: now + ctx.policy.challengeTtlMs,
    };
    challenges.push(retry);
    error = new VerifierError('AUTH011', undefined, { retry: challengeView(retry), factor: 'token' });
  }
  const audit = error === null && !req.logOk ? [] : [line(error?.code ?? 'ok')];
  return {
    result: {
      answered:
        error === null
          ? { challenge: c, user, data, provider: rows.provider, tokenActivated: verdict.activated === true }
          : null,
      error,
      events: verdict.events,
      exhausted: verdict.exhausted ?? null,
    },
    writes: {
      insert: { audit, challenges },
      update: {
        cards: verdict.card === undefined ? [] : [verdict.card],
        tokens: verdict.token === undefined ? [] : [verdict.token],
      },
    },
  };
}

/** Why the challenge itself cannot be answered now, before its key or code is looked at. */
function challengeProblem(
  c: ChallengeRecord,
  user: UserRecord | null,
  req: AnswerRequest,
  now: number,
): ErrorCode | null {
  if (!(now < c.expiresAt) || user === null || !req.purposes.includes(c.purpose)) return 'AUTH003';
  if (user.status === 'blocked') return 'AUTH005';
  if (c.batchDigest !== null || req.batchDigest !== null) {
    if (c.batchDigest === null || req.batchDigest === null || !stringsEqual(c.batchDigest, req.batchDigest)) {
      return 'AUTH009';
    }
  }
  return null;
}

function refusal(line: ReturnType<typeof auditEntry>, code: ErrorCode): Decision<Outcome> {
  return {
    result: { answered: null, error: new VerifierError(code), events: [], exhausted: null },
    writes: { insert: { audit: [line] } },
  };
}

/** KC-3: the card that ran out hands over to the user's next active card (or to none: AUTH006). */
async function announceHandover(ctx: VerifierContext, card: CardRecord): Promise<void> {
  const next = (await ctx.store.listCards(card.userId)).find((c) => c.status === 'active');
  ctx.emit({
    type: 'card-handover',
    userId: card.userId,
    fromCardNumber: formatCardSerial(card.serial),
    toCardNumber: next ? formatCardSerial(next.serial) : null,
    at: ctx.clock(),
  });
}

import { CARD_KEY_DIGITS, CARD_SLOTS, codesEqual, parseCode } from '@nemid-sim/core';
import type { Engines } from './card-engines.js';
import { cardContext } from './card-engines.js';
import type { VerifierContext } from './context.js';
import { VerifierError } from './errors.js';
import { cardSubject } from './lockout-subjects.js';
import { randomBelow } from './runtime.js';
import { formatCardSerial } from './serials.js';
import type {
  AnswerVerdict,
  AuditEntry,
  CardRecord,
  LoadedChallenge,
  SettleResult,
  UserRecord,
} from './store/store.js';
import type { CardView } from './views.js';

/** The card a key is asked from, the key number asked for and its slot on the card. */
export interface CardKeyChoice {
  readonly card: CardRecord;
  readonly keyNumber: number;
  readonly slot: number;
}

/**
 * KC-1, KC-3: the current card is the user's first active card (by issue order) with a key left;
 * a card found used up on the way is marked exhausted (the handover). The key is a random unused
 * one. No card with a key left is AUTH006.
 */
export async function chooseCardKey(
  ctx: VerifierContext,
  engines: Engines,
  userId: string,
): Promise<CardKeyChoice> {
  for (const card of await ctx.store.listCards(userId)) {
    if (card.status !== 'active') continue;
    const lockout = await ctx.store.getLockout(cardSubject(card.serial));
    if (lockout.blocked) {
      await revokeCard(ctx, card);
      continue;
    }
    if (lockout.lockedUntil !== null && ctx.clock() < lockout.lockedUntil) throw new VerifierError('AUTH004');
    const slot = await randomUnusedSlot(ctx, engines, card);
    if (slot !== null) return { card, keyNumber: engines.card(card).keyNumber(slot), slot };
    await exhaust(ctx, card);
  }
  throw new VerifierError('AUTH006');
}

async function randomUnusedSlot(
  ctx: VerifierContext,
  engines: Engines,
  card: CardRecord,
): Promise<number | null> {
  const engine = engines.card(card);
  const usedSlots = new Set((await ctx.store.listUsedKeys(card.serial)).map((n) => engine.slotOf(n)));
  const free: number[] = [];
  for (let slot = 0; slot < CARD_SLOTS; slot++) if (!usedSlots.has(slot)) free.push(slot);
  if (free.length === 0) return null;
  return free[randomBelow(ctx.random, free.length)];
}

/** What judging a typed key found, for `finishCardAnswer`. */
export interface CardCheck {
  readonly card: CardRecord;
  readonly user: UserRecord;
  /** The typed key parsed (-1: not a key at all). */
  readonly code: number;
}

/**
 * Judges the key typed for a card challenge. Synchronous and free of store calls: it runs inside
 * the store's answer step, which then applies the verdict atomically (a right key is used once and
 * the failures reset; a wrong one is counted; a lock in force refuses either without counting).
 * `slot` is the slot the challenge asked for, when the challenge recorded it (saves inverting the
 * key-number permutation, the costliest part of a card check).
 */
export function judgeCardAnswer(
  ctx: VerifierContext,
  engines: Engines,
  loaded: LoadedChallenge,
  user: UserRecord,
  slot: number | null,
  typed: string,
  audit: AuditEntry | null,
): { readonly check: CardCheck; readonly verdict: AnswerVerdict } {
  const { challenge, card } = loaded;
  const keyNumber = challenge.keyNumber;
  if (card === null || keyNumber === null || card.userId !== challenge.userId)
    throw new VerifierError('AUTH003');
  if (card.status === 'blocked') throw new VerifierError('AUTH008');
  if (card.status === 'revoked') throw new VerifierError('LOCK003');
  const engine = engines.card(card);
  const code = parseCode(typed, CARD_KEY_DIGITS);
  const s = slot ?? engine.slotOf(keyNumber);
  const right = code >= 0 && s >= 0 && codesEqual(code, engine.key(s));
  return {
    check: { card, user, code },
    verdict: {
      subject: cardSubject(card.serial),
      policy: ctx.policy.factor,
      use: right ? { kind: 'card-key', serial: card.serial, keyNumber } : null,
      audit,
    },
  };
}

/**
 * Turns the settlement of a card answer into the result: errors, revocation, reorder, handover.
 * Null when an accepted key needs nothing more, the common case, which then costs no further
 * promise or turn of the event loop.
 */
export function finishCardAnswer(
  ctx: VerifierContext,
  engines: Engines,
  check: CardCheck,
  settled: SettleResult,
): Promise<void> | null {
  if (settled.outcome === 'accepted') return afterKeyUsed(ctx, check.card, check.user, settled.usedKeys);
  return refuseCardAnswer(ctx, engines, check, settled);
}

async function refuseCardAnswer(
  ctx: VerifierContext,
  engines: Engines,
  check: CardCheck,
  settled: Exclude<SettleResult, { readonly outcome: 'accepted' }>,
): Promise<never> {
  const card = check.card;
  switch (settled.outcome) {
    case 'gone':
      throw new VerifierError('AUTH003');
    case 'locked':
      throw new VerifierError('AUTH004');
    case 'blocked':
      await revokeCard(ctx, card);
      throw new VerifierError('LOCK003');
  }
  if (settled.state.blocked) {
    await revokeCard(ctx, card);
    throw new VerifierError('LOCK003');
  }
  // A right key used meanwhile (two challenges for one key) is an old key, like a replay.
  if (settled.outcome === 'replayed') throw new VerifierError('AUTH010');
  if (settled.state.lockedUntil !== null) throw new VerifierError('AUTH004');
  if (check.code >= 0 && (await isUsedKey(ctx, engines, card, check.code)))
    throw new VerifierError('AUTH010');
  throw new VerifierError('AUTH002');
}

/** AUTH010 for a key the user already used (typed from the wrong row, or kept from before). */
async function isUsedKey(
  ctx: VerifierContext,
  engines: Engines,
  card: CardRecord,
  code: number,
): Promise<boolean> {
  const engine = engines.card(card);
  let found = false;
  for (const n of await ctx.store.listUsedKeys(card.serial)) {
    const slot = engine.slotOf(n);
    found = (slot >= 0 && codesEqual(code, engine.key(slot))) || found;
  }
  return found;
}

/**
 * KC-3: the reorder event once per card at the user's threshold, the handover when it runs out.
 * Null when neither is due.
 */
function afterKeyUsed(
  ctx: VerifierContext,
  card: CardRecord,
  user: UserRecord,
  usedKeys: number,
): Promise<void> | null {
  const keysLeft = CARD_SLOTS - usedKeys;
  // A card whose record already says "reorder sent" needs no write (it is set once, ever); one
  // that says not yet asks the store, which lets exactly one caller set it.
  const reorderDue = keysLeft <= user.reorderThreshold && card.reorderSentAt === null;
  if (!reorderDue && keysLeft > 0) return null;
  return reorderAndHandOver(ctx, card, keysLeft, reorderDue);
}

async function reorderAndHandOver(
  ctx: VerifierContext,
  card: CardRecord,
  keysLeft: number,
  reorderDue: boolean,
): Promise<void> {
  if (reorderDue && (await ctx.store.markReorderSent(card.serial, ctx.clock()))) {
    ctx.emit({
      type: 'card-reorder',
      userId: card.userId,
      cardNumber: formatCardSerial(card.serial),
      keysLeft,
      at: ctx.clock(),
    });
  }
  if (keysLeft <= 0) await exhaust(ctx, card);
}

async function exhaust(ctx: VerifierContext, card: CardRecord): Promise<void> {
  await ctx.store.setCardStatus(card.serial, 'exhausted');
  const next = (await ctx.store.listCards(card.userId)).find((c) => c.status === 'active');
  ctx.emit({
    type: 'card-handover',
    userId: card.userId,
    fromCardNumber: formatCardSerial(card.serial),
    toCardNumber: next ? formatCardSerial(next.serial) : null,
    at: ctx.clock(),
  });
}

async function revokeCard(ctx: VerifierContext, card: CardRecord): Promise<void> {
  if (card.status !== 'active') return;
  await ctx.store.setCardStatus(card.serial, 'revoked');
  ctx.emit({
    type: 'card-blocked',
    userId: card.userId,
    cardNumber: formatCardSerial(card.serial),
    reason: 'revoked',
    at: ctx.clock(),
  });
}

/** Seals a card secret and adds the card (KC-3: at most `maxCards` active cards). */
export async function addCard(
  ctx: VerifierContext,
  userId: string,
  serial: string,
  secret: Uint8Array,
): Promise<CardRecord> {
  const secretCiphertext = ctx.box.seal(secret, cardContext(serial));
  const r = await ctx.store.addCard(
    { serial, userId, secretCiphertext, issuedAt: ctx.clock() },
    ctx.policy.maxCards,
  );
  if (r.ok) return r.card;
  if (r.reason === 'limit')
    throw new VerifierError('CONFLICT', `a user holds at most ${ctx.policy.maxCards} cards`);
  if (r.reason === 'duplicate-serial')
    throw new VerifierError('CONFLICT', 'that card number is already issued');
  throw new VerifierError('NOT_FOUND', 'no such user');
}

export async function cardViews(ctx: VerifierContext, userId: string): Promise<CardView[]> {
  const cards = await ctx.store.listCards(userId);
  const current = cards.find((c) => c.status === 'active');
  const views: CardView[] = [];
  for (const c of cards) {
    views.push({
      cardNumber: formatCardSerial(c.serial),
      status: c.status,
      keysLeft: CARD_SLOTS - (await ctx.store.listUsedKeys(c.serial)).length,
      current: c === current,
      reorderSent: c.reorderSentAt !== null,
      issuedAt: c.issuedAt,
    });
  }
  return views;
}

import { CARD_SLOTS } from '@nemid-sim/core';
import { cardBlocked } from './card-answer.js';
import type { Engines } from './card-engines.js';
import { cardContext } from './card-engines.js';
import { isSlotUsed, keysLeft, noSlotsUsed } from './card-slots.js';
import { auditEntry, type VerifierContext } from './context.js';
import { VerifierError } from './errors.js';
import { isLocked } from './lockout.js';
import { randomBelow } from './runtime.js';
import { formatCardSerial } from './serials.js';
import { type CardRecord, NO_LOCKOUT } from './store/records.js';
import type { CardView } from './views.js';

/** The card a key is asked from, the key number asked for and its slot on the card. */
export interface CardKeyChoice {
  readonly card: CardRecord;
  readonly keyNumber: number;
  readonly slot: number;
}

/**
 * KC-1, KC-3: the current card is the user's first active card by issue order; the key is a
 * uniformly random unused one. A quarantined current card is AUTH004; no active card is AUTH006.
 */
export async function chooseCardKey(
  ctx: VerifierContext,
  engines: Engines,
  userId: string,
): Promise<CardKeyChoice> {
  const card = (await ctx.store.listCards(userId)).find((c) => c.status === 'active');
  if (card === undefined) throw new VerifierError('AUTH006');
  if (isLocked(card.lockout, ctx.clock())) throw new VerifierError('AUTH004', undefined, { factor: 'card' });
  const free: number[] = [];
  for (let slot = 0; slot < CARD_SLOTS; slot++) if (!isSlotUsed(card.usedSlots, slot)) free.push(slot);
  // An active card always has a key left: the answer that uses its last key marks it exhausted.
  const slot = free[randomBelow(ctx.random, free.length)];
  return { card, keyNumber: engines.card(card).keyNumber(slot), slot };
}

/** KC-3: issues a card (sealed secret), unless the user holds the most active cards allowed. */
export async function addCard(
  ctx: VerifierContext,
  userId: string,
  serial: string,
  secret: Uint8Array,
): Promise<CardRecord> {
  const secretCiphertext = ctx.box.seal(secret, cardContext(serial));
  const now = ctx.clock();
  const max = ctx.policy.maxCards;
  return ctx.store.update({ user: userId, cardsOf: userId, card: serial }, ({ user, cards, card: taken }) => {
    if (user === null) throw new VerifierError('NOT_FOUND', 'no such user');
    if (taken !== null) throw new VerifierError('CONFLICT', 'that card number is already issued');
    if (cards.filter((c) => c.status === 'active').length >= max) {
      throw new VerifierError('CONFLICT', `a user holds at most ${max} active cards`);
    }
    const card: CardRecord = {
      serial,
      userId,
      secretCiphertext,
      sequence: Math.max(0, ...cards.map((c) => c.sequence)) + 1,
      status: 'active',
      issuedAt: now,
      reorderSentAt: null,
      usedSlots: noSlotsUsed(),
      lockout: NO_LOCKOUT,
    };
    const line = auditEntry(now, user, {}, 'card', 'card-issued', 'ok');
    return { result: card, writes: { insert: { cards: [card], audit: [line] } } };
  });
}

/**
 * KC-5: blocks an active card at once: lost (self-service, bank, support) or found and handed in
 * (the owner hears of it through the 'card-blocked' event). False if there is no such card.
 */
export async function blockCard(
  ctx: VerifierContext,
  serial: string,
  reason: 'lost' | 'found',
): Promise<boolean> {
  const now = ctx.clock();
  const blocked = await ctx.store.update({ card: serial }, ({ card }) => {
    if (card === null) return { result: null };
    const line = auditEntry(now, null, {}, 'card', `card-blocked-${reason}`, 'ok');
    const owned = { ...line, userId: card.userId };
    if (card.status === 'blocked') return { result: card, writes: { insert: { audit: [owned] } } };
    const next: CardRecord = { ...card, status: 'blocked' };
    return { result: next, writes: { update: { cards: [next] }, insert: { audit: [owned] } } };
  });
  if (blocked === null) return false;
  ctx.emit(cardBlocked(blocked, reason, now));
  return true;
}

export async function cardViews(ctx: VerifierContext, userId: string): Promise<CardView[]> {
  const cards = await ctx.store.listCards(userId);
  const current = cards.find((c) => c.status === 'active');
  return cards.map((c) => ({
    cardNumber: formatCardSerial(c.serial),
    status: c.status,
    keysLeft: keysLeft(c.usedSlots),
    current: c === current,
    reorderSent: c.reorderSentAt !== null,
    issuedAt: c.issuedAt,
  }));
}

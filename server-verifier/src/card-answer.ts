import type { CardEngine } from '@nemid-sim/core';
import { CARD_KEY_DIGITS, codesEqual, parseCode } from '@nemid-sim/core';
import type { Engines } from './card-engines.js';
import { isSlotUsed, keysLeft, usedSlots, withSlotUsed } from './card-slots.js';
import type { VerifierContext } from './context.js';
import { type FactorVerdict, refused } from './factor-verdict.js';
import { afterSuccess, countFailure, isLocked } from './lockout.js';
import { formatCardSerial } from './serials.js';
import type { CardRecord, ChallengeRecord, UserRecord } from './store/records.js';
import type { VerifierEvent } from './views.js';

/**
 * KC-1, KC-3, KC-9: the key typed for a card challenge, decided on the card's row as the store
 * holds it. A right key not used before is used (its slot marked), the failures reset, and the
 * reorder (once per card, at the user's threshold) and the handover (when the last key is used)
 * written with it. A wrong key, or a right one used meanwhile, counts as a failure; the failure
 * that blocks revokes the card. A card that is quarantined refuses without counting. `slotHint`
 * is the slot the challenge asked for (saves inverting the key-number permutation).
 */
export function decideCardAnswer(
  ctx: VerifierContext,
  engines: Engines,
  c: ChallengeRecord,
  card: CardRecord | null,
  user: UserRecord,
  slotHint: number | null,
  typed: string,
  now: number,
): FactorVerdict {
  if (card === null || c.keyNumber === null || card.userId !== c.userId) return refused('AUTH003', 'card');
  if (card.status === 'blocked') return refused('AUTH008', 'card');
  if (card.status === 'revoked' || card.lockout.blocked) return refused('LOCK003', 'card');
  if (card.status !== 'active') return refused('AUTH003', 'card');
  if (isLocked(card.lockout, now)) return refused('AUTH004', 'card');
  const engine = engines.card(card);
  const code = parseCode(typed, CARD_KEY_DIGITS);
  const slot = slotHint ?? engine.slotOf(c.keyNumber);
  const right = code >= 0 && slot >= 0 && codesEqual(code, engine.key(slot));
  if (right && !isSlotUsed(card.usedSlots, slot)) return useKey(card, user, slot, now);
  const { state } = countFailure(card.lockout, now, ctx.policy.factor);
  const counted: CardRecord = { ...card, lockout: state };
  if (state.blocked) {
    const revoked: CardRecord = { ...counted, status: 'revoked' };
    return refused('LOCK003', 'card', { card: revoked, events: [cardBlocked(card, 'revoked', now)] });
  }
  if (state.lockedUntil !== null) return refused('AUTH004', 'card', { card: counted, events: [] });
  // A right key used meanwhile (two challenges for one key), or one typed from an earlier row.
  const old = right || (code >= 0 && matchesUsedKey(engine, card.usedSlots, code));
  return refused(old ? 'AUTH010' : 'AUTH002', 'card', { card: counted, events: [] });
}

function useKey(card: CardRecord, user: UserRecord, slot: number, now: number): FactorVerdict {
  const used = withSlotUsed(card.usedSlots, slot);
  const left = keysLeft(used);
  const events: VerifierEvent[] = [];
  const reorderDue = left <= user.reorderThreshold && card.reorderSentAt === null;
  if (reorderDue) {
    events.push({
      type: 'card-reorder',
      userId: card.userId,
      cardNumber: formatCardSerial(card.serial),
      keysLeft: left,
      at: now,
    });
  }
  const next: CardRecord = {
    ...card,
    usedSlots: used,
    lockout: afterSuccess(card.lockout),
    reorderSentAt: reorderDue ? now : card.reorderSentAt,
    status: left === 0 ? 'exhausted' : card.status,
  };
  return { error: null, card: next, events, exhausted: left === 0 ? next : undefined };
}

function matchesUsedKey(engine: CardEngine, used: Uint8Array, code: number): boolean {
  let found = false;
  for (const slot of usedSlots(used)) found = codesEqual(code, engine.key(slot)) || found;
  return found;
}

export function cardBlocked(
  card: CardRecord,
  reason: 'lost' | 'found' | 'revoked' | 'deleted',
  now: number,
): VerifierEvent {
  return {
    type: 'card-blocked',
    userId: card.userId,
    cardNumber: formatCardSerial(card.serial),
    reason,
    at: now,
  };
}

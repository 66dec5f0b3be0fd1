import { CARD_SLOTS } from '@nemid-sim/core';
import { cardBlocked } from './card-answer.js';
import { auditEntry, type VerifierContext } from './context.js';
import { invalid, VerifierError } from './errors.js';
import type { CardRecord, TokenRecord } from './store/records.js';
import { changeUser } from './users.js';

export interface ProfilePatch {
  readonly name?: string;
  readonly address?: string | null;
  readonly mobile?: string | null;
  readonly email?: string | null;
}

/** S-1: the personal details kept (name, address, and if given mobile number and e-mail). */
export async function updateProfile(
  ctx: VerifierContext,
  userId: string,
  patch: ProfilePatch,
): Promise<void> {
  if (patch.name !== undefined && patch.name.trim() === '') throw invalid('a name is needed');
  await changeUser(ctx, userId, 'profile-updated', (u) => ({
    ...u,
    name: patch.name?.trim() ?? u.name,
    address: patch.address === undefined ? u.address : patch.address,
    mobile: patch.mobile === undefined ? u.mobile : patch.mobile,
    email: patch.email === undefined ? u.email : patch.email,
  }));
}

/** S-1: opt in or out of logging which websites NemID was used on. */
export async function setSiteLogging(ctx: VerifierContext, userId: string, on: boolean): Promise<void> {
  await changeUser(ctx, userId, on ? 'site-log-on' : 'site-log-off', (u) => ({ ...u, siteLogOptIn: on }));
}

/** KC-3: keys left on the current card at which a new card is ordered. */
export async function setReorderThreshold(
  ctx: VerifierContext,
  userId: string,
  keysLeft: number,
): Promise<void> {
  if (!(Number.isInteger(keysLeft) && keysLeft >= 0 && keysLeft < CARD_SLOTS)) {
    throw invalid(`the threshold is a whole number of keys from 0 to ${CARD_SLOTS - 1}`);
  }
  await changeUser(ctx, userId, 'reorder-threshold', (u) => ({ ...u, reorderThreshold: keysLeft }));
}

/** S-4: suspected misuse blocks the whole NemID at once (every flow checks the status). */
export async function blockNemId(ctx: VerifierContext, userId: string, reason: string): Promise<void> {
  await changeUser(ctx, userId, 'nemid-blocked', (u) => ({ ...u, status: 'blocked' }));
  ctx.emit({ type: 'nemid-blocked', userId, reason, at: ctx.clock() });
}

export async function unblockNemId(ctx: VerifierContext, userId: string): Promise<void> {
  await changeUser(ctx, userId, 'nemid-unblocked', (u) => ({ ...u, status: 'active' }));
}

/**
 * KC-8: delete the NemID on request, in one unit of work. The user can no longer log on: the
 * account is marked deleted, personal details and the alias removed, active cards blocked and the
 * key display retired. The audit log stays (evidence for the user and, with a court order, the
 * police). The CPR number stays too: it is how the person's record is found if they enrol again.
 */
export async function deleteNemId(ctx: VerifierContext, userId: string): Promise<void> {
  const now = ctx.clock();
  const blocked = await ctx.store.update({ user: userId, cardsOf: userId, tokenOf: userId }, (rows) => {
    const user = rows.user;
    if (user === null || user.status === 'deleted') throw new VerifierError('NOT_FOUND', 'no such user');
    const gone = {
      ...user,
      status: 'deleted' as const,
      name: '',
      address: null,
      mobile: null,
      email: null,
      alias: null,
      siteLogOptIn: false,
    };
    const cards: CardRecord[] = rows.cards
      .filter((c) => c.status === 'active')
      .map((c) => ({ ...c, status: 'blocked' }));
    const tokens: TokenRecord[] = rows.heldToken === null ? [] : [{ ...rows.heldToken, state: 'retired' }];
    const line = auditEntry(now, user, {}, 'none', 'nemid-deleted', 'ok');
    return { result: cards, writes: { update: { users: [gone], cards, tokens }, insert: { audit: [line] } } };
  });
  for (const c of blocked) ctx.emit(cardBlocked(c, 'deleted', now));
  ctx.emit({ type: 'nemid-deleted', userId, at: now });
}

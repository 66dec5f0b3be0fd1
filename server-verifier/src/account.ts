import { CARD_SLOTS } from '@nemid-sim/core';
import { audit, type VerifierContext } from './context.js';
import { invalid } from './errors.js';
import { requireUser } from './users.js';

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
  const user = await requireUser(ctx, userId);
  if (patch.name !== undefined && patch.name.trim() === '') throw invalid('a name is needed');
  await ctx.store.updateUser(userId, {
    name: patch.name?.trim(),
    address: patch.address,
    mobile: patch.mobile,
    email: patch.email,
  });
  await audit(ctx, user, {}, 'none', 'profile-updated', 'ok');
}

/** S-1: opt in or out of logging which websites NemID was used on. */
export async function setSiteLogging(ctx: VerifierContext, userId: string, on: boolean): Promise<void> {
  const user = await requireUser(ctx, userId);
  await ctx.store.updateUser(userId, { siteLogOptIn: on });
  await audit(ctx, user, {}, 'none', on ? 'site-log-on' : 'site-log-off', 'ok');
}

/** KC-3: keys left on the current card at which a new card is ordered. */
export async function setReorderThreshold(
  ctx: VerifierContext,
  userId: string,
  keysLeft: number,
): Promise<void> {
  const user = await requireUser(ctx, userId);
  if (!(Number.isInteger(keysLeft) && keysLeft >= 0 && keysLeft < CARD_SLOTS)) {
    throw invalid(`the threshold is a whole number of keys from 0 to ${CARD_SLOTS - 1}`);
  }
  await ctx.store.updateUser(userId, { reorderThreshold: keysLeft });
  await audit(ctx, user, {}, 'none', 'reorder-threshold', 'ok');
}

/** S-4: suspected misuse blocks the whole NemID at once (every flow checks the status). */
export async function blockNemId(ctx: VerifierContext, userId: string, reason: string): Promise<void> {
  const user = await requireUser(ctx, userId);
  await ctx.store.updateUser(userId, { status: 'blocked' });
  await audit(ctx, user, {}, 'none', 'nemid-blocked', 'ok');
  ctx.emit({ type: 'nemid-blocked', userId, reason, at: ctx.clock() });
}

export async function unblockNemId(ctx: VerifierContext, userId: string): Promise<void> {
  const user = await requireUser(ctx, userId);
  await ctx.store.updateUser(userId, { status: 'active' });
  await audit(ctx, user, {}, 'none', 'nemid-unblocked', 'ok');
}

/**
 * KC-8: delete the NemID on request. The user can no longer log on: the account is marked
 * deleted, personal details and the alias removed, cards blocked and the key display retired.
 * The audit log stays (it is evidence for the user and, with a court order, the police). The CPR
 * number stays too: it is how the person's record is found if they enrol again.
 */
export async function deleteNemId(ctx: VerifierContext, userId: string): Promise<void> {
  const user = await requireUser(ctx, userId);
  const now = ctx.clock();
  await ctx.store.updateUser(userId, {
    status: 'deleted',
    name: '',
    address: null,
    mobile: null,
    email: null,
    siteLogOptIn: false,
  });
  await ctx.store.setAlias(userId, null);
  for (const c of await ctx.store.listCards(userId)) {
    if (c.status === 'active') await ctx.store.setCardStatus(c.serial, 'blocked');
  }
  const token = await ctx.store.findUserToken(userId);
  if (token !== null) await ctx.store.setTokenState(token.serial, token.state, 'retired', now);
  await audit(ctx, user, {}, 'none', 'nemid-deleted', 'ok');
  ctx.emit({ type: 'nemid-deleted', userId, at: now });
}

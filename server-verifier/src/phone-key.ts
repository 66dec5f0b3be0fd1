import { CARD_KEY_DIGITS, formatCode } from '@nemid-sim/core';
import type { Engines } from './card-engines.js';
import { challengeData } from './challenges.js';
import { audit, type VerifierContext } from './context.js';
import { VerifierError } from './errors.js';
import { formatCardSerial } from './serials.js';

/** What the phone service reads to the user: the key asked for, digit by digit. */
export interface KeyCall {
  readonly userId: string;
  /** The mobile number on file. */
  readonly phone: string;
  readonly cardNumber: string;
  readonly keyNumber: string;
  /** The 6-digit key. Say it, then forget it: never log or store it. */
  readonly key: string;
}

/** supplied by the embedding backend (a telephony provider, or the demo's speech synthesis). */
export type PhoneService = (call: KeyCall) => Promise<void>;

/**
 * A-2, Voice Response for blind users: after the password step, the phone service calls the user
 * and reads the key the card challenge asks for. The challenge stays to be answered as usual.
 */
export async function phoneKey(
  ctx: VerifierContext,
  engines: Engines,
  service: PhoneService | undefined,
  challengeId: string,
): Promise<void> {
  if (service === undefined) throw new VerifierError('CONFLICT', 'no phone service is set up');
  const c = await ctx.store.getChallenge(challengeId);
  if (c === null || !(ctx.clock() < c.expiresAt) || c.factor !== 'card' || c.keyNumber === null) {
    throw new VerifierError('AUTH003');
  }
  const user = await ctx.store.getUser(c.userId);
  const card = c.cardSerial === null ? null : await ctx.store.getCard(c.cardSerial);
  if (user === null || user.status !== 'active' || card === null) throw new VerifierError('AUTH003');
  if (user.mobile === null) throw new VerifierError('CONFLICT', 'no phone number on file');
  const engine = engines.card(card);
  const slot = challengeData(c).slot ?? engine.slotOf(c.keyNumber);
  await service({
    userId: user.id,
    phone: user.mobile,
    cardNumber: formatCardSerial(card.serial),
    keyNumber: String(c.keyNumber).padStart(4, '0'),
    key: formatCode(engine.key(slot), CARD_KEY_DIGITS),
  });
  const origin = { ip: c.ip, providerId: c.providerId, site: challengeData(c).site };
  await audit(ctx, user, origin, 'card', 'key-phoned', 'ok');
}

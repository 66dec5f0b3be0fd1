import { createHmac, timingSafeEqual } from 'node:crypto';
import type { VerifierContext } from './context.js';
import { VerifierError } from './errors.js';

const SETTING = 'master-key-check';

/**
 * A value that only the right master key produces (HMAC under a key derived from it), kept in the
 * database by the first check. It reveals nothing about the key; a later check with another key
 * gets WRONG_MASTER_KEY instead of a verifier that fails every log-on.
 */
export async function checkMasterKey(ctx: VerifierContext): Promise<'ok' | 'claimed'> {
  const value = createHmac('sha256', ctx.keys.keyCheck)
    .update('nemid-sim master key check')
    .digest('base64url');
  const before = await ctx.store.getSetting(SETTING);
  const kept = before ?? (await ctx.store.initSetting(SETTING, value));
  const a = Buffer.from(kept);
  const b = Buffer.from(value);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new VerifierError('WRONG_MASTER_KEY');
  return before === null ? 'claimed' : 'ok';
}

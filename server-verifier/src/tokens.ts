import { tokenContext } from './card-engines.js';
import type { VerifierContext } from './context.js';
import { invalid, VerifierError } from './errors.js';
import { formatTokenSerial, normalizeTokenSerial } from './serials.js';
import { NO_LOCKOUT, type TokenAlgorithm, type TokenKind, type TokenRecord } from './store/records.js';
import { StoreConflictError } from './store/store.js';
import type { TokenView } from './views.js';

/** One device from a vendor's batch, secret in the clear (the caller decrypted the vendor's file). */
export interface VendorToken {
  /** 16 digits, spaces allowed. */
  readonly serial: string;
  readonly kind: TokenKind;
  readonly secret: Uint8Array;
  readonly algorithm?: TokenAlgorithm;
  readonly digits?: number;
  readonly stepSeconds?: number;
  readonly t0?: number;
  /** HOTP: the device's next counter value (default 0): a token moved from another server. */
  readonly counter?: number;
  /** TOTP: the device clock's known offset in steps (default 0). */
  readonly driftSteps?: number;
}

const whole = (v: number, min: number) => Number.isSafeInteger(v) && v >= min;

export function vendorTokenRecord(ctx: VerifierContext, t: VendorToken, now: number): TokenRecord {
  const serial = normalizeTokenSerial(t.serial);
  if (serial === null) throw invalid('a token serial is 16 digits');
  if (t.kind !== 'hotp' && t.kind !== 'totp') throw invalid('a token is hotp or totp');
  const algorithm = t.algorithm ?? 'sha1';
  if (!['sha1', 'sha256', 'sha512'].includes(algorithm))
    throw invalid('algorithm must be sha1, sha256 or sha512');
  const { digits = 6, stepSeconds = 30, t0 = 0, counter = 0, driftSteps = 0 } = t;
  if (!(whole(digits, 6) && digits <= 9)) throw invalid('digits must be 6 to 9');
  if (!whole(stepSeconds, 1)) throw invalid('step must be a whole number of seconds');
  if (!whole(t0, 0)) throw invalid('t0 must be a whole number of seconds');
  if (!whole(counter, 0)) throw invalid('a counter is a whole number from 0');
  if (!Number.isSafeInteger(driftSteps)) throw invalid('a drift is a whole number of steps');
  if (!(t.secret instanceof Uint8Array) || t.secret.length < 10)
    throw invalid('a token secret is at least 10 bytes');
  return {
    serial,
    kind: t.kind,
    algorithm,
    digits,
    stepSeconds,
    t0,
    secretCiphertext: ctx.box.seal(t.secret, tokenContext(serial)),
    userId: null,
    state: 'stock',
    lastCounter: t.kind === 'hotp' ? counter - 1 : -1,
    driftSteps: t.kind === 'totp' ? driftSteps : 0,
    pendingDriftSteps: null,
    resyncCounter: null,
    registeredAt: now,
    lastUsedAt: null,
    activatedAt: null,
    lockout: NO_LOCKOUT,
  };
}

/** T-5: a vendor's batch, all or nothing. Secrets are sealed before they reach the store. */
export async function registerTokens(ctx: VerifierContext, tokens: readonly VendorToken[]): Promise<number> {
  const now = ctx.clock();
  const records = tokens.map((t) => vendorTokenRecord(ctx, t, now));
  try {
    await ctx.store.write({ insert: { tokens: records } });
  } catch (e) {
    if (e instanceof StoreConflictError) {
      throw new VerifierError('CONFLICT', 'a token serial in the batch is already registered');
    }
    throw e;
  }
  return records.length;
}

export function tokenView(t: TokenRecord): TokenView {
  return {
    tokenSerial: formatTokenSerial(t.serial),
    kind: t.kind,
    state: t.state,
    activatedAt: t.activatedAt,
    lastUsedAt: t.lastUsedAt,
  };
}

import { parseCode } from '@nemid-sim/core';
import { type Engines, tokenContext } from './card-engines.js';
import type { VerifierContext } from './context.js';
import { invalid, VerifierError } from './errors.js';
import { tokenSubject } from './lockout-subjects.js';
import { formatTokenSerial, normalizeTokenSerial } from './serials.js';
import type {
  AnswerVerdict,
  AuditEntry,
  LoadedChallenge,
  NewToken,
  SettleResult,
  TokenAlgorithm,
  TokenKind,
  TokenRecord,
} from './store/store.js';
import { locateCode, type WindowResult } from './token-windows.js';
import type { TokenView } from './views.js';

/** One device from a vendor's batch file, secret in the clear (the caller decrypted the file). */
export interface VendorToken {
  /** 16 digits, spaces allowed. */
  readonly serial: string;
  readonly kind: TokenKind;
  readonly secret: Uint8Array;
  readonly algorithm?: TokenAlgorithm;
  readonly digits?: number;
  readonly stepSeconds?: number;
  readonly t0?: number;
}

export function sealVendorToken(ctx: VerifierContext, t: VendorToken): NewToken {
  const serial = normalizeTokenSerial(t.serial);
  if (serial === null) throw invalid('a token serial is 16 digits');
  if (t.kind !== 'hotp' && t.kind !== 'totp') throw invalid('a token is hotp or totp');
  const algorithm = t.algorithm ?? 'sha1';
  if (!['sha1', 'sha256', 'sha512'].includes(algorithm))
    throw invalid('algorithm must be sha1, sha256 or sha512');
  const digits = t.digits ?? 6;
  const stepSeconds = t.stepSeconds ?? 30;
  const t0 = t.t0 ?? 0;
  if (!(Number.isInteger(digits) && digits >= 6 && digits <= 9)) throw invalid('digits must be 6 to 9');
  if (!(Number.isInteger(stepSeconds) && stepSeconds >= 1))
    throw invalid('step must be a whole number of seconds');
  if (!(Number.isInteger(t0) && t0 >= 0)) throw invalid('t0 must be a whole number of seconds');
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
  };
}

/** Why a token code was refused, for the caller to turn into an error (AUTH011 needs a new challenge). */
export type TokenAnswer = 'ok' | 'resync';

/** What judging a typed code found, for `finishTokenAnswer`. */
export interface TokenCheck {
  readonly token: TokenRecord;
  readonly found: WindowResult;
}

/**
 * Judges a code typed for a token challenge. Synchronous and free of store calls: it runs inside
 * the store's answer step, which applies the verdict atomically. An accepted code advances the
 * counter by compare-and-set, so of two instances racing on one code exactly one accepts it; the
 * loser gets AUTH010 like any replay (and its try is counted as a failure).
 */
export function judgeTokenAnswer(
  ctx: VerifierContext,
  engines: Engines,
  loaded: LoadedChallenge,
  typed: string,
  activation: boolean,
  now: number,
  audit: AuditEntry | null,
): { readonly check: TokenCheck; readonly verdict: AnswerVerdict } {
  const token = loaded.token;
  if (token === null || token.userId !== loaded.challenge.userId) throw new VerifierError('AUTH003');
  if (token.state === 'blocked') throw new VerifierError('AUTH008');
  if (token.state === 'revoked') throw new VerifierError('LOCK003');
  if (token.state !== (activation ? 'assigned' : 'active')) throw new VerifierError('AUTH003');
  const code = parseCode(typed, token.digits);
  const found: WindowResult =
    code < 0 ? { kind: 'wrong' } : locateCode(token, engines.token(token), code, now, ctx.policy);
  return {
    check: { token, found },
    verdict: {
      subject: tokenSubject(token.serial),
      policy: ctx.policy.factor,
      use:
        found.kind === 'accept'
          ? {
              kind: 'token-counter',
              serial: token.serial,
              expectedLast: token.lastCounter,
              newValue: found.counter,
              advance: found.advance,
            }
          : null,
      audit,
    },
  };
}

/**
 * Turns the settlement of a token answer into the result: 'ok', 'resync' (AUTH011 needs a new
 * challenge, made by the caller), or an error; activation (T-7) and revocation happen here.
 */
export async function finishTokenAnswer(
  ctx: VerifierContext,
  check: TokenCheck,
  settled: SettleResult,
  activation: boolean,
  now: number,
): Promise<TokenAnswer> {
  const { token, found } = check;
  switch (settled.outcome) {
    case 'accepted':
      if (activation && (await ctx.store.setTokenState(token.serial, 'assigned', 'active', now))) {
        ctx.emit({
          type: 'token-activated',
          userId: token.userId ?? '',
          tokenSerial: formatTokenSerial(token.serial),
          at: now,
        });
      }
      return 'ok';
    case 'gone':
      throw new VerifierError('AUTH003');
    case 'locked':
      throw new VerifierError('AUTH004');
    case 'blocked':
      await revokeToken(ctx, token);
      throw new VerifierError('LOCK003');
  }
  if (settled.outcome === 'counted' && found.kind === 'resync') {
    await ctx.store.setTokenResync(token.serial, found.counter);
    return 'resync';
  }
  if (settled.state.blocked) {
    await revokeToken(ctx, token);
    throw new VerifierError('LOCK003');
  }
  if (settled.outcome === 'replayed') throw new VerifierError('AUTH010');
  if (settled.state.lockedUntil !== null) throw new VerifierError('AUTH004');
  throw new VerifierError(found.kind === 'old' ? 'AUTH010' : 'AUTH002');
}

async function revokeToken(ctx: VerifierContext, token: TokenRecord): Promise<void> {
  for (const from of ['active', 'assigned'] as const) {
    if (await ctx.store.setTokenState(token.serial, from, 'revoked', ctx.clock())) {
      ctx.emit({
        type: 'token-blocked',
        userId: token.userId ?? '',
        tokenSerial: formatTokenSerial(token.serial),
        reason: 'revoked',
        at: ctx.clock(),
      });
      return;
    }
  }
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
